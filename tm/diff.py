"""What changed between two handoffs: every segment classified, counted per page and in total.

Two versions of a page are aligned by content (`tm.align`), never by id, and each link gets a class:

- `unchanged`: same source, same target;
- `target_changed`: same source, another target (usually a new machine translation);
- `source_changed`: the English was edited (paired by similarity, with its score);
- `added` / `removed`: no counterpart on the other side.

Pages pair by path; an added page whose content matches a removed one is reported as renamed and diffed
against it. Either side may be pages or catalogs (a file is read as a catalog when its suffix says so), so
a catalog tree can be compared with a handoff. `compare` takes two `Source`s and returns a `DiffReport`;
it reads no files itself, and the CLI renders the report as text, JSON, HTML (`tm.report_html`) or
review catalogs (`review_catalogs`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from tm._version import __version__
from tm.align import DEFAULT_THRESHOLD, align, match_pages
from tm.catalogs import catalog_relpath, page_relpath
from tm.errors import InputError
from tm.extract import count_words, plural_forms
from tm.formats import for_path
from tm.model import Catalog, Entry
from tm.page import load_page
from tm.sources import Source

__all__ = [
    "CLASSES", "Change", "DiffOptions", "DiffReport", "Kind", "PageDiff", "Segment", "compare", "diff_segments",
    "review_catalogs",
]

T = TypeVar("T")
R = TypeVar("R")


class Mapper(Protocol):
    """`map`, or anything that maps a function over items in order (e.g. over worker processes)."""

    def __call__(self, func: Callable[[T], R], items: Iterable[T], /) -> Iterable[R]: ...


class Kind(str, enum.Enum):
    """The class of one aligned segment."""

    UNCHANGED = "unchanged"
    TARGET_CHANGED = "target_changed"
    SOURCE_CHANGED = "source_changed"
    ADDED = "added"
    REMOVED = "removed"


CLASSES = tuple(kind.value for kind in Kind)


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment as a diff sees it, from a page pair or a catalog entry."""

    id: str
    source: str
    target: str
    line: int


@dataclass(frozen=True, slots=True)
class Change:
    """An aligned link that is not `unchanged`; `score` is the source similarity (1.0 when equal, 0.0 when one
    side is missing)."""

    kind: Kind
    score: float
    old: Segment | None
    new: Segment | None


@dataclass(frozen=True, slots=True)
class PageDiff:
    """The classes of one page's segments; `changes` is kept only when asked (`DiffOptions.keep_changes`).

    `status` is `same` (path in both), `added`, `removed` or `renamed` (then `old_relpath` is its old path).
    """

    relpath: str
    counts: dict[str, int]
    words_added: int = 0
    words_changed: int = 0
    changes: tuple[Change, ...] = ()
    status: str = "same"
    old_relpath: str = ""
    locale: str = ""

    @property
    def changed(self) -> bool:
        """True when some segment is not `unchanged`."""
        return any(n for kind, n in self.counts.items() if kind != Kind.UNCHANGED.value)

    def to_json(self) -> dict[str, int]:
        return {**self.counts, "words_added": self.words_added, "words_changed": self.words_changed}


@dataclass(frozen=True, slots=True)
class DiffOptions:
    """How to compare: similarity threshold, whether to keep the changed texts, names for messages."""

    threshold: float = DEFAULT_THRESHOLD
    keep_changes: bool = False
    old_label: str = "old"
    new_label: str = "new"


@dataclass(frozen=True, slots=True)
class DiffReport:
    """Every page's classes, the added/removed/renamed pages, and the files that could not be read."""

    pages: tuple[PageDiff, ...]
    pages_added: tuple[str, ...] = ()
    pages_removed: tuple[str, ...] = ()
    pages_renamed: dict[str, str] = field(default_factory=dict)
    errors: tuple[str, ...] = ()

    @property
    def totals(self) -> dict[str, int]:
        """Segments per class over all pages, and the source words added and changed."""
        totals = dict.fromkeys(CLASSES, 0)
        words_added = words_changed = 0
        for page in self.pages:
            for kind, n in page.counts.items():
                totals[kind] += n
            words_added += page.words_added
            words_changed += page.words_changed
        return {**totals, "words_added": words_added, "words_changed": words_changed}

    def occurs(self, classes: Iterable[str]) -> bool:
        """True when a segment of one of `classes` occurs (also `pages_added`, `pages_removed`, `pages_renamed`)."""
        totals = self.totals
        pages = {"pages_added": self.pages_added, "pages_removed": self.pages_removed,
                 "pages_renamed": self.pages_renamed}
        return any(pages[c] if c in pages else totals.get(c, 0) > 0 for c in classes)

    def to_json(self) -> dict[str, object]:
        return {
            "pages": {page.relpath: page.to_json() for page in self.pages},
            "totals": self.totals,
            "pages_added": list(self.pages_added),
            "pages_removed": list(self.pages_removed),
            "pages_renamed": dict(self.pages_renamed),
            "errors": list(self.errors),
        }


def diff_segments(
    relpath: str, old: Sequence[Segment], new: Sequence[Segment], *, threshold: float = DEFAULT_THRESHOLD,
    keep_changes: bool = True, status: str = "same", old_relpath: str = "", locale: str = "",
) -> PageDiff:
    """Align two versions of a page and classify every link.

    >>> old = [Segment("a-1", "Hello.", "Bonjour.", 1), Segment("a-2", "Install Visual Studio 2017.", "x", 3)]
    >>> new = [Segment("b-1", "Hello.", "Salut.", 1), Segment("b-2", "Install Visual Studio 2019.", "y", 3)]
    >>> page = diff_segments("p.md", old, new)
    >>> page.counts["target_changed"], page.counts["source_changed"], page.changes[1].score
    (1, 1, 0.963)
    """
    counts = dict.fromkeys(CLASSES, 0)
    words_added = words_changed = 0
    changes: list[Change] = []
    links = align([s.source for s in old], [s.source for s in new], threshold=threshold,
                  old_keys=[(s.source, s.target) for s in old], new_keys=[(s.source, s.target) for s in new])
    for link in links:
        before = old[link.old] if link.old is not None else None
        after = new[link.new] if link.new is not None else None
        kind = _kind(before, after)
        counts[kind.value] += 1
        if kind is Kind.ADDED and after is not None:
            words_added += count_words(after.source)
        elif kind is Kind.SOURCE_CHANGED and after is not None:
            words_changed += count_words(after.source)
        if keep_changes and kind is not Kind.UNCHANGED:
            changes.append(Change(kind, link.score, before, after))
    return PageDiff(relpath, counts, words_added, words_changed, tuple(changes), status, old_relpath, locale)


def _kind(before: Segment | None, after: Segment | None) -> Kind:
    if before is None:
        return Kind.ADDED
    if after is None:
        return Kind.REMOVED
    if before.source != after.source:
        return Kind.SOURCE_CHANGED
    return Kind.UNCHANGED if before.target == after.target else Kind.TARGET_CHANGED


# ---------------------------------------------------------------- whole handoffs


@dataclass(frozen=True, slots=True)
class _Loaded:
    """One side of one page, read: its segments and locale, or the error that kept it from being read."""

    segments: tuple[Segment, ...] = ()
    locale: str = ""
    error: str = ""


@dataclass(frozen=True, slots=True)
class _Result:
    """What a worker sends back for one path: a diff, or one side to pair up later, and errors."""

    relpath: str
    diff: PageDiff | None = None
    old: _Loaded | None = None
    new: _Loaded | None = None
    errors: tuple[str, ...] = ()


def load_segments(relpath: str, data: bytes, *, label: str = "") -> _Loaded:
    """The segments of a page, or of a catalog when `relpath` has a catalog suffix (its active entries)."""
    where = f"{label}/{relpath}" if label else relpath
    adapter = for_path(relpath)
    if adapter is not None:
        try:
            catalog: Catalog = adapter.read(data, path=where)
        except InputError as exc:
            return _Loaded(error=str(exc))
        segments = tuple(Segment(e.id, e.source, e.target, e.line) for e in catalog.entries if not e.obsolete)
        return _Loaded(segments, catalog.locale)
    try:
        parsed = load_page(relpath, data)
    except InputError as exc:
        return _Loaded(error=f"{where}:{exc.line}: {exc.message}" if exc.line else f"{where}: {exc.message}")
    if parsed.diagnostics:
        first = parsed.diagnostics[0]
        return _Loaded(error=f"{where}:{first.line}: {first.message} [{first.code}]")
    page = parsed.page
    return _Loaded(tuple(Segment(p.id, p.source, p.target, p.line) for p in page.pairs), page.locale)


@dataclass(frozen=True, slots=True)
class _DiffJob:
    """Diff one path; picklable so that it runs in worker processes."""

    options: DiffOptions

    def __call__(self, item: tuple[str, str, bytes | None, str, bytes | None]) -> _Result:
        relpath, old_name, old_data, new_name, new_data = item
        opts = self.options
        old = load_segments(old_name, old_data, label=opts.old_label) if old_data is not None else None
        new: _Loaded | None = old
        if new_data is not None and new_data == old_data and old_name == new_name and old is not None:
            new = old  # same bytes: all unchanged, read once
        else:
            new = load_segments(new_name, new_data, label=opts.new_label) if new_data is not None else None
        errors = tuple(dict.fromkeys(side.error for side in (old, new) if side is not None and side.error))
        if errors:
            return _Result(relpath, errors=errors)
        if old is None or new is None:
            return _Result(relpath, old=old, new=new)
        diff = diff_segments(relpath, old.segments, new.segments, threshold=opts.threshold,
                             keep_changes=opts.keep_changes, locale=new.locale or old.locale)
        return _Result(relpath, diff=diff)


def compare(
    old: Source, new: Source, *, options: DiffOptions = DiffOptions(), pmap: Mapper | None = None
) -> DiffReport:
    """Diff two handoffs (pages or catalogs, from any `Source`); `pmap` may run the pages in parallel.

    >>> from tm.sources import MemorySource
    >>> def page(pairs):
    ...     return "".join(f'<span data-ttu-id="x-{n}">{t}</span><span class="sxs-lookup">'
    ...                    f'<span data-stu-id="x-{n}">{s}</span></span>\\n' for n, (s, t) in enumerate(pairs)).encode()
    >>> v1 = MemorySource({"a.md": page([("Hi.", "Salut."), ("Bye.", "Adieu.")])})
    >>> v2 = MemorySource({"a.md": page([("Hi.", "Bonjour."), ("New.", "Neuf.")]), "b.md": page([("B.", "B.")])})
    >>> report = compare(v1, v2)
    >>> report.totals["target_changed"], report.totals["added"], report.totals["removed"], report.pages_added
    (1, 2, 1, ('b.md',))
    """
    job = _DiffJob(options)
    items = _join(_keyed(old.files()), _keyed(new.files()))
    diffs: list[PageDiff] = []
    olds: dict[str, _Loaded] = {}
    news: dict[str, _Loaded] = {}
    errors: list[str] = []
    for result in (pmap or _serial)(job, items):
        errors.extend(result.errors)
        if result.diff is not None:
            diffs.append(result.diff)
        elif result.old is not None:
            olds[result.relpath] = result.old
        elif result.new is not None:
            news[result.relpath] = result.new
    renamed = match_pages({p: [s.source for s in side.segments] for p, side in olds.items()},
                          {p: [s.source for s in side.segments] for p, side in news.items()})
    for old_path, new_path in renamed.items():
        before, after = olds.pop(old_path), news.pop(new_path)
        diffs.append(diff_segments(new_path, before.segments, after.segments, threshold=options.threshold,
                                   keep_changes=options.keep_changes, status="renamed", old_relpath=old_path,
                                   locale=after.locale or before.locale))
    for path, side in news.items():
        diffs.append(diff_segments(path, (), side.segments, keep_changes=options.keep_changes, status="added",
                                   locale=side.locale))
    for path, side in olds.items():
        diffs.append(diff_segments(path, side.segments, (), keep_changes=options.keep_changes, status="removed",
                                   old_relpath=path, locale=side.locale))
    diffs.sort(key=lambda d: d.relpath)
    return DiffReport(tuple(diffs), tuple(sorted(news)), tuple(sorted(olds)), renamed, tuple(errors))


def _serial(func: Callable[[T], R], items: Iterable[T], /) -> Iterable[R]:
    return map(func, items)


def _keyed(files: Iterator[tuple[str, bytes]]) -> Iterator[tuple[str, str, bytes]]:
    """`(page relpath, file relpath, bytes)`: a catalog `core/a.po` stands for the page `core/a.md`."""
    for name, data in files:
        yield (page_relpath(name) if for_path(name) is not None else name), name, data


def _join(
    old: Iterator[tuple[str, str, bytes]], new: Iterator[tuple[str, str, bytes]]
) -> Iterator[tuple[str, str, bytes | None, str, bytes | None]]:
    """Pair both sides by page path while streaming them (both come sorted, so little waits in memory)."""
    waiting_old: dict[str, tuple[str, bytes]] = {}
    waiting_new: dict[str, tuple[str, bytes]] = {}
    a, b = next(old, None), next(new, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] <= b[0]):
            assert a is not None
            key, name, data = a
            if key in waiting_new:
                other_name, other = waiting_new.pop(key)
                yield key, name, data, other_name, other
            else:
                waiting_old[key] = (name, data)
            a = next(old, None)
        else:
            key, name, data = b
            if key in waiting_old:
                other_name, other = waiting_old.pop(key)
                yield key, other_name, other, name, data
            else:
                waiting_new[key] = (name, data)
            b = next(new, None)
    for key, (name, data) in waiting_old.items():
        yield key, name, data, "", None
    for key, (name, data) in waiting_new.items():
        yield key, "", None, name, data


# ---------------------------------------------------------------- review catalogs


def review_catalogs(report: DiffReport) -> dict[str, Catalog]:
    """One catalog per changed page (keyed by catalog relpath, under its locale), holding only what changed.

    Each entry is fuzzy, with the new source and target; `#| msgid` holds the previous source when it
    changed (not the previous id: Poedit shows a `#| msgctxt` glued to it; an extracted comment names it), and an
    extracted comment the class, score and previous translation. Removed segments come as
    obsolete entries, so the reviewer sees what went away.
    """
    out: dict[str, Catalog] = {}
    for page in report.pages:
        entries = [_review_entry(page.relpath, change) for change in page.changes]
        if not entries:
            continue
        relpath = catalog_relpath(page.relpath)
        out[f"{page.locale}/{relpath}" if page.locale else relpath] = Catalog(
            entries, _review_header(page), page.locale, page.relpath)
    return out


def _review_header(page: PageDiff) -> dict[str, str]:
    """The header fields `msgfmt -c` wants (the dates and translator left for the reviewer's editor to fill)."""
    header = {"Project-Id-Version": page.relpath, "PO-Revision-Date": "", "Last-Translator": "", "Language-Team": "",
              "Language": page.locale.replace("-", "_"), "MIME-Version": "1.0",
              "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
              "Plural-Forms": plural_forms(page.locale) if page.locale else "", "X-Generator": f"tm {__version__}",
              "X-Page": page.relpath}
    if page.status == "renamed":
        header["X-Page-Renamed-From"] = page.old_relpath
    return {k: v for k, v in header.items() if v or k in _EMPTY_FIELDS}


_EMPTY_FIELDS = ("PO-Revision-Date", "Last-Translator", "Language-Team")


def _review_entry(relpath: str, change: Change) -> Entry:
    what = change.kind.value + (f" (similarity {change.score:.2f})" if change.kind is Kind.SOURCE_CHANGED else "")
    before, after = change.old, change.new
    if before is not None and after is not None and before.id != after.id:
        what += f", previously {before.id}"  # not `#| msgctxt`: Poedit glues it to the previous source
    notes = [f"tm diff: {what}"]
    if after is None:
        assert before is not None
        return Entry(before.id, before.source, before.target, comments=tuple(notes), obsolete=True)
    if before is not None and before.target != after.target:
        notes.append("previous translation: " + _one_line(before.target))
    previous = before.source if before is not None and before.source != after.source else None
    return Entry(after.id, after.source, after.target, fuzzy=True, previous_source=previous,
                 notes=tuple(notes), references=(f"{relpath}:{after.line}",))


def _one_line(text: str) -> str:
    """A text fit for a one-line PO comment: line breaks shown as `\\n`."""
    return text.replace("\r", "\\r").replace("\n", "\\n")

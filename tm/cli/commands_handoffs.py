"""`tm diff` and `tm update`: from one handoff to the next.

`diff` compares two handoffs (directories of pages or catalogs, or two revisions of a repository) and
renders `tm.diff.DiffReport` as a table, JSON, HTML or review catalogs. `update` carries a catalog tree
forward to a new handoff with `tm.update`, in two passes over worker processes:

1. every page with a catalog is updated and written, except those with a segment that could take a
   reviewed translation from elsewhere in the tree: those come back updated but for these offers
   (`_Pending`); meanwhile the reviewed entries of all catalogs are collected, and added pages and
   orphaned catalogs are set aside;
2. with the tree's memory complete (and pages renamed detected by content), the pending pages get their
   offers and are written, and the set-aside pages are done.

Each catalog is read once in the common case and written only when its bytes change, so a second run
writes nothing. Written catalogs are staged and committed together once both passes are done, unless the
update is refused (`tm.cli.update_tree`: lock, staging, refusals). This module and that one are the only
ones here that touch files.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from tm._version import __version__
from tm.align import DEFAULT_THRESHOLD, gc_paused, match_pages
from tm.catalogs import CatalogTreeSource, catalog_relpath, locale_folder, locale_folders
from tm.cli._app import Jobs, Json, Quiet, Repo, Rev, app, pages_source, print_json, table_console
from tm.cli.update_tree import (
    STAGE_NAME,
    Losses,
    Staging,
    TreeLock,
    locale_dirs,
    lost_reviews,
    page_key,
    refusals,
    tree_catalogs,
    tree_locale,
    under,
)
from tm.diff import CLASSES, DiffOptions, DiffReport, compare, review_catalogs
from tm.errors import BadArgument, InputError
from tm.extract_fast import page_entries
from tm.fileio import read_file, write_atomic, write_file
from tm.formats import catalog_suffixes, for_path, po
from tm.jobs import default_jobs, parallel_map
from tm.model import Catalog, LazyCatalog, Page, canonical_locale, is_language_tag
from tm.page import parse_page
from tm.page.parse import decode_page
from tm.progress import Reporter
from tm.report_html import render_html
from tm.sources import PAGE_SUFFIXES, Content, DirectorySource, GitSource, Source, content, deferred
from tm.update import (
    OUTCOMES,
    Memory,
    PageUpdate,
    PageUpdateText,
    Reviews,
    obsolete_catalog,
    offer_lookups,
    reviews,
    update_page,
    update_page_text,
)

T = TypeVar("T")
R = TypeVar("R")

Threshold = Annotated[float, typer.Option(min=0.0, max=1.0, help="Least similarity (0-1) for an edited segment.")]
_PAGE_CLASSES = ("pages_added", "pages_removed", "pages_renamed")


# ---------------------------------------------------------------- shared


def catalog_root(root: Path) -> Path:
    """The locale directory of a catalog tree (`tm.catalogs.locale_folder`): `locales` holding only `fr-FR/`
    means `locales/fr-FR`; a locales root of several locales is refused."""
    return Path(locale_folder(str(root))) if root.is_dir() else root


def _side(name: str) -> Source:
    """Pages if the path holds pages, else the catalogs of a catalog tree."""
    path = Path(name)
    if path.is_file():
        return DirectorySource(path, catalog_suffixes() if for_path(path.name) else PAGE_SUFFIXES)
    pages = DirectorySource(path)
    if len(pages) or not path.is_dir():
        return pages
    folders = locale_folders(str(path))  # several locales: compared by their paths in the root
    return CatalogTreeSource(folders[0]) if len(folders) == 1 else DirectorySource(path, catalog_suffixes())


@dataclass(frozen=True, slots=True)
class _Mapper:
    """`parallel_map` with a progress bar, in the shape `compare` expects (`tm.diff.Mapper`)."""

    report: Reporter
    jobs: int | None
    total: int
    label: str

    def __call__(self, func: Callable[[T], R], items: Iterable[T], /) -> Iterable[R]:
        mapped = parallel_map(func, items, jobs=self.jobs or default_jobs(), total=self.total)
        return self.report.track(mapped, total=self.total, label=self.label)


# ---------------------------------------------------------------- diff


@app.command()
def diff(
    paths: Annotated[list[str] | None, typer.Argument(
        help="OLD NEW: directories (or files) of pages or catalogs; with --rev, paths inside --repo.")] = None,
    json_out: Json = False,
    html: Annotated[Path | None, typer.Option("--html", help="Write a side-by-side HTML report to FILE.")] = None,
    po_dir: Annotated[Path | None, typer.Option("--po", help="Write review catalogs of the changes under DIR.")
                      ] = None,
    fail_on: Annotated[str | None, typer.Option(
        "--fail-on", help=f"Exit 1 when any of these occur (comma-separated): {', '.join(CLASSES + _PAGE_CLASSES)}."
    )] = None,
    threshold: Threshold = DEFAULT_THRESHOLD,
    repo: Repo = None,
    revs: Annotated[list[str] | None, typer.Option("--rev", help="Two revisions of --repo: OLD, then NEW.")
                    ] = None,
    jobs: Jobs = None,
    quiet: Quiet = False,
) -> int:
    """Show what changed between two handoffs, segment by segment."""
    classes = _fail_classes(fail_on)
    old, new, labels = _diff_sides(paths or [], repo, revs or [])
    report = Reporter(quiet=quiet or json_out)
    options = DiffOptions(threshold, keep_changes=bool(html or po_dir), old_label=labels[0], new_label=labels[1])
    result = compare(old, new, options=options, pmap=_Mapper(report, jobs, max(len(old), len(new)), "diff"))
    for message in result.errors:
        report.error(message)
    if html:
        write_atomic(html, render_html(result, title=f"tm diff {labels[0]} → {labels[1]}").encode("utf-8"))
    if po_dir:
        _write_reviews(po_dir, result, labels[1], report)
    if json_out:
        print_json(result.to_json())
    elif not quiet:
        _print_diff(result, labels)
    if report.errors:
        return 2
    return 1 if classes and result.occurs(classes) else 0


def _write_reviews(po_dir: Path, result: DiffReport, label: str, report: Reporter) -> None:
    """The review catalogs under `po_dir/<locale>/`; a page whose locale is not a language tag (`../x`) gets
    none, so nothing is written outside `po_dir` (TM103)."""
    for relpath, catalog in review_catalogs(result).items():
        if catalog.locale and not is_language_tag(catalog.locale):
            report.error(f"{label}/{catalog.page}: ms.contentlocale {catalog.locale!r} is not a language tag "
                         "(such as fr-FR); nothing written for it [TM103]")
            continue
        write_atomic(po_dir / relpath, po.write(catalog))


def _fail_classes(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    classes = tuple(c.strip() for c in value.split(",") if c.strip())
    unknown = [c for c in classes if c not in CLASSES + _PAGE_CLASSES]
    if unknown:
        raise BadArgument(f"--fail-on: unknown class {unknown[0]!r} (choose from {', '.join(CLASSES + _PAGE_CLASSES)})")
    return classes


def _diff_sides(paths: list[str], repo: Path | None, revs: list[str]) -> tuple[Source, Source, tuple[str, str]]:
    if revs:
        if len(revs) != 2:
            raise BadArgument("give --rev twice: the old revision, then the new one")
        where = Path(repo or ".")
        return (GitSource(where, revs[0], tuple(paths)), GitSource(where, revs[1], tuple(paths)),
                (revs[0], revs[1]))
    if repo is not None:
        raise BadArgument("--repo needs two --rev")
    if len(paths) != 2:
        raise BadArgument("give OLD and NEW (directories of pages or catalogs), or --repo DIR --rev A --rev B")
    return _side(paths[0]), _side(paths[1]), (paths[0].rstrip("/"), paths[1].rstrip("/"))


def _print_diff(report: DiffReport, labels: tuple[str, str]) -> None:
    from rich.table import Table  # imported when a table is printed: rich is a fifth of the start-up

    totals = report.totals
    table = Table()
    table.add_column("class")
    table.add_column("segments", justify="right")
    table.add_column("pages", justify="right")
    for kind in CLASSES:
        pages = sum(1 for page in report.pages if page.counts.get(kind))
        table.add_row(kind.replace("_", " "), f"{totals[kind]:,}", f"{pages:,}")
    console = table_console()
    console.print(f"{labels[0]} → {labels[1]}", markup=False, soft_wrap=True)  # not the table's title: it folds
    console.print(table)
    console.print(f"source words: {totals['words_added']:,} added, {totals['words_changed']:,} changed; "
                  f"pages: {len(report.pages_added)} added, {len(report.pages_removed)} removed, "
                  f"{len(report.pages_renamed)} renamed", markup=False)


# ---------------------------------------------------------------- update


# The tree's memory for pass 2. Workers are forked after it is set, so they share it instead of each
# receiving a pickled copy with every task.
_MEMORY: list[Memory] = []


@dataclass(frozen=True, slots=True)
class _Item:
    """One page to update: where its catalog is (if any) and where the result goes."""

    relpath: str
    data: Content | None  # the page's bytes or path; None: the page left the handoff (or is `pending`)
    catalog: str | None  # the catalog file's path
    renamed_from: str = ""
    pending: _Pending | None = None


@dataclass(slots=True)
class _Pending:
    """A page pass 1 updated but for the memory's offers (`PageUpdateText.lookups`), and its stamp."""

    result: PageUpdateText
    stamp: str
    lost: int


@dataclass(slots=True)
class _Done:
    """What a job did; pages set aside for pass 2 come back with their bytes and sources, or `pending`."""

    relpath: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    reviews: Reviews | None = None
    deferred: bool = False
    data: Content | None = None
    sources: list[str] = field(default_factory=list)
    written: int = 0
    unchanged: int = 0
    deleted: int = 0
    pages: int = 0
    needs_offers: bool = False
    pending: _Pending | None = None
    errors: list[str] = field(default_factory=list)
    # For `update_tree.refusals`: whether the page has pairs, the locale it declares when not the tree's,
    # the reviewed entries of the old catalog (pass 1), those made obsolete (when written), catalogs to delete.
    pairs: bool = False
    other_locale: str = ""
    reviewed: int = 0
    lost: int = 0
    deletes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _UpdateJob:
    """Update one catalog; in pass 1 (`final=False`) pages needing the tree's memory are set aside.

    Catalogs are written to the tree's staging area (`update_tree.Staging`), and deleted ones listed in
    `_Done.deletes`: the parent commits them all once the update is known not to be refused.

    A PO catalog written here carries `X-Tm-Update: <page digest> <entries digest> <reviewed entries>`: when
    the page is byte for byte the one it was updated against (same tm version and options) and nobody
    touched its entries since, updating it again would give the same catalog, so neither file is parsed.
    The catalog of a page that left the handoff is stamped with the digest of an empty page.
    """

    base: str  # the catalog tree; paths are plain strings (a `Path` per catalog was a few % of a run)
    threshold: float
    drop_obsolete: bool
    shown: str
    final: bool
    locale: str = ""  # the tree's locale when its folder says it (`update_tree.tree_locale`)

    def __call__(self, item: _Item) -> _Done:
        """Update one page's catalog; a page given as a path is read here, and set aside as that path."""
        if item.pending is not None:
            return self._offer_pending(item, item.pending)
        given = item.data
        if isinstance(given, str):
            try:
                item = replace(item, data=content(given))
            except OSError as exc:
                done = _Done(item.relpath)
                done.errors.append(f"{self._where(item)}: {exc.strerror or 'cannot read'}; its catalog left as it was")
                return done
        done = self._update(item)
        if done.deferred and isinstance(given, str):
            done.data = given
        return done

    def _update(self, item: _Item) -> _Done:
        done = _Done(item.relpath)
        raw = self._read_bytes(item.catalog, done) if item.catalog else None
        if item.catalog and raw is None:
            return done
        assert not isinstance(item.data, str)  # read by `__call__`
        stamp = self._page_digest(item.data if item.data is not None else b"")  # b"": the page left
        if raw is not None and not self.final and not item.renamed_from:
            reviewed = _stamped(raw, stamp)
            if reviewed is not None:  # nothing changed since the last update
                done.unchanged, done.pages, done.needs_offers = 1, 1, reviewed > 0
                done.reviewed, done.pairs = reviewed, item.data is not None
                return done
        old = self._decode(item.catalog, raw, done) if item.catalog and raw is not None else None
        if item.catalog and old is None:
            return done
        where = self._catalog_name(item.catalog) if item.catalog else ""
        if old is not None:  # pass 2 reads it again for a renamed page: `lost_reviews` needs it, the parent ignores it
            done.reviews = reviews(old, where)
            done.reviewed = 0 if self.final else len(done.reviews.sources)
        if item.data is None:
            return self._orphan(item, old, raw, done) if old is not None else done
        decoded = self._decode_page(item, done)
        if decoded is None:
            return done
        text, bom = decoded
        memory = _MEMORY[0] if self.final and _MEMORY else None
        if old is not None and self._update_fast(item, text, old, memory, where, done, raw, stamp):
            return done
        page = self._parse(item, text, bom, done)
        if page is None or (old is None and not page.pairs):
            return done
        if page.pairs:
            self._check_locale(page.locale, old, done)
        if old is None and not self.final:
            done.deferred, done.data, done.sources = True, item.data, [p.source for p in page.pairs]
            return done
        result = update_page(old.catalog() if old else None, page, threshold=self.threshold, memory=memory,
                             where=where, drop_obsolete=self.drop_obsolete)
        if not self._set_aside(item, done, result.wants_memory):
            self._write(item, result, done, raw, stamp)
            done.lost = lost_reviews(done.reviews, [pair.source for pair in page.pairs], result.counts)
        return done

    def _check_locale(self, declared: str, old: LazyCatalog | None, done: _Done) -> None:
        """Note a page with pairs, and the locale it declares when that is not the tree's (or its catalog's)."""
        done.pairs = True
        expected = self.locale or (old.locale if old is not None else "")
        if declared and expected and declared != expected:
            done.other_locale = declared

    def _set_aside(self, item: _Item, done: _Done, wants_memory: bool) -> bool:
        """In pass 1, a page that asked the tree's memory waits for pass 2, when the memory is known."""
        if wants_memory and not self.final:
            done.deferred, done.data = True, item.data
            return True
        return False

    def _update_fast(self, item: _Item, text: str, old: LazyCatalog, memory: Memory | None, where: str, done: _Done,
                     raw: bytes | None, stamp: str) -> bool:
        """`update_page_text` for a PO catalog whose page `extract_fast` takes apart; False: take the model path."""
        assert item.catalog is not None
        if not item.catalog.endswith(".po"):
            return False
        page = page_entries(item.relpath, text, locale=old.locale)
        if page is None:
            return False
        if page.sources:
            self._check_locale(canonical_locale(page.header.get("X-Ms-Contentlocale", "")), old, done)
        result = update_page_text(old, page, threshold=self.threshold, memory=memory, where=where,
                                  drop_obsolete=self.drop_obsolete)
        lost = lost_reviews(done.reviews, page.sources, result.counts)
        if result.wants_memory and not self.final:  # done but for the offers: pass 2 adds them
            done.deferred, done.pending = True, _Pending(result, stamp, lost)
            return True
        self._write_text(item, result, stamp, done, raw)
        done.lost = lost
        return True

    def _offer_pending(self, item: _Item, pending: _Pending) -> _Done:
        """Pass 2 of a page pass 1 updated but for the memory's offers: add them, and write the catalog."""
        assert item.catalog is not None
        done = _Done(item.relpath)
        memory = _MEMORY[0] if _MEMORY else Memory([])
        result = offer_lookups(pending.result, memory, threshold=self.threshold,
                               where=self._catalog_name(item.catalog))
        self._write_text(item, result, pending.stamp, done, None)
        done.lost = pending.lost
        return done

    def _write_text(self, item: _Item, result: PageUpdateText, stamp: str, done: _Done, raw: bytes | None) -> None:
        data = _stamped_po(result.header, result.header_comments, "".join(result.chunks), result.reviewed, stamp)
        self._replace(item, os.path.join(self.base, catalog_relpath(item.relpath, ".po")), data, result.counts,
                      done, raw)

    def _catalog_name(self, path: str) -> str:
        return _tree_name(self.base, path)

    def _page_digest(self, data: bytes) -> str:
        """What the catalog's contents follow from: the page's bytes, this tm and the options."""
        options = f"\0{__version__} {self.threshold} {self.drop_obsolete}".encode()
        return _digest(data, options)

    def _orphan(self, item: _Item, old: LazyCatalog, raw: bytes | None, done: _Done) -> _Done:
        """A catalog whose page left: in pass 1 set aside (it may be a rename), in pass 2 made obsolete."""
        if not self.final:
            done.deferred, done.sources = True, old.sources
            return done
        assert item.catalog is not None
        result = obsolete_catalog(old.catalog(), drop_obsolete=self.drop_obsolete)
        done.counts = result.counts
        done.lost = len(done.reviews.sources) if done.reviews else 0
        if self.drop_obsolete:
            done.deletes.append(item.catalog)
            done.deleted = 1
        else:
            self._put(item.catalog, _encode(item.catalog, result.catalog, self._page_digest(b"")), done, raw)
        return done

    def _write(self, item: _Item, result: PageUpdate, done: _Done, raw: bytes | None, stamp: str) -> None:
        suffix = item.catalog[item.catalog.rfind("."):] if item.catalog else ".po"
        target = os.path.join(self.base, catalog_relpath(item.relpath, suffix))
        self._replace(item, target, _encode(target, result.catalog, stamp), result.counts, done, raw)

    def _replace(self, item: _Item, target: str, data: bytes, counts: dict[str, int], done: _Done,
                 raw: bytes | None) -> None:
        """Write the updated catalog at `target`; the old file goes when the catalog moved (a renamed page)."""
        self._put(target, data, done, raw if item.catalog == target else None)
        done.counts = counts
        if item.catalog is not None and item.catalog != target:
            done.deletes.append(item.catalog)
            done.deleted = 1

    def _put(self, path: str, data: bytes, done: _Done, raw: bytes | None) -> None:
        """Write `data` at `path` unless the file already holds these very bytes (`raw`)."""
        if raw is None:
            try:
                raw = read_file(path)
            except OSError:
                raw = None
        done.pages = 1
        if raw == data:
            done.unchanged += 1
        else:
            write_file(self._staged(path), data)
            done.written += 1

    def _staged(self, path: str) -> str:
        """Where the catalog `path` of the tree is staged (`update_tree.Staging.path`, without its `relpath`)."""
        return os.path.join(self.base, STAGE_NAME, "files", path[len(os.path.join(self.base, "")):])

    def _read_bytes(self, path: str, done: _Done) -> bytes | None:
        try:
            return read_file(path)
        except OSError as exc:
            done.errors.append(f"{path}: {exc.strerror or 'cannot read'}; catalog left as it was")
            return None

    def _decode(self, path: str, raw: bytes, done: _Done) -> LazyCatalog | None:
        """The old catalog; a PO file's entries are built only as the update needs them (`po.read_lazy`)."""
        adapter = for_path(os.path.basename(path))
        try:
            if adapter is None:
                raise InputError(path, None, "not a catalog file (unknown suffix)")
            if adapter is po:
                return po.read_lazy(raw, path=path)
            return LazyCatalog.of(adapter.read(raw, path=path))
        except InputError as exc:
            done.errors.append(f"{exc}; catalog left as it was")
            return None

    def _where(self, item: _Item) -> str:
        return f"{self.shown}/{item.relpath}" if self.shown else item.relpath

    def _decode_page(self, item: _Item, done: _Done) -> tuple[str, bool] | None:
        """The page's text and whether it had a BOM, decoded once for both paths; None after reporting why not."""
        assert isinstance(item.data, bytes)
        try:
            return decode_page(item.relpath, item.data)
        except InputError as exc:
            done.errors.append(f"{self._where(item)}:{exc.line or 1}: {exc.message}; its catalog left as it was")
            return None

    def _parse(self, item: _Item, text: str, bom: bool, done: _Done) -> Page | None:
        parsed = parse_page(item.relpath, text, bom=bom)
        for diag in parsed.diagnostics:
            done.errors.append(f"{self._where(item)}:{diag.line}: {diag.message} [{diag.code}]; "
                               "its catalog left as it was")
        return None if parsed.diagnostics else parsed.page


STAMP = "X-Tm-Update"
_STAMP_LINE = f'"{STAMP}: '.encode()
_STAMP = re.compile(b"^" + _STAMP_LINE + rb'([0-9a-f]+) ([0-9a-f]+) ([0-9]+)\\n"$', re.MULTILINE)


def _digest(data: bytes, more: bytes = b"") -> str:
    """128 bits of SHA-256 of `data` + `more` (not concatenated: a page is copied once less). OpenSSL's runs
    on the CPU's SHA instructions, twice as fast as blake2b here (an update digests every page and catalog
    it writes)."""
    digest = hashlib.sha256(data)
    if more:
        digest.update(more)
    return digest.hexdigest()[:32]


def _tree_name(base: str, path: str) -> str:
    """A catalog's path in the tree (`core/intro.po`): how the memory names it. Catalog paths are found under
    `base` (`catalogs_by_page`), so they start with it."""
    return path[len(os.path.join(base, "")):].replace(os.sep, "/")


def _encode(path: str, catalog: Catalog, stamp: str) -> bytes:
    """The catalog file's bytes; a PO file of a page gets its `X-Tm-Update` stamp (see `_UpdateJob`)."""
    adapter = for_path(os.path.basename(path)) or po
    if adapter is not po or not stamp:
        data: bytes = adapter.write(catalog)
        return data
    body = "".join(islice(po.generate(Catalog(catalog.entries)), 1, None))
    reviewed = sum(1 for e in catalog.entries if e.reviewed)
    return _stamped_po(catalog.header, catalog.header_comments, body, reviewed, stamp)


def _stamped_po(header: dict[str, str], comments: tuple[str, ...], body: str, reviewed: int, stamp: str) -> bytes:
    """A PO catalog's bytes: the header with its `X-Tm-Update` stamp (which digests `body`), then `body`, in the
    charset the header declares (`po.encoding`)."""
    header, codec = po.encoding(header, body, comments)
    data = body.encode(codec)
    stamped = {**header, STAMP: f"{stamp} {_digest(data)} {reviewed}"}
    return po.header_text(Catalog([], stamped, header_comments=comments)).encode(codec) + data


def _stamped(raw: bytes, stamp: str) -> int | None:
    """The reviewed entries of a catalog left as an update for the page `stamp` wrote it, else None."""
    cut = raw.find(b"\n\n")
    if cut < 0 or raw.find(_STAMP_LINE, 0, cut) < 0:  # never updated (say, as extracted): no regex search
        return None
    found = _STAMP.search(raw, 0, cut + 1)
    if found is None or found.group(1).decode() != stamp or _digest(raw[cut + 1:]) != found.group(2).decode():
        return None
    return int(found.group(3))


@dataclass(frozen=True, slots=True)
class _OffersJob:
    """The reviewed entries of one catalog skipped in pass 1, for the memory."""

    base: str

    def __call__(self, path: str) -> Reviews:
        catalog = po.read(read_file(path), path=path, reviewed_only=True, header=False)
        return reviews(catalog, _tree_name(self.base, path))


@dataclass(slots=True)
class _Summary:
    """What `tm update` reports, and what it would do to the tree's reviews (`losses`) and catalogs."""

    pages: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    files_written: int = 0
    files_unchanged: int = 0
    files_deleted: int = 0
    pages_added: list[str] = field(default_factory=list)
    pages_removed: list[str] = field(default_factory=list)
    pages_renamed: dict[str, str] = field(default_factory=dict)
    losses: Losses = field(default_factory=Losses)
    deletes: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def add(self, done: _Done) -> None:
        """A page's final outcome (pass 1 if not set aside, else pass 2)."""
        for key, n in done.counts.items():
            self.counts[key] += n
        self.files_written += done.written
        self.files_unchanged += done.unchanged
        self.files_deleted += done.deleted
        self.pages += done.pages
        self.losses.lost += done.lost
        self.deletes += done.deletes

    def note(self, done: _Done) -> None:
        """What pass 1 learnt of every page and catalog: pairs, declared locale, reviews before the update."""
        self.losses.reviewed += done.reviewed
        self.losses.pages_with_pairs += done.pairs
        if done.other_locale:
            self.losses.other_locales.setdefault(done.other_locale, []).append(done.relpath)

    def to_json(self, errors: list[str]) -> dict[str, object]:
        return {"pages": self.pages, "entries": self.counts, "files_written": self.files_written,
                "files_unchanged": self.files_unchanged, "files_deleted": self.files_deleted,
                "pages_added": self.pages_added, "pages_removed": self.pages_removed,
                "pages_renamed": self.pages_renamed, "refused": bool(self.refused), "errors": errors}


@app.command()
def update(
    catalog_dir: Annotated[Path, typer.Argument(help="The locale's catalog tree (e.g. locales/fr-FR).")],
    sources: Annotated[list[str] | None, typer.Argument(
        help="The new handoff's pages (directory); with --rev, paths inside --repo.")] = None,
    threshold: Threshold = DEFAULT_THRESHOLD,
    drop_obsolete: Annotated[bool, typer.Option(
        "--drop-obsolete", help="Remove obsolete entries, and the catalogs of pages that left the handoff.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Update even from a handoff without pairs or of another "
                                        "locale, or when most reviewed entries would become obsolete.")] = False,
    repo: Repo = None,
    rev: Rev = None,
    jobs: Jobs = None,
    memory_db: Annotated[Path | None, typer.Option("--memory", help="A memory file (tm memory): its reviews are "
                                                   "offered too, and the tree's catalogs are recorded in it.")] = None,
    json_out: Json = False,
    quiet: Quiet = False,
) -> int:
    """Carry the reviewed translations of a catalog tree forward to a new handoff.

    Nothing is written until every page is done and the update is not refused (see `update_tree`).
    """
    base = _update_root(catalog_dir)
    source, shown = pages_source(sources or [], repo, rev)
    report = Reporter(quiet=quiet or json_out)
    job = _UpdateJob(str(base), threshold, drop_obsolete, shown, final=False, locale=tree_locale(str(base)))
    with TreeLock(str(base)):
        staging = Staging(str(base))
        recovered = staging.recover()
        if recovered:
            report.warning(f"{base}: {recovered}")
        try:
            if memory_db is not None:  # recorded before the update, which may drop some
                _record_memory(memory_db, base, job.locale, report)
            summary = _update_passes(job, source, report, jobs, memory_db)
        except BaseException:
            staging.discard()
            raise
        if not force:
            summary.refused = refusals(summary.losses, tree=str(base), shown=shown, locale=job.locale,
                                       removed=summary.pages_removed, drop=drop_obsolete)
        for message in summary.refused:
            report.error(message)
        if summary.refused:
            staging.discard()
            summary.files_written = summary.files_deleted = 0
        else:
            staging.commit(summary.deletes)
    if json_out:
        print_json(summary.to_json(report.errors))
    elif not quiet and not summary.refused:
        _print_update(summary, base)
    return 2 if report.errors else 0


def _update_root(catalog_dir: Path) -> Path:
    """The locale's tree to update; a folder holding the trees of locales is refused (which one is meant?)."""
    if not catalog_dir.is_dir():
        raise BadArgument(f"{catalog_dir}: not a directory of catalogs")
    base = catalog_root(catalog_dir)
    if not tree_locale(str(base)):
        found = locale_dirs(str(base))
        if found:
            raise BadArgument(f"{base} holds the catalog trees of {', '.join(found)}: give the one to update, "
                              f"e.g. {base / found[0]}")
    return base


def _record_memory(db: Path, base: Path, locale: str, report: Reporter) -> None:
    """`tm update --memory`: the tree's reviews (and the rest of its catalogs) recorded in the memory file."""
    from tm.memory.offers import record_tree

    for message in record_tree(db, str(base), locale=locale).errors:
        report.warning(f"{db}: not recorded: {message}")


def _tree_memory(collected: list[Reviews], db: Path | None, locale: str) -> Memory:
    """The reviews of the tree, plus those of the memory file `db` when given (`tm.memory.offers`)."""
    if db is None:
        return Memory.of_reviews(collected)
    from tm.memory.offers import TreeAndMemory

    memory = TreeAndMemory.of_reviews(collected)
    assert isinstance(memory, TreeAndMemory)
    return memory.use(db, locale=locale)


def _update_passes(first: _UpdateJob, source: Source, report: Reporter, jobs: int | None,
                   memory_db: Path | None = None) -> _Summary:
    """Both passes of `tm update` (see the module docstring), catalogs staged; what they did."""
    base = first.base
    by_page, skip, problems = tree_catalogs(base, source)
    for message in problems:
        report.error(message)
    summary = _Summary()
    later: list[_Done] = []
    collected: list[Reviews] = []
    skipped: list[str] = []
    seen: dict[str, str] = {}
    clashes: list[str] = []

    def items() -> Iterator[_Item]:
        for relpath, data in deferred(source):
            key = page_key(relpath)
            if under(key, skip):
                continue
            if key in seen:
                clashes.append(f"{first._where(_Item(relpath, None, None))}: its catalog {catalog_relpath(relpath)} "
                               f"is also the catalog of {seen[key]}; not updated (rename one of the two pages)")
                continue
            seen[key] = relpath
            yield _Item(relpath, data, by_page.get(key))
        for relpath, path in by_page.items():
            if relpath not in seen and not under(relpath, skip):
                yield _Item(relpath, None, path)

    total = len(source) + max(0, len(by_page) - len(source))
    for done in _Mapper(report, jobs, total, "update")(first, items()):
        _report(report, done)
        summary.note(done)
        if done.reviews is not None:
            collected.append(done.reviews)
        if done.needs_offers:
            skipped.append(by_page[page_key(done.relpath)])
        if done.deferred:
            later.append(done)
        else:
            summary.add(done)
    for message in clashes:
        report.error(message)
    if later and skipped:  # the memory needs the reviews of the catalogs pass 1 did not read
        reading = _Mapper(report, jobs, len(skipped), "memory")(_OffersJob(base), skipped)
        collected.extend(reading)
    collected.sort(key=itemgetter(0))  # by `where`: tree order, however the passes went
    with gc_paused():
        memory = _tree_memory(collected, memory_db, first.locale)
        del collected
        if later and len(memory):
            memory.prepare()
        gc.freeze()  # the memory lives as long as the run: no collection need scan its ~300,000 containers
    _MEMORY[:] = [memory]
    try:
        second = list(_second_pass(later, by_page, summary))
        for done in _Mapper(report, jobs, len(second), "update")(replace(first, final=True), second):
            _report(report, done)
            summary.add(done)
    finally:
        _MEMORY.clear()
    return summary


def _second_pass(later: list[_Done], by_page: dict[str, str], summary: _Summary) -> Iterator[_Item]:
    """The set-aside pages: renames paired by content, then new pages, orphaned catalogs, deferred updates."""
    added = {d.relpath: d for d in later if d.data is not None and by_page.get(page_key(d.relpath)) is None}
    removed = {d.relpath: d for d in later if d.data is None and d.pending is None}
    renamed = match_pages({p: d.sources for p, d in removed.items()}, {p: d.sources for p, d in added.items()})
    summary.pages_renamed = renamed
    summary.pages_added = sorted(set(added) - set(renamed.values()))
    # A catalog already all obsolete left with an earlier handoff: not removed again.
    summary.pages_removed = sorted(p for p in set(removed) - set(renamed) if removed[p].sources)
    for done in later:
        if done.relpath in renamed:
            continue
        if done.relpath in renamed.values():
            old_path = next(p for p, n in renamed.items() if n == done.relpath)
            yield _Item(done.relpath, done.data, by_page[old_path], renamed_from=old_path)
        else:
            yield _Item(done.relpath, done.data, by_page.get(page_key(done.relpath)), pending=done.pending)


def _report(report: Reporter, done: _Done) -> None:
    for message in done.errors:
        report.error(message)


def _print_update(summary: _Summary, base: Path) -> None:
    c = summary.counts
    print(f"{summary.pages} catalogs under {base} ({summary.files_written} written, {summary.files_unchanged} "
          f"unchanged, {summary.files_deleted} deleted): {c['kept']} reviewed kept, {c['pending']} still awaiting "
          f"review, {c['carried']} carried to an edited source, {c['offered']} offered from elsewhere, "
          f"{c['handoff'] + c['offers']} from the handoff ({c['offers']} with offers beside them), "
          f"{c['obsolete']} made obsolete; pages: {len(summary.pages_added)} added, "
          f"{len(summary.pages_removed)} removed, {len(summary.pages_renamed)} renamed")

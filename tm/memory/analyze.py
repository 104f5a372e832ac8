"""`tm memory analyze`: the words of a job by match band against the memory, as vendors quote and bill them.

Each segment of the job (in page order) falls in the first band that applies:

- `context`: an exact match that was seen on the same page, whose neighbours in the job are exact matches too
  (the memory keeps no neighbours, so "same page, exact neighbours" stands for "same context");
- `repetition`: a source met earlier in the same job (counted once at its first place);
- `100`: an exact match; `95-99`, `85-94`, `75-84`: the best fuzzy match's score; `new`: no match above 75%.

With `since` (the previous handoff: pages or catalogs), only what changed since is counted: the segments
`tm diff` classes `added` or `source_changed` (the rest needs no translation, so vendors do not bill it);
the others still stand as neighbours for the context band.

As CAT tools do, a fuzzy score is lowered when numbers, code spans, placeholders or `<xref:…>` differ between
the segment and the memory's source: 2 points per differing item, at most 10 (`penalized` counts them).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tm.align import DEFAULT_THRESHOLD
from tm.extract import count_words
from tm.memory.query import exact, fuzzy_sources
from tm.memory.store import text_id
from tm.sources import Source

BANDS = ("context", "repetition", "100", "95-99", "85-94", "75-84", "new")
_ITEMS = re.compile(r"`[^`]*`|\{\d+\}|%[sdif]|<xref:[^>]*>|\d+(?:[.,]\d+)*")
PENALTY, MAX_PENALTY = 0.02, 0.10


@dataclass
class Tally:
    """Segments and words per band."""

    segments: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    penalized: int = 0

    def add(self, band: str, words: int) -> None:
        self.segments[band] += 1
        self.words[band] += words

    def merge(self, other: Tally) -> None:
        self.segments.update(other.segments)
        self.words.update(other.words)
        self.penalized += other.penalized

    def to_json(self) -> dict[str, object]:
        return {"segments": {b: self.segments[b] for b in BANDS}, "words": {b: self.words[b] for b in BANDS},
                "total_segments": sum(self.segments.values()), "total_words": sum(self.words.values()),
                "penalized": self.penalized}


@dataclass
class Analysis:
    """Bands per page and in total."""

    pages: dict[str, Tally] = field(default_factory=dict)
    total: Tally = field(default_factory=Tally)

    def to_json(self) -> dict[str, object]:
        return {"bands": list(BANDS), "total": self.total.to_json(),
                "pages": {page: tally.to_json() for page, tally in self.pages.items()}}


def penalty(segment: str, source: str) -> float:
    """How much a fuzzy score is lowered: numbers, code spans and placeholders that differ.

    >>> penalty("Wait 5 seconds.", "Wait 10 seconds."), penalty("Run `a`.", "Run `a` now.")
    (0.04, 0.0)
    """
    mine, theirs = Counter(_ITEMS.findall(segment)), Counter(_ITEMS.findall(source))
    differing = sum(((mine - theirs) + (theirs - mine)).values())
    return min(MAX_PENALTY, PENALTY * differing)


def job_segments(paths: list[str]) -> Iterable[tuple[str, list[str]]]:
    """(page, sources in order) of the pages and catalogs under `paths` (a page's pairs with or without target)."""
    from tm.catalogs import page_relpath, read_catalog
    from tm.fileio import read_file
    from tm.formats import catalog_suffixes
    from tm.page.parse import load_page
    from tm.sources import PAGE_SUFFIXES, walk_files

    for path in paths:
        if os.path.isfile(path):
            files = [(os.path.basename(path), path)]
        else:
            files = sorted(walk_files(path, (*PAGE_SUFFIXES, *catalog_suffixes())))
        for relpath, name in files:
            if relpath.lower().endswith(PAGE_SUFFIXES):
                yield relpath, [pair.source for pair in load_page(relpath, read_file(name)).page.pairs]
            else:
                catalog = read_catalog(name)
                yield catalog.page or page_relpath(relpath), [e.source for e in catalog.entries if not e.obsolete]


def job_locale(paths: list[str]) -> str:
    """The target locale of the job's first page (`ms.contentlocale`) or catalog (`Language`), "" if it says
    none: the memory's translations into other locales are no matches for it."""
    from tm.catalogs import read_catalog
    from tm.fileio import read_file
    from tm.formats import catalog_suffixes
    from tm.page.parse import load_page
    from tm.sources import PAGE_SUFFIXES, walk_files

    for path in paths:
        found = [(os.path.basename(path), path)] if os.path.isfile(path) else \
            walk_files(path, (*PAGE_SUFFIXES, *catalog_suffixes()))
        for relpath, name in found:
            if relpath.lower().endswith(PAGE_SUFFIXES):
                return load_page(relpath, read_file(name)).page.locale
            return read_catalog(name).locale
    return ""


def changed_since(old: str, new: str, *, threshold: float = DEFAULT_THRESHOLD) -> tuple[dict[str, set[str]], list[str]]:
    """{page: sources} of the segments of handoff `new` that `tm diff old new` classes added or source_changed
    (pages or catalog trees on both sides), and the diff's errors."""
    from tm.catalogs import page_relpath
    from tm.diff import DiffOptions, Kind, compare

    report = compare(_handoff(old), _handoff(new), options=DiffOptions(threshold, keep_changes=True))
    wanted: dict[str, set[str]] = {}
    for page in report.pages:
        for change in page.changes:
            if change.kind in (Kind.ADDED, Kind.SOURCE_CHANGED) and change.new is not None:
                wanted.setdefault(page_relpath(page.relpath), set()).add(change.new.source)
    return wanted, list(report.errors)


def _handoff(name: str) -> Source:
    """The pages under `name`, else its catalogs (as `tm diff` reads a side)."""
    from tm.catalogs import CatalogTreeSource, locale_folders
    from tm.formats import catalog_suffixes
    from tm.sources import DirectorySource

    pages = DirectorySource(Path(name))
    if len(pages) or not os.path.isdir(name):
        return pages
    folders = locale_folders(name)
    return CatalogTreeSource(folders[0]) if len(folders) == 1 else DirectorySource(Path(name), catalog_suffixes())


def analyze(con: sqlite3.Connection, pages: Iterable[tuple[str, list[str]]], *, locale: str = "",
            only: dict[str, set[str]] | None = None) -> Analysis:
    """Bands of every segment of `pages` ((page path, sources in order)) against the memory; with `only`
    ({page: sources}, see `changed_since`), of those segments only."""
    result = Analysis()
    met: set[str] = set()
    for path, sources in pages:
        tally = Tally()
        counted = None if only is None else only.get(path, set())
        if counted is not None and not counted:
            continue
        exacts = [_exact_on(con, source, path, locale) for source in sources]
        for i, source in enumerate(sources):
            if counted is not None and source not in counted:
                continue
            band = _band(con, sources, exacts, i, met, locale, tally)
            met.add(source)
            tally.add(band, count_words(source))
        result.pages[path] = tally
        result.total.merge(tally)
    return result


def _exact_on(con: sqlite3.Connection, source: str, path: str, locale: str) -> tuple[bool, bool]:
    """(exact match in the memory, one of them seen on page `path`)."""
    found = exact(con, source, locale=locale)
    if not found:
        return False, False
    where = " AND t.locale = ?" if locale else ""
    same_page = con.execute(
        "SELECT 1 FROM translations t JOIN translation_pages tp ON tp.translation = t.id JOIN pages p "
        f"ON p.id = tp.page WHERE t.source = ? AND p.path = ?{where} LIMIT 1",
        (text_id(source), path, *([locale] if locale else []))).fetchone()
    return True, same_page is not None


def _band(con: sqlite3.Connection, sources: list[str], exacts: list[tuple[bool, bool]], i: int, met: set[str],
          locale: str, tally: Tally) -> str:
    is_exact, on_page = exacts[i]
    if is_exact and on_page and all(exacts[j][0] for j in (i - 1, i + 1) if 0 <= j < len(sources)):
        return "context"
    if sources[i] in met:
        return "repetition"
    if is_exact:
        return "100"
    best, lowered_best = 0.0, False
    for source, score in fuzzy_sources(con, sources[i], limit=5, threshold=0.75):
        lowered = score - penalty(sources[i], source)
        if lowered > best:
            best, lowered_best = lowered, lowered < score
    tally.penalized += lowered_best
    if best >= 0.95:
        return "95-99"
    if best >= 0.85:
        return "85-94"
    if best >= 0.75:
        return "75-84"
    return "new"

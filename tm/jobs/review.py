"""The jobs of the commands that read a tree of catalogs: `tm check`, `tm stats`, and `tm export`.

Each takes one catalog file by its path (a plain string: it is what crosses to the worker processes) and
returns what the command adds up; export also writes their file here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from tm.catalogs import CatalogFile, catalog_relpath, read_catalog, read_lazy_catalog, read_texts_and_language
from tm.checks import Finding, Level, check_texts
from tm.errors import InputError
from tm.fileio import read_file, write_atomic
from tm.formats import check_writable, get_format
from tm.jobs.pages import FileResult
from tm.model import HT_NOTE, Catalog, is_human, vendor_ht
from tm.stats import Counts, count_catalog

__all__ = ["CheckJob", "ExportJob", "MemoryExport", "count_file", "export_memory"]


@dataclass(frozen=True, slots=True)
class CheckJob:
    """Options of `tm check`; calling it on a catalog file's path returns its findings."""

    rules: tuple[str, ...] | None
    ignore: tuple[str, ...]
    min_level: Level

    def __call__(self, path: str) -> FileResult:
        result = FileResult()
        try:
            texts, language = read_texts_and_language(path)
        except InputError as exc:
            result.errors.append(str(exc))
            return result
        result.segments = len(texts)
        findings = check_texts(texts, path=path, rules=self.rules, ignore=self.ignore, min_level=self.min_level,
                               language=language)
        result.findings = _with_provenance(findings, path) if _needs_provenance(findings, path) else findings
        return result


def _needs_provenance(findings: list[Finding], path: str) -> bool:
    """Whether a finding's label needs the catalog read in full: one on a fuzzy entry (a person's?), or one on
    a not fuzzy entry of a catalog that holds the vendor's human translation (HT pages are few)."""
    if any(f.fuzzy for f in findings):
        return True
    return bool(findings) and HT_NOTE.encode() in read_file(path)


def _with_provenance(findings: list[Finding], path: str) -> list[Finding]:
    """`findings`, those on a person's fuzzy entry marked `human` (`is_human`: the vendor digest, not a flag an
    editor may have dropped), those on the vendor's human translation `vendor_ht`."""
    active = read_catalog(path).active
    human = {(e.id, e.line) for e in active if e.fuzzy and is_human(e)}
    vendor = {(e.id, e.line) for e in active if not e.fuzzy and vendor_ht(e)}
    return [replace(f, human=True) if f.fuzzy and (f.id, f.line) in human
            else replace(f, vendor_ht=True) if not f.fuzzy and (f.id, f.line) in vendor else f for f in findings]


def count_file(path: str) -> tuple[str, Counts | None, str]:
    """`tm stats` per catalog file (by path, as `CheckJob`): its name, its counts (None if unreadable) and the
    error, if any."""
    try:
        catalog = read_lazy_catalog(path)  # with the vendor digests, which tell a person's fuzzy entry
    except InputError as exc:
        return path, None, str(exc)
    return path, count_catalog(catalog), ""


@dataclass(frozen=True, slots=True)
class ExportJob:
    """Options of `tm export --out`; calling it on a catalog file writes it converted to `format`."""

    out: Path
    format: str
    reviewed_state: str | None = None
    inline: str | None = None  # TMX: "text" or "tags"

    def __call__(self, item: CatalogFile) -> FileResult:
        result = FileResult()
        try:
            catalog = read_catalog(item.path)
        except InputError as exc:
            result.errors.append(str(exc))
            return result
        adapter = get_format(self.format)
        try:
            check_writable(adapter.NAME, catalog, path=str(item.path))
        except InputError as exc:
            result.errors.append(str(exc))
            return result
        options = {"reviewed_state": self.reviewed_state} if self.reviewed_state else {}
        if self.inline:
            options["inline"] = self.inline
        write_atomic(self.out / catalog_relpath(item.page, adapter.SUFFIXES[0]), adapter.write(catalog, **options))
        result.segments = len(catalog.entries)
        result.files_written = 1
        return result


@dataclass(frozen=True, slots=True)
class MemoryExport:
    """What `export_memory` did: entries read, translation units written, files written (0 or 1)."""

    entries: int
    units: int
    files_written: int


def export_memory(files: Iterable[CatalogFile], output: Path, *, inline: str, origins: tuple[str, ...],
                  error: Callable[[str], None]) -> MemoryExport:
    """`tm export -o`: every catalog of `files` in one TMX memory at `output` (identical pairs once), written
    when there was any entry; an unreadable catalog is reported to `error` and left out."""
    from tm.formats import tmx  # lxml is imported only when XML is written

    counts = {"entries": 0}
    memory = tmx.write_memory(_read_each(files, counts, error), inline=inline, origins=origins)
    units = memory.count(b"<tu tuid=")  # markup in a segment is escaped: each is a unit's start
    if counts["entries"]:
        write_atomic(output, memory)
    return MemoryExport(counts["entries"], units, 1 if counts["entries"] else 0)


def _read_each(files: Iterable[CatalogFile], counts: dict[str, int], error: Callable[[str], None]
               ) -> Iterator[Catalog]:
    """The catalogs one at a time, so a memory of a whole tree never holds every catalog at once; an
    unreadable one is reported to `error` and skipped, and `counts["entries"]` adds up."""
    for item in files:
        try:
            catalog = read_catalog(item.path)  # with notes: they record each entry's provenance (`is_human`)
            check_writable("tmx", catalog, path=str(item.path))
        except InputError as exc:
            error(str(exc))
            continue
        counts["entries"] += len(catalog.entries)
        yield catalog

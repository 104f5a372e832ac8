"""Per-file work for the commands that touch a whole handoff, run in worker processes.

A handoff is ~12,500 independent pages, so extract and merge map one function over the files with a
process pool (fork). Each job reads what it needs, writes its outputs atomically and returns a small
result (counts and error lines) for the parent to add up: no page text crosses back to the parent.
This module and `cli` are the only places that write files.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from tm.catalogs import (
    CatalogFile,
    catalog_language,
    catalog_relpath,
    read_catalog,
    read_lazy_catalog,
    read_texts_and_language,
)
from tm.checks import RULES, Finding, Level, check_pair, check_texts
from tm.errors import InputError
from tm.extract import count_words, page_entries
from tm.fileio import write_atomic
from tm.formats import check_writable, get_format
from tm.merge import merge_page, merge_unreviewed
from tm.model import Entry, canonical_locale, is_language_tag
from tm.page import Mode, parse_page
from tm.page.meta import read_meta
from tm.page.parse import ParseResult, decode_page
from tm.sources import Content, content
from tm.stats import Counts, count_catalog

ERROR_RULES = tuple(rule for rule in RULES if rule.level is Level.ERROR and not rule.on_empty)

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """One worker per CPU this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parallel_map(func: Callable[[T], R], items: Iterable[T], *, jobs: int, total: int | None = None) -> Iterator[R]:
    """`map(func, items)` in order, over `jobs` forked processes (serially when jobs <= 1).

    Items go to the workers in batches (`batches`): a few hundred at first (the parent's cost per batch
    was a tenth of an extract run at 32 items), fewer towards the end, so that the workers finish together.
    """
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(func, items)
        return
    gc.freeze()  # what the parent built stays out of the workers' collections: fewer copy-on-write pages
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # until each worker ignores Ctrl-C
    try:
        pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_quiet_worker)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    with pool:
        for results in pool.imap(_Batch(func), batches(items, jobs=jobs, total=total)):
            yield from results


def _quiet_worker() -> None:
    """Ctrl-C reaches the whole process group: a worker ignores it (the parent stops the pool, and says so
    once). The parent's SIGTERM takes its default action (`tm.fileio` holds it back while a file is written)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def batches(items: Iterable[T], *, jobs: int, total: int | None = None, largest: int = 256) -> Iterator[list[T]]:
    """`items` in lists for `jobs` workers: guided self-scheduling, each batch an eighth of a worker's share
    of what is left (at most `largest`, at least 1), so that the last batches are small and no worker
    waits long for the other's last one (a batch of 256 pages left one CPU idle 0.07-0.11 s per pass of an update).
    Without `total`, batches of 32.

    >>> sizes = [len(b) for b in batches(range(10_000), jobs=2, total=10_000)]
    >>> sizes[:2], sizes[-4:], len(sizes), sum(sizes)
    ([256, 256], [1, 1, 1, 1], 134, 10000)
    """
    left = total
    batch: list[T] = []
    size = 32 if left is None else max(1, min(largest, left // (jobs * 8)))
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
            if left is not None:
                left -= size
                size = max(1, min(largest, left // (jobs * 8)))
    if batch:
        yield batch


@dataclass(frozen=True, slots=True)
class _Batch(Generic[T, R]):
    """`func` over a batch of items, in a worker."""

    func: Callable[[T], R]

    def __call__(self, items: list[T]) -> list[R]:
        return list(map(self.func, items))


@dataclass(slots=True)
class FileResult:
    """What one job did: counts for the summary and `path:line: message` errors."""

    pages: int = 0
    segments: int = 0
    words: int = 0
    files_written: int = 0
    applied: int = 0
    unknown_ids: int = 0
    stale: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _where(shown: str, relpath: str) -> str:
    """How a page is named in messages: under the directory or revision the user gave."""
    return f"{shown}/{relpath}" if shown else relpath


def _decoded(relpath: str, data: Content, shown: str, result: FileResult) -> tuple[str, bool] | None:
    """The page's text and whether it had a BOM, or None after recording why it cannot be read."""
    where = _where(shown, relpath)
    try:
        return decode_page(relpath, content(data))
    except OSError as exc:
        result.errors.append(f"{where}: {exc.strerror or 'cannot read'}")
    except InputError as exc:
        result.errors.append(str(InputError(where, exc.line, exc.message)))
    return None


def _parsed(relpath: str, text: str, bom: bool, shown: str, result: FileResult) -> ParseResult | None:
    """The parsed page, or None after recording its errors (a page with a malformed pair is skipped)."""
    parsed = parse_page(relpath, text, bom=bom)
    for diag in parsed.diagnostics:
        result.errors.append(str(InputError(_where(shown, relpath), diag.line, f"{diag.message} [{diag.code}]")))
    return None if parsed.diagnostics else parsed


@dataclass(frozen=True, slots=True)
class ExtractJob:
    """Options of `tm extract`; calling it on `(relpath, bytes)` extracts and writes one page's catalogs."""

    out: Path
    formats: tuple[str, ...]
    locale: str = ""
    shown: str = ""
    count_words: bool = True  # off under --quiet: nobody sees the count, and it is a tenth of the run

    def __call__(self, item: tuple[str, Content]) -> FileResult:
        relpath, data = item
        result = FileResult()
        decoded = _decoded(relpath, data, self.shown, result)
        if decoded is None:
            return result
        text, bom = decoded
        parsed = _parsed(relpath, text, bom, self.shown, result)
        if parsed is None or not parsed.page.pairs:
            return result
        entries = page_entries(parsed.page, locale=self.locale)
        if not entries.locale:
            message = "no ms.contentlocale in the front matter; give --locale"
            result.errors.append(str(InputError(_where(self.shown, relpath), 1, message)))
            return result
        if self._bad_locale(relpath, text, entries.locale, result):
            return result
        catalog = None  # built only for formats other than PO, once
        for name in self.formats:
            adapter = get_format(name)
            if adapter.NAME == "po":
                data = entries.po()
            else:
                catalog = catalog or entries.catalog()
                data = adapter.write(catalog)
            write_atomic(os.path.join(self.out, entries.locale, catalog_relpath(relpath, adapter.SUFFIXES[0])), data)
            result.files_written += 1
        result.pages = 1
        result.segments = len(entries.sources)
        if self.count_words:
            result.words = sum(map(count_words, entries.sources))
        return result

    def _bad_locale(self, relpath: str, text: str, locale: str, result: FileResult) -> bool:
        if is_language_tag(locale):
            return False
        result.errors.append(locale_error(_where(self.shown, relpath), text, locale))
        return True


def locale_error(where: str, text: str, locale: str) -> str:
    """The TM103 error of a page whose `ms.contentlocale` is not a language tag (`../x`, `/tmp/x`): the
    locale names the folder its catalog goes to, so nothing is written for it."""
    pos = text.find("ms.contentlocale:")
    line = text.count("\n", 0, pos) + 1 if pos >= 0 else 1
    if pos >= 0:  # the value as written, not as `canonical_locale` cased it
        locale = text[pos + 17:text.find("\n", pos) % (len(text) + 1)].strip().strip("'\"")
    message = f"ms.contentlocale {locale!r} is not a language tag (such as fr-FR); nothing written for it [TM103]"
    return str(InputError(where, line, message))


def refuse_failing(entry: Entry) -> str | None:
    """The merge gate of `--check`: the first error-level finding of a reviewed entry, if any."""
    for rule, message in check_pair(entry.source, entry.target, ERROR_RULES):
        return f"[{rule.name}] {message}"
    return None


@dataclass(frozen=True, slots=True)
class CheckJob:
    """Options of `tm check`; calling it on a catalog file's path returns its findings.

    Paths travel to the workers as strings: pickling a `CatalogFile` (a dataclass holding a `Path`) cost
    0.3 s for a handoff's 12,500 catalogs, a string nothing.
    """

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
        result.findings = check_texts(texts, path=path, rules=self.rules, ignore=self.ignore,
                                      min_level=self.min_level, language=language)
        return result


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
class MergeJob:
    """Options of `tm merge`; calling it on `(relpath, bytes, catalog path)` writes one merged page."""

    out: Path
    mode: Mode
    shown: str = ""
    check: bool = False
    allow_unmatched: bool = False  # reviewed entries of ids the page does not have: a warning, not an error

    def __call__(self, item: tuple[str, Content, str | None]) -> FileResult:
        relpath, data, catalog_path = item
        result = FileResult(pages=1)
        catalog = None
        if catalog_path is not None:
            try:
                catalog = read_catalog(catalog_path, reviewed_only=True, header=False)
            except InputError as exc:
                result.errors.append(str(exc))
                return result
        decoded = _decoded(relpath, data, self.shown, result)
        if decoded is None:
            return result
        text, bom = decoded
        if catalog is not None and catalog.entries and catalog_path is not None:
            locale = catalog_language(catalog_path)
            if other := _other_locale(locale, relpath, text):
                result.errors.append(f"{catalog_path}: a catalog of {canonical_locale(locale)}, but {relpath} is a "
                                     f"{other} page (ms.contentlocale); page not written")
                return result
        gate = refuse_failing if self.check else None
        merged = merge_unreviewed(text, catalog, self.mode, bom=bom)  # nothing to apply: no parse needed
        if merged is None:
            parsed = _parsed(relpath, text, bom, self.shown, result)
            if parsed is None:
                return result
            merged = merge_page(parsed.page, catalog, self.mode, gate=gate)
        if merged.unwritable:
            result.errors += [f"{catalog_path}:{bad.line}: the msgstr of {bad.id} holds U+{ord(bad.char):04X}, a "
                              f"character no page may hold; page {_where(self.shown, relpath)} not merged [TM104]"
                              for bad in merged.unwritable]
            return result
        for stale in merged.stale:
            result.stale.append(f"{catalog_path}:{stale.line}: stale entry {stale.id}: "
                                "its msgid is no longer the page's source; not applied")
        for refused in merged.refused:
            result.refused.append(f"{catalog_path}:{refused.line}: {refused.id} not applied: {refused.reason}")
        result.unknown_ids = merged.unknown
        if merged.first_unknown is not None:
            message = _unknown_ids(str(catalog_path), relpath, merged.unknown, merged.first_unknown)
            if not self.allow_unmatched:
                result.errors.append(f"{message}; page not written (--allow-unmatched to merge anyway)")
                return result
            result.warnings.append(message)
        write_atomic(os.path.join(self.out, relpath), merged.text.encode("utf-8"))
        result.files_written = 1
        result.applied = merged.applied
        return result


def _other_locale(locale: str, relpath: str, text: str) -> str:
    """The page's `ms.contentlocale` when it is not the catalog's locale (`fr` matches `fr-FR`), else "": the
    pair ids of a handoff are the same in every locale, so another locale's pages would take the reviews."""
    declared = canonical_locale(read_meta(text, yaml_page=relpath.lower().endswith((".yml", ".yaml")))
                                .get("ms.contentlocale", ""))
    ours = canonical_locale(locale)
    if not declared or not ours or declared.split("-")[0] == ours or ours.split("-")[0] == declared:
        return ""
    return "" if declared == ours else declared


def _unknown_ids(catalog_path: str, relpath: str, count: int, first: Entry) -> str:
    """What merge says of a catalog whose reviewed entries name pairs its page does not have (a catalog of
    another page or handoff, or one whose msgctxt a tool dropped)."""
    entries = "1 reviewed entry has" if count == 1 else f"{count} reviewed entries have"
    which = "the first has none" if not first.id else f"the first: {first.id}"
    return f"{catalog_path}:{first.line}: {entries} a pair id that {relpath} does not have ({which})"

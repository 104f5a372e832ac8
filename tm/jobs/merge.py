"""The job of `tm merge`: one page with its catalog's reviewed translations, written under `--out`.

A page whose catalog has nothing reviewed is rendered from its text (`tm.merge.merge_unreviewed`); any
other is parsed into the model and merged by `tm.merge`. A page is not written when its catalog cannot be
read or is of another locale than the page, when a translation holds a character no page may hold, or
(unless `--allow-unmatched`) when the catalog names pairs the page does not have.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tm.catalogs import catalog_language, read_catalog
from tm.checks import RULES, Level, check_pair
from tm.errors import InputError
from tm.fileio import write_atomic
from tm.jobs.pages import FileResult, page_model, read_page, where
from tm.merge import merge_page, merge_unreviewed
from tm.model import Entry, canonical_locale
from tm.page import Mode
from tm.page.meta import read_meta
from tm.sources import Content

__all__ = ["ERROR_RULES", "MergeJob", "refuse_failing"]

ERROR_RULES = tuple(rule for rule in RULES if rule.level is Level.ERROR and not rule.on_empty)


def refuse_failing(entry: Entry) -> str | None:
    """The merge gate of `--check`: the first error-level finding of a reviewed entry, if any."""
    for rule, message in check_pair(entry.source, entry.target, ERROR_RULES):
        return f"[{rule.name}] {message}"
    return None


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
        decoded = read_page(relpath, data, where(self.shown, relpath), result.errors)
        if decoded is None:
            return result
        text, bom = decoded
        if catalog is not None and catalog.entries and catalog_path is not None and self._other_locale(
                catalog_path, catalog.locale, relpath, text, result):
            return result
        gate = refuse_failing if self.check else None
        merged = merge_unreviewed(text, catalog, self.mode, bom=bom)  # nothing to apply: no parse needed
        if merged is None:
            page = page_model(relpath, text, bom, where(self.shown, relpath), result.errors)
            if page is None:
                return result
            merged = merge_page(page, catalog, self.mode, gate=gate)
        if merged.unwritable:
            result.errors += [f"{catalog_path}:{bad.line}: the msgstr of {bad.id} holds U+{ord(bad.char):04X}, a "
                              f"character no page may hold; page {where(self.shown, relpath)} not merged [TM104]"
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

    @staticmethod
    def _other_locale(catalog_path: str, locale: str, relpath: str, text: str, result: FileResult) -> bool:
        """True after recording the error of a catalog with reviews whose locale is not its page's. `locale`
        is the catalog's as read (XLIFF has it; a PO read without its header does not, so then only the
        header's first lines are read again)."""
        locale = locale or catalog_language(catalog_path)
        other = _foreign_locale(locale, relpath, text)
        if other:
            result.errors.append(f"{catalog_path}: a catalog of {canonical_locale(locale)}, but {relpath} is a "
                                 f"{other} page (ms.contentlocale); page not written")
        return bool(other)


def _foreign_locale(locale: str, relpath: str, text: str) -> str:
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

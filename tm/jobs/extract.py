"""The job of `tm extract`: one page to its catalogs, written under `--out/<locale>/`.

A common Markdown page asked for as PO goes straight from its text to PO (`tm.extract_fast`); any other page
or format is parsed into the model (`tm.page`) and converted (`tm.extract`). A page whose locale is not a
language tag gets no catalog: its locale names the folder the catalog would go to.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tm.catalogs import catalog_relpath
from tm.errors import InputError
from tm.extract import count_words, page_to_catalog
from tm.extract_fast import page_po
from tm.fileio import write_atomic
from tm.formats import get_format
from tm.jobs.pages import FileResult, page_model, read_page, where
from tm.model import is_language_tag
from tm.sources import Content

__all__ = ["ExtractJob", "locale_error"]


@dataclass(frozen=True, slots=True)
class ExtractJob:
    """Options of `tm extract`; calling it on `(relpath, bytes)` extracts and writes one page's catalogs."""

    out: Path
    formats: tuple[str, ...]
    locale: str = ""
    shown: str = ""
    count_words: bool = True  # off under --quiet: nobody sees the count

    def __call__(self, item: tuple[str, Content]) -> FileResult:
        relpath, data = item
        result = FileResult()
        decoded = read_page(relpath, data, where(self.shown, relpath), result.errors)
        if decoded is None:
            return result
        text, bom = decoded
        if self.formats == ("po",) and self._extract_fast(relpath, text, result):
            return result
        page = page_model(relpath, text, bom, where(self.shown, relpath), result.errors)
        if page is None or not page.pairs:
            return result
        catalog = page_to_catalog(page, locale=self.locale)
        if not catalog.locale:
            message = "no ms.contentlocale in the front matter; give --locale"
            result.errors.append(str(InputError(where(self.shown, relpath), 1, message)))
            return result
        if self._bad_locale(relpath, text, catalog.locale, result):
            return result
        for name in self.formats:
            adapter = get_format(name)
            write_atomic(os.path.join(self.out, catalog.locale, catalog_relpath(relpath, adapter.SUFFIXES[0])),
                         adapter.write(catalog))
            result.files_written += 1
        result.pages = 1
        result.segments = len(catalog.entries)
        if self.count_words:
            result.words = sum(count_words(e.source) for e in catalog.entries)
        return result

    def _bad_locale(self, relpath: str, text: str, locale: str, result: FileResult) -> bool:
        if is_language_tag(locale):
            return False
        result.errors.append(locale_error(where(self.shown, relpath), text, locale))
        return True

    def _extract_fast(self, relpath: str, text: str, result: FileResult) -> bool:
        """A common Markdown page straight to PO (`tm.extract_fast`); False sends it to the model path."""
        done = page_po(relpath, text, locale=self.locale, words=self.count_words)
        if done is None:
            return False
        if done.segments and not self._bad_locale(relpath, text, done.locale, result):
            write_atomic(os.path.join(self.out, done.locale, catalog_relpath(relpath, ".po")), done.data)
            result.files_written = result.pages = 1
            result.segments, result.words = done.segments, done.words
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

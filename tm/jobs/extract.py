"""The job of `tm extract`: one page to its catalogs, written under `--out/<locale>/`.

Every page is parsed into the page model (`tm.page`, whose pairs are decoded only when read); its catalog
is built column by column (`tm.extract.page_entries`): PO text straight from the columns, `Entry` objects
only for the other formats. A page whose locale is not a
language tag gets no catalog: its locale names the folder the catalog would go to.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tm.catalogs import catalog_relpath
from tm.errors import InputError
from tm.extract import count_words, page_entries
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
        page = page_model(relpath, text, bom, where(self.shown, relpath), result.errors)
        if page is None or not page.pairs:
            return result
        entries = page_entries(page, locale=self.locale)
        if not entries.locale:
            message = "no ms.contentlocale in the front matter; give --locale"
            result.errors.append(str(InputError(where(self.shown, relpath), 1, message)))
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
        result.errors.append(locale_error(where(self.shown, relpath), text, locale))
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

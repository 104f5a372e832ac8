"""Catalog ⇄ PO (gettext), the format translators review in Poedit, Lokalize and Weblate.

One writer and one reader, each in its own module; this module is their face (`read`, `read_texts`,
`read_lazy`, `write`, and the writer's pieces other modules use):

- `po_write` writes the canonical form: gettext's order, lines not wrapped (like `msgcat --no-wrap`), the
  charset the header declares. polib reads back what it writes to the same entries; `msgfmt -c` accepts it.
- `po_read.tokenize` reads that form, the catalogs `tm` writes, with one regex per entry, and checks
  everything its views (full entries, lazy entries, texts only) rely on.
- `po_lines.read_lines` reads everything else a catalog may be (wrapped by an editor or `msgcat`, another
  charset, plural entries, obsolete previous fields, `#=` flags), one line at a time.

Why a line reader of our own, not polib, for the other forms: the project's rule is that bad input gives
`path:line: message` and loses nothing, and polib 1.2 reads malformed files without a word. An
unterminated string, a keyword without a quoted string (its entry and the ones after it dropped), a string
continuation without a keyword (its text dropped), a last msgid without msgstr, plural forms without
msgid_plural or the reverse, comments after the last entry: polib accepts all of them, and a file that is
not valid in its charset fails without a line (tests/test_po_malformed.py holds the cases). A check that
caught these before polib would have to follow every line and every entry's keywords: it would be a line
reader of the grammar, and polib a second one. So the line reader is both; polib stays the reference the
tests compare it with, on the catalogs other tools write.
"""

from __future__ import annotations

from tm.formats import po_read
from tm.formats.po_lines import read_lines
from tm.formats.po_read import BOM, decode, header_field
from tm.formats.po_write import (
    charset,
    encoding,
    entry_text,
    generate,
    header_text,
    layout,
    message_text,
    note_entry_text,
    plain,
    plain_layout,
    po_text,
    with_layout,
    write,
)
from tm.model import Catalog, EntryText, LazyCatalog, entry_texts

NAME = "po"
SUFFIXES = (".po", ".pot")


def read(data: bytes, *, path: str, reviewed_only: bool = False, comments: bool = True, header: bool = True
         ) -> Catalog:
    """Parse PO bytes; a syntax error raises `InputError` with the file's line number.

    The text is decoded in the charset the header declares. `reviewed_only` keeps only reviewed entries
    (what `tm merge` applies); the whole file is still checked, but most entries of a machine-translated
    handoff are never built. `comments=False` leaves out comments, extracted comments and references, for
    readers that look only at texts and states. `header=False` says the caller does not need the header:
    a checked file whose entries are all fuzzy is then not decoded at all.
    """
    if reviewed_only:
        reviewed = po_read.read_reviewed(data, path=path, header=header)
        if reviewed is not None:
            return reviewed
    text = decode(data, path)
    tokens = po_read.tokenize(text)
    if tokens is not None:
        catalog = po_read.catalog(tokens, comments=comments, header=header)
    else:
        catalog = read_lines(text, path)
    if reviewed_only:
        catalog.entries = [e for e in catalog.entries if e.reviewed]
    return catalog


def read_texts(data: bytes, *, path: str) -> list[EntryText]:
    """`(id, source, target, fuzzy, line)` of every active entry, as `read` would give them: for `tm check`,
    `tm stats` and the memory, which look at nothing else (no `Entry` is built for a file `tm` wrote)."""
    text = decode(data, path)
    tokens = po_read.tokenize(text)
    if tokens is not None:
        return po_read.texts(tokens)
    return entry_texts(read_lines(text, path).entries)


def read_lazy(data: bytes, *, path: str) -> LazyCatalog:
    """`read`, for `tm update`: the entries of a file `tm` wrote are built only when asked for (see
    `LazyCatalog`); other files are read in full."""
    text = decode(data, path)
    tokens = po_read.tokenize(text)
    if tokens is not None:
        return po_read.lazy(tokens)
    return LazyCatalog.of(read_lines(text, path))


__all__ = ["BOM", "NAME", "SUFFIXES", "charset", "encoding", "entry_text", "generate", "header_field",
           "header_text", "layout", "message_text", "note_entry_text", "plain", "plain_layout", "po_text", "read", "read_lazy", "read_texts",
           "with_layout", "write"]

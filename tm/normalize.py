"""Rewrite a PO catalog in tm's canonical layout, whatever editor saved it last.

Editors re-wrap on save (Lokalize and `msgcat` at 79 columns, Poedit at its own width), so one approved entry
can become a diff of hundreds of lines. `normalize` gives back the layout `tm` writes, that of
`msgcat --no-wrap`: one line per string (split only after each `\\n`, as gettext does), one `#:` line, comments
in gettext's order, obsolete entries last. It changes nothing else: the messages, comments, flags, previous
strings and header are the same, and so are the byte order mark, the line endings and the charset.

It is idempotent, and a file already in the canonical layout comes back byte for byte. A file whose rewrite
would change what polib (the reference reader) sees in it, e.g. plural forms or comments on obsolete entries
that tm's model does not keep, is an `InputError`, never a silent loss: `same_content` compares the two with
polib before anything is written.
"""

from __future__ import annotations

import re

import polib  # type: ignore[import-untyped]  # polib ships no type hints

from tm.errors import InputError
from tm.formats import po

__all__ = ["normalize", "same_content"]

_CHARSET = re.compile(r"charset=([\w.-]+)")
_NO_CONTEXT = re.compile(r'(?m)^(?:#~ )?msgctxt ""\n')
_HEADER = re.compile(rb'(?m)^msgid ""\n(?:"[^\n]*"\n)*msgstr ""')  # an entry with an empty msgid


def normalize(data: bytes, *, path: str) -> bytes:
    """`data` (a PO file) in the canonical layout; the same bytes when it is in it already.

    >>> wrapped = b'msgid ""\\nmsgstr ""\\n"Language: fr\\\\n"\\n\\nmsgid ""\\n"Hello "\\n"world"\\nmsgstr "Bonjour"\\n'
    >>> normalize(wrapped, path="a.po").decode()
    'msgid ""\\nmsgstr ""\\n"Language: fr\\\\n"\\n\\nmsgid "Hello world"\\nmsgstr "Bonjour"\\n'
    """
    bom = data.startswith(po.BOM)
    crlf = b"\r\n" in data
    body = data.removeprefix(po.BOM).replace(b"\r\n", b"\n") if crlf else data.removeprefix(po.BOM)
    catalog = po.read(body, path=path)
    text = "".join(po.generate(catalog))
    if not catalog.header and not catalog.header_comments and not _HEADER.search(body):
        text = text.removeprefix(po.header_text(catalog)).removeprefix("\n")  # the file had no header entry
    if b"msgctxt" not in body:  # tm's model writes a missing msgctxt as `msgctxt ""`: none was there
        text = _NO_CONTEXT.sub("", text)
    charset = _charset(catalog.header.get("Content-Type", ""))
    try:
        out = text.encode(charset)
    except UnicodeEncodeError as exc:
        raise InputError(path, None, f"cannot encode {exc.object[exc.start:exc.end]!r} in {charset}") from None
    except LookupError:
        raise InputError(path, None, f"unknown charset {charset!r} in the Content-Type header") from None
    out = out.replace(b"\n", b"\r\n") if crlf else out
    return po.BOM + out if bom else out


def _charset(content_type: str) -> str:
    """The charset a `Content-Type` field (or the start of a file) names; gettext's placeholder means UTF-8."""
    match = _CHARSET.search(content_type)
    name = match.group(1) if match else "utf-8"
    return "utf-8" if name.upper() in ("CHARSET", "UTF-8", "UTF8") else name


def same_content(before: bytes, after: bytes) -> str:
    """What polib sees differently in two PO files ("" when nothing): entries and their fields, header."""
    old, new = _polib_view(before), _polib_view(after)
    if old[0] != new[0]:
        return "the header would change"
    for name, old_entries, new_entries in (("entries", old[1], new[1]), ("obsolete entries", old[2], new[2])):
        if len(old_entries) != len(new_entries):
            return f"the number of {name} would change"
        for first, second in zip(old_entries, new_entries):
            if first != second:
                return f"entry {first[1]!r} would change: {_first_difference(first, second)}"
    return ""


_FIELDS = ("msgctxt", "msgid", "msgid_plural", "msgstr", "msgstr_plural", "comment", "tcomment", "occurrences",
           "flags", "previous_msgctxt", "previous_msgid", "previous_msgid_plural")


def _polib_view(data: bytes) -> tuple[object, list[tuple[object, ...]], list[tuple[object, ...]]]:
    data = data.removeprefix(po.BOM).replace(b"\r\n", b"\n")
    charset = _charset(data[:4096].decode("latin-1"))
    catalog = polib.pofile(data.decode(charset, "replace"), wrapwidth=0)
    active = [_polib_fields(entry) for entry in catalog if not entry.obsolete]
    obsolete = [_polib_fields(entry) for entry in catalog.obsolete_entries()]
    return (catalog.header, sorted(catalog.metadata.items())), active, obsolete


def _polib_fields(entry: polib.POEntry) -> tuple[object, ...]:
    values = [getattr(entry, name) for name in _FIELDS]
    values[_FIELDS.index("msgstr_plural")] = sorted(entry.msgstr_plural.items())
    values[_FIELDS.index("flags")] = sorted(entry.flags)
    values[_FIELDS.index("occurrences")] = [tuple(o) for o in entry.occurrences]
    if entry.previous_msgctxt is not None and entry.previous_msgid == entry.msgid:
        values[_FIELDS.index("previous_msgid")] = None  # the pair po_write completes a `#| msgctxt` alone with
    return tuple(values)


def _first_difference(first: tuple[object, ...], second: tuple[object, ...]) -> str:
    return next((name for name, a, b in zip(_FIELDS, first, second) if a != b), "its fields")

"""PO text as `tm` writes it: the one PO writer (`write`, `generate`, and the pieces other modules use).

Lines are not wrapped (like `msgcat --no-wrap`): one segment is one line, so a reviewed change is a one-line
git diff; strings holding newlines are split after each `\\n`, as gettext does. Entries are written in
gettext's order of comments and keywords, which is the canonical form `tm.formats.po_read` reads on its
quick path. polib is the reference: the tests prove it reads what we write back to the same entries, and
`msgfmt -c` accepts it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from tm.formats.po_read import BOM
from tm.model import Catalog, Entry

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\v": "\\v", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'[\\"\n\t\r\v\b\f]')
_CHARSET = re.compile(r"charset=([^\s;]*)")


def write(catalog: Catalog) -> bytes:
    """The catalog as PO bytes: header, then active entries in order, then obsolete ones.

    The text is encoded in the charset the header declares (UTF-8 when it declares none), so a catalog in
    Latin-1 stays in Latin-1; one with text that charset cannot hold is written in UTF-8 and its header
    says so (as `msgcat` does with catalogs of mixed charsets).
    """
    chunks = list(generate(catalog))
    header, codec = encoding(catalog.header, "".join(chunks[1:]), catalog.header_comments)
    if header is not catalog.header:
        chunks[0] = header_text(Catalog([], header, header_comments=catalog.header_comments))
    return "".join(chunks).encode(codec)


def layout(data: bytes) -> tuple[bool, bool]:
    """Whether PO bytes start with a UTF-8 BOM, and whether their lines end with CRLF (as the first one does):
    what a Windows editor saved, to keep when the file is rewritten."""
    bom = data.startswith(BOM)
    end = data.find(b"\n")
    return bom, end > 0 and data[end - 1:end] == b"\r"


def with_layout(data: bytes, like: bytes) -> bytes:
    """`data` (PO bytes as `write` makes them: LF, no BOM) in the line ends and BOM of the file `like`. A PO
    string's own CR and LF are escaped (`\\r`, `\\n`), so every LF of `data` ends a line."""
    bom, crlf = layout(like)
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    return BOM + data if bom else data


def plain_layout(data: bytes) -> bytes:
    """PO bytes without BOM and with LF line ends: what `write` would have made of them."""
    bom, crlf = layout(data)
    data = data.removeprefix(BOM) if bom else data
    return data.replace(b"\r\n", b"\n") if crlf else data


def charset(header: dict[str, str]) -> str | None:
    """The charset the header's `Content-Type` names, None for UTF-8 (or none named, or gettext's `CHARSET`)."""
    content_type = header.get("Content-Type", "")
    if content_type.endswith(("charset=UTF-8", "charset=utf-8")):
        return None
    found = _CHARSET.search(content_type)
    name = found.group(1) if found else ""
    return None if name.lower() in ("utf-8", "utf8", "charset", "") else name


def encoding(header: dict[str, str], body: str, comments: tuple[str, ...] = ()) -> tuple[dict[str, str], str]:
    """The header to write and the codec to write a catalog in: the header's charset if it can hold the text
    (`body`, the entries' PO text, and the header's fields and `comments`), else UTF-8 with the header's
    `Content-Type` changed to say so. The header is `header` itself when unchanged."""
    codec = charset(header)
    if codec is None:
        return header, "utf-8"
    try:
        for text in (body, *header, *header.values(), *comments):
            text.encode(codec)
    except (UnicodeEncodeError, LookupError):
        utf8 = dict(header)
        utf8["Content-Type"] = _CHARSET.sub("charset=UTF-8", header["Content-Type"])
        return utf8, "utf-8"
    return header, codec


def generate(catalog: Catalog) -> Iterator[str]:
    """PO text, one chunk per entry (header first)."""
    yield header_text(catalog)
    active = [e for e in catalog.entries if not e.obsolete]
    obsolete = catalog.obsolete
    for entry in active:
        yield "\n" + _entry_text(entry, "")
    for entry in obsolete:
        yield "\n" + _entry_text(entry, "#~ ")


def entry_text(entry: Entry) -> str:
    """One entry's chunk of `generate` (blank line included): `#~ ` lines if it is obsolete."""
    return "\n" + _entry_text(entry, "#~ " if entry.obsolete else "")


def header_text(catalog: Catalog) -> str:
    """The header entry: header comments, `msgid ""`, and one `"Key: value\\n"` line per field."""
    lines = [f"# {c}".rstrip() + "\n" for c in _lines(catalog.header_comments)]
    if catalog.header_flags:
        lines.append("#, " + ", ".join(catalog.header_flags) + "\n")
    lines.append('msgid ""\nmsgstr ""\n')
    fields = [f"{key}: {value}" for key, value in catalog.header.items()]
    if not plain("".join(fields)):  # one test for the usual header that needs no escapes
        fields = [_escape(field) for field in fields]
    lines += [f'"{field}\\n"\n' for field in fields]
    return "".join(lines)


def _entry_text(entry: Entry, prefix: str) -> str:
    """One entry in gettext's order: `# `, `#.`, `#:`, `#,`, `#|`, msgctxt, msgid, msgstr."""
    if (not prefix and not entry.comments and not entry.flags and entry.previous_id is None
            and entry.previous_source is None and entry.has_context and entry.plural_source is None):
        return _plain_entry_text(entry)
    out = "".join(f"# {c}\n" if c else "#\n" for c in _lines(entry.comments)) if entry.comments else ""
    if not entry.obsolete:
        for note in _lines(entry.notes):
            out += f"#. {note}\n"
        if entry.references:
            out += "#: " + " ".join(entry.references) + "\n"
    if entry.flags:
        out += "#, " + ", ".join((("fuzzy",) if entry.fuzzy else ()) + entry.flags) + "\n"
    elif entry.fuzzy:
        out += "#, fuzzy\n"
    if entry.previous_id is not None or entry.previous_source is not None:
        previous = "#~| " if prefix else "#| "
        if entry.previous_id is not None:
            out += _field(previous + "msgctxt", entry.previous_id, previous)
        if entry.previous_source is not None or entry.previous_id is not None:  # a pair: msgfmt wants the msgid
            out += _field(previous + "msgid", _previous_msgid(entry), previous)
        if entry.previous_plural_source is not None:
            out += _field(previous + "msgid_plural", entry.previous_plural_source, previous)
    if entry.has_context:
        out += _field(prefix + "msgctxt", entry.id, prefix)
    out += _field(prefix + "msgid", entry.source, prefix)
    if entry.plural_source is None:
        return out + _field(prefix + "msgstr", entry.target, prefix)
    out += _field(prefix + "msgid_plural", entry.plural_source, prefix)
    forms = (entry.target, *entry.plural_targets)
    return out + "".join(_field(f"{prefix}msgstr[{n}]", form, prefix) for n, form in enumerate(forms))


def _previous_msgid(entry: Entry) -> str:
    """The `#| msgid` of an entry with previous fields: its previous source, else its own source.

    gettext's previous record is a msgctxt + msgid pair (`msgfmt -c` rejects a `#| msgctxt` alone), and
    `msgmerge` writes the message's own msgid there when only its msgctxt changed; the readers take such a
    `#| msgid` under a `#| msgctxt` as no previous source (`po_read.previous_source`).
    """
    return entry.source if entry.previous_source is None else entry.previous_source


def _lines(items: tuple[str, ...]) -> tuple[str, ...] | list[str]:
    """Comments as lines: one holding a line break (as XLIFF notes may) becomes several."""
    if not any("\n" in item or "\r" in item for item in items):
        return items
    return [line for item in items for line in item.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _plain_entry_text(entry: Entry) -> str:
    """The common case of a freshly extracted entry (notes, references, maybe fuzzy)."""
    notes = "".join([f"#. {note}\n" for note in entry.notes]) if entry.notes else ""
    if notes.count("\n") != len(entry.notes) or "\r" in notes:  # a note holding a line break
        notes = "".join([f"#. {note}\n" for note in _lines(entry.notes)])
    references = "#: " + " ".join(entry.references) + "\n" if entry.references else ""
    fuzzy = "#, fuzzy\n" if entry.fuzzy else ""
    return message_text(f"{notes}{references}{fuzzy}", entry.id, entry.source, entry.target)


def message_text(head: str, context: str, source: str, target: str) -> str:
    """`head` (comment lines, already written), then msgctxt, msgid and msgstr: one f-string if nothing is escaped."""
    if plain(context + source + target):
        return f'{head}msgctxt "{context}"\nmsgid "{source}"\nmsgstr "{target}"\n'
    return head + _field("msgctxt", context, "") + _field("msgid", source, "") + _field("msgstr", target, "")


def plain(text: str) -> bool:
    """True when `text` needs no escape in a PO string.

    Eight `in` tests, each a C loop over the string: quicker than a regex search or `str.isprintable`
    (which looks every character up in the Unicode tables).
    """
    return not ('"' in text or "\\" in text or "\n" in text or "\t" in text or "\r" in text or "\v" in text
                or "\b" in text or "\f" in text)


def _escape(text: str) -> str:
    if plain(text):
        return text
    return _NEEDS_ESCAPE.sub(lambda m: _ESCAPES[m.group(0)], text)


def _field(keyword: str, text: str, cont: str) -> str:
    """`keyword "text"`, or `keyword ""` plus one `cont"piece"` line per `\\n`-terminated piece."""
    newline = text.find("\n")
    if newline < 0 or newline == len(text) - 1:
        return f'{keyword} "{_escape(text)}"\n'
    pieces = text.splitlines(keepends=True) if "\r" not in text else _split_lf(text)
    return f'{keyword} ""\n' + "".join(f'{cont}"{_escape(p)}"\n' for p in pieces)


def _split_lf(text: str) -> list[str]:
    pieces = text.split("\n")
    out = [p + "\n" for p in pieces[:-1]]
    if pieces[-1]:
        out.append(pieces[-1])
    return out


def po_text(header: dict[str, str], chunks: Iterable[str]) -> bytes:
    """A UTF-8 catalog of `header` and entry chunks (each as `entry_text` or `note_entry_text` gives it)."""
    return (header_text(Catalog(header=header)) + "".join(chunks)).encode("utf-8")


def note_entry_text(notes: str, reference: str, fuzzy: bool, context: str, source: str, target: str) -> str:
    """An extracted entry's chunk (blank line first): `notes` (its `#. ` lines, written), one `#:` reference,
    maybe `#, fuzzy`, then msgctxt, msgid and msgstr; what `entry_text` writes for such an entry."""
    if plain(context + source + target):  # one f-string: extract writes one per pair
        if fuzzy:
            return f'\n{notes}#: {reference}\n#, fuzzy\nmsgctxt "{context}"\nmsgid "{source}"\nmsgstr "{target}"\n'
        return f'\n{notes}#: {reference}\nmsgctxt "{context}"\nmsgid "{source}"\nmsgstr "{target}"\n'
    head = f"\n{notes}#: {reference}\n#, fuzzy\n" if fuzzy else f"\n{notes}#: {reference}\n"
    return head + _field("msgctxt", context, "") + _field("msgid", source, "") + _field("msgstr", target, "")

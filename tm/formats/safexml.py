"""Parse untrusted XML (XLIFF, TMX) without the classic XML attacks, reporting problems as `InputError`.

XLIFF and TMX files come back from vendors and CAT tools, so they are untrusted input. This module is the
only place that turns their bytes into a tree, and it refuses, before libxml2 sees the document:

- a DOCTYPE whose internal subset declares entities (external entities = XXE, nested ones = billion laughs);
- a DOCTYPE whose external DTD is a URL (`SYSTEM "http://…"`): nothing is ever fetched.

A plain `<!DOCTYPE tmx SYSTEM "tmx14.dtd">`, as TMX tools write it, is accepted and never loaded. The parser
itself runs with `resolve_entities=False`, `load_dtd=False`, `no_network=True`, and a resolver that answers
any request for an external resource with nothing. After parsing, the DOCTYPE is checked again (this covers
encodings such as UTF-16 that the byte-level pre-check cannot read), and an entity reference left in the tree
(`&x;` that only an unread external DTD could define) is an error, not silently dropped text.

There is no size limit (a caller may set one): what tm writes, tm reads, and an export of a large catalog
is larger than any fixed limit (a segment over 10 MB, a file over 100 MB). With no entity ever expanded the
tree grows with the input and no faster, so libxml2's `huge_tree` mode is on: it lifts its 10 MB text-node
and 256-level depth limits (to 1 GB and 2048 levels); the entity checks above are what makes it safe.

>>> parse(b"<a>x</a>", path="t.xml").text
'x'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints

from tm.errors import InputError
from tm.model import Catalog

__all__ = ["clean", "clean_metadata", "encode", "escape_attr", "escape_text", "parse", "unit_ids"]

_DOCTYPE = re.compile(rb"<!DOCTYPE\s+[^\s>\[]+(?P<external>[^>\[]*)(?P<subset>\[)?")
_URL = re.compile(rb"""["'][A-Za-z][A-Za-z0-9+.-]*://|["']file:""")
_ELEMENT_START = re.compile(rb"<[A-Za-z_:]")


class _Nothing(etree.Resolver):  # type: ignore[misc]  # lxml's Resolver is untyped
    """Answer every external DTD or entity libxml2 asks for with an empty document: nothing is ever read.

    With the options below libxml2 asks for nothing (lxml's `collect_ids=False`, for one, would make it ask
    for the DTD of `<!DOCTYPE tmx SYSTEM "tmx14.dtd">`); should some version ask anyway, it gets no
    declarations, and a refusal would instead make ordinary TMX files unreadable.
    """

    def resolve(self, url: str, pubid: str, context: Any) -> Any:
        return self.resolve_string("", context)


def _parser() -> etree.XMLParser:
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=True,  # safe: entities are refused before parsing and never resolved
        dtd_validation=False,
        remove_pis=True,
    )
    parser.resolvers.add(_Nothing())
    return parser


def parse(data: bytes, *, path: str, max_bytes: int | None = None) -> etree._Element:
    """The root element of `data`, or `InputError(path, line, why)` for oversize, unsafe or broken XML."""
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(path, None, f"file is {len(data)} bytes; the limit for XML input is {max_bytes} bytes")
    _check_doctype_bytes(data, path)
    try:
        tree = etree.fromstring(data, _parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno and exc.lineno > 0 else None
        raise InputError(path, line, f"not well-formed XML: {exc.msg}") from None
    _check_doctype_tree(tree, data, path)
    return tree.getroot()


def _check_doctype_bytes(data: bytes, path: str) -> None:
    """Reject entity declarations and URL DTDs in a DOCTYPE, reading the prolog as bytes (ASCII-compatible)."""
    m = _DOCTYPE.search(data)
    if m is None or _ELEMENT_START.search(data, 0, m.start()):
        return  # no DOCTYPE, or the text only occurs after the root element started (in CDATA or a comment)
    line = data.count(b"\n", 0, m.start()) + 1
    if _URL.search(m.group("external")):
        raise InputError(path, line, "DOCTYPE refers to an external DTD by URL; refusing to read it")
    if m.group("subset") and re.search(rb"<!ENTITY", data[m.end() : _subset_end(data, m.end())]):
        raise InputError(path, line, "DOCTYPE declares entities (XXE / entity expansion); refusing to read it")


def _subset_end(data: bytes, start: int) -> int:
    """Where the internal subset that starts at `start` ends (`]` then `>`), or the end of data."""
    m = re.compile(rb"\]\s*>").search(data, start)
    return m.end() if m else len(data)


def _check_doctype_tree(tree: etree._ElementTree, data: bytes, path: str) -> None:
    """The same checks on what libxml2 parsed, for documents whose bytes the regex could not read."""
    docinfo = tree.docinfo
    if not docinfo.doctype:
        return
    line = _doctype_line(data)
    system_url = docinfo.system_url or ""
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", system_url) and not re.match(r"[A-Za-z]:[\\/]", system_url):
        raise InputError(path, line, "DOCTYPE refers to an external DTD by URL; refusing to read it")
    dtd = docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError(path, line, "DOCTYPE declares entities (XXE / entity expansion); refusing to read it")
    entity = next(tree.getroot().iter(etree.Entity), None)
    if entity is not None:
        raise InputError(path, entity.sourceline, f"undefined entity reference {entity.text}")


def _doctype_line(data: bytes) -> int | None:
    at = data.find(b"<!DOCTYPE")
    return data.count(b"\n", 0, at) + 1 if at >= 0 else None


# Writing. The adapters build XML text directly (an element tree costs several times more for 420k entries),
# so escaping lives here, next to the reading side, and is tested through the round trips.

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def unit_ids(ids: Sequence[str], *, valid: Callable[[str], bool]) -> list[str]:
    """An id for each entry that is unique in the file: the entry's own id when `valid` and not taken, else
    `tm-unit-N` (N = position), never colliding with any entry's own id. The entry id itself is kept too
    (`resname`, `name`, a prop), so reading gets it back whatever the unit id.

    >>> unit_ids(["a", "", "a", "tm-unit-2"], valid=bool)
    ['a', 'tm-unit-2-1', 'tm-unit-3', 'tm-unit-2']
    """
    reserved = {ident for ident in ids if valid(ident)}
    taken: set[str] = set()
    out = []
    for number, ident in enumerate(ids, 1):
        if not (ident in reserved and ident not in taken):
            ident = candidate = f"tm-unit-{number}"
            suffix = 0
            while ident in reserved or ident in taken:
                suffix += 1
                ident = f"{candidate}-{suffix}"
        taken.add(ident)
        out.append(ident)
    return out


def clean_metadata(catalog: Catalog, *, previous_source: bool) -> Catalog:
    """A copy of `catalog` whose metadata (ids, comments, header…) holds no character XML 1.0 cannot hold.

    Writers render first and call this only when the result contains such a character (rare): checking the
    finished document once is much cheaper than cleaning every field of 420k entries. Sources and targets
    are left alone, since their inline codes carry those characters exactly; `previous_source` says whether
    the previous source is cleaned too (TMX writes it as a plain note).
    """
    entries = [
        replace(
            e, id=clean(e.id), flags=tuple(map(clean, e.flags)), previous_id=_clean_optional(e.previous_id),
            previous_source=_clean_optional(e.previous_source) if previous_source else e.previous_source,
            comments=tuple(map(clean, e.comments)), notes=tuple(map(clean, e.notes)),
            references=tuple(map(clean, e.references)),
        )
        for e in catalog.entries
    ]  # fmt: skip
    header = {clean(k): clean(v) for k, v in catalog.header.items()}
    return Catalog(
        entries, header, clean(catalog.locale), clean(catalog.page), tuple(map(clean, catalog.header_comments))
    )


def _clean_optional(text: str | None) -> str | None:
    return None if text is None else clean(text)


_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def encode(document: str) -> bytes | None:
    """`document` as UTF-8, or None when it holds a character XML 1.0 cannot hold.

    Checking the bytes is ~10x faster than a regex over the text: in UTF-8 a byte below 0x20 is always that
    control character, U+FFFE/U+FFFF are the only `EF BF BE`/`EF BF BF` sequences, and surrogates do not encode.
    """
    try:
        data = document.encode("utf-8")
    except UnicodeEncodeError:
        return None
    if len(data.translate(None, _CONTROL_BYTES)) != len(data) or b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data:
        return None
    return data


def clean(text: str) -> str:
    """`text` with the characters XML 1.0 cannot hold replaced by U+FFFD (for metadata: ids, notes, header).

    Segment texts never go through here: `tm.formats.inline` turns such characters into codes that read back
    exactly.
    """
    return _ILLEGAL.sub("\ufffd", text) if _ILLEGAL.search(text) else text


def escape_text(text: str) -> str:
    """Escape character data; `\\r` becomes `&#13;` because parsers turn a literal CR into LF.

    >>> escape_text("a < b & c\\r")
    'a &lt; b &amp; c&#13;'
    """
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def escape_attr(text: str) -> str:
    """Escape an attribute value (double-quoted); tabs and newlines as references so parsers keep them."""
    text = escape_text(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#9;")
    return text

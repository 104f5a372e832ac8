"""Parse untrusted XML (XLIFF, TMX) without the classic XML attacks, reporting problems as `InputError`.

XLIFF and TMX files come back from vendors and CAT tools, so they are untrusted input. This module is the
only place that turns their bytes into a tree, and it refuses, before libxml2 sees the document:

- documents larger than `MAX_BYTES` (100 MB: a full handoff page is a few hundred KB);
- a DOCTYPE whose internal subset declares entities (external entities = XXE, nested ones = billion laughs);
- a DOCTYPE whose external DTD is a URL (`SYSTEM "http://…"`): nothing is ever fetched.

A plain `<!DOCTYPE tmx SYSTEM "tmx14.dtd">`, as TMX tools write it, is accepted and never loaded. The parser
itself runs with `resolve_entities=False`, `load_dtd=False`, `no_network=True` and `huge_tree=False`, and a
resolver that refuses every external resource; after parsing, the document's DTD is checked again, which
also covers encodings (UTF-16) that the byte-level pre-check cannot read.

>>> parse(b"<a>x</a>", path="t.xml").text
'x'
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from tm.errors import InputError

__all__ = ["MAX_BYTES", "parse"]

MAX_BYTES = 100 * 1024 * 1024

_DOCTYPE = re.compile(rb"<!DOCTYPE\s+[^\s>\[]+(?P<external>[^>\[]*)(?P<subset>\[)?")
_URL = re.compile(rb"""["'][A-Za-z][A-Za-z0-9+.-]*://|["']file:""")
_ELEMENT_START = re.compile(rb"<[A-Za-z_:]")


class _RefuseAll(etree.Resolver):  # type: ignore[misc]  # lxml's Resolver is untyped
    """Refuse every external DTD or entity libxml2 might still ask for: a refusal is an error, never a fetch."""

    def resolve(self, url: str, pubid: str, context: Any) -> Any:
        raise etree.XMLSyntaxError(f"external resource refused: {url}", None, 0, 0)  # type: ignore[call-arg]


def _parser() -> etree.XMLParser:
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        dtd_validation=False,
        remove_pis=True,
        collect_ids=False,
    )
    parser.resolvers.add(_RefuseAll())
    return parser


def parse(data: bytes, *, path: str) -> etree._Element:
    """The root element of `data`, or `InputError(path, line, why)` for oversize, unsafe or broken XML."""
    if len(data) > MAX_BYTES:
        raise InputError(path, None, f"file is {len(data)} bytes; the limit for XML input is {MAX_BYTES} bytes")
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


def _doctype_line(data: bytes) -> int | None:
    at = data.find(b"<!DOCTYPE")
    return data.count(b"\n", 0, at) + 1 if at >= 0 else None

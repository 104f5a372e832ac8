"""Catalogs ⇄ TMX 1.4 (`.tmx`), valid against the LISA DTD, with Markdown markup as inline codes.

Two ways to write:

- `write(catalog)`: one TMX per catalog, every entry (untranslated and obsolete ones too) and every field, so
  `read(write(c)) == c`. The page, locale and PO header are `<prop>`s of the `<header>`.
- `write_memory(catalogs, origins=…)`: one translation memory for a whole tree or several handoffs, of the
  entries whose `origin` (`tm.model.origin`) is wanted: `reviewed` (the default: what a person wrote or confirmed,
  what a CAT tool may insert unchecked), `ht` (the vendor's human translation as delivered, or a person's fuzzy
  translation, paired with the source it translated, its `#| msgid`) and `mt`. Entries without
  a target are left out; identical (source, locale, target) triples become one `<tu>`, described by the best
  occurrence (reviewed over MT, active over obsolete, then the newest handoff) with `x-occurrences` counting
  them, and `x-origin` naming its origin. A machine translation's target `<tuv>` has `creationid="MT!"`
  (Okapi's mark); OmegaT marks the matches of a TMX kept in its project's `tm/mt/` folder instead.

Each `<tu>` carries `tuid` (the pair id in `write`; in a memory, a hash of source, locale and target, stable
across runs), `creationdate` (from the catalog's `X-Ms-Lasthandoff` handoff date) and the props
`x-ttu-id` (pair id), `x-page`, `x-handoff`, `x-translationtype` (`MT` for an entry nobody reviewed, i.e.
fuzzy; `HT` otherwise) and `x-obsolete` when set; `write` adds `x-flag`, `x-reference`, `x-previous-id`,
`x-comment` (translator comments) and `x-extracted-comment`, which a memory does without. The previous source of a fuzzy match is a `<note>` that reads
`Previous source: …`; other notes (from other tools) read back as translator comments.

`inline="text"` (the default) writes Markdown markup in `<seg>` as text, as the segments of a CAT tool that
opens the page hold it: OmegaT finds no exact match for a segment with a code span in a TMX that holds the
span as a code. `inline="tags"` writes codes as `<ph>` and `<bpt>`/`<ept>` holding their Markdown (`x` links
a code across languages, `i` pairs a `<bpt>` with its `<ept>`), so tools that flatten codes still read the
original string. Either way, characters XML 1.0 cannot hold are `<ph type="x-tm-char">` with the code point
in hex in segments, and U+FFFD elsewhere (the previous-source note included).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints

from tm._version import __version__
from tm.errors import InputError
from tm.formats.inline import INLINE_FORMS, Code, Token, check_inline, number_codes, plain, tokenize
from tm.formats.safexml import clean, clean_metadata, encode, escape_attr, escape_text, parse, unit_ids
from tm.model import ORIGINS, Catalog, Entry, is_human, origin

__all__ = ["INLINE_FORMS", "NAME", "ORIGINS", "SOURCE_LANGUAGE", "SUFFIXES", "origin", "read", "read_many", "write",
           "write_memory", "write_units"]

NAME = "tmx"
SUFFIXES = (".tmx",)
SOURCE_LANGUAGE = "en-US"
PREVIOUS_SOURCE = "Previous source: "
# A memory of a whole handoff is larger than one page's XLIFF; the reading limit is raised accordingly.
MAX_BYTES = 1024 * 1024 * 1024

MT_CREATION_ID = "MT!"  # Okapi's mark of a machine translation on a <tuv>
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TYPE = {
    "code": "x-code", "xref": "x-xref", "autolink": "x-autolink", "docfx": "x-docfx", "entity": "x-entity",
    "comment": "x-html-comment", "html": "x-html", "link": "link", "image": "x-image",
}  # fmt: skip


def write(catalog: Catalog, *, inline: str = "text") -> bytes:
    """One catalog as a TMX document that reads back to the same catalog (`inline`: see `write_memory`)."""
    check_inline(inline)
    data = encode("".join(_document(catalog, inline)))
    if data is None:  # rare: a control character in metadata (segment texts encode them as codes)
        data = "".join(_document(clean_metadata(catalog, previous_source=True), inline)).encode("utf-8")
    return data


def write_memory(catalogs: Iterable[Catalog], *, inline: str = "text", origins: Iterable[str] = ("reviewed",)
                 ) -> bytes:
    """A translation memory of many catalogs (a tree, several handoffs): translated entries, deduplicated.

    `inline="text"` writes Markdown markup as text, as a CAT tool's own segment of the page holds it (OmegaT
    finds exact matches only then); `"tags"` as `<ph>`/`<bpt>`/`<ept>` codes. `origins` says which entries
    go in (see `origin`): by default only reviewed ones, what a CAT tool may insert without a look.
    """
    check_inline(inline)
    wanted = frozenset(origins)
    if not wanted or not wanted <= set(ORIGINS):
        raise ValueError(f"origins must be some of {ORIGINS}, not {sorted(wanted)}")
    best = _best_occurrences(catalogs, wanted)
    data = encode("".join(_memory(best, inline, cleaned=False)))
    if data is None:  # rare: a control character in metadata (segment texts encode them as codes)
        data = "".join(_memory(best, inline, cleaned=True)).encode("utf-8")
    return data


def _memory(best: dict[tuple[str, str, str], _Best], inline: str, *, cleaned: bool) -> Iterator[str]:
    yield _start("")
    for (source, locale, target), item in best.items():
        tuid = hashlib.blake2b(f"{source}\0{locale}\0{target}".encode("utf-8", "surrogatepass"), digest_size=8)
        entry, where = item.entry, item.where
        if cleaned:
            entry = clean_metadata(Catalog([entry]), previous_source=True).entries[0]
            where = _Where(clean(where.page), clean(where.handoff), clean(where.locale))
        yield _tu(entry, tuid.hexdigest(), where, inline, full=False, count=item.count, source=source)
    yield _END


def write_units(units: Iterable[tuple[Entry, str, str, str, str, int, dict[str, str]]], *, inline: str = "text"
                ) -> Iterator[bytes]:
    """A memory whose units are already unique (`tm memory export`), as chunks of bytes to write one after the
    other: (entry, tuid, page, handoff date, locale, count, extra props) per `<tu>`, written as `write_memory`
    writes its units; an `x-origin` among the extra props is the unit's origin. A unit whose metadata XML
    cannot hold is cleaned alone, so nothing is held whole."""
    check_inline(inline)
    yield _start("").encode("utf-8")
    for entry, tuid, page, handoff, locale, count, extra in units:
        kind = extra.get("x-origin", "")
        others = {name: value for name, value in extra.items() if name != "x-origin"}
        props = "".join(_prop(name, value) for name, value in others.items())
        data = encode(_tu(entry, tuid, _Where(page, handoff, locale), inline, full=False, count=count, props=props,
                          kind=kind))
        if data is None:  # rare: a control character in metadata (segment texts encode them as codes)
            entry = clean_metadata(Catalog([entry]), previous_source=True).entries[0]
            props = "".join(_prop(name, clean(value)) for name, value in others.items())
            where = _Where(clean(page), clean(handoff), clean(locale))
            data = _tu(entry, clean(tuid), where, inline, full=False, count=count, props=props,
                       kind=kind).encode("utf-8")
        yield data
    yield _END.encode("utf-8")


def _start(props: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">\n'
        f'<header creationtool="tm" creationtoolversion="{escape_attr(__version__)}" segtype="sentence"'
        f' o-tmf="tm" adminlang="en-US" srclang="{SOURCE_LANGUAGE}" datatype="x-markdown">\n{props}</header>\n<body>\n'
    )


_END = "</body>\n</tmx>\n"


def _document(catalog: Catalog, inline: str) -> Iterator[str]:
    props = [_prop("x-page", catalog.page), _prop("x-locale", catalog.locale)]
    props += (_prop(f"x-header:{key}", value) for key, value in catalog.header.items())
    props += (_prop("x-header-comment", comment) for comment in catalog.header_comments)
    yield _start("".join(props) + "\n")
    where = _Where(catalog.page, catalog.header.get("X-Ms-Lasthandoff", ""), catalog.locale)
    for entry, tuid in zip(catalog.entries, unit_ids([entry.id for entry in catalog.entries], valid=bool)):
        yield _tu(entry, tuid, where, inline, full=True)
    yield _END


@dataclass(frozen=True, slots=True)
class _Where:
    """Where an entry comes from (page, handoff date, target locale), with the XML every `<tu>` of it shares."""

    page: str
    handoff: str
    locale: str
    date: str = field(init=False)  # creationdate attribute, or ""
    props: str = field(init=False)  # x-page and x-handoff props
    lang: str = field(init=False)  # escaped xml:lang of the target

    def __post_init__(self) -> None:
        date = _tmx_date(self.handoff)
        props = f'<prop type="x-page">{escape_text(self.page)}</prop>'
        if self.handoff:
            props += f'<prop type="x-handoff">{escape_text(self.handoff)}</prop>'
        object.__setattr__(self, "date", f' creationdate="{date}"' if date else "")
        object.__setattr__(self, "props", props)
        object.__setattr__(self, "lang", escape_attr(self.locale or "und"))


@dataclass(slots=True)
class _Best:
    """The occurrence of a (source, locale, target) that describes it in a memory, and how often it occurs."""

    rank: tuple[bool, bool, str]
    entry: Entry
    where: _Where
    count: int = 1


def _best_occurrences(catalogs: Iterable[Catalog], origins: frozenset[str]) -> dict[tuple[str, str, str], _Best]:
    """Translated entries of the `origins` wanted by (source, locale, target), each with its best occurrence (see
    the module docstring). A person's fuzzy translation (`ht`) is stored with the source it translated."""
    best: dict[tuple[str, str, str], _Best] = {}
    for catalog in catalogs:
        handoff = catalog.header.get("X-Ms-Lasthandoff", "")
        where = _Where(catalog.page, handoff, catalog.locale)
        sortable_date = _tmx_date(handoff)
        for entry in catalog.entries:
            if not entry.target or origin(entry) not in origins:
                continue
            source = entry.source
            if entry.fuzzy and entry.previous_source is not None and is_human(entry):
                source = entry.previous_source
            key = (source, catalog.locale, entry.target)
            rank = (not entry.fuzzy, not entry.obsolete, sortable_date)
            found = best.get(key)
            if found is None:
                best[key] = _Best(rank, entry, where)
                continue
            found.count += 1
            if rank > found.rank:
                found.rank, found.entry, found.where = rank, entry, where
    return best


def _tu(entry: Entry, tuid: str, where: _Where, inline: str, *, full: bool, count: int = 1,
        source: str | None = None, props: str = "", kind: str = "") -> str:
    """One `<tu>`: props (and the previous-source note), then the source and target `<tuv>`s; a machine
    translation's target `<tuv>` has `creationid="MT!"`, `source` replaces the entry's (see `_best_occurrences`),
    `kind` the origin `origin(entry)` gives (a memory knows it better)."""
    kind = kind or (origin(entry) if entry.target else "reviewed")
    tu = (
        f'<tu tuid="{escape_attr(tuid)}"{where.date}><prop type="x-ttu-id">{escape_text(entry.id)}</prop>{where.props}'
        f'<prop type="x-translationtype">{"MT" if entry.fuzzy else "HT"}</prop>{props}'
    )
    if not full:
        tu += f'<prop type="x-origin">{kind}</prop>'

    if entry.obsolete:
        tu += '<prop type="x-obsolete">yes</prop>'
    if count > 1:
        tu += f'<prop type="x-occurrences">{count}</prop>'
    if full:
        tu += _full_props(entry)
    if entry.previous_source is not None:
        tu += f"<note>{escape_text(PREVIOUS_SOURCE + entry.previous_source)}</note>"
    source_xml, target_xml = _segment_pair(entry.source if source is None else source, entry.target, inline)
    mt = f' creationid="{MT_CREATION_ID}"' if kind == "mt" else ""
    return (
        f'{tu}\n<tuv xml:lang="{SOURCE_LANGUAGE}"><seg>{source_xml}</seg></tuv>\n'
        f'<tuv xml:lang="{where.lang}"{mt}><seg>{target_xml}</seg></tuv>\n</tu>\n'
    )


def _full_props(entry: Entry) -> str:
    """The fields only a one-catalog TMX keeps (a memory does not need them)."""
    props = [_prop("x-flag", flag) for flag in entry.flags]
    props += (_prop("x-reference", reference) for reference in entry.references)
    if entry.previous_id is not None:
        props.append(_prop("x-previous-id", entry.previous_id))
    if not entry.has_context:  # a PO entry without msgctxt
        props.append(_prop("x-no-context", "yes"))
    props += (_prop("x-comment", comment) for comment in entry.comments)
    props += (_prop("x-extracted-comment", note) for note in entry.notes)
    return "".join(props)


def _prop(kind: str, value: str) -> str:
    return f'<prop type="{escape_attr(kind)}">{escape_text(value)}</prop>'


@lru_cache(maxsize=1024)
def _tmx_date(handoff: str) -> str:
    """`09/15/2020` (or `2020-09-15`) → `20200915T000000Z`, TMX's date format; "" when unreadable."""
    for fmt in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(handoff.strip(), fmt).strftime("%Y%m%dT000000Z")
        except ValueError:
            continue
    return ""


def _segment_pair(source: str, target: str, inline: str) -> tuple[str, str]:
    """Source and target as `<seg>` content, with code ids (`x`, `i`) shared between them; with `inline="text"`
    only the characters XML cannot hold are codes."""
    if plain(source) and plain(target):
        return escape_text(source), escape_text(target)
    if inline == "text":
        return _text(source), _text(target)
    source_tokens, target_tokens = tokenize(source), tokenize(target)
    source_ids, target_ids = number_codes(source_tokens, target_tokens)
    return _inline(source_tokens, source_ids), _inline(target_tokens, target_ids)


def _text(text: str) -> str:
    """Markdown as `<seg>` text; a character XML cannot hold is `<ph type="x-tm-char">` (no `x`: nothing to pair)."""
    return "".join(
        f'<ph type="x-tm-char">{ord(token.text):04X}</ph>' if isinstance(token, Code) and token.kind == "char"
        else escape_text(token.text)
        for token in tokenize(text)
    )


def _inline(tokens: list[Token], ids: list[int]) -> str:
    """Text escaped; codes as `<ph>`/`<bpt>`/`<ept>` holding their Markdown (`x-tm-char` holds a hex code point)."""
    out = []
    for token, ident in zip(tokens, ids):
        if not isinstance(token, Code):
            out.append(escape_text(token.text))
        elif token.kind == "char":
            out.append(f'<ph x="{ident}" type="x-tm-char">{ord(token.text):04X}</ph>')
        elif token.role == "ph":
            out.append(f'<ph x="{ident}" type="{_TYPE[token.kind]}">{escape_text(token.text)}</ph>')
        elif token.role == "open":
            out.append(f'<bpt i="{ident}" x="{ident}" type="{_TYPE[token.kind]}">{escape_text(token.text)}</bpt>')
        else:
            out.append(f'<ept i="{ident}">{escape_text(token.text)}</ept>')
    return "".join(out)


# Reading.


def read(data: bytes, *, path: str) -> Catalog:
    """A TMX document as one catalog (all its units in order); see `read_many` for a memory of many pages."""
    root = _root(data, path)
    header = root.find("header")
    catalog = Catalog()
    props = _props(header) if header is not None else []
    srclang = (header.get("srclang") if header is not None else None) or SOURCE_LANGUAGE
    for kind, value in props:
        _read_header_prop(catalog, kind, value)
    pages = set()
    for tu in root.iter("tu"):
        entry, where = _read_tu(tu, srclang, path)
        catalog.entries.append(entry)
        pages.add(where.page)
        if not any(kind == "x-locale" for kind, _ in props) and not catalog.locale:
            catalog.locale = where.locale
    if not any(kind == "x-page" for kind, _ in props) and len(pages) == 1:
        catalog.page = pages.pop()
    return catalog


def read_many(data: bytes, *, path: str) -> list[Catalog]:
    """One catalog per page (`x-page`), in order of first appearance: the inverse of `write_memory` as far as a
    deduplicated memory allows (each catalog's header holds only `X-Ms-Lasthandoff`)."""
    root = _root(data, path)
    header = root.find("header")
    if header is not None and any(kind == "x-page" for kind, _ in _props(header)):
        return [read(data, path=path)]
    srclang = (header.get("srclang") if header is not None else None) or SOURCE_LANGUAGE
    catalogs: dict[tuple[str, str], Catalog] = {}
    for tu in root.iter("tu"):
        entry, where = _read_tu(tu, srclang, path)
        catalog = catalogs.get((where.page, where.locale))
        if catalog is None:
            handoff = {"X-Ms-Lasthandoff": where.handoff} if where.handoff else {}
            catalog = catalogs[(where.page, where.locale)] = Catalog(
                header=handoff, locale=where.locale, page=where.page
            )
        catalog.entries.append(entry)
    return list(catalogs.values())


def _root(data: bytes, path: str) -> etree._Element:
    root = parse(data, path=path, max_bytes=MAX_BYTES)
    if root.tag != "tmx":
        raise InputError(path, root.sourceline, f"not a TMX document (root element is {root.tag!r})")
    return root


def _props(element: etree._Element) -> list[tuple[str, str]]:
    return [(prop.get("type", ""), prop.text or "") for prop in element.iterchildren("prop")]


def _read_header_prop(catalog: Catalog, kind: str, value: str) -> None:
    if kind == "x-page":
        catalog.page = value
    elif kind == "x-locale":
        catalog.locale = value
    elif kind.startswith("x-header:"):
        catalog.header[kind[len("x-header:") :]] = value
    elif kind == "x-header-comment":
        catalog.header_comments += (value,)


def _read_tu(tu: etree._Element, srclang: str, path: str) -> tuple[Entry, _Where]:
    """The entry of one `<tu>` and where it came from (page, handoff, target locale)."""
    source, target, locale = _read_tuvs(tu, srclang, path)
    entry = Entry(id=tu.get("tuid", ""), source=source, target=target)
    entry.line = tu.sourceline or 0
    page = handoff = ""
    for kind, value in _props(tu):
        if kind == "x-page":
            page = value
        elif kind == "x-handoff":
            handoff = value
        else:
            _read_entry_prop(entry, kind, value)
    for note in tu.iterchildren("note"):
        text = note.text or ""
        if text.startswith(PREVIOUS_SOURCE):
            entry.previous_source = text[len(PREVIOUS_SOURCE) :]
        else:
            entry.comments += (text,)
    return entry, _Where(page, handoff, "" if locale == "und" else locale)


def _read_entry_prop(entry: Entry, kind: str, value: str) -> None:
    if kind == "x-ttu-id":
        entry.id = value
    elif kind == "x-translationtype":
        entry.fuzzy = value.upper() == "MT"
    elif kind == "x-obsolete":
        entry.obsolete = value == "yes"
    elif kind == "x-flag":
        entry.flags += (value,)
    elif kind == "x-reference":
        entry.references += (value,)
    elif kind == "x-previous-id":
        entry.previous_id = value
    elif kind == "x-no-context":
        entry.has_context = value != "yes"
    elif kind == "x-comment":
        entry.comments += (value,)
    elif kind == "x-extracted-comment":
        entry.notes += (value,)


def _read_tuvs(tu: etree._Element, srclang: str, path: str) -> tuple[str, str, str]:
    """(source, target, target locale): the `<tuv>` in `srclang` is the source, the first other one the target."""
    source: str | None = None
    target, locale = "", ""
    for tuv in tu.iterchildren("tuv"):
        lang = tuv.get(_XML_LANG) or tuv.get("lang") or ""
        seg = tuv.find("seg")
        text = "" if seg is None else _read_seg(seg, path)
        if source is None and lang.lower() == srclang.lower():
            source = text
        elif not locale:
            target, locale = text, lang
    if source is None:
        raise InputError(path, tu.sourceline, f"<tu> without a <tuv> in the source language {srclang}")
    return source, target, locale


def _read_seg(element: etree._Element, path: str) -> str:
    """The Markdown of a `<seg>`: text plus each code's content (`<hi>` is only a highlight around text)."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "hi":
            parts.append(_read_seg(child, path))
        elif isinstance(child.tag, str):
            text = "".join(child.itertext())
            parts.append(_code_point(text, child, path) if child.get("type") == "x-tm-char" else text)
        parts.append(child.tail or "")
    return "".join(parts)


def _code_point(hex_digits: str, child: etree._Element, path: str) -> str:
    try:
        return chr(int(hex_digits, 16))
    except (ValueError, OverflowError):
        raise InputError(path, child.sourceline, f"bad code point {hex_digits!r} in an x-tm-char code") from None

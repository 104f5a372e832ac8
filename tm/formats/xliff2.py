"""Catalog ⇄ XLIFF 2.0 (`.xliff`), valid against the OASIS 2.0 core schema, with Markdown markup as inline codes.

One `<file>` per catalog (`original` = page path, `trgLang` = locale); each entry is a `<unit>` with one
`<segment id="s1">`. The unit `name` is the pair id (the `id` too, when it is a unique NMTOKEN). Markup is kept
out of the text the translator edits: code spans, `<xref:…>`, entities, docfx includes and standalone HTML are
`<ph dataRef="…" disp="…"/>` (`disp` repeats the Markdown, which Poedit shows for the code); a link's `[` …
`](url)` and paired HTML tags are `<pc dataRefStart dataRefEnd>` around the translatable text; the Markdown of
each code is in the unit's `<originalData>`. Characters XML cannot hold are `<cp hex="…"/>`.

States:

| entry                            | `<segment>`                                                          |
|----------------------------------|----------------------------------------------------------------------|
| reviewed                         | `state="reviewed"` (or `final`)                                      |
| MT, not reviewed (fuzzy)         | `state="initial" subState="tm:mt"`, with the target                  |
| fuzzy with a previous source     | `state="initial" subState="tm:fuzzy-match"`, and an `mtc:match`      |
| fuzzy, empty                     | `state="initial"` with an empty `<target/>`                          |
| untranslated                     | `state="initial"`, no `<target>`                                     |

`tm:` in `subState` is the authority prefix the 2.0 spec asks for in user-defined values (`prefix:value`; `xlf:`
is reserved). Reading: `translated`, `reviewed` and `final` are reviewed (a translator who sets `translated`
gets a reviewed entry); `initial` with a target is fuzzy.

Modules, as the spec places them (before `<notes>`): the previous source of a fuzzy match is a Translation
Candidates `<mtc:match ref="#s1" type="tm" subType="tm:previous-version">`, and each offer (`tm.offers`) a
`<mtc:match similarity="87.0" origin="CATALOG" type="tm" subType="tm:offer">` (what of its markup differs
from the source in its `<mda:meta type="differs">`; the handoff's translation kept beside a person's:
`type="mt" origin="handoff"`); the readers leave offers to the notes they come from; flags, references and the previous
id are Metadata `<mda:meta type="flag|reference|previous-id">` in `<mda:metaGroup category="tm">`; the PO header
is `<mda:metaGroup category="tm-header">` (and `tm-header-comments`) on the file. Translator comments are
`<note category="translator">`, extracted comments `<note category="developer" appliesTo="source">`.
Obsolete entries are `<unit translate="no" type="tm:obsolete">`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints

from tm.errors import InputError
from tm.formats.inline import Code, Token, number_codes, plain, tokenize
from tm.formats.safexml import clean_metadata, encode, escape_attr, escape_text, parse, unit_ids
from tm.model import Catalog, Entry
from tm.offers import Candidate, candidates

__all__ = ["NAME", "SOURCE_LANGUAGE", "SUFFIXES", "read", "write"]

NAME = "xliff2"
SUFFIXES = (".xliff",)
SOURCE_LANGUAGE = "en-US"
NS = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
MTC = "urn:oasis:names:tc:xliff:matches:2.0"
REVIEWED_STATES = ("reviewed", "final")

_X = f"{{{NS}}}"
_NMTOKEN = re.compile(r"[A-Za-z0-9._:-]+")  # ASCII only: every such string is an NMTOKEN
_PC_TYPE = {"link": "link", "image": "image", "html": "fmt"}


def write(catalog: Catalog, *, reviewed_state: str = "reviewed") -> bytes:
    """The catalog as an XLIFF 2.0 document (UTF-8). `reviewed_state` may be "final"."""
    if reviewed_state not in REVIEWED_STATES:
        raise ValueError(f"reviewed_state must be one of {REVIEWED_STATES}, not {reviewed_state!r}")
    data = encode("".join(_document(catalog, reviewed_state)))
    if data is None:  # rare: a control character in metadata (segment texts encode them as codes)
        data = "".join(_document(clean_metadata(catalog, previous_source=False), reviewed_state)).encode("utf-8")
    return data


def _document(catalog: Catalog, reviewed_state: str) -> Iterator[str]:
    trg_lang = f' trgLang="{escape_attr(catalog.locale)}"' if catalog.locale else ""
    yield (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="{NS}" xmlns:mda="{MDA}" xmlns:mtc="{MTC}"'
        f' version="2.0" srcLang="{SOURCE_LANGUAGE}"{trg_lang}>\n'
        f'<file id="f1" original="{escape_attr(catalog.page)}">\n'
    )
    yield _file_metadata(catalog)
    ids = unit_ids([entry.id for entry in catalog.entries], valid=lambda ident: bool(_NMTOKEN.fullmatch(ident)))
    for entry, unit_id in zip(catalog.entries, ids):
        yield _unit(entry, unit_id, reviewed_state)
    if not catalog.entries:
        yield '<group id="tm-empty"/>\n'  # the schema wants at least one unit or group in a file
    yield "</file>\n</xliff>\n"


def _file_metadata(catalog: Catalog) -> str:
    groups = []
    if catalog.header:
        metas = "".join(_meta(key, value) for key, value in catalog.header.items())
        groups.append(f'<mda:metaGroup category="tm-header">{metas}</mda:metaGroup>')
    if catalog.header_comments:
        metas = "".join(_meta("comment", comment) for comment in catalog.header_comments)
        groups.append(f'<mda:metaGroup category="tm-header-comments">{metas}</mda:metaGroup>')
    return f"<mda:metadata>{''.join(groups)}</mda:metadata>\n" if groups else ""


def _meta(kind: str, value: str) -> str:
    return f'<mda:meta type="{escape_attr(kind)}">{escape_text(value)}</mda:meta>'


def _unit(entry: Entry, unit_id: str, reviewed_state: str) -> str:
    """One `<unit>`: modules, notes, original data, then the segment (the schema's order)."""
    data: dict[str, str] = {}
    source_xml, target_xml = _segment_pair(entry.source, entry.target, data)
    obsolete = ' translate="no" type="tm:obsolete"' if entry.obsolete else ""
    unit = f'<unit id="{escape_attr(unit_id)}" name="{escape_attr(entry.id)}" xml:space="preserve"{obsolete}>\n'
    offers = candidates(entry) if entry.notes else []
    if entry.previous_source is not None or offers:
        unit += _matches(entry, offers)
    if entry.flags or entry.references or entry.previous_id is not None or not entry.has_context:
        unit += _unit_metadata(entry)
    if entry.comments or entry.notes:
        unit += _notes(entry)
    if data:
        unit += _original_data(data)
    state, sub_state = _state(entry, reviewed_state)
    sub_state_attr = f' subState="{sub_state}"' if sub_state else ""
    target_el = f"<target>{target_xml}</target>" if entry.target or entry.fuzzy else ""
    return (
        f'{unit}<segment id="s1" state="{state}"{sub_state_attr}><source>{source_xml}</source>{target_el}'
        "</segment>\n</unit>\n"
    )


def _state(entry: Entry, reviewed_state: str) -> tuple[str, str]:
    """(state, subState); see the table in the module docstring."""
    if not entry.fuzzy:
        return (reviewed_state, "") if entry.target else ("initial", "")
    if not entry.target:
        return "initial", ""
    return "initial", "tm:fuzzy-match" if entry.previous_source is not None else "tm:mt"


def _segment_pair(source: str, target: str, data: dict[str, str]) -> tuple[str, str]:
    """Source and target as XLIFF 2 inline content; code ids are shared, their Markdown is added to `data`."""
    if plain(source) and plain(target):
        return escape_text(source), escape_text(target)
    source_tokens, target_tokens = tokenize(source), tokenize(target)
    source_ids, target_ids = number_codes(source_tokens, target_tokens)
    return _inline(source_tokens, source_ids, data), _inline(target_tokens, target_ids, data)


def _matches(entry: Entry, offers: list[Candidate]) -> str:
    """Translation candidates: the previous English of a fuzzy match, then the offers (`tm.offers`)."""
    matches = [_match(entry.previous_source, entry.target, ' type="tm" subType="tm:previous-version"')
               ] if entry.previous_source is not None else []
    for offer in offers:
        kind = ' type="mt" origin="handoff"' if offer.origin == "handoff" else (
            f' type="tm" origin="{escape_attr(offer.where)}" subType="tm:offer"')
        differs = (f'<mda:metadata><mda:metaGroup category="tm"><mda:meta type="differs">{escape_text(offer.differs)}'
                   "</mda:meta></mda:metaGroup></mda:metadata>") if offer.differs else ""
        matches.append(_match(offer.source, offer.target, f' similarity="{offer.score * 100:.1f}"{kind}', differs))
    return f"<mtc:matches>{''.join(matches)}</mtc:matches>\n"


def _match(source: str, target: str, attributes: str, metadata: str = "") -> str:
    """One candidate, with its own original data."""
    data: dict[str, str] = {}
    source_xml, target_xml = _segment_pair(source, target, data)
    original = _original_data(data).rstrip() if data else ""
    return (f'<mtc:match ref="#s1"{attributes}>{metadata}{original}<source>{source_xml}</source>'
            f"<target>{target_xml}</target></mtc:match>")


def _unit_metadata(entry: Entry) -> str:
    metas = [_meta("flag", flag) for flag in entry.flags]
    metas += (_meta("reference", reference) for reference in entry.references)
    if entry.previous_id is not None:
        metas.append(_meta("previous-id", entry.previous_id))
    if not entry.has_context:  # a PO entry without msgctxt
        metas.append(_meta("no-context", "yes"))
    return f'<mda:metadata><mda:metaGroup category="tm">{"".join(metas)}</mda:metaGroup></mda:metadata>\n'


def _notes(entry: Entry) -> str:
    notes = [f'<note category="translator">{escape_text(c)}</note>' for c in entry.comments]
    notes += (f'<note category="developer" appliesTo="source">{escape_text(n)}</note>' for n in entry.notes)
    return f"<notes>{''.join(notes)}</notes>\n"


def _original_data(data: dict[str, str]) -> str:
    items = "".join(f'<data id="{ident}">{escape_text(text)}</data>' for text, ident in data.items())
    return f"<originalData>{items}</originalData>\n"


def _inline(tokens: list[Token], ids: list[int], data: dict[str, str]) -> str:
    """Text escaped; codes as `<ph>`/`<pc>` pointing into `data` (Markdown → data id, shared per unit)."""
    out = []
    closes = {t.pair: t.text for t in tokens if isinstance(t, Code) and t.role == "close"}
    for token, ident in zip(tokens, ids):
        if not isinstance(token, Code):
            out.append(escape_text(token.text))
        elif token.kind == "char":
            out.append(f'<cp hex="{ord(token.text):04X}"/>')
        elif token.role == "ph":
            # disp: what Poedit shows in place of the code (else its id, "{1}"); the Markdown itself
            out.append(f'<ph id="{ident}" dataRef="{_data_id(data, token.text)}" disp="{escape_attr(token.text)}"/>')
        elif token.role == "open":
            start, end = _data_id(data, token.text), _data_id(data, closes[token.pair])
            out.append(f'<pc id="{ident}" dataRefStart="{start}" dataRefEnd="{end}" type="{_PC_TYPE[token.kind]}">')
        else:
            out.append("</pc>")
    return "".join(out)


def _data_id(data: dict[str, str], text: str) -> str:
    ident = data.get(text)
    if ident is None:
        ident = data[text] = f"d{len(data) + 1}"
    return ident


# Reading.


def read(data: bytes, *, path: str) -> Catalog:
    """An XLIFF 2.x document as one catalog; several `<file>`s are concatenated in order."""
    root = parse(data, path=path)
    if root.tag != f"{_X}xliff":
        raise InputError(path, root.sourceline, f"not an XLIFF 2 document (root element is {root.tag!r})")
    catalog = Catalog(locale=root.get("trgLang", ""))
    for index, file in enumerate(root.iter(f"{_X}file")):
        if index == 0:
            catalog.page = file.get("original", "")
            _read_file_metadata(file, catalog)
        for unit in file.iter(f"{_X}unit"):
            catalog.entries.append(_read_unit(unit, path))
    return catalog


def _read_file_metadata(file: etree._Element, catalog: Catalog) -> None:
    comments = []
    for group in file.iterchildren(f"{{{MDA}}}metadata"):
        for meta_group in group.iter(f"{{{MDA}}}metaGroup"):
            category = meta_group.get("category")
            for meta in meta_group.iterchildren(f"{{{MDA}}}meta"):
                if category == "tm-header":
                    catalog.header[meta.get("type", "")] = meta.text or ""
                elif category == "tm-header-comments":
                    comments.append(meta.text or "")
    catalog.header_comments = tuple(comments)


def _read_unit(unit: etree._Element, path: str) -> Entry:
    line = unit.sourceline or 0
    data = _read_original_data(unit.find(f"{_X}originalData"), path)
    codes: dict[tuple[str, str], str] = {}
    sources, targets, fuzzy = [], [], False
    for part in unit:
        if part.tag not in (f"{_X}segment", f"{_X}ignorable"):
            continue
        source_el, target_el = part.find(f"{_X}source"), part.find(f"{_X}target")
        if source_el is None:
            raise InputError(path, part.sourceline, f"<{etree.QName(part).localname}> without <source>")
        sources.append(_read_inline(source_el, data, path, codes, None))
        if target_el is not None:
            targets.append(_read_inline(target_el, data, path, None, codes))
            fuzzy = fuzzy or (part.tag == f"{_X}segment" and part.get("state", "initial") == "initial")
    if not sources:
        raise InputError(path, line, "<unit> without <segment>")
    entry = Entry(id=unit.get("name", unit.get("id", "")), source="".join(sources), target="".join(targets))
    entry.fuzzy, entry.line = fuzzy, line
    entry.obsolete = unit.get("type") == "tm:obsolete"
    _read_modules(unit, entry, path)
    return entry


def _read_modules(unit: etree._Element, entry: Entry, path: str) -> None:
    """Previous source (mtc), flags/references/previous id (mda) and notes."""
    for match in unit.iterchildren(f"{{{MTC}}}matches"):
        for candidate in match.iterchildren(f"{{{MTC}}}match"):
            source = candidate.find(f"{_X}source")
            if candidate.get("subType") == "tm:previous-version" and source is not None:
                data = _read_original_data(candidate.find(f"{_X}originalData"), path)
                entry.previous_source = _read_inline(source, data, path, {}, None)
    for metadata in unit.iterchildren(f"{{{MDA}}}metadata"):
        for meta in metadata.iter(f"{{{MDA}}}meta"):
            kind, value = meta.get("type"), meta.text or ""
            if kind == "flag":
                entry.flags += (value,)
            elif kind == "reference":
                entry.references += (value,)
            elif kind == "previous-id":
                entry.previous_id = value
            elif kind == "no-context":
                entry.has_context = value != "yes"
    notes = unit.find(f"{_X}notes")
    for note in () if notes is None else notes.iterchildren(f"{_X}note"):
        if note.get("category") == "developer":
            entry.notes += (note.text or "",)
        else:
            entry.comments += (note.text or "",)


def _read_original_data(original: etree._Element | None, path: str) -> dict[str, str]:
    """`<data id>` → its text (with `<cp>` code points decoded)."""
    if original is None:
        return {}
    return {data.get("id", ""): _read_inline(data, {}, path, None, None) for data in original.iterchildren(f"{_X}data")}


def _read_inline(
    element: etree._Element, data: dict[str, str], path: str,
    record: dict[tuple[str, str], str] | None, source_codes: dict[tuple[str, str], str] | None,
) -> str:  # fmt: skip
    """The Markdown of a `<source>`/`<target>`/`<data>`: text, code points, and each code's original data.

    Source codes are recorded by id so a target code without `dataRef` gets the source's Markdown back.
    """
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_read_code(child, data, path, record, source_codes))
        parts.append(child.tail or "")
    return "".join(parts)


def _read_code(
    child: etree._Element, data: dict[str, str], path: str,
    record: dict[tuple[str, str], str] | None, source_codes: dict[tuple[str, str], str] | None,
) -> str:  # fmt: skip
    tag = etree.QName(child).localname
    if tag == "cp":
        return _code_point(child, path)
    if tag in ("mrk",):
        return _read_inline(child, data, path, record, source_codes)
    if tag in ("sm", "em"):
        return ""
    ident = child.get("id") or child.get("startRef") or ""
    if tag == "pc":
        start = _original(child, "dataRefStart", ("pc<", ident), data, path, record, source_codes)
        inner = _read_inline(child, data, path, record, source_codes)
        return start + inner + _original(child, "dataRefEnd", ("pc>", ident), data, path, record, source_codes)
    return _original(child, "dataRef", (tag, ident), data, path, record, source_codes)


def _original(
    child: etree._Element, attribute: str, key: tuple[str, str], data: dict[str, str], path: str,
    record: dict[tuple[str, str], str] | None, source_codes: dict[tuple[str, str], str] | None,
) -> str:  # fmt: skip
    """The Markdown a code's `attribute` points to; failing that, the source code with the same id."""
    ref = child.get(attribute)
    if ref is not None and ref in data:
        text = data[ref]
    elif source_codes is not None and key in source_codes:
        text = source_codes[key]
    else:
        name = etree.QName(child).localname
        raise InputError(path, child.sourceline, f"inline code <{name} id={key[1]!r}> has no original data")
    if record is not None:
        record[key] = text
    return text


def _code_point(child: etree._Element, path: str) -> str:
    try:
        return chr(int(child.get("hex", ""), 16))
    except (ValueError, OverflowError):
        raise InputError(path, child.sourceline, f"bad code point <cp hex={child.get('hex')!r}>") from None

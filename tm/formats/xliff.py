"""Catalog ⇄ XLIFF 1.2 (`.xlf`), valid against the OASIS strict schema, with Markdown markup as inline codes.

One `<file>` per catalog: `original` is the page path, `target-language` the catalog locale, `datatype`
`x-markdown`. Each entry is a `<trans-unit>` whose `resname` is the pair id (the `id` is the same unless
that would repeat or be empty: then `tm-unit-N`, since the schema wants unique ids). Markup is protected with `<ph>` (code
spans, `<xref:…>`, entities, standalone HTML, docfx includes) and `<bpt>`/`<ept>` (a link's `[` and `](url)`,
paired HTML tags), each holding its original Markdown, so link text stays translatable and tools that
flatten the codes (translate-toolkit) still read the original string.

States, written and read back:

| entry                                  | `<target>`                                                    |
|----------------------------------------|---------------------------------------------------------------|
| reviewed (not fuzzy, target)           | `state="translated"` (or `final`/`signed-off`), `approved="yes"` on the unit |
| MT, not reviewed (fuzzy, target)       | `state="needs-translation" state-qualifier="mt-suggestion"`   |
| fuzzy with a previous source           | `state="needs-translation" state-qualifier="fuzzy-match"` + `<alt-trans alttranstype="previous-version">` holding the previous source |
| fuzzy without target                   | `state="needs-translation"`                                    |
| with offers (`tm.offers`)              | one `<alt-trans alttranstype="proposal" match-quality="87" origin="CATALOG">` each (the handoff's translation kept beside a person's: `origin="handoff"`), a `<note>` saying what of the markup differs |
| untranslated                           | `state="new"`, empty                                           |

A fuzzy target is `needs-translation`, the one state (with `new`, `needs-adaptation` and `needs-l10n`) that Poedit
shows as needing work rather than translated; translate-toolkit and Lokalize go by `approved`, absent then.
On reading, `translated`/`final`/`signed-off` mean reviewed and every `needs-*` state means fuzzy, so a
translator who sets `state="translated"` after editing gets a reviewed entry. Without a `state`, the unit's
`approved="yes"` decides. Translator comments are `<note from="translator">`, extracted comments
`<note from="developer">`, references `<context-group purpose="location">`. What XLIFF has no element for
(flags, previous id, obsolete) goes in `<context-group purpose="x-tm">` with `x-flag`, `x-previous-id` and
`x-obsolete` contexts; obsolete entries are also `translate="no"` so tools lock them. The PO header is kept
as `<note from="tm-header">Key: value</note>` in the file header (and a locale that is not an `xs:language`,
such as `fr_FR`, as `<note from="tm-locale">`).

Catalogs that are not a page's keep their gettext messages: an entry without `msgctxt` has an `x-no-context`
context, and a plural entry is a `<group restype="x-gettext-plurals">` of one unit per form, as
translate-toolkit's po2xliff writes them (tm adds `x-msgid-plural`, so one form is enough). po2xliff's header
unit (`restype="x-gettext-domain-header"`) is read as the catalog's header, not as an entry.

Characters XML 1.0 cannot hold are `<ph ctype="x-tm-char">` holding the code point in hex when they occur in
a source or target, and become U+FFFD in metadata (ids, comments, header), the one lossy case.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints

from tm._version import __version__
from tm.errors import InputError
from tm.formats.inline import INLINE_FORMS, Code, Token, check_inline, number_codes, plain, tokenize
from tm.formats.safexml import clean_metadata, encode, escape_attr, escape_text, parse, unit_ids
from tm.model import Catalog, Entry
from tm.offers import Candidate, candidates

__all__ = ["INLINE_FORMS", "NAME", "SOURCE_LANGUAGE", "SUFFIXES", "read", "write"]

NAME = "xliff"
SUFFIXES = (".xlf",)
SOURCE_LANGUAGE = "en-US"
NS = "urn:oasis:names:tc:xliff:document:1.2"
# Earlier versions differ in nothing this reader uses; translate-toolkit's po2xliff still writes 1.1.
_NAMESPACES = (NS, "urn:oasis:names:tc:xliff:document:1.1", "urn:oasis:names:tc:xliff:document:1.0", "")
REVIEWED_STATES = ("translated", "final", "signed-off")

_CTYPE = {
    "code": "x-code", "xref": "x-xref", "autolink": "x-autolink", "docfx": "x-docfx", "entity": "x-entity",
    "comment": "x-html-comment", "html": "x-html", "link": "link", "image": "x-image", "char": "x-tm-char",
}  # fmt: skip
_FUZZY_STATES = frozenset(
    ["needs-adaptation", "needs-l10n", "needs-review-adaptation", "needs-review-l10n", "needs-review-translation",
     "needs-translation"]
)  # fmt: skip


def write(catalog: Catalog, *, reviewed_state: str = "translated", inline: str = "tags") -> bytes:
    """The catalog as an XLIFF 1.2 document (UTF-8). `reviewed_state` may be "final" or "signed-off".

    `inline="tags"` writes Markdown markup as `<ph>`/`<bpt>`/`<ept>` codes, which CAT tools (OmegaT, Trados) lock;
    `"text"` as text, which Poedit and Lokalize show as the Markdown itself (they show such codes as raw XML).
    """
    if reviewed_state not in REVIEWED_STATES:
        raise ValueError(f"reviewed_state must be one of {REVIEWED_STATES}, not {reviewed_state!r}")
    check_inline(inline)
    data = encode("".join(_document(catalog, reviewed_state, inline)))
    if data is None:  # rare: a control character in metadata (segment texts encode them as codes)
        cleaned = clean_metadata(catalog, previous_source=False)
        data = "".join(_document(cleaned, reviewed_state, inline)).encode("utf-8")
    return data


def _document(catalog: Catalog, reviewed_state: str, inline: str) -> Iterator[str]:
    target_language = f' target-language="{escape_attr(catalog.locale)}"' if _is_language(catalog.locale) else ""
    yield (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="{NS}" version="1.2">\n'
        f'<file original="{escape_attr(catalog.page)}" source-language="{SOURCE_LANGUAGE}"{target_language}'
        f' datatype="x-markdown">\n<header>\n'
        f'<tool tool-id="tm" tool-name="tm" tool-version="{escape_attr(__version__)}"/>\n'
    )
    for key, value in catalog.header.items():
        yield f'<note from="tm-header">{escape_text(f"{key}: {value}")}</note>\n'
    for comment in catalog.header_comments:
        yield f'<note from="tm-header-comment">{escape_text(comment)}</note>\n'
    if catalog.locale and not target_language:
        yield f'<note from="tm-locale">{escape_text(catalog.locale)}</note>\n'  # not an xs:language: kept as is
    yield "</header>\n<body>\n"
    ids = unit_ids([entry.id for entry in catalog.entries], valid=bool)
    for entry, unit_id in zip(catalog.entries, ids):
        yield _unit(entry, unit_id, reviewed_state, inline) if entry.plural_source is None else _plurals(
            entry, unit_id, reviewed_state, inline)
    yield "</body>\n</file>\n</xliff>\n"


def _is_language(tag: str) -> bool:
    """True for values the schema's `xs:language` accepts (`fr-FR`, not `fr_FR` or "")."""
    parts = tag.split("-")
    return bool(tag) and all(0 < len(p) <= 8 and p.isascii() and p.isalnum() for p in parts) and parts[0].isalpha()


def _unit(entry: Entry, unit_id: str, reviewed_state: str, inline: str) -> str:
    """One `<trans-unit>`; its parts follow the schema's order (source, target, then context/notes/alt-trans)."""
    source_xml, target_xml = _segment_pair(entry.source, entry.target, inline)
    state, qualifier = _state(entry, reviewed_state)
    approved = ' approved="yes"' if entry.target and not entry.fuzzy else ""
    translate = ' translate="no"' if entry.obsolete else ""
    qualifier_attr = f' state-qualifier="{qualifier}"' if qualifier else ""
    unit = (
        f'<trans-unit id="{escape_attr(unit_id)}" resname="{escape_attr(entry.id)}" xml:space="preserve"'
        f"{approved}{translate}>\n<source>{source_xml}</source>\n"
        f'<target state="{state}"{qualifier_attr}>{target_xml}</target>\n'
    )
    if entry.previous_source is not None:
        previous_xml, old_target_xml = _segment_pair(entry.previous_source, entry.target, inline)
        unit += (
            f'<alt-trans alttranstype="previous-version">\n<source>{previous_xml}</source>\n'
            f"<target>{old_target_xml}</target>\n</alt-trans>\n"
        )
    if entry.notes:
        unit += "".join(_alt_trans(offer, inline) for offer in candidates(entry))
    for reference in entry.references:
        unit += _location(reference)
    if entry.flags or entry.previous_id is not None or entry.obsolete or not entry.has_context or entry.plural:
        unit += _tm_contexts(entry)
    for comment in entry.comments:
        unit += f'<note from="translator">{escape_text(comment)}</note>\n'
    for note in entry.notes:
        unit += f'<note from="developer">{escape_text(note)}</note>\n'
    return unit + "</trans-unit>\n"


def _plurals(entry: Entry, unit_id: str, reviewed_state: str, inline: str) -> str:
    """A plural entry as po2xliff writes one: a group with a unit per form (`id[0]`, `id[1]`, …), the first with
    the msgid and the entry's locations and notes, the others with the msgid_plural."""
    forms = (entry.target, *entry.plural_targets)
    units = [_unit(entry, f"{unit_id}[0]", reviewed_state, inline)]
    bare = Entry(entry.id, entry.plural_source or "", fuzzy=entry.fuzzy, obsolete=entry.obsolete)
    for n, form in enumerate(forms[1:], 1):
        bare.target = form
        units.append(_unit(bare, f"{unit_id}[{n}]", reviewed_state, inline))
    return (f'<group id="{escape_attr(unit_id)}" resname="{escape_attr(entry.id)}" restype="{_GETTEXT_PLURALS}">\n'
            + "".join(units) + "</group>\n")


def _alt_trans(offer: Candidate, inline: str) -> str:
    """An offer (`tm.offers`) as a proposal: similarity in percent, the catalog (or "handoff") as its origin,
    and a note saying what of its markup differs from the unit's source."""
    source_xml, target_xml = _segment_pair(offer.source, offer.target, inline)
    origin = offer.where if offer.origin != "handoff" else "handoff"
    note = f"<note>{escape_text(offer.differs)} differ</note>\n" if offer.differs else ""
    return (f'<alt-trans match-quality="{round(offer.score * 100)}" origin="{escape_attr(origin)}" '
            f'alttranstype="proposal">\n<source>{source_xml}</source>\n<target>{target_xml}</target>\n{note}'
            "</alt-trans>\n")


def _state(entry: Entry, reviewed_state: str) -> tuple[str, str]:
    """(state, state-qualifier) for an entry; see the table in the module docstring."""
    if not entry.fuzzy:
        return (reviewed_state, "") if entry.target else ("new", "")
    if not entry.target:
        return "needs-translation", ""
    # Not `needs-review-translation`: Poedit counts a unit in that state as translated (127 of 127 MT units).
    return "needs-translation", "fuzzy-match" if entry.previous_source is not None else "mt-suggestion"


def _segment_pair(source: str, target: str, inline: str = "tags") -> tuple[str, str]:
    """Source and target as XLIFF inline content, with code ids shared between them (with `inline="text"`, only
    characters XML cannot hold are codes)."""
    if plain(source) and plain(target):
        return escape_text(source), escape_text(target)
    if inline == "text":
        return _text(source), _text(target)
    source_tokens, target_tokens = tokenize(source), tokenize(target)
    source_ids, target_ids = number_codes(source_tokens, target_tokens)
    return _inline(source_tokens, source_ids), _inline(target_tokens, target_ids)


def _text(text: str) -> str:
    """Markdown as text; a character XML cannot hold is `<ph ctype="x-tm-char">` (numbered by its place)."""
    tokens = tokenize(text)
    return "".join(
        f'<ph id="c{n}" ctype="x-tm-char">{ord(token.text):04X}</ph>'
        if isinstance(token, Code) and token.kind == "char" else escape_text(token.text)
        for n, token in enumerate(tokens)
    )


def _tm_contexts(entry: Entry) -> str:
    """tm's own fields (flags, previous id, obsolete; no msgctxt, msgid_plural and its previous text for a PO
    catalog's entries) as an `x-tm` context group."""
    contexts = [_context("x-flag", flag) for flag in entry.flags]
    if entry.previous_id is not None:
        contexts.append(_context("x-previous-id", entry.previous_id))
    if not entry.has_context:
        contexts.append(_context("x-no-context", "yes"))
    if entry.plural_source is not None:
        contexts.append(_context("x-msgid-plural", entry.plural_source))
    if entry.previous_plural_source is not None:
        contexts.append(_context("x-previous-msgid-plural", entry.previous_plural_source))
    if entry.obsolete:
        contexts.append(_context("x-obsolete", "yes"))
    return f'<context-group purpose="x-tm">{"".join(contexts)}</context-group>\n'


def _location(reference: str) -> str:
    """`core/index.md:12` → sourcefile + linenumber contexts (a reference without a line keeps only the file)."""
    path, _, line = reference.rpartition(":")
    if path and line.isdigit() and line.isascii():
        return (
            f'<context-group purpose="location"><context context-type="sourcefile">{escape_text(path)}</context>'
            f'<context context-type="linenumber">{line}</context></context-group>\n'
        )
    return f'<context-group purpose="location">{_context("sourcefile", reference)}</context-group>\n'


def _context(context_type: str, value: str) -> str:
    return f'<context context-type="{context_type}">{escape_text(value)}</context>'


def _inline(tokens: list[Token], ids: list[int]) -> str:
    """Text escaped; codes as `<ph>`, `<bpt>`, `<ept>` holding their Markdown (`x-tm-char` holds a hex code point)."""
    out = []
    for token, ident in zip(tokens, ids):
        if not isinstance(token, Code):
            out.append(escape_text(token.text))
        elif token.kind == "char":
            out.append(f'<ph id="{ident}" ctype="x-tm-char">{ord(token.text):04X}</ph>')
        elif token.role == "ph":
            out.append(f'<ph id="{ident}" ctype="{_CTYPE[token.kind]}">{escape_text(token.text)}</ph>')
        elif token.role == "open":
            out.append(f'<bpt id="{ident}" ctype="{_CTYPE[token.kind]}">{escape_text(token.text)}</bpt>')
        else:
            out.append(f'<ept id="{ident}">{escape_text(token.text)}</ept>')
    return "".join(out)


# Reading.


def read(data: bytes, *, path: str) -> Catalog:
    """An XLIFF 1.2 (or 1.1/1.0) document as one catalog; several `<file>`s are concatenated in order."""
    root = parse(data, path=path)
    ns = _namespace(root, path)
    catalog = Catalog()
    for index, file in enumerate(root.iter(f"{ns}file")):
        if index == 0:
            catalog.page = file.get("original", "")
            catalog.locale = file.get("target-language", "")
            _read_header(file.find(f"{ns}header"), ns, catalog)
        for unit in file.iter(f"{ns}trans-unit"):
            group = unit.getparent()
            if unit.get("restype") == _GETTEXT_HEADER:
                _read_gettext_header(unit, ns, catalog)
            elif group is not None and group.get("restype") == _GETTEXT_PLURALS:
                if unit is group.find(f"{ns}trans-unit"):
                    catalog.entries.append(_read_plurals(group, ns, path))
            else:
                catalog.entries.append(_read_unit(unit, ns, path))
    return catalog


# How translate-toolkit's po2xliff writes the PO header and a plural entry (a group of one unit per form).
_GETTEXT_HEADER = "x-gettext-domain-header"
_GETTEXT_PLURALS = "x-gettext-plurals"


def _read_gettext_header(unit: etree._Element, ns: str, catalog: Catalog) -> None:
    """The PO header po2xliff wrote as a unit: its fields (unless tm's own header notes gave them) and comments."""
    if not catalog.header:
        text = unit.findtext(f"{ns}target") or unit.findtext(f"{ns}source") or ""
        for line in text.split("\n"):
            key, sep, value = line.partition(":")
            if sep and key.strip():
                catalog.header[key.strip()] = value.strip()
    if not catalog.header_comments:
        comments = [note.text or "" for note in unit.iter(f"{ns}note") if note.get("from") != "developer"]
        catalog.header_comments = tuple(line for c in comments for line in c.removesuffix("\n").split("\n"))


def _read_plurals(group: etree._Element, ns: str, path: str) -> Entry:
    """One plural entry from a group of units, one per form: the first unit's source is the msgid, the second's
    the msgid_plural; the group's id, locations and notes are the entry's."""
    forms = [_read_unit(unit, ns, path) for unit in group.iterfind(f"{ns}trans-unit")]
    entry = forms[0]
    entry.id = group.get("resname", group.get("id", entry.id.partition("[")[0]))
    if entry.plural_source is None:  # tm writes it in the first unit, po2xliff as the second unit's source
        entry.plural_source = forms[1].source if len(forms) > 1 else entry.source
    entry.plural_targets = tuple(form.target for form in forms[1:])
    entry.fuzzy = any(form.fuzzy for form in forms)
    entry.line = group.sourceline or entry.line
    for child in group:
        if child.tag != f"{ns}trans-unit":
            _read_unit_child(child, ns, path, entry)
    return entry


def _namespace(root: etree._Element, path: str) -> str:
    """`{urn:…:1.2}` (the Clark prefix of the document's tags), after checking the root is `<xliff>`."""
    qname = etree.QName(root)
    if qname.localname != "xliff" or (qname.namespace or "") not in _NAMESPACES:
        raise InputError(path, root.sourceline, f"not an XLIFF 1.x document (root element is {root.tag!r})")
    return f"{{{qname.namespace}}}" if qname.namespace else ""


def _read_header(header: etree._Element | None, ns: str, catalog: Catalog) -> None:
    if header is None:
        return
    comments = []
    for note in header.iter(f"{ns}note"):
        text = note.text or ""
        if note.get("from") == "tm-header":
            key, _, value = text.partition(": ")
            catalog.header[key] = value
        elif note.get("from") == "tm-header-comment":
            comments.append(text)
        elif note.get("from") == "tm-locale":
            catalog.locale = text
    catalog.header_comments = tuple(comments)


def _read_unit(unit: etree._Element, ns: str, path: str) -> Entry:
    line = unit.sourceline or 0
    source_el = unit.find(f"{ns}source")
    if source_el is None:
        raise InputError(path, line, "<trans-unit> without <source>")
    codes: dict[tuple[str, str], str] = {}
    entry = Entry(id=unit.get("resname", unit.get("id", "")), source=_read_inline(source_el, path, codes, None))
    entry.line = line
    target_el = unit.find(f"{ns}target")
    entry.target = "" if target_el is None else _read_inline(target_el, path, None, codes)
    entry.fuzzy = _read_fuzzy(unit, target_el, entry.target)
    for child in unit:
        _read_unit_child(child, ns, path, entry)
    return entry


def _read_fuzzy(unit: etree._Element, target_el: etree._Element | None, target: str) -> bool:
    """A `needs-*` state is fuzzy, a reviewed state is not; `new` with text and no state fall back to approval."""
    state = None if target_el is None else target_el.get("state")
    if state in REVIEWED_STATES:
        return False
    if state in _FUZZY_STATES:
        return True
    if state == "new" and not target:
        return False
    return bool(target) and unit.get("approved") != "yes"


def _read_unit_child(child: etree._Element, ns: str, path: str, entry: Entry) -> None:
    """Fold one of alt-trans, context-group or note into `entry`."""
    if child.tag == f"{ns}alt-trans" and child.get("alttranstype") == "previous-version":
        source = child.find(f"{ns}source")
        if source is not None:
            entry.previous_source = _read_inline(source, path, {}, None)
    elif child.tag == f"{ns}context-group":
        _read_context_group(child, ns, entry)
    elif child.tag == f"{ns}note":
        if child.get("from") == "developer":
            entry.notes += (child.text or "",)
        else:
            entry.comments += (child.text or "",)


def _read_context_group(group: etree._Element, ns: str, entry: Entry) -> None:
    contexts = [(c.get("context-type", ""), c.text or "") for c in group.iter(f"{ns}context")]
    purposes = (group.get("purpose") or "").split()
    if "x-tm" in purposes:
        for kind, value in contexts:
            if kind == "x-flag":
                entry.flags += (value,)
            elif kind == "x-previous-id":
                entry.previous_id = value
            elif kind == "x-obsolete":
                entry.obsolete = value == "yes"
            elif kind == "x-no-context":
                entry.has_context = value != "yes"
            elif kind == "x-msgid-plural":
                entry.plural_source = value
            elif kind == "x-previous-msgid-plural":
                entry.previous_plural_source = value
    elif "location" in purposes:
        files = [value for kind, value in contexts if kind == "sourcefile"]
        lines = [value for kind, value in contexts if kind == "linenumber"]
        if files:
            entry.references += (f"{files[0]}:{lines[0]}" if lines else files[0],)


def _read_inline(
    element: etree._Element, path: str, record: dict[tuple[str, str], str] | None,
    source_codes: dict[tuple[str, str], str] | None,
) -> str:  # fmt: skip
    """The Markdown of a `<source>`/`<target>`: text plus each code's original text.

    Codes of the source are recorded by (element, id) so a target code written without content (`<x/>`,
    `<g>`, an empty `<ph/>`, as some tools write) gets the source's Markdown back.
    """
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_read_code(child, path, record, source_codes))
        parts.append(child.tail or "")
    return "".join(parts)


def _read_code(
    child: etree._Element, path: str, record: dict[tuple[str, str], str] | None,
    source_codes: dict[tuple[str, str], str] | None,
) -> str:  # fmt: skip
    tag = etree.QName(child).localname
    ident = child.get("id", "")
    if tag in ("mrk", "sub"):
        return _read_inline(child, path, record, source_codes)
    if tag == "g":
        inner = _read_inline(child, path, record, source_codes)
        return (
            _lookup("bpt", ident, child, path, source_codes) + inner + _lookup("ept", ident, child, path, source_codes)
        )
    if tag in ("x", "bx", "ex"):
        return _lookup({"x": "ph", "bx": "bpt", "ex": "ept"}[tag], ident, child, path, source_codes)
    text = "".join(child.itertext())
    if child.get("ctype") == "x-tm-char":
        text = _code_point(text, child, path)
    if not text and source_codes is not None:
        text = _lookup(tag, ident, child, path, source_codes)
    if record is not None:
        record[(tag, ident)] = text
    return text


def _code_point(hex_digits: str, child: etree._Element, path: str) -> str:
    try:
        return chr(int(hex_digits, 16))
    except (ValueError, OverflowError):
        raise InputError(path, child.sourceline, f"bad code point {hex_digits!r} in an x-tm-char code") from None


def _lookup(tag: str, ident: str, child: etree._Element, path: str, codes: dict[tuple[str, str], str] | None) -> str:
    """The source's Markdown for a target code that carries none; an error if the source has no such code."""
    if codes is not None and (tag, ident) in codes:
        return codes[(tag, ident)]
    raise InputError(path, child.sourceline, f"inline code <{etree.QName(child).localname} id={ident!r}> has no text")

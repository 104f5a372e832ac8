"""The general PO reader: any file gettext reads, one line at a time, with the line of the first error.

`tm.formats.po` uses it for what `po_read.tokenize` does not take: catalogs wrapped by an editor or by
`msgcat`, plural entries, `#=` flags, obsolete previous fields, comments in another order. Why not polib
is in `tm.formats.po`'s docstring.
"""

from __future__ import annotations

import re

from tm.errors import InputError
from tm.formats.po_read import ESCAPED, UNESCAPES, previous_source, set_header_fields
from tm.model import Catalog, Entry

_PLURAL_FORM = re.compile(r"msgstr\[[0-9]+\]")


class _Builder:
    """Collects the fields of the entry being read; `finish()` turns them into an `Entry`."""

    __slots__ = ("comments", "current", "fields", "flags", "indexed", "keyword_line", "line", "notes", "obsolete",
                 "references")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.comments: list[str] = []
        self.notes: list[str] = []
        self.references: list[str] = []
        self.flags: list[str] = []
        self.fields: dict[str, list[str]] = {}
        self.current: list[str] | None = None
        self.obsolete = False
        self.indexed = False  # a `msgstr[n]` keyword was read (stored as "msgstr" for n = 0)
        self.line = 0
        self.keyword_line = 0

    @property
    def has_message(self) -> bool:
        return any(not key.startswith("previous_") for key in self.fields)

    @property
    def empty(self) -> bool:
        return not (self.fields or self.comments or self.notes or self.references or self.flags)


def read_lines(text: str, path: str) -> Catalog:
    """The general reader: any valid PO, one line at a time, with the line of the first syntax error."""
    catalog = Catalog()
    builder = _Builder()
    lines = text.split("\n")
    for number, raw in enumerate(lines, 1):
        line = raw.removesuffix("\r")
        if not line.strip():
            if builder.fields:
                _finish(builder, catalog, path)
            continue
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].lstrip()
            if not line:
                continue
            if line.startswith("|"):
                line = "#" + line
        if line[0] == "#":
            _comment(builder, catalog, line, number, path, obsolete)
        elif line[0] == '"':
            if builder.current is None:
                raise InputError(path, number, "string continuation without a keyword")
            builder.current.append(_string(line, number, path))
        else:
            _keyword(builder, catalog, line, number, path, obsolete)
    if builder.fields:
        _finish(builder, catalog, path)
    elif not builder.empty:
        raise InputError(path, len(lines), "comments after the last entry")
    return catalog


def _comment(builder: _Builder, catalog: Catalog, line: str, number: int, path: str, obsolete: bool) -> None:
    if builder.has_message and not (line.startswith("#|") and "msgstr" not in builder.fields):
        _finish(builder, catalog, path)
    if builder.empty:
        builder.line = number
    kind = line[1:2]
    body = line[2:].strip() if kind in ".:,=|" else line[1:].removeprefix(" ")
    if kind == ".":
        builder.notes.append(line[3:] if line.startswith("#. ") else line[2:])
    elif kind == ":":
        builder.references.extend(body.split())
    elif kind in (",", "="):  # `#=`: gettext's sticky flags (0.26), read as flags
        builder.flags.extend(f.strip() for f in body.split(",") if f.strip())
    elif kind == "|" and body.startswith('"'):
        if builder.current is None:
            raise InputError(path, number, "string continuation without a keyword")
        builder.current.append(_string(body, number, path))
    elif kind == "|":
        _keyword(builder, catalog, body, number, path, obsolete, previous=True)
    else:
        builder.comments.append(body)
    builder.obsolete = builder.obsolete or obsolete


def _keyword(
    builder: _Builder, catalog: Catalog, line: str, number: int, path: str, obsolete: bool, *, previous: bool = False
) -> None:
    keyword, _, rest = line.partition(" ")
    rest = rest.lstrip()
    if not rest.startswith('"'):
        raise InputError(path, number, f"expected a quoted string after {keyword!r}")
    name = keyword
    if keyword.startswith("msgstr["):
        if _PLURAL_FORM.fullmatch(keyword) is None:
            raise InputError(path, number, f"unknown keyword {keyword!r}")
        name = "msgstr" if keyword == "msgstr[0]" else keyword
        builder.indexed = not previous
    elif keyword not in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
        raise InputError(path, number, f"unknown keyword {keyword!r}")
    if previous:
        name = "previous_" + name
    elif name == "msgid_plural" and ("msgid" not in builder.fields or "msgstr" in builder.fields):
        raise InputError(path, number, "msgid_plural not right after msgid")
    elif name in ("msgctxt", "msgid") and "msgstr" in builder.fields:
        _finish(builder, catalog, path)
    elif name in ("msgctxt", "msgid") and "msgid" in builder.fields:
        raise InputError(path, builder.keyword_line, "msgid without msgstr")
    if builder.empty:
        builder.line = number
    if name == "msgid":
        builder.keyword_line = number
    if name in builder.fields:
        raise InputError(path, number, f"duplicate {keyword}")
    builder.obsolete = builder.obsolete or obsolete
    builder.current = builder.fields[name] = [_string(rest, number, path)]


def _string(token: str, number: int, path: str) -> str:
    token = token.rstrip()
    if len(token) < 2 or not token.endswith('"') or token.endswith('\\"') and not token.endswith('\\\\"'):
        raise InputError(path, number, "unterminated string")
    body = token[1:-1]
    if "\\" in body:
        return ESCAPED.sub(lambda m: UNESCAPES.get(m.group(1), m.group(0)), body)
    if '"' in body:
        raise InputError(path, number, "unescaped quote in string")
    return body


def _finish(builder: _Builder, catalog: Catalog, path: str) -> None:
    fields = {k: "".join(v) for k, v in builder.fields.items()}
    if "msgid" not in fields:
        raise InputError(path, builder.line, "entry without msgid")
    if "msgstr" not in fields:
        raise InputError(path, builder.keyword_line or builder.line, "msgid without msgstr")
    msgid = fields["msgid"]
    plural_targets = _plural_targets(builder, fields, path)
    if msgid == "" and "msgctxt" not in fields and not builder.obsolete and not catalog.header:
        set_header_fields(catalog, fields["msgstr"], builder.comments)
        catalog.header_flags = tuple(builder.flags)
    else:
        flags = tuple(dict.fromkeys(f for f in builder.flags if f != "fuzzy"))  # once, if in `#,` and `#=`
        catalog.entries.append(
            Entry(
                id=fields.get("msgctxt", ""),
                source=msgid,
                target=fields["msgstr"],
                fuzzy="fuzzy" in builder.flags,
                flags=flags,
                previous_source=previous_source(fields.get("previous_msgid"), "previous_msgctxt" in fields, msgid),
                previous_id=fields.get("previous_msgctxt"),
                comments=tuple(builder.comments),
                notes=tuple(builder.notes),
                references=tuple(builder.references),
                obsolete=builder.obsolete,
                line=builder.keyword_line or builder.line,
                has_context="msgctxt" in fields,
                plural_source=fields.get("msgid_plural"),
                plural_targets=plural_targets,
                previous_plural_source=fields.get("previous_msgid_plural"),
            )
        )
    builder.reset()


def _plural_targets(builder: _Builder, fields: dict[str, str], path: str) -> tuple[str, ...]:
    """`msgstr[1]`, `msgstr[2]`, … of a plural entry (in order, none missing); a mismatch is an `InputError`."""
    line = builder.keyword_line or builder.line
    if "msgid_plural" not in fields:
        if builder.indexed:
            raise InputError(path, line, "msgstr[n] without msgid_plural")
        return ()
    if not builder.indexed:
        raise InputError(path, line, "msgid_plural without msgstr[n]")
    forms = [key for key in fields if key.startswith("msgstr[")]
    targets = tuple(fields.get(f"msgstr[{n}]") for n in range(1, len(forms) + 1))
    if None in targets:
        raise InputError(path, line, "plural forms msgstr[n] not numbered 0, 1, 2, …")
    return targets  # type: ignore[return-value]



"""Catalog ⇄ PO (gettext), the format translators review in Poedit, Lokalize and Weblate.

polib is the reference implementation: tests prove that what `write` produces polib reads back to the same
entries (and `msgfmt -c` accepts), and that `read` sees what polib sees. The hot paths are our own because
polib spends most of a handoff's time wrapping lines on save and is 5-10x slower to parse; a full handoff is
~12,500 catalogs. Lines are not wrapped (like `msgcat --no-wrap`): one segment is one line, so a reviewed
change is a one-line git diff; strings holding newlines are split after each `\\n`, as gettext does.

Catalogs other tools write keep their messages: no `msgctxt` where there was none, plural entries with all
their forms, and the charset the header declares (see `write`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tm.errors import InputError
from tm.model import NOTE_PREFIX, VENDOR_MARK, Catalog, Entry, EntryText, LazyCatalog, canonical_locale, entry_texts

NAME = "po"
SUFFIXES = (".po", ".pot")

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\v": "\\v", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'[\\"\n\t\r\v\b\f]')
_UNESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", "a": "\a", "\\": "\\", '"': '"'}
_ESCAPED = re.compile(r"\\(.)")
_PLURAL_FORM = re.compile(r"msgstr\[[0-9]+\]")
_CHARSET = re.compile(r"charset=([^\s;]*)")


# ---------------------------------------------------------------- writing


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
        if entry.previous_source is not None:
            out += _field(previous + "msgid", entry.previous_source, previous)
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

    Eight `in` tests: each is a C loop over the string, and together they take less than half the time of a
    regex search or of `str.isprintable` (which looks every character up in the Unicode tables).
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


# ---------------------------------------------------------------- reading


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


def read(data: bytes, *, path: str, reviewed_only: bool = False, comments: bool = True, header: bool = True
         ) -> Catalog:
    """Parse PO bytes; a syntax error raises `InputError` with the file's line number.

    The text is decoded in the charset the header declares. Files laid out as gettext and `tm` write them
    take a fast path, a regex per entry; anything else (wrapped comments, unusual order, obsolete entries,
    plural entries, syntax errors) is read line by line with exact error lines: the fast readers know no
    plural grammar, so a catalog with plural entries always takes the line reader.

    `reviewed_only` keeps only reviewed entries (what `tm merge` applies); the whole file is still checked,
    but most entries of a machine-translated handoff are never built. `comments=False` leaves out comments,
    extracted comments and references, for readers that look only at texts and states (check, stats).
    `header=False` says the caller does not need the header: a checked file whose entries are all fuzzy
    is then not decoded at all.
    """
    # Once one regex call has checked the whole file, the fuzzy entries merge skips need not be built.
    skip_fuzzy = reviewed_only and b"#~" not in data and _CANONICAL.fullmatch(data.removeprefix(BOM)) is not None
    if skip_fuzzy:
        data = _unless_all_fuzzy(data.removeprefix(BOM))
        if not header and _is_header(data):
            return Catalog()
    text = _decode(data, path)
    catalog = (
        (None if skip_fuzzy or "#~" in text else _read_stream(text, comments=comments, header=header))
        or _read_fast(text, reviewed_only=reviewed_only, comments=comments, header=header, skip_fuzzy=skip_fuzzy)
        or _read_lines(text, path)
    )
    if reviewed_only:
        catalog.entries = [e for e in catalog.entries if e.reviewed]
    return catalog


_STR = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'  # a PO string: quotes inside it escaped


def _entry_pattern(string: str) -> str:
    """An entry of the canonical layout, with `string` as the pattern of one PO string."""
    return (r"(?P<tc>(?:#(?: [^\n]*)?\n)*)"
            r"(?P<notes>(?:#\.[^\n]*\n)*)"
            r"(?P<refs>(?:#:[^\n]*\n)*)"
            r"(?P<flags>#,[^\n]*\n)?"
            rf"(?:#\| msgctxt (?P<pctxt>{string}(?:\n#\| {string})*)\n)?"
            rf"(?:#\| msgid (?P<pid>{string}(?:\n#\| {string})*)\n)?"
            rf"(?:msgctxt (?P<ctxt>{string}(?:\n{string})*)\n)?"
            rf"msgid (?P<id>{string}(?:\n{string})*)\n"
            rf"msgstr (?P<str>{string}(?:\n{string})*)(?:\n|\Z)")


_FAST_ENTRY = re.compile(_entry_pattern(_STR))
# The same with a string taken from quote to quote (`"[^\n]*"`): twice as quick to match, for `read_texts` and
# `read_lazy`, which check every string of an entry: `_checked_join` tells a PO string by its text (no quote,
# no backslash inside) or matches it strictly (`_STRINGS`), as `_check_strings` does for the strings not joined.
_LOOSE_ENTRY = re.compile(_entry_pattern(r'"[^\n]*"'))
_STRINGS = re.compile(rf"{_STR}(?:\n(?:#\| )?{_STR})*")
_PREVIOUS_CONT = re.compile(r'"\n#\| "')
_NEWLINES = re.compile(r"\n+")
# A whole file of canonical entries, checked in one regex call on its bytes (no groups: nothing is built).
_CANONICAL = re.compile(rb"\n*(?:" + re.sub(r"\(\?P<\w+>", "(?:", _FAST_ENTRY.pattern).encode() + rb"\n*)*")
BOM = b"\xef\xbb\xbf"


def _read_fast(text: str, *, reviewed_only: bool = False, comments: bool = True, header: bool = True,
               skip_fuzzy: bool = False) -> Catalog | None:
    """The catalog if every entry has the canonical layout, else None (the caller reads line by line).

    `skip_fuzzy` (only for text `_CANONICAL` accepted) passes over `#, fuzzy` entries after the header
    with a few string searches instead of the entry regex.
    """
    catalog = Catalog()
    match_entry = _FAST_ENTRY.match
    pos = 0
    end = len(text)
    line = 1
    first = True
    while pos < end:
        if text.startswith("\n", pos):
            blank_end = _NEWLINES.match(text, pos).end()  # type: ignore[union-attr]
            line += blank_end - pos
            pos = blank_end
        if pos >= end:
            break
        if skip_fuzzy and not first:
            fuzzy_end = _fuzzy_entry_end(text, pos)
            if fuzzy_end:
                line += text.count("\n", pos, fuzzy_end)
                pos = fuzzy_end
                continue
        match = match_entry(text, pos)
        obsolete = False
        if match is not None:
            block, block_end = text, match.end()
            block_lines = text.count("\n", pos, block_end)
            next_pos = block_end
        else:
            found = _obsolete_block(text, pos)
            if found is None:
                return None
            match, next_pos = found
            obsolete = True
            block, block_end = match.string, match.end()
            block_lines = block.count("\n", 0, block_end)
        flags, msgid, msgstr = match.group("flags", "id", "str")
        last_line = line + block_lines - (block[block_end - 1] == "\n")
        msgid_line = last_line - msgstr.count("\n") - 1 - msgid.count("\n")
        line += block_lines
        pos = next_pos
        if reviewed_only and flags == "#, fuzzy\n" and not first:
            continue
        if not _add_entry(catalog, match.groups(), msgid_line, first=first, comments=comments, header=header,
                          obsolete=obsolete):
            return None
        first = False
    return catalog


class _NotCanonical(Exception):
    """Raised by `_stream` when the file is not a run of canonical active entries."""


def _stream(text: str, entry: re.Pattern[str] = _FAST_ENTRY) -> Iterator[tuple[re.Match[str], int]]:
    """Each `_FAST_ENTRY` (or `entry`) match of a file of canonical active entries, with the line of its `msgid`.

    Raises `_NotCanonical` when anything but blank lines sits between the entries (obsolete entries, other
    layouts, errors): the readers then fall back to `_read_fast` and the line reader.
    """
    pos = 0
    line = 1
    count = text.count
    for match in entry.finditer(text):
        start = match.start()
        if start != pos:
            blank = count("\n", pos, start)
            if blank != start - pos:
                raise _NotCanonical
            line += blank
        id_start = match.start("id")
        msgid_line = line + count("\n", start, id_start)
        pos = match.end()
        line = msgid_line + count("\n", id_start, pos)
        yield match, msgid_line
    if count("\n", pos) != len(text) - pos:
        raise _NotCanonical


def _read_stream(text: str, *, comments: bool = True, header: bool = True) -> Catalog | None:
    """The quickest reader: one `finditer` over a file of canonical active entries, as `tm` writes them;
    None for any other file."""
    catalog = Catalog()
    first = True
    try:
        for match, line in _stream(text):
            if not _add_entry(catalog, match.groups(), line, first=first, comments=comments, header=header):
                return None
            first = False
    except _NotCanonical:
        return None
    return catalog


def read_texts(data: bytes, *, path: str) -> list[EntryText]:
    """`(id, source, target, fuzzy, line)` of every active entry, as `read` would give them.

    For `tm check`, which looks at nothing else: on a file `tm` wrote, no `Entry` is built (building them
    was a quarter of reading a handoff's catalogs). Other files go through `read`.
    """
    text = _decode(data, path)
    if "#~" not in text:
        texts = _stream_texts(text)
        if texts is not None:
            return texts
    return entry_texts(read(data, path=path, comments=False, header=False).entries)


def read_lazy(data: bytes, *, path: str) -> LazyCatalog:
    """`read`, for `tm update`: the entries are built only when asked for (see `LazyCatalog`).

    On a file `tm` wrote, each entry's source and whether it is plain machine translation come from the
    `_stream` matches; other files are read in full.
    """
    text = _decode(data, path)
    if "#~" not in text:
        lazy = _stream_lazy(text)
        if lazy is not None:
            return lazy
    return LazyCatalog.of(read(data, path=path))


def _stream_lazy(text: str) -> LazyCatalog | None:
    """`read_lazy` of a file of canonical active entries; None for any other file.

    `_stream`'s checks in one loop over the matches, without its generator and its line counts: an update
    builds few entries, so their lines are counted when the first is built (a tenth of reading a handoff).
    """
    head = Catalog()
    found: list[re.Match[str]] = []
    sources: list[str] = []
    plain: list[bool] = []
    reviewed: dict[int, str] = {}
    targets: list[str] = []
    join, count = _checked_join, text.count
    matches = _LOOSE_ENTRY.finditer(text)
    pos = 0
    try:
        first = next(matches, None)
        if first is not None:  # the header, or an entry: as `_add_entry` judges it (matched strictly)
            pos = first.start()
            if count("\n", 0, pos) != pos:  # only blank lines before it
                raise _NotCanonical
            strict = _strictly(text, first)
            if not _add_entry(head, strict.groups(), 1 + count("\n", 0, strict.start("id")), first=True):
                return None
            if head.entries:
                alone = LazyCatalog.of(Catalog([head.entries.pop()]))  # the same judgement on a built entry
                found.append(strict)
                sources += alone.sources
                plain += alone.plain
                reviewed.update(alone.reviewed)
                targets += alone.targets
            pos = first.end()
        for match in matches:
            start = match.start()
            if start != pos and count("\n", pos, start) != start - pos:  # only blank lines between entries
                raise _NotCanonical
            pos = match.end()
            tc, notes, _, flags, pctxt, pid, ctxt, msgid, msgstr = match.groups()
            if pid is not None or pctxt is not None or ctxt is None:
                _check_strings(pctxt, pid, ctxt)
            elif '"' in ctxt[1:-1] or "\\" in ctxt:  # a one-line string without quote or backslash inside is one
                join(ctxt)
            target = msgstr[1:-1]  # `_checked_join`, inline for the usual one-line string
            if '"' in target or "\\" in target:
                target = join(msgstr)
            source = msgid[1:-1]
            if '"' in source or "\\" in source:
                source = join(msgid)
            found.append(match)
            sources.append(source)
            targets.append(target)
            plain.append(not tc and (flags == "#, fuzzy\n" or flags is None and not target)
                         and NOTE_PREFIX not in notes)
            if flags is None and not tc and target and NOTE_PREFIX not in notes:
                reviewed[len(found) - 1] = target
        if count("\n", pos) != len(text) - pos:
            raise _NotCanonical
    except _NotCanonical:
        return None
    lines: list[int] = []

    def build(i: int) -> Entry:
        if not lines:  # each entry's msgid line, counted once
            line, at = 1, 0
            for match in found:
                start = match.start("id")
                line += count("\n", at, start)
                at = start
                lines.append(line)
        return _entry(found[i].groups(), lines[i], sources[i])

    def recorded(i: int) -> str:  # the vendor digest `tm` writes at the end of the last note, else ""
        notes = found[i].group("notes")
        return notes[-13:-1] if notes[-22:-13] == VENDOR_MARK else ""

    return LazyCatalog(head, sources, plain, build, reviewed=reviewed, targets=targets, recorded=recorded)


def _stream_texts(text: str) -> list[EntryText] | None:
    """`read_texts` of a file of canonical active entries; None for any other file."""
    texts: list[EntryText] = []
    join = _checked_join
    try:
        first, rest = _loose_stream(text)
        if first is not None:  # the header, or an entry: as `_add_entry` judges it
            catalog = Catalog()
            if not _add_entry(catalog, first[0].groups(), first[1], first=True, comments=False, header=False):
                return None
            texts += entry_texts(catalog.entries)
        for match, line in rest:
            flags, pctxt, pid, ctxt, msgid, msgstr = match.group("flags", "pctxt", "pid", "ctxt", "id", "str")
            if pid is not None or pctxt is not None:
                _check_strings(pctxt, pid)
            texts.append(("" if ctxt is None else join(ctxt), join(msgid), join(msgstr), _flags(flags)[0], line))
    except _NotCanonical:
        return None
    return texts


_Streamed = tuple[re.Match[str], int]


def _loose_stream(text: str) -> tuple[_Streamed | None, Iterator[_Streamed]]:
    """`_stream` with `_LOOSE_ENTRY`, as its first match (None for an empty file) and the rest.

    The first (the header, whose strings are not joined one by one) is matched again strictly and raises
    `_NotCanonical` if its strings are not PO strings; the caller checks the strings of the others.
    """
    rest = _stream(text, _LOOSE_ENTRY)
    first = next(rest, None)
    if first is None:
        return None, rest
    return (_strictly(text, first[0]), first[1]), rest


def _strictly(text: str, loose: re.Match[str]) -> re.Match[str]:
    """The `_FAST_ENTRY` match of the entry `_LOOSE_ENTRY` matched (`loose`); `_NotCanonical` if its strings are
    not all PO strings (it then ends elsewhere, or does not match)."""
    strict = _FAST_ENTRY.match(text, loose.start())
    if strict is None or strict.end() != loose.end():
        raise _NotCanonical
    return strict


def _check_strings(*quoted: str | None) -> None:
    """Raise `_NotCanonical` unless each of these strings `_LOOSE_ENTRY` matched (None: absent) is a PO string."""
    for group in quoted:
        if group is not None and _STRINGS.fullmatch(group) is None:
            raise _NotCanonical


def _checked_join(quoted: str) -> str:
    """`_join` of strings `_LOOSE_ENTRY` matched; raises `_NotCanonical` when they are not PO strings."""
    body = quoted[1:-1]
    if "\n" in body:
        body = body.replace('"\n"', "")
    if '"' not in body and "\\" not in body:
        return body
    if _STRINGS.fullmatch(quoted) is None:
        raise _NotCanonical
    return _join(quoted)


def _add_entry(catalog: Catalog, groups: tuple[str | None, ...], line: int, *, first: bool, comments: bool = True,
               header: bool = True, obsolete: bool = False) -> bool:
    """Add the entry matched by `_FAST_ENTRY` (or the header, if `first`); False if it is not of the canonical layout.

    `header=False` checks the header but does not parse it.
    """
    tc, notes, refs, flags, pctxt, pid, ctxt, msgid, msgstr = groups
    source = _join(msgid)  # type: ignore[arg-type]
    if first and source == "" and ctxt is None:
        if notes or refs or flags or pid or pctxt or obsolete:
            return False
        if header:
            _set_header(catalog, _join(msgstr), [c[2:] for c in tc.splitlines()])  # type: ignore[arg-type, union-attr]
        return True
    if obsolete and (notes or refs or ctxt is None and first):
        return False  # not the layout gettext writes for obsolete entries
    catalog.entries.append(_entry(groups, line, source, comments=comments, obsolete=obsolete))
    return True


def _entry(groups: tuple[str | None, ...], line: int, source: str, *, comments: bool = True, obsolete: bool = False
           ) -> Entry:
    """The entry of a `_FAST_ENTRY` match's groups (`source`: its msgid, already joined)."""
    tc, notes, refs, flags, pctxt, pid, ctxt, _, msgstr = groups
    fuzzy, other_flags = _flags(flags)
    return Entry(
        "" if ctxt is None else _join(ctxt),
        source,
        _join(msgstr),  # type: ignore[arg-type]
        fuzzy,
        other_flags,
        None if pid is None else _join(_PREVIOUS_CONT.sub('"\n"', pid)),
        None if pctxt is None else _join(_PREVIOUS_CONT.sub('"\n"', pctxt)),
        tuple([c[2:] for c in tc.splitlines()]) if tc and comments else (),
        _notes(notes) if notes and comments else (),
        tuple(refs.replace("#:", " ").split()) if refs and comments else (),
        obsolete,
        line,
        ctxt is not None,
    )


_NO_FLAGS: tuple[bool, tuple[str, ...]] = (False, ())
_FUZZY_ONLY: tuple[bool, tuple[str, ...]] = (True, ())


def _flags(line: str | None) -> tuple[bool, tuple[str, ...]]:
    """Whether a `#,` line (None: no such line) says fuzzy, and its other flags; the usual two cases cost nothing."""
    if line is None:
        return _NO_FLAGS
    if line == "#, fuzzy\n":
        return _FUZZY_ONLY
    flag_list = [f.strip() for f in line[2:].split(",")]
    return "fuzzy" in flag_list, tuple([f for f in flag_list if f and f != "fuzzy"])


def _unless_all_fuzzy(data: bytes) -> bytes:
    """The first entry alone (the header) if every other entry is `#, fuzzy`, else all of `data` (checked, canonical).

    Most catalogs of a machine-translated handoff are all fuzzy: merge then decodes only their header.
    """
    first_end = data.find(b"\n\n") + 1 or len(data)
    first = data[:first_end]
    msgids = data.count(b"\nmsgid ") + data.startswith(b"msgid ")
    fuzzies = data.count(b"\n#, fuzzy\n") + data.startswith(b"#, fuzzy\n")
    first_fuzzy = first.startswith(b"#, fuzzy\n") or b"\n#, fuzzy\n" in first
    return first if not data.startswith(b"\n") and msgids - 1 == fuzzies - first_fuzzy else data


def _is_header(block: bytes) -> bool:
    """True for a checked canonical entry that is the header (`msgid ""`, no msgctxt) and nothing after it."""
    return (block.find(b"\n\n") in (-1, len(block) - 1) and b"msgctxt " not in block
            and (block.startswith(b'msgid ""\n') or b'\nmsgid ""\n' in block))


def _fuzzy_entry_end(text: str, pos: int) -> int:
    """Where the entry at `pos` ends if it is `#, fuzzy` (0 if not); for text `_CANONICAL` accepted."""
    block_end = text.find("\n\n", pos)
    block_end = len(text) if block_end < 0 else block_end + 1
    flag = text.find("#, fuzzy\n", pos, block_end)
    return block_end if flag >= 0 and (flag == pos or text[flag - 1] == "\n") else 0


_OBSOLETE_PREVIOUS = re.compile(r"^#~(?=\| )", re.MULTILINE)
_OBSOLETE_LINE = re.compile(r"^#~ ", re.MULTILINE)
_ACTIVE_LINE = re.compile(r'^(?:msg|")', re.MULTILINE)


def _obsolete_block(text: str, pos: int) -> tuple[re.Match[str], int] | None:
    """An obsolete entry (`#~ msgid …`) at `pos`, matched on its text with the `#~` prefixes removed.

    Returns the match (on the unprefixed block) and where the next entry starts, or None if the block at
    `pos` is not an obsolete entry of the usual layout.
    """
    block_end = text.find("\n\n", pos)
    block_end = len(text) if block_end < 0 else block_end + 1
    block = text[pos:block_end]
    if "#~" not in block or _ACTIVE_LINE.search(block):
        return None
    unprefixed = _OBSOLETE_LINE.sub("", _OBSOLETE_PREVIOUS.sub("#", block))
    match = _FAST_ENTRY.match(unprefixed)
    if match is None or match.end() != len(unprefixed):
        return None
    return match, block_end


def _notes(block: str) -> tuple[str, ...]:
    """`#. a\\n#. b\\n` → ("a", "b"); the split is one C call when every line has the usual `#. ` prefix."""
    if block.startswith("#. ") and block.count("\n#. ") == block.count("\n") - 1:
        return tuple(block[3:-1].split("\n#. "))
    return tuple([n[3:] if n.startswith("#. ") else n[2:] for n in block.splitlines()])


def _join(quoted: str) -> str:
    """The text of one or more adjacent quoted PO strings (`"a"\\n"b"` → `ab`), unescaped."""
    body = quoted[1:-1]
    if "\n" in body:
        body = body.replace('"\n"', "")
    if "\\" not in body:
        return body
    if "\\\\" not in body:
        # Without an escaped backslash, the common escapes can be undone by plain replaces.
        simple = body.replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t")
        if "\\" not in simple:
            return simple
    return _ESCAPED.sub(_unescape_match, body)


def _unescape_match(match: re.Match[str]) -> str:
    return _UNESCAPES.get(match.group(1), match.group(0))


def _read_lines(text: str, path: str) -> Catalog:
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


def _decode(data: bytes, path: str) -> str:
    """The file's text, in the charset its header declares (UTF-8 if it declares none)."""
    data = data.removeprefix(BOM)
    codec = _declared_charset(data)
    try:
        return data.decode(codec or "utf-8")
    except LookupError:
        raise InputError(path, 1, f"unknown charset {codec!r}") from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(path, line, f"invalid {codec or 'UTF-8'}") from None


_CHARSET_BYTES = re.compile(rb"charset=([^\s\\\";]*)")


def _declared_charset(data: bytes) -> str | None:
    """The charset named by the header's `Content-Type`, None for UTF-8 (or none, or gettext's `CHARSET`
    placeholder). Looked for in the header only: one bounded `find` for the usual UTF-8 catalog."""
    at = data.find(b"charset=", 0, 16384)
    if at < 0 or data.startswith((b"UTF-8", b"utf-8"), at + 8):
        return None
    cut = data.find(b"\n\n", 0, at)
    if cut >= 0 and data[:cut].strip():  # after the header: an entry's text, not the header's field
        return None
    name = _CHARSET_BYTES.match(data, at).group(1).decode("ascii", "replace")  # type: ignore[union-attr]
    return None if name.lower() in ("utf-8", "utf8", "charset", "") else name


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
        return _ESCAPED.sub(lambda m: _UNESCAPES.get(m.group(1), m.group(0)), body)
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
        _set_header(catalog, fields["msgstr"], builder.comments)
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
                previous_source=fields.get("previous_msgid"),
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


def _set_header(catalog: Catalog, text: str, comments: list[str]) -> None:
    for line in text.split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip():
            catalog.header[key.strip()] = value.strip()
    catalog.header_comments = tuple(comments)
    catalog.locale = canonical_locale(catalog.header.get("Language", ""))
    catalog.page = catalog.header.get("X-Page", "")

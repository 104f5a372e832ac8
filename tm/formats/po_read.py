"""Reading PO in the canonical form `tm` writes: one tokenizer, and the views the commands need built on it.

`tokenize` splits a file into its entries with one regex of the canonical layout (`po_write`'s order of
comments and keywords, one string per line, obsolete entries last) and checks everything a view relies on
before it returns: nothing but blank lines between entries, every string a PO string, the header entry
alone with its comments. Any other file gives None, and `tm.formats.po` reads it with the general reader
(`po_lines`). The views take what `tokenize` returns and need no other check:

- `catalog`: every entry built (`po.read`);
- `lazy`: entries built only when asked for (`po.read_lazy`, for `tm update`);
- `texts`: `(id, source, target, fuzzy, line)` only (`po.read_texts`, for check, stats and the memory).

`read_reviewed` is merge's view (reviewed entries only): it checks the whole file in one regex call on
its bytes, then passes over fuzzy entries with string searches instead of building them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tm.errors import InputError
from tm.model import NOTE_PREFIX, VENDOR_MARK, Catalog, Entry, EntryText, LazyCatalog, canonical_locale

BOM = b"\xef\xbb\xbf"
UNESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", "a": "\a", "\\": "\\", '"': '"'}
ESCAPED = re.compile(r"\\(.)")

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


# The grammar, strictly (`_STRICT`) and with a string taken from quote to quote (`_ENTRY`), which is quicker
# to match: `tokenize` then checks each string it took (`_is_strings`).
_STRICT = re.compile(_entry_pattern(_STR))
_ENTRY = re.compile(_entry_pattern(r'"[^\n]*"'))
_STRINGS = re.compile(rf"{_STR}(?:\n(?:#\| )?{_STR})*")
# A whole file of canonical active entries, checked in one regex call on its bytes (no groups: nothing built).
_CANONICAL = re.compile(rb"\n*(?:" + re.sub(r"\(\?P<\w+>", "(?:", _STRICT.pattern).encode() + rb"\n*)*")
_PREVIOUS_CONT = re.compile(r'"\n#\| "')
_OBSOLETE_PREVIOUS = re.compile(r"^#~(?=\| )", re.MULTILINE)
_OBSOLETE_LINE = re.compile(r"^#~ ", re.MULTILINE)
_ACTIVE_LINE = re.compile(r'^(?:msg|")', re.MULTILINE)

Groups = tuple[str | None, ...]
"""A `_ENTRY` match's groups: tc, notes, refs, flags, pctxt, pid, ctxt, id, str."""


@dataclass(slots=True)
class Tokens:
    """A file in the canonical form, split into entries and checked (see `tokenize`).

    `active[k]` holds the groups of the k-th active entry (the header first when `has_header`), `obsolete`
    those of each obsolete entry (matched on its text without the `#~ ` prefixes) with its msgid's line.
    """

    text: str
    matches: list[re.Match[str]]
    active: list[Groups]
    obsolete: list[tuple[Groups, int]]
    has_header: bool
    _lines: list[int] = field(default_factory=list)

    def lines(self) -> list[int]:
        """The line of each active entry's `msgid`, counted on the first call (an update asks for few)."""
        if not self._lines and self.matches:
            line, at, count = 1, 0, self.text.count
            for match in self.matches:
                start = match.start("id")
                line += count("\n", at, start)
                at = start
                self._lines.append(line)
        return self._lines


def tokenize(text: str) -> Tokens | None:
    """The entries of a file in the canonical form, every string and the layout checked; None for any other."""
    matches: list[re.Match[str]] = []
    active: list[Groups] = []
    pos, count = 0, text.count
    for match in _ENTRY.finditer(text):
        start = match.start()
        if start != pos and count("\n", pos, start) != start - pos:
            break  # not blank: obsolete entries, or not the canonical form
        groups = match.groups()
        _, _, _, _, pctxt, pid, ctxt, msgid, msgstr = groups
        if (msgstr.count('"') != 2 or "\\" in msgstr) and not _is_strings(msgstr):
            return None
        if (msgid.count('"') != 2 or "\\" in msgid) and not _is_strings(msgid):
            return None
        if ctxt is not None and (ctxt.count('"') != 2 or "\\" in ctxt) and not _is_strings(ctxt):
            return None
        if (pid is not None or pctxt is not None) and not (_is_strings(pid) and _is_strings(pctxt)):
            return None
        matches.append(match)
        active.append(groups)
        pos = match.end()
    has_header = bool(active) and active[0][6] is None and join(active[0][7]) == ""  # type: ignore[arg-type]
    if has_header and any(active[0][1:6]):  # notes, references, flags or previous fields: not tm's header
        return None
    obsolete: list[tuple[Groups, int]] = []
    if count("\n", pos) != len(text) - pos:
        found = _obsolete_entries(text, pos, first=not active)
        if found is None:
            return None
        obsolete = found
    return Tokens(text, matches, active, obsolete, has_header)


def _is_strings(quoted: str | None) -> bool:
    """True if `quoted` (what `_ENTRY` took as adjacent strings; None: absent) is PO strings."""
    if quoted is None:
        return True
    body = quoted[1:-1]
    if "\n" in body:
        body = body.replace('"\n"', "")
    return ('"' not in body and "\\" not in body) or _STRINGS.fullmatch(quoted) is not None


def _obsolete_entries(text: str, pos: int, *, first: bool) -> list[tuple[Groups, int]] | None:
    """The obsolete entries (`#~ msgid …`) from `pos` to the end of `text`, with their msgid's line; None
    unless each block there is one, in the layout gettext writes (no `#.` or `#:` lines, a msgctxt if it
    is the file's first entry). `#~ ` is taken off each line: the line numbers stay."""
    found: list[tuple[Groups, int]] = []
    line = 1 + text.count("\n", 0, pos)
    end = len(text)
    while pos < end:
        if text[pos] == "\n":
            pos += 1
            line += 1
            continue
        block_end = text.find("\n\n", pos)
        block_end = end if block_end < 0 else block_end + 1
        block = text[pos:block_end]
        if "#~" not in block or _ACTIVE_LINE.search(block):
            return None
        unprefixed = _OBSOLETE_LINE.sub("", _OBSOLETE_PREVIOUS.sub("#", block))
        match = _STRICT.fullmatch(unprefixed)
        if match is None or match.group("notes") or match.group("refs") or (first and match.group("ctxt") is None):
            return None
        found.append((match.groups(), line + unprefixed.count("\n", 0, match.start("id"))))
        line += block.count("\n")
        pos = block_end
        first = False
    return found


# ---------------------------------------------------------------- views


def catalog(tokens: Tokens, *, comments: bool = True, header: bool = True) -> Catalog:
    """Every entry built. `comments=False` leaves out comments, notes and references; `header=False` the header."""
    result = _head(tokens) if header else Catalog()
    active = tokens.active
    skip = 1 if tokens.has_header else 0
    lines = tokens.lines()
    result.entries = [_entry(groups, lines[k], comments=comments) for k, groups in enumerate(active) if k >= skip]
    result.entries += [_entry(groups, line, comments=comments, obsolete=True) for groups, line in tokens.obsolete]
    return result


def texts(tokens: Tokens) -> list[EntryText]:
    """`(id, source, target, fuzzy, line)` of every active entry: what checks look at, no `Entry` built."""
    skip = 1 if tokens.has_header else 0
    lines = tokens.lines()
    return [("" if ctxt is None else join(ctxt), join(msgid), join(msgstr), _flags(flags)[0], lines[k])  # type: ignore[arg-type]
            for k, (_, _, _, flags, _, _, ctxt, msgid, msgstr) in enumerate(tokens.active) if k >= skip]


def lazy(tokens: Tokens) -> LazyCatalog:
    """The entries behind `LazyCatalog`'s interface: each entry's source, msgstr, whether it is plain machine
    translation and whether it is a plain review come from the tokens; `entry(i)` builds one."""
    head = _head(tokens)
    active = tokens.active[1:] if tokens.has_header else tokens.active
    sources: list[str] = []
    plain: list[bool] = []
    reviewed: dict[int, str] = {}
    targets: list[str] = []
    for tc, notes, _, flags, _, _, _, msgid, msgstr in active:
        target = msgstr[1:-1]  # type: ignore[index]  # `join`, inline for the usual one-line string
        if '"' in target or "\\" in target:
            target = join(msgstr)  # type: ignore[arg-type]
        source = msgid[1:-1]  # type: ignore[index]
        if '"' in source or "\\" in source:
            source = join(msgid)  # type: ignore[arg-type]
        sources.append(source)
        targets.append(target)
        plain.append(not tc and (flags == "#, fuzzy\n" or flags is None and not target)
                     and NOTE_PREFIX not in notes)  # type: ignore[operator]
        if flags is None and not tc and target and NOTE_PREFIX not in notes:  # type: ignore[operator]
            reviewed[len(sources) - 1] = target
    skip = 1 if tokens.has_header else 0

    def build(i: int) -> Entry:
        return _entry(active[i], tokens.lines()[i + skip], sources[i])

    def recorded(i: int) -> str:  # the vendor digest `tm` writes at the end of the last note, else ""
        notes: str = active[i][1]  # type: ignore[assignment]
        return notes[-13:-1] if notes[-22:-13] == VENDOR_MARK else ""

    obsolete = [_entry(groups, line, obsolete=True) for groups, line in tokens.obsolete]
    return LazyCatalog(head, sources, plain, build, obsolete, reviewed=reviewed, targets=targets, recorded=recorded)


def read_reviewed(data: bytes, *, path: str, header: bool = True) -> Catalog | None:
    """The header and reviewed entries of a file of canonical active entries (what `tm merge` applies); None
    for any other file. The whole file is checked first, in one regex call on its bytes; a file whose entries
    are all fuzzy (most of a machine-translated handoff) then has only its header decoded."""
    data = data.removeprefix(BOM)
    if b"#~" in data or _CANONICAL.fullmatch(data) is None:
        return None
    data = _unless_all_fuzzy(data)
    if not header and _is_header(data):
        return Catalog()
    text = decode(data, path)
    result = Catalog()
    pos, end, line, first = 0, len(text), 1, True
    while pos < end:
        if text[pos] == "\n":
            pos, line = pos + 1, line + 1
            continue
        fuzzy_end = 0 if first else _fuzzy_entry_end(text, pos)
        if fuzzy_end:
            line += text.count("\n", pos, fuzzy_end)
            pos = fuzzy_end
            continue
        match = _STRICT.match(text, pos)
        if match is None:  # `_CANONICAL` matched: not reached
            return None
        groups = match.groups()
        msgid_line = line + text.count("\n", pos, match.start("id"))
        line += text.count("\n", pos, match.end())
        pos = match.end()
        if first and groups[6] is None and join(groups[7]) == "":
            if any(groups[1:6]):
                return None
            if header:
                set_header(result, groups)
        elif first or groups[3] != "#, fuzzy\n":
            entry = _entry(groups, msgid_line)
            if entry.reviewed:
                result.entries.append(entry)
        first = False
    return result


def _unless_all_fuzzy(data: bytes) -> bytes:
    """The first entry alone (the header) if every other entry is `#, fuzzy`, else all of `data` (which
    `_CANONICAL` matched: each line starting `msgid ` or `#, fuzzy` is an entry's)."""
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


# ---------------------------------------------------------------- pieces


def _entry(groups: Groups, line: int, source: str | None = None, *, comments: bool = True, obsolete: bool = False
           ) -> Entry:
    """The entry of a canonical entry's groups (`source`: its msgid, if already joined)."""
    tc, notes, refs, flags, pctxt, pid, ctxt, msgid, msgstr = groups
    fuzzy, other_flags = _flags(flags)
    if source is None:
        source = join(msgid)  # type: ignore[arg-type]
    return Entry(
        "" if ctxt is None else join(ctxt),
        source,
        join(msgstr),  # type: ignore[arg-type]
        fuzzy,
        other_flags,
        None if pid is None else previous_source(join(_PREVIOUS_CONT.sub('"\n"', pid)), pctxt is not None, source),
        None if pctxt is None else join(_PREVIOUS_CONT.sub('"\n"', pctxt)),
        tuple([c[2:] for c in tc.splitlines()]) if tc and comments else (),
        _notes(notes) if notes and comments else (),
        tuple(refs.replace("#:", " ").split()) if refs and comments else (),
        obsolete,
        line,
        ctxt is not None,
    )


_NO_FLAGS: tuple[bool, tuple[str, ...]] = (False, ())
_FUZZY_ONLY: tuple[bool, tuple[str, ...]] = (True, ())


def previous_source(previous_msgid: str | None, has_previous_context: bool, msgid: str) -> str | None:
    """An entry's previous source from its `#| msgid`: None if absent, or if it is the entry's own msgid under a
    `#| msgctxt` (only the id changed: the pair `po_write` and `msgmerge` write, since `msgfmt -c` rejects a
    `#| msgctxt` alone). Without a `#| msgctxt`, a `#| msgid` equal to the msgid is kept as it is."""
    return None if has_previous_context and previous_msgid == msgid else previous_msgid


def _flags(line: str | None) -> tuple[bool, tuple[str, ...]]:
    """Whether a `#,` line (None: no such line) says fuzzy, and its other flags; the usual two cases cost nothing."""
    if line is None:
        return _NO_FLAGS
    if line == "#, fuzzy\n":
        return _FUZZY_ONLY
    flag_list = [f.strip() for f in line[2:].split(",")]
    return "fuzzy" in flag_list, tuple([f for f in flag_list if f and f != "fuzzy"])


def _notes(block: str) -> tuple[str, ...]:
    """`#. a\\n#. b\\n` → ("a", "b"); the split is one C call when every line has the usual `#. ` prefix."""
    if block.startswith("#. ") and block.count("\n#. ") == block.count("\n") - 1:
        return tuple(block[3:-1].split("\n#. "))
    return tuple([n[3:] if n.startswith("#. ") else n[2:] for n in block.splitlines()])


def join(quoted: str) -> str:
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
    return ESCAPED.sub(unescape_match, body)


def unescape_match(match: re.Match[str]) -> str:
    """The character a `\\x` escape stands for (the escape itself if it is not one of PO's)."""
    return UNESCAPES.get(match.group(1), match.group(0))


def _head(tokens: Tokens) -> Catalog:
    """A catalog with the file's header (none if it has no header entry) and no entries."""
    result = Catalog()
    if tokens.has_header:
        set_header(result, tokens.active[0])
    return result


def set_header(result: Catalog, groups: Groups) -> None:
    """Fill `result`'s header from the header entry's groups."""
    tc, msgstr = groups[0], groups[8]
    set_header_fields(result, join(msgstr), [c[2:] for c in tc.splitlines()])  # type: ignore[arg-type, union-attr]


def set_header_fields(result: Catalog, text: str, comments: list[str]) -> None:
    """Fill `result`'s header fields, comments, locale and page from the header entry's msgstr `text`."""
    for line in text.split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip():
            result.header[key.strip()] = value.strip()
    result.header_comments = tuple(comments)
    result.locale = canonical_locale(result.header.get("Language", ""))
    result.page = result.header.get("X-Page", "")


def decode(data: bytes, path: str) -> str:
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


def header_field(data: bytes, key: str) -> tuple[str, int] | None:
    """The value of the header field `key` of PO bytes as `tm` writes them (one `"Key: value\\n"` line), and
    where the header entry ends (the offset of the blank line after it); None if the header has no such line.

    Reads only the header: for stamps a command reads back from many files (`tm update`'s `X-Tm-Update`).
    """
    cut = data.find(b"\n\n")
    if cut < 0:
        return None
    line = b'\n"' + key.encode() + b": "
    at = data.find(line, 0, cut)
    if at < 0:
        return None
    start = at + len(line)
    stop = data.find(b'\\n"\n', start, cut + 1)
    if stop < 0 or data.find(b"\n", start, stop) >= 0:
        return None
    return data[start:stop].decode("utf-8", "replace"), cut


"""Markdown inline fragments → text and inline codes, so XLIFF and TMX can protect the markup.

CAT tools show inline codes as locked tags: a translator cannot break a code span, a URL, an `<xref:…>` or an
HTML tag, while link text and image alt text stay ordinary translatable text between a pair of codes.
The split is lossless by construction: every character of the input lands in exactly one token, so
`detokenize(tokenize(s)) == s` for every string, whatever it holds.

Kinds of codes (`Code.kind`):

| kind      | role        | example                                   |
|-----------|-------------|-------------------------------------------|
| `code`    | placeholder | `` `x` ``, ``` ``a`b`` ```                |
| `link`    | open/close  | `[` … `](url "title")`                    |
| `image`   | open/close  | `![` … `](src)`                           |
| `docfx`   | placeholder | `[!INCLUDE[name](path)]`, `[!NOTE]`       |
| `xref`    | placeholder | `<xref:System.String?displayProperty=…>`  |
| `autolink`| placeholder | `<https://example.com>`                   |
| `html`    | open/close  | `<kbd>` … `</kbd>`, `<span …>` … `</span>`|
| `html`    | placeholder | `<br/>`, an unmatched `</span>`           |
| `comment` | placeholder | `<!-- x -->`                              |
| `entity`  | placeholder | `&nbsp;`, `&#124;`                        |
| `char`    | placeholder | one character XML 1.0 cannot hold (U+0001) |

Backslash escapes (`\\<`, `\\*`, `\\[`) stay text, readable to the translator, but they stop the character
after them from starting a code, as in CommonMark. Emphasis (`**x**`) stays text too.

>>> [t.text for t in tokenize("See [the `Main` method](main.md)&nbsp;<br/>")]
['See ', '[', 'the ', '`Main`', ' method', '](main.md)', '&nbsp;', '<br/>']
>>> detokenize(tokenize("a [b](c) `d`"))
'a [b](c) `d`'
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from typing import NamedTuple

__all__ = ["INLINE_FORMS", "Code", "Text", "Token", "check_inline", "detokenize", "number_codes", "plain", "tokenize"]

# How a writer may put Markdown inline markup in a segment (`--inline`): as text, as a CAT tool's own segment
# holds it, or as protected inline codes (tags).
INLINE_FORMS = ("text", "tags")


def check_inline(inline: str) -> None:
    """Refuse an inline form no writer knows (the CLI checks `--inline` before; this guards library calls)."""
    if inline not in INLINE_FORMS:
        raise ValueError(f"inline must be one of {INLINE_FORMS}, not {inline!r}")


class Text(NamedTuple):
    """Translatable text (a NamedTuple, not a dataclass: a full handoff makes millions of tokens)."""

    text: str


class Code(NamedTuple):
    """Markup to protect. `role` is "ph" (standalone), "open" or "close"; an open and its close share `pair`."""

    text: str
    kind: str
    role: str = "ph"
    pair: int = 0


Token = Text | Code
# `Code(...)` runs the NamedTuple's Python-level `__new__` (~3x slower); the scanner's hot paths build the
# tuples directly with `_new(Code, (text, kind, role, pair))`, all four fields given.
_new = tuple.__new__

# Characters XML 1.0 cannot carry, even as character references.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Anything that may start a code; text without any of these is one Text token (the common fast path).
_SPECIAL = re.compile("[\\\\`\\[<&\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ATTR = r"""(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)"""
# One pattern finds the next thing of interest; the group that matched says what it is. Code spans and
# links need counting (backtick runs, nested brackets), so the pattern only finds where they may start.
# Raw HTML and autolinks (which include `<xref:…>`) follow CommonMark's definitions.
_NEXT = re.compile(
    r"(?P<esc>\\[!-/:-@\[-`{-~])"
    r"|(?P<code>`[^`]+`(?!`))"  # the common single-backtick code span, found without counting runs
    r"|(?P<ticks>`+)"
    r"|(?P<bracket>!?\[)"
    r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"
    r"|(?P<auto><[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>)"
    r"|(?P<comment><!--(?:(?!--).|-(?!-))*?-->)"
    r"|(?P<close></[A-Za-z][A-Za-z0-9-]*\s*>)"
    r"|(?P<open><(?P<name>[A-Za-z][A-Za-z0-9-]*)" + _ATTR + r"*\s*(?P<slash>/?)>)",
    re.DOTALL,
)
# Plain character classes are searched fast; `_NEXT` is then only matched where one of these occurs.
_TRIGGER = re.compile(r"[\\`!\[<&]")
_BACKTICKS = re.compile(r"`+")
_CLOSING_RUNS: dict[int, re.Pattern[str]] = {}
_BRACKET_SCAN = re.compile(r"[\\`\[\]]")
_PAREN_SCAN = re.compile(r"[\\()]")
_DOCFX_START = re.compile(r"\[![A-Za-z]")
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)
# Searches for a link's `]` and `)` stop this far away: no real link is longer, and it keeps
# pathological inputs (thousands of unmatched `[`) linear instead of quadratic.
_MAX_LINK_TEXT = 1000
_MAX_DESTINATION = 2000


def plain(text: str) -> bool:
    """True when `text` is certainly one `Text` token (no character that could start a code): the fast path."""
    return _SPECIAL.search(text) is None


def detokenize(tokens: list[Token]) -> str:
    """The original string: the tokens' texts joined (codes keep their Markdown, so nothing is rebuilt)."""
    return "".join(token.text for token in tokens)


def tokenize(text: str) -> list[Token]:
    """Split a Markdown inline fragment into `Text` and `Code` tokens; see the module docstring for the kinds.

    >>> tokenize("[a](b)")
    [Code(text='[', kind='link', role='open', pair=1), Text(text='a'), Code(text='](b)', kind='link', role='close', pair=1)]
    """
    if not text:
        return []
    if _SPECIAL.search(text) is None:
        return [Text(text)]
    scanner = _Scanner(text)
    if _XML_ILLEGAL.search(text) is None:
        return scanner.level(0, len(text))
    tokens: list[Token] = []
    start = 0
    for bad in _XML_ILLEGAL.finditer(text):
        tokens += scanner.level(start, bad.start())
        tokens.append(Code(bad.group(), "char"))
        start = bad.end()
    tokens += scanner.level(start, len(text))
    return tokens


class _Scanner:
    """Left-to-right scan of one string; `level` handles one nesting level (link texts recurse)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pairs = 0

    def level(self, start: int, end: int) -> list[Token]:
        """Tokens for `text[start:end]`, HTML open/close tags of this level paired up."""
        out: list[Token] = []
        s = self.text
        text_start = i = start
        html_tags = False
        while (trigger := _TRIGGER.search(s, i, end)) is not None:
            m = _NEXT.match(s, trigger.start(), end)
            found = None if m is None else self._codes(m, end)
            if found is None:  # not a code after all (or an escape): go on after it
                i = trigger.start() + 1 if m is None else m.end()
                continue
            code_start, codes, i = found
            if code_start > text_start:
                out.append(_new(Text, (s[text_start:code_start],)))
            out += codes
            text_start = i
            first = codes[0]
            html_tags = html_tags or (isinstance(first, Code) and first.kind == "html" and first.role != "ph")
        if end > text_start:
            out.append(_new(Text, (s[text_start:end],)))
        return self._pair_html(out) if html_tags else out

    def _codes(self, m: re.Match[str], end: int) -> tuple[int, list[Token], int] | None:
        """(where the codes start, the codes, where they end) for a `_NEXT` match, or None if it is no code."""
        kind = m.lastgroup or ""
        if kind == "esc":
            return None
        if kind == "ticks":
            close = self._code_span_end(m.start(), end)
            return (
                None
                if close is None
                else (m.start(), [_new(Code, (self.text[m.start() : close], "code", "ph", 0))], close)
            )
        if kind == "bracket":
            return self._bracket(m.start(), m.end() - 1, end)
        if kind == "open":
            void = m.group("slash") or m.group("name").lower() in _VOID
            return m.start(), [_new(Code, (m.group(), "html", "ph" if void else "open", 0))], m.end()
        if kind == "close":
            return m.start(), [_new(Code, (m.group(), "html", "close", 0))], m.end()
        if kind == "auto":
            kind = "xref" if m.group().startswith("<xref:") else "autolink"
        return m.start(), [_new(Code, (m.group(), kind, "ph", 0))], m.end()

    def _code_span_end(self, j: int, end: int) -> int | None:
        """End of the code span opening at `j`: the next backtick run of exactly the same length."""
        n = _BACKTICKS.match(self.text, j, end).end() - j  # type: ignore[union-attr]  # s[j] is a backtick
        closing = _CLOSING_RUNS.get(n)
        if closing is None:
            closing = _CLOSING_RUNS[n] = re.compile("(?<!`)" + "`" * n + "(?!`)")
        m = closing.search(self.text, j + n, end)
        return None if m is None else m.end()

    def _bracket(self, j: int, b: int, end: int) -> tuple[int, list[Token], int] | None:
        """At `b`, a `[` (after a `!` at `j` for images): `[!NAME …]` (docfx), `[text](url)` or `![alt](src)`.

        Returns where the codes start, the codes (a placeholder, or open + inner tokens + close) and the end.
        """
        s = self.text
        close = self._matching_bracket(b, end)
        if close is None:
            return None
        if _DOCFX_START.match(s, b, end):
            return b, [Code(s[b : close + 1], "docfx")], close + 1
        if close + 1 >= end or s[close + 1] != "(":
            return None
        dest_end = self._matching_paren(close + 1, end)
        if dest_end is None:
            return None
        kind = "image" if b > j else "link"
        self.pairs += 1
        pair = self.pairs
        inner = self.level(b + 1, close)
        return (
            j,
            [
                _new(Code, (s[j : b + 1], kind, "open", pair)),
                *inner,
                _new(Code, (s[close : dest_end + 1], kind, "close", pair)),
            ],
            dest_end + 1,
        )

    def _matching_bracket(self, j: int, end: int) -> int | None:
        """Index of the `]` closing the `[` at `j`; escapes and code spans do not count."""
        s = self.text
        depth = 0
        k = j
        limit = min(end, j + _MAX_LINK_TEXT)
        while True:
            m = _BRACKET_SCAN.search(s, k, limit)
            if m is None:
                return None
            k = m.start()
            c = s[k]
            if c == "\\":
                k += 2
            elif c == "`":
                span_end = self._code_span_end(k, limit)
                k = span_end if span_end is not None else _BACKTICKS.match(s, k, limit).end()  # type: ignore[union-attr]
            elif c == "[":
                depth += 1
                k += 1
            else:
                depth -= 1
                if depth == 0:
                    return k
                k += 1

    def _matching_paren(self, j: int, end: int) -> int | None:
        """Index of the `)` closing the link destination whose `(` is at `j` (balanced, escapes skipped)."""
        s = self.text
        depth = 0
        k = j
        limit = min(end, j + _MAX_DESTINATION)
        while True:
            m = _PAREN_SCAN.search(s, k, limit)
            if m is None:
                return None
            k = m.start()
            c = s[k]
            if c == "\\":
                k += 2
                continue
            depth += 1 if c == "(" else -1
            if depth == 0:
                return k
            k += 1

    def _pair_html(self, tokens: list[Token]) -> list[Token]:
        """Pair `<tag>` with `</tag>` (same name, properly nested); the leftovers become placeholders."""
        stack: list[tuple[int, str]] = []
        partner: dict[int, int] = {}
        for index, token in enumerate(tokens):
            if not isinstance(token, Code) or token.kind != "html" or token.role == "ph":
                continue
            name = _tag_name(token.text)
            if token.role == "open":
                stack.append((index, name))
                continue
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][1] == name:
                    partner[stack[depth][0]] = index
                    del stack[depth:]
                    break
        closes = {close: opening for opening, close in partner.items()}
        out: list[Token] = []
        numbers: dict[int, int] = {}
        for index, token in enumerate(tokens):
            if isinstance(token, Code) and token.kind == "html" and token.role != "ph":
                if index in partner:
                    self.pairs += 1
                    numbers[index] = self.pairs
                    token = token._replace(pair=self.pairs)
                elif index in closes:
                    token = token._replace(pair=numbers[closes[index]])
                else:
                    token = token._replace(role="ph")
            out.append(token)
        return out


def _tag_name(tag: str) -> str:
    """`<Span class=x>` → "span", `</span >` → "span"."""
    m = re.match(r"</?([A-Za-z][A-Za-z0-9-]*)", tag)
    return m.group(1).lower() if m else ""


def _code_key(code: Code, closes: dict[int, str]) -> tuple[str, ...]:
    """What makes two codes "the same" across source and target: kind and text (both halves for pairs)."""
    if code.role == "open":
        return (code.kind, code.text, closes.get(code.pair, ""))
    return (code.kind, code.text)


def _close_texts(tokens: list[Token]) -> dict[int, str]:
    return {t.pair: t.text for t in tokens if isinstance(t, Code) and t.role == "close"}


def number_codes(source: list[Token], target: list[Token]) -> tuple[list[int], list[int]]:
    """Unit-wide ids for the codes of a source and its target (0 for text tokens; a pair's halves share one).

    Source codes are numbered 1, 2, … in order. A target code gets the id of an unused source code with the
    same key (kind and text), so CAT tools see the same tag on both sides; target-only codes get fresh ids.

    >>> s, t = tokenize("`a` and `b`"), tokenize("`b` et `a` `c`")
    >>> number_codes(s, t)
    ([1, 0, 2], [2, 0, 1, 0, 3])
    """
    source_ids, free, next_id = _number_source(source)
    closes = _close_texts(target)
    target_ids: list[int] = []
    pair_ids: dict[int, int] = {}
    for token in target:
        if not isinstance(token, Code):
            target_ids.append(0)
            continue
        if token.role == "close":
            target_ids.append(pair_ids.get(token.pair, 0))
            continue
        queue = free.get(_code_key(token, closes))
        if queue:
            ident = queue.popleft()
        else:
            next_id += 1
            ident = next_id
        if token.role == "open":
            pair_ids[token.pair] = ident
        target_ids.append(ident)
    return source_ids, target_ids


def _number_source(source: list[Token]) -> tuple[list[int], dict[tuple[str, ...], deque[int]], int]:
    """Ids 1..n for the source codes, and the ids free for reuse by target codes, by key."""
    closes = _close_texts(source)
    ids: list[int] = []
    free: dict[tuple[str, ...], deque[int]] = defaultdict(deque)
    pair_ids: dict[int, int] = {}
    next_id = 0
    for token in source:
        if not isinstance(token, Code):
            ids.append(0)
        elif token.role == "close":
            ids.append(pair_ids.get(token.pair, 0))
        else:
            next_id += 1
            if token.role == "open":
                pair_ids[token.pair] = next_id
            free[_code_key(token, closes)].append(next_id)
            ids.append(next_id)
    return ids, free, next_id

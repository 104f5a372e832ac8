"""Where the quoted scalars of a YAML text are, so each pair inside one is unescaped the way YAML reads it.

A pair in a single-quoted scalar is written with `''` for `'`, one in a double-quoted scalar with backslash
escapes; which one applies depends on the scalar the pair sits in, not on the start of its line (a scalar
may hold several pairs, or run over several lines). A full YAML parser would do, but handoff YAML is not
always valid YAML (translations hold `: ` in plain scalars) and pages are large, so this is a small scanner
that only tells quoted scalars from the rest: it skips comments, plain scalars (a quote inside one is a
literal) and the content of block scalars (`|`, `>`), where quotes are literal too.

>>> [(start, end, escape.value) for start, end, escape in quoted_scalars("a: 'it''s'\\nb: [x, 'y'] # 'z'\\nc: don't")]
[(3, 10, 'sq'), (18, 21, 'sq')]
"""

from __future__ import annotations

import re

from tm.model import Escape

# The rest of a single- or double-quoted scalar after its opening quote (it may run over several lines).
_SINGLE_REST = re.compile(r"[^']*(?:''[^']*)*'")
_DOUBLE_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# What a line may hold before a quoted scalar starts: indentation, `- ` items, a `key:`, `? `, flow `[{,`.
_NEXT = re.compile(r"""['"#\n]""")
# A line whose value is a block scalar indicator (`key: |`, `- >-`, `|2`), maybe followed by a comment.
_BLOCK = re.compile(r"""([ \t]*(?:-[ \t]+)*)([^\s#'"-][^\n#]*?:[ \t]+)?[|>][1-9+-]{0,2}[ \t]*(?:#[^\n]*)?""")


def quoted_scalars(text: str, end: int | None = None) -> list[tuple[int, int, Escape]]:
    """`(start, end, escape)` of each quoted scalar of `text[:end]`, quotes included, in text order."""
    end = len(text) if end is None else end
    found: list[tuple[int, int, Escape]] = []
    pos = 0
    while pos < end:
        line_end = text.find("\n", pos, end)
        line_end = end if line_end < 0 else line_end
        block = _BLOCK.fullmatch(text, pos, line_end)
        if block is not None:
            pos = _block_end(text, line_end, end, _parent_column(block))
            continue
        pos = _scan_line(text, pos, line_end, end, found)
    return found


def _scan_line(text: str, pos: int, line_end: int, end: int, found: list[tuple[int, int, Escape]]) -> int:
    """Record the quoted scalars that start on the line at `pos`; returns where the next line starts."""
    while True:
        hit = _NEXT.search(text, pos, line_end)
        if hit is None:
            return line_end + 1
        at = hit.start()
        char = text[at]
        if char == "#":
            if at == 0 or text[at - 1] in " \t\n":
                return line_end + 1  # a comment
            pos = at + 1
            continue
        if not _starts_scalar(text, at):
            pos = at + 1  # a quote inside a plain scalar
            continue
        rest = (_SINGLE_REST if char == "'" else _DOUBLE_REST).match(text, at + 1, end)
        close = rest.end() if rest is not None else end
        found.append((at, close, Escape.YAML_SINGLE if char == "'" else Escape.YAML_DOUBLE))
        if close >= line_end:  # the scalar ran over several lines: go on after it
            line_end = text.find("\n", close, end)
            line_end = end if line_end < 0 else line_end
        pos = close


def _starts_scalar(text: str, at: int) -> bool:
    """True when a quote at `at` opens a scalar: only blanks before it on its line, or after `- `, `: `, `? `,
    or a flow indicator (`[`, `{`, `,`)."""
    before = at - 1
    while before >= 0 and text[before] in " \t":
        before -= 1
    if before < 0 or text[before] == "\n":
        return True
    char = text[before]
    if char in "[{,":
        return True
    if char in ":-?" and before + 1 < at:  # the indicator must be followed by a blank
        return before == 0 or text[before - 1] in " \t\n" or char == ":"
    return False


def _parent_column(block: re.Match[str]) -> int:
    """The column of the node a block scalar belongs to: its key's (`  - key: |`), else its last `- `'s."""
    lead = block.group(1)
    if block.group(2):
        return len(lead)
    dash = lead.rfind("-")
    return dash if dash >= 0 else len(lead)


def _block_end(text: str, line_end: int, end: int, column: int) -> int:
    """Where the content of a block scalar ends: at the first line that is not blank and is indented at most
    `column` (its parent's column)."""
    pos = line_end + 1
    while pos < end:
        next_end = text.find("\n", pos, end)
        next_end = end if next_end < 0 else next_end
        line = text[pos:next_end]
        stripped = line.lstrip(" ")
        if stripped.strip() and len(line) - len(stripped) <= column:
            return pos
        pos = next_end + 1
    return end

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
# The characters that may change what follows: quotes, comments, flow collections.
_NEXT = re.compile(r"""['"#\[\]{}]""")
# A line whose value is a block scalar indicator (`key: |`, `- >-`, `|2`), maybe followed by a comment.
_BLOCK = re.compile(r"""([ \t]*(?:-[ \t]+)*)([^\s#'"-][^\n#]*?:[ \t]+)?[|>][1-9+-]{0,2}[ \t]*(?:#[^\n]*)?""")


def quoted_scalars(text: str, end: int | None = None) -> list[tuple[int, int, Escape]]:
    """`(start, end, escape)` of each quoted scalar of `text[:end]`, quotes included, in text order."""
    end = len(text) if end is None else end
    scan = _Scan(text, end)
    pos = 0
    while pos < end:
        line_end = text.find("\n", pos, end)
        line_end = end if line_end < 0 else line_end
        block = _BLOCK.fullmatch(text, pos, line_end) if not scan.flow else None
        if block is not None:
            pos = _block_end(text, line_end, end, _parent_column(block))
            continue
        pos = scan.line(pos, line_end)
    return scan.found


class _Scan:
    """The scan of the lines outside block scalars: the quoted scalars found, and how deep in flow collections
    (`[…]`, `{…}`, which may run over several lines) the scan is."""

    def __init__(self, text: str, end: int) -> None:
        self.text = text
        self.end = end
        self.flow = 0
        self.found: list[tuple[int, int, Escape]] = []

    def line(self, pos: int, line_end: int) -> int:
        """Scan the line at `pos`; returns where the next line starts (after a scalar running over lines)."""
        text = self.text
        while True:
            hit = _NEXT.search(text, pos, line_end)
            if hit is None:
                return line_end + 1
            at = hit.start()
            char = text[at]
            pos = at + 1
            if char == "#":
                if at == 0 or text[at - 1] in " \t\n":
                    return line_end + 1  # a comment
            elif char in "]}":
                self.flow = max(self.flow - 1, 0)
            elif not self._starts_node(at):
                continue  # a quote or bracket inside a plain scalar
            elif char in "[{":
                self.flow += 1
            else:
                rest = (_SINGLE_REST if char == "'" else _DOUBLE_REST).match(text, pos, self.end)
                pos = rest.end() if rest is not None else self.end
                self.found.append((at, pos, Escape.YAML_SINGLE if char == "'" else Escape.YAML_DOUBLE))
                if pos > line_end:  # the scalar ran over several lines: go on after it
                    line_end = text.find("\n", pos, self.end)
                    line_end = self.end if line_end < 0 else line_end

    def _starts_node(self, at: int) -> bool:
        """True when a quote or bracket at `at` opens a node: only blanks before it on its line, or after `- `,
        `: `, `? `, or in a flow collection after `[`, `{` or `,`."""
        text = self.text
        before = at - 1
        while before >= 0 and text[before] in " \t":
            before -= 1
        if before < 0 or text[before] == "\n":
            return True
        char = text[before]
        if char in "[{,":
            return self.flow > 0
        if char in ":-?" and before + 1 < at:  # the indicator must be followed by a blank
            return char == ":" or before == 0 or text[before - 1] in " \t\n"
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

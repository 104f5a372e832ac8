"""The pairs of a page as a view over the parser's regex matches: objects only on demand.

Parsing keeps, for each pair, its `re.Match` (groups: the attribute quote, the id, the target and the
source, raw) and how its texts are escaped. The columns the commands read (`ids`, `targets`, `sources`,
`starts`, `lines`) come from the matches when asked for, and a `Pair` object is built only when the view
is indexed or iterated. So extract and merge, which run over every pair of a handoff, build no object per
pair, and the rest of `tm` still sees a sequence of `Pair`s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import overload

from tm.model import Escape, Page, Pair

_YAML_DQ_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_YAML_DQ_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "b": "\b", "e": "\x1b",
                   "f": "\f", "v": "\v", " ": " ", "/": "/", '"': '"', "\\": "\\", "\t": "\t",
                   "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
ID, TARGET, SOURCE = 2, 3, 4  # the groups of a pair's match (1 is the attribute quote)


class PairView(Sequence[Pair]):
    """The pairs of `text` in document order, from their `matches`; `escapes` is None when no text is escaped."""

    __slots__ = ("_built", "escapes", "matches", "text")

    def __init__(self, text: str, matches: list[re.Match[str]], escapes: list[Escape] | None = None) -> None:
        self.text = text
        self.matches = matches
        self.escapes = escapes
        self._built: tuple[Pair, ...] | None = None

    @classmethod
    def of(cls, page: Page) -> PairView:
        """The page's pairs as a view: `page.pairs` itself when the page was parsed (`tm.page.parse_page`),
        else those of the page's text parsed again (a page built by hand)."""
        if isinstance(page.pairs, PairView):
            return page.pairs
        from tm.page.parse import parse_page  # parse builds views: a page built by hand is rare

        pairs = parse_page(page.relpath, page.text, bom=page.bom).page.pairs
        assert isinstance(pairs, PairView)
        return pairs

    def __len__(self) -> int:
        return len(self.matches)

    @overload
    def __getitem__(self, index: int) -> Pair: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Pair, ...]: ...

    def __getitem__(self, index: int | slice) -> Pair | tuple[Pair, ...]:
        return self.pairs()[index]

    def __iter__(self) -> Iterator[Pair]:
        return iter(self.pairs())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (PairView, tuple)):
            return self.pairs() == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to a tuple of the same pairs, so not hashable

    def __repr__(self) -> str:
        return f"PairView({list(self.pairs())!r})"

    def pairs(self) -> tuple[Pair, ...]:
        """The pairs as objects (built once)."""
        if self._built is None:
            escapes = self.escapes or [Escape.NONE] * len(self.matches)
            self._built = tuple(
                Pair(pair_id, target, source, line, start, end, t0, t1, s0, s1, escape)
                for ((start, end), _, _, (t0, t1), (s0, s1)), pair_id, target, source, line, escape
                in zip((m.regs for m in self.matches), self.ids(), self.targets(), self.sources(), self.lines(),
                       escapes))
        return self._built

    def ids(self) -> list[str]:
        """Each pair's id."""
        return [match.group(ID) for match in self.matches]

    def targets(self) -> list[str]:
        """Each pair's translation, unescaped."""
        return self._unescaped([match.group(TARGET) for match in self.matches])

    def sources(self) -> list[str]:
        """Each pair's English source, unescaped."""
        return self._unescaped([match.group(SOURCE) for match in self.matches])

    def starts(self) -> list[int]:
        """Where each pair starts in the text."""
        return [match.start() for match in self.matches]

    def lines(self) -> list[int]:
        """The line each pair starts on (1-based)."""
        count = self.text.count
        lines = []
        line = 1
        line_pos = 0
        for start in self.starts():
            line += count("\n", line_pos, start)
            line_pos = start
            lines.append(line)
        return lines

    def _unescaped(self, raw: list[str]) -> list[str]:
        if self.escapes is None:
            return raw
        return [unescape(text, escape) for text, escape in zip(raw, self.escapes)]


def unescape(raw: str, escape: Escape) -> str:
    """The text a translator sees for raw pair text written with `escape`.

    >>> unescape('say \\\\"hi\\\\"', Escape.YAML_DOUBLE), unescape("it''s", Escape.YAML_SINGLE)
    ('say "hi"', "it's")
    """
    if escape is Escape.NONE:
        return raw
    if escape is Escape.YAML_SINGLE:
        return raw.replace("''", "'")
    if "\\" not in raw:
        return raw
    return _YAML_DQ_ESCAPE.sub(_unescape_one, raw)


def _unescape_one(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) > 1:
        return chr(int(code[1:], 16))
    return _YAML_DQ_SIMPLE.get(code, match.group(0))

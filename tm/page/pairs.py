"""The pairs of a page as a view over where the parser found them: offsets first, objects on demand.

Parsing records, for each pair, only the offsets of its regex match (`re.Match.regs`: the whole pair, the
attribute quote, the id, the target and the source) and how its texts are escaped. The columns the commands
read (`ids`, `targets`, `sources`, `lines`) are sliced from the page's text when asked for, and a `Pair`
object is built only when the view is indexed or iterated. So extract and merge, which run over every pair
of a handoff, build no object per pair, and the rest of `tm` still sees a sequence of `Pair`s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import overload

from tm.model import Escape, Page, Pair

Regs = tuple[tuple[int, int], ...]
"""Where one pair is: `(start, end)` of the pair, its quote, id, target and source, as `re.Match.regs`."""
_YAML_DQ_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_YAML_DQ_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "b": "\b", "e": "\x1b",
                   "f": "\f", "v": "\v", " ": " ", "/": "/", '"': '"', "\\": "\\", "\t": "\t",
                   "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}


class PairView(Sequence[Pair]):
    """The pairs of `text` in document order, from their `regs`; `escapes` is None when no text is escaped."""

    __slots__ = ("_built", "escapes", "regs", "text")

    def __init__(self, text: str, regs: list[Regs], escapes: list[Escape] | None = None) -> None:
        self.text = text
        self.regs = regs
        self.escapes = escapes
        self._built: tuple[Pair, ...] | None = None

    @classmethod
    def of(cls, page: Page) -> PairView:
        """The page's pairs as a view: `page.pairs` itself when the page was parsed (`tm.page.parse_page`),
        else one made from the `Pair` objects of a page built by hand."""
        if isinstance(page.pairs, PairView):
            return page.pairs
        text = page.text
        regs: list[Regs] = [((p.start, p.end), (0, 0), _id_span(text, p), (p.target_start, p.target_end),
                 (p.source_start, p.source_end)) for p in page.pairs]
        escapes = [p.escape for p in page.pairs]
        return cls(text, regs, escapes if any(e is not Escape.NONE for e in escapes) else None)

    def __len__(self) -> int:
        return len(self.regs)

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
            text = self.text
            escapes = self.escapes or [Escape.NONE] * len(self.regs)
            self._built = tuple(
                Pair(text[i0:i1], target, source, line, start, end, t0, t1, s0, s1, escape)
                for ((start, end), _, (i0, i1), (t0, t1), (s0, s1)), target, source, line, escape
                in zip(self.regs, self.targets(), self.sources(), self.lines(), escapes))
        return self._built

    def ids(self) -> list[str]:
        """Each pair's id."""
        text = self.text
        return [text[start:end] for _, _, (start, end), _, _ in self.regs]

    def targets(self) -> list[str]:
        """Each pair's translation, unescaped."""
        text = self.text
        return self._unescaped([text[start:end] for _, _, _, (start, end), _ in self.regs])

    def sources(self) -> list[str]:
        """Each pair's English source, unescaped."""
        text = self.text
        return self._unescaped([text[start:end] for _, _, _, _, (start, end) in self.regs])

    def lines(self) -> list[int]:
        """The line each pair starts on (1-based)."""
        count = self.text.count
        lines = []
        line = 1
        line_pos = 0
        for (start, _), *_ in self.regs:
            line += count("\n", line_pos, start)
            line_pos = start
            lines.append(line)
        return lines

    def starts(self) -> list[int]:
        """Where each pair starts in the text."""
        return [start for (start, _), *_ in self.regs]

    def _unescaped(self, raw: list[str]) -> list[str]:
        if self.escapes is None:
            return raw
        return [unescape(text, escape) for text, escape in zip(raw, self.escapes)]


def _id_span(text: str, pair: Pair) -> tuple[int, int]:
    """Where a hand-made `Pair`'s id is in the text: the first occurrence from the pair's start."""
    start = text.find(pair.id, pair.start, pair.target_start)
    return (start, start + len(pair.id)) if start >= 0 else (pair.start, pair.start)


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

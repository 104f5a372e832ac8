"""Successive versions of the same page, read as runs: the pairs a new version shares with the previous one.

A page's next version in git history mostly holds the pairs of the previous one: a commit changes a few
segments. Comparing the two versions' sets of (source, target) pairs (set operations on one page's pairs) leaves
only the pairs that appeared or left; a pair held by versions i..j-1 of a page is recorded once, when it
leaves (or at the next flush), as seen j - i times, first at version i and last at version j - 1. This gives
the same counts and dates as recording every pair of every version, without touching the memory's big tables
for the pairs that did not change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Pair = tuple[str, str]  # (source, target)
When = tuple[int, int]  # (date, rev id)
Record = Callable[[tuple[str, str, str], int, When, When, int, int], None]


@dataclass(slots=True)
class _Path:
    """One page path's state: its versions so far and the start (version index) of each pair's open run."""

    locale: str
    origin: int
    page: int
    whens: list[When] = field(default_factory=list)
    runs: dict[Pair, int] = field(default_factory=dict)


class Runs:
    """The open runs of every page path of a harvest; `record` receives each closed (part of a) run."""

    def __init__(self, record: Record) -> None:
        self.record = record
        self.paths: dict[str, _Path] = {}

    def add(self, path: str, locale: str, pairs: set[Pair], origin: int, when: When, page: int) -> None:
        """Version `when` of page `path` holds `pairs` (its translated pairs, as a set)."""
        state = self.paths.get(path)
        if state is None or (state.locale, state.origin, state.page) != (locale, origin, page):
            if state is not None:
                self._close(state, list(state.runs))
            state = self.paths[path] = _Path(locale, origin, page)
        runs = state.runs
        index = len(state.whens)
        state.whens.append(when)
        if len(runs) != len(pairs) or not pairs.issuperset(runs):
            self._close(state, list(runs.keys() - pairs), upto=index)
            runs.update(dict.fromkeys(pairs.difference(runs), index))

    def settle(self) -> None:
        """Record every open run so far (before a flush); the runs stay open, counted from the next version."""
        for state in self.paths.values():
            index = len(state.whens)
            self._close(state, list(state.runs), upto=index, keep=True)

    def _close(self, state: _Path, pairs: list[Pair], *, upto: int | None = None, keep: bool = False) -> None:
        """Record the runs of `pairs` up to version `upto` (excluded; default: every version so far)."""
        end = len(state.whens) if upto is None else upto
        runs, whens, record = state.runs, state.whens, self.record
        for pair in pairs:
            start = runs[pair]
            if end > start:
                record((pair[0], state.locale, pair[1]), state.origin, whens[start], whens[end - 1], end - start,
                       state.page)
            if keep:
                runs[pair] = end
            else:
                del runs[pair]

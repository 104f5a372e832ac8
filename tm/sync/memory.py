"""`tm update`'s memory of a tree's reviews, made for a sync that asks it a few dozen questions per commit.

`Memory.of_reviews` builds one list per source and `FuzzyIndex` indexes every source's words; for a whole
update that is a small part of the run, but a commit of 20 pages would spend most of its time there. So:

- the exact lookups use one dict of each source's first offer in tree order (made from the index's lists in
  C loops), and the asking catalog's own reviews, which `Memory.lookup` prefers: the same answers;
- the similarity index is saved in the tree (`.tm/similar.marshal`, derived data like the review index) and
  reused while the reviews change little: a source added since it was built is compared directly (rapidfuzz
  over those few), and an answer that is no longer a review (its source left) makes it built again. Its
  heuristics (which words are rare) are those of the reviews it was built from: the same answers but for
  ties (among the sources added since, the first in code point order wins), and for a source whose words
  changed from rare to common since.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable
from itertools import chain, repeat

from tm.align import FuzzyIndex, length_window
from tm.fileio import read_file, write_atomic
from tm.update import Memory, Offer, Reviews

__all__ = ["SIMILAR_NAME", "TreeMemory", "load_similar", "save_similar"]

SIMILAR_NAME = "similar.marshal"
_VERSION = 1
_REBUILD_SHARE = 0.05  # sources added since the similarity index was built, past which it is built again


class TreeMemory(Memory):
    """`Memory.of_reviews(found)`, answering `lookup` alike (see the module docstring).

    `similar()` gives the saved similarity index (or None); `rebuilt(index)` is told of a new one to save.
    """

    def __init__(self, found: list[Reviews], similar: Callable[[], FuzzyIndex | None],
                 rebuilt: Callable[[FuzzyIndex], None]) -> None:
        super().__init__(())
        sources = list(chain.from_iterable(r.sources for r in found))
        self._targets = list(chain.from_iterable(r.targets for r in found))
        self._wheres = list(chain.from_iterable(repeat(r.where, len(r.sources)) for r in found))
        # Each source's first offer in tree order, as its index in the lists (ints: tuples took 4x longer).
        self._first = dict(zip(reversed(sources), range(len(sources) - 1, -1, -1)))
        self._own: dict[str, list[Reviews]] = {}
        for r in found:
            self._own.setdefault(r.where, []).append(r)
        self._ordered = sources  # the sources in tree order, repeats included (FuzzyIndex keeps the first)
        self._similar, self._rebuilt = similar, rebuilt
        self._fuzzy: FuzzyIndex | None = None
        self._added: list[str] = []

    def __len__(self) -> int:
        return len(self._first)

    def prepare(self) -> TreeMemory:
        self._index_now()
        return self

    def lookup(self, source: str, *, threshold: float = 0.8, where: str = "") -> tuple[Offer, float] | None:
        if not self._first:
            return None
        first = self._first.get(source)
        if first is not None:
            for reviews in self._own.get(where, ()):
                if source in reviews.sources:
                    return Offer(source, reviews.targets[reviews.sources.index(source)], where), 1.0
            return Offer(source, self._targets[first], self._wheres[first]), 1.0
        found = self._best(source, threshold)
        if found is None:
            return None
        at = self._first[found[0]]
        return Offer(found[0], self._targets[at], self._wheres[at]), found[1]

    def _best(self, source: str, threshold: float) -> tuple[str, float] | None:
        """The most similar reviewed source and its score: the saved index's answer, unless a source added
        since scores more."""
        index = self._index_now()
        hit = index.best(source, threshold=threshold)
        if hit is not None and index.strings[hit[0]] not in self._first:  # it left: the index is stale
            index = self._index_now(rebuild=True)
            hit = index.best(source, threshold=threshold)
        found = (index.strings[hit[0]], hit[1]) if hit is not None else None
        extra = _best_of(source, self._added, threshold)
        if extra is not None and (found is None or extra[1] > found[1]):
            return extra
        return found

    def _index_now(self, *, rebuild: bool = False) -> FuzzyIndex:
        if self._fuzzy is not None and not rebuild:
            return self._fuzzy
        index = None if rebuild else self._similar()
        added = [] if index is None else sorted(self._first.keys() - index.exact.keys())  # sorted: the same ties
        if index is None or len(added) > _REBUILD_SHARE * max(1, len(index)):
            index = FuzzyIndex(dict.fromkeys(self._ordered))
            self._rebuilt(index)
            added = []
        self._fuzzy, self._added = index, added
        return index


def _best_of(query: str, strings: list[str], threshold: float) -> tuple[str, float] | None:
    """The first of `strings` most similar to `query` at `threshold` or more (`fuzz.ratio`, as FuzzyIndex)."""
    if not strings:
        return None
    from rapidfuzz import fuzz, process

    low, high = length_window(len(query), threshold)
    window = [s for s in strings if low <= len(s) <= high]
    found = process.extractOne(query, window, scorer=fuzz.ratio, score_cutoff=threshold * 100)
    return None if found is None else (found[0], round(found[1] / 100, 4))


def save_similar(path: str, index: FuzzyIndex) -> None:
    """Write a similarity index (its private fields: `tm.align` has no serialisation of its own)."""
    state = (_VERSION, index.strings, index._order, index.lengths, sorted(index.stop), index.postings)
    write_atomic(path, marshal.dumps(state))


def load_similar(path: str) -> FuzzyIndex | None:
    """The index `save_similar` wrote, or None (missing, damaged, or of another version)."""
    try:
        version, strings, order, lengths, stop, postings = marshal.loads(read_file(path))
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if version != _VERSION:
        return None
    index = FuzzyIndex.__new__(FuzzyIndex)
    index.strings, index._order, index.lengths = strings, order, lengths
    index.exact = dict(zip(reversed(strings), range(len(strings) - 1, -1, -1)))
    index._by_length = list(map(strings.__getitem__, order))
    index.stop, index.postings = frozenset(stop), postings
    index._cache = {}
    return index





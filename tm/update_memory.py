"""The memory of a catalog tree for `tm update`: the reviewed translations of its catalogs (`Reviews`, one per
catalog, gathered by the update's workers), looked up by exact source, then by similarity (`Memory`), for the
offers beside a new segment and the same-source rule on MT pages (`tm.update`).

Split out of `tm.update`, which re-exports every name here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, repeat
from typing import NamedTuple

from tm.align import DEFAULT_THRESHOLD, FuzzyIndex
from tm.jobs.pool import gc_paused
from tm.model import Catalog, LazyCatalog, is_human

__all__ = ["Memory", "Offer", "Reviews", "offers", "reviews"]


class Offer(NamedTuple):
    """A reviewed translation somewhere in the catalog tree: its source, msgstr, and the catalog it is in.

    A named tuple: a tree has ~140,000 of them, and a frozen dataclass was ten times slower to make.
    """

    source: str
    target: str
    where: str


class Reviews(NamedTuple):
    """The reviewed entries of one catalog, as their sources and msgstrs in two lists, and the catalog.

    How a tree's ~140,000 reviews travel from the worker processes to the parent: two lists of strings
    unpickle three times faster than as many `Offer`s.
    """

    where: str
    sources: list[str]
    targets: list[str]
    obsolete_sources: Sequence[str] = ()  # the catalog's `#~` reviews: offered after every active one
    obsolete_targets: Sequence[str] = ()

    def offers(self) -> Iterator[Offer]:
        return map(Offer, self.sources, self.targets, repeat(self.where))


def reviews(catalog: Catalog | LazyCatalog, where: str) -> Reviews:
    """The reviewed entries of a catalog, active (`sources`, `targets`: what an update could make obsolete)
    and obsolete (a page that left a handoff and came back under another name: its reviews are the memory's
    too, after the active ones)."""
    found = Reviews(where, [], [], [], [])
    for entry in catalog.obsolete:  # a person's, as `_returned` revives them: under the source they translate
        if is_human(entry) and not entry.plural:
            found.obsolete_sources.append(entry.previous_source or entry.source if entry.fuzzy  # type: ignore[attr-defined]
                                          else entry.source)
            found.obsolete_targets.append(entry.target)  # type: ignore[attr-defined]
    if isinstance(catalog, LazyCatalog):
        for i, plain in enumerate(catalog.plain):
            target = catalog.reviewed.get(i)
            if target is None and not plain:  # plain entries are never reviewed; the others are built to tell
                entry = catalog.entry(i)
                target = entry.target if entry.reviewed else None
            if target is not None:
                found.sources.append(catalog.sources[i])
                found.targets.append(target)
        return found
    for entry in catalog.entries:
        if entry.reviewed and not entry.plural:  # a plural entry's msgstr[0] is not a pair's translation
            found.sources.append(entry.source)
            found.targets.append(entry.target)
    return found


def offers(catalog: Catalog | LazyCatalog, where: str) -> list[Offer]:
    """`reviews` as `Offer`s."""
    return list(reviews(catalog, where).offers())


class Memory:
    """The reviewed translations of a catalog tree, looked up by exact source, then by similarity.

    The first offer of a source (in tree order) wins, except that one from the asking catalog comes first.

    >>> memory = Memory([Offer("Install Visual Studio 2017.", "Installez Visual Studio 2017.", "a.po")])
    >>> offer, score = memory.lookup("Install Visual Studio 2019.", threshold=0.8)
    >>> offer.where, score
    ('a.po', 0.963)
    """

    def __init__(self, items: Iterable[Offer]) -> None:
        # Each source's offers as plain `(source, target, where)` tuples (made 3x quicker than `Offer`s, which
        # only the few answers become).
        self._by_source: dict[str, list[tuple[str, str, str]]] = {}
        self._add(items)
        self._index: FuzzyIndex | None = None

    @classmethod
    def of_reviews(cls, found: Iterable[Reviews]) -> Memory:
        """The memory of these catalogs' reviews, in this order (tree order): every active one, then the
        obsolete ones (a source reviewed in both is offered its active review)."""
        memory = cls(())
        found = list(found)
        memory._add(chain.from_iterable(zip(r.sources, r.targets, repeat(r.where)) for r in found))
        memory._add(chain.from_iterable(zip(r.obsolete_sources, r.obsolete_targets, repeat(r.where)) for r in found))
        return memory

    def _add(self, items: Iterable[tuple[str, str, str]]) -> None:
        """Keep one offer per source and catalog (items come by catalog; a repeat would be harmless)."""
        by_source = self._by_source
        with gc_paused():  # ~100,000 new lists
            for offer in items:
                found = by_source.get(offer[0])
                if found is None:
                    by_source[offer[0]] = [offer]
                elif found[-1][2] != offer[2]:
                    found.append(offer)

    def __len__(self) -> int:
        return len(self._by_source)

    def prepare(self) -> Memory:
        """Build the similarity index now (before forking workers, so they share it)."""
        if self._index is None:
            self._index = FuzzyIndex(self._by_source)
        return self

    def lookup(self, source: str, *, threshold: float = DEFAULT_THRESHOLD, where: str = "") -> tuple[Offer, float] | None:
        """The best offer for `source` and its similarity (1.0 = same source), or None below `threshold`."""
        if not self._by_source:
            return None
        found = self._by_source.get(source)
        if found:
            return Offer._make(next((o for o in found if o[2] == where), found[0])), 1.0
        best = self.prepare()._index.best(source, threshold=threshold)  # type: ignore[union-attr]
        if best is None:
            return None
        index, score = best
        assert self._index is not None
        return Offer._make(self._by_source[self._index.strings[index]][0]), score

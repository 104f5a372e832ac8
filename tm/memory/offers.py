"""`tm update --memory DB`: offers from the memory file as well as from the catalog tree's own reviews.

`TreeAndMemory` answers `tm.update`'s lookups as `tm.update.Memory` does (same interface), from the tree's
reviews first, then from what people reviewed in the memory (origin `reviewed`, the update's locale): a
review that left the tree (its page removed in an earlier handoff, its catalog dropped) is offered again when
its source comes back. The memory's reviews follow the same rules as the tree's (issue 13): a translation of
a similar source is an offer beside the handoff's translation; a person's translation of the same source may
take the msgstr of a machine-translated entry, fuzzy, with the handoff's translation kept in a note. They
count as the tree's do because they are the same thing, a person's translation of exactly this English,
only older: the entry stays fuzzy for a person to confirm, and nothing of the handoff's is lost.

An offer from the memory names where it comes from as `memory, <page>, <last seen>`. The memory's reviews of
the locale are read once into the same in-process index the tree's are in (`tm.update.Memory`): offers come
only from reviews, and a memory of the whole history holds far fewer of them than sources, so lookups cost
what the tree's do (asking SQLite's fuzzy lookup per segment made an update of the corpus six times slower).

`record_tree` adds the catalogs of the tree to the memory (only those whose content it has not read), so the
reviews an update sees are kept even when a later handoff drops their page.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from tm.align import DEFAULT_THRESHOLD
from tm.memory.harvest import AddReport, add_catalogs
from tm.memory.query import iso_date
from tm.memory.store import REVIEWED, connect
from tm.update import Memory, Offer

__all__ = ["TreeAndMemory", "record_tree"]

class TreeAndMemory(Memory):
    """The tree's reviews (a `tm.update.Memory`), then the memory file's (see the module docstring).

    Made like a `Memory` (`TreeAndMemory.of_reviews(...)`), then given the file with `use`, which reads the
    memory's reviewed translations of the locale into a second `Memory` (latest first): lookups then cost
    what the tree's do, and the worker processes update forks share both.
    """

    def __init__(self, items: Iterable[Offer] = ()) -> None:
        super().__init__(items)
        self.remembered = Memory(())

    def use(self, db: str | Path, *, locale: str) -> TreeAndMemory:
        """Offer the reviewed translations into `locale` of the memory at `db` too."""
        con = connect(db, create=False)
        try:
            self.remembered = Memory(_reviewed(con, locale))
        finally:
            con.close()
        return self

    def __len__(self) -> int:
        return super().__len__() + len(self.remembered)

    def prepare(self) -> TreeAndMemory:
        if super().__len__():
            super().prepare()
        if len(self.remembered):
            self.remembered.prepare()
        return self

    def lookup(self, source: str, *, threshold: float = DEFAULT_THRESHOLD, where: str = ""
               ) -> tuple[Offer, float] | None:
        """The tree's exact offer, else the memory's; else the more similar of both (the tree's on a tie)."""
        tree = super().lookup(source, threshold=threshold, where=where) if super().__len__() else None
        if tree is not None and tree[1] == 1.0:
            return tree
        remembered = self.remembered.lookup(source, threshold=threshold)
        if remembered is None or (tree is not None and tree[1] >= remembered[1]):
            return tree
        return remembered


def _reviewed(con: sqlite3.Connection, locale: str) -> Iterator[Offer]:
    """The memory's reviewed translations into `locale`, the latest first, as `Offer`s from `memory, page, date`."""
    rows = con.execute(
        "SELECT s.text, t.target, p.path, t.last_seen FROM translations t JOIN sources s ON s.id = t.source "
        "LEFT JOIN pages p ON p.id = t.page WHERE t.origin = ? AND t.locale = ? ORDER BY t.last_seen DESC, t.id",
        (REVIEWED, locale))
    for source, target, page, last in rows:
        yield Offer(source, target, ", ".join(part for part in ("memory", page, iso_date(last)) if part))


def record_tree(db: str | Path, tree: str, *, locale: str) -> AddReport:
    """Add the catalogs of the tree `tree` to the memory at `db` (created when missing); those whose content
    the memory read before are skipped."""
    from tm.formats import catalog_suffixes
    from tm.sources import walk_files

    files = sorted(walk_files(tree, tuple(s for s in catalog_suffixes() if s != ".tmx")))
    con = connect(db)
    try:
        return add_catalogs(con, files, locale=locale)
    finally:
        con.close()

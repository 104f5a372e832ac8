"""`tm update --memory DB`: offers from the memory file as well as from the catalog tree's own reviews.

`TreeAndMemory` answers `tm.update`'s lookups as `tm.update.Memory` does (same interface), from the tree's
reviews first, then from what people reviewed in the memory (origin `reviewed`, the update's locale): a
review that left the tree (its page removed in an earlier handoff, its catalog dropped) is offered again when
its source comes back. The memory's reviews follow the same rules as the tree's (issue 13): a translation of
a similar source is an offer beside the handoff's translation; a person's translation of the same source may
take the msgstr of a machine-translated entry, fuzzy, with the handoff's translation kept in a note. They
count as the tree's do because they are the same thing, a person's translation of exactly this English,
only older: the entry stays fuzzy for a person to confirm, and nothing of the handoff's is lost.

An offer from the memory names where it comes from as `memory, <page>, <last seen>`.

`record_tree` adds the catalogs of the tree to the memory (only those whose content it has not read), so the
reviews an update sees are kept even when a later handoff drops their page.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from tm.align import DEFAULT_THRESHOLD
from tm.memory.harvest import AddReport, add_catalogs
from tm.memory.query import exact, fuzzy_sources
from tm.memory.store import connect
from tm.update import Memory, Offer

__all__ = ["TreeAndMemory", "record_tree"]

FUZZY_CANDIDATES = 20  # similar sources asked of the memory; the best with a review of the locale is offered


class TreeAndMemory(Memory):
    """The tree's reviews (a `tm.update.Memory`), then the memory file's (see the module docstring).

    Made like a `Memory` (`TreeAndMemory.of_reviews(...)`), then given the file with `use`. The SQLite
    connection is opened in each process on its first lookup (update forks workers after building it).
    """

    def use(self, db: str | Path, *, locale: str) -> TreeAndMemory:
        """Look up the memory at `db` too, for translations into `locale`."""
        self._db, self._locale = str(db), locale
        self._con: tuple[int, sqlite3.Connection] | None = None
        return self

    def __len__(self) -> int:
        return super().__len__() + 1  # never empty: the memory file may answer

    def prepare(self) -> TreeAndMemory:
        if super().__len__():
            super().prepare()
        return self

    def lookup(self, source: str, *, threshold: float = DEFAULT_THRESHOLD, where: str = ""
               ) -> tuple[Offer, float] | None:
        """The tree's exact offer, else the memory's; else the more similar of both (the tree's on a tie)."""
        tree = super().lookup(source, threshold=threshold, where=where) if super().__len__() else None
        if tree is not None and tree[1] == 1.0:
            return tree
        con = self._connection()
        same = _reviewed(con, source, self._locale)
        if same is not None:
            return same, 1.0
        for similar, score in fuzzy_sources(con, source, limit=FUZZY_CANDIDATES, threshold=threshold):
            if tree is not None and tree[1] >= round(score, 4):
                return tree
            found = _reviewed(con, similar, self._locale)
            if found is not None:
                return found, round(score, 4)
        return tree

    def _connection(self) -> sqlite3.Connection:
        if self._con is None or self._con[0] != os.getpid():
            self._con = (os.getpid(), connect(self._db, create=False))
        return self._con[1]


def _reviewed(con: sqlite3.Connection, source: str, locale: str) -> Offer | None:
    """The latest reviewed translation of exactly `source` into `locale` in the memory, as an `Offer`."""
    for match in exact(con, source, locale=locale):
        if match.origin == "reviewed":
            where = ", ".join(part for part in ("memory", match.page, match.last_seen) if part)
            return Offer(source, match.target, where)
        break  # reviewed ones come first
    return None


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

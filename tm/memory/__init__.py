"""One translation memory across pages, handoffs and years, in an SQLite file (see `tm.memory.store`).

The library behind `tm memory`, for an editor plug-in or a web page as much as for the command line:

    >>> import tm.memory, tempfile, os
    >>> db = os.path.join(tempfile.mkdtemp(), "memory.sqlite")
    >>> with tm.memory.open_memory(db) as con:
    ...     report = tm.memory.add_catalog_entries(con, "fr-FR", [("Hello", "Bonjour", False)], page="a.md")
    ...     [m.target for m in tm.memory.lookup(con, "Hello")]
    ['Bonjour']

The memory is derived data: it can always be deleted and rebuilt from git history and the catalogs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tm.memory.harvest import AddReport, add_catalogs, add_history, add_pages, page_pairs
from tm.memory.query import Match, MemoryStats, exact, lookup, search, stats
from tm.memory.store import MT, REVIEWED, Batch, connect, default_db
from tm.model import ORIGINS

__all__ = [
    "ORIGINS",
    "AddReport",
    "Match",
    "MemoryStats",
    "add_catalog_entries",
    "add_catalogs",
    "add_history",
    "add_pages",
    "connect",
    "default_db",
    "exact",
    "export_tmx",
    "lookup",
    "open_memory",
    "page_pairs",
    "search",
    "stats",
]


def export_tmx(con: sqlite3.Connection, *, origins: tuple[str, ...] = ("reviewed",), locale: str = "") -> bytes:
    """The memory as TMX bytes (see `tm.memory.export`; imported when used, as it needs lxml)."""
    from tm.memory.export import export_tmx as export

    return export(con, origins=origins, locale=locale)


@contextmanager
def open_memory(path: str | Path, *, create: bool = True) -> Iterator[sqlite3.Connection]:
    """A connection to the memory at `path` (created when asked), closed on exit."""
    con = connect(path, create=create)
    try:
        yield con
    finally:
        con.close()


def add_catalog_entries(con: sqlite3.Connection, locale: str, entries: list[tuple[str, str, bool]], *,
                        page: str = "", date: int = 0, rev: str = "api") -> int:
    """Record (source, target, machine_translated) triples seen on `page`, e.g. reviews an editor saves.

    Returns how many were recorded (empty targets are not).
    """
    batch = Batch(con)
    when = (date, batch.rev(rev, date))
    page_id = batch.page_id(page)
    kept = [(source, locale, target, mt) for source, target, mt in entries if target]
    for mt in (False, True):
        keys = [(s, loc, t) for s, loc, t, m in kept if m == mt]
        batch.add_pairs(keys, MT if mt else REVIEWED, when, page_id)
    batch.flush()
    batch.close()
    return len(kept)

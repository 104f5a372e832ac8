"""`tm update --memory DB`: offers from the memory file as well as from the catalog tree's own reviews.

`remembered_reviews` reads what people reviewed in the memory (origin `reviewed`, the update's locale), the
latest first, as `tm.update.Reviews`, which `tm.jobs.update.run_update` adds to the tree's memory after the
tree's own (`more_reviews`): a review that left the tree (its page removed in an earlier handoff, its catalog
dropped) is offered again when its source comes back. The memory's reviews follow the same rules as the
tree's (issue 13): a translation of a similar source is an offer beside the handoff's translation; a person's
translation of the same source may take the msgstr of a machine-translated entry, fuzzy, with the handoff's
translation kept in a note. They count as the tree's do because they are the same thing, a person's
translation of exactly this English, only older: the entry stays fuzzy for a person to confirm, and nothing
of the handoff's is lost.

An offer from the memory names where it comes from as `memory, <page>, <last seen>`. The reviews are read
once into the same in-process index as the tree's: offers come only from reviews, and a memory of the whole
history holds far fewer of them than sources, so lookups cost what the tree's do (asking SQLite's fuzzy
lookup per segment was several times slower).

`record_tree` adds the catalogs of the tree to the memory first (only those whose content it has not read),
so the reviews an update sees are kept even when a later handoff drops their page.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from tm.memory.harvest import AddReport, add_catalogs
from tm.memory.query import iso_date
from tm.memory.store import REVIEWED, connect
from tm.model import canonical_locale
from tm.update import Reviews

__all__ = ["record_tree", "remembered_reviews"]

_MTIME_MARGIN_NS = 2_000_000_000  # FAT and some network file systems keep mtimes to 2 s


def remembered_reviews(db: str | Path, tree: str, *, locale: str) -> tuple[list[Reviews], list[str]]:
    """Record the tree in the memory at `db`, then read back its reviewed translations into `locale`, the
    latest first (rows of one page and date together, in that order): `run_update`'s `more_reviews`, and
    the errors of the catalogs that could not be recorded."""
    locale = locale or _catalogs_locale(tree)
    errors = record_tree(db, tree, locale=locale).errors
    con = connect(db, create=False)
    try:
        found: list[Reviews] = []
        for source, target, where in _reviewed(con, locale):
            if not found or found[-1].where != where:
                found.append(Reviews(where, [], []))
            found[-1].sources.append(source)
            found[-1].targets.append(target)
    finally:
        con.close()
    return found, list(errors)


def _catalogs_locale(tree: str) -> str:
    """The locale of a tree whose folder does not name one (`fr/`, `pt_BR/`, as gettext names them): its first
    catalog's `Language`, as the memory stores it."""
    from tm.catalogs import read_catalog
    from tm.errors import TmError
    from tm.formats import catalog_suffixes
    from tm.sources import walk_files

    for _, path in sorted(walk_files(tree, tuple(s for s in catalog_suffixes() if s != ".tmx"))):
        try:
            return canonical_locale(read_catalog(path).locale)
        except TmError:
            continue
    return ""


def _reviewed(con: sqlite3.Connection, locale: str) -> Iterator[tuple[str, str, str]]:
    """The memory's reviewed translations into `locale`, the latest first: source, target, `memory, page, date`."""
    rows = con.execute(
        "SELECT s.text, t.target, p.path, t.last_seen FROM translations t JOIN sources s ON s.id = t.source "
        "LEFT JOIN pages p ON p.id = t.page WHERE t.origin = ? AND t.locale = ? ORDER BY t.last_seen DESC, t.id",
        (REVIEWED, locale))
    for source, target, page, last in rows:
        yield source, target, ", ".join(part for part in ("memory", page, iso_date(last)) if part)


def record_tree(db: str | Path, tree: str, *, locale: str, only_changed: bool = False) -> AddReport:
    """Add the catalogs of the tree `tree` to the memory at `db` (created when missing); those whose content
    the memory read before are skipped. With `only_changed`, so are those not modified since the tree was
    last recorded (by mtime, less a margin for coarse clocks), which are then not even read: `tm sync` records
    at a cost that follows what people and the last sync changed, not the size of the tree."""
    from tm.formats import catalog_suffixes
    from tm.sources import walk_files

    files = sorted(walk_files(tree, tuple(s for s in catalog_suffixes() if s != ".tmx")))
    con = connect(db)
    try:
        key = "tree recorded:" + os.path.abspath(tree)
        started = time.time_ns()
        row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone() if only_changed else None
        if row is not None:
            since = int(row[0]) - _MTIME_MARGIN_NS
            files = [(rel, path) for rel, path in files if _modified_since(path, since)]
        report = add_catalogs(con, files, locale=locale)
        if not report.errors:  # else the next run tries the files that failed again
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, str(started)))
        return report
    finally:
        con.close()


def _modified_since(path: str, since: int) -> bool:
    try:
        return os.stat(path).st_mtime_ns >= since
    except OSError:
        return True  # add_catalogs says why it cannot be read

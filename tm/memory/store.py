"""The memory's SQLite file: schema, connection, and the batched upserts every harvester ends in.

The memory is derived data: everything in it comes from git history, page trees, catalogs and TMX files,
so it can be deleted and rebuilt at any time (`tm memory add` again). Its schema:

    sources(id, text, length)                  English sources, shared by every locale
    translations(id, source, locale, target,   one row per (source, locale, target)
                 origin, first_seen, first_rev, last_seen, last_rev, count, page)
    pages(id, path)      translation_pages(translation, page)    every page a translation was seen on
    revs(id, name, date)                       commits and handoffs a translation was seen in
    blobs(sha)                                 page versions and files already read (git blob ids)
    source_fts, target_fts                     FTS5 indexes (external content) for concordance and fuzzy candidates
    terms(side, term, docs)                    how many sources (side 0) or targets (1) hold each word, copied
                                               from `fts5vocab` after each add: it counts a common word's
                                               documents by reading its whole list (20 ms for "the")

Ids of sources and translations are 63-bit hashes of their text, so a harvester never has to look an id up:
each batch is a few `INSERT … ON CONFLICT` statements. `origin` is 0 reviewed (by a person), 1 vendor human
translation (HT), 2 vendor machine translation (MT); the best seen wins. `count` is how many page versions
(catalogs, TMX files) held it (a pair twice on one page counts once); `first_seen`/`last_seen` are the dates (Unix time) of the
earliest and latest commit or handoff that wrote it, `first_rev`/`last_rev` name them.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from tm.errors import SourceError
from tm.fileio import ignore_in_git

SCHEMA_VERSION = "1"
REVIEWED, HT, MT = 0, 1, 2  # indexes into tm.model.ORIGINS
DEFAULT_NAME = os.path.join(".tm", "memory.sqlite")
Key = tuple[str, str, str]  # (source, locale, target)
PAGE_SIZE = 8192  # a new memory's pages: 5% smaller than SQLite's 4 KB ones for these rows and indexes
FTS_HASH_BYTES = 64 << 20  # what FTS5 holds in memory before it writes a segment (its default: 1 MB)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources(id INTEGER PRIMARY KEY, text TEXT NOT NULL, length INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS translations(
    id INTEGER PRIMARY KEY, source INTEGER NOT NULL, locale TEXT NOT NULL, target TEXT NOT NULL,
    origin INTEGER NOT NULL, first_seen INTEGER NOT NULL, first_rev INTEGER NOT NULL,
    last_seen INTEGER NOT NULL, last_rev INTEGER NOT NULL, count INTEGER NOT NULL, page INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS translations_source ON translations(source);
CREATE TABLE IF NOT EXISTS pages(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS translation_pages(translation INTEGER NOT NULL, page INTEGER NOT NULL,
    PRIMARY KEY(translation, page)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS revs(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, date INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS blobs(sha BLOB PRIMARY KEY) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS source_fts USING fts5(
    text, content='sources', content_rowid='id', tokenize='unicode61 remove_diacritics 2', detail=full);
CREATE VIRTUAL TABLE IF NOT EXISTS target_fts USING fts5(
    target, content='translations', content_rowid='id', tokenize='unicode61 remove_diacritics 2', detail=full);
CREATE TABLE IF NOT EXISTS terms(side INTEGER NOT NULL, term TEXT NOT NULL, docs INTEGER NOT NULL,
    PRIMARY KEY(side, term)) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS source_vocab USING fts5vocab(source_fts, 'row');
CREATE VIRTUAL TABLE IF NOT EXISTS target_vocab USING fts5vocab(target_fts, 'row');
"""

_UPSERT = """
INSERT INTO translations(id, source, locale, target, origin, first_seen, first_rev, last_seen, last_rev, count, page)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(id) DO UPDATE SET
    origin = min(origin, excluded.origin),
    first_rev = CASE WHEN excluded.first_seen < first_seen THEN excluded.first_rev ELSE first_rev END,
    first_seen = min(first_seen, excluded.first_seen),
    last_rev = CASE WHEN excluded.last_seen >= last_seen THEN excluded.last_rev ELSE last_rev END,
    page = CASE WHEN excluded.last_seen >= last_seen THEN excluded.page ELSE page END,
    last_seen = max(last_seen, excluded.last_seen),
    count = count + excluded.count
"""


def text_id(text: str) -> int:
    """A source's id: the first 63 bits of its BLAKE2b digest (collisions are out of reach at a few million)."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def translation_id(source: str, locale: str, target: str) -> int:
    """A translation's id: the hash of its source, locale and target."""
    return text_id(f"{source}\0{locale}\0{target}")


def default_db(catalog_tree: str | Path) -> Path:
    """Where the memory of a catalog tree lives unless `--db` says otherwise: `<tree>/.tm/memory.sqlite`."""
    return Path(catalog_tree) / DEFAULT_NAME


def connect(path: str | Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (and if asked create) a memory file: WAL journal, the schema ensured, a version check."""
    path = Path(path)
    if not create and not path.exists():
        raise SourceError(f"{path}: no memory here (create one with `tm memory add`)")
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(str(path), isolation_level=None)
    _refuse_foreign(con, path)
    con.execute(f"PRAGMA page_size={PAGE_SIZE}")  # a new file only (before its first table)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA cache_size=-65536")
    con.executescript(_SCHEMA)
    found = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if found is None:
        con.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        for table in ("source_fts", "target_fts"):  # index texts in larger runs: fewer segments to merge
            con.execute(f"INSERT INTO {table}({table}, rank) VALUES ('hashsize', {FTS_HASH_BYTES})")
    elif found[0] != SCHEMA_VERSION:
        raise SourceError(f"{path}: memory schema {found[0]}, this tm reads {SCHEMA_VERSION}: delete it and add again")
    _ignore_file(path)
    ensure_index(con)  # an add interrupted before its end left the indexes behind its rows
    return con


def _refuse_foreign(con: sqlite3.Connection, path: Path) -> None:
    """A file that is not an SQLite database, or one of another program (tables, but not tm's `meta`), is a
    `SourceError` before anything is written to it (the schema, or WAL mode, would change another's file)."""
    try:
        tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        con.close()
        raise SourceError(f"{path}: not a tm memory ({exc})") from None
    if tables and "meta" not in tables:
        con.close()
        raise SourceError(f"{path}: not a tm memory (an SQLite file with other tables: {', '.join(sorted(tables)[:3])})")


def _ignore_file(path: Path) -> None:
    """A `.tm` folder's `.gitignore` lists the memory, so it is never committed with the catalogs (the folder
    also holds `tm sync`'s state, which is)."""
    if path.parent.name == ".tm":
        ignore_in_git(str(path.parent), f"# derived data: `tm memory add` rebuilds it\n{path.name}*\n")


# How one translation was seen in a batch, as a list (made and updated several times faster than a dataclass):
# [best origin, earliest (date, rev), latest (date, rev), count, page of the latest, every page (an int, or a
# set once there are several)].
Seen = list[Any]
_ORIGIN, _FIRST, _LAST, _COUNT, _PAGE, _PAGES = range(6)


class Batch:
    """Translations read since the last flush, aggregated in memory, and the files they came from.

    Harvesters call `add_pairs` per catalog or file, `add_version` per page version of a history (see
    `tm.memory.runs`), `flush` now and then, and `close` at the end. A flush is one transaction: an
    interrupted run leaves the memory as after the last flush, with exactly the commits and blobs whose pairs
    are in. Rows go in sorted by id with `executemany`, in the harvester's thread (a writer thread waits for
    the GIL at every row while the parser holds it: it was several times slower).

    The full-text indexes are not written row by row: `close` brings them up to date in one statement per
    index (a `rebuild` when the memory grew by a quarter or more, the first harvest above all; else the new
    rows only). Until then the memory is marked `fts stale`, so a run interrupted before `close` leaves a mark
    the next add (or the first query, `ensure_index`) catches up with.

    Use it as a context manager: leaving the block flushes and brings the indexes up to date.
    """

    def __init__(self, con: sqlite3.Connection) -> None:
        from tm.memory.runs import Runs

        self.con = con
        self.pages: dict[str, int] = dict(con.execute("SELECT path, id FROM pages"))
        self.seen: dict[Key, Seen] = {}
        self.blobs: list[bytes] = []
        self.revs: list[tuple[int, str, int]] = []
        self.new_pages: list[tuple[int, str]] = []
        self.pairs = 0
        self.runs = Runs(self.record)
        self._next_rev = con.execute("SELECT coalesce(max(id), 0) + 1 FROM revs").fetchone()[0]
        self._next_page = con.execute("SELECT coalesce(max(id), 0) + 1 FROM pages").fetchone()[0]
        self._sources: set[int] = set()
        self._translations: set[int] = set()
        self._new_sources: list[int] = []  # written, not indexed yet
        self._new_translations: list[int] = []
        self._loaded = False
        self._flushes = 0

    def __enter__(self) -> Batch:  # noqa: PYI034 - typing.Self needs Python 3.11
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if error is None:
            self.flush()
            self.close()

    def page_id(self, path: str) -> int:
        """The id of a page path (new pages are written with the next flush)."""
        found = self.pages.get(path)
        if found is None:
            found = self.pages[path] = self._next_page
            self.new_pages.append((found, path))
            self._next_page += 1
        return found

    def add_pairs(self, keys: list[Key], origin: int, when: tuple[int, int], page: int) -> None:
        """Record every (source, locale, target) of one catalog or file, seen at `when` = (date, rev id)."""
        self.pairs += len(keys)
        for key in dict.fromkeys(keys):
            self.record(key, origin, when, when, 1, page)

    def add_version(self, path: str, locale: str, pairs: set[tuple[str, str]], origin: int, when: tuple[int, int],
                    page: int) -> None:
        """Record the (source, target) pairs of one version of page `path` in a history, read in order."""
        self.pairs += len(pairs)
        self.runs.add(path, locale, pairs, origin, when, page)

    def record(self, key: Key, origin: int, first: tuple[int, int], last: tuple[int, int], count: int,
               page: int) -> None:
        """One translation seen `count` times from `first` to `last` (last on `page`)."""
        found = self.seen.get(key)
        if found is None:
            self.seen[key] = [origin, first, last, count, page, page]
            return
        found[_COUNT] += count
        found[_ORIGIN] = min(found[_ORIGIN], origin)
        found[_FIRST] = min(found[_FIRST], first)
        if last >= found[_LAST]:
            found[_LAST], found[_PAGE] = last, page
        pages = found[_PAGES]
        if pages != page:
            if isinstance(pages, int):
                found[_PAGES] = {pages, page}
            else:
                pages.add(page)

    def add_blob(self, sha: bytes) -> None:
        """Remember that a page version (or file) was read."""
        self.blobs.append(sha)

    def rev(self, name: str, date: int) -> int:
        """The id of a commit or handoff, recorded with this batch."""
        row = self.con.execute("SELECT id FROM revs WHERE name = ?", (name,)).fetchone()
        if row is not None:
            return int(row[0])
        for rev_id, rev_name, _ in self.revs:
            if rev_name == name:
                return rev_id
        self.revs.append((self._next_rev, name, date))
        self._next_rev += 1
        return int(self._next_rev) - 1

    def flush(self) -> None:
        """Write what was read so far, in one transaction."""
        self.runs.settle()
        self._flushes += 1
        rows = self._rows()
        self.seen, self.blobs, self.revs, self.new_pages = {}, [], [], []
        _write(self.con, rows)

    def close(self) -> None:
        """Bring the full-text indexes and word counts up to date with what was written."""
        added, total = len(self._new_translations), len(self._translations)
        ensure_index(self.con, sources=self._new_sources, translations=self._new_translations, total=total)
        self._new_sources, self._new_translations = [], []
        if added and added * 4 >= total:
            compact(self.con, vacuum=self._flushes > 1)

    def _rows(self) -> _Rows:
        """The batch as sorted rows: new sources, all translations (new ones apart), page links."""
        if not self._loaded:
            self._sources = {row[0] for row in self.con.execute("SELECT id FROM sources")}
            self._translations = {row[0] for row in self.con.execute("SELECT id FROM translations")}
            self._loaded = True
        sources: dict[str, int] = {}
        rows = []
        links = []
        for (source, locale, target), (origin, first, last, count, page, pages) in self.seen.items():
            source_id = sources.get(source)
            if source_id is None:
                source_id = sources[source] = text_id(source)
            tid = translation_id(source, locale, target)
            rows.append((tid, source_id, locale, target, origin, first[0], first[1], last[0], last[1], count, page))
            if isinstance(pages, int):
                links.append((tid, pages))
            else:
                links += ((tid, one) for one in pages)
        rows.sort(key=_first)  # by id: B-tree pages filled in order
        links.sort(key=_first)
        new_sources = sorted((sid, text) for text, sid in sources.items() if sid not in self._sources)
        self._sources.update(sid for sid, _ in new_sources)
        self._new_sources += (sid for sid, _ in new_sources)
        new = [row[0] for row in rows if row[0] not in self._translations]
        self._translations.update(new)
        self._new_translations += new
        return _Rows(self.revs, self.new_pages, new_sources, rows, links, [(sha,) for sha in self.blobs],
                     {"sources": len(self._sources), "translations": len(self._translations)})


_first = itemgetter(0)


@dataclass(frozen=True, slots=True)
class _Rows:
    revs: list[tuple[int, str, int]]
    pages: list[tuple[int, str]]
    sources: list[tuple[int, str]]
    translations: list[tuple[Any, ...]]
    links: list[tuple[int, int]]
    blobs: list[tuple[bytes]]
    counts: dict[str, int]  # rows of `sources` and `translations` once written (counting them is a table scan)


def _write(con: sqlite3.Connection, rows: _Rows) -> None:
    """One flush, in one transaction; the memory's full-text indexes are marked stale until `ensure_index`."""
    con.execute("BEGIN IMMEDIATE")
    try:
        con.executemany("INSERT OR IGNORE INTO revs(id, name, date) VALUES (?, ?, ?)", rows.revs)
        con.executemany("INSERT OR IGNORE INTO pages(id, path) VALUES (?, ?)", rows.pages)
        con.executemany("INSERT INTO sources(id, text, length) VALUES (?, ?, length(?2))", rows.sources)
        con.executemany(_UPSERT, rows.translations)
        con.executemany("INSERT OR IGNORE INTO translation_pages VALUES (?, ?)", rows.links)
        con.executemany("INSERT OR IGNORE INTO blobs(sha) VALUES (?)", rows.blobs)
        con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", rows.counts.items())
        if rows.sources or rows.translations:
            con.execute("INSERT OR REPLACE INTO meta VALUES ('fts', 'stale')")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def ensure_index(con: sqlite3.Connection, *, sources: list[int] | None = None,
                 translations: list[int] | None = None, total: int = 0) -> None:
    """Bring the FTS5 indexes and `terms` up to date with the rows: index the new `sources` and `translations`
    (ids), or rebuild both indexes when they are many (a quarter of `total` or more) or when the memory is
    marked stale without knowing which rows are new (an add interrupted before its end)."""
    stale = con.execute("SELECT value FROM meta WHERE key = 'fts'").fetchone()
    if stale is None or stale[0] != "stale":
        return
    known = sources is not None and translations is not None
    con.execute("BEGIN IMMEDIATE")
    try:
        if not known or len(translations or ()) * 4 >= max(total, 1):
            for table in ("source_fts", "target_fts"):
                con.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
        else:
            _index_rows(con, "source_fts", "text", "sources", sources or [])
            _index_rows(con, "target_fts", "target", "translations", translations or [])
        con.execute("DELETE FROM terms")
        con.execute("INSERT INTO terms SELECT 0, term, doc FROM source_vocab")
        con.execute("INSERT INTO terms SELECT 1, term, doc FROM target_vocab")
        con.execute("DELETE FROM meta WHERE key = 'fts'")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def compact(con: sqlite3.Connection, *, vacuum: bool = True) -> None:
    """Merge each FTS5 index into one segment, and VACUUM when asked: after an add that grew the memory by a
    quarter or more (the first harvest above all), this takes back the room that several flushes of inserts
    in random id order leave (one flush fills its pages in id order: nothing to take back)."""
    con.execute("INSERT INTO source_fts(source_fts) VALUES ('optimize')")
    con.execute("INSERT INTO target_fts(target_fts) VALUES ('optimize')")
    if vacuum:
        con.execute("VACUUM")


def _index_rows(con: sqlite3.Connection, table: str, column: str, content: str, ids: list[int]) -> None:
    """Index the rows `ids` of `content` in `table` (one statement; the ids go in as one JSON array)."""
    if ids:
        con.execute(f"INSERT INTO {table}(rowid, {column}) SELECT id, {column} FROM {content} "
                    "WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))


def seen_blobs(con: sqlite3.Connection) -> set[bytes]:
    """The page versions and files already read."""
    return {row[0] for row in con.execute("SELECT sha FROM blobs")}


def seen_revs(con: sqlite3.Connection) -> set[str]:
    """The names of the commits and handoffs already read."""
    return {row[0] for row in con.execute("SELECT name FROM revs")}

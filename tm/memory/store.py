"""The memory's SQLite file: schema, connection, and the batched upserts every harvester ends in.

The memory is derived data: everything in it comes from git history, page trees, catalogs and TMX files,
so it can be deleted and rebuilt at any time (`tm memory add` again). Its schema:

    sources(id, text, length)                  English sources, shared by every locale
    translations(id, source, locale, target,   one row per (source, locale, target)
                 origin, first_seen, first_rev, last_seen, last_rev, count, page)
    pages(id, path)      translation_pages(translation, page)    every page a translation was seen on
    revs(id, name, date)                       commits and handoffs a translation was seen in
    blobs(sha, translations)                   page versions and files already read, with what they held
    source_fts, target_fts                     FTS5 indexes (external content) for concordance and fuzzy candidates

Ids of sources and translations are 63-bit hashes of their text, so a harvester never has to look an id up:
each batch is a few `INSERT … ON CONFLICT` statements. `origin` is 0 reviewed (by a person), 1 vendor human
translation (HT), 2 vendor machine translation (MT); the best seen wins. `count` is the number of page
versions (or catalog entries) it was read from; `first_seen`/`last_seen` are the dates (Unix time) of the
earliest and latest commit or handoff that wrote it, `first_rev`/`last_rev` name them.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tm.errors import SourceError

SCHEMA_VERSION = "1"
ORIGINS = ("reviewed", "ht", "mt")
REVIEWED, HT, MT = 0, 1, 2
DEFAULT_NAME = os.path.join(".tm", "memory.sqlite")

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
CREATE TABLE IF NOT EXISTS blobs(sha BLOB PRIMARY KEY, translations BLOB NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS source_fts USING fts5(
    text, content='sources', content_rowid='id', tokenize='unicode61 remove_diacritics 2', detail=full);
CREATE VIRTUAL TABLE IF NOT EXISTS target_fts USING fts5(
    target, content='translations', content_rowid='id', tokenize='unicode61 remove_diacritics 2', detail=full);
CREATE VIRTUAL TABLE IF NOT EXISTS source_vocab USING fts5vocab(source_fts, 'row');
CREATE VIRTUAL TABLE IF NOT EXISTS target_vocab USING fts5vocab(target_fts, 'row');
CREATE TRIGGER IF NOT EXISTS sources_fts AFTER INSERT ON sources BEGIN
    INSERT INTO source_fts(rowid, text) VALUES (new.id, new.text); END;
CREATE TRIGGER IF NOT EXISTS translations_fts AFTER INSERT ON translations BEGIN
    INSERT INTO target_fts(rowid, target) VALUES (new.id, new.target); END;
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
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA cache_size=-65536")
    con.executescript(_SCHEMA)
    found = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if found is None:
        con.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
    elif found[0] != SCHEMA_VERSION:
        raise SourceError(f"{path}: memory schema {found[0]}, this tm reads {SCHEMA_VERSION}: delete it and add again")
    _ignore_file(path)
    return con


def _ignore_file(path: Path) -> None:
    """A `.tm` folder gets a `.gitignore` of `*`, so the memory is never committed with the catalogs."""
    if path.parent.name == ".tm":
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# derived data: `tm memory add` rebuilds it\n*\n", encoding="utf-8")


@dataclass(slots=True)
class Seen:
    """How one translation was seen in a batch: best origin, earliest and latest (date, rev), count, last page."""

    origin: int
    first: tuple[int, int]
    last: tuple[int, int]
    count: int
    page: int


@dataclass
class Batch:
    """Translations read since the last flush, aggregated in memory, and the blobs they came from.

    Harvesters call `add` per pair (or `add_pairs` per page version) and `flush` now and then; a flush is one
    transaction, so an interrupted run leaves the memory as it was after the last flush (and the commits and
    blobs it recorded are exactly the ones whose pairs are in).
    """

    con: sqlite3.Connection
    pages: dict[str, int] = field(default_factory=dict)
    seen: dict[tuple[str, str, str], Seen] = field(default_factory=dict)
    page_links: set[tuple[tuple[str, str, str], int]] = field(default_factory=set)
    blobs: list[tuple[bytes, list[tuple[str, str, str]]]] = field(default_factory=list)
    replays: list[tuple[bytes, int, int, int]] = field(default_factory=list)
    revs: list[tuple[int, str, int]] = field(default_factory=list)
    pairs: int = 0

    def __post_init__(self) -> None:
        self.pages = dict(self.con.execute("SELECT path, id FROM pages"))

    def page_id(self, path: str) -> int:
        found = self.pages.get(path)
        if found is None:
            found = self.pages[path] = self.con.execute(
                "INSERT INTO pages(path) VALUES (?) ON CONFLICT(path) DO UPDATE SET path = path RETURNING id",
                (path,)).fetchone()[0]
        return found

    def add_pairs(self, keys: list[tuple[str, str, str]], origin: int, when: tuple[int, int], page: int
                  ) -> list[tuple[str, str, str]]:
        """Record every (source, locale, target) of one page version; returns the distinct keys it held."""
        seen = self.seen
        self.pairs += len(keys)
        for key in keys:
            found = seen.get(key)
            if found is None:
                seen[key] = Seen(origin, when, when, 1, page)
                continue
            found.count += 1
            if origin < found.origin:
                found.origin = origin
            if when < found.first:
                found.first = when
            if when >= found.last:
                found.last, found.page = when, page
        distinct = list(dict.fromkeys(keys))
        self.page_links.update((key, page) for key in distinct)
        return distinct

    def add_blob(self, sha: bytes, keys: list[tuple[str, str, str]]) -> None:
        """Remember that a page version was read, and the translations it held (for `replay`)."""
        self.blobs.append((sha, keys))

    def replay(self, sha: bytes, when: tuple[int, int], page: int) -> None:
        """A page version already read comes back (a revert, a rename): its translations are seen again."""
        self.replays.append((sha, when[0], when[1], page))

    def rev(self, name: str, date: int) -> int:
        """The id of a commit or handoff, recorded with this batch."""
        row = self.con.execute("SELECT id FROM revs WHERE name = ?", (name,)).fetchone()
        if row is not None:
            return int(row[0])
        next_id = self.con.execute("SELECT coalesce(max(id), 0) + 1 FROM revs").fetchone()[0]
        next_id = max([next_id] + [r[0] + 1 for r in self.revs])
        self.revs.append((next_id, name, date))
        return int(next_id)

    def flush(self) -> None:
        """Write the batch in one transaction and start a new one."""
        con = self.con
        con.execute("BEGIN")
        try:
            con.executemany("INSERT OR IGNORE INTO revs(id, name, date) VALUES (?, ?, ?)", self.revs)
            self._write_translations()
            self._write_blobs()
            self._replay()
            for table in ("sources", "translations"):
                con.execute(f"INSERT OR REPLACE INTO meta VALUES ('{table}', (SELECT count(*) FROM {table}))")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        self.seen.clear()
        self.page_links.clear()
        self.blobs.clear()
        self.replays.clear()
        self.revs.clear()

    def _write_translations(self) -> None:
        ids: dict[tuple[str, str, str], int] = {}
        sources: dict[str, int] = {}
        rows = []
        for key, s in self.seen.items():
            source, locale, target = key
            source_id = sources.get(source)
            if source_id is None:
                source_id = sources[source] = text_id(source)
            ids[key] = tid = translation_id(source, locale, target)
            rows.append((tid, source_id, locale, target, s.origin, s.first[0], s.first[1], s.last[0], s.last[1],
                         s.count, s.page))
        self.con.executemany("INSERT INTO sources(id, text, length) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING",
                             ((sid, text, len(text)) for text, sid in sources.items()))
        self.con.executemany(_UPSERT, rows)
        self.con.executemany("INSERT OR IGNORE INTO translation_pages VALUES (?, ?)",
                             ((ids[key], page) for key, page in self.page_links))
        self._ids = ids

    def _write_blobs(self) -> None:
        ids = self._ids
        self.con.executemany("INSERT OR IGNORE INTO blobs(sha, translations) VALUES (?, ?)",
                             ((sha, array("q", sorted({ids[k] for k in keys})).tobytes()) for sha, keys in self.blobs))

    def _replay(self) -> None:
        for sha, date, rev, page in self.replays:
            row = self.con.execute("SELECT translations FROM blobs WHERE sha = ?", (sha,)).fetchone()
            if row is None:
                continue
            tids = array("q")
            tids.frombytes(row[0])
            self.con.executemany(
                "UPDATE translations SET count = count + 1, "
                "last_rev = CASE WHEN ?2 >= last_seen THEN ?3 ELSE last_rev END, "
                "page = CASE WHEN ?2 >= last_seen THEN ?4 ELSE page END, last_seen = max(last_seen, ?2) WHERE id = ?1",
                ((tid, date, rev, page) for tid in tids))
            self.con.executemany("INSERT OR IGNORE INTO translation_pages VALUES (?, ?)", ((tid, page) for tid in tids))


def seen_blobs(con: sqlite3.Connection) -> set[bytes]:
    """The page versions and files already read."""
    return {row[0] for row in con.execute("SELECT sha FROM blobs")}


def seen_revs(con: sqlite3.Connection) -> set[str]:
    """The names of the commits and handoffs already read."""
    return {row[0] for row in con.execute("SELECT name FROM revs")}

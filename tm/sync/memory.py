"""The reviews of a catalog tree in a SQLite file (`.tm/reviews.sqlite`), queried by `tm sync` per lookup.

A commit of 20 pages asks `tm update`'s memory a few dozen questions; building the memory of a whole tree
(~140,000 reviews, and a similarity index of their sources) for them would cost far more than the commit's
pages, and so would loading it from a file. So the reviews stay on disk, indexed, and each lookup asks:

- `reviews`: each catalog's reviews in tiers: its active reviews (0), the ones sync's own steps took out of
  it (1, `tm.sync.state`), its obsolete (`#~`) ones (2), each in catalog order (`pos`). Memory order, as
  `Memory.of_reviews` builds it, is (tier, catalog path, pos): the first offer of a source, and the asking
  catalog's own first (`Memory.lookup`), are one indexed query each;
- `sources`, `words`, `postings`: every distinct source reviewed, how many of them hold each word (`df`),
  and which (with their lengths): what `tm.align.FuzzyIndex` builds in memory, kept up to date as
  catalogs change. `TreeMemory.lookup` answers as `FuzzyIndex.best` over the same sources would: the same
  stop words (the 1% most common), the same candidates (half the rare words, within the length window),
  the same scores (rapidfuzz), and the same winner among equal scores (the first in memory order, by
  length first when the length window is scanned).

Derived data, git-ignored: a missing, damaged or older file is rebuilt from the catalogs (`tm.sync.state`).
Each process opens its own connection (forked workers inherit the memory, never a connection).
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice

from tm.align import _words, length_window
from tm.update_memory import Memory, Offer, Reviews

__all__ = ["ACTIVE", "DEPARTED", "OBSOLETE", "ReviewStore", "TreeMemory"]

ACTIVE, DEPARTED, OBSOLETE = 0, 1, 2  # the tiers of a catalog's reviews, in memory order
_VERSION = 4  # PRAGMA user_version; 3 was the marshal files, which had no obsolete reviews
_COMMON = 0.01  # FuzzyIndex's `common`: words in more of the sources than this share are stop words
_CHUNK = 500  # ids per `IN (...)` query
_SCHEMA = """
CREATE TABLE catalogs(rel TEXT PRIMARY KEY, mtime INTEGER NOT NULL, size INTEGER NOT NULL, reviewed INTEGER NOT NULL
                      ) WITHOUT ROWID;
CREATE TABLE sources(id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE, length INTEGER NOT NULL);
CREATE INDEX sources_by_length ON sources(length);
CREATE TABLE reviews(rel TEXT NOT NULL, tier INTEGER NOT NULL, pos INTEGER NOT NULL, source INTEGER NOT NULL,
                     target TEXT NOT NULL, PRIMARY KEY(rel, tier, pos)) WITHOUT ROWID;
CREATE INDEX reviews_by_source ON reviews(source, tier, rel, pos);
CREATE TABLE words(word TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE postings(word TEXT NOT NULL, length INTEGER NOT NULL, source INTEGER NOT NULL,
                      PRIMARY KEY(word, length, source)) WITHOUT ROWID;
"""


class ReviewStore:
    """The SQLite file of a tree's reviews: catalogs' (mtime_ns, size) as last read, their reviews by tier, and
    the word index of their sources. Writes go in one transaction until `commit`."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            self._db, self._pid = _open(self.path), os.getpid()
        return self._db

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None

    def commit(self) -> None:
        self.db.commit()

    def stats(self) -> dict[str, tuple[int, int]]:
        """`{catalog: (mtime_ns, size)}` as last read."""
        return {rel: (mtime, size) for rel, mtime, size in self.db.execute("SELECT rel, mtime, size FROM catalogs")}

    def pairs(self, rel: str, tier: int) -> list[tuple[str, str]]:
        """A catalog's reviews of one tier, as (source, target), in catalog order."""
        return self.db.execute("SELECT s.text, r.target FROM reviews r JOIN sources s ON s.id = r.source "
                               "WHERE r.rel = ? AND r.tier = ? ORDER BY r.pos", (rel, tier)).fetchall()

    def reviewed(self) -> int:
        """The active reviews of the tree's catalogs."""
        return int(self.db.execute("SELECT TOTAL(reviewed) FROM catalogs").fetchone()[0])

    def put(self, found: Iterable[tuple[tuple[int, int], Reviews]]) -> None:
        """Record catalogs as read: their (mtime_ns, size), active and obsolete reviews (replacing what was)."""
        rows: list[tuple[str, int, int, str, str]] = []
        stats: list[tuple[str, int, int, int]] = []
        for (mtime, size), reviews in found:
            stats.append((reviews.where, mtime, size, len(reviews.sources)))
            rows += _rows(reviews.where, ACTIVE, reviews.sources, reviews.targets)
            rows += _rows(reviews.where, OBSOLETE, reviews.obsolete_sources, reviews.obsolete_targets)
        rels = [(stat[0],) for stat in stats]
        dropped = self._delete(rels, (ACTIVE, OBSOLETE))
        self.db.executemany("INSERT OR REPLACE INTO catalogs VALUES (?, ?, ?, ?)", stats)
        self._insert(rows)
        self._drop_unused(dropped)

    def forget(self, rels: list[str]) -> None:
        """Catalogs gone from the tree: their reviews go (not the ones sync took out of them)."""
        dropped = self._delete([(rel,) for rel in rels], (ACTIVE, OBSOLETE))
        self.db.executemany("DELETE FROM catalogs WHERE rel = ?", [(rel,) for rel in rels])
        self._drop_unused(dropped)

    def depart(self, rel: str, pairs: list[tuple[str, str]]) -> None:
        """Add reviews sync's steps took out of `rel` (after the ones it took before)."""
        last = self.db.execute("SELECT MAX(pos) FROM reviews WHERE rel = ? AND tier = ?", (rel, DEPARTED)).fetchone()[0]
        start = -1 if last is None else last
        self._insert([(rel, DEPARTED, start + 1 + n, s, t) for n, (s, t) in enumerate(pairs)])

    def departed(self) -> dict[str, list[tuple[str, str]]]:
        found: dict[str, list[tuple[str, str]]] = {}
        for rel, source, target in self.db.execute(
                "SELECT r.rel, s.text, r.target FROM reviews r JOIN sources s ON s.id = r.source "
                "WHERE r.tier = ? ORDER BY r.rel, r.pos", (DEPARTED,)):
            found.setdefault(rel, []).append((source, target))
        return found

    def _delete(self, rels: list[tuple[str]], tiers: tuple[int, ...]) -> set[int]:
        """Delete the reviews of `rels` in `tiers`; the source ids they used."""
        marks = ",".join("?" * len(tiers))
        used: set[int] = set()
        for (rel,) in rels:
            used.update(s for (s,) in self.db.execute(
                f"SELECT source FROM reviews WHERE rel = ? AND tier IN ({marks})", (rel, *tiers)))
        self.db.executemany(f"DELETE FROM reviews WHERE rel = ? AND tier IN ({marks})", [(r, *tiers) for (r,) in rels])
        return used

    def _insert(self, rows: list[tuple[str, int, int, str, str]]) -> None:
        """Insert reviews `(rel, tier, pos, source, target)`, adding the sources not known yet to the index."""
        ids = self._ids({row[3] for row in rows})
        self.db.executemany("INSERT OR REPLACE INTO reviews VALUES (?, ?, ?, ?, ?)",
                            [(rel, tier, pos, ids[source], target) for rel, tier, pos, source, target in rows])

    def _ids(self, texts: set[str]) -> dict[str, int]:
        """The ids of these sources, new ones indexed (their words counted and posted)."""
        ids: dict[str, int] = {}
        if self.db.execute("SELECT 1 FROM sources LIMIT 1").fetchone() is not None:
            for chunk in _chunks(sorted(texts)):
                ids.update(self.db.execute(f"SELECT text, id FROM sources WHERE text IN ({_marks(chunk)})", chunk))
        new = sorted(texts - ids.keys())
        if not new:
            return ids
        top = self.db.execute("SELECT MAX(id) FROM sources").fetchone()[0] or 0
        df: Counter[str] = Counter()
        postings: list[tuple[str, int, int]] = []
        for n, text in enumerate(new, top + 1):
            ids[text] = n
            words = set(_words(text))
            df.update(words)
            postings += [(word, len(text), n) for word in words]
        self.db.executemany("INSERT INTO sources VALUES (?, ?, ?)", [(ids[t], t, len(t)) for t in new])
        postings.sort()
        self.db.executemany("INSERT INTO postings VALUES (?, ?, ?)", postings)
        self.db.executemany("INSERT INTO words VALUES (?, ?) ON CONFLICT(word) DO UPDATE SET df = df + excluded.df",
                            sorted(df.items()))
        return ids

    def _drop_unused(self, ids: set[int]) -> None:
        """Forget the sources of `ids` no review uses any more (their words uncounted)."""
        df: Counter[str] = Counter()
        for chunk in _chunks(sorted(ids)):
            unused = self.db.execute(f"SELECT id, text FROM sources s WHERE id IN ({_marks(chunk)}) AND NOT EXISTS "
                                     "(SELECT 1 FROM reviews r WHERE r.source = s.id)", chunk).fetchall()
            for sid, text in unused:
                words = set(_words(text))
                df.update(words)
                self.db.executemany("DELETE FROM postings WHERE word = ? AND length = ? AND source = ?",
                                    [(word, len(text), sid) for word in words])
            self.db.executemany("DELETE FROM sources WHERE id = ?", [(sid,) for sid, _ in unused])
        self.db.executemany("UPDATE words SET df = df - ? WHERE word = ?", [(n, w) for w, n in df.items()])
        self.db.executemany("DELETE FROM words WHERE word = ? AND df <= 0", [(w,) for w in df])


def _rows(rel: str, tier: int, sources: Iterable[str], targets: Iterable[str]) -> list[tuple[str, int, int, str, str]]:
    return [(rel, tier, pos, source, target) for pos, (source, target) in enumerate(zip(sources, targets))]


def _chunks(items: list[str] | list[int]) -> Iterator[list]:  # type: ignore[type-arg]
    it = iter(items)
    while chunk := list(islice(it, _CHUNK)):
        yield chunk


def _marks(chunk: list) -> str:  # type: ignore[type-arg]
    return ",".join("?" * len(chunk))


def _open(path: str) -> sqlite3.Connection:
    """A connection to the store at `path`, made anew (empty) when missing, damaged or of another version."""
    for _ in range(2):
        try:
            db = sqlite3.connect(path)
            db.execute("PRAGMA synchronous = OFF")  # derived data: a crash at worst makes it be rebuilt
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version == _VERSION:
                return db
            if db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is None:
                db.executescript(_SCHEMA + f"PRAGMA user_version = {_VERSION};")
                return db
            db.close()
        except sqlite3.DatabaseError:
            pass
        os.remove(path)
    raise sqlite3.DatabaseError(f"{path}: cannot make a review index")


class TreeMemory(Memory):
    """`Memory.of_reviews` of the tree's reviews in `store` (active, departed, then obsolete; see the module
    docstring), answering `lookup` alike by querying the store."""

    def __init__(self, store: ReviewStore) -> None:
        super().__init__(())
        self._store = store
        self._answers: dict[tuple[str, float, str], tuple[Offer, float] | None] = {}
        self._size = -1

    def __len__(self) -> int:
        if self._size < 0:
            self._size = int(self._store.db.execute("SELECT COUNT(*) FROM sources").fetchone()[0])
        return self._size

    def prepare(self) -> TreeMemory:
        return self  # nothing to build: each worker opens its own connection

    def lookup(self, source: str, *, threshold: float = 0.8, where: str = "") -> tuple[Offer, float] | None:
        key = (source, threshold, where)
        if key not in self._answers:
            self._answers[key] = self._lookup(source, threshold, where)
        return self._answers[key]

    def _lookup(self, source: str, threshold: float, where: str) -> tuple[Offer, float] | None:
        db = self._store.db
        found = db.execute("SELECT id FROM sources WHERE text = ?", (source,)).fetchone()
        if found is not None:
            own = db.execute("SELECT target FROM reviews WHERE source = ? AND rel = ? ORDER BY tier, pos LIMIT 1",
                             (found[0], where)).fetchone()
            if own is not None:
                return Offer(source, own[0], where), 1.0
            return self._first(found[0], source), 1.0
        best = self._best(source, threshold)
        return None if best is None else (self._first(best[0], best[1]), best[2])

    def _first(self, sid: int, source: str) -> Offer:
        target, rel = self._store.db.execute("SELECT target, rel FROM reviews WHERE source = ? "
                                             "ORDER BY tier, rel, pos LIMIT 1", (sid,)).fetchone()
        return Offer(source, target, rel)

    def _order(self, sid: int) -> tuple[int, str, int]:
        """Where a source first comes in memory order (FuzzyIndex's stored order)."""
        tier, rel, pos = self._store.db.execute("SELECT tier, rel, pos FROM reviews WHERE source = ? "
                                                "ORDER BY tier, rel, pos LIMIT 1", (sid,)).fetchone()
        return int(tier), str(rel), int(pos)

    def _best(self, query: str, threshold: float) -> tuple[int, str, float] | None:
        """`(id, source, score)` of the most similar reviewed source, as `FuzzyIndex.best` (`_best`) finds it."""
        db = self._store.db
        low, high = length_window(len(query), threshold)
        if db.execute("SELECT 1 FROM sources WHERE length BETWEEN ? AND ? LIMIT 1", (low, high)).fetchone() is None:
            return None
        words = sorted(set(_words(query)))
        df = dict(db.execute(f"SELECT word, df FROM words WHERE word IN ({_marks(words)})", words)) if words else {}
        cap = max(100, int(len(self) * _COMMON))
        rare = [w for w in words if df.get(w, 0) <= cap]
        posted = [w for w in rare if df.get(w, 0) > 0]
        if not rare or (len(rare) == 1 and not posted):  # stop words only, or one new word: the window, scanned
            rows = db.execute("SELECT id, text FROM sources WHERE length BETWEEN ? AND ?", (low, high)).fetchall()
            return _winner(query, rows, threshold, lambda sid, text: (len(text), self._order(sid)))
        need = (len(rare) + 1) // 2  # half of them, counted over their postings in the length window
        rows = db.execute(f"SELECT s.id, s.text FROM sources s JOIN (SELECT source FROM postings WHERE word IN "
                          f"({_marks(posted)}) AND length BETWEEN ? AND ? GROUP BY source HAVING COUNT(*) >= ?) p "
                          "ON s.id = p.source", (*posted, low, high, need)).fetchall()
        return _winner(query, rows, threshold, lambda sid, text: self._order(sid))


def _winner(query: str, rows: list[tuple[int, str]], threshold: float, order: object) -> tuple[int, str, float] | None:
    """The best scoring of `rows` (id, text) at `threshold` or more; among equal scores the least by
    `order(id, text)`."""
    if not rows:
        return None
    from rapidfuzz import fuzz, process

    found = process.extract(query, [text for _, text in rows], scorer=fuzz.ratio, score_cutoff=threshold * 100,
                            limit=None)
    if not found:
        return None
    top = max(score for _, score, _ in found)
    tied = [rows[at] for _, score, at in found if score == top]
    sid, text = min(tied, key=lambda row: order(*row)) if len(tied) > 1 else tied[0]  # type: ignore[operator]
    return sid, text, round(top / 100, 4)

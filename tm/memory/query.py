"""Reading the memory: exact and fuzzy lookup of a source, concordance of words or a phrase, counts.

Fuzzy lookup takes its candidates from the FTS5 index: the sources of a compatible length that hold one of
the query's rarest words (by document frequency, see `terms` in `tm.memory.store`), and scores them all
with rapidfuzz (`ratio`, as `tm update` does): the rarest words are taken (at least two, at most six) while
the texts holding them add up to `FUZZY_BUDGET`, and words held by more than a tenth of the sources are not
asked for, so a query made of common words does not score half the memory. Concordance ranks by bm25 only
while the query's rarest word is in at most `RANKED_LIMIT` texts; beyond that it takes the first matches
unranked (ranking costs some microseconds per text), so a search for "the" answers as quickly as one for
"garbage collector".
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from tm.memory.store import text_id
from tm.model import ORIGINS

CANDIDATES = 5_000  # texts scored by rapidfuzz at most (scoring is cheaper than ranking them with bm25)
RANKED_LIMIT = 2_000
FUZZY_BUDGET = 4_000  # fuzzy candidates come from the rarest words whose texts add up to about this many
_WORD = re.compile(r"\w+")
_MARK_START, _MARK_END = "\x02", "\x03"


@dataclass(frozen=True, slots=True)
class Match:
    """One translation in the memory, as lookup and search return it."""

    source: str
    target: str
    score: float  # 1.0 for an exact source; the rapidfuzz ratio for a fuzzy one; bm25 order for a search
    origin: str  # reviewed, ht or mt
    locale: str
    first_seen: str  # ISO date of the earliest commit or handoff that wrote it ("" when undated)
    last_seen: str
    page: str  # the page it was last seen on
    count: int = 1
    marks: tuple[tuple[str, int, int], ...] = ()  # search: (side, start, end) of each matched word

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "source": self.source, "target": self.target, "score": round(self.score, 4), "origin": self.origin,
            "locale": self.locale, "first_seen": self.first_seen, "last_seen": self.last_seen, "page": self.page,
            "count": self.count,
        }
        if self.marks:
            data["marks"] = [{"side": side, "start": start, "end": end} for side, start, end in self.marks]
        return data


def iso_date(stamp: int) -> str:
    """Unix time → `YYYY-MM-DD` (UTC); "" for 0 (undated)."""
    return datetime.fromtimestamp(stamp, timezone.utc).strftime("%Y-%m-%d") if stamp else ""


_COLUMNS = ("t.target, t.origin, t.locale, t.first_seen, t.last_seen, (SELECT path FROM pages WHERE id = t.page), "
            "t.count")


def _match(source: str, row: tuple[Any, ...], score: float, marks: tuple[tuple[str, int, int], ...] = ()) -> Match:
    target, origin, locale, first, last, page, count = row
    return Match(source, target, score, ORIGINS[origin], locale, iso_date(first), iso_date(last), page or "",
                 count, marks)


def _locale_filter(locale: str) -> tuple[str, tuple[str, ...]]:
    return (" AND t.locale = ?", (locale,)) if locale else ("", ())


def exact(con: sqlite3.Connection, source: str, *, locale: str = "") -> list[Match]:
    """Every translation of exactly `source`: reviewed first, then HT, MT; the most recent first."""
    where, args = _locale_filter(locale)
    rows = con.execute(f"SELECT {_COLUMNS} FROM translations t WHERE t.source = ?{where} "
                       "ORDER BY t.origin, t.last_seen DESC, t.count DESC", (text_id(source), *args)).fetchall()
    return [_match(source, row, 1.0) for row in rows]


def lookup(con: sqlite3.Connection, text: str, *, locale: str = "", limit: int = 10,
           threshold: float = 0.75) -> list[Match]:
    """Exact matches of `text`, then the most similar other sources (score ≥ `threshold`), best first."""
    found = exact(con, text, locale=locale)
    if len(found) >= limit:
        return found[:limit]
    for source, score in fuzzy_sources(con, text, limit=limit, threshold=threshold):
        for match in exact(con, source, locale=locale):
            found.append(Match(match.source, match.target, score, match.origin, match.locale, match.first_seen,
                               match.last_seen, match.page, match.count))
        if len(found) >= limit:
            break
    return found[:limit]


def fuzzy_sources(con: sqlite3.Connection, text: str, *, limit: int = 10, threshold: float = 0.75
                  ) -> list[tuple[str, float]]:
    """Other sources similar to `text` (rapidfuzz ratio ≥ threshold), best first."""
    from rapidfuzz import fuzz, process

    words = rare_words(con, text, side="source")
    if not words:
        return []
    low, high = int(len(text) * threshold / (2 - threshold)), int(len(text) * (2 - threshold) / threshold) + 1
    query = " OR ".join(_quote(word) for word in words)
    rows = con.execute(
        "SELECT s.text FROM source_fts JOIN sources s ON s.id = source_fts.rowid "
        "WHERE source_fts MATCH ? AND s.length BETWEEN ? AND ? LIMIT ?",
        (query, low, high, CANDIDATES)).fetchall()
    candidates = [row[0] for row in rows if row[0] != text]
    scored = process.extract(text, candidates, scorer=fuzz.ratio, score_cutoff=threshold * 100, limit=limit)
    return [(source, score / 100) for source, score, _ in scored]


def rare_words(con: sqlite3.Connection, text: str, *, side: str, keep: int = 6) -> list[str]:
    """The `keep` words of `text` held by the fewest texts of the index (words no text holds are dropped)."""
    words = list(dict.fromkeys(_fold(word) for word in _WORD.findall(text)))
    if not words:
        return []
    counts = sorted((docs, word) for word in words if (docs := _docs(con, word, side)))
    total = max(1, _count(con, "sources" if side == "source" else "translations"))
    rare = [(docs, word) for docs, word in counts if docs <= total // 10]
    if not rare:
        return [word for _, word in counts[:1]]
    chosen: list[str] = []
    budget = 0
    for docs, word in rare[:keep]:
        if len(chosen) >= 2 and budget + docs > FUZZY_BUDGET:
            break
        chosen.append(word)
        budget += docs
    return chosen


def _docs(con: sqlite3.Connection, word: str, side: str) -> int:
    """How many texts of a side hold `word`: from `terms` (see `tm.memory.store`), else from the FTS5 vocabulary."""
    row = con.execute("SELECT docs FROM terms WHERE side = ? AND term = ?", (side != "source", word)).fetchone()
    if row is None and not _has_terms(con):
        vocab = "source_vocab" if side == "source" else "target_vocab"
        row = con.execute(f"SELECT doc FROM {vocab} WHERE term = ?", (word,)).fetchone()
    return int(row[0]) if row else 0


def _has_terms(con: sqlite3.Connection) -> bool:
    return con.execute("SELECT 1 FROM terms LIMIT 1").fetchone() is not None


def _fold(word: str) -> str:
    """A word as the FTS5 `unicode61 remove_diacritics 2` tokenizer stores it (lower case, no accents)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _count(con: sqlite3.Connection, table: str) -> int:
    """Rows of `sources` or `translations`, as the last write recorded them (counting takes too long here)."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", (table,)).fetchone()
    return int(row[0]) if row else 0


def fts_query(query: str) -> str:
    """A user's query as an FTS5 expression: "quoted phrases" stay phrases, other words must all occur."""
    parts = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', query):
        tokens = _WORD.findall(phrase if phrase else word)
        if tokens:
            parts.append('"' + " ".join(tokens) + '"')
    return " AND ".join(parts)


def search(con: sqlite3.Connection, query: str, *, side: str = "source", locale: str = "", limit: int = 50
           ) -> list[Match]:
    """Concordance: translations whose source (or target) holds every word or "phrase" of `query`."""
    expression = fts_query(query)
    if not expression:
        return []
    table = "source_fts" if side == "source" else "target_fts"
    order = "ORDER BY rank " if _rarest_count(con, query, side) <= RANKED_LIMIT else ""
    where, args = _locale_filter(locale)
    found = (f"(SELECT rowid, highlight({table}, 0, '{_MARK_START}', '{_MARK_END}') AS marked FROM {table} "
             f"WHERE {table} MATCH ? {order}LIMIT ?) f")
    if side == "source":
        joins = "JOIN sources s ON s.id = f.rowid JOIN translations t ON t.source = s.id"
    else:
        joins = "JOIN translations t ON t.id = f.rowid JOIN sources s ON s.id = t.source"
    rows = con.execute(f"SELECT s.text, f.marked, {_COLUMNS} FROM {found} {joins} WHERE 1{where}",
                       (expression, limit * 4, *args)).fetchall()
    return _concordance(rows, side, limit)


def _concordance(rows: list[tuple[Any, ...]], side: str, limit: int) -> list[Match]:
    """One match per text found, with its best translation (reviewed first, then the latest), in rank order;
    marks are offsets into the side searched."""
    best: dict[str, tuple[Any, ...]] = {}
    for row in rows:
        source, marked, target, origin, _, _, last = row[:7]
        key = source if side == "source" else f"{target}\0{source}"
        held = best.get(key)
        if held is None or (origin, -last) < (held[3], -held[6]):
            best[key] = row
    found = []
    for source, marked, *rest in list(best.values())[:limit]:
        _, marks = _marks(marked)
        found.append(_match(source, tuple(rest), 1.0, tuple((side, start, end) for start, end in marks)))
    return found


def _marks(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Text without the highlight markers, and the (start, end) of each marked stretch."""
    out, marks, start = [], [], 0
    size = 0
    for piece in re.split(f"([{_MARK_START}{_MARK_END}])", marked):
        if piece == _MARK_START:
            start = size
        elif piece == _MARK_END:
            marks.append((start, size))
        else:
            out.append(piece)
            size += len(piece)
    return "".join(out), marks


def _rarest_count(con: sqlite3.Connection, query: str, side: str) -> int:
    return min((_docs(con, _fold(word), side) for word in _WORD.findall(query)), default=0)


@dataclass(frozen=True, slots=True)
class MemoryStats:
    """What a memory holds."""

    sources: int
    translations: int
    by_locale: dict[str, dict[str, int]]  # locale → origin → translations
    pages: int
    commits_and_handoffs: int
    blobs: int
    several_translations: int  # sources with more than one translation in a locale
    first_seen: str
    last_seen: str
    size_bytes: int

    def to_json(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}


def stats(con: sqlite3.Connection, *, locale: str = "") -> MemoryStats:
    """Counts of the memory (of one locale when asked)."""
    where, args = (" WHERE locale = ?", (locale,)) if locale else ("", ())
    by_locale: dict[str, dict[str, int]] = {}
    for loc, origin, n in con.execute(f"SELECT locale, origin, count(*) FROM translations{where} "
                                      "GROUP BY locale, origin", args):
        by_locale.setdefault(loc, {})[ORIGINS[origin]] = n
    first, last = con.execute(f"SELECT min(first_seen), max(last_seen) FROM translations{where}", args).fetchone()
    several = con.execute(f"SELECT count(*) FROM (SELECT 1 FROM translations{where} GROUP BY source, locale "
                          "HAVING count(*) > 1)", args).fetchone()[0]
    size = con.execute("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size").fetchone()[0]
    return MemoryStats(
        sources=con.execute(f"SELECT count(DISTINCT source) FROM translations{where}", args).fetchone()[0],
        translations=sum(sum(v.values()) for v in by_locale.values()),
        by_locale=by_locale,
        pages=con.execute("SELECT count(*) FROM pages").fetchone()[0],
        commits_and_handoffs=con.execute("SELECT count(*) FROM revs").fetchone()[0],
        blobs=con.execute("SELECT count(*) FROM blobs").fetchone()[0],
        several_translations=several,
        first_seen=iso_date(first or 0), last_seen=iso_date(last or 0), size_bytes=size,
    )

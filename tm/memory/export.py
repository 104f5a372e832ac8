"""The memory as one TMX 1.4b document, for CAT tools (OmegaT, Trados) and MT customisation.

Each translation is one `<tu>` (its `tuid` is the translation's id in hex), written by `tm.formats.tmx`
like the memories `tm export` writes: `x-translationtype` is `MT` for vendor machine translation and `HT`
otherwise, `creationdate` and `x-handoff` the date it was first seen, `x-page` the page it was last seen on,
`x-occurrences` its count, plus `x-origin` (reviewed, ht, mt) and `x-last-seen`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from tm.formats import tmx
from tm.memory.query import iso_date
from tm.model import ORIGINS, Entry


def export_tmx(con: sqlite3.Connection, *, origins: tuple[str, ...] = ("reviewed",), locale: str = "") -> bytes:
    """The translations of the chosen origins (and locale) as TMX bytes, sources in alphabetical order.

    By default only what people reviewed, as `tm export` does: what a CAT tool may insert without a look."""
    return b"".join(tmx.write_units(_units(con, origins, locale)))


def write_tmx(con: sqlite3.Connection, path: str | Path, *, origins: tuple[str, ...] = ("reviewed",), locale: str = ""
              ) -> int:
    """`export_tmx` written to `path` chunk by chunk (a temporary file renamed at the end, as
    `tm.fileio.write_atomic` does), so a memory of the whole history is never held in memory; returns the units."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    units = 0
    try:
        with open(tmp, "wb") as out:
            for chunk in tmx.write_units(_units(con, origins, locale)):
                out.write(chunk)
                units += 1
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return units - 2  # the header and the end are chunks too


def _units(con: sqlite3.Connection, origins: tuple[str, ...], locale: str
           ) -> Iterator[tuple[Entry, str, str, str, str, int, dict[str, str]]]:
    codes = [ORIGINS.index(origin) for origin in origins]
    where = f"t.origin IN ({', '.join('?' * len(codes))})" + (" AND t.locale = ?" if locale else "")
    rows = con.execute(
        "SELECT t.id, s.text, t.target, t.origin, t.locale, t.first_seen, t.last_seen, t.count, p.path "
        "FROM translations t JOIN sources s ON s.id = t.source LEFT JOIN pages p ON p.id = t.page "
        f"WHERE {where} ORDER BY s.text, t.locale, t.origin, t.target", (*codes, *([locale] if locale else [])))
    for tid, source, target, origin, loc, first, last, count, page in rows:
        entry = Entry("", source, target, fuzzy=origin == 2)
        extra = {"x-origin": ORIGINS[origin]}
        if last:
            extra["x-last-seen"] = iso_date(last)
        yield entry, f"{tid:016x}", page or "", iso_date(first), loc, count, extra

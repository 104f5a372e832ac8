"""How far a synced catalog tree is from one `tm update` over the same span (issue 18's equality bar).

Shared by the corpus test (a sub-range of the history) and `benchmarks/bench_sync.py` (the whole range).
Entries compare by (msgctxt, msgid, msgstr, fuzzy, flags, previous msgid), per catalog, as multisets.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tm.formats import po
from tm.model import Entry
from tm.sources import walk_files

MARK = "RELU"  # what the simulated reviews put before the msgstr of every 3rd entry


@dataclass
class Equality:
    entries: int = 0
    differing: int = 0
    lost: list[tuple[str, str]] = field(default_factory=list)  # reviewed texts the update keeps, the sync nowhere
    examples: list[tuple[str, tuple[object, ...], tuple[object, ...]]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.differing / max(1, self.entries)


def _key(entry: Entry) -> tuple[object, ...]:
    return entry.id, entry.source, entry.target, entry.fuzzy, tuple(sorted(entry.flags)), entry.previous_source


def compare_trees(synced: Path, updated: Path, *, mark: str = MARK) -> Equality:
    """The active entries that differ, and the reviewed texts (msgstr starting with `mark`) the updated tree
    holds that the synced one holds nowhere. (A review offered from another catalog may come from another
    catalog in the sync, whose memory is the tree as each commit found it: that review is still kept.)"""
    found = Equality()
    kept: set[str] = set()
    lost: list[tuple[str, str]] = []
    ours = dict(walk_files(synced, (".po",)))
    theirs = dict(walk_files(updated, (".po",)))
    for rel in sorted(ours.keys() | theirs.keys()):
        mine = po.read(Path(ours[rel]).read_bytes(), path=ours[rel]) if rel in ours else None
        other = po.read(Path(theirs[rel]).read_bytes(), path=theirs[rel]) if rel in theirs else None
        a = Counter(map(_key, mine.active)) if mine else Counter()
        b = Counter(map(_key, other.active)) if other else Counter()
        found.entries += max(sum(a.values()), sum(b.values()))
        found.differing += sum((a - b).values())
        found.examples += [(rel, x, y) for x, y in zip(sorted(a - b), sorted(b - a))][:3]
        if mine:
            kept.update(e.target for e in mine.entries)
        lost += [(rel, e.target) for e in (other.active if other else []) if e.target.startswith(mark)]
    found.lost = [(rel, text) for rel, text in lost if text not in kept]
    return found

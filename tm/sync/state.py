"""What `tm sync` keeps in the catalog tree, under `<tree>/.tm/`.

- `sync.json`: the last commit whose changes the tree's catalogs hold, the paths inside the repository the
  pages were taken from, and the repository (for messages). `tm extract --repo/--rev` writes it, and sync
  rewrites it with each commit's catalogs (staged with them: `tm.jobs.tree.Staging`), so a sync
  stopped at any point resumes at the next commit. It is the tree's state, kept with the catalogs.
- `reviews.marshal`: the reviewed entries of every catalog, with the size and modification time of the
  file they were read from (`ReviewIndex`). Derived data, git-ignored (`.tm/.gitignore`): a catalog whose
  (mtime_ns, size) differs from what the index holds (a person reviewed in an editor between two syncs) is
  read again, and a missing or unreadable index is rebuilt from the catalogs.

The index also keeps the reviews sync's own steps took out of a catalog's reviewed entries (made obsolete,
or carried fuzzy to an edited source): one update from the handoff before offers every review the tree held
then, so a sentence the vendor moves from one page to another in two commits must still find the review
its first commit took away. They come after the tree's reviews in the memory, and only sync adds them (a
person who changes a review in an editor meant it); an index rebuilt from the catalogs starts without them.

Why an index: the offers of `tm update` (a person's review of the same source elsewhere in the tree, and
of similar sources) need the reviews of the whole tree, and reading 12,000 catalogs for each commit would
cost more than the commit's own pages. Listing and `stat`ing the tree once per run is what stays.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tm.align import FuzzyIndex
from tm.errors import InputError
from tm.fileio import read_file, write_atomic
from tm.formats import catalog_suffixes, for_path, po
from tm.sync.git import resolve
from tm.sync.memory import SIMILAR_NAME, TreeMemory, load_similar, save_similar
from tm.update import Memory, Reviews, reviews

__all__ = ["STATE_DIR", "ReviewIndex", "SyncState", "read_state", "record_extract", "state_bytes", "write_state"]

STATE_DIR = ".tm"
STATE_NAME = "sync.json"
INDEX_NAME = "reviews.marshal"
DELTA_NAME = "reviews-delta.marshal"  # what changed since INDEX_NAME was written, and the departed reviews
_FULL_SAVE = 0.05  # share of the catalogs changed since the index was written, past which it is rewritten
_INDEX_VERSION = 3
_IGNORE = (f"# derived data of tm sync, rebuilt from the catalogs when missing\n{INDEX_NAME}\n{DELTA_NAME}\n"
           "similar.marshal\n.*.tmp*\n")


@dataclass(frozen=True, slots=True)
class SyncState:
    """The commit a catalog tree was last synced to (or extracted from), and where its pages came from."""

    commit: str
    paths: tuple[str, ...] = ()
    repo: str = ""

    def to_json(self) -> dict[str, object]:
        return {"commit": self.commit, "paths": list(self.paths), "repo": self.repo}


def state_path(base: str) -> str:
    return os.path.join(base, STATE_DIR, STATE_NAME)


def read_state(base: str) -> SyncState | None:
    """The tree's recorded commit, or None; a damaged file is an `InputError`."""
    path = state_path(base)
    try:
        data = json.loads(read_file(path))
        return SyncState(str(data["commit"]), tuple(data.get("paths", ())), str(data.get("repo", "")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(path, None, f"not a tm sync state ({exc})") from None


def state_bytes(state: SyncState) -> bytes:
    return (json.dumps(state.to_json(), indent=1) + "\n").encode()


def write_state(base: str, state: SyncState) -> None:
    """Record `state` in the tree (atomically), with the `.gitignore` that keeps the index out of git."""
    os.makedirs(os.path.join(base, STATE_DIR), exist_ok=True)
    ignore = os.path.join(base, STATE_DIR, ".gitignore")
    if not os.path.exists(ignore):
        write_atomic(ignore, _IGNORE.encode())
    write_atomic(state_path(base), state_bytes(state))


def record_extract(trees: list[str], repo: Path, rev: str, paths: list[str]) -> None:
    """What `tm extract --repo/--rev` records in each catalog tree it wrote: the commit, for `tm sync`."""
    commit = resolve(repo, rev)
    for tree in trees:
        write_state(tree, SyncState(commit, tuple(p.strip("/") for p in paths), str(repo)))


# where → (mtime_ns, size, sources, targets)
_Record = tuple[int, int, list[str], list[str]]


class ReviewIndex:
    """The reviewed entries of a catalog tree, by catalog (its path in the tree), kept in step with the files.

    `memory()` gives them as `tm.update.Memory`, in tree order as `tm update` builds it; it is made again
    only after a catalog changed.
    """

    def __init__(self, base: str, records: dict[str, _Record] | None = None,
                 departed: dict[str, tuple[list[str], list[str]]] | None = None) -> None:
        self.base = base
        self.records: dict[str, _Record] = records or {}
        self.departed: dict[str, tuple[list[str], list[str]]] = departed or {}
        self._memory: Memory | None = None
        self._similar: FuzzyIndex | None = None
        self._similar_state = "unread"  # then "saved" (as on disk) or "new" (to save)
        self._changed: set[str] = set()  # catalogs whose record changed since INDEX_NAME was written
        self.read = 0  # catalogs read (not found in the index as they are)

    @classmethod
    def load(cls, base: str) -> ReviewIndex:
        """The index saved in the tree, brought up to date with the catalogs on disk."""
        top = os.path.join(base, STATE_DIR)
        records, departed, changed = _load(os.path.join(top, INDEX_NAME)), {}, set()
        delta = _load(os.path.join(top, DELTA_NAME)) if records else {}
        if delta:
            changed = set(delta["changed"])
            for rel, record in delta["changed"].items():
                if record is None:
                    records.pop(rel, None)
                else:
                    records[rel] = record
            departed = delta["departed"]
        index = cls(base, records, departed)
        index._changed = changed
        index.refresh()
        return index

    def refresh(self) -> None:
        """Read again the catalogs whose (mtime_ns, size) changed, add new ones, forget removed ones."""
        found = _catalog_stats(self.base)
        for gone in self.records.keys() - found.keys():
            del self.records[gone]
            self._changed.add(gone)
            self._memory = None
        for rel, (mtime, size) in found.items():
            record = self.records.get(rel)
            if record is None or record[0] != mtime or record[1] != size:
                self._read(rel, os.path.join(self.base, rel))

    def update(self, wheres: Iterable[str]) -> None:
        """Catalogs (paths in the tree) sync just wrote or deleted; the reviews they no longer hold depart."""
        for rel in wheres:
            path = os.path.join(self.base, rel)
            before = self.records.get(rel)
            if os.path.exists(path):
                self._read(rel, path)
            elif self.records.pop(rel, None) is not None:
                self._changed.add(rel)
                self._memory = None
            if before is not None:
                self._depart(rel, before[2], before[3])

    def _depart(self, rel: str, sources: list[str], targets: list[str]) -> None:
        """Keep the reviews `rel` held (`sources`, `targets`) that it no longer holds."""
        now = self.records.get(rel)
        held = set(zip(now[2], now[3])) if now else set()
        known = self.departed.setdefault(rel, ([], []))
        seen = set(zip(*known))
        for pair in zip(sources, targets):
            if pair not in held and pair not in seen:
                seen.add(pair)
                known[0].append(pair[0])
                known[1].append(pair[1])
                self._memory = None
        if not known[0]:
            del self.departed[rel]

    def _read(self, rel: str, path: str) -> None:
        """(Re)index one catalog; one that cannot be read or parsed offers nothing (update says why)."""
        info: os.stat_result | None = None
        try:
            info = os.stat(path)
            raw = read_file(path)
            adapter = for_path(os.path.basename(path))
            if adapter is po:
                found = reviews(po.read(raw, path=path, reviewed_only=True, header=False), rel)
            elif adapter is not None:
                found = reviews(adapter.read(raw, path=path), rel)
            else:
                return
        except (OSError, InputError):
            found = Reviews(rel, [], [])
        old = self.records.get(rel)
        if old is None or old[2] != found.sources or old[3] != found.targets:
            self._memory = None
        self.read += 1
        self._changed.add(rel)
        self.records[rel] = (info.st_mtime_ns if info else 0, info.st_size if info else -1,
                             found.sources, found.targets)

    @property
    def reviewed(self) -> int:
        """Reviewed entries in the tree."""
        return sum(len(r[2]) for r in self.records.values())

    def memory(self) -> Memory:
        """The tree's reviews as `tm update`'s memory (tree order), then the departed ones; made once per change
        of the index."""
        if self._memory is None:
            found = [Reviews(rel, r[2], r[3]) for rel, r in sorted(self.records.items())]
            found += [Reviews(rel, d[0], d[1]) for rel, d in sorted(self.departed.items())]
            self._memory = TreeMemory(found, self._load_similar, self._new_similar)
        return self._memory

    def _load_similar(self) -> FuzzyIndex | None:
        if self._similar_state == "unread":
            self._similar = load_similar(os.path.join(self.base, STATE_DIR, SIMILAR_NAME))
            self._similar_state = "saved"
        return self._similar

    def _new_similar(self, index: FuzzyIndex) -> None:
        self._similar, self._similar_state = index, "new"

    def save(self) -> None:
        """Write the index into the tree (atomically): the next run reads only what changed since. What
        changed since the whole index was last written goes in a small file of its own, until it is 5% of it."""
        top = os.path.join(self.base, STATE_DIR)
        os.makedirs(top, exist_ok=True)
        if len(self._changed) > _FULL_SAVE * len(self.records) or not os.path.exists(os.path.join(top, INDEX_NAME)):
            write_atomic(os.path.join(top, INDEX_NAME), marshal.dumps((_INDEX_VERSION, self.records)))
            self._changed = set()
        delta = {"changed": {rel: self.records.get(rel) for rel in sorted(self._changed)}, "departed": self.departed}
        write_atomic(os.path.join(top, DELTA_NAME), marshal.dumps((_INDEX_VERSION, delta)))
        if self._similar is not None and self._similar_state == "new":
            save_similar(os.path.join(top, SIMILAR_NAME), self._similar)
            self._similar_state = "saved"


def _load(path: str) -> Any:
    """What `ReviewIndex.save` wrote at `path` (of this version), or an empty dict."""
    try:
        version, data = marshal.loads(read_file(path))
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return data if version == _INDEX_VERSION and isinstance(data, dict) else {}


def _catalog_stats(base: str) -> dict[str, tuple[int, int]]:
    """`{catalog path in the tree: (mtime_ns, size)}` of every catalog (hidden folders and files left out)."""
    suffixes = catalog_suffixes()
    found: dict[str, tuple[int, int]] = {}
    folders = [("", base)]
    while folders:
        rel, folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append((rel + entry.name + "/", entry.path))
            elif entry.name.lower().endswith(suffixes):
                with contextlib.suppress(OSError):
                    info = entry.stat()
                    found[rel + entry.name] = (info.st_mtime_ns, info.st_size)
    return found

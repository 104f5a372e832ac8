"""What `tm sync` keeps in the catalog tree, under `<tree>/.tm/`.

- `sync.json`: the last commit whose changes the tree's catalogs hold, the paths inside the repository the
  pages were taken from, and the repository (for messages). `tm extract --repo/--rev` writes it, and sync
  rewrites it with each commit's catalogs (staged with them: `tm.jobs.tree.Staging`), so a sync
  stopped at any point resumes at the next commit. It is the tree's state, kept with the catalogs.
- `reviews.sqlite`: the reviewed entries of every catalog, active and obsolete (`#~`), with the size and
  modification time of the file they were read from (`ReviewIndex`, stored by `tm.sync.memory.ReviewStore`
  and queried there for each offer). Derived data, git-ignored (`.tm/.gitignore`): a catalog whose
  (mtime_ns, size) differs from what the index holds (a person reviewed in an editor between two syncs) is
  read again, and a missing, damaged or older index is rebuilt from the catalogs.

The index also keeps the reviews sync's own steps took out of a catalog's reviewed entries (made obsolete,
or carried fuzzy to an edited source): one update from the handoff before offers every review the tree held
then, so a sentence the vendor moves from one page to another in two commits must still find the review
its first commit took away. They come after the tree's active reviews in the memory, before the obsolete
ones (update's memory order), and only sync adds them (a person who changes a review in an editor meant
it); an index rebuilt from the catalogs starts without them.

Why an index: the offers of `tm update` (a person's review of the same source elsewhere in the tree, and
of similar sources) need the reviews of the whole tree, and reading 12,000 catalogs for each commit would
cost more than the commit's own pages; so would loading all their reviews. Listing and `stat`ing the tree
once per run is what stays: it is how an edit made in an editor between two syncs is seen.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tm.errors import InputError
from tm.fileio import ignore_in_git, read_file, trusted_mtime, write_atomic
from tm.formats import catalog_suffixes, for_path, po
from tm.jobs.update_page import has_obsolete_review
from tm.sync.git import resolve
from tm.sync.memory import ACTIVE, DEPARTED, ReviewStore, TreeMemory
from tm.update_memory import Memory, Reviews, reviews

__all__ = ["STATE_DIR", "ReviewIndex", "SyncState", "ignore_derived", "read_state", "record_extract", "state_bytes",
           "write_state"]

STATE_DIR = ".tm"
STATE_NAME = "sync.json"
INDEX_NAME = "reviews.sqlite"
_BATCH = 500  # catalogs read, then stored, at a time
_OLD_FILES = ("reviews.marshal", "reviews-delta.marshal", "similar.marshal")  # tm's index before the store
_IGNORE = (f"# derived data of tm sync, rebuilt from the catalogs when missing\n{INDEX_NAME}\n{INDEX_NAME}-journal\n"
           ".*.tmp*\n")


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
    ignore_derived(base)
    write_atomic(state_path(base), state_bytes(state))


def ignore_derived(base: str) -> None:
    """Add to the `.gitignore` of the tree's `.tm/` the patterns of sync's derived files it lacks (an older
    tm's lists its older index), keeping the lines it holds (`tm memory` keeps its store there too)."""
    os.makedirs(os.path.join(base, STATE_DIR), exist_ok=True)
    ignore_in_git(os.path.join(base, STATE_DIR), _IGNORE)


def record_extract(trees: list[str], repo: Path, rev: str, paths: list[str]) -> None:
    """What `tm extract --repo/--rev` records in each catalog tree it wrote: the commit, for `tm sync`."""
    commit = resolve(repo, rev)
    for tree in trees:
        write_state(tree, SyncState(commit, tuple(p.strip("/") for p in paths), str(repo)))


class ReviewIndex:
    """The reviews of a catalog tree (`tm.sync.memory.ReviewStore`), kept in step with its catalogs.

    `memory()` gives them as `tm.update.Memory` (a `TreeMemory` querying the store), made again after a
    catalog changed.
    """

    def __init__(self, base: str, store: ReviewStore) -> None:
        self.base = base
        self.store = store
        self._memory: TreeMemory | None = None
        self.read = 0  # catalogs read (not found in the index as they are)
        self.unreadable: list[str] = []  # catalogs that could not be read: their reviews are not offered

    @classmethod
    def load(cls, base: str, *, scratch: str = "") -> ReviewIndex:
        """The index saved in the tree, brought up to date with the catalogs on disk. With `scratch` (a
        scratch tree, `--dry-run`'s), a copy of it there is brought up to date and the index works on that
        tree: the tree's own `.tm/` is left as it is."""
        top = os.path.join(base, STATE_DIR)
        path = os.path.join(top, INDEX_NAME)
        if scratch:
            os.makedirs(os.path.join(scratch, STATE_DIR), exist_ok=True)
            if os.path.exists(path):
                shutil.copyfile(path, os.path.join(scratch, STATE_DIR, INDEX_NAME))
            path = os.path.join(scratch, STATE_DIR, INDEX_NAME)
        else:
            ignore_derived(base)
            for old in _OLD_FILES:  # the index of an older tm: replaced by the store
                with contextlib.suppress(OSError):
                    os.remove(os.path.join(top, old))
        index = cls(base, ReviewStore(path))
        index.refresh()
        index.base = scratch or base
        return index

    def refresh(self) -> None:
        """Read again the catalogs whose (mtime_ns, size) changed, add new ones, forget removed ones."""
        found = _catalog_stats(self.base)
        known = self.store.stats()
        gone = sorted(known.keys() - found.keys())
        if gone:
            self.store.forget(gone)
        changed = sorted(rel for rel, stat in found.items() if known.get(rel) != stat)
        for at in range(0, len(changed), _BATCH):  # a whole tree (the index made anew) in batches: less memory
            self.store.put([self._read(rel, os.path.join(self.base, rel)) for rel in changed[at:at + _BATCH]])
        if gone or changed:
            self._memory = None
        self.store.commit()

    def update(self, wheres: Iterable[str]) -> None:
        """Catalogs (paths in the tree) sync just wrote or deleted; the reviews they no longer hold depart."""
        rels = sorted(set(wheres))
        before = {rel: self.store.pairs(rel, ACTIVE) for rel in rels}
        there = [rel for rel in rels if os.path.exists(os.path.join(self.base, rel))]
        self.store.put([self._read(rel, os.path.join(self.base, rel)) for rel in there])
        self.store.forget(sorted(set(rels) - set(there)))
        for rel in rels:
            if before[rel]:
                self._depart(rel, before[rel])
        self._memory = None
        self.store.commit()

    def _depart(self, rel: str, before: list[tuple[str, str]]) -> None:
        """Keep the reviews `rel` held (`before`) that it no longer holds."""
        seen = set(self.store.pairs(rel, ACTIVE)) | set(self.store.pairs(rel, DEPARTED))
        gone = []
        for pair in before:
            if pair not in seen:
                seen.add(pair)
                gone.append(pair)
        if gone:
            self.store.depart(rel, gone)

    def _read(self, rel: str, path: str) -> tuple[tuple[int, int], Reviews]:
        """One catalog's (mtime_ns, size) and reviews, active and obsolete; one that cannot be read or parsed
        offers nothing (update says why). The mtime is -1 (read it again) while it is racy (`tm.fileio.trusted_mtime`)."""
        self.read += 1
        try:
            info = os.stat(path)
            raw = read_file(path)
            adapter = for_path(os.path.basename(path))
            if adapter is po:
                found = (reviews(po.read_lazy(raw, path=path), rel) if has_obsolete_review(raw)
                         else reviews(po.read(raw, path=path, reviewed_only=True, header=False), rel))
            else:
                found = reviews(adapter.read(raw, path=path), rel) if adapter else Reviews(rel, [], [])
        except (OSError, InputError) as exc:  # said at every run until fixed: indexed as (0, -1), read again
            why = str(exc) if isinstance(exc, InputError) else f"{path}: {exc.strerror}"
            self.unreadable.append(f"{why}; its reviews are not offered to other pages")
            return (0, -1), Reviews(rel, [], [])
        return (trusted_mtime(info), info.st_size), found

    @property
    def reviewed(self) -> int:
        """Reviewed entries in the tree (active)."""
        return self.store.reviewed()

    def memory(self) -> Memory:
        """The tree's reviews as `tm update`'s memory (tree order), then the departed ones, then the obsolete
        ones."""
        if self._memory is None:
            self._memory = TreeMemory(self.store)
        return self._memory

    def save(self) -> None:
        """Commit what changed (each `update` and `refresh` does already)."""
        self.store.commit()


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

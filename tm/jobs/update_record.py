"""What an update from git leaves in the tree so that the next one reads only the pages that changed.

`tm update --repo R --rev NEW` lists the handoff's pages with their git blob ids (`git ls-tree`, nothing
read). After the update, `<tree>/.tm/update.marshal` records, for each page and each catalog the run left
stamped (`tm.jobs.stamp`), the page's blob id and the catalog file's (mtime_ns, size), with the options
the stamps follow from. The next update settles (`tm.jobs.update.Settled`) every page whose blob and
catalog are as recorded: its catalog's stamp holds for the new page, so the full update would leave it as
it is, and neither is read. Everything else goes through update's two passes as always: pages whose blob
differs (edited, added, removed, renamed: update pairs renames by content, as without a record), catalogs
someone changed since (a review in an editor, `tm sync`, `review apply`, an update from a directory),
catalogs of other formats (never stamped), pages an error left, pages of one catalog name.

Each entry is a fact about one file that stays true until the file changes, so the record needs no
previous revision: the update may go to any commit (a descendant, an older one, another branch) and still
gives the catalogs of the full update. It is derived data (git-ignored, as the review index of `tm sync`):
missing, unreadable or made with other options or another version of tm, every page is read, and the
record made again. A catalog written within its file system's clock tick of being recorded is recorded
with mtime -1 (read next time), as git treats racy files: a same-size save in that tick would look unchanged.

The memory needs the reviews of every catalog when a page wants offers: the full update reads the catalogs
its stamps spared (`ReviewsJob`), those holding some. The record keeps what such a read gave, with the file's
(mtime_ns, size) taken before it, so the next update reads only the settled catalogs it has not seen
(after the first update from git, which rewrites every catalog, the next one reads them once).
"""

from __future__ import annotations

import contextlib
import marshal
import os
from dataclasses import dataclass, field
from typing import Any

from tm.catalogs import page_relpath
from tm.fileio import ignore_in_git, read_file, trusted_mtime, write_atomic, write_file
from tm.formats import catalog_suffixes
from tm.jobs.stamp import options_key, untouched
from tm.jobs.tree import Staging, page_key, under
from tm.jobs.update import Settled, UpdateOptions, UpdateSummary
from tm.jobs.update_page import has_obsolete_review, tree_name
from tm.sources import GitSource, Source, walk_files
from tm.sync.state import STATE_DIR, STATE_NAME, SyncState, state_bytes, write_state
from tm.update import Reviews

__all__ = ["RECORD_NAME", "GitPlanner"]

RECORD_NAME = "update.marshal"  # under STATE_DIR
_IGNORE = f"# derived data of tm update, made again by a full update when missing\n{RECORD_NAME}\n"
_VERSION = 2

# page key → (catalog path in the tree or "" for none, mtime_ns, size, page blob or "" for none, reviewed, unread,
# its `Reviews` fields but `where` when read, else None)
_Entry = tuple[str, int, int, str, int, bool, Any]


@dataclass(slots=True)
class GitPlanner:
    """The `tm.jobs.update.Planner` of an update from a git revision: settles what the tree's record allows
    (none of it when `full`), stages the tree's sync state (the revision, for `tm sync`), and records."""

    base: str
    source: GitSource
    options: UpdateOptions
    commit: str
    full: bool = False
    why_full: str = ""  # why every page was read, when the record could not help
    _kept: dict[str, _Entry] = field(default_factory=dict)
    _blobs: dict[str, str] = field(default_factory=dict)
    _stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # page key → its catalog's, before the run

    def plan(self, by_page: dict[str, str], stats: dict[str, tuple[int, int]], skip: list[str]
             ) -> tuple[Source, Settled]:
        names: dict[str, list[str]] = {}
        for relpath, blob in self.source.blobs():
            names.setdefault(page_key(relpath), []).append(relpath)
            self._blobs[page_key(relpath)] = blob
        self._stats = {key: stats[path] for key, path in by_page.items() if path in stats}
        record = {} if self.full else self._load()
        settled: dict[str, _Entry] = {}
        for key in set(self._blobs) | set(by_page):
            entry = record.get(key)
            if entry is not None and len(names.get(key, ())) < 2 and not under(key, skip) \
                    and self._holds(entry, key, by_page.get(key)):
                settled[key] = entry
        self._kept = settled
        read = {r for key, relpaths in names.items() if key not in settled for r in relpaths}
        with_catalog = [e for e in settled.values() if e[0]]
        known = tuple(Reviews(e[0], *e[6]) for e in with_catalog if e[5] and e[6] is not None)
        unread = tuple(by_page[k] for k, e in settled.items() if e[5] and e[6] is None)
        return self.source.only(read), Settled(
            frozenset(settled), len(with_catalog), sum(1 for e in with_catalog if e[3]),
            sum(e[4] for e in with_catalog), unread, known)

    def _holds(self, entry: _Entry, key: str, catalog: str | None) -> bool:
        """Whether the recorded page and catalog are the ones here."""
        if entry[3] != self._blobs.get(key, ""):
            return False
        if catalog is None:
            return not entry[0]
        return entry[0] == self._tree_path(catalog) and self._stats.get(key) == (entry[1], entry[2])

    def _load(self) -> dict[str, _Entry]:
        """The record, if it was made with these options by this tm; else why not in `why_full`."""
        try:
            version, key, pages = marshal.loads(read_file(self._path()))
        except FileNotFoundError:
            self.why_full = "no record of an earlier update of this tree from git"
            return {}
        except (OSError, ValueError, EOFError, TypeError):
            self.why_full = "its record of the last update cannot be read"
            return {}
        if version != _VERSION or key != self._key():
            self.why_full = "its catalogs were updated with other options or another version of tm"
            return {}
        if not isinstance(pages, dict) or not all(isinstance(e, tuple) and len(e) == 7 for e in pages.values()):
            self.why_full = "its record of the last update cannot be read"
            return {}
        return pages

    def stage(self, staging: Staging) -> None:
        write_file(staging.path(os.path.join(self.base, STATE_DIR, STATE_NAME)), state_bytes(self._state()))

    def _state(self) -> SyncState:
        return SyncState(self.commit, tuple(p.strip("/") for p in self.source.paths), str(self.source.repo))

    def record(self, summary: UpdateSummary) -> None:
        """Record the settled pages as they were, and those the run did without error as it left them; with
        the reviews the run read of catalogs it did not change (their stat taken before: `plan`)."""
        read = {r.where: tuple(map(list, r[1:])) for r in summary.reviews_read}
        found = {k: e if e[6] is not None or e[0] not in read else (*e[:6], read[e[0]])
                 for k, e in self._kept.items()}
        catalogs = {page_relpath(rel): path for rel, path in walk_files(self.base, catalog_suffixes())}
        for key in summary.done - summary.failed - found.keys():
            entry = self._entry(key, catalogs.get(key), summary.spared.get(key))
            if entry is not None and entry[0] in read and self._stats.get(key) == (entry[1], entry[2]):
                entry = (*entry[:6], read[entry[0]])
            if entry is not None:
                found[key] = entry
        with contextlib.suppress(OSError):  # derived data: without it, the next update reads every page
            write_state(self.base, self._state())  # as staged; with the .gitignore of tm's derived data
            ignore_in_git(os.path.dirname(self._path()), _IGNORE)
            write_atomic(self._path(), marshal.dumps((_VERSION, self._key(), found)))

    def _entry(self, key: str, catalog: str | None, spared: tuple[int, bool] | None) -> _Entry | None:
        """What the run left for the page `key`: its catalog, if stamped and untouched since, else None. A
        catalog pass 1 found up to date (`spared`: its stamp's reviewed entries, and whether it holds reviews)
        and nobody changed since `plan` is not read again."""
        blob = self._blobs.get(key, "")
        if catalog is None:
            return ("", 0, 0, blob, 0, False, None) if blob else None
        try:
            info = os.stat(catalog)
            if spared is not None and self._stats.get(key) == (info.st_mtime_ns, info.st_size):
                return (self._tree_path(catalog), trusted_mtime(info), info.st_size, blob, *spared, None)
            raw = read_file(catalog)
        except OSError:
            return None
        reviewed = untouched(raw) if catalog.endswith(".po") else None
        if reviewed is None:
            return None
        unread = reviewed > 0 or has_obsolete_review(raw)
        return (self._tree_path(catalog), trusted_mtime(info), info.st_size, blob, reviewed, unread, None)

    def _key(self) -> str:
        return options_key(threshold=self.options.threshold, drop_obsolete=self.options.drop_obsolete)

    def _path(self) -> str:
        return os.path.join(self.base, STATE_DIR, RECORD_NAME)

    def _tree_path(self, catalog: str) -> str:
        return tree_name(self.base, catalog)

"""Apply one commit's pages to a catalog tree with the rules of `tm update`, reading only what it touched.

This is the one module of `tm sync` that calls the update engine (`tm.jobs.update`, `tm.jobs.update_page`,
`tm.jobs.tree`): per commit it runs update's two passes over the pages the commit touched and their catalogs
only:

1. each touched page with a catalog is updated (`FirstPass`) and staged; a page that wants offers from the
   tree's memory, an added page and a removed page's catalog are set aside;
2. renamed pages are paired (`second_items`: by content, as update does, and by git's `-M` for the pairs
   that leaves), and the set-aside pages are done (`SecondPass`) with the tree's memory
   (`ReviewIndex.memory`, the reviews of the whole tree as it was before the commit, as update's memory is
   the tree before it).

**Pages that leave and come back.** The vendor's branch sometimes moves a page in two commits: one removes
it, a later one adds it (under a new name, or the same). One update over both sees a rename, or nothing,
and keeps every review; two steps would make the reviews obsolete, then start the page afresh. So when a
commit removes a page, its catalog as it was is kept under `.tm/orphans/`, and a page a later commit adds
is paired with those as with the pages removed in its own commit (`match_pages`; a page added at the path
it left is its own orphan's): the orphan is its old catalog, then goes.

The staged catalogs and the tree's new sync state are committed together (`Staging.commit`): a sync
stopped anywhere leaves the tree at a commit boundary, and the next run resumes after it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from tm.catalogs import catalog_relpath, page_relpath
from tm.diff import DiffOptions, DiffReport, compare
from tm.errors import InputError
from tm.fileio import read_file, write_file
from tm.formats import catalog_suffixes, for_path, po
from tm.jobs.pool import default_jobs, parallel_map
from tm.jobs.tree import Staging, catalog_stats, page_key, refusals, tree_locale
from tm.jobs.update import Orphan, UpdateSummary, second_items
from tm.jobs.update_page import FirstPass, FirstResult, Item, SecondPass
from tm.sources import walk_files
from tm.sync.git import Change
from tm.sync.state import STATE_DIR, STATE_NAME, ReviewIndex, SyncState, state_bytes
from tm.update import OUTCOMES

R = TypeVar("R")

__all__ = ["BlobSource", "CommitReport", "SyncOptions", "catalog_of", "segment_changes", "sync_commit"]

_PARALLEL = 200  # pages in a commit from which workers pay for their start
ORPHANS = "orphans"  # under STATE_DIR


@dataclass(frozen=True, slots=True)
class SyncOptions:
    """`tm update`'s options, as sync applies them."""

    threshold: float
    drop_obsolete: bool = False
    force: bool = False
    jobs: int | None = None


@dataclass(slots=True)
class CommitReport:
    """What one commit did to the tree: pages, segments (as `tm diff` classes them), entries (`OUTCOMES`)."""

    commit: str
    pages: list[str] = field(default_factory=list)
    segments: dict[str, int] = field(default_factory=lambda: {"added": 0, "changed": 0, "removed": 0})
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    files_written: int = 0
    files_deleted: int = 0
    renamed: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def reviews_carried(self) -> int:
        """Reviewed or human entries that followed their page: kept, still pending, carried to an edit."""
        return self.counts["kept"] + self.counts["pending"] + self.counts["carried"]

    @property
    def offers(self) -> int:
        """A person's translation of the same source put in msgstr, or offers of similar ones beside it."""
        return self.counts["offered"] + self.counts["offers"]

    def to_json(self) -> dict[str, object]:
        return {"commit": self.commit, "pages": self.pages, "segments": self.segments, "entries": self.counts,
                "reviews_carried": self.reviews_carried, "offers": self.offers,
                "obsolete": self.counts["obsolete"], "files_written": self.files_written,
                "files_deleted": self.files_deleted, "pages_renamed": self.renamed, "errors": self.errors,
                "refused": bool(self.refused)}


def catalog_of(base: str, relpath: str) -> str | None:
    """The catalog file of the page `relpath` in the tree, if there is one (a `.po` first)."""
    for suffix in catalog_suffixes():
        path = os.path.join(base, catalog_relpath(relpath, suffix))
        if os.path.isfile(path):
            return path
    return None


def sync_commit(index: ReviewIndex, state: SyncState, changes: list[Change], read: Callable[[str], bytes],
                options: SyncOptions) -> CommitReport:
    """Apply `changes` (one commit's, read with `read(blob)`) to `index.base`, then record `state`; nothing of
    the tree changes when the commit is refused (most of the tree's reviews would go) or interrupted."""
    base = index.base
    report = CommitReport(state.commit)
    report.pages = sorted({c.new or c.old for c in changes})
    blobs = {c.new: c.blob for c in changes if c.new}
    job = FirstPass(base, options.threshold, options.drop_obsolete, state.commit[:12], tree_locale(base), None)
    by_page: dict[str, str] = {}
    for relpath in {c.old for c in changes if c.old} | set(blobs):
        found = catalog_of(base, relpath)
        if found is not None:
            by_page[page_key(relpath)] = found
    seen = catalog_stats(by_page.values())  # before any is read: `_changed_meanwhile` compares
    staging = Staging(base)
    try:
        summary = _passes(job, changes, _Pages(blobs, read), by_page, index, options, report.errors)
        refused = _refusals(summary, index, base, state.commit[:12], options) + _unread(report.errors, base, state)
        if refused:
            report.refused = refused
            staging.discard()
            return report
        _stash_orphans(base, staging, summary.pages_removed, by_page)
        write_file(staging.path(os.path.join(base, STATE_DIR, STATE_NAME)), state_bytes(state))
        touched = _staged(staging) + [os.path.relpath(p, base).replace(os.sep, "/") for p in summary.deletes]
        report.refused = _changed_meanwhile(seen, state.commit[:12])
        if report.refused:
            staging.discard()
            return report
    except BaseException:
        staging.discard()
        raise
    staging.commit(summary.deletes)  # once its `commit` file is written, the next run finishes it (`recover`)
    index.update(t for t in touched if not t.startswith(STATE_DIR + "/"))
    report.counts = summary.counts
    report.files_written, report.files_deleted = summary.files_written, summary.files_deleted
    report.renamed = summary.pages_renamed
    return report


def _unread(errors: list[str], base: str, state: SyncState) -> list[str]:
    """A commit whose catalogs in the tree could not be read (conflict markers of a git merge) is not applied:
    recorded as synced, the next run would never come back to it once the file is fixed. (A page of the
    commit that cannot be read is the vendor's: its catalog waits for the next commit of that page.)"""
    if not any(e.startswith(os.path.join(base, "")) for e in errors):
        return []
    message = f"{state.commit[:12]}: not applied, as a catalog of it cannot be read: fix (or remove) it and run tm sync again"
    return [message]


def _changed_meanwhile(seen: dict[str, tuple[int, int]], shown: str) -> list[str]:
    """The commit's catalogs saved by someone else since sync listed them (a translator's editor): sync read
    them before and would put its update of the old text in their place."""
    now = catalog_stats(seen)
    return [f"{path}: changed while sync updated it for {shown} (saved in an editor?); nothing of {shown} written, "
            "run tm sync again" for path in seen if now.get(path) != seen[path]]


@dataclass(frozen=True, slots=True)
class _Pages:
    """The pages a commit added or changed, as blob ids, read when their job is made (a commit may touch
    thousands of pages: they are not all held at once)."""

    blobs: dict[str, str]
    read: Callable[[str], bytes]

    def __call__(self, relpath: str) -> bytes:
        return self.read(self.blobs[relpath])


def _passes(first: FirstPass, changes: list[Change], pages: _Pages, by_page: dict[str, str],
            index: ReviewIndex, options: SyncOptions, errors: list[str]) -> UpdateSummary:
    """Update's two passes over the commit's pages (see the module docstring); catalogs staged. A page that
    cannot be updated is told in `errors` and its catalog left as it was; the others are written, as update
    does."""
    summary = UpdateSummary(first.base)
    relpaths = sorted(set(pages.blobs) | {c.old for c in changes if c.old})
    orphans = _orphans(first.base)
    added = {c.new for c in changes if c.new and not c.old}
    back = [Item(r, pages(r), orphans.pop(page_key(r)), renamed_from=r)
            for r in relpaths if r in added and page_key(r) in orphans]
    returning = {item.relpath for item in back}

    def items() -> Iterator[Item]:
        for relpath in relpaths:
            catalog = by_page.get(page_key(relpath))
            if relpath in pages.blobs and relpath not in returning:
                yield Item(relpath, pages(relpath), catalog)
            elif relpath not in pages.blobs and catalog is not None:
                yield Item(relpath, None, catalog)

    later: list[FirstResult] = []
    done: FirstResult
    for done in _map(first, items(), options, len(relpaths)):
        errors.extend(done.errors)
        summary.note(done)
        if done.later is not None:
            later.append(done)
        else:
            summary.add(done.relpath, [], done.written)
    if not later and not back:
        return summary
    adoptable = {p: _orphan(first.base, p, path) for p, path in orphans.items()} if added - returning else {}
    second = back + list(second_items(later, by_page, summary, renames={c.old: c.new for c in changes if c.renamed},
                                      orphans=adoptable))
    memory = index.memory()
    if len(second) >= _PARALLEL:
        memory.prepare()  # before the workers fork: they share it
    job = SecondPass(first.base, first.threshold, first.drop_obsolete, first.shown, first.locale, memory)
    for result in _map(job, second, options, len(second)):
        errors.extend(result.errors)
        summary.add(result.relpath, [], result.written)
    return summary


def _orphan(base: str, relpath: str, path: str) -> Orphan:
    """The orphan of the page `relpath` (its old catalog at `path`), and what the page left in the tree."""
    return Orphan(path, _sources(path), catalog_of(base, relpath))


def _orphans(base: str) -> dict[str, str]:
    """`{page: its catalog as it was when the page left}` of the pages earlier commits removed."""
    top = os.path.join(base, STATE_DIR, ORPHANS)
    if not os.path.isdir(top):
        return {}
    return {page_relpath(rel): path for rel, path in walk_files(top, catalog_suffixes())}


def _sources(path: str) -> list[str]:
    """The sources of an orphan's active entries (none when it cannot be read)."""
    try:
        raw = read_file(path)
        adapter = for_path(os.path.basename(path))
        if adapter is po:
            return po.read_lazy(raw, path=path).sources
        return [e.source for e in adapter.read(raw, path=path).active] if adapter else []
    except (OSError, InputError):
        return []


def _stash_orphans(base: str, staging: Staging, removed: list[str], by_page: dict[str, str]) -> None:
    """Keep the catalogs of the pages this commit removed, as they were (see the module docstring)."""
    for relpath in removed:
        path = by_page.get(page_key(relpath))
        if path is not None:
            rel = os.path.relpath(path, base)
            write_file(staging.path(os.path.join(base, STATE_DIR, ORPHANS, rel)), read_file(path))


def _map(job: Callable[[Item], R], items: Iterable[Item], options: SyncOptions, total: int) -> Iterator[R]:
    jobs = (options.jobs or default_jobs()) if total >= _PARALLEL else 1
    return parallel_map(job, items, jobs=jobs, total=total)


def _refusals(summary: UpdateSummary, index: ReviewIndex, base: str, shown: str, options: SyncOptions) -> list[str]:
    """Update's refusals for one commit: pages of another locale, or most of the tree's reviews made
    obsolete. A commit without pages with pairs (one that only removes pages) is not refused for it."""
    if options.force:
        return []
    summary.losses.reviewed = index.reviewed
    summary.losses.pages_with_pairs = max(1, summary.losses.pages_with_pairs)
    return refusals(summary.losses, tree=base, shown=shown, locale=tree_locale(base),
                    removed=summary.pages_removed, drop=options.drop_obsolete)


def _staged(staging: Staging) -> list[str]:
    """The staged files, as paths in the tree."""
    top = staging.files
    found = []
    for folder, _, names in os.walk(top):
        found += [os.path.relpath(os.path.join(folder, n), top).replace(os.sep, "/") for n in names]
    return found


@dataclass(frozen=True, slots=True)
class BlobSource:
    """Pages given as `{relpath: blob id}`, read in path order as `tm.diff.compare` streams them."""

    blobs: dict[str, str]
    read: Callable[[str], bytes]

    def __len__(self) -> int:
        return len(self.blobs)

    def files(self) -> Iterator[tuple[str, bytes]]:
        for relpath in sorted(self.blobs):
            yield relpath, self.read(self.blobs[relpath])


def segment_changes(olds: dict[str, str], news: dict[str, str], read: Callable[[str], bytes], options: DiffOptions
                    ) -> DiffReport:
    """`tm diff` of the pages' two versions, given as blob ids (for the per-commit counts and the review
    catalogs)."""
    return compare(BlobSource(olds, read), BlobSource(news, read), options=options)

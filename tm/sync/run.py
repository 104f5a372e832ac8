"""A run of `tm sync`: the commits applied in order, their segment counts, and `--review`'s catalogs.

The CLI (`tm.cli.commands_sync`) gives the options and renders what `run_sync` gives back; the file work is
here: the tree's review index loaded and saved, `--dry-run`'s scratch copy of the catalogs the commits
touch, and the run's first and last version of each page for the review catalogs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tm.catalogs import catalog_relpath
from tm.diff import DiffOptions
from tm.errors import BadArgument
from tm.jobs.outputs import edited_reviews, write_diff_reviews
from tm.jobs.tree import tree_locale
from tm.sources import walk_files
from tm.sync.apply import ORPHANS, CommitReport, SyncOptions, catalog_of, segment_changes, sync_commit
from tm.sync.git import BlobReader, Change, changes, commits, is_ancestor, resolve
from tm.sync.remember import Remembered, record_catalogs, record_commits
from tm.sync.state import STATE_DIR, ReviewIndex, SyncState, read_state

__all__ = ["SyncRange", "SyncRun", "run_sync", "sync_range"]


@dataclass(frozen=True, slots=True)
class SyncRange:
    """The commits a sync applies: those after `first` up to `tip` (`todo`, oldest first), of the pages under
    `where` in the repository."""

    first: str
    tip: str
    where: tuple[str, ...]
    todo: list[str]


def sync_range(base: str, repo: Path, *, start: str | None, to: str | None, branch: str,
               paths: list[str]) -> SyncRange:
    """What a sync of the tree `base` applies: from `start` (only for a tree that records no commit; else
    the one it records) to `to` on `branch` (else its tip)."""
    state = read_state(base)
    if start is None and state is None:
        raise BadArgument(f"{base}: no synced commit recorded (the tree was not extracted with --repo/--rev); "
                          "give --from REV, the commit its catalogs were made from")
    first = resolve(repo, start) if start else state.commit  # type: ignore[union-attr]
    if state is not None and first != state.commit:  # it would skip commits, or apply some a second time
        raise BadArgument(f"{base} records {state.commit[:12]}, the commit its catalogs hold; --from is for a tree "
                          "that records none (to start elsewhere, remove .tm/sync.json first)")
    tip = resolve(repo, to or branch)
    if to and branch and not is_ancestor(repo, tip, resolve(repo, branch)):
        raise BadArgument(f"--to {to} is not on {branch}: sync follows one branch (give its commit, or no --branch)")
    where = _paths(base, paths, state)
    if state is None:
        _check_names(base, repo, first, where)
    return SyncRange(first, tip, where, commits(repo, first, tip))


def _paths(base: str, given: list[str], state: SyncState | None) -> tuple[str, ...]:
    """The folders of the repository the pages are in: as given, else as the tree records. They name the
    pages (relative to them, as `tm extract --repo --rev PATH` names them), so they cannot change."""
    paths = tuple(p.strip("/") for p in given)
    if state is not None and paths and paths != state.paths:
        recorded = " ".join(state.paths) or "the repository's root"
        raise BadArgument(f"{base} was extracted from {recorded}; catalogs are named after the pages' paths "
                          f"there, so sync it with the same paths (or none), not {' '.join(paths)}")
    return paths or (state.paths if state else ())


def _check_names(base: str, repo: Path, commit: str, where: tuple[str, ...]) -> None:
    """A tree that records no commit (`--from`): its catalogs must be named as the pages of `commit` under
    `where`, else sync would write the commits' catalogs beside them under other names (`docs/a.po`)."""
    from tm.formats import catalog_suffixes
    from tm.sources import walk_files
    from tm.sync.git import page_stems

    catalogs = {rel.rsplit(".", 1)[0] for rel, _ in walk_files(base, catalog_suffixes())}
    if catalogs and not catalogs & page_stems(repo, commit, where):
        shown = " ".join(where) or "the repository's root"
        raise BadArgument(f"{base}: no catalog is named as a page of {commit[:12]} under {shown}: give the PATH in "
                          f"{repo} the pages were extracted from, as tm extract --repo/--rev took it")


@dataclass(slots=True)
class SyncRun:
    """What a run did: one report per commit applied (the last one refused, if one was), and the errors of
    writing the review catalogs."""

    reports: list[CommitReport] = field(default_factory=list)
    review_errors: list[str] = field(default_factory=list)
    memory: Remembered | None = None  # what was recorded in the memory, when one is configured
    index_errors: list[str] = field(default_factory=list)  # catalogs of the tree that could not be read


def run_sync(base: str, repo: Path, where: tuple[str, ...], todo: list[str], options: SyncOptions, *,
             dry_run: bool = False, review: Path | None = None, memory: Path | None = None,
             on_commit: Callable[[CommitReport], None] = lambda _: None) -> SyncRun:
    """Sync the commits `todo` in order into the tree `base` (locked by the caller), or into a scratch copy
    of the catalogs they touch with `dry_run`; stop after a refused commit. `on_commit` is told of each
    commit as it is done. With a `memory` (and no `dry_run`), the tree's changed catalogs are recorded in it
    first, and the commits applied last (`tm.sync.remember`)."""
    touched = [changes(repo, commit, where) for commit in todo]
    if review is not None and not options.force:
        _check_reviews(review, touched)
    run = SyncRun()
    if memory is not None and not dry_run:
        run.memory = record_catalogs(memory, base, tree_locale(base))
    scratch = _scratch(base, touched) if dry_run else ""
    index = ReviewIndex.load(base, scratch=scratch)
    olds: dict[str, str] = {}
    news: dict[str, str] = {}
    run.index_errors = index.unreadable
    try:
        with BlobReader(repo) as read:
            for commit, found in zip(todo, touched):
                result = sync_commit(index, SyncState(commit, where, str(repo)), found, read, options)
                _count_segments(result, found, read, olds, news, options.threshold)
                run.reports.append(result)
                on_commit(result)
                if result.refused:
                    break
    finally:
        if scratch:
            shutil.rmtree(os.path.dirname(scratch), ignore_errors=True)
        else:
            index.save()
    synced = [r.commit for r in run.reports if not r.refused]
    if run.memory is not None and synced:
        record_commits(run.memory, repo, todo[0] + "^", synced[-1], where, tree_locale(base))
    if review is not None and news.keys() | olds.keys():
        label = run.reports[-1].commit[:12]
        with BlobReader(repo) as read:
            changed = segment_changes(olds, news, read, DiffOptions(options.threshold, keep_changes=True,
                                                                    new_label=label))
        run.review_errors = write_diff_reviews(review, changed, label, force=options.force)
    return run


def _check_reviews(review: Path, touched: list[list[Change]]) -> None:
    """Before anything is synced: the review catalogs under `review` of the pages the commits touch must be as tm
    wrote them (`edited_reviews`), else the run, which rewrites them, would lose what a person reviewed there."""
    stems = {catalog_relpath(p) for found in touched for c in found for p in (c.old, c.new) if p}
    mine = [Path(path) for rel, path in walk_files(review, (".po",)) if rel in stems or rel.split("/", 1)[-1] in stems]
    edited = edited_reviews(mine)
    if edited:
        raise BadArgument(f"{', '.join(edited)}: edited since tm wrote it (a person's reviews would be lost); nothing "
                          "synced: move it away, give --review another folder, or --force to overwrite it")


def _count_segments(result: CommitReport, found: list[Change], read: Callable[[str], bytes], olds: dict[str, str],
                    news: dict[str, str], threshold: float) -> None:
    """The commit's segments added / changed / removed (`tm diff` of the pages' two versions); the run's first
    and last version of each page (blob ids) are kept in `olds` / `news` for `--review`."""
    before = {c.old: c.old_blob for c in found if c.old}
    after = {c.new: c.blob for c in found if c.new}
    totals = segment_changes(before, after, read, DiffOptions(threshold)).totals
    result.segments = {"added": totals["added"], "changed": totals["source_changed"], "removed": totals["removed"]}
    for relpath, blob in before.items():
        if relpath not in news:
            olds.setdefault(relpath, blob)
    for change in found:
        if change.new:
            news[change.new] = change.blob
        elif change.old in news:
            del news[change.old]


def _scratch(base: str, touched: list[list[Change]]) -> str:
    """A scratch tree (named as the locale's, which update reads its locale from) holding copies of the
    catalogs the commits touch: what `--dry-run` syncs into."""
    scratch = os.path.join(tempfile.mkdtemp(prefix="tm-sync-"), os.path.basename(os.path.normpath(base)))
    os.makedirs(scratch)
    orphans = os.path.join(base, STATE_DIR, ORPHANS)
    if os.path.isdir(orphans):  # pages earlier commits removed, which a commit may bring back
        shutil.copytree(orphans, os.path.join(scratch, STATE_DIR, ORPHANS))
    for change in (c for found in touched for c in found):
        for relpath in (change.old, change.new):
            path = catalog_of(base, relpath) if relpath else None
            if path is not None:
                copy = os.path.join(scratch, os.path.relpath(path, base))
                os.makedirs(os.path.dirname(copy), exist_ok=True)
                shutil.copyfile(path, copy)
    return scratch

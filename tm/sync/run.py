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

from tm.diff import DiffOptions
from tm.jobs.outputs import write_diff_reviews
from tm.sync.apply import ORPHANS, CommitReport, SyncOptions, catalog_of, segment_changes, sync_commit
from tm.sync.git import BlobReader, Change, changes
from tm.sync.state import STATE_DIR, ReviewIndex, SyncState

__all__ = ["SyncRun", "run_sync"]


@dataclass(slots=True)
class SyncRun:
    """What a run did: one report per commit applied (the last one refused, if one was), and the errors of
    writing the review catalogs."""

    reports: list[CommitReport] = field(default_factory=list)
    review_errors: list[str] = field(default_factory=list)


def run_sync(base: str, repo: Path, where: tuple[str, ...], todo: list[str], options: SyncOptions, *,
             dry_run: bool = False, review: Path | None = None,
             on_commit: Callable[[CommitReport], None] = lambda _: None) -> SyncRun:
    """Sync the commits `todo` in order into the tree `base` (locked by the caller), or into a scratch copy
    of the catalogs they touch with `dry_run`; stop after a refused commit. `on_commit` is told of each
    commit as it is done."""
    touched = [changes(repo, commit, where) for commit in todo]
    scratch = _scratch(base, touched) if dry_run else ""
    index = ReviewIndex.load(base, scratch=scratch)
    olds: dict[str, str] = {}
    news: dict[str, str] = {}
    run = SyncRun()
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
    if review is not None and news.keys() | olds.keys():
        label = run.reports[-1].commit[:12]
        with BlobReader(repo) as read:
            changed = segment_changes(olds, news, read, DiffOptions(options.threshold, keep_changes=True,
                                                                    new_label=label))
        run.review_errors = write_diff_reviews(review, changed, label)
    return run


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

"""`tm sync`: follow the vendor's bilingual branch commit by commit (`tm.sync`).

Each first-parent commit of the branch after the one the tree records (`.tm/sync.json`, written by
`tm extract --repo/--rev` and by each synced commit) is applied in order with the rules of `tm update`
(`tm.sync.apply`), reading only the pages it touched and their catalogs. One line per commit on a
terminal, or `--json`; `--review DIR` writes review catalogs of everything the run changed, as
`tm diff --po` does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tm.align import DEFAULT_THRESHOLD
from tm.cli._app import Jobs, Json, Quiet, app, print_json
from tm.cli.commands_handoffs import Threshold
from tm.errors import BadArgument
from tm.progress import Reporter

if TYPE_CHECKING:  # the sync engine (and the update engine it runs) is imported by the command
    from tm.sync.apply import CommitReport
    from tm.sync.run import SyncRun

__all__ = ["sync"]

_COLUMNS = ("commit", "pages", "added", "changed", "removed", "carried", "offers", "obsolete")


@app.command()
def sync(
    catalog_dir: Annotated[Path, typer.Argument(help="The locale's catalog tree (e.g. locales/fr-FR).")],
    paths: Annotated[list[str] | None, typer.Argument(
        help="Folders inside --repo holding the pages (default: those the tree was extracted from).")] = None,
    repo: Annotated[Path, typer.Option(help="Git repository of the vendor's bilingual branch.")] = Path("."),
    branch: Annotated[str, typer.Option(help="The branch to follow (first parent).")] = "",
    to: Annotated[str | None, typer.Option("--to", help="Stop at this commit (default: the branch's tip).")] = None,
    start: Annotated[str | None, typer.Option("--from", help="The commit the catalogs are at (default: the one "
                                              "the tree records).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")] = False,
    review: Annotated[Path | None, typer.Option("--review", help="Write review catalogs of what changed under "
                                                "DIR, as tm diff --po.")] = None,
    threshold: Threshold = DEFAULT_THRESHOLD,
    drop_obsolete: Annotated[bool, typer.Option("--drop-obsolete", help="As tm update.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Apply a commit even when tm update would refuse it; "
                                        "overwrite --review catalogs edited since tm wrote them.")
                     ] = False,
    memory_db: Annotated[Path | None, typer.Option("--memory", help="A memory file (tm memory) to record the "
                                                   "tree's reviews and the commits in (default: the tree's "
                                                   ".tm/memory.sqlite, when it exists).")] = None,
    jobs: Jobs = None,
    json_out: Json = False,
    quiet: Quiet = False,
) -> int:
    """Apply each new commit of the vendor's branch to the catalogs, with the rules of tm update."""
    from tm.jobs.tree import Staging, TreeLock, update_root
    from tm.sync.apply import SyncOptions
    from tm.sync.remember import memory_of
    from tm.sync.run import run_sync, sync_range

    if not branch and not to:
        raise BadArgument("give --branch B (the vendor's bilingual branch), or --to REV")
    base = update_root(str(catalog_dir))
    report = Reporter(quiet=quiet or json_out)
    with TreeLock(base):
        if dry_run and os.path.isdir(Staging(base).root):  # finishing it would write, and the tree is half done
            raise BadArgument(f"{base}: an interrupted sync or update left {Staging(base).root}; run tm sync "
                              "without --dry-run first (it finishes or throws away what was left)")
        recovered = Staging(base).recover()
        if recovered:
            report.warning(f"{base}: {recovered}")
        span = sync_range(base, repo, start=start, to=to, branch=branch, paths=paths or [])
        if not span.todo:
            return _nothing(base, span.first, span.tip, json_out, report)
        show = not (quiet or json_out)
        if show:
            print(" ".join(f"{c:>8}" if k else f"{c:<12}" for k, c in enumerate(_COLUMNS)))
        run = run_sync(base, repo, span.where, span.todo, SyncOptions(threshold, drop_obsolete, force, jobs),
                       dry_run=dry_run, review=review, memory=memory_of(base, memory_db),
                       on_commit=lambda result: _told(result, report, show))
    for message in run.index_errors + run.review_errors:
        report.error(message)
    for message in run.memory.errors if run.memory else ():
        report.warning(message)
    if json_out:
        print_json(_to_json(span.first, run, dry_run, report.errors))
    elif not quiet:
        _print_total(base, run, dry_run)
    return 2 if report.errors else 0


def _nothing(base: str, at: str, tip: str, json_out: bool, report: Reporter) -> int:
    if json_out:
        print_json({"from": at, "to": at, "commits": [], "dry_run": False, "errors": report.errors})
    else:
        print(f"nothing to sync: {base} is at {at[:12]}" + ("" if at == tip else f", {tip[:12]} is not after it"))
    return 0


def _told(result: CommitReport, report: Reporter, show: bool) -> None:
    for message in result.errors + result.refused:
        report.error(message)
    if show:
        _print_row(result)


def _row(result: CommitReport) -> tuple[object, ...]:
    s = result.segments
    return (result.commit[:12], len(result.pages), s["added"], s["changed"], s["removed"], result.reviews_carried,
            result.offers, result.counts["obsolete"])


def _print_row(result: CommitReport) -> None:
    print(" ".join(f"{v:>8}" if k else f"{v:<12}" for k, v in enumerate(_row(result))), flush=True)


def _print_total(base: str, run: SyncRun, dry_run: bool) -> None:
    reports = run.reports
    written = sum(r.files_written for r in reports)
    deleted = sum(r.files_deleted for r in reports)
    synced = [r for r in reports if not r.refused]
    if dry_run:
        print(f"dry run, nothing written: {len(synced)} commits would be synced, {written} catalogs written, "
              f"{deleted} deleted")
        return
    at = f"now at {synced[-1].commit[:12]}" if synced else "left as it was"
    print(f"{len(synced)} commits synced: {base} {at}; {written} catalogs written, {deleted} deleted")
    if run.memory is not None:
        m = run.memory
        print(f"recorded in {m.path}: {m.commits} commits and {m.catalogs} catalogs changed since the last "
              f"sync, {m.pairs} translations")


def _to_json(first: str, run: SyncRun, dry_run: bool, errors: list[str]) -> dict[str, object]:
    synced = [r for r in run.reports if not r.refused]
    return {"from": first, "to": synced[-1].commit if synced else first, "dry_run": dry_run,
            "commits": [r.to_json() for r in run.reports], "errors": errors,
            "memory": run.memory.to_json() if run.memory else None}

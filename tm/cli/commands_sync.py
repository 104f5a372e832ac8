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
    from tm.sync.state import SyncState

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
    force: Annotated[bool, typer.Option("--force", help="Apply a commit even when tm update would refuse it.")
                     ] = False,
    jobs: Jobs = None,
    json_out: Json = False,
    quiet: Quiet = False,
) -> int:
    """Apply each new commit of the vendor's branch to the catalogs, with the rules of tm update."""
    from tm.jobs.tree import Staging, TreeLock, update_root
    from tm.sync.apply import SyncOptions
    from tm.sync.git import commits, is_ancestor, resolve
    from tm.sync.run import run_sync
    from tm.sync.state import read_state

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
        where = _paths(base, paths or [], state)
        if state is None:
            _check_names(base, repo, first, where)
        todo = commits(repo, first, tip)
        if not todo:
            return _nothing(base, first, tip, json_out, report)
        options = SyncOptions(threshold, drop_obsolete, force, jobs)
        show = not (quiet or json_out)
        if show:
            print(" ".join(f"{c:>8}" if k else f"{c:<12}" for k, c in enumerate(_COLUMNS)))

        def told(result: CommitReport) -> None:
            for message in result.errors + result.refused:
                report.error(message)
            if show:
                _print_row(result)

        run = run_sync(base, repo, where, todo, options, dry_run=dry_run, review=review, on_commit=told)
        for message in run.index_errors + run.review_errors:
            report.error(message)
        reports = run.reports
    if json_out:
        print_json(_to_json(first, reports, dry_run, report.errors))
    elif not quiet:
        _print_total(base, reports, dry_run)
    return 2 if report.errors else 0


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


def _nothing(base: str, at: str, tip: str, json_out: bool, report: Reporter) -> int:
    if json_out:
        print_json({"from": at, "to": at, "commits": [], "dry_run": False, "errors": report.errors})
    else:
        print(f"nothing to sync: {base} is at {at[:12]}" + ("" if at == tip else f", {tip[:12]} is not after it"))
    return 0


def _row(result: CommitReport) -> tuple[object, ...]:
    s = result.segments
    return (result.commit[:12], len(result.pages), s["added"], s["changed"], s["removed"], result.reviews_carried,
            result.offers, result.counts["obsolete"])


def _print_row(result: CommitReport) -> None:
    print(" ".join(f"{v:>8}" if k else f"{v:<12}" for k, v in enumerate(_row(result))), flush=True)


def _print_total(base: str, reports: list[CommitReport], dry_run: bool) -> None:
    written = sum(r.files_written for r in reports)
    deleted = sum(r.files_deleted for r in reports)
    synced = [r for r in reports if not r.refused]
    if dry_run:
        print(f"dry run, nothing written: {len(synced)} commits would be synced, {written} catalogs written, "
              f"{deleted} deleted")
        return
    at = f"now at {synced[-1].commit[:12]}" if synced else "left as it was"
    print(f"{len(synced)} commits synced: {base} {at}; {written} catalogs written, {deleted} deleted")


def _to_json(first: str, reports: list[CommitReport], dry_run: bool, errors: list[str]) -> dict[str, object]:
    synced = [r for r in reports if not r.refused]
    return {"from": first, "to": synced[-1].commit if synced else first, "dry_run": dry_run,
            "commits": [r.to_json() for r in reports], "errors": errors}

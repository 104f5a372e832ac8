"""`tm normalize`: rewrite PO catalogs in tm's canonical unwrapped layout (see `tm.normalize`).

Made for a pre-commit hook or a CI step after an editor that re-wraps on save (Lokalize, `msgcat -w 79`):
`--check` rewrites nothing and exits 1 when a file would change, listing them, as `black --check` and
`ruff format --check` do.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from tm.cli._app import Jobs, Json, Quiet, app, print_json
from tm.errors import SourceError
from tm.formats import po
from tm.jobs.pool import default_jobs, parallel_map
from tm.progress import Reporter
from tm.sources import walk_files


@app.command()
def normalize(
    paths: Annotated[list[str], typer.Argument(help="PO files, or directories searched for .po and .pot files.")],
    check: Annotated[bool, typer.Option("--check", help="Rewrite nothing; list the files that would change and "
                                        "exit 1 if there are any.")] = False,
    jobs: Jobs = None,
    json_out: Json = False,
    quiet: Quiet = False,
) -> int:
    """Rewrite catalogs in tm's canonical unwrapped layout (like msgcat --no-wrap), changing nothing else."""
    from tm.jobs.normalize import NormalizeJob

    report = Reporter(quiet=quiet or json_out)
    files = _po_files(paths)
    job = NormalizeJob(check=check)
    changed: list[str] = []
    outcomes = parallel_map(job, files, jobs=jobs or default_jobs(), total=len(files))
    for path, status, error in report.track(outcomes, total=len(files), label="normalize"):
        if status == "error":
            report.error(error)
        elif status == "changed":
            changed.append(path)
            if not json_out and not (quiet and not check):
                print(f"{'would normalize' if check else 'normalized'} {path}")
    if json_out:
        print_json({"catalogs": len(files), "changed": changed, "check": check, "errors": report.errors})
    elif not quiet:
        verb = "would be normalized" if check else "normalized"
        print(f"{len(files)} catalogs: {len(changed)} {verb}, {len(files) - len(changed) - len(report.errors)} "
              "already canonical")
    if report.errors:
        return 2
    return 1 if check and changed else 0


def _po_files(paths: list[str]) -> list[str]:
    """The PO files named, and those under the directories named; a missing path, a folder without PO files
    and one that cannot be listed are `SourceError`s (as for the other commands' catalog trees)."""
    files = []
    for name in paths:
        if os.path.isdir(name):
            unreadable: list[str] = []
            found = [path for _, path in sorted(walk_files(name, po.SUFFIXES, unreadable=unreadable))]
            if unreadable:
                raise SourceError(f"{os.path.join(name, unreadable[0]).rstrip(os.sep)}: cannot list this folder")
            if not found:
                raise SourceError(f"{name}: no catalog ({', '.join(po.SUFFIXES)}) under it")
            files += found
        elif os.path.isfile(name):
            files.append(name)
        else:
            raise SourceError(f"{name}: no such file or directory")
    return files

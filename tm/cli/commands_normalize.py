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
from tm.errors import InputError, SourceError
from tm.fileio import read_file, write_atomic
from tm.formats import po
from tm.jobs import default_jobs, parallel_map
from tm.normalize import normalize as normalize_po
from tm.normalize import same_content
from tm.progress import Reporter
from tm.sources import walk_files

Outcome = tuple[str, str, str]
"""`(path, status, error)`: status `unchanged`, `changed` (rewritten, or would be under `--check`) or `error`."""


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
    report = Reporter(quiet=quiet or json_out)
    files = _po_files(paths)
    job = _Check() if check else _Rewrite()
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


class _Check:
    """Whether one file would change (picklable, for the worker processes)."""

    write = False

    def __call__(self, path: str) -> Outcome:
        try:
            data = read_file(path)
            out = normalize_po(data, path=path)
            if out == data:
                return path, "unchanged", ""
            lost = same_content(data, out)
            if lost:
                raise InputError(path, None, f"left as is: normalizing would change its content ({lost})")
            if self.write:
                write_atomic(path, out)
        except InputError as exc:
            return path, "error", str(exc)
        except OSError as exc:
            return path, "error", f"{path}: {exc.strerror or 'cannot read or write'}"
        return path, "changed", ""


class _Rewrite(_Check):
    """Rewrite one file when it changes."""

    write = True

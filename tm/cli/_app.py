"""The typer app and what every command shares: common options, JSON output, page sources.

Commands live in the `commands_*` modules beside this one and register themselves on `app`; `tm.cli`
imports them and holds the single error boundary (`run`).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from tm.errors import BadArgument
from tm.sources import Source, open_sources

app = typer.Typer(
    name="tm",
    help="Translation memory for bilingual (side-by-side) documentation handoffs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no warnings; errors only.")]
Json = Annotated[bool, typer.Option("--json", help="Print a machine-readable JSON report on stdout.")]
Repo = Annotated[Path | None, typer.Option(help="Git repository to read pages from (with --rev).")]
Rev = Annotated[str | None, typer.Option(help="Read pages from this git revision of --repo.")]


def _positive(value: int | None) -> int | None:
    if value is not None and value < 1:
        raise BadArgument(f"--jobs {value}: give 1 or more worker processes")
    return value


Jobs = Annotated[int | None, typer.Option("--jobs", "-j", callback=_positive,
                                          help="Worker processes (default: one per CPU).")]


def print_json(data: object) -> None:
    """The `--json` report on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def pages_source(paths: list[str], repo: Path | None, rev: str | None) -> tuple[Source, str]:
    """The pages the command line names, and how to name them in messages (directory or revision)."""
    if rev is None and not paths:
        raise BadArgument("give a directory or file of pages, or --repo DIR --rev REV")
    source = open_sources(paths, repo=str(repo) if repo else None, rev=rev)
    if rev is not None:
        return source, rev
    if len(paths) == 1 and Path(paths[0]).is_dir():
        return source, paths[0].rstrip("/")
    if len(paths) == 1:  # a file: messages name it as given
        return source, os.path.dirname(paths[0])
    return source, ""

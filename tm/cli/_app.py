"""The typer app and what every command shares: common options, JSON output, page sources.

Commands live in the `commands_*` modules beside this one and register themselves on `app`; `tm.cli`
imports them and holds the single error boundary (`run`).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tm._version import __version__
from tm.errors import BadArgument
from tm.sources import Source, open_sources

if TYPE_CHECKING:
    from rich.console import Console

# `tm --help` lists the commands in the order of the workflow; commands not named here follow, in the order
# they were registered.
WORKFLOW = ("extract", "update", "diff", "merge", "check", "stats", "export", "normalize", "memory")


class WorkflowGroup(typer.core.TyperGroup):
    """The command group of `tm`, listing its commands in the order of the workflow, not alphabetically."""

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]  # click's Context
        known = [name for name in WORKFLOW if name in self.commands]
        return known + [name for name in self.commands if name not in known]


app = typer.Typer(
    name="tm",
    cls=WorkflowGroup,
    help="Translation memory for bilingual (side-by-side) documentation handoffs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

def _print_version(value: bool) -> None:
    if value:
        print(f"tm {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print the version of tm and exit.")] = False,
) -> None:
    """Translation memory for bilingual (side-by-side) documentation handoffs."""


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
# `-o` was `--out DIR` in extract and merge up to tm 0.1; `-o/--output` names a file everywhere now.
OldOut = Annotated[Path | None, typer.Option("-o", hidden=True, help="Deprecated: use --out DIR.")]


def out_dir(out: Path | None, old_out: Path | None, command: str, *, quiet: bool) -> Path | None:
    """`--out DIR`, or the deprecated `-o DIR` of extract and merge, which still works with a warning on stderr
    (as gettext keeps its old spellings working) so that scripts written for tm 0.1 do not break.
    """
    if old_out is None:
        return out
    if out is not None:
        raise BadArgument("give --out DIR only (-o is its deprecated spelling)")
    if not quiet:
        print(f"warning: tm {command} -o DIR is deprecated: -o/--output names a file in tm; use --out {old_out}",
              file=sys.stderr)
    return old_out


def table_console(*, least_width: int = 0) -> Console:
    """The console that prints a human-readable table on stdout. In a terminal it takes the terminal's width
    (and at least `least_width`), folding long cells; through a pipe or into a file it is as wide as the
    widest row, so that no cell is folded and each path stays whole on its line for grep, cut and awk.
    """
    from rich.console import Console  # imported when a table is printed: rich is a fifth of the start-up

    console = Console(highlight=False)
    console.width = max(console.width, least_width) if console.is_terminal else 100_000
    return console


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

"""`tm stats` (and, once the checks land, `tm check`): what translators and their leads look at before a merge."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tm.catalogs import find_catalogs, read_catalog
from tm.cli._app import Json, Quiet, app, print_json
from tm.errors import BadArgument, InputError
from tm.model import Catalog
from tm.progress import Reporter
from tm.stats import STATES, Counts, collect

LABELS = {"reviewed": "reviewed", "mt": "MT (fuzzy)", "untranslated": "untranslated", "obsolete": "obsolete"}


def read_all(paths: list[str], report: Reporter) -> Iterator[tuple[str, Catalog]]:
    """Every catalog under `paths`, by file path; unreadable ones are reported and skipped."""
    files = list(find_catalogs(paths))
    for item in report.track(files, total=len(files), label="read catalogs"):
        try:
            yield str(item.path), read_catalog(item.path)
        except InputError as exc:
            report.error(str(exc))


def _table(title: str, rows: list[tuple[str, Counts]]) -> Table:
    table = Table(title=title, title_justify="left", caption="entries (source words)", caption_justify="left")
    table.add_column("catalog", overflow="fold")
    for state in STATES:
        table.add_column(LABELS[state], justify="right", no_wrap=True)
    table.add_column("% reviewed", justify="right", no_wrap=True)
    for name, counts in rows:
        cells = [f"{counts.entries[s]} ({counts.words[s]})" for s in STATES]
        table.add_row(name, *cells, f"{counts.percent_reviewed:.1f}")
    return table


@app.command()
def stats(
    catalogs: Annotated[list[str], typer.Argument(help="Catalog files or directories (any format).")],
    by: Annotated[str, typer.Option("--by", help="page: one row per catalog and the total; total: the total.")] = "page",
    json_out: Json = False,
    quiet: Quiet = False,
) -> int:
    """Entries and source words by state (reviewed, MT, untranslated, obsolete), and percent reviewed."""
    if by not in ("page", "total"):
        raise BadArgument("--by takes page or total")
    report = Reporter(quiet=quiet or json_out)
    result = collect(read_all(catalogs, report))
    if json_out:
        print_json({**result.to_json(by_page=by == "page"), "errors": report.errors})
    else:
        rows = list(result.pages.items()) if by == "page" else []
        rows.append(("total", result.total))
        console = Console(highlight=False)
        console.width = max(console.width, 110)
        console.print(_table("Review state", rows))
    return 2 if report.errors else 0

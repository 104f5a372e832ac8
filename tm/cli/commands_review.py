"""`tm check` and `tm stats`: what translators and their leads look at before a merge."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Annotated

import typer

from tm.cli._app import Jobs, Json, Quiet, app, print_json, table_console
from tm.errors import BadArgument
from tm.jobs.pool import default_jobs, parallel_map
from tm.progress import Reporter

if TYPE_CHECKING:  # the checks, the stats and rich are imported by the commands that use them
    from rich.table import Table

    from tm.checks import Finding
    from tm.stats import Counts

LABELS = {"reviewed": "reviewed", "vendor_ht": "vendor HT", "human_fuzzy": "human (fuzzy)", "mt": "MT (fuzzy)",
          "untranslated": "untranslated", "obsolete": "obsolete"}


def _table(title: str, rows: list[tuple[str, Counts]]) -> Table:
    from rich.table import Table  # imported when a table is printed: rich is a fifth of the start-up

    from tm.stats import STATES

    table = Table(title=title, title_justify="left", caption="entries (source words)", caption_justify="left")
    table.add_column("catalog", overflow="fold")
    # vendor HT only where the tree has HT pages: handoffs of machine translation have none
    states = [s for s in STATES if s != "vendor_ht" or any(counts.entries[s] for _, counts in rows)]
    for state in states:
        table.add_column(LABELS[state], justify="right", no_wrap=True)
    table.add_column("% reviewed", justify="right", no_wrap=True)
    for name, counts in rows:
        cells = [f"{counts.entries[s]} ({counts.words[s]})" for s in states]
        table.add_row(name, *cells, f"{counts.percent_reviewed:.1f}")
    return table


@app.command()
def stats(
    catalogs: Annotated[list[str], typer.Argument(help="Catalog files or directories (any format).")],
    by: Annotated[str, typer.Option("--by", help="page: one row per catalog and the total; total: the total.")] = "page",
    jobs: Jobs = None,
    json_out: Json = False,
    quiet: Quiet = False,
) -> int:
    """Entries and source words by state (reviewed, human fuzzy, MT, untranslated, obsolete), and percent reviewed."""
    from tm.catalogs import catalog_paths
    from tm.jobs.review import count_file
    from tm.stats import sum_counts

    if by not in ("page", "total"):
        raise BadArgument("--by takes page or total")
    report = Reporter(quiet=quiet or json_out)
    files = catalog_paths(catalogs)
    counted = []
    counts_by_file = parallel_map(count_file, files, jobs=jobs or default_jobs(), total=len(files))
    for name, counts, error in report.track(counts_by_file, total=len(files), label="stats"):
        if counts is None:
            report.error(error)
        else:
            counted.append((name, counts))
    result = sum_counts(counted)
    if json_out:
        print_json({**result.to_json(by_page=by == "page"), "errors": report.errors})
    else:
        rows = list(result.pages.items()) if by == "page" else []
        rows.append(("total", result.total))
        table_console(least_width=110).print(_table("Review state", rows))
    return 2 if report.errors else 0


def _names(value: str | None) -> tuple[str, ...] | None:
    return tuple(n.strip() for n in value.split(",") if n.strip()) if value else None


def _list_rules() -> None:
    from tm.checks import RULES

    for rule in RULES:
        print(f"{rule.code}  {rule.name:<18} {rule.level.value:<8} {rule.help}")


def _print_finding(finding: Finding) -> None:
    kind = ("human (fuzzy)" if finding.human else "MT" if finding.fuzzy else "vendor HT" if finding.vendor_ht
            else "reviewed")  # as `tm stats` says
    print(f"{finding.path}:{finding.line}: [{finding.rule}] {finding.level.value}: {finding.message} "
          f"({finding.id}, {kind})")


@app.command()
def check(
    catalogs: Annotated[list[str] | None, typer.Argument(help="Catalog files or directories (any format).")] = None,
    rules: Annotated[str | None, typer.Option("--rules", help="Only these rules (names or codes, comma-separated).")
                     ] = None,
    ignore: Annotated[str | None, typer.Option("--ignore", help="Skip these rules (comma-separated).")] = None,
    level: Annotated[str, typer.Option("--level", help="Report findings at this level and above: warning|error.")
                     ] = "warning",
    list_rules: Annotated[bool, typer.Option("--list-rules", help="List the rules and exit.")] = False,
    jobs: Jobs = None,
    json_out: Json = False,
    quiet: Quiet = False,
) -> int:
    """QA checks that understand Markdown: exit 1 when a check at error level fails, 2 on unreadable input."""
    from tm.catalogs import catalog_paths
    from tm.checks import Level, select_rules
    from tm.jobs.review import CheckJob

    if list_rules:
        _list_rules()
        return 0
    if not catalogs:
        raise BadArgument("give catalog files or directories (or --list-rules)")
    if level not in ("warning", "error"):
        raise BadArgument("--level takes warning or error")
    job = CheckJob(_names(rules), _names(ignore) or (), Level(level))
    select_rules(job.rules, ignore=job.ignore, min_level=job.min_level)  # unknown names fail before any work
    report = Reporter(quiet=quiet or json_out)
    files = catalog_paths(catalogs)
    findings: list[Finding] = []
    entries = 0
    results = parallel_map(job, files, jobs=jobs or default_jobs(), total=len(files))
    for result in report.track(results, total=len(files), label="check"):
        for message in result.errors:
            report.error(message)
        entries += result.segments
        findings.extend(result.findings)
        if not json_out:
            for finding in result.findings:
                _print_finding(finding)
    failed = any(f.level is Level.ERROR for f in findings)
    if json_out:
        print_json([f.to_json() for f in findings])
    elif not quiet:
        by_rule = Counter(f.rule for f in findings)
        human = sum(f.human for f in findings)
        mt = sum(f.fuzzy for f in findings) - human
        summary = ", ".join(f"{name} {count}" for name, count in by_rule.most_common())
        vendor = sum(f.vendor_ht for f in findings)
        people = f"{human} in human fuzzy, " if human else ""
        people += f"{vendor} in vendor HT, " if vendor else ""
        print(f"{len(findings)} findings in {entries} entries of {len(files)} catalogs "
              f"({mt} in MT, {people}{len(findings) - mt - human - vendor} in reviewed entries)"
              + (f": {summary}" if summary else ""))
    if report.errors:
        return 2
    return 1 if failed else 0

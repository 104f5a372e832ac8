"""`tm diff` and `tm update`: from one handoff to the next.

`diff` compares two handoffs (directories of pages or catalogs, or two revisions of a repository) with
`tm.diff.compare` and renders its `DiffReport` as a table, JSON, HTML or review catalogs. `update` carries a
catalog tree forward to a new handoff with `tm.jobs.update.run_update` and renders its summary. The work and
the files are theirs (and `tm.jobs.outputs`'); this module turns options into one call and its result into
text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from tm.align import DEFAULT_THRESHOLD
from tm.catalogs import CatalogTreeSource, locale_folders
from tm.cli._app import Jobs, Json, Quiet, Repo, Rev, app, pages_source, print_json, table_console
from tm.diff import CLASSES, DiffOptions, DiffReport, compare
from tm.errors import BadArgument
from tm.formats import catalog_suffixes, for_path
from tm.jobs.pool import default_jobs, parallel_map
from tm.progress import Reporter
from tm.sources import PAGE_SUFFIXES, DirectorySource, GitSource, Source, check_listed

if TYPE_CHECKING:
    from tm.jobs.update import UpdateOptions, UpdateSummary
    from tm.jobs.update_record import GitPlanner
    from tm.update import Reviews

T = TypeVar("T")
R = TypeVar("R")

Threshold = Annotated[float, typer.Option(min=0.0, max=1.0, help="Least similarity (0-1) for an edited segment.")]
_PAGE_CLASSES = ("pages_added", "pages_removed", "pages_renamed")


# ---------------------------------------------------------------- shared


def _side(name: str) -> Source:
    """Pages if the path holds pages, else the catalogs of a catalog tree."""
    path = Path(name)
    if path.is_file():
        return DirectorySource(path, catalog_suffixes() if for_path(path.name) else PAGE_SUFFIXES)
    pages = DirectorySource(path)
    check_listed(pages)
    if len(pages) or not path.is_dir():
        return pages
    folders = locale_folders(str(path))  # several locales: compared by their paths in the root
    return CatalogTreeSource(folders[0]) if len(folders) == 1 else DirectorySource(path, catalog_suffixes())


@dataclass(frozen=True, slots=True)
class _Mapper:
    """`parallel_map` with a progress bar, in the shape `compare` expects (`tm.diff.Mapper`)."""

    report: Reporter
    jobs: int | None
    total: int
    label: str

    def __call__(self, func: Callable[[T], R], items: Iterable[T], /) -> Iterable[R]:
        mapped = parallel_map(func, items, jobs=self.jobs or default_jobs(), total=self.total)
        return self.report.track(mapped, total=self.total, label=self.label)


# ---------------------------------------------------------------- diff


@app.command()
def diff(
    paths: Annotated[list[str] | None, typer.Argument(
        help="OLD NEW: directories (or files) of pages or catalogs; with --rev, paths inside --repo.")] = None,
    json_out: Json = False,
    html: Annotated[Path | None, typer.Option("--html", help="Write a side-by-side HTML report to FILE.")] = None,
    po_dir: Annotated[Path | None, typer.Option("--po", help="Write review catalogs of the changes under DIR.")
                      ] = None,
    fail_on: Annotated[str | None, typer.Option(
        "--fail-on", help=f"Exit 1 when any of these occur (comma-separated): {', '.join(CLASSES + _PAGE_CLASSES)}."
    )] = None,
    threshold: Threshold = DEFAULT_THRESHOLD,
    repo: Repo = None,
    revs: Annotated[list[str] | None, typer.Option("--rev", help="Two revisions of --repo: OLD, then NEW.")
                    ] = None,
    jobs: Jobs = None,
    quiet: Quiet = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --po catalogs edited since tm wrote them.")
                     ] = False,
) -> int:
    """Show what changed between two handoffs, segment by segment."""
    classes = _fail_classes(fail_on)
    old, new, labels = _diff_sides(paths or [], repo, revs or [])
    report = Reporter(quiet=quiet or json_out)
    options = DiffOptions(threshold, keep_changes=bool(html or po_dir), old_label=labels[0], new_label=labels[1])
    result = compare(old, new, options=options, pmap=_Mapper(report, jobs, max(len(old), len(new)), "diff"))
    for message in result.errors:
        report.error(message)
    if html:
        from tm.jobs.outputs import write_diff_html

        write_diff_html(html, result, title=f"tm diff {labels[0]} → {labels[1]}")
    if po_dir:
        from tm.jobs.outputs import write_diff_reviews

        for message in write_diff_reviews(po_dir, result, labels[1], force=force):
            report.error(message)
    if json_out:
        print_json(result.to_json())
    elif not quiet:
        _print_diff(result, labels)
    if report.errors:
        return 2
    return 1 if classes and result.occurs(classes) else 0


def _fail_classes(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    classes = tuple(c.strip() for c in value.split(",") if c.strip())
    unknown = [c for c in classes if c not in CLASSES + _PAGE_CLASSES]
    if unknown:
        raise BadArgument(f"--fail-on: unknown class {unknown[0]!r} (choose from {', '.join(CLASSES + _PAGE_CLASSES)})")
    return classes


def _diff_sides(paths: list[str], repo: Path | None, revs: list[str]) -> tuple[Source, Source, tuple[str, str]]:
    if revs:
        if len(revs) != 2:
            raise BadArgument("give --rev twice: the old revision, then the new one")
        where = Path(repo or ".")
        return (GitSource(where, revs[0], tuple(paths)), GitSource(where, revs[1], tuple(paths)),
                (revs[0], revs[1]))
    if repo is not None:
        raise BadArgument("--repo needs two --rev")
    if len(paths) != 2:
        raise BadArgument("give OLD and NEW (directories of pages or catalogs), or --repo DIR --rev A --rev B")
    return _side(paths[0]), _side(paths[1]), (paths[0].rstrip("/"), paths[1].rstrip("/"))


def _print_diff(report: DiffReport, labels: tuple[str, str]) -> None:
    from rich.table import Table  # imported when a table is printed: rich is a fifth of the start-up

    totals = report.totals
    table = Table()
    table.add_column("class")
    table.add_column("segments", justify="right")
    table.add_column("pages", justify="right")
    for kind in CLASSES:
        pages = sum(1 for page in report.pages if page.counts.get(kind))
        table.add_row(kind.replace("_", " "), f"{totals[kind]:,}", f"{pages:,}")
    console = table_console()
    console.print(f"{labels[0]} → {labels[1]}", markup=False, soft_wrap=True)  # not the table's title: it folds
    console.print(table)
    console.print(f"source words: {totals['words_added']:,} added, {totals['words_changed']:,} changed; "
                  f"pages: {len(report.pages_added)} added, {len(report.pages_removed)} removed, "
                  f"{len(report.pages_renamed)} renamed", markup=False)


# ---------------------------------------------------------------- update


@app.command()
def update(
    catalog_dir: Annotated[Path, typer.Argument(help="The locale's catalog tree (e.g. locales/fr-FR).")],
    sources: Annotated[list[str] | None, typer.Argument(
        help="The new handoff's pages (directory); with --rev, paths inside --repo.")] = None,
    threshold: Threshold = DEFAULT_THRESHOLD,
    drop_obsolete: Annotated[bool, typer.Option(
        "--drop-obsolete", help="Remove obsolete entries, and the catalogs of pages that left the handoff.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Update even from a handoff without pairs or of another "
                                        "locale, or when most reviewed entries would become obsolete.")] = False,
    repo: Repo = None,
    rev: Rev = None,
    full: Annotated[bool, typer.Option("--full", help="With --rev: read every page, not only those that changed "
                                       "since the tree's last update from git.")] = False,
    jobs: Jobs = None,
    memory_db: Annotated[Path | None, typer.Option("--memory", help="A memory file (tm memory): its reviews are "
                                                   "offered too, and the tree's catalogs are recorded in it.")] = None,
    json_out: Json = False,
    quiet: Quiet = False,
) -> int:
    """Carry the reviewed translations of a catalog tree forward to a new handoff.

    Nothing is written until every page is done and the update is not refused (see `tm.jobs.tree`). From
    git (--rev), only the pages that changed since the tree's last update from git are read.
    """
    from tm.jobs.tree import update_root
    from tm.jobs.update import UpdateOptions, run_update

    base = update_root(str(catalog_dir))
    source, shown = pages_source(sources or [], repo, rev)
    report = Reporter(quiet=quiet or json_out)
    options = UpdateOptions(threshold=threshold, drop_obsolete=drop_obsolete, force=force, shown=shown)
    more = _remembered(memory_db, base, report) if memory_db is not None else []
    planner = _planner(base, source, options, full)
    summary = run_update(base, source, options=options, pmap=_PassMapper(report, jobs), more_reviews=more,
                         planner=planner)
    if planner is not None and planner.why_full and not summary.refused:
        report.warning(f"{base}: {planner.why_full}: every page was read (the next update reads only the pages "
                       "that change)")
    for message in summary.warnings:
        report.warning(message)
    for message in summary.errors:
        report.error(message)
    if json_out:
        print_json(summary.to_json())
    elif not quiet and not summary.refused:
        _print_update(summary)
    return 2 if summary.errors else 0


def _planner(base: str, source: Source, options: UpdateOptions, full: bool) -> GitPlanner | None:
    """An update from git reads only the pages that changed since the tree's last one (`tm.jobs.update_record`);
    `--full` reads them all (and records them as well)."""
    if not isinstance(source, GitSource):
        return None
    from tm.jobs.update_record import GitPlanner
    from tm.sync.git import resolve

    return GitPlanner(base, source, options, resolve(source.repo, source.rev), full=full)


def _remembered(db: Path, base: str, report: Reporter) -> list[Reviews]:
    """`--memory`: the tree recorded in the memory file (before the update, which may drop some reviews),
    then the memory's reviews of the tree's locale, offered after the tree's own."""
    from tm.jobs.tree import tree_locale
    from tm.memory.offers import remembered_reviews

    found, problems = remembered_reviews(db, base, locale=tree_locale(base))
    for message in problems:
        report.warning(f"{db}: not recorded: {message}")
    return found


@dataclass(frozen=True, slots=True)
class _PassMapper:
    """`parallel_map` with a progress bar, in the shape `run_update` expects (`tm.jobs.update.PassMap`)."""

    report: Reporter
    jobs: int | None

    def __call__(self, func: Callable[[T], R], items: Iterable[T], /, *, total: int, label: str) -> Iterable[R]:
        return _Mapper(self.report, self.jobs, total, label)(func, items)


def _print_update(summary: UpdateSummary) -> None:
    c = summary.counts
    print(f"{summary.pages} catalogs under {summary.tree} ({summary.files_written} written, {summary.files_unchanged} "
          f"unchanged, {summary.files_deleted} deleted): {c['kept']} reviewed kept, {c['pending']} still awaiting "
          f"review, {c['carried']} carried to an edited source, {c['offered']} offered from elsewhere, "
          f"{c['handoff'] + c['offers']} from the handoff ({c['offers']} with offers beside them), "
          f"{c['obsolete']} made obsolete; pages: {len(summary.pages_added)} added, "
          f"{len(summary.pages_removed)} removed, {len(summary.pages_renamed)} renamed; {summary.pages_read} pages read"
          + (" (the others unchanged since the last update)" if summary.incremental else ""))

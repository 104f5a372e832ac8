"""`tm review pack` and `tm review apply`: review packages out of a catalog tree, and the reviews back in.

`pack` writes one package catalog per tree catalog that has entries needing review (see
`tm.review_package`), under `--out` in the tree's layout, as PO (default), XLIFF 1.2 or XLIFF 2.0.
`apply` reads the packages that came back (files or directories, any format tm reads) and writes the
reviewed entries into the tree; conflicts and unmatched entries are listed, and make the exit status 2.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tm.cli._app import Json, Quiet, app, print_json
from tm.errors import BadArgument, InputError

if TYPE_CHECKING:
    from tm.review_package import Outcome, Returned

review_app = typer.Typer(help="Review packages: send out what needs review, apply what comes back.",
                         no_args_is_help=True)
app.add_typer(review_app, name="review")

_SUFFIX = {"po": ".po", "xliff": ".xlf", "xliff2": ".xliff"}


@review_app.command()
def pack(
    tree: Annotated[Path, typer.Argument(help="The locale's catalog tree (e.g. locales/fr-FR).")],
    out: Annotated[Path, typer.Option("--out", help="Directory to write the package into.")],
    fmt: Annotated[str, typer.Option("--format", help="po, xliff (XLIFF 1.2, .xlf) or xliff2 (XLIFF 2.0, .xliff).")
                   ] = "po",
    since: Annotated[Path | None, typer.Option(
        "--since", help="Only entries that changed since this handoff (directory of its pages or catalogs).")] = None,
    json_out: Json = False,
    quiet: Quiet = False,
) -> int:
    """Write a review package: the fuzzy and untranslated entries of TREE, each marked with where it belongs."""
    if fmt not in _SUFFIX:
        raise BadArgument(f"--format: unknown format {fmt!r} (choose from {', '.join(_SUFFIX)})")
    from tm.jobs.outputs import write_package

    changed = _changed_since(since, tree) if since is not None else None
    files, entries = write_package(tree, out, fmt, _SUFFIX[fmt], changed)
    if json_out:
        print_json({"files": files, "entries": entries})
    elif not quiet:
        print(f"{entries} entries to review in {files} files under {out}")
    return 0


def _changed_since(since: Path, tree: Path) -> dict[str, tuple[set[str], dict[str, str]]]:
    """Per page, the ids of the tree's entries that `tm diff SINCE TREE` finds changed or added, and their
    previous translations."""
    from tm.diff import DiffOptions, compare
    from tm.formats import catalog_suffixes
    from tm.sources import DirectorySource

    old = DirectorySource(since)
    if not len(old):  # not pages: the catalogs of the earlier handoff
        old = DirectorySource(since, catalog_suffixes())
    report = compare(old, DirectorySource(tree, catalog_suffixes()), options=DiffOptions(keep_changes=True))
    for message in report.errors:
        print(f"error: {message}", file=sys.stderr)
    out: dict[str, tuple[set[str], dict[str, str]]] = {}
    for page in report.pages:
        ids, previous = out.setdefault(page.relpath, (set(), {}))
        for change in page.changes:
            if change.new is not None:
                ids.add(change.new.id)
                if change.old is not None:
                    previous[change.new.id] = change.old.target
    return out


@review_app.command()
def apply(
    packages: Annotated[list[str], typer.Argument(help="Package files or directories that came back.")],
    to: Annotated[Path, typer.Option("--to", help="The catalog tree to apply the reviews to.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would be applied; write nothing.")] = False,
    json_out: Json = False,
    quiet: Quiet = False,
) -> int:
    """Apply the reviewed entries of returned packages to a catalog tree; never over an entry changed since."""
    from tm.catalogs import catalogs_by_page
    from tm.jobs.outputs import apply_to_tree
    from tm.review_package import Outcome

    returned, unmarked, marked, bad, sources = _read_packages(packages)
    if not marked and not bad:
        raise InputError(" ".join(packages), None, "no entries of a tm review package")
    if not returned and not unmarked and not bad:  # the package as it went out: applying it would do nothing
        raise InputError(" ".join(packages), None, f"none of its {marked} entries is reviewed (translated and not "
                         "fuzzy; in XLIFF, a translated or final state): nothing to apply")
    outcome = Outcome([], [], [(where, "no tm review mark") for where in unmarked])
    tree = catalogs_by_page([str(to)])
    by_page: dict[str, list[Returned]] = defaultdict(list)
    for item in returned:
        by_page[item.page].append(item)
    apply_to_tree(tree, by_page, outcome, to=to, dry_run=dry_run, sources=sources)
    _report(outcome, len(returned), json_out, quiet)
    return 2 if outcome.conflicts or outcome.unmatched or bad else 0


def _read_packages(packages: list[str]) -> tuple[list[Returned], list[str], int, int, dict[str, list[str]]]:
    """The reviewed entries of every package file (their page from the mark), unmarked ones, the count of
    marked entries, and of files that could not be read (each reported on stderr; the others are applied), and
    the sources of the marked entries by page (`package_sources`)."""
    from tm.catalogs import find_catalogs, read_catalog
    from tm.review_package import package_sources, returned_entries

    returned: list[Returned] = []
    unmarked: list[str] = []
    marked = bad = 0
    sources: dict[str, list[str]] = {}
    for found in find_catalogs(packages):
        try:
            catalog = read_catalog(found.path)
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            bad += 1
            continue
        items, count, bare = returned_entries(catalog, str(found.path))
        returned += items
        unmarked += bare
        marked += count
        for page, found_sources in package_sources(catalog).items():
            sources.setdefault(page, []).extend(found_sources)
    return returned, unmarked, marked, bad, sources


def _report(outcome: Outcome, reviewed: int, json_out: bool, quiet: bool) -> None:
    if json_out:
        print_json({"reviewed": reviewed, "applied": len(outcome.applied), "unchanged": outcome.unchanged,
                    "conflicts": [{"where": w, "reason": r} for w, r in outcome.conflicts],
                    "unmatched": [{"where": w, "reason": r} for w, r in outcome.unmatched],
                    "renamed": outcome.renamed})
        return
    for where, reason in outcome.conflicts + outcome.unmatched:
        print(f"{where}: {reason}", file=sys.stderr)
    for old, new in sorted(outcome.renamed.items()):
        print(f"note: page {old} is not in the tree; its reviews went to {new}, which holds its sources (renamed)",
              file=sys.stderr)
    if not quiet:
        print(f"{reviewed} reviewed entries: {len(outcome.applied)} applied, {outcome.unchanged} already in the "
              f"tree, {len(outcome.conflicts)} conflicts, {len(outcome.unmatched)} unmatched")

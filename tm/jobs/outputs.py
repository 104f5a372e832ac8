"""The files of `tm diff` (HTML report, review catalogs) and of `tm review` (packages out, reviews back in).

These commands write a handful of files from the parent process, with no pool: each file is written
atomically (`tm.fileio.write_atomic`), so a failure never leaves half a file.
"""

from __future__ import annotations

from pathlib import Path

from tm.catalogs import catalog_relpath, catalogs_by_page, read_catalog
from tm.diff import DiffReport, review_catalogs
from tm.fileio import write_atomic
from tm.formats import for_path, get_format, po
from tm.model import is_language_tag
from tm.review_package import Outcome, Returned, apply_reviews, pack_catalog

__all__ = ["apply_to_tree", "write_diff_html", "write_diff_reviews", "write_package"]

Changed = dict[str, tuple[set[str], dict[str, str]]]
"""Per page, the ids of the entries changed since an earlier handoff, and their previous translations."""


def write_diff_html(path: Path, report: DiffReport, title: str) -> None:
    """`tm diff --html`: the side-by-side report."""
    from tm.report_html import render_html

    write_atomic(path, render_html(report, title=title).encode("utf-8"))


def write_diff_reviews(po_dir: Path, report: DiffReport, label: str) -> list[str]:
    """`tm diff --po`: the review catalogs under `po_dir/<locale>/`; a page whose locale is not a language tag
    (`../x`) gets none, so nothing is written outside `po_dir` (TM103): the errors say which."""
    errors = []
    for relpath, catalog in review_catalogs(report).items():
        if catalog.locale and not is_language_tag(catalog.locale):
            errors.append(f"{label}/{catalog.page}: ms.contentlocale {catalog.locale!r} is not a language tag "
                          "(such as fr-FR); nothing written for it [TM103]")
            continue
        write_atomic(po_dir / relpath, po.write(catalog))
    return errors


def write_package(tree: Path, out: Path, fmt: str, suffix: str, changed: Changed | None) -> tuple[int, int]:
    """`tm review pack`: one package catalog (format `fmt`, files ending in `suffix`) per catalog of `tree`
    with entries needing review (only those of `changed`, when given); how many files and entries."""
    adapter = get_format(fmt)
    files = entries = 0
    for page, path in sorted(catalogs_by_page([str(tree)]).items()):
        ids, previous = changed.get(page, (set(), {})) if changed is not None else (None, None)
        if ids is not None and not ids:
            continue
        package = pack_catalog(read_catalog(path), page, ids=ids, previous=previous)
        if package is None:
            continue
        write_atomic(out / catalog_relpath(page, suffix), adapter.write(package))
        files, entries = files + 1, entries + len(package.entries)
    return files, entries


def apply_to_tree(tree: dict[str, str], by_page: dict[str, list[Returned]], outcome: Outcome, *, to: Path,
                  dry_run: bool) -> None:
    """`tm review apply`: the returned entries of each page applied to its catalog in `tree` (`{page: path}`)
    and the catalog rewritten (unless `dry_run`); what happened is added to `outcome`."""
    for page, items in sorted(by_page.items()):
        if page not in tree:
            outcome.unmatched += [(i.where, f"{i.id}: page {page} is not in {to}") for i in items]
            continue
        catalog = read_catalog(tree[page])
        updated = apply_reviews(catalog, items, outcome)
        if updated is not None and not dry_run:
            adapter = for_path(tree[page])
            assert adapter is not None
            data = adapter.write(updated)
            if adapter is po:  # the catalog's line ends and BOM, as an editor saved it
                data = po.with_layout(data, Path(tree[page]).read_bytes())
            write_atomic(tree[page], data)

"""The files of `tm diff` (HTML report, review catalogs) and of `tm review` (packages out, reviews back in).

These commands write a handful of files from the parent process, with no pool: each file is written
atomically (`tm.fileio.write_atomic`), so a failure never leaves half a file.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tm.catalogs import catalog_relpath, catalogs_by_page, read_catalog
from tm.diff import DiffReport, review_catalogs
from tm.errors import TmError
from tm.fileio import write_atomic
from tm.formats import for_path, get_format, po
from tm.jobs.stamp import digest
from tm.model import Catalog, is_language_tag
from tm.review_package import Outcome, Returned, apply_reviews, moved_hint, pack_catalog

__all__ = ["REVIEW_STAMP", "apply_to_tree", "edited_reviews", "renamed_pages", "write_diff_html", "write_diff_reviews",
           "write_package"]

REVIEW_STAMP = "X-Tm-Review"
"""The header field of a review catalog: a digest of its entries as tm wrote them, to tell a person's edits."""

Changed = dict[str, tuple[set[str], dict[str, str]]]
"""Per page, the ids of the entries changed since an earlier handoff, and their previous translations."""


def write_diff_html(path: Path, report: DiffReport, title: str) -> None:
    """`tm diff --html`: the side-by-side report."""
    from tm.report_html import render_html

    write_atomic(path, render_html(report, title=title).encode("utf-8"))


def write_diff_reviews(po_dir: Path, report: DiffReport, label: str, *, force: bool = False) -> list[str]:
    """`tm diff --po`: the review catalogs under `po_dir/<locale>/`; a page whose locale is not a language tag
    (`../x`) gets none, so nothing is written outside `po_dir` (TM103), and an existing catalog a person may have
    reviewed in (`edited_reviews`) is not overwritten unless `force`: the errors say which."""
    errors = []
    for relpath, catalog in review_catalogs(report).items():
        if catalog.locale and not is_language_tag(catalog.locale):
            errors.append(f"{label}/{catalog.page}: ms.contentlocale {catalog.locale!r} is not a language tag "
                          "(such as fr-FR); nothing written for it [TM103]")
            continue
        if not force and edited_reviews([po_dir / relpath]):
            errors.append(_edited(po_dir / relpath))
            continue
        written = po.read(po.write(catalog), path=relpath)  # the digest is of what an editor will read
        catalog.header[REVIEW_STAMP] = _entries_digest(written)
        write_atomic(po_dir / relpath, po.write(catalog))
    return errors


def edited_reviews(paths: list[Path]) -> list[str]:
    """The existing files of `paths` that are not review catalogs as tm wrote them: a person's reviews, comments or
    edits (their entries no longer match the `X-Tm-Review` digest; a re-wrap or a header an editor filled in
    does not count), or a file without the digest (not tm's, or of a tm before it), which may hold anything."""
    edited = []
    for path in paths:
        if not path.exists():
            continue
        try:
            catalog = po.read(path.read_bytes(), path=str(path))
        except (OSError, TmError):
            edited.append(str(path))
            continue
        if catalog.header.get(REVIEW_STAMP) != _entries_digest(catalog):
            edited.append(str(path))
    return edited


def _edited(path: Path | str) -> str:
    return (f"{path}: edited since tm wrote it (a person's reviews would be lost); not overwritten: move it away, or "
            "give --force to overwrite it")


def _entries_digest(catalog: Catalog) -> str:
    """What a person changes when reviewing: each entry's id, texts, fuzzy flag, state and translator comments."""
    return digest("\0".join(f"{e.id}\1{e.source}\1{e.target}\1{e.fuzzy}\1{e.obsolete}\1" + "\2".join(e.comments)
                             for e in catalog.entries).encode("utf-8"))


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
                  dry_run: bool, sources: dict[str, list[str]] | None = None) -> None:
    """`tm review apply`: the returned entries of each page applied to its catalog in `tree` (`{page: path}`)
    and the catalog rewritten (unless `dry_run`); what happened is added to `outcome`. A page no longer in the
    tree that `renamed_pages` finds renamed (by the `sources` of its package entries) gives its reviews to the
    page it became (`outcome.renamed`)."""
    gone = {page: (sources or {}).get(page) or [i.source for i in items]
            for page, items in by_page.items() if page not in tree}
    outcome.renamed = renamed_pages(tree, gone, set(by_page)) if gone else {}
    for page, items in sorted(by_page.items()):
        page = outcome.renamed.get(page, page)
        if page not in tree:
            why = f"page {page} is not in {to}, nor renamed to a page holding half of its sources; {moved_hint(page)}"
            outcome.unmatched += [(i.where, f"{i.id}: {why}") for i in items]
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


def renamed_pages(tree: dict[str, str], gone: dict[str, list[str]], named: set[str]) -> dict[str, str]:
    """`{package page: tree page}` for the pages of a package no longer in the tree (`gone`: their package
    entries' sources) that a page of the tree the package does not name holds at least half of (`tm update`'s
    rename, `tm.align.match_pages`, measured over the package's entries, which are part of a page), best first,
    each page once."""
    wanted = {page: Counter(found) for page, found in gone.items()}
    sources = set().union(*wanted.values())
    scored = []
    for page, path in tree.items():
        if page in named:
            continue
        held = Counter(e.source for e in read_catalog(path).active if e.source in sources)
        for old, counts in wanted.items():
            shared = sum((counts & held).values())
            if shared * 2 >= sum(counts.values()) and shared:
                scored.append((-shared / sum(counts.values()), old, page))
    renamed: dict[str, str] = {}
    for _, old, page in sorted(scored):
        if old not in renamed and page not in renamed.values():
            renamed[old] = page
    return renamed

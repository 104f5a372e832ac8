"""`tm extract` and `tm merge`: between a handoff's pages and the catalog tree."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tm.catalogs import catalog_relpath, page_catalogs, read_catalog
from tm.cli._app import Jobs, Json, OldOut, Quiet, Repo, Rev, app, out_dir, pages_source, print_json
from tm.errors import BadArgument, InputError
from tm.formats import get_format
from tm.jobs.pool import default_jobs, parallel_map
from tm.model import canonical_locale, is_language_tag
from tm.page import Mode
from tm.page.meta import read_meta
from tm.page.parse import decode_page
from tm.progress import Reporter
from tm.sources import Content, check_listed, content, deferred

if TYPE_CHECKING:  # the jobs (and what they import) are imported by the command that runs them
    from tm.jobs import FileResult


def _add(totals: dict[str, int], result: FileResult, keys: tuple[str, ...]) -> None:
    for key in keys:
        totals[key] += getattr(result, key)


@app.command()
def extract(
    sources: Annotated[list[str] | None, typer.Argument(help="Page files or directories of pages.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Catalog tree root: writes OUT/<locale>/<page>.po "
                                             "(default: locales).")] = None,
    locale: Annotated[str | None, typer.Option(help="Locale to use instead of the pages' ms.contentlocale.")] = None,
    formats: Annotated[
        list[str] | None, typer.Option("--format", "-f", help="po (default), xliff, xliff2, tmx; repeatable.")
    ] = None,
    repo: Repo = None,
    rev: Rev = None,
    jobs: Jobs = None,
    json_out: Json = False,
    quiet: Quiet = False,
    old_out: OldOut = None,
) -> int:
    """Harvest the span pairs of bilingual pages into one catalog per page."""
    from tm.jobs.extract import ExtractJob

    if locale is not None and not is_language_tag(canonical_locale(locale)):
        raise BadArgument(f"--locale {locale}: not a language tag (such as fr-FR)")
    out = out_dir(out, old_out, "extract", quiet=quiet) or Path("locales")
    names = tuple(dict.fromkeys(formats or ["po"]))
    for name in names:
        get_format(name)
    source, shown = pages_source(sources or [], repo, rev)
    check_listed(source)
    report = Reporter(quiet=quiet or json_out)
    job = ExtractJob(out, names, canonical_locale(locale) if locale else "", shown,
                     count_words=json_out or not quiet)
    keys = ("pages", "segments", "words", "files_written")
    totals = dict.fromkeys(keys, 0)
    clashes: list[str] = []
    pages = _one_per_catalog(deferred(source), canonical_locale(locale) if locale else "", clashes)
    results = parallel_map(job, pages, jobs=jobs or default_jobs(), total=len(source))
    for result in report.track(results, total=len(source), label="extract"):
        for message in result.errors:
            report.error(message)
        _add(totals, result, keys)
    for message in clashes:
        report.error(message)
    if not report.errors and not totals["files_written"]:  # an empty or wrong folder is not a success
        where = f"{rev}:{' '.join(sources)}" if rev and sources else shown or " ".join(sources or [])
        report.error(f"{where}: no page (.md, .yml) in it" if not len(source) else
                     f"{where}: none of its {len(source)} pages has span pairs; no catalog written")
    if rev is not None and totals["files_written"]:  # the commit the trees hold, for `tm sync`
        from tm.jobs.tree import locale_dirs
        from tm.sync.state import record_extract
        record_extract([str(out / name) for name in locale_dirs(str(out))], repo or Path("."), rev, sources or [])
    if json_out:
        print_json({**totals, "errors": report.errors})
    elif not quiet:
        print(
            f"{totals['pages']} pages, {totals['segments']} segments, {totals['words']} words: "
            f"{totals['files_written']} catalogs written under {out}"
        )
    return 2 if report.errors else 0


def _one_per_catalog(pages: Iterator[tuple[str, Content]], locale: str, clashes: list[str]
                     ) -> Iterator[tuple[str, Content]]:
    """`pages` but those whose catalog would overwrite an earlier page's (`P.MD` after `P.md`, the same
    relpath under two directories given), each told in `clashes`: the first page keeps the catalog. Pages of
    two locales do not clash (their catalogs are in two trees); only clashing pages are read here for it."""
    seen: dict[str, tuple[str, Content]] = {}
    for relpath, data in pages:
        key = catalog_relpath(relpath, "")
        first = seen.get(key)
        if first is None:
            seen[key] = relpath, data
        elif locale or _declared_locale(relpath, data) == _declared_locale(*first):
            clashes.append(f"{_named(relpath, data)}: not extracted: its catalog {catalog_relpath(relpath)} would "
                           f"overwrite the one of {_named(*first)}")
            continue
        yield relpath, data


def _named(relpath: str, data: Content) -> str:
    return data if isinstance(data, str) else relpath


def _declared_locale(relpath: str, data: Content) -> str:
    """The page's `ms.contentlocale` ("" if unreadable: the job reports that)."""
    try:
        text, _ = decode_page(relpath, content(data))
    except (OSError, InputError):
        return ""
    return canonical_locale(read_meta(text, yaml_page=relpath.lower().endswith((".yml", ".yaml")))
                            .get("ms.contentlocale", ""))


def _add_merged(totals: dict[str, int], result: FileResult, report: Reporter) -> None:
    """One merged page's messages reported, and its counts added to `totals`."""
    for message in result.errors:
        report.error(message)
    for message in result.stale + result.refused + result.warnings:
        report.warning(message)
    _add(totals, result, ("pages", "applied", "unknown_ids"))
    totals["pages_written"] += result.files_written
    totals["stale"] += len(result.stale)
    totals["refused"] += len(result.refused)


def _refuse_out_in_pages(pages: Path, out: Path) -> None:
    """Merged pages written over the handoff's own (`--out` = `--pages`) lose every pair; written inside it,
    they are merged again on the next run (`build/build/…`): both refused before anything is written."""
    given, target = pages.resolve(), out.resolve()
    if given.is_dir() and (target == given or given in target.parents):
        raise BadArgument(f"--out {out} is {'--pages' if target == given else 'inside --pages'} {pages}: the "
                          "merged pages would overwrite or nest in the handoff; give a folder outside it")
    if not given.is_dir() and target / given.name == given:
        raise BadArgument(f"--out {out} would write the merged page over --pages {pages}; give another folder")


def _unmatched(by_page: dict[str, str], unused: list[str], pages: str, allow: bool, report: Reporter) -> None:
    """Report the catalogs no page took: one that cannot be read is an error in any case; one with reviewed
    entries is an error too (they were not applied), a warning with `--allow-unmatched`; one with nothing
    reviewed (such as the all-obsolete catalog `update` leaves of a removed page) is a warning."""
    for page in unused:
        try:
            reviewed = read_catalog(by_page[page], reviewed_only=True, header=False).entries
        except InputError as exc:
            report.error(str(exc))
            continue
        message = f"{by_page[page]}: no page {page}" + (f" in {pages}" if pages else "") + "; catalog not used"
        if reviewed and not allow:
            report.error(f"{message} (--allow-unmatched to merge anyway)")
        else:
            report.warning(message + ("" if reviewed else " (nothing reviewed in it)"))


@app.command()
def merge(
    catalogs: Annotated[list[str], typer.Argument(help="Catalog files or directories of catalogs.")],
    pages: Annotated[str | None, typer.Option(help="The handoff pages (file or directory) to merge into.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Directory where the merged pages are written.")] = None,
    mode: Annotated[Mode, typer.Option(help="target: translated pages; bilingual: new side-by-side pages; "
                                            "source: English pages.")] = Mode.TARGET,
    repo: Repo = None,
    rev: Rev = None,
    check: Annotated[bool, typer.Option("--check", help="Do not apply reviewed translations that fail an "
                                        "error-level QA check (see tm check); report them.")] = False,
    allow_unmatched: Annotated[bool, typer.Option(
        "--allow-unmatched", help="A catalog of no page, or with pair ids its page does not have, is a warning, "
        "not an error (its page is still written).")] = False,
    jobs: Jobs = None,
    json_out: Json = False,
    quiet: Quiet = False,
    old_out: OldOut = None,
) -> int:
    """Write the pages with the reviewed translations of the catalogs applied."""
    from tm.jobs.merge import MergeJob

    out = out_dir(out, old_out, "merge", quiet=quiet)
    if out is None:
        raise BadArgument("--out DIR is required")
    if pages and rev is None:
        _refuse_out_in_pages(Path(pages), out)
    source, shown = pages_source([pages] if pages else [], repo, rev)
    check_listed(source)
    report = Reporter(quiet=quiet or json_out)
    by_page = page_catalogs(catalogs)
    job = MergeJob(out, mode, shown, check, allow_unmatched)
    names: set[str] = set()
    stale_entries: list[str] = []
    refused_entries: list[str] = []

    def items() -> Iterator[tuple[str, Content, str | None]]:
        for relpath, data in deferred(source):
            names.add(relpath)
            catalog = by_page.get(relpath)
            yield relpath, data, None if catalog is None else str(catalog)  # a str pickles faster than a Path

    totals = dict.fromkeys(("pages", "applied", "unknown_ids", "pages_written", "stale", "refused"), 0)
    results = parallel_map(job, items(), jobs=jobs or default_jobs(), total=len(source))
    for result in report.track(results, total=len(source), label="merge"):
        _add_merged(totals, result, report)
        stale_entries += result.stale
        refused_entries += result.refused
    unused = sorted(set(by_page) - names)
    _unmatched(by_page, unused, pages or shown, allow_unmatched, report)
    if json_out:
        print_json({**totals, "unused_catalogs": [str(by_page[p]) for p in unused], "stale_entries": stale_entries,
                    "refused_entries": refused_entries, "errors": report.errors})
    elif not quiet:
        print(f"{totals['pages_written']} pages written under {out}: {totals['applied']} reviewed translations "
              f"applied, {totals['stale']} stale entries skipped"
              + (f", {totals['refused']} refused by --check" if check else ""))
    return 2 if report.errors else 0

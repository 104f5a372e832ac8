"""`tm export`: convert catalogs to another format, or gather a whole tree (or several) into one TMX memory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tm.catalogs import CatalogFile, catalog_relpath, find_catalogs
from tm.cli._app import Jobs, Json, Quiet, app, print_json
from tm.errors import BadArgument
from tm.formats import get_format
from tm.jobs.pool import default_jobs, parallel_map
from tm.progress import Reporter

REVIEWED_STATES = {"xliff": ("translated", "final", "signed-off"), "xliff2": ("reviewed", "final")}


@app.command()
def export(
    catalogs: Annotated[list[str], typer.Argument(help="Catalog files or directories (any format).")],
    format_name: Annotated[str, typer.Option("--format", "-f", help="po, xliff (1.2), xliff2 or tmx.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="One TMX file holding every catalog "
                                                   "(identical pairs deduplicated).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Directory for one converted file per catalog, "
                                                "mirroring the input tree.")] = None,
    reviewed_state: Annotated[str | None, typer.Option(
        "--reviewed-state", help="XLIFF state of reviewed entries: translated|final|signed-off (1.2), "
        "reviewed|final (2.0).")] = None,
    inline: Annotated[str | None, typer.Option(
        "--inline", help="TMX and XLIFF 1.2: Markdown markup as text (TMX default: what CAT tools match; "
        "what Poedit shows readably) or as tags (<ph>, <bpt>/<ept>; XLIFF default).")] = None,
    origin: Annotated[str | None, typer.Option(
        "--origin", help="TMX memory (-o): entries to include, any of reviewed,ht,mt (default: reviewed, what a "
        "person wrote or confirmed; ht = the vendor's human translation as delivered, or a person's fuzzy "
        "translation; mt = machine translation).")] = None,
    jobs: Jobs = None,
    json_out: Json = False,
    quiet: Quiet = False,
) -> int:
    """Convert catalogs to another format, or write them all as one TMX translation memory."""
    adapter = get_format(format_name)
    if (output is None) == (out is None):
        raise BadArgument("give either -o FILE (one TMX memory) or --out DIR (one file per catalog)")
    if output is not None and adapter.NAME != "tmx":
        raise BadArgument("-o FILE writes one TMX memory: use --format tmx, or --out DIR for other formats")
    origins = _tmx_options(adapter.NAME, inline, origin, memory=output is not None)
    if reviewed_state is not None:
        allowed = REVIEWED_STATES.get(adapter.NAME, ())
        if reviewed_state not in allowed:
            raise BadArgument(f"--reviewed-state {reviewed_state!r} does not apply to {adapter.NAME} "
                              f"(choose from {', '.join(allowed) or 'nothing'})")
    report = Reporter(quiet=quiet or json_out)
    files = list(find_catalogs(catalogs))
    if out is not None:
        counts = _export_files(files, out, adapter.NAME, reviewed_state, inline, jobs, report)
    else:
        from tm.jobs.review import export_memory

        assert output is not None
        done = export_memory(report.track(files, total=len(files), label="export"), output,
                             inline=inline or "text", origins=origins, error=report.error)
        counts = {"entries": done.entries, "files_written": done.files_written, "units": done.units}
        if done.entries and not done.units:
            report.warning(f"no entry is {' or '.join(origins)}: the memory is empty (--origin reviewed,ht,mt adds "
                           "the vendor's translations)")
    entries, written = counts["entries"], counts["files_written"]
    if json_out:
        print_json({"catalogs": len(files), "entries": entries, "files_written": written, "errors": report.errors}
                   | ({"units": counts["units"]} if "units" in counts else {}))
    elif not quiet:
        where = output if output is not None else out
        units = f" ({counts['units']} translation units)" if "units" in counts else ""
        print(f"{len(files)} catalogs, {entries} entries: {written} file(s) written to {where}{units}")
    return 2 if report.errors else 0


def _one_per_output(files: list[CatalogFile], suffix: str, report: Reporter) -> list[CatalogFile]:
    """`files` but those whose output file an earlier one has (`a.po` and `a.xlf` of one page), each reported
    as an error: the first keeps it, instead of being overwritten by the second."""
    seen: dict[str, CatalogFile] = {}
    for item in files:
        output = catalog_relpath(item.page, suffix)
        first = seen.setdefault(output, item)
        if first is not item:
            report.error(f"{item.path}: not exported: its output {output} would overwrite the one of {first.path}")
    return list(seen.values())


def _export_files(files: list[CatalogFile], out: Path, format_name: str, reviewed_state: str | None,
                  inline: str | None, jobs: int | None, report: Reporter) -> dict[str, int]:
    """`tm export --out`: each catalog converted, over worker processes; what was written."""
    from tm.jobs.review import ExportJob

    counts = {"entries": 0, "files_written": 0}
    job = ExportJob(out, format_name, reviewed_state, inline)
    outputs = _one_per_output(files, get_format(format_name).SUFFIXES[0], report)
    results = parallel_map(job, outputs, jobs=jobs or default_jobs(), total=len(outputs))
    for result in report.track(results, total=len(outputs), label="export"):
        for message in result.errors:
            report.error(message)
        counts["entries"] += result.segments
        counts["files_written"] += result.files_written
    return counts


def _tmx_options(format_name: str, inline: str | None, origin: str | None, *, memory: bool
                 ) -> tuple[str, ...]:
    """The origins `--origin` names (default: reviewed), after checking `--inline` and `--origin` apply."""
    from tm.formats.tmx import INLINE_FORMS, ORIGINS  # lxml is imported only when XML is written

    if inline is not None and (format_name not in ("tmx", "xliff") or inline not in INLINE_FORMS):
        raise BadArgument(f"--inline {inline!r} does not apply to {format_name} (TMX and XLIFF 1.2: text or tags)")
    if origin is None:
        return ("reviewed",)
    origins = tuple(name.strip() for name in origin.split(",") if name.strip())
    if not memory:
        raise BadArgument("--origin chooses the entries of a TMX memory: use it with --format tmx -o FILE")
    if not origins or not set(origins) <= set(ORIGINS):
        raise BadArgument(f"--origin {origin!r}: choose some of {','.join(ORIGINS)}")
    return origins

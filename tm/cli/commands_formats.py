"""`tm export`: convert catalogs to another format, or gather a whole tree (or several) into one TMX memory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from tm.catalogs import CatalogFile, find_catalogs, read_catalog
from tm.cli._app import Jobs, Json, Quiet, app, print_json
from tm.errors import BadArgument, InputError
from tm.fileio import write_atomic
from tm.formats import check_writable, get_format
from tm.jobs import ExportJob, default_jobs, parallel_map
from tm.model import Catalog
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
    if reviewed_state is not None:
        allowed = REVIEWED_STATES.get(adapter.NAME, ())
        if reviewed_state not in allowed:
            raise BadArgument(f"--reviewed-state {reviewed_state!r} does not apply to {adapter.NAME} "
                              f"(choose from {', '.join(allowed) or 'nothing'})")
    report = Reporter(quiet=quiet or json_out)
    files = list(find_catalogs(catalogs))
    counts = {"entries": 0, "files_written": 0}
    if out is not None:
        job = ExportJob(out, adapter.NAME, reviewed_state)
        results = parallel_map(job, files, jobs=jobs or default_jobs(), total=len(files))
        for result in report.track(results, total=len(files), label="export"):
            for message in result.errors:
                report.error(message)
            counts["entries"] += result.segments
            counts["files_written"] += result.files_written
    else:
        memory = adapter.write_memory(_read_each(files, report, counts))
        if counts["entries"]:
            assert output is not None
            write_atomic(output, memory)
            counts["files_written"] = 1
    entries, written = counts["entries"], counts["files_written"]
    if json_out:
        print_json({"catalogs": len(files), "entries": entries, "files_written": written, "errors": report.errors})
    elif not quiet:
        where = output if output is not None else out
        print(f"{len(files)} catalogs, {entries} entries: {written} file(s) written to {where}")
    return 2 if report.errors else 0


def _read_each(files: list[CatalogFile], report: Reporter, counts: dict[str, int]) -> Iterator[Catalog]:
    """Catalogs one at a time, so a memory of a whole tree never holds every catalog at once."""
    for item in report.track(files, total=len(files), label="export"):
        try:
            catalog = read_catalog(item.path, comments=False)  # a memory keeps no comments
            check_writable("tmx", catalog, path=str(item.path))
        except InputError as exc:
            report.error(str(exc))
            continue
        counts["entries"] += len(catalog.entries)
        yield catalog

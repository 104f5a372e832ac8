"""Extract of one full handoff to each catalog format, and the whole tree as one TMX memory, in the same run.

    python benchmarks/bench_formats.py [--rev sxs] [--repeat 3]

Rows, each the median of `--repeat` fresh child processes (peak RSS: largest process of a run, workers
included), inputs and outputs under /dev/shm/tm-bench:

- floor: read every page and regex-scan its pairs (`common.FLOOR`);
- `tm extract PAGES -f po`, `-f xliff`, `-f xliff2`, `-f tmx` (default `--jobs`), each into an empty tree;
- `tm export CATALOGS --format tmx -o memory.tmx --origin reviewed,ht,mt`: the PO tree of the `-f po` rows as one
  deduplicated memory of every entry (by default a memory holds reviewed entries only, none in a fresh handoff).

Ratios are against the floor and against the PO extract of the same run. Bar (issue 4): the XLIFF and TMX
exports take at most 3x the PO export time; it is checked for the three extract rows and for the memory.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from common import FLOOR, ROOT, SHM, Row, checkout, corpus_repo, run

HERE = SHM / "formats"
BAR = 3.0


def size_mb(path: Path) -> float:
    """Total size of a file or of the files under a directory, in MB."""
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(path) for n in names) / 1e6


def print_table(title: str, rows: list[Row], floor: Row, po_row: Row) -> None:
    print(f"\n{title}")
    print(f"{'step':<44} {'median s':>9} {'x floor':>8} {'x PO':>6} {'peak RSS MB':>12}  note")
    print("-" * 110)
    for row in rows:
        print(f"{row.name:<44} {row.median:>9.2f} {row.median / floor.median:>8.2f} "
              f"{row.median / po_row.median:>6.2f} {row.rss_mb:>12.0f}  {row.note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="sxs", help="handoff to use (default: sxs, the 2021-02 handoff)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    os.chdir(ROOT)  # `python -m tm` is this checkout's tm, installed or not
    repo = corpus_repo()
    pages = checkout(repo, args.rev)
    py = sys.executable
    rows = []

    times, rss, pairs = run([py, "-c", FLOOR, str(pages)], repeat=args.repeat)
    floor = Row("Python read + regex scan (floor)", times, rss, f"{int(pairs)} pairs")
    rows.append(floor)

    extracts = {}
    for name in ("po", "xliff", "xliff2", "tmx"):
        out = HERE / f"extract-{name}"
        times, rss, _ = run([py, "-m", "tm", "extract", str(pages), "--out", str(out), "-f", name, "-q"],
                            repeat=args.repeat, clean=out)
        extracts[name] = Row(f"tm extract -f {name}", times, rss, f"{size_mb(out):.0f} MB written")
    rows += extracts.values()

    memory = HERE / "memory.tmx"
    times, rss, _ = run([py, "-m", "tm", "export", str(HERE / "extract-po" / "fr-FR"), "--format", "tmx", "-o",
                         str(memory), "--origin", "reviewed,ht,mt", "-q"], repeat=args.repeat, clean=memory)
    units = memory.read_bytes().count(b"<tu ")
    export = Row("tm export CATALOGS --format tmx -o memory.tmx --origin reviewed,ht,mt", times, rss,
                 f"{units} <tu>, {size_mb(memory):.0f} MB; one process")
    rows.append(export)

    po_row = extracts["po"]
    print_table(f"catalog formats of handoff {args.rev} ({pages}), median of {args.repeat}", rows, floor, po_row)
    print(f"\nbar (issue 4): XLIFF and TMX export <= {BAR:.0f}x the PO export (tm extract -f po), same run")
    for row in (extracts["xliff"], extracts["xliff2"], extracts["tmx"], export):
        ratio = row.median / po_row.median
        print(f"  {row.name:<44} {ratio:>5.2f}x  {'ok' if ratio <= BAR else 'FAILS the bar'}")


if __name__ == "__main__":
    main()

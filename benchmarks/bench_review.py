"""`tm check` and `tm stats` of a full handoff's catalogs, against the Python scan floor of its pages.

    python benchmarks/bench_review.py [--rev sxs] [--repeat 3]

The catalogs are extracted once (not timed) under /dev/shm/tm-bench; the steps run in rounds, so a slow spell
of the shared machine hits them all. Bar (issue 5): `tm check` of a full
handoff at most 3x the floor measured in the same run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from common import FLOOR, SHM, Step, checkout, corpus_repo, print_table, run_rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="sxs")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    pages = checkout(corpus_repo(), args.rev)
    catalogs = SHM / f"review-{args.rev.replace('~', '-')}"
    py = sys.executable
    if not catalogs.exists():
        subprocess.run([py, "-m", "tm", "extract", str(pages), "--out", str(catalogs), "-q"], check=True)
    tree = str(catalogs / "fr-FR")

    tm = [py, "-m", "tm"]
    rows, outs = run_rounds([
        Step("Python read + regex scan (floor)", [py, "-c", FLOOR, str(pages)]),
        Step("tm check --json", [*tm, "check", tree, "--json", "-q"]),
        Step("tm check --jobs 1", [*tm, "check", tree, "--json", "-q", "--jobs", "1"], note="one process"),
        Step("tm stats --by total", [*tm, "stats", tree, "--json", "--by", "total", "-q"]),
    ], repeat=args.repeat)
    floor, check, check1, stats = rows
    floor.note = f"{int(outs[0])} pairs"
    findings = outs[1].count('"rule":')
    check.note = f"{findings} findings; bar: <= 3x floor"
    print_table(f"check/stats of handoff {args.rev} ({tree})", [floor, check, check1, stats], floor)


if __name__ == "__main__":
    main()

"""`tm check` and `tm stats` of a full handoff's catalogs, against the Python scan floor of its pages.

    python benchmarks/bench_review.py [--rev sxs] [--repeat 3]

The catalogs are extracted once (not timed) under /dev/shm/tm-bench. Bar (issue 5): `tm check` of a full
handoff at most 3x the floor measured in the same run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from common import FLOOR, SHM, Row, checkout, corpus_repo, print_table, run


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

    times, rss, pairs = run([py, "-c", FLOOR, str(pages)], repeat=args.repeat)
    floor = Row("Python read + regex scan (floor)", times, rss, f"{int(pairs)} pairs")
    times, rss, out = run([py, "-m", "tm", "check", tree, "--json", "-q"], repeat=args.repeat)
    findings = out.count('"rule":')
    check = Row("tm check --json", times, rss, f"{findings} findings; bar: <= 3x floor")
    times, rss, _ = run([py, "-m", "tm", "check", tree, "--json", "-q", "--jobs", "1"], repeat=args.repeat)
    check1 = Row("tm check --jobs 1", times, rss, "one process")
    times, rss, _ = run([py, "-m", "tm", "stats", tree, "--json", "--by", "total", "-q"], repeat=args.repeat)
    stats = Row("tm stats --by total", times, rss)
    print_table(f"check/stats of handoff {args.rev} ({tree})", [floor, check, check1, stats], floor)


if __name__ == "__main__":
    main()

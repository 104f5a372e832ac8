"""Extract and merge of one full handoff, against `cat`, the Python scan floor and a naive polib pipeline.

    python benchmarks/bench_extract_merge.py [--rev sxs] [--repeat 3] [--polib-repeat 3]

All outputs go under /dev/shm/tm-bench so the disk's noise stays out. Steps run in rounds (each step once
per round), so a slow spell of the shared machine hits them all. Bars (issue 2): extract ≤ 3x the
floor, merge ≤ 4x, both ≥ 10x faster than the naive polib pipeline, peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import statistics
import sys

from common import FLOOR, SHM, Step, checkout, corpus_repo, print_table, run_rounds

NAIVE_POLIB = """
import os, re, sys, polib
pair = re.compile(r'<span data-ttu-id="([^"]+)">(.*?)</span><span class="sxs-lookup"><span data-stu-id="\\1">(.*?)</span></span>', re.S)
root, out = sys.argv[1], sys.argv[2]
for folder, dirs, names in os.walk(root):
    for name in names:
        if not name.endswith((".md", ".yml")):
            continue
        path = os.path.join(folder, name)
        text = open(path, "rb").read().decode("utf-8-sig")
        found = pair.findall(text)
        if not found:
            continue
        po = polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr_FR"}
        rel = os.path.relpath(path, root)
        for pid, target, source in found:
            po.append(polib.POEntry(msgctxt=pid, msgid=source, msgstr=target, flags=["fuzzy"], occurrences=[(rel, "")]))
        dest = os.path.join(out, rel[:-3] + ".po")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        po.save(dest)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="sxs", help="handoff to use (default: sxs, the 2021-02 handoff)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--polib-repeat", type=int, default=3)
    args = parser.parse_args()

    repo = corpus_repo()
    pages = checkout(repo, args.rev)
    out = SHM / "out"
    py = sys.executable
    tm = [py, "-m", "tm"]
    merge = [*tm, "merge", str(out / "loc" / "fr-FR"), "--pages", str(pages), "--mode", "target", "-q", "--out"]
    steps = [
        Step("cat of all pages", ["sh", "-c", (f"find {pages} -type f -name '*.md' -print0 -o -name '*.yml' "
                                               "-print0 | xargs -0 cat > /dev/null")]),
        Step("Python read + regex scan (floor)", [py, "-c", FLOOR, str(pages)]),
        Step("tm extract (PO)", [*tm, "extract", str(pages), "--out", str(out / "loc"), "-q"], out / "loc",
             "bar: <= 3x floor"),
        Step("tm extract --jobs 1", [*tm, "extract", str(pages), "--out", str(out / "loc1"), "-q", "--jobs", "1"],
             out / "loc1", "one process"),
        Step("tm merge --mode target", [*merge, str(out / "merged")], out / "merged", "bar: <= 4x floor"),
        Step("tm merge --jobs 1", [*merge, str(out / "merged1"), "--jobs", "1"], out / "merged1", "one process"),
    ]
    naive_step = Step("naive polib pipeline (POFile per page, save)", [py, "-c", NAIVE_POLIB, str(pages),
                                                                        str(out / "naive")], out / "naive")
    if args.polib_repeat == args.repeat:
        rows, outs = run_rounds([*steps, naive_step], repeat=args.repeat)
    else:  # fewer rounds of the slow pipeline: it runs after the others
        rows, outs = run_rounds(steps, repeat=args.repeat)
        rows += run_rounds([naive_step], repeat=args.polib_repeat)[0]
    _, floor, extract, _, merge, _, naive = rows
    floor.note = f"{int(outs[1])} pairs"

    print_table(f"extract/merge of handoff {args.rev} ({pages})", rows, floor)
    print(f"\nnaive polib / tm extract: {naive.median / extract.median:.1f}x   "
          f"naive polib / tm merge: {naive.median / merge.median:.1f}x   (bar: >= 10x)")
    if len(naive.seconds) == len(extract.seconds):
        paired = [statistics.median(n / t for n, t in zip(naive.seconds, row.seconds)) for row in (extract, merge)]
        print(f"the same, median of the ratios within each round: {paired[0]:.1f}x, {paired[1]:.1f}x")


if __name__ == "__main__":
    main()

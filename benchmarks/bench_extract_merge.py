"""Extract and merge of one full handoff, against `cat`, the Python scan floor and a naive polib pipeline.

    python benchmarks/bench_extract_merge.py [--rev sxs] [--repeat 3] [--polib-repeat 1]

All outputs go under /dev/shm/tm-bench so the disk's noise stays out. Bars (issue 2): extract ≤ 3x the
floor, merge ≤ 4x, both ≥ 10x faster than the naive polib pipeline, peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import sys

from common import FLOOR, SHM, Row, checkout, corpus_repo, print_table, run

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
    parser.add_argument("--polib-repeat", type=int, default=1)
    args = parser.parse_args()

    repo = corpus_repo()
    pages = checkout(repo, args.rev)
    out = SHM / "out"
    py = sys.executable
    rows = []

    cat = Row("cat of all pages", *run(["sh", "-c", f"find {pages} -type f -name '*.md' -print0 -o -name '*.yml' "
                                               "-print0 | xargs -0 cat > /dev/null"], repeat=args.repeat)[:2])
    times, rss, pairs = run([py, "-c", FLOOR, str(pages)], repeat=args.repeat)
    floor = Row("Python read + regex scan (floor)", times, rss, f"{int(pairs)} pairs")
    rows += [cat, floor]

    times, rss, _ = run([py, "-m", "tm", "extract", str(pages), "--out", str(out / "loc"), "-q"],
                        repeat=args.repeat, clean=out / "loc")
    extract = Row("tm extract (PO)", times, rss, "bar: <= 3x floor")
    times, rss, _ = run([py, "-m", "tm", "extract", str(pages), "--out", str(out / "loc1"), "-q", "--jobs", "1"],
                        repeat=args.repeat, clean=out / "loc1")
    rows += [extract, Row("tm extract --jobs 1", times, rss, "one process")]
    times, rss, _ = run([py, "-m", "tm", "merge", str(out / "loc" / "fr-FR"), "--pages", str(pages), "--out",
                         str(out / "merged"), "--mode", "target", "-q"], repeat=args.repeat, clean=out / "merged")
    merge = Row("tm merge --mode target", times, rss, "bar: <= 4x floor")
    times, rss, _ = run([py, "-m", "tm", "merge", str(out / "loc" / "fr-FR"), "--pages", str(pages), "--out",
                         str(out / "merged1"), "--mode", "target", "-q", "--jobs", "1"], repeat=args.repeat,
                        clean=out / "merged1")
    rows += [merge, Row("tm merge --jobs 1", times, rss, "one process")]
    times, rss, _ = run([py, "-c", NAIVE_POLIB, str(pages), str(out / "naive")], repeat=args.polib_repeat,
                        clean=out / "naive")
    naive = Row("naive polib pipeline (POFile per page, save)", times, rss)
    rows.append(naive)

    print_table(f"extract/merge of handoff {args.rev} ({pages})", rows, floor)
    print(f"\nnaive polib / tm extract: {naive.median / extract.median:.1f}x   "
          f"naive polib / tm merge: {naive.median / merge.median:.1f}x   (bar: >= 10x)")


if __name__ == "__main__":
    main()

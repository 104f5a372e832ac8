"""Extract and merge of a page whose pairs all sit on one line: the time per pair must not grow with the line.

    python benchmarks/bench_long_lines.py [--sizes 10000 40000 160000] [--repeat 3]

Some pages come from tools that write a whole document on one line. For each size N this generates, under
/dev/shm/tm-bench/long-lines, a Markdown page with N pairs on one line (the fast paths) and a YAML page with
N pairs in one single-quoted scalar (the model path, with its `''` unescaping), and times `tm extract` and
`tm merge --mode bilingual` of each as fresh child processes (median of `--repeat`). Rows give seconds and
microseconds per pair: linear time shows as a flat per-pair column across sizes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from common import SHM, Step, run_rounds

HERE = SHM / "long-lines"


def pair(k: int, quote: str) -> str:
    pid = f"{k % 4096:05x}-{k}"
    return (f'<span data-ttu-id="{pid}">Cible{quote} {k} : `code`.</span><span class="sxs-lookup">'
            f'<span data-stu-id="{pid}">Target{quote} {k}: `code`.</span></span> ')


def make_pages(size: int) -> Path:
    """The two one-line pages of `size` pairs, in their own folder (made once)."""
    folder = HERE / str(size) / "docs"
    if not folder.exists():
        folder.mkdir(parents=True)
        meta = "ms.contentlocale: fr-fr\nms.translationtype: HT\n"
        body = "".join(pair(k, "") for k in range(size))
        (folder / "line.md").write_text(f"---\n{meta}---\n{body}\n", encoding="utf-8")
        scalar = "".join(pair(k, "''") for k in range(size))
        (folder / "line.yml").write_text(f"### YamlMime:Landing\nsummary: '{scalar}'\nmetadata:\n  "
                                         f"{meta.replace(chr(10), chr(10) + '  ')}\n", encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 40_000, 160_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tm = [sys.executable, "-m", "tm"]
    steps, sizes = [], []
    for size in args.sizes:
        docs = make_pages(size)
        out = docs.parent / "out"
        for name in ("line.md", "line.yml"):
            page = docs / name
            steps.append(Step(f"extract {name} ({size} pairs)", [*tm, "extract", str(page), "--out",
                                                                  str(out / "loc"), "-q", "--jobs", "1"]))
            catalog = out / "loc" / "fr-FR" / (name[:-3] + ".po" if name.endswith(".md") else name + ".po")
            steps.append(Step(f"merge {name} ({size} pairs)", [*tm, "merge", str(catalog), "--pages", str(page),
                                                                "--out", str(out / "merged"), "--mode", "bilingual",
                                                                "-q", "--jobs", "1"]))
            sizes += [size, size]
    rows, _ = run_rounds(steps, repeat=args.repeat)
    print(f"\none-line pages under {HERE}")
    print(f"{'step':<40} {'median s':>9} {'µs/pair':>8} {'peak RSS MB':>12}")
    print("-" * 72)
    for row, size in zip(rows, sizes):
        print(f"{row.name:<40} {row.median:>9.2f} {row.median / size * 1e6:>8.1f} {row.rss_mb:>12.0f}")


if __name__ == "__main__":
    main()

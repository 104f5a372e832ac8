"""Diff of two full handoffs and update of a full catalog tree, against the Python scan floor and msgmerge.

    python benchmarks/bench_handoffs.py [--old sxs~1] [--new sxs] [--repeat 3] [--msgmerge-budget 60]

Inputs and outputs live under /dev/shm/tm-bench. Rows:

- floor: read every page of both handoffs and regex-scan their pairs (`common.FLOOR`), the same run;
- `tm diff OLD NEW --json` (directories), `--repo --rev --rev` (git objects), and with `--html --po`;
- `tm update` of the catalogs extracted from OLD to NEW, as extracted (all machine translation) and after a
  simulated review (every 3rd entry's msgstr changed and unfuzzied, so 1/3 of the tree is the memory for
  cross-page offers); each run starts from a fresh copy of the tree (the copy is not timed);
- per-page `msgmerge --previous OLD.po NEW.po` (NEW.po extracted from NEW: the template), one process at a
  time as a shell loop runs it, on a uniform sample of pages within a time budget, extrapolated to all
  pages (per-page mean × pages).

Bars (issue 3): diff and update <= 3x the floor of both handoffs, update >= 20x faster than per-page msgmerge,
peak RSS < 500 MB (largest process of a run, workers included).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import FLOOR, ROOT, SHM, Row, checkout, corpus_repo, print_table, run

sys.path.insert(0, str(ROOT))

from tm.formats import po

HERE = SHM / "handoffs"


def extract(py: str, pages: Path, out: Path) -> Path:
    """The catalog tree of `pages` (made once)."""
    if not (out / "fr-FR").exists():
        subprocess.run(["rm", "-rf", str(out)], check=True)
        subprocess.run([py, "-m", "tm", "extract", str(pages), "--out", str(out), "-q"], check=True, cwd=ROOT)
    return out / "fr-FR"


def simulate_review(tree: Path, out: Path) -> Path:
    """A copy of `tree` where every 3rd entry was reviewed (made once)."""
    if out.exists():
        return out
    tmp = out.with_name(out.name + ".tmp")
    subprocess.run(["rm", "-rf", str(tmp)], check=True)
    subprocess.run(["cp", "-r", str(tree), str(tmp)], check=True)
    n = 0
    for path in sorted(tmp.rglob("*.po")):
        catalog = po.read(path.read_bytes(), path=str(path))
        for entry in catalog.entries:
            n += 1
            if n % 3 == 0:
                entry.target, entry.fuzzy = f"RELU {entry.target}", False
        path.write_bytes(po.write(catalog))
    tmp.rename(out)
    return out


def time_update(py: str, tree: Path, pages: Path, repeat: int, label: str) -> Row:
    """`tm update` on a fresh copy of `tree` each time."""
    work = HERE / "update"
    times: list[float] = []
    peak = 0.0
    for _ in range(repeat):
        subprocess.run(["rm", "-rf", str(work)], check=True)
        subprocess.run(["cp", "-r", str(tree), str(work)], check=True)
        seconds, rss, _ = run([py, "-m", "tm", "update", str(work), str(pages), "--json"], repeat=1)
        times += seconds
        peak = max(peak, rss)
    return Row(label, times, peak, "bar: <= 3x floor, >= 20x msgmerge")


def time_msgmerge(old: Path, new: Path, budget: float) -> tuple[Row, str]:
    """Per-page msgmerge on a uniform sample within `budget` seconds, extrapolated to every page."""
    pairs = sorted(p.relative_to(new) for p in new.rglob("*.po") if (old / p.relative_to(new)).exists())
    step = 10
    sample = pairs[::step]
    out = HERE / "msgmerge.po"
    spent: list[float] = []
    start = time.perf_counter()
    for rel in sample:
        begin = time.perf_counter()
        subprocess.run(["msgmerge", "--previous", "-q", "-o", str(out), str(old / rel), str(new / rel)], check=True)
        spent.append(time.perf_counter() - begin)
        if time.perf_counter() - start > budget:
            break
    per_page = statistics.mean(spent)
    total = per_page * len(pairs)
    note = f"extrapolated: {len(spent)} of {len(pairs)} pages run, {per_page * 1000:.1f} ms/page"
    return Row("msgmerge --previous, per page (estimated)", [total], 0.0, note), note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", default="sxs~1", help="old handoff (default: sxs~1, 2020-12)")
    parser.add_argument("--new", default="sxs", help="new handoff (default: sxs, 2021-02)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--msgmerge-budget", type=float, default=60.0, help="seconds of msgmerge to sample")
    args = parser.parse_args()
    py = sys.executable
    HERE.mkdir(parents=True, exist_ok=True)

    repo = corpus_repo()
    old_pages, new_pages = checkout(repo, args.old), checkout(repo, args.new)
    old_tree = extract(py, old_pages, HERE / f"cat-{args.old.replace('~', '-')}")
    new_tree = extract(py, new_pages, HERE / f"cat-{args.new.replace('~', '-')}")
    reviewed_tree = simulate_review(old_tree, HERE / f"reviewed-{args.old.replace('~', '-')}")

    rows: list[Row] = []
    times, rss, pairs = run([py, "-c", FLOOR, str(old_pages), str(new_pages)], repeat=args.repeat)
    floor = Row("floor: read + regex scan, both handoffs", times, rss, f"{int(pairs)} pairs")
    times, rss, pairs_new = run([py, "-c", FLOOR, str(new_pages)], repeat=args.repeat)
    floor_new = Row("floor: new handoff only", times, rss, f"{int(pairs_new)} pairs")
    rows += [floor, floor_new]

    tm = [py, "-m", "tm"]
    diff = Row("tm diff OLD NEW --json", *run([*tm, "diff", str(old_pages), str(new_pages), "--json"],
                                              repeat=args.repeat)[:2], "bar: <= 3x floor")
    git = Row("tm diff --repo --rev --rev --json", *run(
        [*tm, "diff", "--repo", str(repo), "--rev", args.old, "--rev", args.new, "docs", "--json"],
        repeat=args.repeat)[:2], "pages read from git objects")
    html = Row("tm diff --html --po", *run(
        [*tm, "diff", str(old_pages), str(new_pages), "-q", "--html", str(HERE / "report.html"), "--po",
         str(HERE / "review")], repeat=args.repeat)[:2], "with the changed texts")
    rows += [diff, git, html]

    update = time_update(py, old_tree, new_pages, args.repeat, "tm update (extracted catalogs)")
    reviewed = time_update(py, reviewed_tree, new_pages, args.repeat, "tm update (1/3 reviewed: memory)")
    rows += [update, reviewed]
    msgmerge, _ = time_msgmerge(old_tree, new_tree, args.msgmerge_budget)
    rows.append(msgmerge)

    print_table(f"diff/update {args.old} → {args.new} (2 CPUs; medians of {args.repeat})", rows, floor)
    print(f"\nupdate / floor of the new handoff only: {update.median / floor_new.median:.2f}x (extracted), "
          f"{reviewed.median / floor_new.median:.2f}x (reviewed)")
    print(f"msgmerge / tm update: {msgmerge.median / update.median:.1f}x (extracted), "
          f"{msgmerge.median / reviewed.median:.1f}x (reviewed)   (bar: >= 20x; msgmerge on one CPU, "
          f"{msgmerge.median / 2 / update.median:.1f}x if it had both)")
    worst = max(row.rss_mb for row in rows)
    print(f"peak RSS of any tm run: {max(r.rss_mb for r in (diff, git, html, update, reviewed)):.0f} MB "
          f"(bar: < 500 MB); largest row overall: {worst:.0f} MB")


if __name__ == "__main__":
    main()

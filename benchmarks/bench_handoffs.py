"""Diff of two full handoffs and update of a full catalog tree, against the Python scan floor and msgmerge.

    python benchmarks/bench_handoffs.py [--old sxs~1] [--new sxs] [--repeat 3] [--msgmerge-budget 60]

Inputs and outputs live under /dev/shm/tm-bench. Rows:

- floor: read every page of both handoffs and regex-scan their pairs (`common.FLOOR`), in the same run;
- `tm diff OLD NEW --json` (directories), `--repo --rev --rev` (git objects), and with `--html --po`;
- `tm update` to NEW of four catalog trees of OLD, each run on a fresh copy (the copy is not timed):
  - *first update*: the catalogs `tm extract` made from OLD, all machine translation, and the same after a
    simulated review (every 3rd entry's msgstr changed and unfuzzied: 1/3 of the tree is the memory for
    offers across pages); every catalog is rewritten (it gets its `X-Tm-Update` stamp);
  - *steady state*: the catalogs as a team has them, extracted from the handoff before OLD (reviewed or
    not) and updated to OLD by `tm update`; pages unchanged since are skipped by their stamp;
- per-page `msgmerge --previous OLD.po NEW.po` (NEW.po: NEW extracted, as the template), one process at a
  time as a shell loop runs it, on a uniform sample of pages within a time budget, extrapolated to all
  pages (mean per page × pages); its CPU time is measured too.

Bars (issue 3): diff and update <= 3x the floor of both handoffs, update >= 20x faster than per-page msgmerge,
peak RSS < 500 MB (largest process of a run, workers included).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import FLOOR, ROOT, SHM, Row, checkout, corpus_repo, print_table, run

sys.path.insert(0, str(ROOT))

from tm.formats import po  # importable once the path is set

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


def timed(argv: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB, workers included) and CPU seconds (user + system, workers included)."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execvp(argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"error: {' '.join(argv)} failed with {status}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def time_update(py: str, tree: Path, pages: Path, repeat: int, label: str) -> tuple[Row, float]:
    """`tm update` on a fresh copy of `tree` each time; the row and the median CPU seconds."""
    work = HERE / "update"
    times: list[float] = []
    cpus: list[float] = []
    peak = 0.0
    for _ in range(repeat):
        subprocess.run(["rm", "-rf", str(work)], check=True)
        subprocess.run(["cp", "-r", str(tree), str(work)], check=True)
        wall, rss, cpu = timed([py, "-m", "tm", "update", str(work), str(pages), "--json"])
        times.append(wall)
        cpus.append(cpu)
        peak = max(peak, rss)
    cpu = statistics.median(cpus)
    return Row(label, times, peak, f"cpu {cpu:.1f} s"), cpu


def steady_tree(py: str, before: Path, old_pages: Path, name: str) -> Path:
    """`before` (catalogs of the handoff before OLD) updated to OLD by `tm update` (made once)."""
    out = HERE / name
    if not out.exists():
        tmp = out.with_name(out.name + ".tmp")
        subprocess.run(["rm", "-rf", str(tmp)], check=True)
        subprocess.run(["cp", "-r", str(before), str(tmp)], check=True)
        subprocess.run([py, "-m", "tm", "update", str(tmp), str(old_pages), "-q"], check=True, cwd=ROOT)
        tmp.rename(out)
    return out


def time_msgmerge(old: Path, new: Path, budget: float) -> tuple[Row, float]:
    """Per-page msgmerge on a uniform sample within `budget` seconds, extrapolated to every page."""
    pairs = sorted(p.relative_to(new) for p in new.rglob("*.po") if (old / p.relative_to(new)).exists())
    sample = pairs[::10]
    out = HERE / "msgmerge.po"
    spent: list[float] = []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for rel in sample:
        begin = time.perf_counter()
        subprocess.run(["msgmerge", "--previous", "-q", "-o", str(out), str(old / rel), str(new / rel)], check=True)
        spent.append(time.perf_counter() - begin)
        if time.perf_counter() - start > budget:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / len(spent) * len(pairs)
    per_page = statistics.mean(spent)
    note = f"cpu {cpu:.0f} s; {len(spent)} of {len(pairs)} pages run, {per_page * 1000:.1f} ms/page"
    return Row("msgmerge --previous per page (extrapolated)", [per_page * len(pairs)], 0.0, note), cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="sxs~2", help="handoff before OLD, for the steady state (sxs~2)")
    parser.add_argument("--old", default="sxs~1", help="old handoff (default: sxs~1, 2020-12)")
    parser.add_argument("--new", default="sxs", help="new handoff (default: sxs, 2021-02)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--msgmerge-budget", type=float, default=60.0, help="seconds of msgmerge to sample")
    args = parser.parse_args()
    py = sys.executable
    HERE.mkdir(parents=True, exist_ok=True)

    def name(rev: str) -> str:
        return rev.replace("~", "-")

    repo = corpus_repo()
    before_pages = checkout(repo, args.before)
    old_pages, new_pages = checkout(repo, args.old), checkout(repo, args.new)
    old_tree = extract(py, old_pages, HERE / f"cat-{name(args.old)}")
    new_tree = extract(py, new_pages, HERE / f"cat-{name(args.new)}")
    reviewed_tree = simulate_review(old_tree, HERE / f"reviewed-{name(args.old)}")
    before_tree = extract(py, before_pages, HERE / f"cat-{name(args.before)}")
    steady = steady_tree(py, before_tree, old_pages, f"steady-{name(args.before)}-{name(args.old)}")
    steady_reviewed = steady_tree(py, simulate_review(before_tree, HERE / f"reviewed-{name(args.before)}"),
                                  old_pages, f"steady-reviewed-{name(args.before)}-{name(args.old)}")

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

    updates = [
        time_update(py, old_tree, new_pages, args.repeat, "tm update, first after extract (MT)"),
        time_update(py, reviewed_tree, new_pages, args.repeat, "tm update, first after extract (1/3 reviewed)"),
        time_update(py, steady, new_pages, args.repeat, "tm update, steady state (MT)"),
        time_update(py, steady_reviewed, new_pages, args.repeat, "tm update, steady state (1/3 reviewed)"),
    ]
    rows += [row for row, _ in updates]
    msgmerge, msgmerge_cpu = time_msgmerge(old_tree, new_tree, args.msgmerge_budget)
    rows.append(msgmerge)

    print_table(f"diff/update {args.old} → {args.new} ({os.cpu_count()} CPUs; medians of {args.repeat})", rows,
                floor)
    print(f"\n{'update':<48} {'x floor(new)':>12} {'msgmerge/tm wall':>17} {'msgmerge/tm cpu':>16}")
    for row, cpu in updates:
        print(f"{row.name:<48} {row.median / floor_new.median:>12.2f} {msgmerge.median / row.median:>17.1f} "
              f"{msgmerge_cpu / cpu:>16.1f}")
    print("bars: <= 3x floor (both handoffs, table above); >= 20x msgmerge")
    print(f"peak RSS of any tm run: {max(r.rss_mb for r in rows[2:-1]):.0f} MB (bar: < 500 MB)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (other processes share these CPUs)")


if __name__ == "__main__":
    main()

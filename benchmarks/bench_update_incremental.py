"""Benchmark the incremental `tm update --repo/--rev` on the history bundle against the full one (`--full`).

    python benchmarks/bench_update_incremental.py [--repeat 3] [--commits 20] [--history DIR]

The tree: the catalogs of the 2020-12-18 handoff, extracted with `--repo/--rev` from the history's commit that
carries its tree, every 3rd entry reviewed, updated to that commit (the first update from git reads every page,
rewrites every catalog with its stamp and records them) and to the next commit (which reads the reviews of the
catalogs the first one rewrote, once), then 20 catalogs reviewed again in an editor. Each round updates a fresh
copy (mtimes kept) to the commit `--commits` later, incrementally and with `--full`, alternating; the two trees
must hold the same catalogs byte for byte. Outputs under /dev/shm/incremental/bench.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from common import ROOT, run

sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from bench_handoffs import simulate_review
from bench_sync import handoff_commits

from tm.formats import po

HERE = Path("/dev/shm/incremental/bench")
HISTORY = Path("/work/corpus/history")


def tm(*args: object) -> list[str]:
    return [sys.executable, "-m", "tm", *map(str, args)]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def made(path: Path, steps: list[list[str]], start: Path | None = None) -> Path:
    """`path` made once: a copy of `start` (mtimes kept), then `steps` run in order."""
    if not path.exists():
        tmp = path.with_name(path.name + ".tmp")
        subprocess.run(["rm", "-rf", str(tmp)], check=True)
        if start is not None:
            subprocess.run(["cp", "-a", str(start), str(tmp)], check=True)
        for argv in steps:
            subprocess.run([a.replace("{tree}", str(tmp)) for a in argv], check=True, cwd=ROOT,
                           stdout=subprocess.DEVNULL)
        tmp.rename(path)
    return path


def review_some(tree: Path, count: int) -> None:
    """A person's review of one entry in `count` catalogs spread over the tree."""
    paths = sorted(tree.rglob("*.po"))
    for path in paths[:: max(1, len(paths) // count)][:count]:
        catalog = po.read(path.read_bytes(), path=str(path))
        entry = next(e for e in catalog.entries if not e.obsolete)
        entry.target, entry.fuzzy = f"RELU ENCORE {entry.target}", False
        path.write_bytes(po.write(catalog))


def files(tree: Path) -> dict[str, bytes]:
    found = {}
    for folder, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if not name.startswith("."):
                path = Path(folder, name)
                found[path.relative_to(tree).as_posix()] = path.read_bytes()
    return found


def timed(argv: list[str], tree: Path, work: Path, cpus: list[float]) -> tuple[float, dict[str, object], float]:
    subprocess.run(["rm", "-rf", str(work)], check=True)
    work.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-a", str(tree), str(work)], check=True)
    seconds, peak, out = run([a.replace("{work}", str(work)) for a in argv], repeat=1, cpus=cpus)
    return seconds[0], json.loads(out), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--commits", type=int, default=20)
    parser.add_argument("--history", type=Path, default=HISTORY)
    args = parser.parse_args()
    HERE.mkdir(parents=True, exist_ok=True)
    start, _ = handoff_commits(args.history)
    after = git(args.history, "rev-list", "--first-parent", "--reverse", f"{start}..history").split()
    kept, new = after[0], after[args.commits]
    extracted = made(HERE / "extracted", [tm("extract", "--repo", args.history, "--rev", start, "docs", "--out",
                                             "{tree}", "-q")])
    reviewed = simulate_review(extracted / "fr-FR", HERE / "reviewed")
    base = made(HERE / "base", [tm("update", "{tree}", "--repo", args.history, "--rev", rev, "docs", "-q")
                                for rev in (start, kept)], reviewed)
    edited = HERE / "edited"
    if not edited.exists():
        subprocess.run(["cp", "-a", str(base), str(HERE / "edited.tmp")], check=True)
        review_some(HERE / "edited.tmp", 20)
        (HERE / "edited.tmp").rename(edited)
    argv = tm("update", "{work}", "--repo", args.history, "--rev", new, "docs", "--json")
    runs: dict[str, list[float]] = {"incremental": [], "full": []}
    cpus: dict[str, list[float]] = {"incremental": [], "full": []}
    summaries: dict[str, dict[str, object]] = {}
    peak = 0.0
    for _ in range(args.repeat):
        for name, extra in (("incremental", []), ("full", ["--full"])):
            seconds, summaries[name], rss = timed(argv + extra, edited, HERE / f"work-{name}" / "fr-FR", cpus[name])
            runs[name].append(seconds)
            peak = max(peak, rss)
    same = files(HERE / "work-incremental" / "fr-FR") == files(HERE / "work-full" / "fr-FR")
    pages = len(git(args.history, "diff-tree", "-r", "--name-only", kept, new, "--", "docs").split())
    print(f"\ntm update, the 2020-12-18 handoff's tree kept by updates from git ({kept[:12]}, 20 catalogs "
          f"reviewed since) -> {args.commits} commits later ({new[:12]}): {pages} pages differ; {os.cpu_count()} CPUs, "
          f"medians of {args.repeat} (alternating)")
    print(f"{'run':<14} {'median s':>9} {'cpu s':>7} {'pages read':>11} {'written':>8}")
    for name, seconds in runs.items():
        summary = summaries[name]
        print(f"{name:<14} {statistics.median(seconds):>9.2f} {statistics.median(cpus[name]):>7.2f} "
              f"{summary['pages_read']:>11,} {summary['files_written']:>8,}")
    ratio = statistics.median(runs["incremental"]) / statistics.median(runs["full"])
    print(f"incremental / full: {ratio:.2f} (wall), same catalogs byte for byte: {same}; peak RSS {peak:.0f} MB")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (other processes share these CPUs)")
    if not same:
        sys.exit("error: the incremental update's catalogs differ from the full update's")


if __name__ == "__main__":
    main()

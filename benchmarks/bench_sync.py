"""Benchmark `tm sync` on the history bundle: one commit of ~20 pages, and the range of commits from the
2020-12-18 handoff to the 2021-02-04 one against one full `tm update` per 10 commits.

    python benchmarks/bench_sync.py [--repeat 3] [--pages 20]

The tree is the catalogs of the 2020-12-18 handoff (extracted from the history's commit that carries its
tree), every 3rd entry reviewed. Bars (issue 18): one commit touching ~20 pages < 1 s wall (and its ratio to
the scan floor of the same blobs: `git diff-tree` + `git cat-file --batch` + the pair regex, in a child
process as tm runs); the whole range in less time than one full update per 10 commits; peak RSS <= 300 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

from common import ROOT, SHM, Row, corpus_repo, run

sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from bench_handoffs import simulate_review
from bench_memory import history_repo
from sync_equality import compare_trees

HERE = SHM / "sync"

FLOOR = """
import re, subprocess, sys
repo, commit = sys.argv[1], sys.argv[2]
pair = re.compile(r'<span data-ttu-id="([^"]+)">(.*?)</span><span class="sxs-lookup"><span data-stu-id="\\1">(.*?)</span></span>', re.S)
out = subprocess.run(["git", "-C", repo, "diff-tree", "-r", "-z", "-M", "--no-commit-id", "--raw", commit + "^", commit,
                      "--", "docs"], capture_output=True, check=True).stdout.split(b"\\0")
blobs = [f.split()[3] for f in out[::2] if f.startswith(b":") and f.split()[4] != b"D"]
cat = subprocess.run(["git", "-C", repo, "cat-file", "--batch"], input=b"\\n".join(blobs) + b"\\n",
                     capture_output=True, check=True).stdout
n, at = 0, 0
while at < len(cat):
    end = cat.index(b"\\n", at)
    size = int(cat[at:end].split()[2])
    n += len(pair.findall(cat[end + 1:end + 1 + size].decode("utf-8-sig")))
    at = end + 2 + size
print(n)
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def handoff_commits(history: Path) -> tuple[str, str]:
    """The history's commits carrying the trees of handoffs sxs~1 and sxs (by tree equality); of the two
    commits with the 2020-12-18 tree, the later."""
    handoffs = corpus_repo()
    old_tree, new_tree = git(handoffs, "rev-parse", "sxs~1^{tree}", "sxs^{tree}").split()
    start = end = ""
    for line in git(history, "log", "--first-parent", "--format=%H %T", "history").splitlines():
        commit, tree = line.split()
        if tree == new_tree and not end:
            end = commit
        if tree == old_tree and not start:
            start = commit
    return start, end


def commit_of_size(history: Path, start: str, end: str, pages: int) -> str:
    """The first commit of the range touching about `pages` pages."""
    for commit in git(history, "rev-list", "--first-parent", "--reverse", f"{start}..{end}").split():
        touched = git(history, "diff-tree", "-r", "--no-commit-id", "--name-only", commit + "^", commit, "--", "docs")
        count = sum(1 for name in touched.splitlines() if name.endswith((".md", ".yml")))
        if pages * 0.8 <= count <= pages * 1.3:
            return commit
    sys.exit(f"error: no commit of ~{pages} pages in the range")


def tm(*args: str) -> list[str]:
    return [sys.executable, "-m", "tm", *map(str, args)]


def prepared(name: str, make: list[list[str]], base: Path) -> Path:
    """`base` copied (mtimes kept) and brought along by the `make` commands, made once (again when its review
    index is not tm's current one: each timed run would make it anew)."""
    target = HERE / name
    if not (target / "fr-FR" / ".tm" / "reviews.sqlite").exists():
        subprocess.run(["rm", "-rf", str(target)], check=True)
        target.mkdir(parents=True)
        subprocess.run(["cp", "-a", str(base), str(target / "fr-FR")], check=True)
        for argv in make:
            subprocess.run([a.replace("{tree}", str(target / "fr-FR")) for a in argv], check=True,
                           stdout=subprocess.DEVNULL, cwd=ROOT)
    return target / "fr-FR"


def timed(name: str, argv: list[str], tree: Path | None, repeat: int, work: str = "work") -> Row:
    """Median of `repeat` runs; a fresh copy of `tree` (mtimes kept: the review index stays valid) each, in
    HERE/`work`/fr-FR (left there)."""
    seconds: list[float] = []
    cpus: list[float] = []
    peak = 0.0
    work_tree = HERE / work / "fr-FR"
    for _ in range(repeat):
        if tree is not None:
            subprocess.run(["rm", "-rf", str(work_tree.parent)], check=True)
            work_tree.parent.mkdir(parents=True)
            subprocess.run(["cp", "-a", str(tree), str(work_tree)], check=True)
        times, rss, _ = run([a.replace("{work}", str(work_tree)) for a in argv], repeat=1, cpus=cpus)
        seconds += times
        peak = max(peak, rss)
    return Row(name, seconds, peak, cpu=cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    HERE.mkdir(parents=True, exist_ok=True)
    history = history_repo(None)
    start, end = handoff_commits(history)
    commits = git(history, "rev-list", "--first-parent", "--reverse", f"{start}..{end}").split()
    one = commit_of_size(history, start, end, args.pages)
    extracted = HERE / "extracted"
    if not (extracted / "fr-FR").exists():
        subprocess.run(tm("extract", "--repo", history, "--rev", start, "docs", "--out", extracted, "-q"),
                       check=True, cwd=ROOT)
    reviewed = simulate_review(extracted / "fr-FR", HERE / "reviewed")
    index = [sys.executable, "-c", "import sys; from tm.sync.state import ReviewIndex; ReviewIndex.load(sys.argv[1]).save()",
             "{tree}"]
    subprocess.run(["cp", "-a", str(extracted / "fr-FR" / ".tm"), str(reviewed)], check=False)
    base = prepared("base", [index], reviewed)
    before_one = prepared(f"before-{one[:8]}", [tm("sync", "{tree}", "--repo", history, "--branch", "history", "--to",
                                                  one + "^", "-q")], base)
    rows = [
        timed("floor: diff-tree + cat-file + regex of those blobs", [sys.executable, "-c", FLOOR, str(history), one],
              None, args.repeat),
        timed(f"tm sync, one commit ({one[:8]})", tm("sync", "{work}", "--repo", history, "--branch", "history",
                                                    "--to", one, "--json"), before_one, args.repeat),
        timed(f"tm sync, whole range ({len(commits)} commits)", tm("sync", "{work}", "--repo", history, "--branch",
                                                                   "history", "-q"), base, 1, "synced"),
        timed("tm update, one full update over the range", tm("update", "{work}", "--repo", history, "--rev", end,
                                                              "docs", "-q"), base, 1, "updated"),
    ]
    starts = [timed("python start alone (python -c pass)", [sys.executable, "-c", "pass"], None, args.repeat),
              timed("tm start alone (tm --version)", tm("--version"), None, args.repeat)]
    floor, single, whole, update = rows
    rows += starts
    touched = git(history, "diff-tree", "-r", "--no-commit-id", "--name-only", one + "^", one, "--", "docs")
    print(f"\ntm sync on the history bundle ({os.cpu_count()} CPUs; medians of {args.repeat}, ranges once); "
          f"commit {one[:12]}: {len(touched.splitlines())} pages")
    print(f"{'step':<52} {'median s':>9} {'cpu s':>7} {'peak RSS MB':>12}")
    print("-" * 84)
    for row in rows:
        print(f"{row.name:<52} {row.median:>9.2f} {statistics.median(row.cpu):>7.2f} {row.rss_mb:>12.0f}")
    budget = update.median * len(commits) / 10
    print(f"\none commit: {single.median:.2f} s (bar < 1 s), {single.median / floor.median:.1f}x the scan floor "
          f"(CPU: {statistics.median(single.cpu):.2f} s, {statistics.median(single.cpu) / statistics.median(floor.cpu):.1f}x)")
    print(f"fixed cost of any tm run: {starts[1].median:.2f} s, {starts[1].median / floor.median:.1f}x the floor "
          f"(python alone {starts[0].median:.2f} s): of one commit's {single.median:.2f} s, "
          f"{single.median - starts[1].median:.2f} s are sync's own work")
    print(f"whole range: {whole.median:.1f} s for {len(commits)} commits; one full update per 10 commits: "
          f"{budget:.1f} s (bar: less); {whole.median / len(commits):.2f} s a commit")
    same = compare_trees(HERE / "synced" / "fr-FR", HERE / "updated" / "fr-FR")
    print(f"equality: {same.differing:,} of {same.entries:,} active entries differ from one update ({same.share:.3%}, "
          f"bar < 0.1%); reviewed texts one update keeps that the sync lost: {len(same.lost)} (bar: 0)")
    print(f"peak RSS of any tm run: {max(r.rss_mb for r in rows[1:4]):.0f} MB (bar: <= 300 MB)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (other processes share these CPUs)")


if __name__ == "__main__":
    main()

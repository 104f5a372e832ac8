"""`tm memory`: harvest of the whole `history` branch against a plain scan of the same blobs, then lookups.

    python benchmarks/bench_memory.py [--history DIR] [--branch history] [--repeat 1] [--samples 200]

Bars (issue 16): harvest <= 2x the plain scan (git log + `git cat-file --batch` of the same changed blobs +
the pair regex, run in the same rounds), peak RSS <= 1 GB, a re-run with nothing new <= 1 s; exact lookup
p99 < 1 ms, concordance p99 < 20 ms, fuzzy p50 < 10 ms and p99 < 150 ms with recall >= 0.97 against a
brute-force rapidfuzz scan of every source at similarity >= 0.8; store <= 300 MB.

The history is a bare clone of ../shared/corpus/dotnet-docs-fr-fr-history.bundle under /dev/shm (made once)
unless --history names one. Lookups run in this process on the memory the last harvest wrote.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, SHM, Step, print_table, run_rounds

sys.path.insert(0, str(ROOT))

HISTORY_BUNDLE = ROOT.parent / "shared" / "corpus" / "dotnet-docs-fr-fr-history.bundle"

SCAN = """
import subprocess, sys, threading
from tm.page.parse import PAIR
repo, rev = sys.argv[1], sys.argv[2]
log = subprocess.run(["git", "-C", repo, "log", "--first-parent", "--reverse", "--diff-merges=first-parent", "--root",
                      "--raw", "--no-abbrev", "--no-renames", "-z", "--format=%x01%H %ct", rev],
                     capture_output=True, check=True).stdout
shas = []
for chunk in log.split(b"\\x01")[1:]:
    fields = chunk.partition(b"\\0")[2].lstrip(b"\\n").split(b"\\0")
    for meta, name in zip(fields[::2], fields[1::2]):
        parts = meta.split()
        if len(parts) == 5 and parts[4] in (b"A", b"M") and name.endswith((b".md", b".yml")):
            shas.append(parts[3])
proc = subprocess.Popen(["git", "-C", repo, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def feed():
    proc.stdin.write(b"".join(sha + b"\\n" for sha in shas)); proc.stdin.close()
threading.Thread(target=feed, daemon=True).start()
pairs = 0
for _ in shas:
    size = int(proc.stdout.readline().split()[2])
    pairs += len(PAIR.findall(proc.stdout.read(size).decode("utf-8", "replace")))
    proc.stdout.read(1)
proc.wait()
print(len(shas), pairs)
"""


def history_repo(given: str | None) -> Path:
    if given:
        return Path(given)
    repo = SHM / "history.git"
    if not repo.exists():
        if not HISTORY_BUNDLE.exists():
            sys.exit(f"error: {HISTORY_BUNDLE}: history bundle not found")
        subprocess.run(["git", "clone", "-q", "--bare", str(HISTORY_BUNDLE), str(repo)], check=True)
    return repo


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn, items):  # type: ignore[no-untyped-def]
    times, results = [], []
    for item in items:
        start = time.perf_counter()
        results.append(fn(item))
        times.append((time.perf_counter() - start) * 1000)
    return times, results


def perturb(text: str, rng: random.Random) -> str:
    """A sentence a translator might meet next: one word dropped, or replaced, or two words swapped."""
    words = text.split(" ")
    i = rng.randrange(len(words))
    kind = rng.choice(("drop", "replace", "swap"))
    if kind == "drop" and len(words) > 6:
        del words[i]
    elif kind == "swap" and len(words) > 6:
        j = min(len(words) - 1, i + 1)
        words[i], words[j] = words[j], words[i]
    else:
        words[i] = rng.choice(("new", "other", "the", "custom", "value"))
    return " ".join(words)


def lookups(db: Path, samples: int) -> list[str]:
    from rapidfuzz import fuzz, process

    from tm import memory
    from tm.memory.query import fuzzy_sources

    rng = random.Random(16)
    con = memory.connect(db, create=False)
    sources = [row[0] for row in con.execute("SELECT text FROM sources")]
    lines = []
    exact_t, _ = timed(lambda s: memory.exact(con, s), rng.sample(sources, 1000))
    lines.append(f"exact lookup: p50 {percentile(exact_t, 50):.3f} ms, p99 {percentile(exact_t, 99):.3f} ms "
                 "(bar p99 < 1 ms)")
    long_enough = [s for s in sources if 8 <= len(s.split(" ")) <= 40]
    queries = [perturb(s, rng) for s in rng.sample(long_enough, samples)]
    fuzzy_t, found = timed(lambda q: fuzzy_sources(con, q, limit=1, threshold=0.8), queries)
    hits = total = 0
    for query, ours in zip(queries, found):
        best = process.extractOne(query, sources, scorer=fuzz.ratio, score_cutoff=80,
                                  processor=None)
        if best is None or best[0] == query:
            continue
        total += 1
        hits += bool(ours) and ours[0][1] * 100 >= best[1] - 1e-9
    lines.append(f"fuzzy lookup: p50 {percentile(fuzzy_t, 50):.2f} ms, p99 {percentile(fuzzy_t, 99):.2f} ms, "
                 f"recall {hits}/{total} = {hits / max(total, 1):.3f} vs brute-force rapidfuzz >= 0.8 "
                 "(bar p50 < 10, p99 < 150, recall >= 0.97)")
    words = [w for s in rng.sample(sources, samples) for w in re.findall(r"[A-Za-z]{4,}", s)[:1]]
    phrases = [" ".join(s.split(" ")[1:3]) for s in rng.sample(long_enough, samples // 4)]
    common = ["the", "a value", '"of the"', "is", "to"]
    concordance_queries = words + [f'"{p}"' for p in phrases] + common
    conc_t, _ = timed(lambda q: memory.search(con, q, limit=50), concordance_queries)
    target_t, _ = timed(lambda q: memory.search(con, q, side="target", limit=50), ["le", "de la", "collecteur"])
    lines.append(f"concordance: p50 {percentile(conc_t, 50):.2f} ms, p99 {percentile(conc_t, 99):.2f} ms over "
                 f"{len(concordance_queries)} queries (words, phrases, stop words; bar p99 < 20 ms); "
                 f"target side max {max(target_t):.2f} ms")
    con.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", help="a clone of the history bundle (default: one under /dev/shm)")
    parser.add_argument("--branch", default="history")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--lookups-only", action="store_true", help="only the lookups, on the last memory made")
    args = parser.parse_args()
    repo = history_repo(args.history)
    db = SHM / "memory" / "memory.sqlite"
    db.parent.mkdir(parents=True, exist_ok=True)
    if args.lookups_only:
        for line in lookups(db, args.samples):
            print(line)
        return
    py = sys.executable
    env_path = f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"
    os.environ["PYTHONPATH"] = env_path
    add = [py, "-m", "tm", "memory", "add", "--repo", str(repo), "--branch", args.branch, "--db", str(db), "--json"]
    rows, outs = run_rounds([
        Step("plain scan: git log + cat-file --batch + regex", [py, "-c", SCAN, str(repo), args.branch]),
        Step("tm memory add (whole branch, new memory)", add, clean=db.parent),
        Step("tm memory add again (nothing new)", add),
    ], repeat=args.repeat)
    scan, harvest, rerun = rows
    scan.note = "{} blobs, {} pairs".format(*outs[0].split())
    harvest.note = "ratio bar <= 2, RSS bar <= 1024 MB"
    rerun.note = "bar <= 1 s"
    print_table(f"tm memory add of branch {args.branch} ({repo})", rows, scan)
    size = sum(p.stat().st_size for p in db.parent.glob("memory.sqlite*"))
    con = sqlite3.connect(db)
    counts = con.execute("SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM translations)").fetchone()
    con.close()
    print(f"\nstore: {size / 1e6:.0f} MB for {counts[0]} sources, {counts[1]} translations (bar <= 300 MB)")
    print(f"re-run: median {statistics.median(rerun.seconds):.2f} s")
    scan_cpu, harvest_cpu = statistics.median(scan.cpu), statistics.median(harvest.cpu)
    print(f"CPU seconds (user + system, git included): scan {scan_cpu:.1f}, harvest {harvest_cpu:.1f} "
          f"({harvest_cpu / scan_cpu:.1f}x; wall ratios suffer most when the machine is loaded)")
    for line in lookups(db, args.samples):
        print(line)


if __name__ == "__main__":
    main()

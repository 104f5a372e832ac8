"""Shared benchmark plumbing: the corpus checkout under /dev/shm, timing child processes, and the table.

Every figure is the median of `--repeat` runs of a fresh child process, and its peak RSS (the largest
process of the run, from `wait4`); ratios are against the Python scan floor measured in the same command,
because the machines are noisy and only ratios compare across runs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT.parent / "shared" / "corpus" / "dotnet-docs-fr-fr.bundle"
SHM = Path("/dev/shm/tm-bench")

# tm runs as an installed package does: with its bytecode compiled. An editable install under
# PYTHONDONTWRITEBYTECODE (as on these machines) would otherwise compile every changed module on every run.
subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "tm")], check=True, stdout=subprocess.DEVNULL)

FLOOR = """
import os, re, sys
pair = re.compile(r'<span data-ttu-id="([^"]+)">(.*?)</span><span class="sxs-lookup"><span data-stu-id="\\1">(.*?)</span></span>', re.S)
n = 0
for root in sys.argv[1:]:
    for folder, dirs, names in os.walk(root):
        for name in names:
            if name.endswith((".md", ".yml")):
                with open(os.path.join(folder, name), "rb") as handle:
                    n += len(pair.findall(handle.read().decode("utf-8-sig")))
print(n)
"""


@dataclass
class Row:
    name: str
    seconds: list[float]
    rss_mb: float
    note: str = ""
    cpu: list[float] = field(default_factory=list)  # CPU seconds of each run, workers included

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def corpus_repo() -> Path:
    """A clone of the corpus under /dev/shm (made once)."""
    repo = SHM / "repo"
    if not (repo / ".git").exists():
        if not BUNDLE.exists():
            sys.exit(f"error: {BUNDLE}: corpus bundle not found")
        SHM.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "clone", "-q", "-b", "sxs", str(BUNDLE), str(repo)], check=True)
        subprocess.run(["git", "-C", str(repo), "branch", "-q", "-f", "live", "origin/live"], check=True)
    return repo


def checkout(repo: Path, rev: str) -> Path:
    """The pages of `rev` as plain files under /dev/shm (made once per revision)."""
    target = SHM / ("pages-" + rev.replace("~", "-").replace("/", "-"))
    if not target.exists():
        tmp = target.with_name(target.name + ".tmp")
        subprocess.run(["rm", "-rf", str(tmp)], check=True)
        tmp.mkdir(parents=True)
        archive = subprocess.Popen(["git", "-C", str(repo), "archive", rev, "docs"], stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(tmp)], stdin=archive.stdout, check=True)
        archive.wait()
        tmp.rename(target)
    return target / "docs"


def run(argv: list[str], *, repeat: int, clean: Path | None = None, copy: tuple[Path, Path] | None = None,
        cpus: list[float] | None = None) -> tuple[list[float], float, str]:
    """Time `argv` `repeat` times; returns times, peak RSS in MB, last stdout.

    Before each run (untimed) `clean` is deleted and `copy = (tree, work)` makes `work` a fresh copy of `tree`;
    `cpus` gets each run's CPU seconds (user + system, children included).
    """
    times = []
    peak = 0.0
    out = ""
    for _ in range(repeat):
        if clean is not None:
            subprocess.run(["rm", "-rf", str(clean)], check=True)
        if copy is not None:
            subprocess.run(["rm", "-rf", str(copy[1])], check=True)
            subprocess.run(["cp", "-r", str(copy[0]), str(copy[1])], check=True)
        read_end, write_end = os.pipe()
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            os.dup2(write_end, 1)
            os.execvp(argv[0], argv)
        os.close(write_end)
        with os.fdopen(read_end) as handle:
            out = handle.read()
        _, status, usage = os.wait4(pid, 0)
        times.append(time.perf_counter() - start)
        if cpus is not None:
            cpus.append(usage.ru_utime + usage.ru_stime)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            sys.exit(f"error: {' '.join(argv)} failed with {status}")
        peak = max(peak, usage.ru_maxrss / 1024)
    return times, peak, out


@dataclass
class Step:
    """One command of a benchmark: its row name, argv, what to delete before each run, and a note."""

    name: str
    argv: list[str]
    clean: Path | None = None
    note: str = ""
    copy: tuple[Path, Path] | None = None  # (tree, work): `work` is a fresh copy of `tree` before each run


def run_rounds(steps: list[Step], *, repeat: int) -> tuple[list[Row], list[str]]:
    """Run every step once per round, `repeat` rounds: the machine's slow spells then hit every step alike.

    Returns one row per step (median over the rounds) and each step's last stdout.
    """
    times: list[list[float]] = [[] for _ in steps]
    cpus: list[list[float]] = [[] for _ in steps]
    peaks = [0.0] * len(steps)
    outs = [""] * len(steps)
    for _ in range(repeat):
        for i, step in enumerate(steps):
            seconds, peak, outs[i] = run(step.argv, repeat=1, clean=step.clean, copy=step.copy, cpus=cpus[i])
            times[i] += seconds
            peaks[i] = max(peaks[i], peak)
    return [Row(step.name, times[i], peaks[i], step.note, cpus[i]) for i, step in enumerate(steps)], outs


def print_table(title: str, rows: list[Row], floor: Row) -> None:
    print(f"\n{title}")
    print(f"{'step':<44} {'median s':>9} {'x floor':>8} {'peak RSS MB':>12}  note")
    print("-" * 96)
    for row in rows:
        ratio = row.median / floor.median
        print(f"{row.name:<44} {row.median:>9.2f} {ratio:>8.2f} {row.rss_mb:>12.0f}  {row.note}")

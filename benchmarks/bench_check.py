"""What `tm check` finds: per-rule recall on breakages planted the way MT makes them, and findings per 100
untouched entries, on a corpus handoff.

    python benchmarks/bench_check.py [--rev sxs] [--paths docs/] [--per-rule 400] [--seed 17] [--sample 150]

The catalogs of `--paths` at `--rev` are extracted once (under /dev/shm/tm-bench); `tm.checks.planting` breaks
copies of their entries, one breakage per copy, and each rule's recall is the share of the breakages planted
for it that it reports. "any" counts a breakage found by some rule. The findings on untouched entries are all
the rules report on the handoff as it is ("per 100": findings, "entries": entries with one or more): its
entries are unreviewed MT, so most are real MT defects, not false alarms; `--sample N` prints N of them drawn
at random, for a person to tell the two apart (benchmarks/README.md). Aim (issue 17): recall >= 95% at <= 2
false alarms per 100 untouched entries.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
from pathlib import Path

from common import SHM, corpus_repo

from tm.catalogs import catalog_paths, read_texts_and_language
from tm.checks import RULES, check_pair
from tm.checks.planting import Measure, measure


def corpus_pairs(rev: str, paths: list[str]) -> tuple[list[tuple[str, str]], str]:
    """(source, target) of every entry of the catalogs extracted from `paths` at `rev`, and their language."""
    repo = Path(os.environ.get("TM_CORPUS_REPO") or corpus_repo())
    out = SHM / ("check-" + rev.replace("~", "-") + "-" + "-".join(p.strip("/").replace("/", "_") for p in paths))
    if not out.exists():
        tmp = out.with_name(out.name + ".tmp")
        subprocess.run(["rm", "-rf", str(tmp)], check=True)
        subprocess.run([sys.executable, "-m", "tm", "extract", "--repo", str(repo), "--rev", rev, *paths,
                        "--out", str(tmp), "-q"], check=True)
        tmp.rename(out)
    pairs: list[tuple[str, str]] = []
    language = ""
    for path in catalog_paths([str(out)]):
        texts, language = read_texts_and_language(path)
        pairs += [(source, target) for _, source, target, _, _ in texts]
    return pairs, language


def print_table(result: Measure, title: str) -> None:
    print(title)
    print(f"{'rule':<18} {'level':<7} {'planted':>7} {'found':>6} {'recall':>7} {'any':>6} {'per 100':>8} "
          f"{'entries':>8}")
    for rule in RULES:
        planted = result.planted[rule.name]
        recall = f"{100 * result.recall(rule.name):.1f}%" if planted else "-"
        any_rule = f"{100 * result.found_by_any[rule.name] / planted:.1f}%" if planted else "-"
        print(f"{rule.name:<18} {rule.level.value:<7} {planted:>7} {result.found[rule.name]:>6} {recall:>7} "
              f"{any_rule:>6} {result.per_100(rule.name):>8.2f} {result.entries_per_100(rule.name):>8.2f}")
    planted, found = sum(result.planted.values()), sum(result.found.values())
    errors = sum(result.findings[r.name] for r in RULES if r.level.value == "error")
    print(f"{'all':<18} {'':<7} {planted:>7} {found:>6} {100 * found / planted:>6.1f}% "
          f"{100 * sum(result.found_by_any.values()) / planted:>5.1f}% {result.per_100():>8.2f} "
          f"{result.entries_per_100():>8.2f}")
    print(f"untouched entries: {result.untouched}; findings per 100: {result.per_100():.2f} "
          f"(errors {100 * errors / result.untouched:.2f}); entries with a finding per 100: "
          f"{result.entries_per_100():.2f}")


def print_sample(pairs: list[tuple[str, str]], language: str, size: int, seed: int) -> None:
    """`size` findings on the untouched entries drawn at random, to be hand-checked: true MT defect or false
    alarm (benchmarks/README.md has the verdicts of one such sample)."""
    findings = [(rule.name, message, source, target) for source, target in pairs if target.strip()
                for rule, message in check_pair(source, target, language=language)]
    print(f"\n{size} of the {len(findings)} findings on untouched entries (seed {seed}), to hand-check:")
    for number, (rule, message, source, target) in enumerate(random.Random(seed).sample(findings, size)):
        print(f"#{number} [{rule}] {message}\n   source: {source}\n   target: {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="sxs")
    parser.add_argument("--paths", nargs="+", default=["docs/"])
    parser.add_argument("--per-rule", type=int, default=400)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--sample", type=int, default=0, help="also print this many findings to hand-check")
    args = parser.parse_args()
    pairs, language = corpus_pairs(args.rev, args.paths)
    result = measure(pairs, language=language, per_rule=args.per_rule, seed=args.seed)
    print_table(result, f"tm check on {len(pairs)} entries of {args.rev} {' '.join(args.paths)} ({language}), "
                        f"up to {args.per_rule} breakages planted per rule (seed {args.seed})")
    if args.sample:
        print_sample(pairs, language, args.sample, args.seed)


if __name__ == "__main__":
    main()

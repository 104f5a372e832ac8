"""CPU time of each PO reader over a catalog tree, in the canonical form and re-wrapped by `msgcat`, and polib's.

    python benchmarks/bench_po_readers.py TREE [--sample 25] [--repeat 3]

TREE is a catalog tree `tm extract` or `tm update` wrote (say the 2021-02 handoff's). Every catalog of it is
read by `po.read`, `po.read` with `reviewed_only` (merge), `po.read_texts` (check, stats) and `po.read_lazy`
(update); then every `--sample`th catalog, as it is and as `msgcat` re-wraps it (the form an editor or a
gettext tool leaves: the line reader's path), by the same readers and by `polib.pofile`. Times are CPU
seconds of this one process (`time.process_time`, the least of `--repeat` runs), so a busy machine
disturbs them less than wall time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from common import ROOT, SHM

sys.path.insert(0, str(ROOT))

import polib

from tm.formats import po  # importable once the path is set

READERS: dict[str, Callable[[bytes, str], object]] = {
    "read": lambda data, path: po.read(data, path=path),
    "read reviewed_only": lambda data, path: po.read(data, path=path, reviewed_only=True, header=False),
    "read_texts": lambda data, path: po.read_texts(data, path=path),
    "read_lazy": lambda data, path: po.read_lazy(data, path=path),
}


def cpu(reader: Callable[[bytes, str], object], files: list[tuple[str, bytes]], repeat: int) -> float:
    """The least CPU seconds of `repeat` runs of `reader` over `files`."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for path, data in files:
            reader(data, path)
        best = min(best, time.process_time() - start)
    return best


def wrapped(paths: list[Path], tree: Path) -> list[tuple[str, bytes]]:
    """Each of `paths` as `msgcat` (default width) writes it, under /dev/shm/tm-bench/po-wrapped."""
    out = SHM / "po-wrapped"
    files = []
    for path in paths:
        target = out / path.relative_to(tree)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["msgcat", str(path), "-o", str(target)], check=True)
        files.append((str(target), target.read_bytes()))
    return files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tree", type=Path)
    parser.add_argument("--sample", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    paths = sorted(args.tree.rglob("*.po"))
    files = [(str(p), p.read_bytes()) for p in paths]
    print(f"{len(files)} catalogs of {args.tree}")
    for name, reader in READERS.items():
        print(f"  {name:20} {cpu(reader, files, args.repeat):6.2f} s")
    sample = paths[::args.sample]
    canonical = [(str(p), p.read_bytes()) for p in sample]
    rewrapped = wrapped(sample, args.tree)
    print(f"every {args.sample}th: {len(sample)} catalogs   canonical   msgcat-wrapped")
    readers = {**READERS, "polib.pofile": lambda data, path: polib.pofile(data.decode())}
    for name, reader in readers.items():
        print(f"  {name:20} {cpu(reader, canonical, args.repeat):9.2f} s {cpu(reader, rewrapped, args.repeat):9.2f} s")


if __name__ == "__main__":
    main()

"""Reading and writing files: what every command's jobs do ~13,000 times per handoff."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tm.fileio import read_file, write_atomic


def test_read_file_gives_the_bytes_of_files_of_any_size(tmp_path: Path) -> None:
    for size in (0, 1, 4095, 4096, 70_000):
        path = tmp_path / f"f{size}"
        data = os.urandom(size)
        path.write_bytes(data)
        assert read_file(path) == data and read_file(str(path)) == data


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc")
def test_read_file_reads_past_a_size_the_file_system_gets_wrong() -> None:
    """/proc files say they are empty: the size is only a hint, the file is read to its end."""
    with open("/proc/self/mounts", "rb") as handle:
        expected = handle.read()
    assert os.stat("/proc/self/mounts").st_size == 0 and len(expected) > 0
    assert read_file("/proc/self/mounts") == expected


def test_read_file_raises_oserror_with_a_reason(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as missing:
        read_file(tmp_path / "missing.md")
    assert missing.value.strerror
    with pytest.raises(IsADirectoryError):
        read_file(tmp_path)


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "new" / "dir" / "page.po"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["page.po"]


def test_write_atomic_names_its_temporary_after_the_process_that_writes(tmp_path: Path) -> None:
    """Workers are forked: each must use its own pid in temporary names, not the parent's."""
    if not hasattr(os, "fork"):
        pytest.skip("no fork")
    write_atomic(tmp_path / "parent.po", b"p")  # the parent has written before it forks
    pid = os.fork()
    if pid == 0:
        replace = os.replace

        def record(src: str, dst: str) -> None:
            (tmp_path / "used").write_text(f"{os.path.basename(src)} {os.getpid()}")
            replace(src, dst)

        os.replace = record  # type: ignore[assignment]
        write_atomic(tmp_path / "child.po", b"c")
        os._exit(0)
    os.waitpid(pid, 0)
    name, child = (tmp_path / "used").read_text().split()
    assert name == f".child.po.tmp{child}" and child != str(os.getpid())
    assert (tmp_path / "child.po").read_bytes() == b"c"


def test_worker_pools_always_stop() -> None:
    """`Pool.terminate` at the end of every `parallel_map` stops its workers: with a Python-level SIGTERM
    handler in the workers it waited forever now and then (within a few hundred pools), which hung
    `tm update` and the test suite. Run in a child process, so that a hang is a failure, not a stuck suite."""
    import subprocess
    import sys

    from helpers import ROOT

    script = ("from tm.jobs import parallel_map\n"
              "for _ in range(300):\n"
              "    assert list(parallel_map(abs, range(-20, 20), jobs=2)) == [abs(n) for n in range(-20, 20)]\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, timeout=300, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

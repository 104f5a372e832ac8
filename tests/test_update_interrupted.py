"""An update killed at any point (SIGKILL, Ctrl-C) and run again gives the bytes of one clean run, and
leaves no temporary file: `tm update` runs as a subprocess on a generated handoff pair and is killed at
several points of its run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from handoff_pairs import write_pair
from test_update_refusals import review, snapshot


def _tm(*args: str | Path, **popen: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "tm", *map(str, args)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True, **popen)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A reviewed catalog tree of a generated old handoff, and the new handoff's pages."""
    root = tmp_path_factory.mktemp("interrupted")
    old, new = write_pair(root, pages=150)
    assert _tm("extract", old, "--out", root / "locales", "-q").wait() == 0
    review(root / "locales" / "fr-FR")
    return root / "locales" / "fr-FR", new


def _finish(run: subprocess.Popen[bytes]) -> int:
    """The exit status of `run`, which must end within two minutes (else it is killed, and the test fails)."""
    try:
        return run.wait(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
        raise


def _wait_for_session(pid: int) -> None:
    """Until no process of the session `pid` leads is left (they hold the tree's lock while they live)."""
    for _ in range(200):
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def _clean_run(tree: Path, new: Path, where: Path) -> tuple[dict[str, bytes], float]:
    shutil.copytree(tree, where)
    start = time.monotonic()
    run = _tm("update", where, new, "-q")
    assert _finish(run) == 0, run.stderr.read() if run.stderr else ""
    return snapshot(where), time.monotonic() - start


def test_an_update_killed_at_any_point_then_run_again_gives_the_bytes_of_a_clean_run(
        generated: tuple[Path, Path], tmp_path: Path) -> None:
    tree, new = generated
    clean, took = _clean_run(tree, new, tmp_path / "clean")
    assert len(clean) > 140 and clean != snapshot(tree)
    kills = [(signal.SIGKILL, f) for f in (0.35, 0.6, 0.8, 0.95)] + [(signal.SIGINT, 0.6)]
    differed = []
    for n, (how, at) in enumerate(kills):
        copy = tmp_path / f"run{n}"
        shutil.copytree(tree, copy)
        run = _tm("update", copy, new, "-q")
        time.sleep(took * at)
        if run.poll() is None:
            # SIGKILL: the whole process group. SIGINT: the parent, as `kill -INT`; a terminal's Ctrl-C reaches
            # the workers too, which must then ignore it (else the pool can hang: tm.jobs, not tested here).
            os.killpg(run.pid, how) if how == signal.SIGKILL else os.kill(run.pid, how)
        _finish(run)
        _wait_for_session(run.pid)  # until no worker is left (they hold the tree's lock while they live)
        again = _tm("update", copy, new, "-q")
        assert _finish(again) == 0, (how, at, again.stderr.read() if again.stderr else "")
        left = [p.name for p in copy.rglob(".*") if p.name != ".tm.lock"]
        assert left == [], (how, at, left)
        if snapshot(copy) != clean:
            differed.append((how, at))
    assert differed == []


def test_a_commit_interrupted_half_way_is_finished_by_the_next_run(
        cli, generated: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree, new = generated
    clean, _ = _clean_run(tree, new, tmp_path / "clean")
    copy = tmp_path / "copy"
    shutil.copytree(tree, copy)
    calls = []
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 40:  # the commit's marker, then 38 catalogs moved into place
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    assert cli("update", copy, new, "-q", "--jobs", "1").code == 130  # click turns it into `Abort`
    monkeypatch.setattr(os, "replace", real_replace)
    assert (copy / ".tm-update" / "commit").exists() and snapshot(copy) != clean
    result = cli("update", copy, new, "--jobs", "1")
    assert result.code == 0 and "finished the commit of an interrupted update" in result.err
    assert snapshot(copy) == clean

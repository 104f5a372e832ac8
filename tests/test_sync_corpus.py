"""`tm sync` on the real history: every commit from the 2020-12-18 handoff, 1/3 reviewed, against one update.

CI runs the first 30 commits of the range (they hold both ways the vendor moved a page in two commits); the
whole range to 2021-02-04 is run by `benchmarks/bench_sync.py`, which prints the same comparison.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers import history_range
from sync_equality import compare_trees
from test_memory import history_repo  # noqa: F401 - the history bundle's fixture
from test_update import _review_every_third

pytestmark = pytest.mark.corpus
COMMITS = 30


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def test_syncing_each_commit_gives_what_one_update_gives(cli, corpus_repo, history_repo, tmp_path):  # noqa: F811
    history = history_repo
    start, end = history_range(corpus_repo, history, COMMITS)
    done = cli("extract", "--repo", history, "--rev", start, "docs", "--out", tmp_path / "synced", "-q")
    assert done.code == 0, done.err
    synced, updated = tmp_path / "synced" / "fr-FR", tmp_path / "updated" / "fr-FR"
    _review_every_third(synced)
    updated.parent.mkdir()
    subprocess.run(["cp", "-a", str(synced), str(updated)], check=True)
    done = cli("sync", synced, "--repo", history, "--branch", "history", "--to", end, "-q")
    assert done.code == 0, done.err
    done = cli("update", updated, "--repo", history, "--rev", end, "docs", "-q")
    assert done.code == 0, done.err
    found = compare_trees(synced, updated)
    assert found.entries > 400_000
    assert found.share < 0.001, found.examples
    assert not found.lost, found.lost[:5]
    assert "nothing to sync" in cli("sync", synced, "--repo", history, "--branch", "history", "--to", end).out

"""The incremental `tm update --repo/--rev` on the real history: the 2020-12-18 handoff's tree, 1/3 reviewed and
updated once from git, then 20 catalogs reviewed in an editor, updated 20 commits on incrementally and with
`--full`: the same catalogs, byte for byte, from a small share of the pages (`benchmarks/bench_update_incremental.py`
measures both)."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers import git, history_range
from test_memory import history_repo  # noqa: F401 - the history bundle's fixture
from test_sync import review
from test_update import _review_every_third
from test_update_incremental import files

from tm.formats import po

pytestmark = pytest.mark.corpus
COMMITS = 20


def test_an_incremental_update_gives_the_catalogs_of_the_full_one(cli, corpus_repo, history_repo, tmp_path):  # noqa: F811
    history = history_repo
    start, end = history_range(corpus_repo, history, COMMITS)
    assert cli("extract", "--repo", history, "--rev", start, "docs", "--out", tmp_path / "inc", "-q").code == 0
    inc, full = tmp_path / "inc" / "fr-FR", tmp_path / "full" / "fr-FR"
    _review_every_third(inc)
    done = cli("update", inc, "--repo", history, "--rev", start, "docs", "--json", "--jobs", "2")
    assert done.code == 0, done.err
    assert json.loads(done.out)["incremental"] is False  # the first update from git reads every page
    for path in sorted(inc.rglob("*.po"))[::600]:  # reviews made in an editor since
        entry = next(e for e in po.read(path.read_bytes(), path=str(path)).entries if not e.obsolete)
        review(path, entry.source, "RELU ENCORE " + entry.target)
    shutil.copytree(inc, full, symlinks=True)  # mtimes kept: the record holds
    runs = []
    for tree, extra in ((inc, ()), (full, ("--full",))):
        done = cli("update", tree, "--repo", history, "--rev", end, "docs", "--json", "--jobs", "2", *extra)
        assert done.code == 0, done.err
        runs.append(json.loads(done.out))
    assert files(inc) == files(full)
    changed = len(git(history, "diff-tree", "-r", "--name-only", start, end, "--", "docs").split())
    assert runs[0]["incremental"] and runs[0]["pages_read"] <= changed + 60  # 21 reviewed, a few racy
    assert runs[1]["pages_read"] > 10 * runs[0]["pages_read"]
    assert {k: v for k, v in runs[0].items() if k not in ("pages_read", "incremental")} == \
           {k: v for k, v in runs[1].items() if k not in ("pages_read", "incremental")}

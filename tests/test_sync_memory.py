"""`tm sync` records what it sees in the memory of issue 16 when one is configured: the commits it applies
(their pages' pairs) and the reviews people made in the tree between syncs."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from test_sync import SENTENCES, History, extract, page_text, review, sync

import tm.memory


@pytest.fixture
def history(tmp_path: Path) -> History:
    return History(tmp_path / "repo")


def matches(db: Path, source: str) -> set[tuple[str, str]]:
    with tm.memory.open_memory(db, create=False) as con:
        return {(m.target, m.origin) for m in tm.memory.exact(con, source, locale="fr-FR")}


def test_sync_records_its_commits_and_the_reviews_people_made(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    tree = extract(cli, history, first, tmp_path / "out")
    review(tree / "a.po", SENTENCES[0][0], "Relu zéro.")
    history.commit({"a.md": page_text([*SENTENCES[:2], ("A brand new sentence.", "Une phrase neuve.")], "a2")})
    db = tmp_path / "memory.sqlite"
    done = sync(cli, history, tree, "--memory", db, "--json")
    assert done.code == 0, done.err
    assert matches(db, SENTENCES[0][0]) == {("Relu zéro.", "reviewed"), (SENTENCES[0][1], "mt")}
    assert ("Une phrase neuve.", "mt") in matches(db, "A brand new sentence.")
    recorded = json.loads(done.out)["memory"]
    assert recorded["path"] == str(db) and recorded["commits"] == 1 and recorded["catalogs"] == 1


def test_a_sync_records_only_the_catalogs_changed_since_the_last_one(cli, history, tmp_path):
    pages = {f"{name}.md": page_text(SENTENCES[n:n + 2], f"{name}1") for n, name in enumerate("abcde")}
    first = history.commit(pages)
    tree = extract(cli, history, first, tmp_path / "out")
    for catalog in tree.glob("*.po"):  # extracted an hour before the first sync
        os.utime(catalog, ns=(time.time_ns() - 3600 * 10**9,) * 2)
    history.commit({"a.md": page_text(SENTENCES[:3], "a2")})
    db = tmp_path / "memory.sqlite"
    done = sync(cli, history, tree, "--memory", db, "--json")
    assert json.loads(done.out)["memory"]["catalogs"] == 5  # the first time: the whole tree
    review(tree / "c.po", SENTENCES[3][0], "Relu trois.")
    history.commit({"e.md": page_text(SENTENCES[4:], "e2")})
    done = sync(cli, history, tree, "--memory", db, "--json")
    assert done.code == 0, done.err
    assert ("Relu trois.", "reviewed") in matches(db, SENTENCES[3][0])
    assert json.loads(done.out)["memory"]["catalogs"] == 2  # c.po reviewed, a.po written by the first sync


def test_the_tree_memory_is_used_when_it_exists_and_never_created(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    tree = extract(cli, history, first, tmp_path / "out")
    history.commit({"a.md": page_text(SENTENCES[:3], "a2")})
    assert sync(cli, history, tree).code == 0
    assert not (tree / ".tm" / "memory.sqlite").exists()
    done = cli("memory", "add", tree, "-q")
    assert done.code == 0, done.err
    history.commit({"a.md": page_text(SENTENCES[:4], "a3")})
    assert sync(cli, history, tree).code == 0
    assert (SENTENCES[3][1], "mt") in matches(tree / ".tm" / "memory.sqlite", SENTENCES[3][0])


def test_a_dry_run_records_nothing(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    tree = extract(cli, history, first, tmp_path / "out")
    history.commit({"a.md": page_text(SENTENCES[:3], "a2")})
    db = tmp_path / "memory.sqlite"
    done = sync(cli, history, tree, "--memory", db, "--dry-run")
    assert done.code == 0, done.err
    assert not db.exists()

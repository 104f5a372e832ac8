"""Trust audit of `tm sync`: people review between syncs, editors and gettext tools touch the catalogs, the
tree's `.tm/` state is damaged, runs are stopped; no review is lost or hidden, and no run that did nothing or
went wrong exits 0 silently."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from test_sync import SENTENCES, History, extract, page_text, read, review, sync


@pytest.fixture
def history(tmp_path: Path) -> History:
    return History(tmp_path / "repo")


def ignored(repo: Path) -> set[str]:
    """The files of `repo` git ignores."""
    out = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--ignored", "-uall"], check=True,
                         capture_output=True, text=True).stdout
    return {line[3:] for line in out.splitlines() if line.startswith("!! ")}


@pytest.mark.parametrize("memory_first", [False, True])
def test_the_tm_folder_ignores_the_memory_and_the_index_but_not_the_synced_commit(cli, history, tmp_path,
                                                                                   memory_first):
    """Sync and the memory share `<tree>/.tm/`: whichever writes its `.gitignore` first, the memory and the review
    index stay out of git and `sync.json` (the tree's state, kept with the catalogs) does not."""
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    catalogs = History(tmp_path / "catalogs")  # the team's repository of catalogs
    tree = catalogs.root / "fr-FR"
    if memory_first:
        extract(cli, history, first, catalogs.root)
        (tree / ".tm" / "sync.json").unlink()
        (tree / ".tm" / ".gitignore").unlink()
        assert cli("memory", "add", tree, "-q").code == 0
        extract(cli, history, first, catalogs.root)
    else:
        extract(cli, history, first, catalogs.root)
        assert cli("memory", "add", tree, "-q").code == 0
    history.commit({"a.md": page_text(SENTENCES[:3], "a2")})
    assert sync(cli, history, tree).code == 0
    assert (tree / ".tm" / "memory.sqlite").exists() and (tree / ".tm" / "reviews.marshal").exists()
    left_out = ignored(catalogs.root)
    assert {"fr-FR/.tm/memory.sqlite", "fr-FR/.tm/reviews.marshal"} <= left_out
    assert "fr-FR/.tm/sync.json" not in left_out


def test_a_same_size_review_saved_within_the_timestamp_tick_of_syncs_write_is_seen(cli, history, tmp_path,
                                                                                   monkeypatch):
    """On a file system with 1-second timestamps (ext3, HFS+, FAT, many network shares), a review saved in the
    second sync wrote the catalog, with the same size (a typo fixed), has the (mtime, size) the index holds: it
    must not be taken for the text sync indexed, now or at any later run."""
    import os

    from tm.sync import state

    def coarse(path: Path) -> None:
        info = os.stat(path)
        second = info.st_mtime_ns // 10**9 * 10**9
        os.utime(path, ns=(info.st_atime_ns, second))

    first = history.commit({"a.md": page_text(SENTENCES[:3])})
    tree = extract(cli, history, first, tmp_path / "out")
    review(tree / "a.po", SENTENCES[1][0], "Relu un.")
    history.commit({"a.md": page_text(SENTENCES[:4], "a2")})
    real = state.ReviewIndex._read

    def read_on_a_coarse_file_system(self, rel, path):  # type: ignore[no-untyped-def]
        coarse(Path(path))
        return real(self, rel, path)

    monkeypatch.setattr(state.ReviewIndex, "_read", read_on_a_coarse_file_system)
    assert sync(cli, history, tree).code == 0
    written = os.stat(tree / "a.po").st_mtime_ns
    review(tree / "a.po", SENTENCES[1][0], "Relu 1..")  # the same size, in the same second
    os.utime(tree / "a.po", ns=(written, written))
    history.commit({"c.md": page_text(SENTENCES[1:2], "c1")})
    assert sync(cli, history, tree).code == 0
    assert read(tree / "c.po").active[0].target == "Relu 1.."


@pytest.mark.parametrize("where", ["folder", "missing"])
def test_a_repo_that_is_not_a_git_repository_is_named_so(cli, history, tmp_path, where):
    """Not "main: no such commit", which sends the user looking for a branch."""
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    tree = extract(cli, history, first, tmp_path / "out")
    repo = tmp_path / "not-a-repo"
    if where == "folder":
        repo.mkdir()
    done = cli("sync", tree, "--repo", repo, "--branch", "main")
    assert done.code == 2 and done.err.count("\n") == 1, done.err
    assert "no such commit" not in done.err
    assert ("not a git repository" if where == "folder" else "No such file or directory") in done.err

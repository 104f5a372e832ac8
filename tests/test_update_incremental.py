"""`tm update --repo/--rev` reads only the pages that changed since the tree's last update, and gives the bytes of
the full update: generated git histories, each step updated incrementally in one copy of the tree and with
`--full` in another, every catalog compared byte for byte (and the summaries, but for what was read)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_sync import SENTENCES, History, page_text, read, review

from tm.jobs import update_record
from tm.fileio import trusted_mtime

EXTRA = [(f"Another sentence {n} on the {w} topic here.", f"Autre phrase {n} sur {w}.")
         for n, w in enumerate(["build", "deploy", "test", "debug"])]


@pytest.fixture
def history(tmp_path: Path) -> History:
    return History(tmp_path / "repo")


@pytest.fixture(autouse=True)
def unhurried(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests update within milliseconds of writing: the record would take every catalog for racy (read
    again next time, which is sound) and the counts of pages read would follow the clock."""
    monkeypatch.setattr(update_record, "trusted_mtime", lambda info: info.st_mtime_ns)


def files(tree: Path) -> dict[str, bytes]:
    """Every catalog of the tree (tm's own state left out)."""
    return {p.relative_to(tree).as_posix(): p.read_bytes() for p in sorted(tree.rglob("*"))
            if p.is_file() and not p.relative_to(tree).as_posix().startswith((".tm/", ".tm.lock"))}


class Twins:
    """Two copies of one catalog tree: `inc` updated as `tm update` chooses, `full` with `--full`."""

    def __init__(self, cli, history: History, tmp_path: Path, rev: str) -> None:  # type: ignore[no-untyped-def]
        self.cli, self.history = cli, history
        done = cli("extract", "--repo", history.root, "--rev", rev, "docs", "--out", tmp_path / "inc", "-q")
        assert done.code == 0, done.err
        self.inc = tmp_path / "inc" / "fr-FR"
        self.full = tmp_path / "full" / "fr-FR"
        shutil.copytree(self.inc, self.full)

    def both(self, edit) -> None:  # type: ignore[no-untyped-def]
        """A person's edit, made in both trees."""
        edit(self.inc)
        edit(self.full)

    def update(self, rev: str, *more: str) -> tuple[dict[str, object], dict[str, object]]:
        """Update both trees to `rev`; assert the same catalogs and summaries; the two summaries."""
        runs = []
        for tree, extra in ((self.inc, ()), (self.full, ("--full",))):
            done = self.cli("update", tree, "--repo", self.history.root, "--rev", rev, "docs", "--json", "--jobs", "1",
                            *extra, *more)
            assert done.code == 0, done.err
            runs.append(json.loads(done.out))
        assert files(self.inc) == files(self.full)
        inc, full = runs
        assert {k: v for k, v in inc.items() if k not in ("pages_read", "incremental")} == \
               {k: v for k, v in full.items() if k not in ("pages_read", "incremental")}
        assert full["incremental"] is False
        return inc, full


def test_only_the_pages_that_changed_are_read_and_the_catalogs_are_those_of_the_full_update(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:3]), "b.md": page_text(SENTENCES[2:5], "b1"),
                            "c.md": page_text(EXTRA[:2], "c1"), "guide/d.md": page_text(EXTRA[2:], "d1")})
    twins = Twins(cli, history, tmp_path, first)
    inc, full = twins.update(first)  # the first update after extract reads every page, and records them
    assert (inc["incremental"], inc["pages_read"], full["pages_read"]) == (False, 4, 4)
    assert "update.marshal" in (twins.inc / ".tm" / ".gitignore").read_text().splitlines()  # derived data
    twins.both(lambda t: review(t / "b.po", SENTENCES[3][0], "Relu trois."))
    twins.both(lambda t: review(t / "c.po", EXTRA[0][0], "Relu extra."))
    edited = (SENTENCES[0][0].replace("compiler", "compilers"), "MT édité")
    second = history.commit({"a.md": page_text([edited, *SENTENCES[1:3], SENTENCES[3]], "a2")})
    inc, full = twins.update(second)
    # a.md changed; b.po and c.po were edited by a person: the full update reads them again, and so does this one
    assert (inc["incremental"], inc["pages_read"], full["pages_read"]) == (True, 3, 4)
    entries = read(twins.inc / "a.po").active
    assert entries[3].target == "Relu trois."  # the review of b.po, offered from the tree's memory
    third = history.commit({"e.md": page_text([EXTRA[0], EXTRA[3]], "e1")})
    inc, full = twins.update(third)
    assert (inc["pages_read"], full["pages_read"]) == (1, 5)
    assert read(twins.inc / "e.po").active[0].target == "Relu extra."  # from c.po, which was not read
    fourth = history.commit({"f.md": page_text([SENTENCES[3], EXTRA[0]], "f1")})
    inc, _ = twins.update(fourth)  # the reviews of b.po and c.po, as the last update read them
    assert [e.target for e in read(twins.inc / "f.po").active] == ["Relu trois.", "Relu extra."]
    inc, _ = twins.update(fourth)
    assert (inc["incremental"], inc["pages_read"], inc["files_written"]) == (True, 0, 0)


def test_removals_renames_and_a_page_back_under_another_name(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:3]), "b.md": page_text(SENTENCES[3:], "b1"),
                            "c.md": page_text(EXTRA, "c1")})
    twins = Twins(cli, history, tmp_path, first)
    twins.both(lambda t: review(t / "a.po", SENTENCES[1][0], "Relu un."))
    twins.both(lambda t: review(t / "c.po", EXTRA[1][0], "Relu c un."))
    twins.both(lambda t: review(t / "c.po", EXTRA[2][0], "Relu c deux."))
    twins.update(first)
    history.move("a.md", "guide/a.md")
    second = history.commit({"b.md": None})
    inc, full = twins.update(second, "--force")
    assert inc["pages_renamed"] == {"a.md": "guide/a.md"} and inc["pages_removed"] == ["b.md"]
    assert inc["pages_read"] < full["pages_read"]
    third = history.commit({"c.md": None})  # c.md leaves; its reviews stay, obsolete, in c.po
    twins.update(third, "--force")
    fourth = history.commit({"guide/c2.md": page_text([EXTRA[0], EXTRA[1], ("A new one.", "Nouvelle.")], "c2")})
    inc, full = twins.update(fourth)
    assert (inc["pages_read"], full["pages_read"]) == (1, 2)
    back = read(twins.inc / "guide" / "c2.po").active
    assert back[1].target == "Relu c un."  # a person's obsolete entry of a catalog this update did not read
    history.move("guide/a.md", "a.md")
    fifth = history.commit({})  # renamed back
    inc, _ = twins.update(fifth)
    assert inc["pages_renamed"] == {"guide/a.md": "a.md"}


def test_a_change_of_options_or_a_tree_without_a_record_reads_every_page_and_says_why(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:3]), "b.md": page_text(SENTENCES[3:], "b1")})
    twins = Twins(cli, history, tmp_path, first)
    done = cli("update", twins.inc, "--repo", history.root, "--rev", first, "docs", "--jobs", "1")
    assert done.code == 0 and "warning:" in done.err and "every page" in done.err
    assert "2 pages read" in done.out
    second = history.commit({"a.md": page_text(SENTENCES[:4], "a2")})
    done = cli("update", twins.inc, "--repo", history.root, "--rev", second, "docs", "--jobs", "1",
               "--threshold", "0.7")
    assert done.code == 0 and "other options" in done.err and "2 pages read" in done.out
    done = cli("update", twins.inc, "--repo", history.root, "--rev", second, "docs", "--jobs", "1",
               "--threshold", "0.7")
    assert (done.code, done.err) == (0, "") and "0 pages read" in done.out


def test_the_record_survives_a_sync_a_directory_update_and_edits_in_between(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:3]), "b.md": page_text(SENTENCES[3:], "b1"),
                            "c.md": page_text(EXTRA[:3], "c1"), "d.md": page_text(EXTRA[3:], "d1")})
    twins = Twins(cli, history, tmp_path, first)
    twins.update(first)
    history.commit({"a.md": page_text(SENTENCES[:4], "a2")})
    history.commit({"c.md": page_text(EXTRA, "c2")})
    for tree in (twins.inc, twins.full):  # both follow the branch with tm sync
        assert cli("sync", tree, "--repo", history.root, "--branch", "main", "--jobs", "1").code == 0
    third = history.commit({"b.md": page_text(SENTENCES[2:], "b2")})
    inc, full = twins.update(third)
    assert inc["pages_read"] < full["pages_read"]
    history.commit({"a.md": page_text(SENTENCES[1:4], "a3")})
    for tree in (twins.inc, twins.full):  # an update from a checkout of the pages, as a directory
        assert cli("update", tree, history.root / "docs", "--jobs", "1", "-q").code == 0
    twins.both(lambda t: review(t / "b.po", SENTENCES[4][0], "Relu quatre."))
    fifth = history.commit({"e.md": page_text([SENTENCES[4]], "e1")})
    inc, full = twins.update(fifth)
    assert (inc["pages_read"], full["pages_read"]) == (3, 5)
    assert read(twins.inc / "e.po").active[0].target == "Relu quatre."
    state = json.loads((twins.inc / ".tm" / "sync.json").read_text())
    assert state["commit"] == fifth  # tm sync goes on from the commit the tree was updated to


def test_an_update_back_to_an_older_commit_or_another_branch_is_still_exact(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:3]), "b.md": page_text(SENTENCES[3:], "b1"),
                            "d.md": page_text(EXTRA, "d1")})
    second = history.commit({"a.md": page_text(SENTENCES[:4], "a2")})
    history.git("checkout", "-q", "-b", "other", first)
    other = history.commit({"b.md": page_text(SENTENCES[2:], "b9"), "c.md": page_text(EXTRA, "c9")})
    twins = Twins(cli, history, tmp_path, second)
    twins.both(lambda t: review(t / "a.po", SENTENCES[3][0], "Relu trois."))
    twins.update(second)
    inc, full = twins.update(other, "--force")  # not a descendant: the pages that differ are still the pages that differ
    assert inc["incremental"] and inc["pages_read"] < full["pages_read"]
    inc, full = twins.update(first, "--force")
    assert inc["incremental"] and inc["pages_read"] < full["pages_read"]


def test_an_update_stopped_between_its_commit_and_its_record_leaves_nothing_to_mistrust(cli, history, tmp_path,
                                                                                        monkeypatch):
    first = history.commit({"a.md": page_text(SENTENCES[:3]), "b.md": page_text(SENTENCES[3:], "b1"),
                            "c.md": page_text(EXTRA, "c1")})
    twins = Twins(cli, history, tmp_path, first)
    twins.update(first)
    second = history.commit({"a.md": page_text(SENTENCES[:4], "a2")})
    from tm.errors import Interrupted
    from tm.jobs.update_record import GitPlanner

    def stop(self: GitPlanner, summary: object) -> None:
        raise Interrupted()

    monkeypatch.setattr(GitPlanner, "record", stop)
    for tree in (twins.inc, twins.full):  # catalogs committed, the record still the one of `first`
        assert cli("update", tree, "--repo", history.root, "--rev", second, "docs", "-q").code != 0
    monkeypatch.undo()
    assert read(twins.inc / "a.po").active[3].source == SENTENCES[3][0]
    third = history.commit({"b.md": page_text(SENTENCES[2:], "b2")})
    inc, full = twins.update(third)
    assert (inc["incremental"], inc["pages_read"], full["pages_read"]) == (True, 2, 3)  # a.po changed since


def test_a_damaged_record_is_said_and_every_page_read(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:3]), "b.md": page_text(SENTENCES[3:], "b1")})
    twins = Twins(cli, history, tmp_path, first)
    twins.update(first)
    (twins.inc / ".tm" / "update.marshal").write_bytes(b"\x00 not a record")
    second = history.commit({"a.md": page_text(SENTENCES[:4], "a2")})
    done = cli("update", twins.inc, "--repo", history.root, "--rev", second, "docs", "--jobs", "1")
    assert done.code == 0 and "cannot be read" in done.err and "2 pages read" in done.out
    assert cli("update", twins.full, "--repo", history.root, "--rev", second, "docs", "-q", "--full").code == 0
    third = history.commit({"b.md": page_text(SENTENCES[2:], "b2")})
    assert twins.update(third)[0]["pages_read"] == 1  # recorded again


@pytest.mark.parametrize("full", [False, True])
def test_a_review_saved_while_the_update_runs_is_not_overwritten(cli, history, tmp_path, monkeypatch, full):
    """A translator saves a catalog in an editor while the update works on it: the update read it before and
    would put its update of the old text in its place. Nothing is written, the error names the catalog, and the
    next run updates the saved catalog."""
    from tm.jobs import update

    first = history.commit({"a.md": page_text(SENTENCES[:3]), "b.md": page_text(SENTENCES[3:], "b1")})
    twins = Twins(cli, history, tmp_path, first)
    twins.update(first)
    tree = twins.inc
    last = history.commit({"a.md": page_text([*SENTENCES[:3], ("One more sentence.", "Une de plus.")], "a2")})
    real = update._passes

    def person_saves_meanwhile(*args, **kw):  # type: ignore[no-untyped-def]
        real(*args, **kw)  # a.po read and its update staged
        review(tree / "a.po", SENTENCES[1][0], "Relu pendant la mise à jour.")

    monkeypatch.setattr(update, "_passes", person_saves_meanwhile)
    more = ("--full",) if full else ()
    done = cli("update", tree, "--repo", history.root, "--rev", last, "docs", "--jobs", "1", "-q", *more)
    assert done.code == 2 and "a.po" in done.err and done.err.count("\n") == 1, done.err
    assert read(tree / "a.po").active[1].target == "Relu pendant la mise à jour."
    assert json.loads((tree / ".tm" / "sync.json").read_text())["commit"] == first
    monkeypatch.undo()
    done = cli("update", tree, "--repo", history.root, "--rev", last, "docs", "--jobs", "1", "--json", *more)
    assert done.code == 0, done.err
    entries = read(tree / "a.po").active
    assert (entries[1].target, len(entries)) == ("Relu pendant la mise à jour.", 4)


def test_a_catalog_written_within_the_clock_tick_is_recorded_to_be_read_again():
    import time
    from types import SimpleNamespace

    now = time.time_ns()
    assert trusted_mtime(SimpleNamespace(st_mtime_ns=now - 1_000)) == -1  # a same-size save now would look the same
    assert trusted_mtime(SimpleNamespace(st_mtime_ns=now - 50_000_001)) == now - 50_000_001
    whole = (now // 10**9 - 1) * 10**9  # a file system of whole-second mtimes: 2 s
    assert trusted_mtime(SimpleNamespace(st_mtime_ns=whole)) == -1
    assert trusted_mtime(SimpleNamespace(st_mtime_ns=whole - 3 * 10**9)) == whole - 3 * 10**9

"""`tm sync` on generated git histories: each commit applied with update's rules, resumable, incremental."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from helpers import write_docs

from tm.formats import po
from tm.model import Catalog

FRONT = "---\nms.translationtype: MT\nms.contentlocale: fr-FR\n---\n"


def page_text(pairs: list[tuple[str, str]], prefix: str = "a1") -> str:
    body = "".join(f'<span data-ttu-id="{prefix}-{n}">{t}</span><span class="sxs-lookup"><span '
                   f'data-stu-id="{prefix}-{n}">{s}</span></span>\n\n' for n, (s, t) in enumerate(pairs, 1))
    return FRONT + body


SENTENCES = [(f"Sentence number {n} about the {w} feature.", f"Phrase {n} sur la fonction {w}.")
             for n, w in enumerate(["compiler", "runtime", "library", "garbage", "thread", "async"])]


class History:
    """A git repository whose commits put pages under `docs/`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir()
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "t@example.com")
        self.git("config", "user.name", "t")

    def git(self, *args: str) -> str:
        return subprocess.run(["git", "-C", str(self.root), *args], check=True, capture_output=True,
                              text=True).stdout.strip()

    def commit(self, pages: dict[str, str | None], message: str = "c") -> str:
        write_docs(self.root, pages)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def move(self, old: str, new: str) -> None:
        (self.root / "docs" / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", f"docs/{old}", f"docs/{new}")


def read(path: Path) -> Catalog:
    return po.read(path.read_bytes(), path=str(path))


def review(path: Path, source: str, target: str) -> None:
    catalog = read(path)
    entry = next(e for e in catalog.entries if e.source == source and not e.obsolete)
    entry.target, entry.fuzzy = target, False
    path.write_bytes(po.write(catalog))


def active(catalog: Catalog) -> list[tuple[object, ...]]:
    return [(e.id, e.source, e.target, e.fuzzy, e.flags, e.previous_source) for e in catalog.active]


@pytest.fixture
def history(tmp_path: Path) -> History:
    return History(tmp_path / "repo")


def extract(cli, history: History, rev: str, out: Path) -> Path:  # type: ignore[no-untyped-def]
    done = cli("extract", "--repo", history.root, "--rev", rev, "docs", "--out", out, "-q")
    assert done.code == 0, done.err
    return out / "fr-FR"


def sync(cli, history: History, tree: Path, *more: str):  # type: ignore[no-untyped-def]
    return cli("sync", tree, "--repo", history.root, "--branch", "main", "--jobs", "1", *more)


def test_a_segment_edited_twice_keeps_the_review_with_the_source_the_person_translated(cli, history, tmp_path):
    pairs = SENTENCES[:3]
    first = history.commit({"a.md": page_text(pairs)})
    tree = extract(cli, history, first, tmp_path / "out")
    review(tree / "a.po", pairs[1][0], "Phrase relue.")
    history.commit({"a.md": page_text([pairs[0], (pairs[1][0].replace("1", "one"), "MT one"), pairs[2]], "b2")})
    history.commit({"a.md": page_text([pairs[0], (pairs[1][0].replace("1", "1.0"), "MT two"), pairs[2]], "c3")})
    done = sync(cli, history, tree)
    assert done.code == 0, done.err
    entry = read(tree / "a.po").active[1]
    assert (entry.target, entry.fuzzy, entry.previous_source) == ("Phrase relue.", True, pairs[1][0])
    assert "tm-human" in entry.flags
    assert "2 commits synced" in done.out


def test_sync_gives_the_active_entries_of_one_update(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:4]), "b.md": page_text(SENTENCES[2:], "b1")})
    history.commit({"a.md": page_text([SENTENCES[0], ("A new sentence here.", "Nouvelle."), *SENTENCES[1:4]], "a2")})
    history.commit({"c.md": page_text([SENTENCES[3], ("Something else.", "Autre chose.")], "c1")})
    last = history.commit({"b.md": page_text(SENTENCES[3:], "b2")})
    tree = extract(cli, history, first, tmp_path / "synced")
    review(tree / "a.po", SENTENCES[3][0], "Relu trois.")
    review(tree / "b.po", SENTENCES[4][0], "Relu quatre.")
    other = extract(cli, history, first, tmp_path / "updated")
    review(other / "a.po", SENTENCES[3][0], "Relu trois.")
    review(other / "b.po", SENTENCES[4][0], "Relu quatre.")
    assert sync(cli, history, tree).code == 0
    done = cli("update", other, "--repo", history.root, "--rev", last, "docs", "--jobs", "1")
    assert done.code == 0, done.err
    for name in ("a.po", "b.po", "c.po"):
        assert active(read(tree / name)) == active(read(other / name)), name
    assert read(tree / "c.po").active[0].target == "Relu trois."  # a person's review of the same source


def test_a_segment_added_then_removed_leaves_an_obsolete_entry_and_the_same_active_ones(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    tree = extract(cli, history, first, tmp_path / "out")
    history.commit({"a.md": page_text([*SENTENCES[:2], ("Short lived.", "Éphémère.")], "a2")})
    history.commit({"a.md": page_text(SENTENCES[:2], "a3")})
    assert sync(cli, history, tree).code == 0
    catalog = read(tree / "a.po")
    assert [e.source for e in catalog.active] == [s for s, _ in SENTENCES[:2]]
    assert [e.source for e in catalog.obsolete] == ["Short lived."]


def test_a_page_renamed_then_edited_carries_its_reviews(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:3])})
    tree = extract(cli, history, first, tmp_path / "out")
    review(tree / "a.po", SENTENCES[0][0], "Relu zéro.")
    review(tree / "a.po", SENTENCES[2][0], "Relu deux.")
    history.move("a.md", "guide/b.md")
    history.commit({})
    edited = "Sentence number 2 about the library features."
    history.commit({"guide/b.md": page_text([SENTENCES[0], SENTENCES[1], (edited, "MT")], "b2")})
    done = sync(cli, history, tree, "--json")
    assert done.code == 0, done.err
    assert not (tree / "a.po").exists()
    entries = read(tree / "guide" / "b.po").active
    assert (entries[0].target, entries[0].fuzzy) == ("Relu zéro.", False)
    assert (entries[2].target, entries[2].fuzzy, entries[2].previous_source) == ("Relu deux.", True, SENTENCES[2][0])
    commits = json.loads(done.out)["commits"]
    assert commits[0]["pages_renamed"] == {"a.md": "guide/b.md"}
    assert commits[1]["segments"] == {"added": 0, "changed": 1, "removed": 0}


def test_a_revert_brings_back_the_reviewed_text(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    tree = extract(cli, history, first, tmp_path / "out")
    review(tree / "a.po", SENTENCES[1][0], "Relu un.")
    history.commit({"a.md": page_text([SENTENCES[0], ("Sentence number 1 about the runtimes.", "MT")], "a2")})
    history.git("revert", "--no-edit", "HEAD")
    assert sync(cli, history, tree).code == 0
    entry = read(tree / "a.po").active[1]
    # The step back is an edit update's rules carry: the review stays, fuzzy, against its own source.
    assert (entry.source, entry.target, entry.previous_source) == (SENTENCES[1][0], "Relu un.", None)


def test_a_deleted_page_makes_its_catalog_obsolete_keeping_reviews(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2]), "b.md": page_text(SENTENCES[2:4], "b1")})
    tree = extract(cli, history, first, tmp_path / "out")
    review(tree / "a.po", SENTENCES[0][0], "Relu.")
    review(tree / "b.po", SENTENCES[2][0], "Relu b.")
    review(tree / "b.po", SENTENCES[3][0], "Relu b, encore.")
    history.commit({"a.md": None})
    assert sync(cli, history, tree).code == 0
    catalog = read(tree / "a.po")
    assert not catalog.active
    assert ("Relu.", True) in [(e.target, e.obsolete) for e in catalog.obsolete]


def test_a_commit_that_would_make_most_reviews_obsolete_is_refused_as_update_refuses_it(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2]), "b.md": page_text(SENTENCES[2:4], "b1")})
    tree = extract(cli, history, first, tmp_path / "out")
    review(tree / "a.po", SENTENCES[0][0], "Relu.")
    before = (tree / "a.po").read_bytes()
    history.commit({"a.md": None})
    done = sync(cli, history, tree)
    assert done.code == 2 and "--force" in done.err and "0 commits synced" in done.out
    assert (tree / "a.po").read_bytes() == before
    assert json.loads((tree / ".tm" / "sync.json").read_text())["commit"] == first
    assert sync(cli, history, tree, "--force").code == 0
    assert not read(tree / "a.po").active


def test_nothing_new_is_said_and_changes_nothing(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    tree = extract(cli, history, first, tmp_path / "out")
    before = (tree / "a.po").read_bytes()
    done = sync(cli, history, tree)
    assert (done.code, done.out.startswith("nothing to sync"), done.err) == (0, True, "")
    assert (tree / "a.po").read_bytes() == before
    history.commit({"a.md": page_text(SENTENCES[:3], "a2")})
    assert sync(cli, history, tree).code == 0
    again = sync(cli, history, tree)
    assert "nothing to sync" in again.out


def test_no_recorded_commit_and_no_from_is_an_error(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    assert cli("extract", history.root / "docs", "--out", tmp_path / "out", "-q").code == 0
    history.commit({"a.md": page_text(SENTENCES[:3], "a2")})
    tree = tmp_path / "out" / "fr-FR"
    done = sync(cli, history, tree)
    assert done.code == 2 and done.err.startswith("error: ") and "--from" in done.err
    done = sync(cli, history, tree, "--from", first, "docs")
    assert done.code == 0, done.err
    assert [e.source for e in read(tree / "a.po").active] == [s for s, _ in SENTENCES[:3]]


def test_dry_run_writes_nothing_and_tells_the_counts(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    tree = extract(cli, history, first, tmp_path / "out")
    history.commit({"a.md": page_text(SENTENCES[:3], "a2")})
    state, before = (tree / ".tm" / "sync.json").read_bytes(), (tree / "a.po").read_bytes()
    done = sync(cli, history, tree, "--dry-run", "--json")
    assert done.code == 0, done.err
    assert json.loads(done.out)["commits"][0]["segments"]["added"] == 1
    assert (tree / ".tm" / "sync.json").read_bytes() == state and (tree / "a.po").read_bytes() == before
    assert sorted(p.name for p in (tree / ".tm").iterdir()) == [".gitignore", "sync.json"]  # no index either


def test_review_writes_the_review_catalogs_of_the_run(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    tree = extract(cli, history, first, tmp_path / "out")
    history.commit({"a.md": page_text([*SENTENCES[:2], ("Added once.", "Ajoutée.")], "a2")})
    history.commit({"b.md": page_text(SENTENCES[3:4], "b1")})
    assert sync(cli, history, tree, "--review", tmp_path / "review").code == 0
    found = {p.relative_to(tmp_path / "review").as_posix() for p in (tmp_path / "review").rglob("*.po")}
    assert found == {"fr-FR/a.po", "fr-FR/b.po"}
    assert [e.source for e in read(tmp_path / "review" / "fr-FR" / "a.po").entries] == ["Added once."]


def test_a_review_made_in_an_editor_between_syncs_is_offered(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    tree = extract(cli, history, first, tmp_path / "out")
    history.commit({"b.md": page_text(SENTENCES[4:5], "b1")})
    assert sync(cli, history, tree).code == 0  # the index of reviews is saved now
    review(tree / "a.po", SENTENCES[1][0], "Relu entre deux.")
    history.commit({"c.md": page_text(SENTENCES[1:2], "c1")})
    assert sync(cli, history, tree).code == 0
    assert read(tree / "c.po").active[0].target == "Relu entre deux."


def test_an_interrupted_sync_resumes_at_the_next_commit(cli, history, tmp_path, monkeypatch):
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    history.commit({"a.md": page_text(SENTENCES[:3], "a2")})
    history.commit({"a.md": page_text(SENTENCES[1:4], "a3"), "b.md": page_text(SENTENCES[4:], "b1")})
    history.commit({"b.md": page_text(SENTENCES[3:], "b2")})
    clean = extract(cli, history, first, tmp_path / "clean")
    assert sync(cli, history, clean).code == 0
    tree = extract(cli, history, first, tmp_path / "out")
    from tm.errors import Interrupted
    from tm.sync import apply

    real, calls = apply._passes, []

    def stop_at_the_second(*args, **kw):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            real(*args, **kw)  # catalogs staged, then Ctrl-C before they are committed
            raise Interrupted()
        return real(*args, **kw)

    monkeypatch.setattr(apply, "_passes", stop_at_the_second)
    done = sync(cli, history, tree)
    assert done.code == 130 or done.code != 0
    assert json.loads((tree / ".tm" / "sync.json").read_text())["commit"] == history.git("rev-parse", "HEAD~2")
    monkeypatch.undo()
    assert sync(cli, history, tree).code == 0
    for name in ("a.po", "b.po"):
        assert (tree / name).read_bytes() == (clean / name).read_bytes()


@pytest.mark.parametrize("back_as", ["a.md", "guide/a2.md"])
def test_a_page_removed_then_added_back_in_a_later_commit_keeps_its_reviews_as_one_update(cli, history, tmp_path,
                                                                                       back_as):
    first = history.commit({"a.md": page_text(SENTENCES[:4]), "b.md": page_text(SENTENCES[4:], "b1")})
    for name in ("synced", "updated"):
        tree = extract(cli, history, first, tmp_path / name)
        review(tree / "a.po", SENTENCES[1][0], "Relu un.")
        review(tree / "a.po", SENTENCES[2][0], "Relu deux.")
        review(tree / "b.po", SENTENCES[4][0], "Relu quatre.")
        review(tree / "b.po", SENTENCES[5][0], "Relu cinq.")
    history.commit({"a.md": None})
    last = history.commit({back_as: page_text([*SENTENCES[:3], ("A sentence added meanwhile.", "MT")], "a9")})
    synced, updated = tmp_path / "synced" / "fr-FR", tmp_path / "updated" / "fr-FR"
    assert sync(cli, history, synced).code == 0
    assert cli("update", updated, "--repo", history.root, "--rev", last, "docs", "--jobs", "1").code == 0
    name = back_as.replace(".md", ".po")
    assert active(read(synced / name)) == active(read(updated / name))
    assert [e.target for e in read(synced / name).active][1:3] == ["Relu un.", "Relu deux."]
    left = {p.relative_to(synced).as_posix() for p in synced.rglob("*.po")}
    assert left == {p.relative_to(updated).as_posix() for p in updated.rglob("*.po")}


def test_a_sentence_moved_to_another_page_in_two_commits_is_offered_its_review_as_one_update_does(cli, history,
                                                                                                  tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:4]), "b.md": page_text(SENTENCES[4:], "b1")})
    for name in ("synced", "updated"):
        tree = extract(cli, history, first, tmp_path / name)
        for source, n in ((SENTENCES[1][0], 1), (SENTENCES[2][0], 2), (SENTENCES[4][0], 4)):
            review(tree / ("b.po" if n == 4 else "a.po"), source, f"Relu {n}.")
    history.commit({"a.md": page_text([SENTENCES[0], SENTENCES[2], SENTENCES[3]], "a2")})
    last = history.commit({"c.md": page_text([SENTENCES[1], ("Other text.", "Autre.")], "c1")})
    synced, updated = tmp_path / "synced" / "fr-FR", tmp_path / "updated" / "fr-FR"
    assert sync(cli, history, synced).code == 0
    assert cli("update", updated, "--repo", history.root, "--rev", last, "docs", "--jobs", "1").code == 0
    assert read(synced / "c.po").active[0].target == "Relu 1."
    for name in ("a.po", "b.po", "c.po"):
        assert active(read(synced / name)) == active(read(updated / name)), name


def killed_while_committing(cli, history: History, tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Sync `tree`, stopped (Ctrl-C) once the first staged catalog of its first commit is moved into place."""
    from tm.errors import Interrupted
    from tm.jobs import tree as update_tree

    real, moved = update_tree.os.replace, []

    def die_after_one(src, dst):  # type: ignore[no-untyped-def]
        real(src, dst)
        moved.append(dst)
        if len(moved) == 1:
            raise Interrupted()

    monkeypatch.setattr(update_tree.os, "replace", die_after_one)
    assert sync(cli, history, tree).code != 0
    monkeypatch.undo()


def test_a_sync_killed_while_committing_a_commit_is_finished_by_the_next_run(cli, history, tmp_path, monkeypatch):
    first = history.commit({"a.md": page_text(SENTENCES[:2]), "b.md": page_text(SENTENCES[2:4], "b1")})
    history.commit({"a.md": page_text(SENTENCES[:3], "a2"), "b.md": page_text(SENTENCES[2:5], "b2")})
    history.commit({"b.md": page_text(SENTENCES[3:], "b3")})
    clean = extract(cli, history, first, tmp_path / "clean")
    assert sync(cli, history, clean).code == 0
    tree = extract(cli, history, first, tmp_path / "out")
    killed_while_committing(cli, history, tree, monkeypatch)
    assert (tree / ".tm-update" / "commit").exists()  # half committed: the first catalog moved, the rest staged
    done = sync(cli, history, tree)
    assert done.code == 0 and "finished the commit of an interrupted update" in done.err
    for name in ("a.po", "b.po", ".tm/sync.json"):
        assert (tree / name).read_bytes() == (clean / name).read_bytes(), name


def test_the_saved_review_index_is_the_one_the_catalogs_give(cli, history, tmp_path):
    from tm.sync.state import ReviewIndex

    first = history.commit({"a.md": page_text(SENTENCES[:3]), "b.md": page_text(SENTENCES[3:], "b1")})
    tree = extract(cli, history, first, tmp_path / "out")
    review(tree / "a.po", SENTENCES[0][0], "Relu zéro.")
    review(tree / "b.po", SENTENCES[4][0], "Relu quatre.")
    history.commit({"a.md": page_text(SENTENCES[1:3], "a2")})
    assert sync(cli, history, tree).code == 0
    review(tree / "b.po", SENTENCES[5][0], "Relu cinq.")  # after the index was saved
    history.commit({"c.md": page_text(SENTENCES[:1], "c1")})
    assert sync(cli, history, tree).code == 0
    time.sleep(0.05)  # a catalog read in the clock tick it was written in is indexed to be read again (racy)
    saved = ReviewIndex.load(str(tree))
    (tree / ".tm" / "reviews.sqlite").unlink()
    rebuilt = ReviewIndex.load(str(tree))
    assert rebuilt.read == 3  # every catalog (the saved index reads again only those written in its clock tick)
    assert reviewed(saved) == reviewed(rebuilt)
    assert saved.store.departed() == {"a.po": [(SENTENCES[0][0], "Relu zéro.")]} and not rebuilt.store.departed()
    for index in (saved, rebuilt):
        assert word_index(index) == word_index_of(index)
    assert read(tree / "c.po").active[0].target == "Relu zéro."  # offered from the departed review


def reviewed(index):  # type: ignore[no-untyped-def]
    """Each catalog's size, active and obsolete reviews, as the index holds them (the mtime is -1 for one read
    in the clock tick it was written in: racy)."""
    from tm.sync.memory import ACTIVE, OBSOLETE

    return {rel: (stat[1], index.store.pairs(rel, ACTIVE), index.store.pairs(rel, OBSOLETE))
            for rel, stat in index.store.stats().items()}


def word_index(index):  # type: ignore[no-untyped-def]
    """The sources, word counts and postings the store holds."""
    db = index.store.db
    sources = {i: t for i, t in db.execute("SELECT id, text FROM sources")}
    return (set(sources.values()), dict(db.execute("SELECT word, df FROM words")),
            {(w, n, sources[i]) for w, n, i in db.execute("SELECT word, length, source FROM postings")})


def word_index_of(index):  # type: ignore[no-untyped-def]
    """What the sources, word counts and postings are for the reviews the store holds (every tier)."""
    from collections import Counter

    from tm.align import _words

    texts = {t for (t,) in index.store.db.execute("SELECT DISTINCT s.text FROM reviews r JOIN sources s ON "
                                                  "s.id = r.source")}
    df = Counter(w for t in texts for w in set(_words(t)))
    return texts, dict(df), {(w, len(t), t) for t in texts for w in set(_words(t))}


def test_paths_other_than_the_ones_extracted_from_are_refused(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2]), "sub/b.md": page_text(SENTENCES[2:4], "b1")})
    tree = extract(cli, history, first, tmp_path / "out")
    history.commit({"sub/b.md": page_text(SENTENCES[2:5], "b2")})
    done = sync(cli, history, tree, "docs/sub")
    assert done.code == 2 and "extracted from docs" in done.err and done.err.count("\n") == 1
    assert sync(cli, history, tree, "docs").code == 0
    assert len(read(tree / "sub" / "b.po").active) == 3


def test_a_review_in_the_obsolete_entries_of_another_catalog_is_offered_as_update_offers_it(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:3]), "b.md": page_text(SENTENCES[4:], "b1")})
    second = history.commit({"a.md": page_text([SENTENCES[0], SENTENCES[2]], "a2")})
    last = history.commit({"c.md": page_text([SENTENCES[1], ("Other text.", "Autre.")], "c1")})
    for name in ("synced", "updated"):
        tree = extract(cli, history, first, tmp_path / name)
        review(tree / "a.po", SENTENCES[1][0], "Relu un.")
        review(tree / "b.po", SENTENCES[4][0], "Relu quatre.")
        review(tree / "b.po", SENTENCES[5][0], "Relu cinq.")
        done = cli("update", tree, "--repo", history.root, "--rev", second, "docs", "--jobs", "1")
        assert done.code == 0, done.err
        assert [e.target for e in read(tree / "a.po").obsolete] == ["Relu un."]  # a #~ review, made by update
    synced, updated = tmp_path / "synced" / "fr-FR", tmp_path / "updated" / "fr-FR"
    assert sync(cli, history, synced).code == 0  # from `second`, which update recorded
    assert cli("update", updated, "--repo", history.root, "--rev", last, "docs", "--jobs", "1").code == 0
    assert read(updated / "c.po").active[0].target == "Relu un."
    for name in ("a.po", "b.po", "c.po"):
        assert active(read(synced / name)) == active(read(updated / name)), name


def test_a_review_changed_in_place_to_the_same_size_between_syncs_is_offered(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    tree = extract(cli, history, first, tmp_path / "out")
    review(tree / "a.po", SENTENCES[1][0], "Relu AAAA.")
    history.commit({"b.md": page_text(SENTENCES[4:5], "b1")})
    assert sync(cli, history, tree).code == 0  # the index holds "Relu AAAA." now
    raw = (tree / "a.po").read_bytes()
    with open(tree / "a.po", "r+b") as file:  # as an editor saving in place: same size, new mtime
        file.write(raw.replace(b"Relu AAAA.", b"Relu BBBB."))
    assert (tree / "a.po").stat().st_size == len(raw)
    history.commit({"c.md": page_text(SENTENCES[1:2], "c1")})
    assert sync(cli, history, tree).code == 0
    assert read(tree / "c.po").active[0].target == "Relu BBBB."


def test_a_damaged_review_index_is_made_again_from_the_catalogs(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    tree = extract(cli, history, first, tmp_path / "out")
    review(tree / "a.po", SENTENCES[1][0], "Relu un.")
    history.commit({"b.md": page_text(SENTENCES[4:5], "b1")})
    assert sync(cli, history, tree).code == 0
    (tree / ".tm" / "reviews.sqlite").write_bytes(b"not a database" * 100)
    history.commit({"c.md": page_text(SENTENCES[1:2], "c1")})
    done = sync(cli, history, tree)
    assert done.code == 0, done.err
    assert read(tree / "c.po").active[0].target == "Relu un."


def test_workers_of_a_large_commit_query_the_review_index_as_the_parent_does(cli, history, tmp_path, monkeypatch):
    from tm.sync import apply

    first = history.commit({"a.md": page_text(SENTENCES[:3]), "b.md": page_text(SENTENCES[3:], "b1")})
    history.commit({f"new{n}.md": page_text([SENTENCES[n % 6], (f"Sentence number {n % 6} about the new feature.",
                                                               "MT")], f"n{n}") for n in range(8)})
    trees = []
    for jobs in ("1", "2"):
        tree = extract(cli, history, first, tmp_path / f"jobs{jobs}")
        review(tree / "a.po", SENTENCES[1][0], "Relu un.")
        review(tree / "b.po", SENTENCES[4][0], "Relu quatre.")
        monkeypatch.setattr(apply, "_PARALLEL", 2)  # workers from 2 pages on
        done = cli("sync", tree, "--repo", history.root, "--branch", "main", "--jobs", jobs)
        assert done.code == 0, done.err
        trees.append(tree)
    for n in range(8):
        assert read(trees[0] / f"new{n}.po").entries == read(trees[1] / f"new{n}.po").entries
    assert read(trees[1] / "new1.po").active[0].target == "Relu un."
    assert any("Relu quatre." in note for note in read(trees[1] / "new4.po").active[1].notes)


def test_the_index_of_an_older_tm_is_replaced_and_its_gitignore_gains_the_new_file_keeping_its_lines(cli, history,
                                                                                                      tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    tree = extract(cli, history, first, tmp_path / "out")
    (tree / ".tm" / ".gitignore").write_text("# derived data\nreviews.marshal\nsimilar.marshal\nmemory.sqlite\n")
    (tree / ".tm" / "reviews.marshal").write_bytes(b"old index")
    history.commit({"b.md": page_text(SENTENCES[4:5], "b1")})
    assert sync(cli, history, tree).code == 0
    lines = (tree / ".tm" / ".gitignore").read_text().splitlines()
    assert {"memory.sqlite", "reviews.sqlite"} <= set(lines) and len(lines) == len(set(lines))
    assert not (tree / ".tm" / "reviews.marshal").exists() and (tree / ".tm" / "reviews.sqlite").exists()

"""Trust audit of `tm memory` and `tm update --memory`: what other tools and hands do to the memory file and the
catalogs never hides a review, and a run that finds nothing never looks like one that found nothing to find."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from test_memory import S1, S2, page

from tm import memory
from tm.formats import po

REVIEWED = "Le ramasse-miettes libère la mémoire."


def reviewed_tree(tmp_path: Path, cli) -> Path:  # type: ignore[no-untyped-def]
    """A fr-FR catalog tree of one MT page, its first entry reviewed."""
    pages = tmp_path / "v1"
    pages.mkdir()
    (pages / "a.md").write_text(page((S1, "Le GC libère la mémoire."), (S2, "Exécutez.")), encoding="utf-8")
    assert cli("extract", pages, "--out", tmp_path / "locales", "-q").code == 0
    tree = tmp_path / "locales" / "fr-FR"
    catalog = po.read((tree / "a.po").read_bytes(), path="a.po")
    catalog.entries[0].target, catalog.entries[0].fuzzy = REVIEWED, False
    (tree / "a.po").write_bytes(po.write(catalog))
    return tree


@pytest.mark.parametrize("content", [b"not a memory, a note someone saved here\n", b"SQLite format 3\x00" + b"\x07" * 90])
@pytest.mark.parametrize("command", [("memory", "lookup", S1), ("memory", "stats"), ("memory", "add", "TREE"),
                                     ("memory", "export", "-o", "OUT"), ("update", "TREE", "PAGES", "--memory")])
def test_a_memory_file_that_is_not_a_database_is_one_error_line(tmp_path: Path, cli, content: bytes,
                                                                 command: tuple[str, ...]) -> None:
    tree = reviewed_tree(tmp_path, cli)
    db = tmp_path / "m.sqlite"
    db.write_bytes(content)
    names = {"TREE": tree, "PAGES": tmp_path / "v1", "OUT": tmp_path / "out.tmx"}
    args = [names.get(a, a) for a in command]
    done = cli(*args, db) if command[0] == "update" else cli(*args, "--db", db)
    assert done.code == 2 and done.err.startswith(f"error: {db}: ") and done.err.count("\n") == 1, done.err
    assert db.read_bytes() == content


def test_an_sqlite_file_of_another_program_is_refused_and_left_as_it_was(tmp_path: Path, cli) -> None:
    db = tmp_path / "other.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT)")
    con.execute("INSERT INTO notes(text) VALUES ('keep me')")
    con.commit()
    con.close()
    before = db.read_bytes()
    tree = reviewed_tree(tmp_path, cli)
    done = cli("memory", "add", tree, "--db", db)
    assert done.code == 2 and "not a tm memory" in done.err and done.err.count("\n") == 1, done.err
    assert db.read_bytes() == before


def test_a_locale_spelled_as_the_pages_spell_it_is_the_same_locale(tmp_path: Path, cli) -> None:
    """`ms.contentlocale: fr-fr` is how the pages spell it, and what extract and merge take for fr-FR."""
    tree = reviewed_tree(tmp_path, cli)
    db = tmp_path / "m.sqlite"
    assert cli("memory", "add", tree, "--db", db, "--locale", "fr-fr", "-q").code == 0
    for locale in ("fr-fr", "fr_FR", "fr-FR"):
        found = cli("memory", "lookup", S1, "--db", db, "--locale", locale, "--json")
        assert found.code == 0, found.err
        assert [(m["target"], m["locale"]) for m in json.loads(found.out)] == [(REVIEWED, "fr-FR")], locale


@pytest.mark.parametrize("command", [("lookup", S1), ("search", "garbage"), ("export", "-o", "OUT"),
                                     ("analyze", "PAGES"), ("stats",)])
def test_a_locale_the_memory_does_not_hold_is_an_error_not_an_empty_answer(tmp_path: Path, cli,
                                                                          command: tuple[str, ...]) -> None:
    """A memory of another locale answers nothing: analyze would bill every word as new, export write 0 units."""
    tree = reviewed_tree(tmp_path, cli)
    db = tmp_path / "m.sqlite"
    assert cli("memory", "add", tree, "--db", db, "-q").code == 0
    names = {"OUT": tmp_path / "out.tmx", "PAGES": tmp_path / "v1"}
    done = cli("memory", *[names.get(a, a) for a in command], "--db", db, "--locale", "de-DE")
    assert done.code == 2 and done.err.count("\n") == 1, done.err
    assert "no translations into de-DE" in done.err and "fr-FR" in done.err
    assert not (tmp_path / "out.tmx").exists()


def test_the_reviews_of_an_xliff_catalog_po2xliff_wrote_are_offered_by_update(tmp_path: Path, cli) -> None:
    """po2xliff writes `target-language="fr_FR"`: its reviews are the tree's locale's, not another's."""
    tree = reviewed_tree(tmp_path, cli)
    xliff = tmp_path / "xliff" / "fr-FR"
    xliff.mkdir(parents=True)
    subprocess.run(["po2xliff", tree / "a.po", xliff / "a.xlf"], check=True, capture_output=True)
    assert b'target-language="fr_FR"' in (xliff / "a.xlf").read_bytes()
    db = tmp_path / "m.sqlite"
    assert cli("memory", "add", xliff, "--db", db, "-q").code == 0
    with memory.open_memory(db) as con:
        assert [m.locale for m in memory.lookup(con, S1) if m.target == REVIEWED] == ["fr-FR"]
    (tree / "a.po").unlink()  # the review left the tree; the memory has it
    (tmp_path / "v1" / "b.md").write_text(page((S1, "Le GC libère la mémoire.")), encoding="utf-8")
    done = cli("update", tree, tmp_path / "v1", "--memory", db, "--json", "--force")
    assert done.code == 0, done.err
    assert json.loads(done.out)["entries"]["offered"] == 2
    assert [e.target for e in po.read((tree / "b.po").read_bytes(), path="b.po").entries] == [REVIEWED]


def test_analyze_counts_matches_in_the_jobs_locale_only(tmp_path: Path, cli) -> None:
    """A vendor quotes a French job from French matches: a German translation of the same English is no match.
    Without --locale, analyze takes the job's (its pages' ms.contentlocale, its catalogs' Language)."""
    tree = reviewed_tree(tmp_path, cli)
    db = tmp_path / "m.sqlite"
    assert cli("memory", "add", tree, "--db", db, "--locale", "de-DE", "-q").code == 0
    job = tmp_path / "v1"
    german_only = cli("memory", "analyze", job, "--db", db)
    assert german_only.code == 2 and "no translations into fr-FR" in german_only.err, german_only.err
    with memory.open_memory(db) as con:
        memory.add_catalog_entries(con, "fr-FR", [(S2, "Exécutez.", False)], page="a.md")
    both = cli("memory", "analyze", job, "--db", db, "--json")
    assert both.code == 0, both.err
    bands = {k: v for k, v in json.loads(both.out)["total"]["segments"].items() if v}
    assert bands == {"100": 1, "new": 1}, bands
    catalogs = cli("memory", "analyze", tree, "--db", db, "--json")
    assert {k: v for k, v in json.loads(catalogs.out)["total"]["segments"].items() if v} == bands


@pytest.mark.parametrize("command", [("memory", "add", "TREE"), ("update", "TREE", "PAGES", "--memory")])
def test_a_memory_another_process_is_writing_is_one_error_line(tmp_path: Path, cli, monkeypatch,
                                                              command: tuple[str, ...]) -> None:
    """A harvest of the whole history holds the memory for minutes; an update --memory meanwhile waits SQLite's
    busy timeout, then says the memory is busy, exit 2: no traceback, no catalog written."""
    import functools

    tree = reviewed_tree(tmp_path, cli)
    db = tmp_path / "m.sqlite"
    assert cli("memory", "add", tmp_path / "v1", "--db", db, "-q").code == 0
    before = {p.name: p.read_bytes() for p in tree.glob("*.po")}
    (tmp_path / "v1" / "b.md").write_text(page((S2, "Exécutez.")), encoding="utf-8")
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another tm memory add, in the middle of writing
    monkeypatch.setattr(sqlite3, "connect", functools.partial(sqlite3.connect, timeout=0.1))
    names = {"TREE": tree, "PAGES": tmp_path / "v1"}
    args = [names.get(a, a) for a in command]
    done = cli(*args, db) if command[0] == "update" else cli(*args, "--db", db)
    other.execute("ROLLBACK")
    assert done.code == 2 and "locked" in done.err and done.err.count("\n") == 1, done.err
    assert {p.name: p.read_bytes() for p in tree.glob("*.po")} == before


@pytest.mark.xfail(strict=True, reason="a catalog's translations are dated by its handoff (X-Ms-Lasthandoff), so a "
                   "review and the person's correction of it read later have the same last_seen, and which comes first "
                   "(lookup, update --memory's offers) follows their hash ids: here the replaced text. Needs a read "
                   "order (or the file's save time) in the store: tm/memory/store.py, harvest.py")
def test_a_review_a_person_corrected_comes_before_the_text_it_replaced(tmp_path: Path, cli) -> None:
    """The memory read the tree with review A, the person corrected it to B, the memory read it again: both are
    reviews of the same handoff date, and B is the person's latest word, so lookup and update --memory give B."""
    tree = reviewed_tree(tmp_path, cli)
    db = tmp_path / "m.sqlite"
    first = (tree / "a.po").read_bytes()
    texts = ["Le ramasse-miettes libère la mémoire (AX).", "Le ramasse-miettes libère la mémoire (BX).",
             "Le ramasse-miettes libère la mémoire (CX)."]
    for text in texts:
        (tree / "a.po").write_bytes(first.replace(REVIEWED.encode(), text.encode()))
        assert cli("memory", "add", tree, "--db", db, "-q").code == 0
    found = cli("memory", "lookup", S1, "--db", db, "--json")
    assert [m["target"] for m in json.loads(found.out)][:1] == [texts[-1]]
    (tree / "a.po").unlink()  # the page left the tree; it comes back in the next handoff
    done = cli("update", tree, tmp_path / "v1", "--memory", db, "--force", "-q")
    assert done.code == 0, done.err
    assert po.read((tree / "a.po").read_bytes(), path="a.po").entries[0].target == texts[-1]


@pytest.mark.parametrize("folder", ["fr", "fr_FR"])
def test_update_memory_offers_to_a_tree_in_a_folder_named_as_gettext_names_locales(tmp_path: Path, cli,
                                                                                    folder: str) -> None:
    """gettext trees are often `fr/` or `pt_BR/`: the tree's locale is then its catalogs' Language, not nothing."""
    extracted = reviewed_tree(tmp_path, cli)
    tree = extracted.parent / folder
    extracted.rename(tree)
    db = tmp_path / "m.sqlite"
    assert cli("memory", "add", tree, "--db", db, "-q").code == 0
    (tmp_path / "v1" / "b.md").write_text(page((S2, "Exécutez.")), encoding="utf-8")
    assert cli("extract", tmp_path / "v1", "--out", tmp_path / "again", "-q").code == 0
    (tmp_path / "again" / "fr-FR" / "b.po").rename(tree / "b.po")
    (tree / "a.po").unlink()  # the page left the tree; it comes back
    done = cli("update", tree, tmp_path / "v1", "--memory", db, "--json", "--force")
    assert done.code == 0, done.err
    assert po.read((tree / "a.po").read_bytes(), path="a.po").entries[0].target == REVIEWED


def test_a_memory_export_with_no_unit_says_so(tmp_path: Path, cli) -> None:
    """As tm export warns: a memory of vendor translations only, exported with the default origin, is an empty
    TMX, which a CAT tool would import without a word."""
    (tmp_path / "v1").mkdir()
    (tmp_path / "v1" / "a.md").write_text(page((S1, "Le GC libère la mémoire.")), encoding="utf-8")
    db = tmp_path / "m.sqlite"
    assert cli("memory", "add", tmp_path / "v1", "--db", db, "-q").code == 0
    done = cli("memory", "export", "-o", tmp_path / "out.tmx", "--db", db)
    assert done.code == 0 and done.err.startswith("warning: ") and "--origin" in done.err, done.err
    assert cli("memory", "export", "-o", tmp_path / "all.tmx", "--db", db, "--origin", "reviewed,ht,mt").err == ""

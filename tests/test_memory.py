"""`tm memory`: the store, harvests of generated git histories, trees and files, lookups, concordance, TMX."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from helpers import BUNDLE, SCHEMAS, write_docs
from lxml import etree

from tm import memory
from tm.formats import po
from tm.model import Catalog, Entry


def pair(pair_id: str, target: str, source: str) -> str:
    return (f'<span data-ttu-id="{pair_id}">{target}</span><span class="sxs-lookup">'
            f'<span data-stu-id="{pair_id}">{source}</span></span>')


def page(*pairs: tuple[str, str], kind: str = "MT", handoff: str = "02/04/2021") -> str:
    head = (f"---\ntitle: T\nms.translationtype: {kind}\nms.contentlocale: fr-fr\nms.lasthandoff: {handoff}\n"
            "---\n# Titre\n\n")
    return head + "".join(pair(f"ab-{i}", target, source) + "\n\n" for i, (source, target) in enumerate(pairs))


S1, S2, S3 = "The garbage collector frees memory.", "Run the app.", "Install the SDK first."


class History:
    """A git repository whose commits the tests write one by one, each with its own date."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.day = 0
        root.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
               "GIT_COMMITTER_EMAIL": "t@x", "GIT_COMMITTER_DATE": f"2020-01-{self.day + 1:02d}T12:00:00Z"}
        return subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True, check=True,
                              env=env).stdout.strip()

    def commit(self, files: dict[str, str | None]) -> str:
        self.day += 1
        write_docs(self.root, files)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", f"day {self.day}")
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def history(tmp_path: Path) -> History:
    """Four commits: add a page, re-translate a segment, revert it, remove the page and add an HT one."""
    repo = History(tmp_path / "repo")
    repo.commit({"a.md": page((S1, "Le ramasse-miettes libère la mémoire."), (S2, "Exécutez l'application."))})
    repo.commit({"a.md": page((S1, "Le garbage collector libère la mémoire."), (S2, "Exécutez l'application."))})
    repo.commit({"a.md": page((S1, "Le ramasse-miettes libère la mémoire."), (S2, "Exécutez l'application."))})
    repo.commit({"a.md": None, "sub/b.md": page((S3, "Installez d'abord le SDK."), kind="HT")})
    return repo


def rows(con: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, str, str, int, str]]:
    """(source, target) → (origin, first_seen, last_seen, count, page) of every translation."""
    found = {}
    for source, target, origin, first, last, count, path in con.execute(
            "SELECT s.text, t.target, t.origin, t.first_seen, t.last_seen, t.count, p.path FROM translations t "
            "JOIN sources s ON s.id = t.source JOIN pages p ON p.id = t.page"):
        found[(source, target)] = (memory.ORIGINS[origin], memory.query.iso_date(first),
                                   memory.query.iso_date(last), count, path)
    return found


def test_history_add_edit_revert_remove(history: History, tmp_path: Path) -> None:
    with memory.open_memory(tmp_path / "m.sqlite") as con:
        report = memory.add_history(con, history.root, ["main"], paths=("docs",))
        assert (report.commits, report.files, report.replayed) == (4, 3, 1)  # the revert's blob is read again
        assert rows(con) == {
            (S1, "Le ramasse-miettes libère la mémoire."): ("mt", "2020-01-02", "2020-01-04", 2, "a.md"),
            (S1, "Le garbage collector libère la mémoire."): ("mt", "2020-01-03", "2020-01-03", 1, "a.md"),
            (S2, "Exécutez l'application."): ("mt", "2020-01-02", "2020-01-04", 3, "a.md"),
            (S3, "Installez d'abord le SDK."): ("ht", "2020-01-05", "2020-01-05", 1, "sub/b.md"),
        }
        assert memory.stats(con).several_translations == 1
        assert (memory.query._count(con, "sources"), memory.query._count(con, "translations")) == (3, 4)


def test_history_rerun_reads_nothing_and_new_commits_only(history: History, tmp_path: Path) -> None:
    with memory.open_memory(tmp_path / "m.sqlite") as con:
        memory.add_history(con, history.root, ["main"])
        before = rows(con)
        again = memory.add_history(con, history.root, ["main"])
        assert (again.commits, again.files, again.pairs) == (0, 0, 0)
        assert rows(con) == before
        history.commit({"sub/b.md": page((S3, "Installez le SDK d'abord."), kind="HT")})
        more = memory.add_history(con, history.root, ["main"])
        assert (more.commits, more.files, more.pairs) == (1, 1, 1)
        assert rows(con)[(S3, "Installez le SDK d'abord.")][:3] == ("ht", "2020-01-06", "2020-01-06")


def test_history_range_reads_the_commits_of_the_range(history: History, tmp_path: Path) -> None:
    with memory.open_memory(tmp_path / "m.sqlite") as con:
        report = memory.add_history(con, history.root, ["main~2..main"])
        assert (report.commits, report.files) == (2, 2)
        assert {target for _, target in rows(con)} == {"Le ramasse-miettes libère la mémoire.",
                                                      "Exécutez l'application.", "Installez d'abord le SDK."}


def test_lookup_exact_then_fuzzy(history: History, tmp_path: Path) -> None:
    with memory.open_memory(tmp_path / "m.sqlite") as con:
        memory.add_history(con, history.root, ["main"], paths=("docs",))
        exact = memory.lookup(con, S1)
        assert [(m.target, m.score) for m in exact] == [("Le ramasse-miettes libère la mémoire.", 1.0),
                                                        ("Le garbage collector libère la mémoire.", 1.0)]
        fuzzy = memory.lookup(con, "The garbage collector frees the memory.")
        assert fuzzy and {m.source for m in fuzzy} == {S1} and 0.9 < fuzzy[0].score < 1
        assert memory.lookup(con, S1, locale="de-DE") == []
        assert memory.lookup(con, "Something else entirely.") == []


def test_search_words_phrases_target_and_marks(history: History, tmp_path: Path) -> None:
    with memory.open_memory(tmp_path / "m.sqlite") as con:
        memory.add_history(con, history.root, ["main"])
        found = memory.search(con, '"garbage collector"')
        assert [m.source for m in found] == [S1]
        assert found[0].target == "Le ramasse-miettes libère la mémoire."  # the latest of the MT ones
        assert [(side, S1[a:b]) for side, a, b in found[0].marks] == [("source", "garbage collector")]
        assert memory.search(con, '"collector garbage"') == []
        assert {m.source for m in memory.search(con, "the")} == {S1, S2, S3}  # stop words still answer
        target = memory.search(con, "memoire", side="target")  # accents folded
        assert {m.target for m in target} == {"Le ramasse-miettes libère la mémoire.",
                                              "Le garbage collector libère la mémoire."}
        assert target[0].target[target[0].marks[0][1]:target[0].marks[0][2]] == "mémoire"


def catalog_file(tmp_path: Path) -> Path:
    entries = [
        Entry("1", S1, "Le ramasse-miettes libère la mémoire."),  # reviewed
        Entry("2", S2, "Lancez l'application.", fuzzy=True),  # MT
        Entry("3", S3, "Installez le SDK.", fuzzy=True, flags=("tm-human",), previous_source="Install the SDK."),
        Entry("4", "Old text.", "Ancien texte.", obsolete=True),  # obsolete review: kept
    ]
    catalog = Catalog(entries, header={"Language": "fr_FR", "X-Page": "core/a.md",
                                       "X-Ms-Lasthandoff": "12/18/2020"}, locale="fr-FR", page="core/a.md")
    path = tmp_path / "locales" / "fr-FR" / "core" / "a.po"
    path.parent.mkdir(parents=True)
    path.write_bytes(po.write(catalog))
    return path


def test_catalogs_keep_reviews_and_mt_not_carried_guesses(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    catalog_file(tmp_path)
    tree = tmp_path / "locales"
    result = cli("memory", "add", tree, "--json")
    assert result.code == 0, result.err
    db = tree / ".tm" / "memory.sqlite"
    assert db.exists() and (tree / ".tm" / ".gitignore").read_text().endswith("*\n")
    with memory.open_memory(db) as con:
        assert rows(con) == {
            (S1, "Le ramasse-miettes libère la mémoire."): ("reviewed", "2020-12-18", "2020-12-18", 1, "core/a.md"),
            (S2, "Lancez l'application."): ("mt", "2020-12-18", "2020-12-18", 1, "core/a.md"),
            ("Old text.", "Ancien texte."): ("reviewed", "2020-12-18", "2020-12-18", 1, "core/a.md"),
            ("Install the SDK.", "Installez le SDK."): ("ht", "2020-12-18", "2020-12-18", 1, "core/a.md"),
        }  # the carried review is kept under the source it translates
    again = cli("memory", "add", tree, "--json")
    assert json.loads(again.out)["skipped"] == 1 and json.loads(again.out)["pairs"] == 0


def test_page_tree_then_same_pages_again_are_skipped(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text(page((S1, "Le ramasse-miettes."), (S2, "Exécutez.")), encoding="utf-8")
    (docs / "b.yml").write_text("### YamlMime:Landing\ntitle: x\n", encoding="utf-8")
    with memory.open_memory(tmp_path / "m.sqlite") as con:
        first = memory.add_pages(con, str(docs))
        assert (first.files, first.pairs) == (2, 2)
        assert rows(con)[(S2, "Exécutez.")] == ("mt", "2021-02-04", "2021-02-04", 1, "a.md")
        second = memory.add_pages(con, str(docs))
        assert (second.files, second.skipped, second.pairs) == (0, 2, 0)


def test_export_tmx_is_valid_and_read_by_translate_toolkit(history: History, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    from translate.storage.tmx import tmxfile

    catalog_file(tmp_path)
    db = tmp_path / "m.sqlite"
    with memory.open_memory(db) as con:
        memory.add_history(con, history.root, ["main"])
    assert cli("memory", "add", tmp_path / "locales", "--db", db).code == 0
    out = tmp_path / "all.tmx"
    assert cli("memory", "export", "--format", "tmx", "-o", out, "--db", db, "--origin", "reviewed,ht,mt").code == 0
    if SCHEMAS.is_dir():
        dtd = etree.DTD(str(SCHEMAS / "tmx14.dtd"))
        assert dtd.validate(etree.parse(str(out))), dtd.error_log.filter_from_errors()[:3]
    units = {(u.source, u.target) for u in tmxfile(out.read_bytes()).units}
    assert len(units) == 7 and (S1, "Le ramasse-miettes libère la mémoire.") in units  # S1: MT, then reviewed
    reviewed = tmp_path / "reviewed.tmx"
    result = cli("memory", "export", "-o", reviewed, "--db", db, "--json")  # reviewed only, as tm export
    assert json.loads(result.out)["units"] == 2 and json.loads(result.out)["origins"] == ["reviewed"]
    assert {(u.source, u.target) for u in tmxfile(reviewed.read_bytes()).units} == {
        (S1, "Le ramasse-miettes libère la mémoire."), ("Old text.", "Ancien texte.")}
    # a TMX file is a source too: read back into a new memory, reviewed units stay reviewed
    other = tmp_path / "other.sqlite"
    assert cli("memory", "add", reviewed, "--db", other).code == 0
    with memory.open_memory(other) as con:
        assert {k: v[0] for k, v in rows(con).items()} == {(S1, "Le ramasse-miettes libère la mémoire."): "reviewed",
                                                           ("Old text.", "Ancien texte."): "reviewed"}


def test_cli_lookup_and_search_json(history: History, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "m.sqlite"
    assert cli("memory", "add", "--repo", history.root, "--branch", "main", "--db", db, "-q").code == 0
    result = cli("memory", "lookup", S2, "--db", db, "--json", "--locale", "fr-FR")
    assert result.code == 0
    assert json.loads(result.out) == [{
        "source": S2, "target": "Exécutez l'application.", "score": 1.0, "origin": "mt", "locale": "fr-FR",
        "first_seen": "2020-01-02", "last_seen": "2020-01-04", "page": "docs/a.md", "count": 3}]
    found = json.loads(cli("memory", "search", "SDK", "--db", db, "--json").out)
    assert [(m["source"], m["marks"]) for m in found] == [(S3, [{"side": "source", "start": 12, "end": 15}])]
    text = cli("memory", "search", "SDK", "--db", db).out
    assert "Install the ⟦SDK⟧ first." in text
    stats = json.loads(cli("memory", "stats", "--db", db, "--json").out)
    assert (stats["sources"], stats["translations"], stats["commits_and_handoffs"]) == (3, 4, 4)


def test_cli_errors_are_one_line(tmp_path: Path, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    missing = cli("memory", "lookup", "x")
    assert missing.code == 2 and missing.err.startswith("error: no memory found") and missing.err.count("\n") == 1
    assert cli("memory", "add", "--branch", "main").code == 2
    assert cli("memory", "add", "--repo", tmp_path, "--branch", "nope", "--db", tmp_path / "m.sqlite").code == 2
    assert cli("memory", "export", "-o", "x.tmx", "--origin", "vendor", "--db", tmp_path / "m.sqlite").code == 2
    (tmp_path / "bad.md").write_bytes(b"---\nms.contentlocale: fr-fr\n---\n" + pair("1", "\xe9", "x").encode("latin-1"))
    bad = cli("memory", "add", tmp_path / "bad.md", "--db", tmp_path / "m.sqlite")
    assert bad.code == 2 and "bad.md:4: invalid UTF-8" in bad.err


def test_analyze_bands(history: History, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "m.sqlite"
    with memory.open_memory(db) as con:
        memory.add_history(con, history.root, ["main"], paths=("docs",))
    job = tmp_path / "job"
    job.mkdir()
    (job / "a.md").write_text(page((S1, ""), (S2, "")), encoding="utf-8")  # both exact, seen on a.md
    (job / "c.md").write_text(page((S3, ""), ("Wait for the download.", ""), (S3, ""),
                                   ("The garbage collector frees all memory.", ""),
                                   ("The garbage collector frees 10 MB.", "")), encoding="utf-8")
    result = cli("memory", "analyze", job, "--db", db, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["pages"]["a.md"]["segments"]["context"] == 2
    assert {k: v for k, v in report["pages"]["c.md"]["segments"].items() if v} == {
        "100": 1, "new": 1, "repetition": 1, "85-94": 1, "75-84": 1}
    assert report["total"]["penalized"] == 1 and report["total"]["total_segments"] == 7  # 10 is not in S1
    assert report["total"]["words"]["repetition"] == 4


def test_penalty_lowers_a_fuzzy_score_when_numbers_differ(history: History, tmp_path: Path) -> None:
    from tm.memory.analyze import analyze

    with memory.open_memory(tmp_path / "m.sqlite") as con:
        memory.add_history(con, history.root, ["main"], paths=("docs",))
        plain = analyze(con, [("x.md", ["The garbage collector frees memory!"])])
        numbered = analyze(con, [("x.md", ["The garbage collector frees memory 22."])])  # 95.9 - 2
    assert plain.total.segments["95-99"] == 1 and plain.total.penalized == 0
    assert numbered.total.segments["85-94"] == 1 and numbered.total.penalized == 1


HISTORY_BUNDLE = BUNDLE.parent / "dotnet-docs-fr-fr-history.bundle"


@pytest.fixture(scope="session")
def history_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The history bundle's branch `history` (TM_HISTORY_REPO names an existing clone); skipped when absent."""
    existing = os.environ.get("TM_HISTORY_REPO")
    if existing and Path(existing).exists():
        return Path(existing)
    if not HISTORY_BUNDLE.exists():
        pytest.skip(f"history corpus not available ({HISTORY_BUNDLE})")
    target = tmp_path_factory.mktemp("history") / "history.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(HISTORY_BUNDLE), str(target)], check=True)
    return target


@pytest.mark.corpus
def test_corpus_history_slice(history_repo: Path, tmp_path: Path) -> None:
    """30 commits of the real history: every pair of every changed page version is in the memory."""
    from tm.memory.harvest import git_commits, page_pairs, read_blobs

    first = subprocess.run(["git", "-C", str(history_repo), "rev-list", "--first-parent", "--reverse", "history"],
                           capture_output=True, text=True, check=True).stdout.split()
    revs = [f"{first[100]}..{first[130]}"]
    commits = list(git_commits(history_repo, revs))
    expected = set()
    for _, data in read_blobs(history_repo, [sha for c in commits for _, sha in c.blobs]):
        found = page_pairs("p.md", data)
        expected.update((s, t) for s, _, t in (found.keys if found else []))
    with memory.open_memory(tmp_path / "m.sqlite") as con:
        report = memory.add_history(con, history_repo, revs)
        assert report.commits == 30 and not report.errors
        assert set(rows(con)) == expected and len(expected) > 1000
        assert memory.add_history(con, history_repo, revs).commits == 0
        source, target = sorted(expected)[len(expected) // 2]
        assert target in [m.target for m in memory.lookup(con, source)]
        data = memory.export_tmx(con, origins=memory.ORIGINS)
    from translate.storage.tmx import tmxfile

    assert {(u.source, u.target) for u in tmxfile(data).units} == expected  # what a CAT tool would read


def test_export_cleans_metadata_xml_cannot_hold(tmp_path: Path) -> None:
    """A control character in a page name is replaced in that unit only; one in a segment stays, as a code."""
    from translate.storage.tmx import tmxfile

    with memory.open_memory(tmp_path / "m.sqlite") as con:
        memory.add_catalog_entries(con, "fr-FR", [("Bell\x07 here.", "Cloche\x07 ici.", False)], page="a\x01.md")
        memory.add_catalog_entries(con, "fr-FR", [(S2, "Exécutez.", True)], page="b.md")
        data = memory.export_tmx(con, origins=memory.ORIGINS)
    root = etree.fromstring(data)
    assert sorted(p.text for p in root.iter("prop") if p.get("type") == "x-page") == ["a\ufffd.md", "b.md"]
    assert {(u.source, u.target) for u in tmxfile(data).units} >= {(S2, "Exécutez.")}


def test_catalog_provenance_follows_the_vendor_digest_not_the_flag(tmp_path: Path) -> None:
    """An editor dropped `tm-human` (and one `#| msgid`): the msgstr that differs from the vendor translation the
    entry records is still a person's, kept as `ht` (as `tm export` calls it) under the source it translates."""
    from tm.model import VENDOR_MARK, vendor_digest

    def note(kind: str, vendor: str) -> str:
        return f"{kind}, handoff 12/18/2020{VENDOR_MARK}{vendor_digest(vendor)}"

    mt, ht = "machine translation (MT)", "human translation (HT)"
    entries = [
        Entry("1", S1, "Le ramasse-miettes libère de la mémoire.", fuzzy=True, notes=(note(mt, "Le GC libère."),)),
        Entry("2", S2, "Lancez l'application.", fuzzy=True, notes=(note(mt, "Lancez l'application."),)),
        Entry("3", S3, "Installez le SDK d'abord.", fuzzy=True, previous_source="Install the SDK.",
              notes=(note(mt, "Installez d'abord le SDK."),)),
        Entry("4", "Hello.", "Salut !", notes=(note(ht, "Bonjour."),)),
        Entry("5", "Bye.", "Au revoir.", notes=(note(ht, "Au revoir."),)),
    ]
    catalog = Catalog(entries, header={"Language": "fr_FR", "X-Page": "a.md", "X-Ms-Lasthandoff": "12/18/2020"},
                      locale="fr-FR", page="a.md")
    path = tmp_path / "a.po"
    path.write_bytes(po.write(catalog))
    with memory.open_memory(tmp_path / "m.sqlite") as con:
        memory.add_catalogs(con, [("a.po", str(path))])
        assert {k: v[0] for k, v in rows(con).items()} == {
            (S1, "Le ramasse-miettes libère de la mémoire."): "ht",  # a person's edit, left fuzzy
            (S2, "Lancez l'application."): "mt",
            ("Install the SDK.", "Installez le SDK d'abord."): "ht",  # a review carried to a changed source
            ("Hello.", "Salut !"): "reviewed",  # the vendor's HT, edited by a person
            ("Bye.", "Au revoir."): "ht",
        }


def test_an_add_interrupted_before_indexing_is_indexed_by_the_next_connection(tmp_path: Path) -> None:
    """Rows are written per flush and indexed for search at the end: a run stopped in between leaves a mark."""
    from tm.memory.store import Batch

    db = tmp_path / "m.sqlite"
    with memory.open_memory(db) as con:
        batch = Batch(con)
        batch.add_pairs([(S1, "fr-FR", "Le ramasse-miettes libère la mémoire.")], memory.store.MT, (0, 0),
                        batch.page_id("a.md"))
        batch.flush()  # no close: as if interrupted
        assert memory.exact(con, S1) and not memory.search(con, "garbage")
    with memory.open_memory(db) as con:
        assert [m.source for m in memory.search(con, "garbage")] == [S1]
        assert memory.lookup(con, "The garbage collector frees the memory.")


def test_update_offers_a_review_that_left_the_tree_from_the_memory(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """A reviewed page leaves the handoff (its catalog dropped), comes back later: `tm update --memory` gives the
    review back (fuzzy, the handoff's translation in a note) and offers it beside a similar new segment."""
    reviewed, similar = "Le ramasse-miettes libère la mémoire.", "The garbage collector frees all memory."
    handoffs = {name: tmp_path / name for name in ("v1", "v2", "v3")}
    for folder in handoffs.values():
        folder.mkdir()
    (handoffs["v1"] / "a.md").write_text(page((S1, "Le GC libère la mémoire.")), encoding="utf-8")
    for name, day in (("v1", "02/04/2021"), ("v2", "03/04/2021"), ("v3", "04/04/2021")):
        (handoffs[name] / "b.md").write_text(page((S2, "Exécutez."), handoff=day), encoding="utf-8")
    (handoffs["v3"] / "a.md").write_text(page((S1, "Le GC libère la mémoire."), (similar, "Le GC libère tout."),
                                              handoff="04/04/2021"), encoding="utf-8")
    assert cli("extract", handoffs["v1"], "--out", tmp_path / "locales", "-q").code == 0
    tree, db = tmp_path / "locales" / "fr-FR", tmp_path / "m.sqlite"
    catalog = po.read((tree / "a.po").read_bytes(), path="a.po")
    catalog.entries[0].target, catalog.entries[0].fuzzy = reviewed, False
    (tree / "a.po").write_bytes(po.write(catalog))
    gone = cli("update", tree, handoffs["v2"], "--memory", db, "--drop-obsolete", "--force", "-q")
    assert gone.code == 0, gone.err
    assert not (tree / "a.po").exists()
    without = tmp_path / "without"
    shutil.copytree(tree, without)
    assert cli("update", without, handoffs["v3"], "-q").code == 0
    assert po.read((without / "a.po").read_bytes(), path="a.po").entries[0].target != reviewed
    back = cli("update", tree, handoffs["v3"], "--memory", db, "--json")
    assert back.code == 0, back.err
    assert json.loads(back.out)["entries"]["offered"] == 1
    first, second = po.read((tree / "a.po").read_bytes(), path="a.po").entries
    assert (first.target, first.fuzzy) == (reviewed, True)
    assert 'tm: handoff\'s translation: "Le GC libère la mémoire."' in first.notes
    assert any(n.startswith("tm: reviewed translation of this source in memory, a.md, 2021-02-04") for n in first.notes)
    assert second.target == "Le GC libère tout."  # the handoff's; the similar review is an offer beside it
    assert any(n.startswith("tm: offer 0.95 (reviewed, memory, a.md") and reviewed in n for n in second.notes)


def test_analyze_since_counts_only_what_changed(history: History, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """`--since OLD`: the segments `tm diff OLD NEW` calls added or source_changed, nothing unchanged."""
    db = tmp_path / "m.sqlite"
    with memory.open_memory(db) as con:
        memory.add_history(con, history.root, ["main"], paths=("docs",))
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "a.md").write_text(page((S1, "Le GC."), (S2, "Exécutez.")), encoding="utf-8")
    (new / "a.md").write_text(page((S1, "Le GC."), ("Run the app now.", "Exécutez."),
                                   ("Wait for the download.", "Attendez.")), encoding="utf-8")
    (new / "c.md").write_text(page((S3, "Installez.")), encoding="utf-8")
    result = cli("memory", "analyze", new, "--since", old, "--db", db, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert {k: v for k, v in report["pages"]["a.md"]["segments"].items() if v} == {"85-94": 1, "new": 1}
    assert {k: v for k, v in report["pages"]["c.md"]["segments"].items() if v} == {"100": 1}
    assert report["total"]["total_segments"] == 3 and report["since"] == str(old)
    everything = json.loads(cli("memory", "analyze", new, "--db", db, "--json").out)
    assert everything["total"]["total_segments"] == 4
    assert cli("memory", "analyze", new, new / "a.md", "--since", old, "--db", db).code == 2


@pytest.mark.corpus
def test_corpus_update_with_memory_offers_only_reviews_of_the_same_source(corpus_repo: Path, tmp_path: Path,
                                                                          cli) -> None:  # type: ignore[no-untyped-def]
    """2020-12 → 2021-02 of one folder, with a memory of the 2020-12 tree every 3rd entry reviewed, and an
    unreviewed tree: every msgstr that is not the handoff's is a reviewed translation of exactly its source,
    fuzzy, with the handoff's translation kept in a note (issue 13); similar sources' reviews are notes."""
    from tm.memory.store import text_id
    from tm.model import changed_by_person

    for rev, name in (("sxs~1", "old"), ("sxs", "new")):
        (tmp_path / name).mkdir()
        archive = subprocess.run(["git", "-C", str(corpus_repo), "archive", rev, "docs/fundamentals"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp_path / name)], input=archive, check=True)
    assert cli("extract", tmp_path / "old" / "docs", "--out", tmp_path / "reviewed", "-q").code == 0
    shutil.copytree(tmp_path / "reviewed", tmp_path / "tree")
    for path in (tmp_path / "reviewed").rglob("*.po"):
        catalog = po.read(path.read_bytes(), path=str(path))
        for i, entry in enumerate(catalog.entries):
            if i % 3 == 0 and entry.target and not entry.plural:
                entry.target, entry.fuzzy = "R " + entry.target, False
        path.write_bytes(po.write(catalog))
    db = tmp_path / "m.sqlite"
    assert cli("memory", "add", tmp_path / "reviewed" / "fr-FR", "--db", db, "-q").code == 0
    result = cli("update", tmp_path / "tree" / "fr-FR", tmp_path / "new" / "docs", "--memory", db, "--json")
    assert result.code == 0, result.err
    counts = json.loads(result.out)["entries"]
    con = sqlite3.connect(db)
    taken = 0
    for path in (tmp_path / "tree" / "fr-FR").rglob("*.po"):
        for entry in po.read(path.read_bytes(), path=str(path)).active:
            if changed_by_person(entry):
                reviews = {row[0] for row in con.execute(
                    "SELECT target FROM translations WHERE source = ? AND origin = 0", (text_id(entry.source),))}
                assert entry.fuzzy and entry.target in reviews, (path, entry.source)
                assert any(n.startswith("tm: handoff's translation: ") for n in entry.notes)
                assert any(n.startswith("tm: reviewed translation of this source in memory, ") for n in entry.notes)
                taken += 1
    assert taken == counts["offered"] > 10 and counts["offers"] > 10

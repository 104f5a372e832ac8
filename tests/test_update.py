"""`carry_forward` and `tm update`: every carry-forward rule, provenance over several handoffs, idempotence,
pages added/removed/renamed, and the corpus bar (a simulated review survives 2020-12 → 2021-02)."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from helpers import DATA

from tm.catalogs import catalog_relpath
from tm.formats import po
from tm.model import Catalog, Entry, Page
from tm.offers import Candidate, parse_offer
from tm.page import parse_page
from tm.sources import GitSource
from tm.update import HUMAN_FLAG, Memory, Offer, Reviews, carry_forward, is_human, update_page

OLD, NEW = DATA / "handoffs" / "old", DATA / "handoffs" / "new"


def page(*pairs: tuple[str, str, str], kind: str = "MT", relpath: str = "p.md") -> Page:
    """A page from `(id, source, target)` triples, one paragraph each."""
    body = "".join(f'<span data-ttu-id="{i}">{t}</span><span class="sxs-lookup"><span data-stu-id="{i}">{s}</span>'
                   f"</span>\n\n" for i, s, t in pairs)
    text = f"---\nms.translationtype: {kind}\nms.contentlocale: fr-FR\nms.lasthandoff: 02/04/2021\n---\n{body}"
    result = parse_page(relpath, text)
    assert not result.diagnostics
    return result.page


def reviewed(pair_id: str, source: str, target: str, **kw: object) -> Entry:
    return Entry(pair_id, source, target, **kw)  # type: ignore[arg-type]


def mt(pair_id: str, source: str, target: str) -> Entry:
    return Entry(pair_id, source, target, fuzzy=True)


def by_source(catalog: Catalog) -> dict[str, Entry]:
    return {e.source: e for e in catalog.entries if not e.obsolete}


# ---------------------------------------------------------------- rules, one by one


def test_reviewed_and_unchanged_keeps_its_msgstr_with_the_new_id_and_line() -> None:
    old = Catalog([reviewed("a-101", "Hello.", "Salut (relu).", comments=("checked by Anne",))])
    new = carry_forward(old, page(("b-101", "Intro.", "Intro."), ("b-102", "Hello.", "Bonjour.")))
    entry = by_source(new)["Hello."]
    assert (entry.id, entry.target, entry.fuzzy, entry.previous_source) == ("b-102", "Salut (relu).", False, None)
    assert entry.references == ("p.md:8",) and entry.comments == ("checked by Anne",)


def test_machine_translation_with_unchanged_source_takes_the_new_target() -> None:
    old = Catalog([mt("a-101", "Hello.", "Bonjour.")])
    entry = carry_forward(old, page(("b-101", "Hello.", "Salut."))).entries[0]
    assert (entry.target, entry.fuzzy, entry.flags) == ("Salut.", True, ())


def test_reviewed_and_edited_source_keeps_the_review_as_a_fuzzy_start_with_previous_msgid() -> None:
    old = Catalog([reviewed("a-101", "Install Visual Studio 2017.", "Installez Visual Studio 2017 (relu).")])
    entry = carry_forward(old, page(("b-101", "Install Visual Studio 2019.", "Installer VS 2019."))).entries[0]
    assert entry.target == "Installez Visual Studio 2017 (relu)." and entry.fuzzy
    assert entry.previous_source == "Install Visual Studio 2017." and HUMAN_FLAG in entry.flags


def test_machine_translation_with_edited_source_takes_the_new_target_without_previous() -> None:
    old = Catalog([mt("a-101", "Install Visual Studio 2017.", "Installer VS 2017.")])
    entry = carry_forward(old, page(("b-101", "Install Visual Studio 2019.", "Installer VS 2019."))).entries[0]
    assert (entry.target, entry.fuzzy, entry.previous_source, entry.flags) == ("Installer VS 2019.", True, None, ())


def test_new_segment_is_machine_translation_without_a_memory() -> None:
    entry = carry_forward(Catalog(), page(("b-101", "Brand new.", "Tout neuf."))).entries[0]
    assert (entry.target, entry.fuzzy, entry.flags) == ("Tout neuf.", True, ())


def test_new_segment_gets_a_review_of_the_same_source_from_elsewhere_with_the_handoffs_beside_it() -> None:
    memory = Memory([Offer("Select **OK**.", "Cliquez sur **OK**.", "guide/a.po")])
    entry = carry_forward(Catalog(), page(("b-101", "Select **OK**.", "Sélectionnez **OK**.")),
                          memory=memory).entries[0]
    assert (entry.target, entry.fuzzy, entry.previous_source) == ("Cliquez sur **OK**.", True, None)
    assert HUMAN_FLAG in entry.flags and "tm: reviewed translation of this source in guide/a.po" in entry.notes
    assert 'tm: handoff\'s translation: "Sélectionnez **OK**."' in entry.notes


def test_new_segment_keeps_the_handoffs_translation_and_is_offered_a_similar_source() -> None:
    memory = Memory([Offer("Close the window.", "Fermez la fenêtre (relu).", "index.po")])
    entry = carry_forward(Catalog(), page(("b-101", "Close all the windows.", "Fermez toutes les fenêtres.")),
                          memory=memory).entries[0]
    assert (entry.target, entry.fuzzy, entry.previous_source, entry.flags) == (
        "Fermez toutes les fenêtres.", True, None, ())
    assert entry.notes[2:] == (
        'tm: offer 0.87 (reviewed, index.po): "Close the window." → "Fermez la fenêtre (relu)."',)
    assert parse_offer(entry.notes[2]) == Candidate(0.87, "reviewed", "index.po", "", "Close the window.",
                                                    "Fermez la fenêtre (relu).")


@pytest.mark.parametrize(("offered", "source", "differs"), [
    ("PowerShell 6.0", "PowerShell 6.2", "numbers"),
    ("40 PRs merged (12 from Community)", "100 PRs merged (14 from Community)", "numbers"),
    ("Run `dotnet build` now.", "Run `dotnet test` now.", "code spans"),
    ("See [the guide](a.md) first.", "See [the guide](b.md) first.", "links"),
    ("Hello {name}, welcome to the site", "Hello {user}, welcome to the site", "placeholders"),
])
def test_an_offer_says_what_of_its_markup_differs_from_the_new_source(offered: str, source: str, differs: str
                                                                      ) -> None:
    memory = Memory([Offer(offered, f"FR {offered}", "x.po")])
    entry = carry_forward(Catalog(), page(("b-1", source, f"MT {source}")), memory=memory, threshold=0.6).entries[0]
    assert entry.target == f"MT {source}"
    assert parse_offer(entry.notes[-1]).differs == differs  # type: ignore[union-attr]
    assert f"; {differs} differ)" in entry.notes[-1]


def test_on_an_ht_page_the_handoffs_translation_stays_and_reviews_are_offers() -> None:
    memory = Memory([Offer("Install .NET on Windows", "Installer .NET sous Windows (relu)", "a.po"),
                     Offer("Install .NET Core on Windows", "Installieren von .NET Core unter Windows", "b.po")])
    new = carry_forward(Catalog(), page(("b-1", "Install .NET on Windows", "Installieren von .NET unter Windows"),
                                        ("b-2", "Install .NET 5 on Windows", "Installieren von .NET 5 unter Windows"),
                                        kind="HT"), memory=memory)
    same, similar = new.entries
    assert (same.target, same.fuzzy, similar.target, similar.fuzzy) == (
        "Installieren von .NET unter Windows", False, "Installieren von .NET 5 unter Windows", False)
    assert parse_offer(same.notes[-1]) == Candidate(1.0, "reviewed", "a.po", "", "Install .NET on Windows",
                                                    "Installer .NET sous Windows (relu)")
    assert parse_offer(similar.notes[-1]).differs == "numbers"  # type: ignore[union-attr]


def test_an_ht_pages_own_translation_is_not_carried_to_an_edited_source_unless_a_person_changed_it() -> None:
    from tm.extract import page_to_catalog

    old = page_to_catalog(page(("a-1", "Install .NET Core on Windows", "Installieren von .NET Core unter Windows"),
                               ("a-2", "Install PowerShell 6.0 now", "PowerShell 6.0 jetzt installieren"),
                               kind="HT"))
    old.entries[1].target = "Installieren Sie PowerShell 6.0 jetzt"  # a person's edit
    new = carry_forward(old, page(("b-1", "Install .NET on Windows", "Installieren von .NET unter Windows"),
                                  ("b-2", "Install PowerShell 6.2 now", "PowerShell 6.2 jetzt installieren"),
                                  kind="HT"))
    vendor, person = new.entries
    assert (vendor.target, vendor.fuzzy, vendor.previous_source) == ("Installieren von .NET unter Windows", False, None)
    assert (person.target, person.fuzzy, person.previous_source) == (
        "Installieren Sie PowerShell 6.0 jetzt", True, "Install PowerShell 6.0 now")


def test_update_counts_offers() -> None:
    memory = Memory([Offer("Close the window.", "Fermez la fenêtre (relu).", "index.po")])
    result = update_page(None, page(("b-1", "Close all the windows.", "Fermez toutes les fenêtres."),
                                    ("b-2", "Brand new.", "Tout neuf.")), memory=memory)
    assert (result.counts["offers"], result.counts["handoff"], result.counts["offered"]) == (1, 1, 0)


def test_memory_prefers_the_asking_catalog() -> None:
    memory = Memory([Offer("OK", "first", "a.po"), Offer("OK", "mine", "b.po")])
    assert memory.lookup("OK", where="b.po")[0].target == "mine"  # type: ignore[index]
    assert memory.lookup("OK", where="c.po")[0].target == "first"  # type: ignore[index]


def test_memory_of_catalog_reviews_is_the_memory_of_their_offers() -> None:
    """`tm update` builds the memory from each catalog's reviews (two lists), in tree order."""
    found = [Reviews("a.po", ["OK", "Install VS 2017.", "OK"], ["first", "Installez VS 2017.", "again"]),
             Reviews("b.po", ["OK", "Open a terminal."], ["mine", "Ouvrez un terminal."])]
    by_offers = Memory([offer for reviews in found for offer in reviews.offers()])
    by_reviews = Memory.of_reviews(found)
    assert len(by_reviews) == len(by_offers) == 3
    for source, where in [("OK", "a.po"), ("OK", "b.po"), ("OK", "c.po"), ("Install VS 2019.", ""),
                          ("Open the terminal.", "a.po"), ("Nothing like it", "")]:
        assert by_reviews.lookup(source, where=where) == by_offers.lookup(source, where=where)
    assert by_reviews.lookup("OK", where="a.po") == (Offer("OK", "first", "a.po"), 1.0)
    offer, score = by_reviews.lookup("Install VS 2019.")  # type: ignore[misc]
    assert isinstance(offer, Offer) and offer.where == "a.po" and 0.8 <= score < 1


def test_vanished_entries_become_obsolete_and_drop_obsolete_removes_them() -> None:
    old = Catalog([reviewed("a-101", "Gone.", "Parti (relu)."), mt("a-102", "Stays.", "Reste.")])
    new = page(("b-101", "Stays.", "Reste."))
    kept = carry_forward(old, new)
    assert [(e.source, e.target, e.obsolete) for e in kept.entries] == [("Stays.", "Reste.", False),
                                                                          ("Gone.", "Parti (relu).", True)]
    dropped = update_page(old, new, drop_obsolete=True)
    assert [e.source for e in dropped.catalog.entries] == ["Stays."] and dropped.counts["dropped"] == 1


def test_old_obsolete_entries_are_kept_once() -> None:
    old = Catalog([mt("a-101", "Stays.", "Reste."), Entry("z-1", "Older.", "Plus vieux.", obsolete=True)])
    new = carry_forward(old, page(("b-101", "Stays.", "Reste.")))
    assert [e.source for e in new.entries if e.obsolete] == ["Older."]


def test_translator_comments_follow_their_entry_when_segments_move() -> None:
    old = Catalog([mt("a-101", "First.", "Premier."), mt("a-102", "Second one here.", "Deuxième.")])
    old.entries[1].comments = ("keep the brand name",)
    new = carry_forward(old, page(("b-101", "Inserted.", "Inséré."), ("b-102", "Second one here!", "Deuxième !"),
                                  ("b-103", "First.", "Premier.")))
    assert by_source(new)["Second one here!"].comments == ("keep the brand name",)
    assert by_source(new)["First."].comments == () and by_source(new)["Inserted."].comments == ()


def test_a_review_survives_over_machine_translation_when_a_duplicate_goes() -> None:
    old = Catalog([mt("a-101", "Select **OK**.", "MT"), reviewed("a-102", "Select **OK**.", "Relu")])
    new = carry_forward(old, page(("b-101", "Select **OK**.", "MT")))
    assert [(e.target, e.fuzzy, e.obsolete) for e in new.entries] == [("Relu", False, False), ("MT", True, True)]


def test_a_review_keeps_the_exact_link_when_its_machine_twin_was_edited() -> None:
    # Found on the corpus: the same sentence twice, the reviewed one second; the new page edits one of them.
    old = Catalog([mt("a-101", "WCF in .NET Core (client library only)", "MT"),
                   reviewed("a-102", "WCF in .NET Core (client library only)", "Relu")])
    new = carry_forward(old, page(("b-101", "WCF in .NET Core (client library only)", "MT"),
                                  ("b-102", "WCF in .NET 5 (client library only)", "MT 5")))
    assert [(e.target, e.fuzzy, e.previous_source) for e in new.entries] == [("Relu", False, None), ("MT 5", True, None)]


def test_human_page_translations_count_as_reviewed() -> None:
    new = carry_forward(Catalog(), page(("b-101", "Hello.", "Bonjour."), kind="HT"))
    assert not new.entries[0].fuzzy and new.entries[0].reviewed


def test_old_catalog_is_left_untouched_and_header_keeps_the_translators_fields() -> None:
    old = Catalog([reviewed("a-101", "Hello.", "Salut.")],
                  header={"Last-Translator": "Anne <a@example.org>", "PO-Revision-Date": "2021-01-10 10:00+0100",
                          "X-Ms-Lasthandoff": "12/18/2020", "X-Ms-Date": "old"}, locale="fr-FR")
    before = copy.deepcopy(old)
    new = carry_forward(old, page(("b-101", "Hello.", "Bonjour.")))
    assert old == before
    assert new.header["Last-Translator"] == "Anne <a@example.org>"
    assert new.header["PO-Revision-Date"] == "2021-01-10 10:00+0100"
    assert new.header["X-Ms-Lasthandoff"] == "02/04/2021" and "X-Ms-Date" not in new.header


# ---------------------------------------------------------------- provenance and idempotence


def test_provenance_survives_several_handoffs_until_someone_reviews() -> None:
    v1 = Catalog([reviewed("a-1", "Install Visual Studio 2017 today.", "Installez VS 2017 (relu).")])
    v2 = carry_forward(v1, page(("b-1", "Install Visual Studio 2019 today.", "MT 2019")))
    v3 = carry_forward(v2, page(("c-1", "Install Visual Studio 2019 today.", "MT 2019 bis")))
    v4 = carry_forward(v3, page(("d-1", "Install Visual Studio 2022 today.", "MT 2022")))
    for version in (v2, v3, v4):
        entry = version.entries[0]
        assert entry.target == "Installez VS 2017 (relu)." and entry.fuzzy and is_human(entry)
        assert entry.previous_source == "Install Visual Studio 2017 today."  # what the person translated
    v4.entries[0].fuzzy = False  # the reviewer accepts it
    v5 = carry_forward(v4, page(("e-1", "Install Visual Studio 2022 today.", "MT")))
    assert v5.entries[0].reviewed and v5.entries[0].previous_source is None


SCENARIOS = [
    (Catalog([reviewed("a-1", "Keep.", "Gardé."), mt("a-2", "Edit me please.", "MT"), mt("a-3", "Gone.", "x"),
              reviewed("a-4", "Edit me too, reviewed.", "Relu")]),
     page(("b-1", "New one.", "Neuf."), ("b-2", "Keep.", "Gardé MT."), ("b-3", "Edit me please!", "MT!"),
          ("b-4", "Edit me too, reviewed!", "MT"), ("b-5", "Keep.", "Gardé MT."))),
    (Catalog([mt("a-1", "Select **OK**.", "MT"), reviewed("a-2", "Select **OK**.", "R1"),
              reviewed("a-3", "Select **OK**.", "R2")]),
     page(("b-1", "Select **OK**.", "MT"), ("b-2", "Select **OK**!", "MT"))),
    (Catalog([mt("a-1", "Keep.", "MT")]),  # a new segment offered a similar source's review, on MT and HT pages
     page(("b-1", "Keep.", "MT"), ("b-2", "Close all the windows.", "Fermez tout."))),
    (Catalog([reviewed("a-1", "Keep.", "Gardé.")]),
     page(("b-1", "Keep.", "Gardé."), ("b-2", "Close all the windows.", "Fermez tout."), ("b-3", "New one.", "N."),
          kind="HT")),
]


@pytest.mark.parametrize(("old", "new_page"), SCENARIOS)
def test_updating_twice_changes_nothing(old: Catalog, new_page: Page) -> None:
    memory = Memory([Offer("New one.", "Un nouveau (relu).", "x.po"), Offer("Keep.", "Gardé.", "y.po"),
                     Offer("Close the window.", "Fermez la fenêtre (relu).", "z.po")])
    once = carry_forward(old, new_page, memory=memory)
    offered = any(parse_offer(n) for e in once.entries for n in e.notes)
    assert offered == any(p.source == "Close all the windows." for p in new_page.pairs)
    twice = carry_forward(once, new_page, memory=memory)
    assert twice == once
    assert po.write(twice) == po.write(once)
    assert po.read(po.write(once), path="x.po").entries == once.entries  # what is written reads back the same


# ---------------------------------------------------------------- the command


def extract(cli, tmp_path: Path) -> Path:
    assert cli("extract", OLD, "--out", tmp_path / "locales").code == 0
    return tmp_path / "locales" / "fr-FR"


def edit(path: Path, changes: dict[str, str], comments: dict[str, tuple[str, ...]] | None = None) -> None:
    """Review entries of a catalog file: msgstr set, fuzzy off (and translator comments added)."""
    catalog = po.read(path.read_bytes(), path=str(path))
    for entry in catalog.entries:
        if entry.source in changes:
            entry.target, entry.fuzzy = changes[entry.source], False
        if comments and entry.source in comments:
            entry.comments = comments[entry.source]
    path.write_bytes(po.write(catalog))


def read(path: Path) -> Catalog:
    return po.read(path.read_bytes(), path=str(path))


@pytest.fixture
def reviewed_tree(cli, tmp_path: Path) -> Path:
    tree = extract(cli, tmp_path)
    edit(tree / "index.po", {"Install Visual Studio 2017 or later.": "Installez VS 2017 (relu).",
                             "Select **OK**.": "Cliquez sur **OK** (relu).",
                             "Close the window.": "Fermez la fenêtre (relu).",
                             "Welcome to .NET": "Bienvenue dans .NET (relu)",
                             "This paragraph is removed in the next handoff.": "Paragraphe retiré (relu)."},
         comments={"Welcome to .NET": ("title: keep .NET as is",)})
    edit(tree / "guide" / "configure-sdk.po", {"Restart the terminal after the installation.": "Redémarrez (relu).",
                                               "Configure the .NET SDK": "Configurer le SDK .NET (relu)"})
    edit(tree / "guide" / "retired.po", {"This page is retired.": "Page retirée (relu)."})
    return tree


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_update_of_the_sample_pair(cli, reviewed_tree: Path, jobs: str) -> None:
    result = cli("update", reviewed_tree, NEW, "--json", "--jobs", jobs)
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    assert summary["pages_added"] == ["whats-new.md"] and summary["pages_removed"] == ["guide/retired.md"]
    assert summary["pages_renamed"] == {"guide/configure-sdk.md": "sdk/configure.md"}
    assert summary["errors"] == []
    assert summary["entries"]["offers"] == 1  # "Close all the windows.", offered "Close the window."

    index = read(reviewed_tree / "index.po")
    entries = by_source(index)
    welcome = entries["Welcome to .NET"]
    assert (welcome.target, welcome.fuzzy, welcome.id) == ("Bienvenue dans .NET (relu)", False, "9bd04-101")
    assert welcome.comments == ("title: keep .NET as is",)
    vs = entries["Install Visual Studio 2019 or later."]
    assert (vs.target, vs.fuzzy, vs.previous_source) == ("Installez VS 2017 (relu).", True,
                                                         "Install Visual Studio 2017 or later.")
    oks = [e for e in index.entries if e.source == "Select **OK**."]
    assert [(e.target, e.fuzzy) for e in oks] == [("Cliquez sur **OK** (relu).", False)] * 2 + [
        ("Cliquez sur **OK** (relu).", True)]  # the added third one is offered from this very catalog
    assert [(e.source, e.target) for e in index.entries if e.obsolete] == [
        ("This paragraph is removed in the next handoff.", "Paragraphe retiré (relu).")]

    assert not (reviewed_tree / "guide" / "configure-sdk.po").exists()
    renamed = by_source(read(reviewed_tree / "sdk" / "configure.po"))
    assert renamed["Configure the .NET SDK"].target == "Configurer le SDK .NET (relu)"
    assert renamed["Configure the .NET SDK"].references == ("sdk/configure.md:10",)
    restart = renamed["Restart the terminal after installing the SDK."]
    assert restart.fuzzy and restart.previous_source == "Restart the terminal after the installation."

    added = by_source(read(reviewed_tree / "whats-new.po"))
    assert added["Select **OK**."].target == "Cliquez sur **OK** (relu)."
    assert "tm: reviewed translation of this source in index.po" in added["Select **OK**."].notes
    assert added["Restart the terminal after the installation."].target == "Redémarrez (relu)."
    close = added["Close all the windows."]
    assert (close.target, close.previous_source) == ("Fermez toutes les fenêtres.", None)
    assert parse_offer(close.notes[-1]).target == "Fermez la fenêtre (relu)."  # type: ignore[union-attr]
    assert all(e.fuzzy for e in added.values())

    retired = read(reviewed_tree / "guide" / "retired.po")
    assert all(e.obsolete for e in retired.entries) and len(retired.entries) == 2

    again = json.loads(cli("update", reviewed_tree, NEW, "--json", "--jobs", jobs).out)
    assert again["files_written"] == 0 and again["files_deleted"] == 0
    assert again["pages_added"] == again["pages_removed"] == [] and again["pages_renamed"] == {}


def test_cli_update_skips_what_did_not_change_and_redoes_what_a_translator_touched(cli, reviewed_tree: Path) -> None:
    assert cli("update", reviewed_tree, NEW, "-q", "--jobs", "1").code == 0
    index = reviewed_tree / "index.po"
    assert b'"X-Tm-Update: ' in index.read_bytes()
    # A translator unfuzzies the carried review but leaves `#| msgid`: the next update sees the edit.
    catalog = read(index)
    carried = next(e for e in catalog.entries if e.source == "Install Visual Studio 2019 or later.")
    carried.fuzzy = False
    index.write_bytes(po.write(catalog))
    again = json.loads(cli("update", reviewed_tree, NEW, "--json", "--jobs", "1").out)
    assert again["files_written"] == 1 and again["entries"]["kept"] == 5  # only index.po was redone
    entry = by_source(read(index))["Install Visual Studio 2019 or later."]
    assert not entry.fuzzy and entry.previous_source is None
    # A header edit alone (the translator's name) is no reason to redo a page, and is kept.
    text = index.read_text("utf-8").replace('"Last-Translator: \\n"', '"Last-Translator: Anne\\n"')
    index.write_text(text, "utf-8")
    third = json.loads(cli("update", reviewed_tree, NEW, "--json", "--jobs", "1").out)
    assert third["files_written"] == 0 and read(index).header["Last-Translator"] == "Anne"


def test_cli_update_then_merge_shows_the_reviews(cli, reviewed_tree: Path, tmp_path: Path) -> None:
    assert cli("update", reviewed_tree, NEW, "-q", "--jobs", "1").code == 0
    assert cli("merge", reviewed_tree, "--pages", NEW, "--out", tmp_path / "site").code == 0
    text = (tmp_path / "site" / "index.md").read_text(encoding="utf-8")
    assert "Bienvenue dans .NET (relu)" in text and text.count("Cliquez sur **OK** (relu).") == 2
    assert "Installez VS 2017 (relu)." not in text  # fuzzy: the page keeps its own translation
    assert "Configurer le SDK .NET (relu)" in (tmp_path / "site" / "sdk" / "configure.md").read_text("utf-8")


def test_cli_drop_obsolete_and_the_locales_parent(cli, reviewed_tree: Path) -> None:
    result = cli("update", reviewed_tree.parent, NEW, "--drop-obsolete", "--json", "--jobs", "1")
    assert result.code == 0, result.err
    assert not (reviewed_tree / "guide" / "retired.po").exists()
    assert not [e for e in read(reviewed_tree / "index.po").entries if e.obsolete]
    assert json.loads(result.out)["entries"]["dropped"] == 3


def test_cli_update_reports_a_broken_catalog_and_goes_on(cli, reviewed_tree: Path) -> None:
    broken = reviewed_tree / "guide" / "getting-started.po"
    broken.write_bytes(b'msgid "x"\nmsgstr "unterminated\n')
    result = cli("update", reviewed_tree, NEW, "--jobs", "1", "-q")
    assert result.code == 2 and "getting-started.po:2: unterminated string" in result.err
    assert broken.read_bytes() == b'msgid "x"\nmsgstr "unterminated\n'
    assert read(reviewed_tree / "index.po").entries[0].id == "9bd04-101"


def test_cli_update_reports_a_page_it_cannot_read_and_goes_on(cli, reviewed_tree: Path, tmp_path: Path) -> None:
    """Workers read the pages themselves: a page that is listed but cannot be read is an error line, not a crash."""
    new = tmp_path / "new"
    shutil.copytree(NEW, new)
    page = new / "guide" / "getting-started.md"
    page.unlink()
    page.symlink_to(tmp_path / "nowhere.md")  # listed, then gone
    before = (reviewed_tree / "guide" / "getting-started.po").read_bytes()
    result = cli("update", reviewed_tree, new, "--jobs", "1", "-q")
    assert result.code == 2
    assert "guide/getting-started.md: No such file or directory; its catalog left as it was" in result.err
    assert "Traceback" not in result.err
    assert (reviewed_tree / "guide" / "getting-started.po").read_bytes() == before
    assert read(reviewed_tree / "index.po").entries[0].id == "9bd04-101"  # the other pages were updated


def test_cli_a_page_that_lost_all_its_segments_makes_its_catalog_obsolete(cli, tmp_path: Path) -> None:
    tree = extract(cli, tmp_path)
    new = tmp_path / "new"
    shutil.copytree(NEW, new)
    (new / "guide" / "getting-started.md").write_text("---\nms.contentlocale: fr-FR\n---\n# Rien\n", "utf-8")
    # Its 4 entries (an HT page: reviewed) are most of this small tree's reviews: refused unless --force.
    assert cli("update", tree, new, "--jobs", "1", "-q").code == 2
    assert cli("update", tree, new, "--jobs", "1", "-q", "--force").code == 0
    entries = read(tree / "guide" / "getting-started.po").entries
    assert len(entries) == 4 and all(e.obsolete for e in entries)


def test_cli_update_usage_errors(cli, tmp_path: Path) -> None:
    assert cli("update", tmp_path / "missing", NEW).code == 2
    assert cli("update", tmp_path).code == 2


# ---------------------------------------------------------------- corpus


def _run_tm(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tm", *map(str, args)], capture_output=True, text=True,
                          check=False)


def _review_every_third(tree: Path) -> dict[str, list[Entry]]:
    """Change the msgstr of every 3rd entry (in tree order) and unset fuzzy; return them per page catalog."""
    n = 0
    done: dict[str, list[Entry]] = {}
    for path in sorted(tree.rglob("*.po")):
        catalog = read(path)
        for entry in catalog.entries:
            n += 1
            if n % 3 == 0:
                entry.target, entry.fuzzy = f"RELU{n} {entry.target}", False
                done.setdefault(path.relative_to(tree).as_posix(), []).append(copy.copy(entry))
        path.write_bytes(po.write(catalog))
    return done


@pytest.mark.corpus
def test_corpus_simulated_review_survives_the_update(corpus_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "locales"
    done = _run_tm("extract", "--repo", corpus_repo, "--rev", "sxs~1", "docs", "--out", out, "-q")
    assert done.returncode == 0, done.stderr[-2000:]
    tree = out / "fr-FR"
    reviews = _review_every_third(tree)
    done = _run_tm("update", tree, "--repo", corpus_repo, "--rev", "sxs", "docs", "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    renamed = {catalog_relpath(o): catalog_relpath(n) for o, n in summary["pages_renamed"].items()}
    removed = {catalog_relpath(p) for p in summary["pages_removed"]}

    kept = carried = obsolete = 0
    for rel, entries in reviews.items():
        catalog = read(tree / renamed.get(rel, rel))
        active = [e for e in catalog.entries if not e.obsolete]
        sources_new = Counter(e.source for e in active)
        by_source_target = Counter((e.source, e.target) for e in active if not e.fuzzy)
        gone = Counter((e.source, e.target) for e in catalog.entries if e.obsolete)
        fuzzy_human = Counter((e.previous_source, e.target) for e in active if e.fuzzy and is_human(e))
        reviewed_sources = Counter(e.source for e in entries)
        for entry in entries:
            key = (entry.source, entry.target)
            if rel in removed:
                assert gone[key] > 0
                obsolete += 1
            elif by_source_target[key] > 0 and sources_new[entry.source] > 0:
                by_source_target[key] -= 1  # unchanged source: kept, not fuzzy
                kept += 1
            elif fuzzy_human[key] > 0:
                fuzzy_human[key] -= 1  # edited source: fuzzy, `#| msgid` = the reviewed source
                carried += 1
            else:
                assert gone[key] > 0, (rel, entry)
                gone[key] -= 1
                obsolete += 1
        for source, n in reviewed_sources.items():  # no review is dropped while its source is still there
            assert sum(1 for e in active if e.source == source and not e.fuzzy) >= min(n, sources_new[source])
    assert kept > 130_000 and carried > 100 and obsolete > 100
    assert summary["entries"]["kept"] == kept

    # Merging into the 2021-02 pages shows the reviewed text (checked on the pages of 300 catalogs).
    sample = sorted(rel for rel in reviews if rel not in removed)[::40]
    pages_dir, cats_dir = tmp_path / "pages", tmp_path / "cats"
    wanted = {renamed.get(rel, rel) for rel in sample}
    for relpath, data in GitSource(corpus_repo, "sxs", ("docs",)).files():
        if catalog_relpath(relpath) in wanted:
            (pages_dir / relpath).parent.mkdir(parents=True, exist_ok=True)
            (pages_dir / relpath).write_bytes(data)
            (cats_dir / catalog_relpath(relpath)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(tree / catalog_relpath(relpath), cats_dir / catalog_relpath(relpath))
    done = _run_tm("merge", cats_dir, "--pages", pages_dir, "--out", tmp_path / "site", "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["stale"] == 0
    checked = 0
    for rel in wanted:
        page_rel = rel[:-3] + ".md" if not rel.endswith((".yml.po", ".yaml.po")) else rel[:-3]
        text = (tmp_path / "site" / page_rel).read_text(encoding="utf-8")
        for entry in read(cats_dir / rel).entries:
            if entry.reviewed and entry.target.startswith("RELU"):
                assert entry.target.split(" ", 1)[0] in text, (rel, entry.target)
                checked += 1
    assert checked > 1000

"""Review packages: `tm review pack` sends out what needs review, `tm review apply` brings the reviews home,
edited by polib, by translate-toolkit (po2xliff, then its XLIFF API), and across a `tm update` in between."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from handoff_pairs import write_pair

from tm.catalogs import catalogs_by_page, read_catalog
from tm.formats import get_format, po
from tm.model import NOTE_PREFIX, Catalog, Entry
from tm.review_package import MARK, Outcome, apply_reviews, entry_digest, pack_catalog, returned_entries


def packed_tree(cli, tmp_path: Path, pages: int = 24) -> tuple[Path, Path, Path]:
    """A generated handoff pair, the old one extracted to a tree, and its review package."""
    old, new = write_pair(tmp_path / "handoffs", pages=pages, pairs=10, seed=5)
    assert cli("extract", old, "--out", tmp_path / "locales", "-q").code == 0
    tree, package = tmp_path / "locales" / "fr-FR", tmp_path / "package"
    assert cli("review", "pack", tree, "--out", package).code == 0
    return tree, package, new


def review_with_polib(package: Path, every: int = 1) -> dict[tuple[str, str], str]:
    """Review every `every`-th entry of each package file as a translator's script would; `{(page, id): target}`."""
    done = {}
    for path in sorted(package.rglob("*.po")):
        catalog = polib.pofile(str(path))
        for k, entry in enumerate(catalog):
            if k % every == 0:
                entry.msgstr = f"Relu : {entry.msgid}"
                entry.flags.remove("fuzzy")
                done[(catalog.metadata["X-Page"], entry.msgctxt)] = entry.msgstr
        catalog.save()
    return done


def tree_entries(tree: Path) -> dict[tuple[str, str], Entry]:
    return {(page, e.id): e for page, path in catalogs_by_page([str(tree)]).items()
            for e in read_catalog(path).entries if not e.obsolete}


def test_pack_holds_only_unreviewed_entries_marked_with_page_id_and_digest(cli, tmp_path: Path) -> None:
    tree, package, _ = packed_tree(cli, tmp_path)
    before = tree_entries(tree)
    packed = {}
    for path in sorted(package.rglob("*.po")):
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True, capture_output=True)
        catalog = po.read(path.read_bytes(), path=str(path))
        assert path.read_bytes() == po.write(catalog)  # tm's canonical form
        for entry in catalog.entries:
            assert entry.fuzzy
            mark = next(n for n in entry.notes if n.startswith(MARK))
            tree_entry = before[(catalog.header["X-Page"], entry.id)]
            assert mark == f"{MARK}digest={entry_digest(tree_entry)} id={entry.id} page={catalog.header['X-Page']}"
            packed[(catalog.header["X-Page"], entry.id)] = entry
    assert set(packed) == {key for key, e in before.items() if not e.reviewed}
    assert any(e.reviewed for e in before.values())  # the HT pages: left out


def test_a_package_edited_by_polib_comes_back(cli, tmp_path: Path) -> None:
    tree, package, _ = packed_tree(cli, tmp_path)
    done = review_with_polib(package, every=3)
    result = cli("review", "apply", package, "--to", tree, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["applied"] == report["reviewed"] == len(done) > 0
    assert report["conflicts"] == report["unmatched"] == []
    after = tree_entries(tree)
    assert {key: e.target for key, e in after.items() if key in done} == done
    assert all(after[key].reviewed and not any(n.startswith(MARK) for n in after[key].notes) for key in done)
    for path in tree.rglob("*.po"):
        assert path.read_bytes() == po.write(po.read(path.read_bytes(), path=str(path)))
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True, capture_output=True)
    again = json.loads(cli("review", "apply", package, "--to", tree, "--json").out)
    assert (again["applied"], again["unchanged"]) == (0, len(done))


def test_a_package_edited_with_translate_toolkit_as_xliff_comes_back(cli, tmp_path: Path) -> None:
    from translate.storage import factory

    tree, package, _ = packed_tree(cli, tmp_path)
    xliff = tmp_path / "xliff"
    subprocess.run(["po2xliff", "--progress=none", str(package), str(xliff)], check=True, capture_output=True)
    done = {}
    for path in sorted(xliff.rglob("*.xliff")):
        store = factory.getobject(str(path))
        units = [u for u in store.units if not u.isheader()]
        for unit in units[::2]:  # po2xliff drops msgctxt: the unit is found again by its mark
            unit.target = f"Relu : {unit.source}"
            unit.markfuzzy(False)
            done[unit.source] = unit.target
        store.save()
    result = cli("review", "apply", xliff, "--to", tree, "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["applied"] == len(done) > 0
    reviewed = [e for e in tree_entries(tree).values() if e.target.startswith("Relu : ")]
    assert {e.source: e.target for e in reviewed} == done and all(e.reviewed for e in reviewed)


@pytest.mark.parametrize("fmt", ["xliff", "xliff2"])
def test_xliff_packages_of_tm_come_back(cli, tmp_path: Path, fmt: str) -> None:
    old, _ = write_pair(tmp_path / "handoffs", pages=6, pairs=6, seed=2)
    assert cli("extract", old, "--out", tmp_path / "locales", "-q").code == 0
    tree = tmp_path / "locales" / "fr-FR"
    assert cli("review", "pack", tree, "--out", tmp_path / "package", "--format", fmt).code == 0
    files = sorted((tmp_path / "package").rglob("*.xlf" if fmt == "xliff" else "*.xliff"))
    catalog = read_catalog(files[0])
    catalog.entries[0].target, catalog.entries[0].fuzzy = "Relu.", False
    files[0].write_bytes(get_format(fmt).write(catalog))
    result = cli("review", "apply", files[0], "--to", tree)
    assert result.code == 0, result.err
    assert tree_entries(tree)[(catalog.page, catalog.entries[0].id)].target == "Relu."


def test_after_an_update_to_a_newer_handoff_changed_entries_are_conflicts_and_the_others_apply(
        cli, tmp_path: Path) -> None:
    tree, package, new = packed_tree(cli, tmp_path, pages=40)
    done = review_with_polib(package)
    packed = {(c.header["X-Page"], e.id): e.source for path in package.rglob("*.po")
              for c in [po.read(path.read_bytes(), path=str(path))] for e in c.entries}
    assert cli("update", tree, new, "-q").code == 0
    updated = catalogs_by_page([str(tree)])
    now = {page: read_catalog(path) for page, path in updated.items()}

    result = cli("review", "apply", package, "--to", tree, "--json")
    assert result.code == 2
    report = json.loads(result.out)
    conflicts = {c["where"] for c in report["conflicts"]}
    assert report["applied"] + len(conflicts) + len(report["unmatched"]) == len(done) == len(packed)
    after = tree_entries(tree)
    applied = {(page, e.source) for (page, _), e in after.items() if e.target.startswith("Relu : ")}
    expected_applied, source_changed = set(), 0
    for (page, pair_id), source in packed.items():
        active = now[page].active if page in now else []
        same = [e for e in active if e.source == source]
        if same and not same[0].reviewed and not any(n.startswith(NOTE_PREFIX) for n in same[0].notes):
            expected_applied.add((page, source))
        elif active and not same:
            source_changed += 1
    assert applied == expected_applied and len(applied) > 100
    changed_reasons = [c for c in report["conflicts"] if "source changed" in c["reason"]]
    assert 0 < len(changed_reasons) <= source_changed
    assert any("reviewed in the tree" in c["reason"] for c in report["conflicts"])  # pages that became HT


def test_an_entry_reviewed_in_the_tree_meanwhile_is_a_conflict_and_left_alone() -> None:
    tree = Catalog([Entry("a-1", "Close the window.", "Fermez.", fuzzy=True),
                    Entry("a-2", "Open the file.", "Ouvrez.", fuzzy=True)], {"X-Page": "p.md"}, "fr-FR", "p.md")
    package = pack_catalog(tree, "p.md")
    assert package is not None
    for entry in package.entries:
        entry.target, entry.fuzzy = "Relu " + entry.source, False
    returned, marked, unmarked = returned_entries(package, "pkg/p.po")
    assert (len(returned), marked, unmarked) == (2, 2, [])
    tree.entries[0] = Entry("a-1", "Close the window.", "Fermez la fenêtre.")  # someone reviewed it meanwhile
    outcome = Outcome([], [], [])
    updated = apply_reviews(tree, returned, outcome)
    assert updated is not None
    assert [(e.target, e.fuzzy) for e in updated.entries] == [("Fermez la fenêtre.", False),
                                                               ("Relu Open the file.", False)]
    assert [r for _, r in outcome.conflicts] == [
        "conflict: a-1: reviewed in the tree since it was packed (left as it is)"]


def test_an_entry_with_a_new_machine_translation_is_not_a_conflict() -> None:
    tree = Catalog([Entry("a-1", "Close the window.", "Fermez.", fuzzy=True)], {}, "fr-FR", "p.md")
    package = pack_catalog(tree, "p.md")
    assert package is not None
    package.entries[0].target, package.entries[0].fuzzy = "Fermez la fenêtre.", False
    returned = returned_entries(package, "pkg/p.po")[0]
    newer = Catalog([Entry("b-7", "Close the window.", "Fermer la fenêtre.", fuzzy=True)], {}, "fr-FR", "p.md")
    outcome = Outcome([], [], [])
    updated = apply_reviews(newer, returned, outcome)
    assert updated is not None and updated.entries[0].target == "Fermez la fenêtre." and outcome.applied


def test_apply_of_files_that_are_no_package_is_an_error_and_unmarked_reviews_are_unmatched(
        cli, tmp_path: Path) -> None:
    tree, package, _ = packed_tree(cli, tmp_path, pages=6)
    plain = tmp_path / "plain"
    shutil.copytree(tree, plain)
    result = cli("review", "apply", plain, "--to", tree)
    assert result.code == 2 and result.err.startswith("error: ") and "no entries of a tm review package" in result.err
    path = min(package.rglob("*.po"))
    catalog = polib.pofile(str(path))
    catalog[0].msgstr, catalog[0].tcomment = "Relu.", ""
    catalog[0].flags.remove("fuzzy")
    catalog[0].comment = "\n".join(line for line in catalog[0].comment.splitlines() if not line.startswith(MARK))
    catalog[1].msgstr = "Relu aussi."
    catalog[1].flags.remove("fuzzy")
    catalog.save()
    result = cli("review", "apply", package, "--to", tree, "--json")
    assert result.code == 2
    report = json.loads(result.out)
    assert report["applied"] == 1 and [u["reason"] for u in report["unmatched"]] == ["no tm review mark"]


def test_pack_since_a_handoff_sends_only_what_changed_with_the_previous_translation(cli, tmp_path: Path) -> None:
    tree, package, new = packed_tree(cli, tmp_path, pages=30)
    review_with_polib(package, every=3)  # a person's reviews, some of whose sources the new handoff changes
    assert cli("review", "apply", package, "--to", tree, "-q").code == 0
    old = tmp_path / "handoffs" / "old"
    assert cli("update", tree, new, "-q").code == 0
    every, since = tmp_path / "every", tmp_path / "since"
    assert cli("review", "pack", tree, "--out", every).code == 0
    assert cli("review", "pack", tree, "--out", since, "--since", old).code == 0
    count = {name: sum(len(po.read(p.read_bytes(), path=str(p)).entries) for p in d.rglob("*.po"))
             for name, d in (("every", every), ("since", since))}
    assert 0 < count["since"] < count["every"]
    assert not any(b"X-Tm-Update" in p.read_bytes() for p in every.rglob("*.po"))
    assert any(b"X-Tm-Update" in p.read_bytes() for p in tree.rglob("*.po"))
    notes = [n for p in since.rglob("*.po") for e in po.read(p.read_bytes(), path=str(p)).entries for n in e.notes]
    assert any(n.startswith("previous translation: ") for n in notes)
    previous = [e for p in every.rglob("*.po") for e in po.read(p.read_bytes(), path=str(p)).entries
                if e.previous_source is not None]
    assert previous  # reviews whose source changed: `#| msgid` shows what was reviewed


@pytest.mark.corpus
def test_corpus_package_across_the_next_handoff_matches_what_diff_finds(cli, corpus_repo: Path, tmp_path: Path
                                                                       ) -> None:
    """docs/whats-new of handoff 2020-12, every entry reviewed in the package, the tree updated to 2021-02
    before the package comes back: the unchanged segments apply, the source-changed ones are conflicts and
    the removed ones unmatched, as many as `tm diff` counts."""
    repo = ("--repo", corpus_repo)
    assert cli("extract", *repo, "--rev", "sxs~1", "docs/whats-new", "--out", tmp_path / "loc", "-q").code == 0
    tree, package = tmp_path / "loc" / "fr-FR", tmp_path / "package"
    assert cli("review", "pack", tree, "--out", package).code == 0
    done = review_with_polib(package)
    assert cli("update", tree, *repo, "--rev", "sxs", "docs/whats-new", "-q").code == 0
    result = cli("review", "apply", package, "--to", tree, "--json")
    assert result.code == 2
    report = json.loads(result.out)
    diff = json.loads(cli("diff", *repo, "--rev", "sxs~1", "--rev", "sxs", "docs/whats-new", "--json").out)["totals"]
    assert report["reviewed"] == len(done)
    assert report["applied"] == diff["unchanged"] > 500
    assert len(report["conflicts"]) == diff["source_changed"] > 0
    assert all("source changed" in c["reason"] for c in report["conflicts"])
    assert len(report["unmatched"]) == diff["removed"]


def test_a_broken_package_file_is_one_error_line_and_the_good_files_still_apply(cli, tmp_path: Path) -> None:
    tree, package, _ = packed_tree(cli, tmp_path, pages=6)
    done = review_with_polib(package)
    broken = min(package.rglob("*.po"))
    broken.write_bytes(broken.read_bytes().replace(b'msgstr "Relu', b'msgstr Relu', 1))
    result = cli("review", "apply", package, "--to", tree)
    assert result.code == 2
    errors = [line for line in result.err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {broken}:") and "Traceback" not in result.err
    reviewed = [e for e in tree_entries(tree).values() if e.target.startswith("Relu : ")]
    assert 0 < len(reviewed) < len(done)

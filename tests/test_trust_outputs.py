"""Trust of what tm writes beside the tree: review catalogs a person has started reviewing are never overwritten
without a word, and `tm export` and `tm memory export` agree on what a person reviewed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from test_sync import SENTENCES, History, extract, page_text, read, sync

from tm.formats import po


@pytest.fixture
def history(tmp_path: Path) -> History:
    return History(tmp_path / "repo")


def reviewed_in_editor(path: Path, source: str, target: str) -> None:
    """A person's review in a review catalog, saved as an editor saves it (polib: wrapped, header kept)."""
    import polib

    catalog = polib.pofile(str(path))
    entry = next(e for e in catalog if e.msgid == source)
    entry.msgstr = target
    entry.flags.remove("fuzzy")
    catalog.save()


def two_handoffs(history: History) -> None:
    history.commit({"a.md": page_text(SENTENCES[:3])})
    history.commit({"a.md": page_text([SENTENCES[0], ("Sentence one changed about it.", "MT un."), SENTENCES[2],
                                       ("A new sentence.", "Une phrase MT.")], "b2")})


def diff_po(cli, history: History, out: Path, *more: str):  # type: ignore[no-untyped-def]
    return cli("diff", "--repo", history.root, "--rev", "HEAD~1", "--rev", "HEAD", "docs", "--po", out, "-q", *more)


def test_diff_po_run_again_rewrites_review_catalogs_nobody_edited(cli, history, tmp_path):
    two_handoffs(history)
    assert diff_po(cli, history, tmp_path / "review").code == 0
    path = tmp_path / "review" / "fr-FR" / "a.po"
    first = path.read_bytes()
    subprocess.run(["msgcat", "-w", "40", "-o", str(path), str(path)], check=True)  # re-wrapped, nothing reviewed
    done = diff_po(cli, history, tmp_path / "review")
    assert (done.code, done.err) == (0, "")
    assert path.read_bytes() == first


def test_diff_po_does_not_overwrite_a_review_catalog_a_person_reviewed_in(cli, history, tmp_path):
    two_handoffs(history)
    assert diff_po(cli, history, tmp_path / "review").code == 0
    path = tmp_path / "review" / "fr-FR" / "a.po"
    reviewed_in_editor(path, "A new sentence.", "Une phrase relue.")
    edited = path.read_bytes()
    done = diff_po(cli, history, tmp_path / "review")
    assert done.code == 2
    assert done.err.count("error:") == 1 and str(path) in done.err and "--force" in done.err
    assert path.read_bytes() == edited
    done = diff_po(cli, history, tmp_path / "review", "--force")
    assert done.code == 0, done.err
    assert "Une phrase relue." not in path.read_text(encoding="utf-8")


def test_diff_po_does_not_overwrite_a_catalog_it_did_not_write(cli, history, tmp_path):
    two_handoffs(history)
    path = tmp_path / "review" / "fr-FR" / "a.po"
    path.parent.mkdir(parents=True)
    path.write_bytes(po.write(read_catalog_of(cli, history, tmp_path)))
    mine = path.read_bytes()
    done = diff_po(cli, history, tmp_path / "review")
    assert done.code == 2 and str(path) in done.err
    assert path.read_bytes() == mine


def read_catalog_of(cli, history: History, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The tree's catalog of a.md, as extracted: a file tm diff did not write."""
    return read(extract(cli, history, "HEAD", tmp_path / "tree") / "a.po")


def test_sync_review_does_not_overwrite_a_review_catalog_a_person_reviewed_in(cli, history, tmp_path):
    first = history.commit({"a.md": page_text(SENTENCES[:2])})
    tree = extract(cli, history, first, tmp_path / "out")
    history.commit({"a.md": page_text([*SENTENCES[:2], ("Added once.", "Ajoutée.")], "a2")})
    assert sync(cli, history, tree, "--review", tmp_path / "review").code == 0
    path = tmp_path / "review" / "fr-FR" / "a.po"
    reviewed_in_editor(path, "Added once.", "Ajoutée une fois.")
    edited, state = path.read_bytes(), (tree / ".tm" / "sync.json").read_bytes()
    history.commit({"a.md": page_text([*SENTENCES[:2], ("Added once.", "Ajoutée."), ("Twice.", "Deux.")], "a3")})
    done = sync(cli, history, tree, "--review", tmp_path / "review")
    assert done.code == 2
    assert done.err.count("error:") == 1 and str(path) in done.err
    assert path.read_bytes() == edited
    assert (tree / ".tm" / "sync.json").read_bytes() == state  # nothing synced: the run can be given another --review
    done = sync(cli, history, tree, "--review", tmp_path / "review2")
    assert done.code == 0, done.err


HT_FRONT = "---\nms.translationtype: HT\nms.contentlocale: fr-FR\nms.lasthandoff: 02/04/2021\n---\n"


def ht_tree(tmp_path: Path) -> Path:
    """A tree extracted from a page the vendor's translators wrote (HT), untouched by anyone here."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text(HT_FRONT + page_text(SENTENCES[:4]).split("---\n", 2)[2], encoding="utf-8")
    return docs


def units(path: Path) -> int:
    return path.read_text(encoding="utf-8").count("<tu ")


@pytest.mark.parametrize("origins", [None, "reviewed,ht", "ht", "reviewed,ht,mt"])
def test_export_and_memory_export_agree_on_a_vendor_ht_page(cli, tmp_path, origins):
    """What a person reviewed is what both exports call `reviewed`; the vendor's human translation, which nobody
    here looked at (update does not take it for a review either), is `ht` in both."""
    docs = ht_tree(tmp_path)
    assert cli("extract", docs, "--out", tmp_path / "loc", "-q").code == 0
    tree = tmp_path / "loc" / "fr-FR"
    more = ["--origin", origins] if origins else []
    assert cli("export", tree, "--format", "tmx", "-o", tmp_path / "a.tmx", "-q", *more).code == 0
    db = tmp_path / "m.sqlite"
    assert cli("memory", "add", tree, "--db", db, "-q").code == 0
    assert cli("memory", "export", "-o", tmp_path / "b.tmx", "--db", db, *more).code == 0
    expected = 0 if origins in (None, "reviewed") else 4
    assert (units(tmp_path / "a.tmx"), units(tmp_path / "b.tmx")) == (expected, expected)


def test_a_person_s_edit_of_a_vendor_ht_entry_is_reviewed_in_both_exports(cli, tmp_path):
    docs = ht_tree(tmp_path)
    assert cli("extract", docs, "--out", tmp_path / "loc", "-q").code == 0
    path = tmp_path / "loc" / "fr-FR" / "a.po"
    catalog = read(path)
    catalog.entries[1].target = "Phrase relue par une personne."
    path.write_bytes(po.write(catalog))
    assert cli("export", path.parent, "--format", "tmx", "-o", tmp_path / "a.tmx", "-q").code == 0
    db = tmp_path / "m.sqlite"
    assert cli("memory", "add", path.parent, "--db", db, "-q").code == 0
    assert cli("memory", "export", "-o", tmp_path / "b.tmx", "--db", db).code == 0
    for tmx in ("a.tmx", "b.tmx"):
        text = (tmp_path / tmx).read_text(encoding="utf-8")
        assert units(tmp_path / tmx) == 1 and "Phrase relue par une personne." in text


def test_stats_and_check_tell_the_vendor_s_human_translation_from_a_review(cli, tmp_path):
    """`tm stats` said 4 reviewed entries where `tm export` (reviewed, the default) exported none, and `tm check`
    labelled a finding in the vendor's human translation `reviewed`: it is its own state, and a person's edit of
    one of those entries is reviewed."""
    docs = tmp_path / "docs"
    docs.mkdir()
    pairs = [*SENTENCES[:3], (SENTENCES[3][0], "Phrase sans son chiffre.")]  # the vendor left a number out
    (docs / "a.md").write_text(HT_FRONT + page_text(pairs).split("---\n", 2)[2], encoding="utf-8")
    assert cli("extract", docs, "--out", tmp_path / "loc", "-q").code == 0
    path = tmp_path / "loc" / "fr-FR" / "a.po"
    catalog = read(path)
    catalog.entries[1].target = "Phrase relue par une personne."  # a review, which leaves the number out too
    path.write_bytes(po.write(catalog))
    done = cli("stats", path.parent, "--json")
    assert done.code == 0, done.err
    entries = json.loads(done.out)["total"]["entries"]
    assert (entries["reviewed"], entries["vendor_ht"], entries["mt"]) == (1, 3, 0)
    done = cli("check", path.parent)
    kinds = sorted(line.rsplit(", ", 1)[1] for line in done.out.splitlines() if "a.po:" in line)
    assert kinds == ["reviewed)", "vendor HT)"], done.out
    findings = json.loads(cli("check", path.parent, "--json").out)
    assert sorted(f["vendor_ht"] for f in findings) == [False, True]


def test_review_apply_brings_the_reviews_of_a_page_renamed_since_the_package_to_its_new_catalog(cli, tmp_path):
    """The page of a package was renamed by the next handoff (`tm update` moved its catalog, pairing the pages by
    content): its reviews go to the renamed page's catalog, as update carried the page's own reviews there."""
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    (old / "a.md").write_text(page_text(SENTENCES[:4]), encoding="utf-8")
    (old / "other.md").write_text(page_text(SENTENCES[4:], "o1"), encoding="utf-8")
    (new / "guide").mkdir()
    (new / "guide" / "b.md").write_text(page_text(SENTENCES[:4], "b2"), encoding="utf-8")
    (new / "other.md").write_text(page_text(SENTENCES[4:], "o2"), encoding="utf-8")
    assert cli("extract", old, "--out", tmp_path / "loc", "-q").code == 0
    tree = tmp_path / "loc" / "fr-FR"
    assert cli("review", "pack", tree, "--out", tmp_path / "pkg", "-q").code == 0
    package = tmp_path / "pkg" / "a.po"
    catalog = read(package)
    for entry, text in zip(catalog.entries[:2], ("Première relue.", "Deuxième relue.")):
        entry.target, entry.fuzzy = text, False
    package.write_bytes(po.write(catalog))
    done = cli("update", tree, new, "--json")
    assert done.code == 0 and json.loads(done.out)["pages_renamed"] == {"a.md": "guide/b.md"}
    done = cli("review", "apply", tmp_path / "pkg", "--to", tree)
    assert done.code == 0, done.err
    assert "a.md" in done.out + done.err and "guide/b.md" in done.out + done.err  # it says where they went
    targets = {e.source: (e.target, e.fuzzy) for e in read(tree / "guide" / "b.po").active}
    assert targets[SENTENCES[0][0]] == ("Première relue.", False)
    assert targets[SENTENCES[1][0]] == ("Deuxième relue.", False)
    assert read(tree / "other.po").active == read(tmp_path / "loc" / "fr-FR" / "other.po").active


@pytest.mark.parametrize("drop", [False, True])
def test_review_apply_says_how_to_apply_the_reviews_of_a_page_it_cannot_pair(cli, tmp_path, drop):
    """A page renamed and mostly rewritten is not paired: its reviews are listed (exit 2) with the way to apply them,
    and doing as the message says applies them."""
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    (old / "a.md").write_text(page_text(SENTENCES[:4]), encoding="utf-8")
    rewritten = [SENTENCES[0], *[(f"Rewritten sentence {n}.", f"Réécrite {n}.") for n in range(5)]]
    (new / "c.md").write_text(page_text(rewritten, "c2"), encoding="utf-8")
    assert cli("extract", old, "--out", tmp_path / "loc", "-q").code == 0
    tree = tmp_path / "loc" / "fr-FR"
    assert cli("review", "pack", tree, "--out", tmp_path / "pkg", "-q").code == 0
    package = tmp_path / "pkg" / "a.po"
    catalog = read(package)
    catalog.entries[0].target, catalog.entries[0].fuzzy = "Première relue.", False
    package.write_bytes(po.write(catalog))
    assert cli("update", tree, new, "--force", "-q", *(["--drop-obsolete"] if drop else [])).code == 0
    assert (tree / "a.po").exists() != drop  # kept with every entry obsolete, or dropped
    done = cli("review", "apply", tmp_path / "pkg", "--to", tree)
    assert done.code == 2 and "replace page=a.md by page=NEW in the package's tm review: comments" in done.err
    package.write_text(package.read_text(encoding="utf-8").replace("page=a.md", "page=c.md"), encoding="utf-8")
    done = cli("review", "apply", tmp_path / "pkg", "--to", tree)
    assert done.code == 0, done.err
    assert read(tree / "c.po").active[0].target == "Première relue."

"""`tm update` refuses what would destroy reviews, and is all or nothing: empty, foreign-locale and
mostly-removing handoffs, unreadable folders, a folder of locales, two pages with one catalog, two updates
at once, and updates killed at any point then run again (subprocesses on a generated handoff pair)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DATA

from tm.formats import po

OLD, NEW = DATA / "handoffs" / "old", DATA / "handoffs" / "new"


def snapshot(tree: Path) -> dict[str, bytes]:
    """Every file of a tree but the lock, by relpath."""
    return {p.relative_to(tree).as_posix(): p.read_bytes() for p in sorted(tree.rglob("*"))
            if p.is_file() and p.name != ".tm.lock"}


def review(tree: Path, every: int = 3) -> int:
    """Review every `every`-th entry of the tree (msgstr changed, fuzzy off); how many."""
    n = done = 0
    for path in sorted(tree.rglob("*.po")):
        catalog = po.read(path.read_bytes(), path=str(path))
        for entry in catalog.entries:
            n += 1
            if n % every == 0:
                entry.target, entry.fuzzy = f"RELU{n} {entry.target}", False
                done += 1
        path.write_bytes(po.write(catalog))
    return done


@pytest.fixture
def tree(cli, tmp_path: Path) -> Path:
    """The sample handoff's catalogs, every other entry reviewed."""
    assert cli("extract", OLD, "--out", tmp_path / "locales").code == 0
    found = tmp_path / "locales" / "fr-FR"
    assert review(found, every=2) > 5
    return found


def test_an_empty_handoff_is_refused_and_nothing_is_written(cli, tree: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    before = snapshot(tree)
    result = cli("update", tree, empty, "--drop-obsolete", "--jobs", "1")
    assert result.code == 2 and snapshot(tree) == before
    assert "no page with span pairs" in result.err and "would delete all its" in result.err
    assert "--force" in result.err and "Traceback" not in result.err
    forced = cli("update", tree, empty, "--drop-obsolete", "--force", "--json", "--jobs", "1")
    assert forced.code == 0 and json.loads(forced.out)["files_deleted"] == len(before)


def test_a_handoff_of_pages_without_pairs_is_refused(cli, tree: Path, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "index.md").write_text("---\nms.contentlocale: fr-FR\n---\n# Bienvenue\n", "utf-8")
    before = snapshot(tree)
    result = cli("update", tree, pages, "--json", "--jobs", "1")
    assert result.code == 2 and snapshot(tree) == before
    report = json.loads(result.out)
    assert report["refused"] and report["files_written"] == 0 and "no page with span pairs" in report["errors"][0]


def test_pages_of_another_locale_are_refused(cli, tree: Path, tmp_path: Path) -> None:
    german = tmp_path / "de"
    shutil.copytree(NEW, german)
    for page in german.rglob("*.*"):
        text = page.read_text("utf-8")
        page.write_text(text.replace("contentlocale: fr-FR", "contentlocale: de-de").replace("fr-fr", "de-DE"), "utf-8")
    before = snapshot(tree)
    result = cli("update", tree, german, "--jobs", "1")
    assert result.code == 2 and snapshot(tree) == before
    assert "5 pages are de-DE (ms.contentlocale), not fr-FR: guide/getting-started.md, guide/index.yml, index.md, " \
        "sdk/configure.md, whats-new.md; nothing written (give --force to update anyway)" in result.err


def test_an_update_making_most_reviews_obsolete_is_refused_and_says_what(cli, tree: Path, tmp_path: Path) -> None:
    partial = tmp_path / "partial"
    partial.mkdir()
    shutil.copy(NEW / "whats-new.md", partial / "whats-new.md")
    before = snapshot(tree)
    result = cli("update", tree, partial, "--jobs", "1")
    assert result.code == 2 and snapshot(tree) == before
    assert "this update would make obsolete " in result.err and "reviewed entries (5 pages left the handoff: " \
        "guide/configure-sdk.md, guide/getting-started.md, guide/index.yml, guide/retired.md, index.md)" in result.err
    assert cli("update", tree, partial, "--force", "--jobs", "1", "-q").code == 0
    assert snapshot(tree) != before


def test_the_usual_update_is_not_refused(cli, tree: Path) -> None:
    result = cli("update", tree, NEW, "--json", "--jobs", "1")
    assert result.code == 0, result.err
    assert not json.loads(result.out)["refused"] and not (tree / ".tm-update").exists()


def test_a_folder_of_the_handoff_that_cannot_be_listed_leaves_its_catalogs_alone(
        cli, tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new = tmp_path / "new"
    shutil.copytree(NEW, new)
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str] = ".") -> object:
        if isinstance(path, str) and path == str(new / "guide"):  # what `chmod 000` does for a user other than root
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    guide = {k: v for k, v in snapshot(tree).items() if k.startswith("guide/")}
    result = cli("update", tree, new, "--json", "--jobs", "1")
    assert result.code == 2
    assert f"error: {new / 'guide'}: cannot list this folder of the handoff; the catalogs of its pages left as they " \
           "were" in result.err
    after = snapshot(tree)
    assert {k: v for k, v in after.items() if k.startswith("guide/")} == guide  # not made obsolete, not renamed
    report = json.loads(result.out)
    assert report["pages_removed"] == [] and report["pages_renamed"] == {}
    assert after["index.po"] != snapshot_of_extract(cli, tmp_path)["index.po"]  # the rest was updated


def snapshot_of_extract(cli, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "fresh"
    assert cli("extract", OLD, "--out", out).code == 0
    return snapshot(out / "fr-FR")


def test_a_folder_of_several_locales_is_refused(cli, tree: Path) -> None:
    locales = tree.parent
    shutil.copytree(tree, locales / "de-DE")
    before = snapshot(locales)
    result = cli("update", locales, NEW, "--jobs", "1")
    assert result.code == 2 and snapshot(locales) == before
    assert f"error: {locales} holds several locales (de-DE, fr-FR): give one locale folder, such as " \
           f"{locales / 'de-DE'}" in result.err
    (locales / "README.md").write_text("The catalogs of the docs, by locale.\n")  # not only locale folders
    result = cli("update", locales, NEW, "--jobs", "1")
    assert result.code == 2
    assert f"error: {locales} holds several locales (de-DE, fr-FR): give one locale folder, such as " \
           f"{locales / 'de-DE'}" in result.err  # the one refusal of every command


def test_a_page_whose_name_changed_case_keeps_its_catalog_and_reviews(cli, tree: Path, tmp_path: Path) -> None:
    """index.md becomes index.MD, with other text (no rename by content): both are index.po's page. Written
    as a removed page's obsolete catalog and an added page's new one, the second erased the first."""
    new = tmp_path / "new"
    shutil.copytree(NEW, new)
    (new / "index.md").unlink()
    shutil.copy(NEW / "whats-new.md", new / "index.MD")
    reviewed = [e.target for e in po.read((tree / "index.po").read_bytes(), path="x").entries if e.reviewed]
    result = cli("update", tree, new, "--json", "--jobs", "1")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert "index.md" not in report["pages_removed"] and "index.MD" not in report["pages_added"]
    catalog = po.read((tree / "index.po").read_bytes(), path="x")
    assert catalog.page == "index.MD" and set(reviewed) <= {e.target for e in catalog.entries}


def test_two_pages_with_one_catalog_are_an_error_not_an_overwrite(cli, tree: Path, tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(NEW, new)
    shutil.copy(NEW / "about.md", new / "index.MD")  # index.MD and index.md: both index.po
    before = (tree / "index.po").read_bytes()
    result = cli("update", tree, new, "--json", "--jobs", "1")
    assert result.code == 2
    assert f"error: {new}/index.md: its catalog index.po is also the catalog of index.MD; not updated" in result.err
    after = po.read((tree / "index.po").read_bytes(), path="x")
    assert after.page == "index.MD" and (tree / "index.po").read_bytes() != before  # the first of the two


def test_a_second_update_of_the_tree_is_refused_while_one_runs(cli, tree: Path) -> None:
    before = snapshot(tree)
    with open(tree / ".tm.lock", "w") as lock:  # as an update running in another process holds it
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        result = cli("update", tree, NEW, "--jobs", "1")
    assert result.code == 2 and snapshot(tree) == before
    assert f"error: {tree}: another tm update is running on this tree (pid {os.getpid()})" in result.err
    assert cli("update", tree, NEW, "--jobs", "1", "-q").code == 0  # released


def test_stale_temporary_files_are_removed_and_live_ones_kept(cli, tree: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale, live = tree / "guide" / ".index.yml.po.tmp999999999", tree / f".index.po.tmp{sleeper.pid}"
        stale.write_bytes(b"")
        live.write_bytes(b"")
        assert cli("update", tree, NEW, "--jobs", "1", "-q").code == 0
        assert not stale.exists() and live.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_extract_never_writes_two_pages_to_one_catalog(cli, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    shutil.copytree(OLD, first)
    shutil.copytree(NEW, second)  # index.md in both
    shutil.copy(NEW / "whats-new.md", first / "index.MD")  # index.MD and index.md: both index.po
    result = cli("extract", first, second, "--out", tmp_path / "out", "--json")
    assert result.code == 2
    assert f"error: {first / 'index.md'}: not extracted: its catalog index.po would overwrite the one of " \
           f"{first / 'index.MD'}" in result.err
    assert f"error: {second / 'index.md'}: not extracted: its catalog index.po would overwrite the one of " \
           f"{first / 'index.MD'}" in result.err
    written = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.po"))
    assert json.loads(result.out)["files_written"] == len(written)
    assert po.read((tmp_path / "out" / "fr-FR" / "index.po").read_bytes(), path="x").page == "index.MD"


def test_extract_of_two_locales_with_the_same_page_names_writes_both(cli, tmp_path: Path) -> None:
    german = tmp_path / "de"
    shutil.copytree(NEW, german)
    for page in german.rglob("*.*"):
        text = page.read_text("utf-8")
        page.write_text(text.replace("contentlocale: fr-FR", "contentlocale: de-de").replace("fr-fr", "de-DE"), "utf-8")
    result = cli("extract", NEW, german, "--out", tmp_path / "out")
    assert result.code == 0, result.err
    assert (tmp_path / "out" / "fr-FR" / "index.po").exists() and (tmp_path / "out" / "de-DE" / "index.po").exists()

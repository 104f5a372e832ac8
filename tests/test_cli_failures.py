"""Runs that look like success but are not (issue 14): a command that applies, matches or writes nothing says so
with an `error:` line and exit 2, and writes only under its `--out`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib
import pytest
from helpers import SAMPLES

CATALOGS = ["guide/getting-started.po", "guide/index.yml.po", "index.po"]


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A writable copy of the sample handoff."""
    return Path(shutil.copytree(SAMPLES, tmp_path / "docs"))


@pytest.fixture
def loc(cli, docs: Path, tmp_path: Path) -> Path:
    """The locales root `tm extract docs --out loc` writes (catalogs under `loc/fr-FR/`)."""
    assert cli("extract", docs, "--out", tmp_path / "loc", "-q").code == 0
    return tmp_path / "loc"


def review(path: Path, ctxt: str, msgstr: str) -> None:
    """Mark one entry reviewed with a new translation, as a translator's PO editor would."""
    catalog = polib.pofile(str(path))
    entry = catalog.find(ctxt, by="msgctxt")
    entry.msgstr = msgstr
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    catalog.save(str(path))


def errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error:")]


# ---------------------------------------------------------------- 1. a run that applies nothing


def test_merge_takes_the_locales_root_that_extract_wrote(cli, docs: Path, loc: Path, tmp_path: Path) -> None:
    review(loc / "fr-FR/index.po", "42f44-105", "Vos applications tournent partout.")
    result = cli("merge", loc, "--pages", docs, "--out", tmp_path / "build", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["applied"] == 1 + 4 and report["unknown_ids"] == 0  # + the human-translated page's 4
    assert "Vos applications tournent partout." in (tmp_path / "build/index.md").read_text()


def test_merge_finds_a_catalogs_page_by_its_header(cli, docs: Path, loc: Path, tmp_path: Path) -> None:
    review(loc / "fr-FR/guide/index.yml.po", "5c1e0-103", "Vue d’ensemble (relue)")
    moved = tmp_path / "inbox/from-translator.po"  # a catalog mailed back under another name
    moved.parent.mkdir()
    shutil.copy(loc / "fr-FR/guide/index.yml.po", moved)
    result = cli("merge", moved, "--pages", docs, "--out", tmp_path / "build", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["applied"] == 1


def test_catalog_of_no_page_is_an_error_even_quiet(cli, docs: Path, loc: Path, tmp_path: Path) -> None:
    (docs / "about.md").unlink()
    gone = loc / "fr-FR/about.po"
    text = (loc / "fr-FR/index.po").read_text().replace('"X-Page: index.md\\n"', '"X-Page: about.md\\n"')
    gone.write_text(text)
    review(gone, "42f44-105", "Vos applications tournent partout.")
    result = cli("merge", loc / "fr-FR", "--pages", docs, "--out", tmp_path / "build", "-q")
    assert result.code == 2
    assert errors(result.err) == [f"error: {gone}: no page about.md in {docs}; catalog not used "
                                  "(--allow-unmatched to merge anyway)"]
    assert sorted(p.name for p in (tmp_path / "build").rglob("*.*")) == ["getting-started.md", "index.md", "index.yml"]
    result = cli("merge", loc / "fr-FR", "--pages", docs, "--out", tmp_path / "build2", "--allow-unmatched")
    assert result.code == 0 and errors(result.err) == []
    assert f"warning: {gone}: no page about.md" in result.err


def test_entries_without_pair_ids_are_an_error(cli, docs: Path, loc: Path, tmp_path: Path) -> None:
    path = loc / "fr-FR/index.po"
    catalog = polib.pofile(str(path))  # round-tripped through a tool that drops msgctxt
    for entry in catalog:
        entry.msgctxt = None
        entry.flags = []
    catalog.save(str(path))
    first = path.read_text().splitlines().index('msgid "Welcome to .NET"') + 1
    result = cli("merge", loc, "--pages", docs, "--out", tmp_path / "build", "--json")
    assert result.code == 2
    assert errors(result.err) == [f"error: {path}:{first}: 13 reviewed entries have a pair id that "
                                  "index.md does not have (the first has none); page not written "
                                  "(--allow-unmatched to merge anyway)"]
    report = json.loads(result.out)
    assert report["unknown_ids"] == 13 and ["error: " + e for e in report["errors"]] == errors(result.err)
    assert not (tmp_path / "build/index.md").exists()  # never a page merged without its reviews
    result = cli("merge", loc, "--pages", docs, "--out", tmp_path / "build2", "--allow-unmatched")
    assert result.code == 0 and "warning: " in result.err and (tmp_path / "build2/index.md").exists()


def test_unparsable_catalog_named_directly(cli, docs: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "a"\nmsgstr "never closed\n')
    result = cli("merge", broken, "--pages", docs, "--out", tmp_path / "build")
    assert (result.code, errors(result.err)) == (2, [f"error: {broken}:2: unterminated string"])


def test_unreadable_catalog_that_matches_no_page(cli, docs: Path, loc: Path, tmp_path: Path) -> None:
    broken = loc / "fr-FR/old/removed.po"
    broken.parent.mkdir()
    broken.write_text('msgid ""\nmsgstr ""\n"X-Page: old/removed.md\\n"\n\nmsgctxt "a-1"\nmsgid "a\nmsgstr ""\n')
    result = cli("merge", loc, "--pages", docs, "--out", tmp_path / "build", "--allow-unmatched")
    assert (result.code, errors(result.err)) == (2, [f"error: {broken}:6: unterminated string"])


def test_update_refuses_a_locales_root_of_several_locales(cli, docs: Path, loc: Path) -> None:
    assert cli("extract", docs, "--out", loc, "--locale", "de-DE", "-q").code == 0
    before = {p: p.read_bytes() for p in loc.rglob("*.po")}
    result = cli("update", loc, docs)
    assert result.code == 2
    assert errors(result.err) == [f"error: {loc} holds several locales (de-DE, fr-FR): give one locale folder, "
                                  f"such as {loc}/de-DE"]
    assert {p: p.read_bytes() for p in loc.rglob("*.po")} == before


def test_merge_of_several_locales_says_which(cli, docs: Path, loc: Path, tmp_path: Path) -> None:
    assert cli("extract", docs, "--out", loc, "--locale", "de-DE", "-q").code == 0
    result = cli("merge", loc, "--pages", docs, "--out", tmp_path / "build")
    assert result.code == 2
    assert errors(result.err) == [f"error: {loc} holds several locales (de-DE, fr-FR): give one locale folder, "
                                  f"such as {loc}/de-DE"]
    assert not (tmp_path / "build").exists()

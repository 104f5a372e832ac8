"""Provenance survives the tools translators use: after msgcat, msgattrib, msguniq, msgmerge, a polib save, a
Lokalize-style re-wrap or a Poedit-style save (unknown flags dropped), `tm update` loses no human translation.

The human origin of a fuzzy entry rests on the vendor digest `tm` records in each entry's `#.` note (gettext
tools and PO editors keep extracted comments), not on the `tm-human` flag they drop.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from helpers import DATA
from test_update import _review_every_third

from tm.formats import po
from tm.model import Catalog, Entry
from tm.update import HUMAN_FLAG, is_human

PAGES, PAIRS = 6, 24


def handoff(root: Path, version: int) -> Path:
    """A generated MT handoff. Version 2 edits the source of every 4th pair (so its review becomes fuzzy,
    human), and the vendor re-translates every 5th unchanged source (new MT for the same English)."""
    for p in range(PAGES):
        body = []
        for k in range(PAIRS):
            source, target = f"Step {k} of page {p}: run `dotnet build` in the folder.", f"Étape {k} de la page {p}."
            if version == 2 and k % 4 == 1:
                source = source.replace("in the folder", "in the project folder")
                target = f"Étape {k} de la page {p}, dans le projet."
            elif version == 2 and k % 5 == 0:
                target = f"Étape n° {k} de la page {p}."
            pair_id = f"{'ab12c' if version == 1 else 'cd34e'}-{100 + k}"
            body.append(f'<span data-ttu-id="{pair_id}">{target}</span><span class="sxs-lookup">'
                        f'<span data-stu-id="{pair_id}">{source}</span></span>\n\n')
        lasthandoff = "12/01/2020" if version == 1 else "02/04/2021"
        text = (f"---\ntitle: Page {p}\nms.contentlocale: fr-FR\nms.translationtype: MT\n"
                f"ms.lasthandoff: {lasthandoff}\n---\n# Page {p}\n\n" + "".join(body))
        (root / f"v{version}" / f"page{p}.md").parent.mkdir(parents=True, exist_ok=True)
        (root / f"v{version}" / f"page{p}.md").write_text(text, encoding="utf-8")
    return root / f"v{version}"


def tm(*args: str | Path) -> subprocess.CompletedProcess[str]:
    import sys

    return subprocess.run([sys.executable, "-m", "tm", *map(str, args)], capture_output=True, text=True, check=False)


def read(path: Path) -> Catalog:
    return po.read(path.read_bytes(), path=str(path))


def review(tree: Path) -> None:
    """Every 3rd entry reviewed (msgstr edited, fuzzy off); every 7th edited but left fuzzy, as a translator who
    has not finished does."""
    for path in sorted(tree.glob("*.po")):
        catalog = read(path)
        for k, entry in enumerate(catalog.entries):
            if k % 3 == 0:
                entry.target, entry.fuzzy = f"{entry.target} (relu)", False
            elif k % 7 == 0:
                entry.target = f"{entry.target} (retouché)"
        path.write_bytes(po.write(catalog))


def human_translations(tree: Path) -> dict[tuple[str, str], str]:
    """(catalog, source) → msgstr of every entry that holds a person's translation."""
    found = {}
    for path in sorted(tree.glob("*.po")):
        for entry in read(path).entries:
            if not entry.obsolete and ("(relu)" in entry.target or "(retouché)" in entry.target):
                found[(path.name, entry.source)] = entry.target
    return found


def _gettext(*args: str | Path) -> None:
    subprocess.run(list(map(str, args)), check=True, capture_output=True)


def _msgmerge(path: Path) -> None:
    pot = path.with_suffix(".pot")
    _gettext("msgattrib", "--clear-fuzzy", "--empty", "--clear-previous", path, "-o", pot)
    _gettext("msgmerge", "-q", "--previous", "-o", path, path, pot)
    pot.unlink()


def _polib(path: Path, *, wrap: int = 78, known_flags_only: bool = False) -> None:
    catalog = polib.pofile(str(path), wrapwidth=wrap)
    for entry in catalog:
        if known_flags_only:  # Poedit keeps fuzzy and the *-format flags, and drops the others
            entry.flags = [f for f in entry.flags if f == "fuzzy" or f.endswith("-format")]
    catalog.wrapwidth = wrap
    catalog.save(str(path))


def _wrap_comments(path: Path, width: int = 50) -> None:
    """Extracted comments re-wrapped into several `#.` lines, as an editor that wraps every line might."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        while line.startswith("#. ") and len(line) > width and " " in line[3:width]:
            cut = line.rindex(" ", 3, width)
            out.append(line[:cut])
            line = "#. " + line[cut + 1:]
        out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _poedit(paths: list[Path]) -> None:
    """The real Poedit (3.2 here) opens and saves each catalog, under a virtual display."""
    home = paths[0].parent.parent / "poedit-home"
    env = {**os.environ, "POEDIT_HOME": str(home)}
    subprocess.run(["xvfb-run", "-a", str(DATA / "poedit_save.sh"), *map(str, paths)], check=True, env=env,
                   capture_output=True, timeout=300)


TOOLS: dict[str, Callable[[Path], None]] = {
    "msgcat --no-wrap": lambda p: _gettext("msgcat", "--no-wrap", p, "-o", p),
    "msgcat": lambda p: _gettext("msgcat", p, "-o", p),
    "msgattrib": lambda p: _gettext("msgattrib", p, "-o", p),
    "msguniq": lambda p: _gettext("msguniq", p, "-o", p),
    "msgmerge": _msgmerge,
    "polib": _polib,
    "lokalize (re-wrapped at 80)": lambda p: _polib(p, wrap=80),
    "poedit (unknown flags dropped)": lambda p: _polib(p, wrap=79, known_flags_only=True),
    "comments re-wrapped, flags dropped": lambda p: (_polib(p, known_flags_only=True), _wrap_comments(p)),
}


EDITORS: dict[str, Callable[[list[Path]], None]] = {
    **{name: lambda paths, tool=tool: [tool(p) for p in paths] for name, tool in TOOLS.items()},  # type: ignore[misc]
    "poedit": _poedit,
}
NEEDS = {"poedit": ("poedit", "xvfb-run", "xdotool")}


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[tuple[str, str], str]]:
    """A tree extracted from v1, reviewed, updated to v2; its human translations; the v2 pages."""
    root = tmp_path_factory.mktemp("handoffs")
    v1, v2 = handoff(root, 1), handoff(root, 2)
    assert tm("extract", v1, "--out", root / "locales", "-q").returncode == 0
    tree = root / "locales" / "fr-FR"
    review(tree)
    done = tm("update", tree, v2, "--json")
    assert done.returncode == 0, done.stderr
    humans = human_translations(tree)
    fuzzy_humans = [e for p in tree.glob("*.po") for e in read(p).entries if e.fuzzy and is_human(e)]
    assert len(fuzzy_humans) > 20 and all(HUMAN_FLAG in e.flags for e in fuzzy_humans)
    return tree, v2, humans


@pytest.mark.parametrize("tool", list(EDITORS))
def test_no_human_translation_is_lost_after_a_gettext_tool_or_editor(
        updated: tuple[Path, Path, dict[tuple[str, str], str]], tool: str, tmp_path: Path) -> None:
    missing = [name for name in NEEDS.get(tool, ("msgcat",)) if shutil.which(name) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed")
    tree, v2, humans = updated
    copy = tmp_path / "fr-FR"
    shutil.copytree(tree, copy)
    EDITORS[tool](sorted(copy.glob("*.po")))
    if tool == "poedit":  # it did save them, and dropped the flag it does not know
        assert all("X-Generator: Poedit" in p.read_text(encoding="utf-8") for p in copy.glob("*.po"))
        assert not any(HUMAN_FLAG in e.flags for p in copy.glob("*.po") for e in read(p).entries)
    done = tm("update", copy, v2, "--json")
    assert done.returncode == 0, done.stderr
    after = human_translations(copy)
    lost = {key: text for key, text in humans.items() if after.get(key) != text}
    assert not lost, f"{len(lost)} of {len(humans)} human translations lost after {tool}"
    again = tm("update", copy, v2, "--json")
    assert json.loads(again.stdout)["files_written"] == 0


def test_a_fuzzy_entry_edited_by_a_person_is_human_without_any_flag() -> None:
    from tm.model import VENDOR_MARK, vendor_digest

    note = f"machine translation (MT), handoff 02/04/2021{VENDOR_MARK}{vendor_digest('Bonjour.')}"
    untouched = Entry("a-1", "Hello.", "Bonjour.", fuzzy=True, notes=("paragraph", note))
    edited = Entry("a-1", "Hello.", "Salut !", fuzzy=True, notes=("paragraph", note))
    older = Entry("a-1", "Hello.", "Salut !", fuzzy=True, notes=("paragraph", "machine translation (MT)"))
    sticky = po.read(b'msgid ""\nmsgstr ""\n\n#= tm-human\n#, fuzzy\nmsgid "Hello."\nmsgstr "Salut !"\n', path="s.po")
    assert not is_human(untouched) and is_human(edited) and not is_human(older)
    assert is_human(sticky.entries[0]) and sticky.entries[0].flags == (HUMAN_FLAG,)


# ---------------------------------------------------------------- corpus: 2020-12 → 2021-02


def _pages(repo: Path, rev: str, out: Path, ht_every: int) -> Path:
    """The handoff's pages under `out`, every `ht_every`-th page (in path order) turned HT."""
    out.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(repo), "archive", rev, "docs"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive.stdout, check=True)
    for n, path in enumerate(sorted((out / "docs").rglob("*.md"))):
        if n % ht_every == 0:
            text = path.read_bytes()
            path.write_bytes(text.replace(b"ms.translationtype: MT", b"ms.translationtype: HT", 1))
    return out / "docs"


def _translations(tree: Path) -> dict[str, set[tuple[str, str]]]:
    """Each catalog's (source, msgstr) pairs."""
    return {path.relative_to(tree).as_posix(): {(e.source, e.target) for e in read(path).entries}
            for path in sorted(tree.rglob("*.po"))}


@pytest.mark.corpus
def test_corpus_no_new_segment_takes_another_sources_translation_and_no_review_is_lost_to_msgcat(
        corpus_repo: Path, tmp_path: Path) -> None:
    """Bars of issue 13 (items 1 and 2) on 2020-12 → 2021-02, every 3rd entry reviewed, every 4th page HT."""
    from tm.catalogs import catalog_relpath

    old_pages = _pages(corpus_repo, "sxs~1", tmp_path / "old", 4)
    new_pages = _pages(corpus_repo, "sxs", tmp_path / "new", 4)
    assert tm("extract", old_pages, "--out", tmp_path / "locales", "-q").returncode == 0
    assert tm("extract", new_pages, "--out", tmp_path / "handoff", "-q").returncode == 0
    tree = tmp_path / "locales" / "fr-FR"
    _review_every_third(tree)
    before = _translations(tree)  # each catalog's (source, msgstr), and those a person reviewed
    people = {rel: {(source, target) for source, target in pairs if target.startswith("RELU")}
              for rel, pairs in before.items()}
    reviewed = {(e.source, e.target) for path in tree.rglob("*.po") for e in read(path).entries if e.reviewed}
    done = tm("update", tree, new_pages, "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    renamed = {catalog_relpath(n): catalog_relpath(o) for o, n in summary["pages_renamed"].items()}

    handoff_root = tmp_path / "handoff" / "fr-FR"
    foreign, new_segments = [], 0
    for path in sorted(handoff_root.rglob("*.po")):
        rel = path.relative_to(handoff_root).as_posix()
        handoff = {e.id: e.target for e in read(path).entries}
        own, own_people = before.get(renamed.get(rel, rel), set()), people.get(renamed.get(rel, rel), set())
        for entry in read(tree / rel).entries:
            if entry.obsolete or entry.target == handoff.get(entry.id):
                continue
            new_segments += (entry.source, entry.target) not in own
            same_source = (entry.source, entry.target) in own or (entry.source, entry.target) in reviewed
            carried = entry.previous_source is not None and (entry.previous_source, entry.target) in own_people
            if not same_source and not carried:  # msgmerge's carry of this page's review to its edited source
                foreign.append((rel, entry.source, entry.target))
    assert not foreign, f"{len(foreign)} msgstrs are another source's translation, e.g. {foreign[:3]}"
    assert summary["entries"]["offers"] > 500 and summary["entries"]["offered"] > 0 and new_segments > 0

    humans = {(path.relative_to(tree).as_posix(), e.id): e.target for path in tree.rglob("*.po")
              for e in read(path).entries if not e.obsolete and e.fuzzy and is_human(e)}
    assert len(humans) > 500
    paths = [str(p) for p in sorted(tree.rglob("*.po"))]
    for path in paths:
        subprocess.run(["msgcat", "--no-wrap", path, "-o", path], check=True, capture_output=True)
    assert not any(HUMAN_FLAG in e.flags for p in paths for e in read(Path(p)).entries)
    done = tm("update", tree, new_pages, "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    after = {(path.relative_to(tree).as_posix(), e.id): e.target for path in tree.rglob("*.po")
             for e in read(path).entries if not e.obsolete}
    lost = [key for key, text in humans.items() if after.get(key) != text]
    assert not lost, f"{len(lost)} of {len(humans)} human translations lost after msgcat --no-wrap"


# ---------------------------------------------------------------- offers in the XLIFF exports


def _offered_catalog() -> Catalog:
    from tm.offers import handoff_note, offer_note

    notes = ("paragraph", "machine translation (MT), handoff 02/04/2021, vendor 0123456789ab")
    similar = Entry("b-1", "Install PowerShell 6.2 with `winget`.", "Installer PowerShell 6.2 avec `winget`.",
                    fuzzy=True, notes=notes + (offer_note(0.91, "reviewed", "guide/a.po",
                                                          "Install PowerShell 6.0 with `winget`.",
                                                          "Installez PowerShell 6.0 avec `winget`.",
                                                          "Install PowerShell 6.2 with `winget`."),))
    same = Entry("b-2", "Select **OK**.", "Cliquez sur **OK**.", fuzzy=True, flags=(HUMAN_FLAG,),
                 notes=notes + ("tm: reviewed translation of this source in guide/a.po",
                                handoff_note("Sélectionnez **OK**.")))
    return Catalog([similar, same], {"Language": "fr_FR"}, "fr-FR", "p.md")


def test_offers_are_alt_trans_in_xliff_1_2(validate) -> None:  # type: ignore[no-untyped-def]
    from lxml import etree

    from tm.formats import xliff

    catalog = _offered_catalog()
    data = xliff.write(catalog)
    validate(xliff, data)
    assert xliff.read(data, path="p.xlf") == catalog
    ns = {"x": xliff.NS}
    units = etree.fromstring(data).findall(".//x:trans-unit", ns)
    similar = units[0].find("x:alt-trans", ns)
    assert (similar.get("match-quality"), similar.get("origin"), similar.get("alttranstype")) == (
        "91", "guide/a.po", "proposal")
    assert similar.findtext("x:note", namespaces=ns) == "numbers differ"
    assert "".join(similar.find("x:target", ns).itertext()).startswith("Installez PowerShell 6.0")
    handoff = units[1].find("x:alt-trans", ns)
    assert handoff.get("origin") == "handoff" and "Sélectionnez" in "".join(handoff.find("x:target", ns).itertext())


def test_offers_are_mtc_matches_in_xliff_2(validate) -> None:  # type: ignore[no-untyped-def]
    from lxml import etree

    from tm.formats import xliff2

    catalog = _offered_catalog()
    data = xliff2.write(catalog)
    validate(xliff2, data)
    assert xliff2.read(data, path="p.xliff") == catalog
    root = etree.fromstring(data)
    matches = root.findall(f".//{{{xliff2.MTC}}}match")
    assert [(m.get("similarity"), m.get("origin"), m.get("type"), m.get("subType")) for m in matches] == [
        ("91.0", "guide/a.po", "tm", "tm:offer"), ("100.0", "handoff", "mt", None)]
    assert [m.text for m in root.iter(f"{{{xliff2.MDA}}}meta") if m.get("type") == "differs"] == ["numbers"]
    assert all(len(unit.findall(f"{{{xliff2.MTC}}}matches")) == 1 for unit in root.iter(f"{{{xliff2.NS}}}unit"))

"""The XLIFF 1.2, XLIFF 2.0 and TMX bars of issue 4 on the 2021-02 handoff (rev `sxs`), every page (marker `corpus`).

The handoff is extracted once, in all four formats, by the CLI from git objects (default `--jobs`). Then:
every `.xlf`, `.xliff` and `.tmx` is validated against tests/data/schemas (the schemas that
test_formats_contract.py uses: XLIFF 1.2 strict, XLIFF 2.0 core, the TMX 1.4 DTD); merging the XLIFF files alone
in bilingual mode gives back every page byte for byte; PO → XLIFF → PO gives back every catalog;
translate-toolkit reads a sample of what we wrote; and a translator's edit made in a real page's XLIFF reaches
the merged page while its MT units fall back to the page's own translation.

Outputs live under pytest's temporary directory and are removed as soon as a test is done with them (the
extracted tree holds 50k files, 1.2 GB).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import SCHEMAS
from lxml import etree
from xml_schemas import load_xsd

from tm.catalogs import read_catalog
from tm.formats import po
from tm.jobs import default_jobs
from tm.page import load_page
from tm.sources import GitSource

pytestmark = pytest.mark.corpus

REV = "sxs"  # the 2021-02 handoff
PAGES_WITH_PAIRS = 12_521  # the corpus README's count for this handoff
FORMATS = ("po", "xliff", "xliff2", "tmx")
SUFFIX = {"po": ".po", "xliff": ".xlf", "xliff2": ".xliff", "tmx": ".tmx"}
EDITED_PAGE = "core/introduction.md"


def run_tm(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tm", *map(str, args)], check=False, capture_output=True, text=True)


def start_tm(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tm", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen[str]) -> None:
    _, err = process.communicate()
    assert process.returncode == 0, err[-2000:]


def catalog_files(root: Path) -> dict[str, list[Path]]:
    """The files of a catalog tree by suffix, each list sorted; not tm's own state (`.tm/`, the commit that
    `extract --repo/--rev` records for `tm sync`)."""
    found: dict[str, list[Path]] = {}
    for folder, folders, names in os.walk(root):
        folders[:] = [name for name in folders if name != ".tm"]
        for name in names:
            found.setdefault(os.path.splitext(name)[1], []).append(Path(folder, name))
    return {suffix: sorted(paths) for suffix, paths in found.items()}


def link_tree(files: list[Path], root: Path, target: Path) -> Path:
    """Hard links (copies across file systems) of `files` under `target`, mirroring their place under `root`."""
    for path in files:
        dest = target / path.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, dest)
        except OSError:
            shutil.copyfile(path, dest)
    return target


@pytest.fixture(scope="module")
def extracted(corpus_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The `fr-FR` catalog tree of the handoff in all four formats, from one `tm extract`."""
    out = tmp_path_factory.mktemp("formats")
    done = run_tm("extract", "--repo", corpus_repo, "--rev", REV, "docs", "--out", out,
                  *(arg for name in FORMATS for arg in ("-f", name)), "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["errors"] == []
    assert report["pages"] == PAGES_WITH_PAIRS
    assert report["files_written"] == len(FORMATS) * PAGES_WITH_PAIRS
    yield out / "fr-FR"
    shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="module")
def files(extracted: Path) -> dict[str, list[Path]]:
    found = catalog_files(extracted)
    assert {suffix: len(paths) for suffix, paths in found.items()} == dict.fromkeys(SUFFIX.values(), PAGES_WITH_PAIRS)
    return found


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """A temporary directory removed after the test (merged handoffs are large)."""
    yield tmp_path
    shutil.rmtree(tmp_path, ignore_errors=True)


# ---------------------------------------------------------------- schema validation

_VALIDATORS: dict[str, Any] = {}


def _load_validators() -> None:
    """Parse each schema once per worker process."""
    _VALIDATORS.update({
        ".xlf": load_xsd("xliff-core-1.2-strict.xsd"),
        ".xliff": load_xsd("xliff_core_2.0.xsd"),
        ".tmx": etree.DTD(str(SCHEMAS / "tmx14.dtd")),
        "parser": etree.XMLParser(no_network=True, resolve_entities=False),
    })  # fmt: skip


def _invalid(path: str) -> str | None:
    """None when the file is valid for the schema of its suffix, else the path and the first errors."""
    validator = _VALIDATORS[os.path.splitext(path)[1]]
    if validator.validate(etree.parse(path, _VALIDATORS["parser"])):
        return None
    return f"{path}: {[str(e) for e in validator.error_log.filter_from_errors()[:3]]}"


def test_every_file_is_schema_valid(files: dict[str, list[Path]]) -> None:
    paths = [str(p) for suffix in (".xlf", ".xliff", ".tmx") for p in files[suffix]]
    jobs = min(2, default_jobs())
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_load_validators) as pool:
        invalid = [problem for problem in pool.imap_unordered(_invalid, paths, chunksize=64) if problem]
    assert invalid == [], f"{len(invalid)} invalid files, e.g. {invalid[:5]}"
    assert len(paths) == 3 * PAGES_WITH_PAIRS


# ---------------------------------------------------------------- page → XLIFF → bilingual merge


@pytest.mark.parametrize("name", ["xliff", "xliff2"])
def test_bilingual_merge_from_xliff_reproduces_every_page(corpus_repo: Path, extracted: Path,
                                                         files: dict[str, list[Path]], name: str,
                                                         scratch: Path) -> None:  # fmt: skip
    catalogs = link_tree(files[SUFFIX[name]], extracted, scratch / "catalogs")  # nothing but this format
    out = scratch / "out"
    done = run_tm("merge", catalogs, "--repo", corpus_repo, "--rev", REV, "--pages", "docs", "--out", out,
                  "--mode", "bilingual", "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert (report["stale"], report["unused_catalogs"], report["errors"]) == (0, [], [])
    different, total = [], 0
    for relpath, data in GitSource(corpus_repo, REV, ("docs",)).files():
        total += 1
        if (out / relpath).read_bytes() != data:
            different.append(relpath)
    assert different == [], f"{len(different)} of {total} pages differ, e.g. {different[:5]}"
    assert total == report["pages_written"] > PAGES_WITH_PAIRS


# ---------------------------------------------------------------- PO → XLIFF → PO


@pytest.fixture(scope="module")
def po_round_trips(extracted: Path, files: dict[str, list[Path]],
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Path]]]:  # fmt: skip
    """(the PO tree, {format: the PO tree after `tm export` to that format and back}).

    `tm export` runs in one process, so the two formats' conversions run side by side.
    """
    base = tmp_path_factory.mktemp("po-round-trips")
    po_tree = link_tree(files[".po"], extracted, base / "po")
    names = ("xliff", "xliff2")
    there = {name: base / name for name in names}
    back = {name: base / f"{name}-po" for name in names}
    for process in [start_tm("export", po_tree, "--format", name, "--out", there[name], "-q") for name in names]:
        finish(process)
    for process in [start_tm("export", there[name], "--format", "po", "--out", back[name], "-q") for name in names]:
        finish(process)
    yield po_tree, back
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("name", ["xliff", "xliff2"])
def test_po_to_xliff_and_back_keeps_every_entry(po_round_trips: tuple[Path, dict[str, Path]], name: str) -> None:
    po_tree, back_tree = po_round_trips[0], po_round_trips[1][name]
    originals = catalog_files(po_tree)[".po"]
    assert sorted(p.relative_to(back_tree) for p in catalog_files(back_tree)[".po"]) == [
        p.relative_to(po_tree) for p in originals
    ]
    different = []
    for original in originals:
        again = back_tree / original.relative_to(po_tree)
        if again.read_bytes() == original.read_bytes():
            continue  # same bytes: the same catalog (the usual case; reading 2 x 12.5k catalogs costs ~20 s)
        # Entry equality covers msgctxt, msgid, msgstr, fuzzy, flags, previous msgid/msgctxt, comments,
        # extracted comments, references and obsolete; the header is kept too.
        before, after = read_catalog(original), read_catalog(again)
        if (after.entries, after.header, after.locale, after.page) != (
            before.entries, before.header, before.locale, before.page
        ):
            different.append(str(original.relative_to(po_tree)))
    assert different == [], f"{len(different)} of {len(originals)} catalogs differ, e.g. {different[:5]}"


# ---------------------------------------------------------------- translate-toolkit reads what we wrote


def test_translate_toolkit_reads_the_same_pairs(extracted: Path, files: dict[str, list[Path]]) -> None:
    """translate-toolkit flattens our inline codes to their text, which is the original Markdown."""
    from translate.storage import factory

    sample = files[".po"][:: len(files[".po"]) // 200]
    assert len(sample) >= 200
    units = 0
    for po_path in sample:
        expected = [(e.source, e.target) for e in po.read(po_path.read_bytes(), path=str(po_path)).entries]
        for suffix in (".xlf", ".tmx"):
            store = factory.getobject(str(po_path.with_suffix(suffix)))
            pairs = [(unit.source, unit.target or "") for unit in store.units if not unit.isheader()]
            assert pairs == expected, po_path.with_suffix(suffix)
            units += len(pairs)
    assert units > 10_000


# ---------------------------------------------------------------- a translator's edit


def _edit_xliff12(root: etree._Element, ids: tuple[str, str], prefix: str) -> None:
    ns = "{urn:oasis:names:tc:xliff:document:1.2}"
    reviewed, machine = (root.find(f".//{ns}trans-unit[@resname='{i}']/{ns}target") for i in ids)
    reviewed.set("state", "translated")  # what a CAT tool does when the translator confirms the segment
    reviewed.attrib.pop("state-qualifier")
    reviewed.text = prefix + (reviewed.text or "")
    machine.text = "Proposition que personne n'a relue. " + (machine.text or "")  # state stays MT


def _edit_xliff2(root: etree._Element, ids: tuple[str, str], prefix: str) -> None:
    ns = "{urn:oasis:names:tc:xliff:document:2.0}"
    reviewed, machine = (root.find(f".//{ns}unit[@name='{i}']/{ns}segment") for i in ids)
    reviewed.set("state", "translated")
    reviewed.attrib.pop("subState")
    target = reviewed.find(f"{ns}target")
    target.text = prefix + (target.text or "")
    target = machine.find(f"{ns}target")
    target.text = "Proposition que personne n'a relue. " + (target.text or "")


@pytest.mark.parametrize("name", ["xliff", "xliff2"])
def test_translator_edit_in_xliff_reaches_the_page(cli, corpus_repo: Path, extracted: Path, name: str,
                                                   tmp_path: Path) -> None:  # fmt: skip
    """One unit set to `translated` with a new target is applied; an MT unit whose target changed is not."""
    ((_, data),) = GitSource(corpus_repo, REV, (f"docs/{EDITED_PAGE}",)).files()
    page = load_page(EDITED_PAGE, data).page
    assert page.machine_translated
    # The first pair with inline markup in its translation (the edit keeps the codes, as CAT tools do), and
    # the pair after it as the MT unit a translator changed without confirming.
    index = next(i for i, pair in enumerate(page.pairs) if "[" in pair.target or "`" in pair.target)
    edited, untouched = page.pairs[index], page.pairs[index + 1]
    prefix = "Relu par un traducteur : "

    catalog = tmp_path / "catalogs" / Path(EDITED_PAGE).with_suffix(SUFFIX[name])
    catalog.parent.mkdir(parents=True)
    root = etree.fromstring((extracted / catalog.relative_to(tmp_path / "catalogs")).read_bytes())
    (_edit_xliff12 if name == "xliff" else _edit_xliff2)(root, (edited.id, untouched.id), prefix)
    catalog.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    pages = tmp_path / "docs" / EDITED_PAGE
    pages.parent.mkdir(parents=True)
    pages.write_bytes(data)

    result = cli("merge", tmp_path / "catalogs", "--pages", tmp_path / "docs", "--out", tmp_path / "out",
                 "--mode", "bilingual", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["applied"] == 1
    text = page.text[: edited.target_start] + prefix + page.text[edited.target_start :]
    expected = ("\ufeff" if page.bom else "") + text
    assert (tmp_path / "out" / EDITED_PAGE).read_bytes() == expected.encode("utf-8")

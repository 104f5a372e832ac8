"""Pages and catalogs written by other tools: stray spans, characters a page cannot hold, very long lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import SAMPLES

from tm.extract import page_entries, page_to_catalog, text_entries
from tm.formats import po
from tm.merge import merge_page
from tm.model import Catalog, Entry
from tm.page import Mode, parse_page, render_page


def pair(pid: str, target: str, source: str) -> str:
    return (f'<span data-ttu-id="{pid}">{target}</span><span class="sxs-lookup">'
            f'<span data-stu-id="{pid}">{source}</span></span>')


STRAY = '<span data-ttu-id="75400-777">X</span>'
HEAD = "---\nms.contentlocale: fr-fr\n---\n"


@pytest.mark.parametrize(
    ("body", "diagnostics"),
    [
        ("intro\n" + pair("75400-120", STRAY + "PowerShell est un shell", "PowerShell is a shell") + "\n",
         [("TM101", 5, "span data-ttu-id='75400-777' inside the pair '75400-120' has no sxs-lookup half")]),
        (pair("75400-120", "PowerShell est un shell", "Power\nShell " + STRAY + "is a shell") + "\n",
         [("TM101", 5, "span data-ttu-id='75400-777' inside the pair '75400-120' has no sxs-lookup half")]),
        (pair("75400-120", "Le shell" + '<span class="sxs-lookup"><span data-stu-id="75400-9">Y</span></span>',
              "The shell") + "\n",
         [("TM102", 4, "sxs-lookup span inside the pair '75400-120' has no data-ttu-id half")]),
    ],
    ids=["in-translation", "in-source", "lookup-in-translation"],
)
def test_stray_span_inside_a_pair_is_a_diagnostic(body: str, diagnostics: list[tuple[str, int, str]]) -> None:
    text = HEAD + body
    result = parse_page("p.md", text)
    assert [(d.code, d.line, d.message) for d in result.diagnostics] == diagnostics
    assert render_page(result.page) == text  # nothing is lost
    assert text_entries("p.md", text) is None  # update's quick path leaves it to the model path, which reports it


def test_a_pair_inside_a_pair_is_a_pair_and_its_host_a_diagnostic() -> None:
    inner = pair("75400-777", "X", "X")
    text = HEAD + pair("75400-120", inner + " PowerShell est", "PowerShell is") + "\n"
    result = parse_page("p.md", text)
    assert [p.id for p in result.page.pairs] == ["75400-777"]
    assert [(d.code, d.line) for d in result.diagnostics] == [("TM101", 4)]
    assert "'75400-120' holds the pair '75400-777'" in result.diagnostics[0].message


def test_extract_reports_the_stray_span_and_writes_no_catalog_for_its_page(cli, tmp_path: Path) -> None:
    docs = Path(shutil.copytree(SAMPLES, tmp_path / "docs"))
    text = HEAD + "# " + pair("75400-101", "Titre", "Title") + "\n\n" + pair(
        "75400-120", STRAY + "PowerShell est", "PowerShell is") + "\n"
    (docs / "stray.md").write_text(text, encoding="utf-8")
    result = cli("extract", docs, "--out", tmp_path / "loc")
    assert result.code == 2
    assert result.err.splitlines().count(
        f"error: {docs}/stray.md:6: span data-ttu-id='75400-777' inside the pair '75400-120' has no sxs-lookup "
        "half [TM101]") == 1
    assert not (tmp_path / "loc/fr-FR/stray.po").exists()
    assert (tmp_path / "loc/fr-FR/index.po").exists()


def test_well_formed_inline_spans_are_still_part_of_the_text() -> None:
    target = 'Cliquez sur <span class="docon docon-navigate-external x-hidden-focus"></span>.'
    text = HEAD + pair("a-1", target, 'Click <span class="docon">x</span>.') + "\n"
    result = parse_page("p.md", text)
    assert result.diagnostics == () and result.page.pairs[0].target == target
    assert po.write(page_to_catalog(result.page)) == page_entries(result.page).po()
    assert render_page(result.page, Mode.BILINGUAL) == text


@pytest.mark.parametrize("char", ["\0", "\x01", "\x1b", "\x7f", "\x9b", "\ud800", "\uffff"],
                         ids=["NUL", "SOH", "ESC", "DEL", "CSI", "surrogate", "U+FFFF"])
def test_merge_will_not_put_a_character_no_page_may_hold_into_a_page(char: str) -> None:
    text = HEAD + "# " + pair("a-1", "Titre", "Title") + "\n" + pair("a-2", "Texte", "Text") + "\n"
    catalog = Catalog([Entry("a-1", "Title", "Nouveau titre"), Entry("a-2", "Text", f"Te{char}xte", line=9)])
    merged = merge_page(parse_page("p.md", text).page, catalog)
    assert [(u.id, u.line, u.char) for u in merged.unwritable] == [("a-2", 9, char)]
    assert merged.applied == 1


@pytest.mark.parametrize("page", ["index.md", "guide/index.yml"])
def test_a_catalog_with_a_nul_in_a_msgstr_is_an_error_and_its_page_is_not_written(cli, tmp_path: Path,
                                                                                  page: str) -> None:
    docs = Path(shutil.copytree(SAMPLES, tmp_path / "docs"))
    assert cli("extract", docs, "--out", tmp_path / "loc", "-q").code == 0
    catalog_path = tmp_path / "loc/fr-FR" / (page[:-3] + ".po" if page.endswith(".md") else page + ".po")
    catalog = po.read(catalog_path.read_bytes(), path=str(catalog_path))
    entry = catalog.entries[1]
    entry.target, entry.fuzzy = "Bien\0venue", False
    catalog_path.write_bytes(po.write(catalog))
    line = po.read(catalog_path.read_bytes(), path="x").entries[1].line
    result = cli("merge", tmp_path / "loc/fr-FR", "--pages", docs, "--out", tmp_path / "out")
    assert result.code == 2
    assert [line for line in result.err.splitlines() if line.startswith("error:")] == [
        f"error: {catalog_path}:{line}: the msgstr of {entry.id} holds U+0000, a character no page may hold; "
        f"page {docs}/{page} not merged [TM104]"]
    assert "Traceback" not in result.err
    written = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.*"))
    assert page not in written and len(written) == 3
    again = cli("extract", tmp_path / "out", "--out", tmp_path / "again", "-q")  # every page written reads: no
    assert again.err == f"error: {tmp_path / 'out'}: none of its 3 pages has span pairs; no catalog written\n"  # TM1xx

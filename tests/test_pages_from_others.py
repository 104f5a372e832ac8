"""Pages and catalogs written by other tools: stray spans, characters a page cannot hold, very long lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import SAMPLES

from tm.extract import page_to_catalog
from tm.extract_fast import page_po
from tm.formats import po
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
    assert page_po("p.md", text) is None  # the fast path leaves it to the model path, which reports it


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
    assert po.write(page_to_catalog(result.page)) == page_po("p.md", text).data
    assert render_page(result.page, Mode.BILINGUAL) == text

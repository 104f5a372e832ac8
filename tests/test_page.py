"""The page model: every byte survives parse → render, pairs are found wherever the format puts them."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.model import Escape
from tm.page import Mode, load_page, parse_page, render_page

SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file())


def pair(pid: str, target: str, source: str, q: str = '"') -> str:
    return (f"<span data-ttu-id={q}{pid}{q}>{target}</span><span class={q}sxs-lookup{q}>"
            f"<span data-stu-id={q}{pid}{q}>{source}</span></span>")


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_pages_render_back_byte_for_byte(path: Path) -> None:
    data = path.read_bytes()
    result = load_page(path.name, data)
    assert result.diagnostics == ()
    assert render_page(result.page, Mode.BILINGUAL).encode() == data


def test_sample_page_pairs_and_meta() -> None:
    page = load_page("index.md", (SAMPLES / "index.md").read_bytes()).page
    assert len(page.pairs) == (SAMPLES / "index.md").read_text().count("data-ttu-id=")
    assert page.meta["ms.translationtype"] == "MT" and page.locale == "fr-FR"
    assert page.meta["ms.locfileid"] == "90558072"
    note = next(p for p in page.pairs if p.id == "42f44-114")
    assert note.source.endswith('<span class="docon docon-navigate-external x-hidden-focus"></span>.')
    assert "&gt;" in note.target
    multi = next(p for p in page.pairs if p.id == "42f44-115")
    assert multi.source == "A paragraph's text can\ncontinue on the next line."
    assert multi.line == 34 and page.pairs[0].line == 12


def test_bom_and_crlf_are_kept() -> None:
    data = (SAMPLES / "guide" / "getting-started.md").read_bytes()
    page = load_page("g.md", data).page
    assert page.bom and not page.text.startswith("\ufeff")
    assert page.meta["ms.translationtype"] == "HT" and not page.machine_translated
    assert page.pairs[0].source == "Get started with C#"
    assert render_page(page, Mode.TARGET).encode().startswith(b"\xef\xbb\xbf---\r\n")


def test_yaml_page_unescapes_quoted_scalars() -> None:
    page = load_page("index.yml", (SAMPLES / "guide" / "index.yml").read_bytes()).page
    by_id = {p.id: p for p in page.pairs}
    assert by_id["5c1e0-102"].escape is Escape.YAML_DOUBLE
    assert by_id["5c1e0-102"].source == 'The "C#" language guide for developers.'
    assert by_id["5c1e0-103"].escape is Escape.YAML_SINGLE and by_id["5c1e0-103"].target == "Vue d'ensemble"
    assert by_id["5c1e0-104"].escape is Escape.NONE
    assert page.locale == "fr-FR"  # written `fr-fr` in the page


def test_new_translation_is_escaped_for_its_yaml_scalar() -> None:
    page = load_page("index.yml", (SAMPLES / "guide" / "index.yml").read_bytes()).page
    out = render_page(page, Mode.TARGET, {"5c1e0-102": 'Le guide "C#" \\ v2', "5c1e0-103": "L'aperçu"})
    assert 'summary: "Le guide \\"C#\\" \\\\ v2"' in out
    assert "- title: 'L''aperçu'" in out


def test_target_and_source_modes() -> None:
    text = "# " + pair("a-1", "Bonjour", "Hello") + "\n" + pair("a-2", "Monde", "World") + "\n"
    page = parse_page("p.md", text).page
    assert render_page(page, Mode.TARGET) == "# Bonjour\nMonde\n"
    assert render_page(page, Mode.SOURCE) == "# Hello\nWorld\n"
    assert render_page(page, Mode.TARGET, {"a-2": "Terre"}) == "# Bonjour\nTerre\n"
    assert render_page(page, Mode.BILINGUAL, {"a-2": "Terre"}) == text.replace(">Monde<", ">Terre<")


def test_older_pipeline_front_matter_pairs_with_escaped_quotes() -> None:
    text = ('---\ntitle: "' + pair("664d5-101", "Installer", "Install", q='\\"') + '"\nms.contentlocale: tr-tr\n---\n'
            + pair("664d5-103", "Metin", "Text") + "\n")
    result = parse_page("a.md", text)
    assert [p.id for p in result.page.pairs] == ["664d5-101", "664d5-103"]
    assert result.page.pairs[0].escape is Escape.YAML_DOUBLE
    assert render_page(result.page) == text


def test_literal_unbalanced_span_in_text_falls_back() -> None:
    text = pair("a-1", "Utilisez l’élément `<span>`.", "Use the `<span>` element.") + "\n"
    result = parse_page("p.md", text)
    assert result.diagnostics == ()
    assert result.page.pairs[0].source == "Use the `<span>` element."
    assert render_page(result.page) == text


def test_page_without_pairs() -> None:
    data = (SAMPLES / "about.md").read_bytes()
    result = load_page("about.md", data)
    assert result.page.pairs == () and result.diagnostics == ()
    assert render_page(result.page, Mode.TARGET).encode() == data


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("x\n\n<span data-ttu-id=\"a-1\">Bonjour", 3, "not closed"),
        ("<span data-ttu-id=\"a-1\">Bonjour</span><span class=\"sxs-lookup\"><span data-stu-id=\"a-2\">Hello</span></span>",
         1, "paired with data-stu-id='a-2'"),
        ("intro\n<span data-ttu-id=\"a-1\">Bonjour</span> and nothing else\n", 2, "no sxs-lookup half"),
        ("ok\n" + pair("a-1", "B", "H") + "\n<span class=\"sxs-lookup\"><span data-stu-id=\"a-9\">Lost</span></span>",
         3, "no data-ttu-id half"),
    ],
    ids=["unclosed", "ids-differ", "no-lookup", "orphan-lookup"],
)
def test_malformed_pairs_are_diagnostics_with_lines(text: str, line: int, words: str) -> None:
    result = parse_page("bad.md", text)
    assert result.diagnostics, "a malformed pair must be reported"
    assert result.diagnostics[0].line == line
    assert words in result.diagnostics[0].message
    assert render_page(result.page) == text  # nothing is lost even then


def test_invalid_utf8_and_binary_are_input_errors() -> None:
    from tm.errors import InputError

    with pytest.raises(InputError) as bad:
        load_page("x.md", b"line 1\nline 2 \xff\n")
    assert str(bad.value) == "x.md:2: invalid UTF-8"
    with pytest.raises(InputError, match="binary"):
        load_page("y.md", b"GIF89a\x00\x01")


_texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<"), max_size=30)


@settings(derandomize=True, max_examples=200, deadline=None)
@given(st.lists(st.tuples(_texts, _texts, _texts), max_size=6), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_any_page_round_trips(chunks: list[tuple[str, str, str]], newline: str, bom: bool) -> None:
    parts = []
    for number, (between, target, source) in enumerate(chunks):
        parts.append(between.replace("\n", newline) + pair(f"abcde-{100 + number}", target, source))
    text = "".join(parts) + newline
    result = parse_page("p.md", text, bom=bom)
    assert result.diagnostics == ()
    assert len(result.page.pairs) == len(chunks) == text.count("<span data-ttu-id=")
    assert [(p.target, p.source) for p in result.page.pairs] == [(t, s) for _, t, s in chunks]
    assert render_page(result.page) == ("\ufeff" if bom else "") + text

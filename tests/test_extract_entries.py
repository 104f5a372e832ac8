"""What `tm extract` writes for a page: PO bytes as expected, from the one path (`page_entries`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT, SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from tm._version import __version__
from tm.extract import page_entries, page_to_catalog, text_entries
from tm.formats import po
from tm.page import parse_page
from tm.page.parse import decode_page

SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file())
EXPECTED = ROOT / "tests" / "data" / "expected" / "extract"


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_pages(path: Path) -> None:
    """Each sample page's catalog is the expected file (written by the code before the fast path was folded)."""
    relpath = path.relative_to(SAMPLES).as_posix()
    text, _ = decode_page(relpath, path.read_bytes())
    entries = page_entries(parse_page(relpath, text).page)
    expected = (EXPECTED / f"{relpath}.po").read_bytes().replace(b"X-Generator: tm 0.2.0\\n",
                                                               f"X-Generator: tm {__version__}\\n".encode())
    assert entries.po() == expected
    assert po.write(page_to_catalog(parse_page(relpath, text).page)) == expected  # the writer of every catalog


def pair(pair_id: str, target: str, source: str, quote: str = '"') -> str:
    return (f"<span data-ttu-id={quote}{pair_id}{quote}>{target}</span><span class={quote}sxs-lookup{quote}>"
            f"<span data-stu-id={quote}{pair_id}{quote}>{source}</span></span>")


FRONT = "---\ntitle: T\nms.contentlocale: fr-fr\nms.lasthandoff: 02/05/2021\nms.translationtype: {kind}\n---\n"
# Hypothesis also draws the string constants of tm's modules: a literal `data-stu-id=` outside a pair makes a
# malformed page, which extract reports instead.
_texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<"), max_size=20).map(
    lambda text: text.replace("-id=", "-id"))
_prefixes = st.sampled_from(["", "# ", "## ", "   ### ", "| a | ", "- ", "* ", "1. ", "> - ", "[", "Voir ", "\t",
                             "#x "])


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.lists(st.tuples(_prefixes, _texts, _texts, _texts, st.sampled_from(["\n", "\r\n", " "])), max_size=8),
       st.sampled_from(["MT", "HT"]), st.sampled_from(["", "de-DE"]))
def test_generated_pages(lines: list[tuple[str, str, str, str, str]], kind: str, locale: str) -> None:
    """The PO of a generated page holds its pairs (as the PO reader reads them back), and is what the writer of
    every catalog writes."""
    parts = [FRONT.format(kind=kind)]
    expected = []
    for number, (prefix, target, source, after, end) in enumerate(lines):
        parts.append(prefix + pair(f"a1b2c-{100 + number}", target, source) + after.replace("\n", " ") + end)
        expected.append((f"a1b2c-{100 + number}", source, target, kind == "MT" and target != ""))
    text = "".join(parts)
    page = parse_page("dir/page one.md", text).page
    entries = page_entries(page, locale=locale)
    data = entries.po()
    assert data == po.write(page_to_catalog(page, locale=locale))
    read = po.read(data, path="p.po")
    assert [(e.id, e.source, e.target, e.fuzzy) for e in read.entries] == expected
    assert read.header["Language"] == (locale or "fr-FR").replace("-", "_")
    assert (entries.locale, len(entries.texts)) == (locale or "fr-FR", len(lines))


def test_update_takes_apart_only_plain_markdown_pages() -> None:
    """`text_entries` (the quick path of `tm update`) leaves YAML, escaped, malformed and locale-less pages,
    and pages without pairs, to the model path."""
    body = "# " + pair("a-1", "Salut", "Hi") + "\n"
    taken = text_entries("p.md", FRONT.format(kind="MT") + body)
    assert taken is not None and taken.po() == page_entries(parse_page("p.md", FRONT.format(kind="MT") + body).page).po()
    assert text_entries("p.yml", "### YamlMime:X\ntitle: " + body) is None
    in_front_matter = FRONT.format(kind="MT").replace("title: T", "title: " + pair("a-0", "T", "T"))
    assert text_entries("p.md", in_front_matter + body) is None
    assert text_entries("p.md", FRONT.format(kind="MT") + pair("a-1", "Salut", "Hi", quote='\\"')) is None
    assert text_entries("p.md", FRONT.format(kind="MT") + body + '<span data-ttu-id="a-2">x</span>\n') is None
    assert text_entries("p.md", body) is None
    assert text_entries("p.md", FRONT.format(kind="MT") + "No pairs here.\n") is None

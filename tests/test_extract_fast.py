"""The fast extract path gives the model path's PO bytes exactly, or declines (None) and leaves the page to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.extract import count_words, page_to_catalog
from tm.extract_fast import page_po
from tm.formats import po
from tm.page import parse_page
from tm.page.parse import decode_page

SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file())


def model_path(relpath: str, text: str, locale: str = "") -> tuple[bytes, int, int]:
    """What `tm extract` writes for the page through `Page` and `Catalog`: PO bytes, segments, words."""
    page = parse_page(relpath, text).page
    if not page.pairs:
        return b"", 0, 0
    catalog = page_to_catalog(page, locale=locale)
    return po.write(catalog), len(catalog.entries), sum(count_words(e.source) for e in catalog.entries)


def assert_same(relpath: str, text: str, locale: str = "") -> bool:
    """True when the fast path took the page (and then it agrees with the model path)."""
    fast = page_po(relpath, text, locale=locale, words=True)
    if fast is None:
        return False
    assert (fast.data, fast.segments, fast.words) == model_path(relpath, text, locale)
    return True


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_pages(path: Path) -> None:
    text, _ = decode_page(path.name, path.read_bytes())
    taken = assert_same(path.relative_to(SAMPLES).as_posix(), text)
    assert taken == (path.suffix == ".md")


def pair(pair_id: str, target: str, source: str, quote: str = '"') -> str:
    return (f"<span data-ttu-id={quote}{pair_id}{quote}>{target}</span><span class={quote}sxs-lookup{quote}>"
            f"<span data-stu-id={quote}{pair_id}{quote}>{source}</span></span>")


FRONT = "---\ntitle: T\nms.contentlocale: fr-fr\nms.lasthandoff: 02/05/2021\nms.translationtype: {kind}\n---\n"
# Hypothesis also draws the string constants of tm's modules: a literal `data-stu-id=` outside a pair makes a
# malformed page, which the fast path rightly leaves to the model path.
_texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<"), max_size=20).map(
    lambda text: text.replace("-id=", "-id"))
_prefixes = st.sampled_from(["", "# ", "## ", "   ### ", "| a | ", "- ", "* ", "1. ", "> - ", "[", "Voir ", "\t",
                             "#x "])


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.lists(st.tuples(_prefixes, _texts, _texts, _texts, st.sampled_from(["\n", "\r\n", " "])), max_size=8),
       st.sampled_from(["MT", "HT"]), st.sampled_from(["", "de-DE"]))
def test_generated_pages(lines: list[tuple[str, str, str, str, str]], kind: str, locale: str) -> None:
    parts = [FRONT.format(kind=kind)]
    for number, (prefix, target, source, after, end) in enumerate(lines):
        parts.append(prefix + pair(f"a1b2c-{100 + number}", target, source) + after.replace("\n", " ") + end)
    assert assert_same("dir/page one.md", "".join(parts), locale)


def test_declines_what_it_does_not_handle() -> None:
    body = "# " + pair("a-1", "Salut", "Hi") + "\n"
    assert page_po("p.md", FRONT.format(kind="MT") + body) is not None
    assert page_po("p.yml", "### YamlMime:X\ntitle: " + body) is None
    in_front_matter = FRONT.format(kind="MT").replace("title: T", "title: " + pair("a-0", "T", "T"))
    assert page_po("p.md", in_front_matter + body) is None
    assert page_po("p.md", FRONT.format(kind="MT") + pair("a-1", "Salut", "Hi", quote='\\"')) is None
    assert page_po("p.md", FRONT.format(kind="MT") + body + '<span data-ttu-id="a-2">x</span>\n') is None
    assert page_po("p.md", body) is None  # no locale: the model path reports it
    assert page_po("p.md", "No pairs here.\n") is not None and page_po("p.md", "No pairs.\n").segments == 0

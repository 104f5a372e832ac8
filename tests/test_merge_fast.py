"""The fast merge path gives the model path's result exactly, or declines (None) and leaves the page to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.merge import merge_page
from tm.merge_fast import merge_text
from tm.model import Catalog, Entry
from tm.page import Mode, parse_page
from tm.page.parse import decode_page

SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file())


def pair(pair_id: str, target: str, source: str, quote: str = '"') -> str:
    return (f"<span data-ttu-id={quote}{pair_id}{quote}>{target}</span><span class={quote}sxs-lookup{quote}>"
            f"<span data-stu-id={quote}{pair_id}{quote}>{source}</span></span>")


def assert_same(relpath: str, text: str, catalog: Catalog | None, mode: Mode, *, bom: bool = False,
                gate=None) -> bool:
    """True when the fast path took the page (and then it agrees with the model path)."""
    fast = merge_text(relpath, text, catalog, mode, bom=bom, gate=gate)
    if fast is None:
        return False
    model = merge_page(parse_page(relpath, text, bom=bom).page, catalog, mode, gate=gate)
    assert fast == model
    return True


@pytest.mark.parametrize("mode", list(Mode))
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_pages(path: Path, mode: Mode) -> None:
    text, bom = decode_page(path.name, path.read_bytes())
    page = parse_page(path.name, text).page
    catalog = Catalog([Entry(p.id, p.source, p.target.upper()) for p in page.pairs[::2]])
    assert assert_same(path.name, text, catalog, mode, bom=bom) == (path.suffix == ".md")


# Hypothesis also draws the string constants of tm's modules: a literal `data-stu-id=` outside a pair makes a
# malformed page, which the fast path rightly leaves to the model path.
_texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<"), max_size=12).map(
    lambda text: text.replace("-id=", "-id"))
_entry_kinds = st.sampled_from(["none", "reviewed", "fuzzy", "empty", "stale", "same", "gated"])


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.lists(st.tuples(_texts, _texts, _texts, _entry_kinds), max_size=6), st.sampled_from(list(Mode)),
       st.booleans(), st.booleans(), st.sampled_from(["", "---\nms.topic: x\n---\n"]))
def test_generated_pages(specs: list[tuple[str, str, str, str]], mode: Mode, bom: bool, unknown: bool,
                         front: str) -> None:
    parts = [front]
    entries = []
    for number, (between, target, source, kind) in enumerate(specs):
        pair_id = f"a1b2c-{100 + number}"
        parts.append(between + pair(pair_id, target, source, quote="'" if number % 3 == 2 else '"'))
        if kind != "none":
            new = {"empty": "", "same": target}.get(kind, f"<{target}>")
            entries.append(Entry(pair_id, source + "!" if kind == "stale" else source, new, kind == "fuzzy",
                                 line=number + 1))
    if unknown:
        entries.append(Entry("zzz-1", "Gone", "Parti", line=99))
    text = "".join(parts) + "\n"

    def gate(entry: Entry) -> str | None:
        return "refused" if entry.target.startswith("<") and entry.id.endswith(("1", "3")) else None

    assert assert_same("p.md", text, Catalog(entries), mode, bom=bom, gate=gate)
    assert assert_same("p.md", text, None, mode, bom=bom)


def test_declines_what_it_does_not_handle() -> None:
    body = pair("a-1", "Salut", "Hi") + "\n"
    assert merge_text("p.md", body, None) is not None
    assert merge_text("p.yml", "title: " + body, None) is None
    assert merge_text("p.md", "---\ntitle: " + pair("a-0", "T", "T") + "\n---\n" + body, None) is None
    assert merge_text("p.md", pair("a-1", "Salut", "Hi", quote='\\"'), None) is None
    assert merge_text("p.md", body + '<span data-ttu-id="a-2">x</span>\n', None) is None

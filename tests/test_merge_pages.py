"""What `tm merge` writes for a page: the expected text and counts, from the one path (`merge_page`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT, SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.merge import merge_page, merge_unreviewed
from tm.model import Catalog, Entry
from tm.page import Mode, parse_page
from tm.page.parse import decode_page

SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file())
EXPECTED = ROOT / "tests" / "data" / "expected" / "merge"


def pair(pair_id: str, target: str, source: str, quote: str = '"') -> str:
    return (f"<span data-ttu-id={quote}{pair_id}{quote}>{target}</span><span class={quote}sxs-lookup{quote}>"
            f"<span data-stu-id={quote}{pair_id}{quote}>{source}</span></span>")


@pytest.mark.parametrize("mode", list(Mode))
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_pages(path: Path, mode: Mode) -> None:
    """Every other pair upper-cased: the expected files were written by the code before the fast path was folded."""
    relpath = path.relative_to(SAMPLES).as_posix()
    text, bom = decode_page(relpath, path.read_bytes())
    page = parse_page(relpath, text, bom=bom).page
    catalog = Catalog([Entry(p.id, p.source, p.target.upper()) for p in page.pairs[::2]])
    merged = merge_page(page, catalog, mode)
    assert merged.text.encode("utf-8") == (EXPECTED / mode.value / relpath).read_bytes()
    assert merged.applied == sum(p.target != "" for p in page.pairs[::2])  # a reviewed entry is one with a msgstr
    unchanged = merge_unreviewed(text, None, mode, bom=bom)
    assert unchanged is not None and unchanged == merge_page(page, None, mode)
    assert mode is not Mode.BILINGUAL or unchanged.text.encode("utf-8") == path.read_bytes()


# Hypothesis also draws the string constants of tm's modules: a literal `data-stu-id=` outside a pair makes a
# malformed page, which merge reports instead. Control characters are left out: merge refuses them
# (`test_pages_from_others`).
_texts = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn"), blacklist_characters="<"),
                 max_size=12).map(
    lambda text: text.replace("-id=", "-id"))
_entry_kinds = st.sampled_from(["none", "reviewed", "fuzzy", "empty", "stale", "same", "gated"])


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.lists(st.tuples(_texts, _texts, _texts, _entry_kinds), max_size=6), st.sampled_from(list(Mode)),
       st.booleans(), st.booleans(), st.sampled_from(["", "---\nms.topic: x\n---\n"]))
def test_generated_pages(specs: list[tuple[str, str, str, str]], mode: Mode, bom: bool, unknown: bool,
                         front: str) -> None:
    """The merged text is the page written with the translations that apply, and the counts say which did not."""
    parts, merged_parts, own_parts, entries = [front], [front], [front], []
    applied, stale, refused = 0, [], []
    for number, (between, target, source, kind) in enumerate(specs):
        pair_id = f"a1b2c-{100 + number}"
        quote = "'" if number % 3 == 2 else '"'
        parts.append(between + pair(pair_id, target, source, quote=quote))
        new = target
        if kind != "none":
            text = {"empty": "", "same": target}.get(kind, f"<{target}>")
            entries.append(Entry(pair_id, source + "!" if kind == "stale" else source, text, kind == "fuzzy",
                                 line=number + 1))
            if kind == "stale" and text:
                stale.append(pair_id)
            elif text and kind != "fuzzy" and kind != "stale":
                if text.startswith("<") and pair_id.endswith(("1", "3")):
                    refused.append(pair_id)
                else:
                    new, applied = text, applied + 1
        rendered = {Mode.TARGET: new, Mode.SOURCE: source}.get(mode, pair(pair_id, new, source, quote=quote))
        merged_parts.append(between + rendered)
        own_parts.append(between + {Mode.TARGET: target, Mode.SOURCE: source}.get(
            mode, pair(pair_id, target, source, quote=quote)))
    if unknown:
        entries.append(Entry("zzz-1", "Gone", "Parti", line=99))
    text = "".join(parts) + "\n"

    def gate(entry: Entry) -> str | None:
        return "refused" if entry.target.startswith("<") and entry.id.endswith(("1", "3")) else None

    merged = merge_page(parse_page("p.md", text, bom=bom).page, Catalog(entries), mode, gate=gate)
    assert merged.text == ("\ufeff" if bom else "") + "".join(merged_parts) + "\n"
    assert merged.applied == applied
    assert [s.id for s in merged.stale] == stale and [r.id for r in merged.refused] == refused
    counted = unknown and bool(specs)  # a page without pairs is written as it is, its catalog unread
    assert merged.unknown == counted and (merged.first_unknown is not None) == counted
    unchanged = merge_page(parse_page("p.md", text, bom=bom).page, None, mode)
    assert unchanged.text == ("\ufeff" if bom else "") + "".join(own_parts) + "\n"
    assert unchanged == merge_unreviewed(text, None, mode, bom=bom) == merge_unreviewed(text, Catalog([]), mode, bom=bom)
    reviewed = any(e.reviewed for e in entries)
    assert (merge_unreviewed(text, Catalog(entries), mode, bom=bom) is None) == reviewed


def test_pages_whose_texts_are_escaped() -> None:
    """Pairs in YAML and with `\\\\"` attribute quotes: a new translation is written escaped as its neighbours are."""
    body = pair("a-1", "Salut", "Hi") + "\n"
    catalog = Catalog([Entry("a-1", "Hi", 'Dis "bonjour"'), Entry("a-0", "T", "Titre")])
    yml = merge_page(parse_page("p.yml", 'title: "' + body.rstrip("\n").replace('"', '\\"') + '"\n').page,
                     catalog, Mode.TARGET)
    assert yml.text == 'title: "Dis \\"bonjour\\""\n' and yml.unknown == 1
    front = "---\ntitle: '" + pair("a-0", "T", "T") + "'\n---\n" + body
    merged = merge_page(parse_page("p.md", front).page, catalog, Mode.BILINGUAL)
    assert merged.text == front.replace(">T</span><span", ">Titre</span><span").replace("Salut", 'Dis "bonjour"')
    quoted = pair("a-1", "Salut", "Hi", quote='\\"')
    escaped = merge_page(parse_page("p.md", quoted).page, catalog, Mode.TARGET)
    assert escaped.text == 'Dis \\"bonjour\\"'


def test_merge_unreviewed_leaves_a_malformed_page_to_the_parse() -> None:
    """A span in no pair: `merge_unreviewed` gives None, and the parse says what is wrong."""
    text = pair("a-1", "Salut", "Hi") + '<span data-ttu-id="a-2">x</span>\n'
    assert merge_unreviewed(text, None) is None
    assert parse_page("p.md", text).diagnostics

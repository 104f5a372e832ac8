"""Pairs inside quoted YAML scalars: each is read as YAML reads it, and a new translation is written back so.

PyYAML is the oracle: the page rendered with the translations must load to the same strings as the texts
the parser gave.
"""

from __future__ import annotations

import pytest
import yaml
from helpers import SAMPLES

from tm.merge import merge_page
from tm.model import Catalog, Entry, Escape
from tm.page import Mode, parse_page, render_page
from tm.page.scalars import quoted_scalars


def pair(pid: str, target: str, source: str, q: str = '"') -> str:
    return (f"<span data-ttu-id={q}{pid}{q}>{target}</span><span class={q}sxs-lookup{q}>"
            f"<span data-stu-id={q}{pid}{q}>{source}</span></span>")


# (raw target, raw source, decoded target, decoded source) as a vendor writes them in each scalar style
SINGLE = [("C''est simple", "It''s simple", "C'est simple", "It's simple"),
          ("Vous l''écrivez en C#", "You''re going to write C# code", "Vous l'écrivez en C#",
           "You're going to write C# code"),
          ("L''« aperçu »", "The ''overview''", "L'« aperçu »", "The 'overview'")]
DOUBLE = [('Le \\"guide\\"', 'The \\"guide\\"', 'Le "guide"', 'The "guide"'),
          ("C:\\\\outils", "C:\\\\tools", "C:\\outils", "C:\\tools"),
          ("Ligne\\tun", "Line\\tone", "Ligne\tun", "Line\tone")]


def scalar_page(style: str, attribute_quote: str, *, multiline: bool = False) -> tuple[str, list[tuple[str, ...]]]:
    """A YAML page whose `summary` scalar holds three pairs in `style` (' or "), and what they decode to."""
    rows = SINGLE if style == "'" else DOUBLE
    joiner = "\n  " if multiline else " "
    body = joiner.join(pair(f"5c1e0-{100 + k}", target, source, attribute_quote)
                       for k, (target, source, _, _) in enumerate(rows))
    text = (f"### YamlMime:Landing\ntitle: plain title\nsummary: {style}{body}{style}\n"
            f"metadata:\n  ms.contentlocale: fr-fr\n")
    return text, rows


CASES = [("'", '"'), ('"', '\\"'), ('"', "'")]


@pytest.mark.parametrize(("style", "attribute_quote"), CASES, ids=["single", "double", "double-with-sq-attributes"])
@pytest.mark.parametrize("multiline", [False, True], ids=["one-line", "multi-line"])
def test_every_pair_of_a_quoted_scalar_is_decoded(style: str, attribute_quote: str, multiline: bool) -> None:
    text, rows = scalar_page(style, attribute_quote, multiline=multiline)
    result = parse_page("index.yml", text)
    assert result.diagnostics == ()
    escape = Escape.YAML_SINGLE if style == "'" else Escape.YAML_DOUBLE
    assert [p.escape for p in result.page.pairs] == [escape] * len(rows)
    assert [(p.target, p.source) for p in result.page.pairs] == [(row[2], row[3]) for row in rows]
    assert render_page(result.page, Mode.BILINGUAL) == text
    loaded = yaml.safe_load(render_page(result.page, Mode.TARGET))["summary"]
    assert loaded == " ".join(row[2] for row in rows)  # YAML folds the line breaks between pairs


@pytest.mark.parametrize(("style", "attribute_quote"), CASES, ids=["single", "double", "double-with-sq-attributes"])
def test_merge_encodes_new_translations_for_their_scalar(style: str, attribute_quote: str) -> None:
    text, rows = scalar_page(style, attribute_quote)
    page = parse_page("index.yml", text).page
    new = ["Il l'a dit : \"oui\"", "C:\\chemin\\n'est pas", "Trois ''"]
    catalog = Catalog([Entry(p.id, p.source, target) for p, target in zip(page.pairs, new)])
    merged = merge_page(page, catalog, Mode.TARGET)
    assert merged.applied == 3
    assert yaml.safe_load(merged.text)["summary"] == " ".join(new)
    bilingual = merge_page(page, catalog, Mode.BILINGUAL).text
    again = parse_page("index.yml", bilingual).page
    assert [p.target for p in again.pairs] == new
    assert [p.source for p in again.pairs] == [row[3] for row in rows]
    # and the page's own translations, applied as reviewed ones, give the handoff back byte for byte
    own = Catalog([Entry(p.id, p.source, p.target) for p in page.pairs])
    assert merge_page(again, own, Mode.BILINGUAL).text == text


def test_sample_yaml_page_round_trips_with_its_own_translations_reviewed() -> None:
    text = (SAMPLES / "guide" / "index.yml").read_text(encoding="utf-8")
    page = parse_page("index.yml", text).page
    own = Catalog([Entry(p.id, p.source, p.target + " ") for p in page.pairs])
    changed = merge_page(page, own, Mode.BILINGUAL).text
    assert changed != text
    back = Catalog([Entry(p.id, p.source, p.target) for p in page.pairs])
    assert merge_page(parse_page("index.yml", changed).page, back, Mode.BILINGUAL).text == text


def test_front_matter_scalar_with_several_pairs() -> None:
    title = pair("a-1", "L''aide", "The help") + " : " + pair("a-2", "C''est", "It''s")
    text = f"---\ntitle: '{title}'\nms.contentlocale: fr-fr\n---\n# Body: don''t\n"
    page = parse_page("p.md", text).page
    assert [(p.target, p.source, p.escape) for p in page.pairs] == [
        ("L'aide", "The help", Escape.YAML_SINGLE), ("C'est", "It's", Escape.YAML_SINGLE)]


def test_quotes_outside_quoted_scalars_are_literal() -> None:
    """In a plain scalar, a block scalar or a comment a quote opens nothing, and `''` is two quotes."""
    text = ("### YamlMime:FAQ\n# it's a comment with 'quotes'\nitems:\n  - question: don't "
            + pair("b-1", "Q''s", "Q''s") + "\n    answer: |\n      'quoted' line\n      "
            + pair("b-2", "l''a", "it''s")
            + "\n\n      'again'\n  - question: '" + pair("b-3", "l''a", "it''s") + "'\n")
    page = parse_page("faq.yml", text).page
    assert [(p.id, p.target, p.escape) for p in page.pairs] == [
        ("b-1", "Q''s", Escape.NONE), ("b-2", "l''a", Escape.NONE), ("b-3", "l'a", Escape.YAML_SINGLE)]
    assert yaml.safe_load(render_page(page, Mode.TARGET))["items"][1]["question"] == "l'a"


def test_quoted_scalars_finds_flow_and_multi_line_scalars() -> None:
    text = ("a: ['x', \"y\\\"z\"]\nb: 'one\n  two'' three' # 'no'\n- \"item\"\nc: >-\n  'folded'\nd: plain, 'no\n"
            "e: {k: 'v',\n  l: [\"w\"]}\nf: See [a](b), 'no\n- [link](x.md), 'no\ng: 'yes'\n")
    found = [(text[start:end], escape.value) for start, end, escape in quoted_scalars(text)]
    assert found == [("'x'", "sq"), ('"y\\"z"', "dq"), ("'one\n  two'' three'", "sq"), ('"item"', "dq"),
                     ("'v'", "sq"), ('"w"', "dq"), ("'yes'", "sq")]

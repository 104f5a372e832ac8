"""XLIFF 1.2, XLIFF 2.0 and TMX: states, modules, inline codes, other tools, safe reading.

What every format adapter keeps (PO too): schema-valid output, exact round trips, line numbers, the registry,
is in test_formats_contract.py, whose cases these tests reuse. Schemas are in tests/data/schemas (the `validate`
fixture of conftest.py).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import ModuleType

import pytest
from helpers import DATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from test_formats_contract import CASES, catalog

from tm.errors import InputError
from tm.formats import safexml, tmx, xliff, xliff2
from tm.formats.inline import Code, Text, detokenize, number_codes, tokenize
from tm.model import Catalog, Entry

XML_DATA = DATA / "xml"
ADAPTERS = [xliff, xliff2, tmx]
X12 = "{urn:oasis:names:tc:xliff:document:1.2}"
X20 = "{urn:oasis:names:tc:xliff:document:2.0}"


# ---------------------------------------------------------------- states


def _xliff12_target(entry: Entry, **options: str) -> etree._Element:
    root = etree.fromstring(xliff.write(catalog([entry]), **options))
    return root.find(f".//{X12}trans-unit")  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("entry", "state", "qualifier", "approved"),
    [
        (Entry("a", "Hi", "Salut"), "translated", None, "yes"),
        (Entry("a", "Hi", "Salut", fuzzy=True), "needs-translation", "mt-suggestion", None),
        (Entry("a", "Hi", "Salut", fuzzy=True, previous_source="Hey"), "needs-translation", "fuzzy-match", None),
        (Entry("a", "Hi", "", fuzzy=True), "needs-translation", None, None),
        (Entry("a", "Hi", ""), "new", None, None),
    ],
)
def test_xliff12_states(entry: Entry, state: str, qualifier: str | None, approved: str | None) -> None:
    unit = _xliff12_target(entry)
    target = unit.find(f"{X12}target")
    assert (target.get("state"), target.get("state-qualifier"), unit.get("approved")) == (state, qualifier, approved)


def test_xliff12_previous_source_is_alt_trans_and_obsolete_is_locked() -> None:
    entry = Entry("a", "Run `b`", "Lancez `b`", fuzzy=True, previous_source="Run `a`", obsolete=True)
    unit = _xliff12_target(entry)
    alt = unit.find(f"{X12}alt-trans")
    assert alt.get("alttranstype") == "previous-version"
    assert "".join(alt.find(f"{X12}source").itertext()) == "Run `a`"
    assert unit.get("translate") == "no"


@pytest.mark.parametrize("option", ["final", "signed-off"])
def test_xliff12_reviewed_state_option(option: str, validate) -> None:  # type: ignore[no-untyped-def]
    data = xliff.write(catalog(CASES["plain"]), reviewed_state=option)
    validate(xliff, data)
    assert b'state="' + option.encode() + b'"' in data
    assert xliff.read(data, path="x.xlf") == catalog(CASES["plain"])


@pytest.mark.parametrize(
    ("entry", "state", "sub_state", "has_target"),
    [
        (Entry("a", "Hi", "Salut"), "reviewed", None, True),
        (Entry("a", "Hi", "Salut", fuzzy=True), "initial", "tm:mt", True),
        (Entry("a", "Hi", "Salut", fuzzy=True, previous_source="Hey"), "initial", "tm:fuzzy-match", True),
        (Entry("a", "Hi", "", fuzzy=True), "initial", None, True),
        (Entry("a", "Hi", ""), "initial", None, False),
    ],
)
def test_xliff2_states(entry: Entry, state: str, sub_state: str | None, has_target: bool) -> None:
    segment = etree.fromstring(xliff2.write(catalog([entry]))).find(f".//{X20}segment")
    assert (segment.get("state"), segment.get("subState")) == (state, sub_state)
    assert (segment.find(f"{X20}target") is not None) == has_target


def test_xliff2_final_option_and_modules(validate) -> None:  # type: ignore[no-untyped-def]
    original = catalog(CASES["fuzzy-previous"] + CASES["comments"] + CASES["obsolete"])
    data = xliff2.write(original, reviewed_state="final")
    validate(xliff2, data)
    root = etree.fromstring(data)
    match = root.find(".//{urn:oasis:names:tc:xliff:matches:2.0}match")
    assert (match.get("ref"), match.get("subType")) == ("#s1", "tm:previous-version")
    assert root.find(f".//{X20}unit[@type='tm:obsolete']").get("translate") == "no"
    assert xliff2.read(data, path="x.xliff") == original


@pytest.mark.parametrize("adapter", [xliff, xliff2], ids=lambda a: a.NAME)
def test_translator_edit_reads_as_reviewed(adapter: ModuleType) -> None:
    """A CAT tool sets the state to translated and changes the target: the entry comes back reviewed."""
    original = catalog([Entry("a-1", "See [the docs](d.md).", "Voir [les docs](d.md).", fuzzy=True)])
    root = etree.fromstring(adapter.write(original))
    if adapter is xliff:
        target = root.find(f".//{X12}target")
        target.set("state", "translated")
        target.attrib.pop("state-qualifier")
        target.find(f"{X12}bpt").tail = "la documentation"
    else:
        root.find(f".//{X20}segment").set("state", "translated")
        root.find(f".//{X20}target/{X20}pc").text = "la documentation"
    edited = adapter.read(etree.tostring(root, xml_declaration=True, encoding="UTF-8"), path="edited")
    entry = edited.entries[0]
    assert entry.fuzzy is False and entry.reviewed
    assert entry.target == "Voir [la documentation](d.md)."


def test_tmx_marks_machine_translation() -> None:
    root = etree.fromstring(tmx.write(catalog(CASES["plain"])))
    types = [tu.find("prop[@type='x-translationtype']").text for tu in root.iter("tu")]
    assert types == ["HT", "MT"]
    assert root.find(".//tu").get("creationdate") == "20200915T000000Z"


# ---------------------------------------------------------------- inline codes


def test_link_text_stays_translatable_and_codes_keep_markdown() -> None:
    tokens = tokenize('See [the `Main` method](main.md "T")<br/>&nbsp;<xref:A.B> <kbd>Ctrl</kbd>')
    assert [(type(t).__name__, t.text) for t in tokens] == [
        ("Text", "See "), ("Code", "["), ("Text", "the "), ("Code", "`Main`"), ("Text", " method"),
        ("Code", '](main.md "T")'), ("Code", "<br/>"), ("Code", "&nbsp;"), ("Code", "<xref:A.B>"), ("Text", " "),
        ("Code", "<kbd>"), ("Text", "Ctrl"), ("Code", "</kbd>"),
    ]  # fmt: skip
    kinds = [(t.kind, t.role) for t in tokens if isinstance(t, Code)]
    assert kinds == [("link", "open"), ("code", "ph"), ("link", "close"), ("html", "ph"), ("entity", "ph"),
                     ("xref", "ph"), ("html", "open"), ("html", "close")]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("\\[not](a link) \\`x\\` \\<b>", []),
        ("[!INCLUDE[name](~/includes/x.md)] done", ["[!INCLUDE[name](~/includes/x.md)]"]),
        ("``a`b`` then ` lone", ["``a`b``"]),
        ("<span class='x'><span>in</span></span></em>", ["<span class='x'>", "<span>", "</span>", "</span>", "</em>"]),
        ("<!-- note --> List<T> ok", ["<!-- note -->", "<T>"]),
        ("[text](url(with)parens) [no dest] [x](unclosed", ["[", "](url(with)parens)"]),
        ("![img](a.png)", ["![", "](a.png)"]),
    ],
)
def test_code_kinds(text: str, codes: list[str]) -> None:
    tokens = tokenize(text)
    assert detokenize(tokens) == text
    assert [t.text for t in tokens if isinstance(t, Code)] == codes


def test_codes_keep_their_ids_between_source_and_target() -> None:
    source = tokenize("Use `a`, [link](x.md) and `b`.")
    target = tokenize("Utilisez `b`, `a` et [lien](x.md) et `new`.")
    source_ids, target_ids = number_codes(source, target)
    by_text = {t.text: i for t, i in zip(source, source_ids) if isinstance(t, Code)}
    for token, ident in zip(target, target_ids):
        if isinstance(token, Code) and token.text in by_text:
            assert ident == by_text[token.text]
    new = [i for t, i in zip(target, target_ids) if isinstance(t, Code) and t.text == "`new`"]
    assert new == [max(source_ids) + 1]


def test_xliff12_codes_in_file() -> None:
    data = xliff.write(catalog([Entry("a", "See [the docs](d.md) `x`", "Voir `x` [la doc](d.md)")])).decode()
    assert '<source>See <bpt id="1" ctype="link">[</bpt>the docs<ept id="1">](d.md)</ept> ' in data
    assert '<ph id="2" ctype="x-code">`x`</ph></source>' in data
    assert '<target state="translated">Voir <ph id="2" ctype="x-code">`x`</ph> <bpt id="1"' in data


def test_xliff2_codes_point_to_original_data() -> None:
    data = xliff2.write(catalog([Entry("a", "See [the docs](d.md) `x`", "Voir `x`")])).decode()
    assert '<data id="d1">[</data><data id="d2">](d.md)</data><data id="d3">`x`</data>' in data
    assert ('<pc id="1" dataRefStart="d1" dataRefEnd="d2" type="link">the docs</pc> <ph id="2" dataRef="d3" '
            'disp="`x`"/>') in data  # disp: what Poedit shows for the code, else "{2}"
    assert '<target>Voir <ph id="2" dataRef="d3" disp="`x`"/></target>' in data


def test_codes_written_by_other_tools_read_from_the_source() -> None:
    """`<g>`/`<x/>` carry no Markdown; the source's code with the same id supplies it."""
    entry = xliff.read((XML_DATA / "foreign-codes.xlf").read_bytes(), path="foreign-codes.xlf").entries[0]
    assert entry.target == "Voir [la méthode `Main`](main.md)."
    assert entry.fuzzy is False


def test_tmx_from_another_tool() -> None:
    memory = tmx.read((XML_DATA / "tmx-with-doctype.tmx").read_bytes(), path="tmx-with-doctype.tmx")
    entry = memory.entries[0]
    assert (entry.id, entry.source, entry.target, entry.comments) == (
        "7",
        "Press <kbd>Enter</kbd>.",
        "Appuyez sur <kbd>Entrée</kbd>.",
        ("Checked by the reviewer",),
    )
    assert memory.locale == "fr-FR"


def test_metadata_characters_xml_cannot_hold_are_replaced(validate) -> None:  # type: ignore[no-untyped-def]
    original = catalog([Entry("a\x01", "Text \x02", "Texte", comments=("bell\x07",), notes=("\ufffe",))])
    for adapter in ADAPTERS:
        data = adapter.write(original)
        validate(adapter, data)
        entry = adapter.read(data, path="x").entries[0]
        assert (entry.id, entry.source, entry.comments) == ("a\ufffd", "Text \x02", ("bell\ufffd",))


# ---------------------------------------------------------------- property tests

MARKDOWN_CHARS = st.sampled_from(
    list("ab `[]()<>!&;#\\/=\"'x:\n\r\t\x01é")
    + ["<xref:", "&nbsp;", "<span>", "</span>", "](u)", "``", "<br/>", "[!", "<!--", "-->"]
)
MARKDOWNISH = st.lists(MARKDOWN_CHARS, max_size=40).map("".join)
ANY_TEXT = st.one_of(st.text(), MARKDOWNISH)
LEGAL_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t\r"), max_size=20)


@settings(derandomize=True, database=None, max_examples=500)
@given(ANY_TEXT)
def test_detokenize_inverts_tokenize(text: str) -> None:
    tokens = tokenize(text)
    assert detokenize(tokens) == text
    assert all(t.text for t in tokens)
    opens = {t.pair for t in tokens if isinstance(t, Code) and t.role == "open"}
    closes = {t.pair for t in tokens if isinstance(t, Code) and t.role == "close"}
    assert opens == closes


@settings(
    derandomize=True, database=None, max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(source=ANY_TEXT, target=ANY_TEXT, previous=st.none() | ANY_TEXT, comment=LEGAL_TEXT, fuzzy=st.booleans())
def test_any_text_round_trips_through_every_adapter(
    source: str, target: str, previous: str | None, comment: str, fuzzy: bool, validate
) -> None:  # type: ignore[no-untyped-def]
    entry = Entry("a-1", source, target, fuzzy=fuzzy, previous_source=previous, comments=(comment,))
    for adapter in ADAPTERS:
        if adapter is tmx and previous is not None and safexml.clean(previous) != previous:
            continue  # TMX keeps the previous source in a plain <note>: such characters become U+FFFD
        original = catalog([entry])
        data = adapter.write(original)
        validate(adapter, data)
        assert adapter.read(data, path="x") == original


# ---------------------------------------------------------------- other readers


def _write_temp(adapter: ModuleType, original: Catalog, directory: str) -> str:
    path = os.path.join(directory, "page" + adapter.SUFFIXES[0])
    Path(path).write_bytes(adapter.write(original))
    return path


@pytest.mark.parametrize("adapter", [xliff, tmx], ids=lambda a: a.NAME)
def test_translate_toolkit_reads_the_same_pairs(adapter: ModuleType) -> None:
    """translate-toolkit flattens inline codes to their text, which is exactly the Markdown."""
    from translate.storage import factory

    entries = CASES["plain"] + CASES["non-ascii"] + CASES["markup"][:5] + CASES["obsolete"]
    original = catalog(entries)
    with tempfile.TemporaryDirectory() as directory:
        store = factory.getobject(_write_temp(adapter, original, directory))
        pairs = [(unit.source, unit.target or "") for unit in store.units if not unit.isheader()]
    assert pairs == [(e.source, e.target) for e in entries]


def test_translate_toolkit_reads_xliff2_text() -> None:
    """translate-toolkit's XLIFF 2.0 reader (its factory opens .xliff as 1.x) sees the translatable text."""
    from translate.storage.xliff2 import Xliff2File

    entries = CASES["plain"] + CASES["markup"][:4]
    with tempfile.TemporaryDirectory() as directory:
        store = Xliff2File.parsefile(_write_temp(xliff2, catalog(entries), directory))
        pairs = [(unit.source, unit.target or "") for unit in store.units]

    def text_only(s: str) -> str:
        return "".join(t.text for t in tokenize(s) if isinstance(t, Text))

    assert pairs == [(text_only(e.source), text_only(e.target)) for e in entries]


# ---------------------------------------------------------------- translation memory


def test_memory_deduplicates_and_keeps_machine_translation(validate) -> None:  # type: ignore[no-untyped-def]
    page_a = catalog([Entry("a-1", "Hello", "Bonjour", fuzzy=True), Entry("a-2", "Bye", "Salut", fuzzy=True),
                      Entry("a-3", "Empty", "")])  # fmt: skip
    page_b = catalog([Entry("b-1", "Hello", "Bonjour"), Entry("b-2", "See `x`", "Voir `x`", fuzzy=True,
                                                             previous_source="See `y`")], page="b.md")  # fmt: skip
    newer = catalog([Entry("a-1", "Bye", "Salut", fuzzy=True)], header={"X-Ms-Lasthandoff": "02/01/2021"})
    data = tmx.write_memory([page_a, page_b, newer], origins=tmx.ORIGINS)
    validate(tmx, data)
    root = etree.fromstring(data)
    units = root.findall(".//tu")
    assert len(units) == 3
    props = [{p.get("type"): p.text for p in tu.iter("prop")} for tu in units]
    assert props[0] == {"x-ttu-id": "b-1", "x-page": "b.md", "x-handoff": "09/15/2020", "x-translationtype": "HT",
                        "x-origin": "reviewed", "x-occurrences": "2"}  # fmt: skip
    assert props[1]["x-translationtype"] == "MT" and props[1]["x-handoff"] == "02/01/2021"
    assert units[1].get("creationdate") == "20210201T000000Z"
    assert units[2].find("note").text == "Previous source: See `y`"
    assert len({tu.get("tuid") for tu in units}) == 3
    grouped = tmx.read_many(data, path="memory.tmx")
    assert [(c.page, len(c.entries)) for c in grouped] == [("b.md", 2), ("core/index.md", 1)]
    assert tmx.read_many(tmx.write(page_a), path="page.tmx") == [page_a]


# ---------------------------------------------------------------- unsafe and broken input


@pytest.mark.parametrize(
    ("name", "adapter", "message", "line"),
    [
        ("xxe.xlf", xliff, "declares entities", 2),
        ("billion-laughs.xlf", xliff, "declares entities", 2),
        ("parameter-entity.xliff", xliff2, "declares entities", 2),
        ("dtd-url.tmx", tmx, "external DTD by URL", 2),
        ("dtd-url.xlf", xliff, "external DTD by URL", 2),
        ("xxe-utf16.xlf", xliff, "declares entities", None),
        ("truncated.xlf", xliff, "not well-formed XML", 7),
        ("undefined-entity.xlf", xliff, "undefined entity reference &name;", 6),
    ],
)
def test_unsafe_or_broken_xml_is_an_input_error(name: str, adapter: ModuleType, message: str, line: int | None) -> None:
    with pytest.raises(InputError) as caught:
        adapter.read((XML_DATA / name).read_bytes(), path=name)
    assert message in caught.value.message
    assert (caught.value.path, caught.value.line) == (name, line)
    assert str(caught.value).startswith(f"{name}:{line}: " if line else f"{name}: ")


def test_a_caller_may_still_set_a_size_limit() -> None:
    with pytest.raises(InputError, match="limit"):
        safexml.parse(b"<a>" + b"x" * 100 + b"</a>", path="a.xml", max_bytes=50)


def test_xml_larger_than_the_old_100_mb_limit_is_read() -> None:
    """What tm writes, tm reads: an export of a large catalog (154 MB) was refused by a 100 MB limit."""
    size = 101 * 1024 * 1024
    root = safexml.parse(b"<a>" + b"x" * size + b"</a>", path="big.xlf")
    assert len(root.text) == size


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.NAME)
def test_a_segment_larger_than_libxml2s_default_text_limit_reads_back(adapter: ModuleType) -> None:
    """libxml2 refuses a text node over 10 MB unless in huge-tree mode, which the reader now allows."""
    long = "Un paragraphe très long, écrit d'un seul tenant. " * 240_000  # 12 MB
    written = catalog([Entry("a-1", "Short source.", long, notes=("paragraph",)), Entry("a-2", "Hi", "Salut")])
    back = adapter.read(adapter.write(written), path=f"big{adapter.SUFFIXES[0]}")
    assert [(e.id, e.target) for e in back.entries] == [("a-1", long), ("a-2", "Salut")]


def test_deep_nesting_is_read_up_to_huge_tree_limits_and_refused_beyond() -> None:
    deep = b"<a>" * 1000 + b"x" + b"</a>" * 1000
    assert safexml.parse(deep, path="deep.xml").tag == "a"
    with pytest.raises(InputError, match="not well-formed XML"):
        safexml.parse(b"<a>" * 100_000 + b"</a>" * 100_000, path="deeper.xml")


@pytest.mark.parametrize(
    ("adapter", "data"),
    [
        (xliff, b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en"/>'),
        (xliff2, b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"/>'),
        (tmx, b"<html/>"),
        (
            xliff,
            (
                b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file original="a" '
                b'source-language="en" datatype="x"><body>\n<trans-unit id="1"><target>x</target></trans-unit>'
                b"</body></file></xliff>"
            ),
        ),
        (
            xliff2,
            (
                b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en"><file id="f">\n'
                b'<unit id="u"><segment><source>a <ph id="1"/></source></segment></unit></file></xliff>'
            ),
        ),
        (
            tmx,
            (
                b'<tmx version="1.4"><header srclang="en-US"/><body>\n<tu><tuv xml:lang="fr"><seg>x</seg></tuv></tu>'
                b"</body></tmx>"
            ),
        ),
    ],
)
def test_wrong_documents_are_input_errors(adapter: ModuleType, data: bytes) -> None:
    with pytest.raises(InputError):
        adapter.read(data, path="wrong")


# ---------------------------------------------------------------- the real corpus


def _corpus_catalogs(root: Path, *, every: int = 1) -> list[Catalog]:
    from tm.extract import page_to_catalog
    from tm.page import parse_page

    paths = sorted(p for p in (root / "docs").rglob("*") if p.suffix in (".md", ".yml"))
    out = []
    for path in paths[::every]:
        text = path.read_bytes().decode("utf-8-sig")
        out.append(page_to_catalog(parse_page(path.relative_to(root / "docs").as_posix(), text).page))
    return out


@pytest.mark.corpus
def test_corpus_sample_is_valid_and_round_trips(corpus_repo: Path, validate) -> None:  # type: ignore[no-untyped-def]
    catalogs = _corpus_catalogs(corpus_repo, every=42)
    assert len(catalogs) >= 290
    for original in catalogs:
        for adapter in ADAPTERS:
            data = adapter.write(original)
            validate(adapter, data)
            assert adapter.read(data, path=original.page) == original, (adapter.NAME, original.page)
    validate(tmx, tmx.write_memory(catalogs))


@pytest.mark.corpus
def test_corpus_every_text_tokenizes_losslessly(corpus_repo: Path) -> None:
    texts = 0
    for original in _corpus_catalogs(corpus_repo):
        for entry in original.entries:
            for text in (entry.source, entry.target):
                assert detokenize(tokenize(text)) == text
                texts += 1
    assert texts > 100_000


def test_memory_holds_reviewed_entries_by_default_and_marks_mt(validate) -> None:  # type: ignore[no-untyped-def]
    page = catalog([Entry("a-1", "Run `dotnet build`.", "Exécutez `dotnet build`."),
                    Entry("a-2", "Bye", "Salut", fuzzy=True),
                    Entry("a-3", "Install VS 2019.", "Installez VS 2017.", fuzzy=True, flags=("tm-human",),
                          previous_source="Install VS 2017.")])  # fmt: skip
    assert [e.source for e in tmx.read_many(tmx.write_memory([page]), path="m.tmx")[0].entries] == [
        "Run `dotnet build`."]
    data = tmx.write_memory([page], origins=("ht", "mt"))
    validate(tmx, data)
    units = etree.fromstring(data).findall(".//tu")
    origins = [tu.findtext("prop[@type='x-origin']") for tu in units]
    assert origins == ["mt", "ht"]
    assert [tu.findall("tuv")[1].get("creationid") for tu in units] == ["MT!", None]
    # a person's fuzzy translation is stored with the source it translated, not the new one
    assert units[1].findtext("tuv/seg") == "Install VS 2017."
    with pytest.raises(ValueError, match="origins"):
        tmx.write_memory([page], origins=("machine",))


@pytest.mark.parametrize("inline", ["text", "tags"])
def test_tmx_inline_forms_are_valid_and_read_back(validate, inline: str) -> None:  # type: ignore[no-untyped-def]
    entries = CASES["markup"] + [Entry("c-1", "Press \x01 `Ctrl`", "Appuyez \x01 `Ctrl`")]
    original = catalog(entries)
    data = tmx.write(original, inline=inline)
    validate(tmx, data)
    assert tmx.read(data, path="a.tmx") == original
    segs = etree.fromstring(data).findall(".//seg")
    codes = [child.get("type") for seg in segs for child in seg]
    if inline == "text":
        assert set(codes) == {"x-tm-char"}  # only what XML cannot hold is a code
        assert "Press " in segs[-2].text and segs[-2][0].tail == " `Ctrl`"
    else:
        assert "x-code" in codes


def test_translate_toolkit_reads_the_text_form_as_the_markdown_a_cat_tool_segments() -> None:
    from translate.storage.tmx import tmxfile

    page = catalog([Entry("a-1", "Run `dotnet build` and see [the docs](a.md).",
                          "Exécutez `dotnet build` et voyez [la doc](a.md).")])  # fmt: skip
    store = tmxfile(tmx.write_memory([page]))
    assert [(u.source, u.target) for u in store.units] == [(page.entries[0].source, page.entries[0].target)]
    tags = tmxfile(tmx.write_memory([page], inline="tags"))
    assert tags.units[0].source == page.entries[0].source  # flattened codes: the same string


def test_xliff_text_form_is_valid_and_reads_back(validate) -> None:  # type: ignore[no-untyped-def]
    from translate.storage.xliff import xlifffile

    original = catalog(CASES["markup"] + [Entry("c-1", "Press \x01 `Ctrl`", "Appuyez \x01 `Ctrl`", fuzzy=True)])
    data = xliff.write(original, inline="text")
    validate(xliff, data)
    assert xliff.read(data, path="a.xlf") == original
    assert b'ctype="x-code"' not in data and b'ctype="x-tm-char"' in data
    store = xlifffile.parsestring(data)
    assert [u.source for u in store.units][:3] == [e.source for e in original.entries][:3]
    # MT is a state Poedit counts as needing work, not as translated
    assert b'state="needs-translation" state-qualifier="mt-suggestion"' in data

"""`tm export`: catalog trees to other formats, and several trees into one TMX memory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import SAMPLES, SCHEMAS
from lxml import etree

from tm.catalogs import read_catalog


@pytest.fixture
def catalogs(cli, tmp_path: Path) -> Path:
    assert cli("extract", SAMPLES, "--out", tmp_path / "loc", "-q").code == 0
    return tmp_path / "loc" / "fr-FR"


@pytest.mark.parametrize("fmt", ["xliff", "xliff2", "tmx"])
def test_po_to_format_and_back_keeps_entries(cli, catalogs: Path, tmp_path: Path, fmt: str) -> None:
    assert cli("export", catalogs, "-f", fmt, "--out", tmp_path / fmt, "-q").code == 0
    assert cli("export", tmp_path / fmt, "-f", "po", "--out", tmp_path / "back", "-q").code == 0
    for original in sorted(catalogs.rglob("*.po")):
        again = read_catalog(tmp_path / "back" / original.relative_to(catalogs))
        assert again.entries == read_catalog(original).entries


def test_memory_of_two_handoffs_is_one_valid_deduplicated_tmx(cli, catalogs: Path, tmp_path: Path) -> None:
    result = cli("export", catalogs, catalogs, "-f", "tmx", "-o", tmp_path / "memory.tmx", "--json",
                 "--origin", "reviewed,ht,mt")
    assert result.code == 0, result.err
    document = etree.parse(str(tmp_path / "memory.tmx"))
    assert etree.DTD(str(SCHEMAS / "tmx14.dtd")).validate(document)
    units = document.findall(".//tu")
    assert len(units) == 21  # the same tree twice: every pair once
    kinds = {tu.findtext("prop[@type='x-translationtype']") for tu in units}
    assert kinds == {"MT", "HT"}  # machine translations are kept, and marked


def test_export_refuses_ambiguous_output(cli, catalogs: Path, tmp_path: Path) -> None:
    result = cli("export", catalogs, "-f", "xliff", "-o", tmp_path / "x.tmx")
    assert result.code == 2 and result.err.startswith("error: -o FILE writes one TMX memory")
    result = cli("export", catalogs, "-f", "po", "--out", tmp_path / "o", "--reviewed-state", "final")
    assert result.code == 2 and "does not apply to po" in result.err


def test_memory_defaults_to_reviewed_entries_with_markup_as_text(cli, catalogs: Path, tmp_path: Path) -> None:
    from tm.formats import po

    path = next(p for p in sorted(catalogs.rglob("*.po")) if "(MT)" in p.read_text(encoding="utf-8"))
    catalog = read_catalog(path)
    catalog.entries[0].fuzzy = False  # a person confirmed one machine translation
    path.write_bytes(po.write(catalog))
    everything = tmp_path / "all.tmx"
    assert cli("export", catalogs, "-f", "tmx", "-o", everything, "--origin", "reviewed,ht,mt", "-q").code == 0
    for name in ("reviewed", "ht", "mt"):
        more = ["--origin", name] if name != "reviewed" else []
        assert cli("export", catalogs, "-f", "tmx", "-o", tmp_path / f"{name}.tmx", "-q", *more).code == 0
    kinds = {name: [tu.findtext("prop[@type='x-origin']") for tu in etree.parse(str(tmp_path / name)).iter("tu")]
             for name in ("all.tmx", "reviewed.tmx", "ht.tmx", "mt.tmx")}
    assert kinds["reviewed.tmx"] == ["reviewed"]  # the sample's HT page, as the vendor delivered it, is ht
    assert set(kinds["ht.tmx"]) == {"ht"} and set(kinds["mt.tmx"]) == {"mt"}
    assert len(kinds["all.tmx"]) == len(kinds["reviewed.tmx"]) + len(kinds["ht.tmx"]) + len(kinds["mt.tmx"])
    segs = [seg for seg in etree.parse(str(everything)).iter("seg")]
    assert any("`" in (seg.text or "") for seg in segs) and not any(len(seg) for seg in segs)
    tags = tmp_path / "tags.tmx"
    assert cli("export", catalogs, "-f", "tmx", "-o", tags, "--inline", "tags", "--origin", "mt", "-q").code == 0
    assert any(len(seg) for seg in etree.parse(str(tags)).iter("seg"))


def test_export_refuses_tmx_options_that_do_not_apply(cli, catalogs: Path, tmp_path: Path) -> None:
    result = cli("export", catalogs, "-f", "xliff2", "--out", tmp_path / "o", "--inline", "text")
    assert result.code == 2 and "--inline 'text' does not apply to xliff2" in result.err
    result = cli("export", catalogs, "-f", "tmx", "-o", tmp_path / "m.tmx", "--origin", "reviewed,machine")
    assert result.code == 2 and "choose some of reviewed,ht,mt" in result.err
    result = cli("export", catalogs, "-f", "tmx", "--out", tmp_path / "o", "--origin", "mt")
    assert result.code == 2 and "use it with --format tmx -o FILE" in result.err


def test_a_memory_of_machine_translation_only_says_it_is_empty(cli, tmp_path: Path) -> None:
    catalogs = tmp_path / "loc"
    assert cli("extract", SAMPLES, "--out", catalogs, "-q").code == 0
    for path in catalogs.rglob("*.po"):  # every page machine translated: nothing reviewed
        path.write_text(path.read_text(encoding="utf-8").replace("#, fuzzy\n", "").replace(
            "\nmsgctxt", "\n#, fuzzy\nmsgctxt"), encoding="utf-8")
    result = cli("export", catalogs, "-f", "tmx", "-o", tmp_path / "m.tmx")
    assert result.code == 0 and "(0 translation units)" in result.out
    assert "warning: no entry is reviewed: the memory is empty" in result.err
    result = cli("export", catalogs, "-f", "tmx", "-o", tmp_path / "m.tmx", "--origin", "mt", "--json")
    assert json.loads(result.out)["units"] > 0


def test_a_persons_fuzzy_translation_is_ht_even_when_an_editor_dropped_its_flag(cli, catalogs: Path,
                                                                               tmp_path: Path) -> None:
    """The TMX origin follows update's provenance rule (the msgstr no longer has the vendor digest the entry
    records), not the `tm-human` flag alone, which gettext tools and Poedit drop."""
    path = next(p for p in sorted(catalogs.rglob("*.po")) if b"#, fuzzy\n" in p.read_bytes())
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("#, fuzzy\n")
    msgstr_at = rest.index('msgstr "') + len('msgstr "')
    path.write_text(head + sep + rest[:msgstr_at] + "Relu par une personne : " + rest[msgstr_at:], encoding="utf-8")
    out = tmp_path / "ht.tmx"
    assert cli("export", catalogs, "-f", "tmx", "-o", out, "--origin", "ht", "-q").code == 0
    targets = [tu.findall("tuv")[1].findtext("seg") or "" for tu in etree.parse(str(out)).iter("tu")]
    assert any(target.startswith("Relu par une personne : ") for target in targets)

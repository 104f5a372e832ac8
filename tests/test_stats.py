"""`tm stats`: counts by state agree with the extraction and with translate-toolkit's pocount."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest
from helpers import SAMPLES
from translate.tools import pocount

from tm.extract import count_words
from tm.formats import po
from tm.stats import collect, count_catalog


@pytest.fixture
def catalogs(cli, tmp_path: Path) -> Path:
    assert cli("extract", SAMPLES, "--out", tmp_path / "loc", "-q").code == 0
    return tmp_path / "loc" / "fr-FR"


def edit_every_state(path: Path) -> None:
    """Leave one catalog with reviewed, MT, untranslated and obsolete entries."""
    catalog = polib.pofile(str(path))
    catalog[0].flags.remove("fuzzy")
    catalog[1].msgstr = ""
    catalog[1].flags.remove("fuzzy")
    catalog[2].obsolete = True
    catalog.save(str(path))


def test_totals_equal_what_extract_counted(cli, catalogs: Path, tmp_path: Path) -> None:
    extracted = json.loads(cli("extract", SAMPLES, "--out", tmp_path / "again", "--json").out)
    result = cli("stats", catalogs, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["total"]["entries"]["total"] == extracted["segments"] == 21
    assert report["total"]["words"]["total"] == extracted["words"]
    # the human-translated (HT) page, as the vendor's translators wrote it: nobody here reviewed it
    assert (report["total"]["entries"]["reviewed"], report["total"]["entries"]["vendor_ht"]) == (0, 4)
    assert len(report["pages"]) == 3


def test_states_agree_with_pocount(catalogs: Path) -> None:
    path = catalogs / "index.po"
    edit_every_state(path)
    ours = count_catalog(po.read(path.read_bytes(), path=str(path)))
    theirs = pocount.calcstats(str(path))
    assert ours.entries["reviewed"] == theirs["translated"] == 1
    assert ours.entries["mt"] == theirs["fuzzy"] == 10
    assert ours.entries["untranslated"] == theirs["untranslated"] == 1
    assert ours.entries["obsolete"] == 1  # pocount does not count obsolete entries at all
    assert ours.total_entries == theirs["total"]
    # pocount counts markup as words (`<xref:…>`, URLs, code): ours never counts more than it does here.
    assert ours.total_words <= theirs["totalsourcewords"]


@pytest.mark.parametrize(("text", "words"), [
    ("Run `dotnet new console` to create a *console* app.", 6),
    ("See [the guide](https://example.com/a-b) and <xref:System.String>.", 4),
    ("Version 9.0, 3,5 GB, and .NET 5.0.1", 7),
    ("使用 .NET 构建应用", 7),
    ("アプリを作成します", 9),
    ("Créez des applications « console » avec C# 9.0", 7),
])
def test_words_are_what_a_translator_reads(text: str, words: int) -> None:
    assert count_words(text) == words


def test_stats_text_table_and_bad_catalog(cli, catalogs: Path) -> None:
    (catalogs / "broken.po").write_text('msgid "a"\nmsgstr "b\n')
    result = cli("stats", catalogs, "--by", "total")
    assert result.code == 2
    assert result.err == f"error: {catalogs / 'broken.po'}:2: unterminated string\n"
    assert "total" in result.out and "% reviewed" in result.out


def test_collect_sums_pages() -> None:
    from tm.model import Catalog, Entry

    report = collect([("a", Catalog([Entry("1", "one two", "un deux")])),
                      ("b", Catalog([Entry("2", "three", "", fuzzy=False)]))])
    assert report.total.entries["reviewed"] == 1 and report.total.entries["untranslated"] == 1
    assert report.total.words == {"reviewed": 2, "vendor_ht": 0, "human_fuzzy": 0, "mt": 0, "untranslated": 1, "obsolete": 0}

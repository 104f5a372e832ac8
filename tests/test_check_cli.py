"""`tm check` on catalogs, and `tm merge --check` refusing reviewed translations that break the page."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest
from helpers import SAMPLES


@pytest.fixture
def catalogs(cli, tmp_path: Path) -> Path:
    assert cli("extract", SAMPLES, "--out", tmp_path / "loc", "-q").code == 0
    return tmp_path / "loc" / "fr-FR"


def review(path: Path, pair_id: str, target: str) -> int:
    """Set a reviewed translation; returns the PO line of the entry's msgid."""
    catalog = polib.pofile(str(path))
    entry = catalog.find(pair_id, by="msgctxt")
    entry.msgstr = target
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    catalog.save(str(path))
    text = path.read_text().splitlines()
    return next(n for n, line in enumerate(text, 1) if line == f'msgctxt "{pair_id}"') + 1


def test_clean_catalogs_pass(cli, catalogs: Path) -> None:
    result = cli("check", catalogs)
    assert result.code == 0, result.out + result.err
    assert result.out.startswith("0 findings in 21 entries of 3 catalogs")


def test_error_finding_exits_1_and_names_file_line_rule_and_id(cli, catalogs: Path) -> None:
    line = review(catalogs / "index.po", "42f44-109", "Exécutez `dotnet new`console pour créer une application *console*.")
    result = cli("check", catalogs)
    assert result.code == 1
    first = result.out.splitlines()[0]
    assert first.startswith(f"{catalogs / 'index.po'}:{line}: [inline-code] error: ")
    assert first.endswith("(42f44-109, reviewed)")
    findings = json.loads(cli("check", catalogs, "--json").out)
    assert [(f["rule"], f["id"], f["line"], f["fuzzy"]) for f in findings] == [
        ("inline-code", "42f44-109", line, False), ("code-glued", "42f44-109", line, False)]
    assert cli("check", catalogs, "--ignore", "inline-code,code-glued").code == 0
    assert cli("check", catalogs, "--rules", "TM215,untranslated").code == 0


def test_warnings_alone_exit_0_and_level_filters_them(cli, catalogs: Path) -> None:
    review(catalogs / "index.po", "42f44-105", "Your apps can run on Android, iOS, Linux, macOS, and Windows.")
    result = cli("check", catalogs, "--json")
    assert result.code == 0
    assert [f["rule"] for f in json.loads(result.out)] == ["untranslated"]
    assert json.loads(cli("check", catalogs, "--json", "--level", "error").out) == []


def test_merge_check_refuses_a_broken_review(cli, catalogs: Path, tmp_path: Path) -> None:
    review(catalogs / "index.po", "42f44-109", "Exécutez `dotnet new`console pour créer une application *console*.")
    review(catalogs / "index.po", "42f44-113", "En novembre 2020")
    result = cli("merge", catalogs, "--pages", SAMPLES, "--out", tmp_path / "out", "--check", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["refused"] == 1
    assert "42f44-109 not applied: [inline-code]" in report["refused_entries"][0]
    page = (tmp_path / "out" / "index.md").read_text()
    assert "En novembre 2020" in page and "`dotnet new`console" not in page
    without = cli("merge", catalogs, "--pages", SAMPLES, "--out", tmp_path / "out2")
    assert "`dotnet new`console" in (tmp_path / "out2" / "index.md").read_text() and without.code == 0


def test_usage_errors(cli, catalogs: Path) -> None:
    assert cli("check", catalogs, "--rules", "nope").code == 2
    assert cli("check", catalogs, "--level", "info").code == 2
    assert cli("check").code == 2
    listing = cli("check", "--list-rules")
    assert listing.code == 0 and "TM201  inline-code" in listing.out


def _catalog_file(path: Path, language: str, pairs: list[tuple[str, str]]) -> Path:
    """A PO catalog as an editor saves it: a `Language` header, then one entry per (source, target)."""
    entries = "".join(f'\n#: page.md:{n}\nmsgctxt "a-{n}"\nmsgid "{s}"\nmsgstr "{t}"\n' for n, (s, t) in enumerate(pairs, 1))
    path.write_text(f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: {language}\\n"\n'
                    + entries, encoding="utf-8")
    return path


PAIRS = [
    ("Set the `Name` property.", "Legen Sie die `Name`-Eigenschaft fest."),
    ("Starting with C# 7.0, you can.", "Ab C# 7,0 können Sie."),
    ("The `New-Object` cmdlet", "L' `New-Object` applet"),
    ("It needs 3.5 GB.", "3,5 GB."),
]


@pytest.mark.parametrize(
    ("language", "rules"),
    [
        ("de_DE", ["version-number"]),
        ("fr_FR", ["version-number", "elision"]),
        ("ja", ["version-number", "decimal-comma"]),
        ("", ["version-number"]),
    ],
)
def test_check_takes_the_language_from_the_catalog_header(cli, tmp_path: Path, language: str, rules: list[str]) -> None:
    path = _catalog_file(tmp_path / "page.po", language, PAIRS)
    findings = json.loads(cli("check", path, "--json").out)
    assert [f["rule"] for f in findings] == rules

"""Ordinary gettext catalogs (no tm header, no pair ids, plural entries, another charset) read and written back
as the same messages: checked with polib (entries identical) and GNU `msgfmt -c`.

`data/po/he.po` is a cut of a popular web framework's Hebrew catalog (4 plural forms, wrapped lines, contexts,
`python-format`); `data/po/latin1.po` a French catalog in ISO-8859-1 with plurals, `msgctxt ""`, previous
fields and obsolete plural entries.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from helpers import DATA
from lxml import etree
from xml_schemas import load_xsd

from tm.errors import InputError
from tm.formats import FORMATS, po
from tm.model import Catalog, Entry

CATALOGS = sorted((DATA / "po").glob("*.po"))
needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext not installed")


def polib_view(path: Path) -> tuple[object, ...]:
    """Everything gettext tells apart in a catalog, as polib reads it."""
    parsed = polib.pofile(str(path))
    entries = [(e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, sorted(e.msgstr_plural.items()), e.flags, e.tcomment,
                e.comment, e.occurrences, e.obsolete, e.previous_msgctxt, e.previous_msgid, e.previous_msgid_plural)
               for e in parsed]
    return parsed.encoding, parsed.header, parsed.metadata, entries


def msgfmt_check(path: Path) -> None:
    done = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_read_then_write_gives_the_same_messages(path: Path, tmp_path: Path) -> None:
    out = tmp_path / path.name
    out.write_bytes(po.write(po.read(path.read_bytes(), path=str(path))))
    assert polib_view(out) == polib_view(path)


@needs_msgfmt
@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_export_po_keeps_every_message(cli, path: Path, tmp_path: Path) -> None:
    msgfmt_check(path)
    result = cli("export", path.parent, "--format", "po", "--out", tmp_path / "out", "-q")
    assert result.code == 0, result.err
    out = tmp_path / "out" / path.name
    msgfmt_check(out)
    assert polib_view(out) == polib_view(path)
    assert b'msgctxt ""' not in out.read_bytes() or path.name == "latin1.po"


def test_plural_and_contextless_entries_are_read() -> None:
    catalog = po.read((DATA / "po" / "latin1.po").read_bytes(), path="latin1.po")
    tasks = next(e for e in catalog.entries if e.source == "%d task")
    assert (tasks.has_context, tasks.plural_source, tasks.target, tasks.plural_targets) == (
        False, "%d tasks", "%d tâche", ("%d tâches",))
    opens = [(e.id, e.has_context) for e in catalog.entries if e.source == "Open"]
    assert opens == [("menu", True), ("status", True), ("", True)]
    remind = next(e for e in catalog.entries if e.source.startswith("Remind"))
    assert remind.previous_plural_source == "Remind me %d minutes before" and remind.fuzzy
    archived = catalog.obsolete[-1]
    assert archived.plural_targets == ("%d tâches archivées",) and archived.obsolete


def test_latin1_stays_latin1() -> None:
    data = (DATA / "po" / "latin1.po").read_bytes()
    written = po.write(po.read(data, path="latin1.po"))
    assert b"T\xe2ches" in written and b"charset=ISO-8859-1" in written


@needs_msgfmt
def test_text_latin1_cannot_hold_is_written_in_utf8(tmp_path: Path) -> None:
    catalog = po.read((DATA / "po" / "latin1.po").read_bytes(), path="latin1.po")
    catalog.entries[0].target = "Tâches œuvrées"  # œ is not in ISO-8859-1
    out = tmp_path / "x.po"
    out.write_bytes(po.write(catalog))
    msgfmt_check(out)
    assert b"charset=UTF-8" in out.read_bytes()
    assert polib.pofile(str(out)).find("Tasks").msgstr == "Tâches œuvrées"


def test_declared_charset_wins_over_valid_utf8() -> None:
    """`Ã©` in Latin-1 is also valid UTF-8 (`é`): the header says which it is."""
    data = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=ISO-8859-1\\n"\n\nmsgid "a"\nmsgstr "Ã©"\n'
    assert po.read(data.encode("latin-1"), path="l.po").entries[0].target == "Ã©"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('msgid "a"\nmsgid_plural "as"\nmsgstr "b"\n', 1, "msgid_plural without msgstr[n]"),
        ('msgid "a"\nmsgstr[0] "b"\n', 1, "msgstr[n] without msgid_plural"),
        ('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[2] "c"\n', 1,
         "plural forms msgstr[n] not numbered 0, 1, 2, …"),
        ('msgid "a"\nmsgstr "b"\nmsgid_plural "as"\n', 3, "msgid_plural not right after msgid"),
        ('msgid "a"\nmsgid_plural "as"\nmsgstr[x] "b"\n', 3, "unknown keyword 'msgstr[x]'"),
        ('msgid ""\nmsgstr "Content-Type: text/plain; charset=NO-SUCH\\n"\n', 1, "unknown charset 'NO-SUCH'"),
    ],
)
def test_broken_plural_or_charset_names_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(InputError) as error:
        po.read(text.encode(), path="bad.po")
    assert str(error.value) == f"bad.po:{line}: {message}"


@needs_msgfmt
def test_multiline_comments_and_notes_stay_comments(tmp_path: Path) -> None:
    """Notes and comments read from XLIFF may hold line breaks: each line gets its `#.` or `# `."""
    header = {"Content-Type": "text/plain; charset=UTF-8"}
    catalog = Catalog([Entry("a-1", "Hi", "Salut", comments=("first\nsecond",), notes=("one\r\ntwo",)),
                       Entry("a-2", "Bye", "Adieu", notes=("three\nfour",))], header,
                      header_comments=("Translators:\nAnne",))
    out = tmp_path / "x.po"
    out.write_bytes(po.write(catalog))
    msgfmt_check(out)
    again = po.read(out.read_bytes(), path="x.po")
    assert [(e.comments, e.notes) for e in again.entries] == [(("first", "second"), ("one", "two")),
                                                               ((), ("three", "four"))]
    assert again.header_comments == ("Translators:", "Anne")


def test_stats_counts_plural_entries(cli) -> None:
    """As polib and `msgfmt --statistics` count them: a plural entry is translated when every form is."""
    result = cli("stats", DATA / "po" / "latin1.po", "--json")
    assert result.code == 0, result.err
    entries = json.loads(result.out)["total"]["entries"]
    assert entries == {"reviewed": 7, "vendor_ht": 0, "human_fuzzy": 0, "mt": 1, "untranslated": 1, "obsolete": 2, "total": 9}


def test_stats_counts_a_plural_entry_with_an_empty_form_untranslated(cli, tmp_path: Path) -> None:
    path = tmp_path / "half.po"
    path.write_text('msgid "%d task"\nmsgid_plural "%d tasks"\nmsgstr[0] "%d tâche"\nmsgstr[1] ""\n\n'
                    'msgid "%d day"\nmsgid_plural "%d days"\nmsgstr[0] "%d jour"\nmsgstr[1] "%d jours"\n')
    entries = json.loads(cli("stats", path, "--json").out)["total"]["entries"]
    assert (entries["reviewed"], entries["untranslated"]) == (1, 1) == (
        len(polib.pofile(str(path)).translated_entries()), len(polib.pofile(str(path)).untranslated_entries()))


# ---------------------------------------------------------------- through XLIFF and back


needs_po2xliff = pytest.mark.skipif(shutil.which("po2xliff") is None, reason="translate-toolkit not installed")


@needs_msgfmt
@needs_po2xliff
@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_po2xliff_output_converts_to_a_valid_catalog(cli, path: Path, tmp_path: Path) -> None:
    """translate-toolkit's XLIFF: its header unit is the header (not an entry), its plural groups plural entries,
    its multi-line notes stay comments."""
    (tmp_path / "x").mkdir()
    xlf = tmp_path / "x" / f"{path.stem}.xlf"
    subprocess.run(["po2xliff", "--progress=none", str(path), str(xlf)], check=True, capture_output=True)
    result = cli("export", xlf, "--format", "po", "--out", tmp_path / "po", "-q")
    assert result.code == 0, result.err
    out = tmp_path / "po" / f"{path.stem}.po"
    msgfmt_check(out)
    original, converted = polib.pofile(str(path)), polib.pofile(str(out))
    assert converted.metadata == original.metadata
    assert [(e.msgid, e.msgid_plural, e.msgstr, e.msgstr_plural) for e in converted] == [
        (e.msgid, e.msgid_plural, e.msgstr, e.msgstr_plural) for e in original]  # po2xliff keeps no `#~`
    stats = json.loads(cli("stats", out, "--json").out)["total"]["entries"]
    assert stats["reviewed"] == len(converted.translated_entries())  # the header is no entry


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_po_through_xliff_keeps_every_message(cli, path: Path, tmp_path: Path) -> None:
    assert cli("export", path, "--format", "xliff", "--out", tmp_path / "x", "-q").code == 0
    xlf = tmp_path / "x" / f"{path.stem}.xlf"
    schema = load_xsd("xliff-core-1.2-strict.xsd")
    assert schema.validate(etree.parse(str(xlf))), schema.error_log.last_error
    assert cli("export", xlf, "--format", "po", "--out", tmp_path / "po", "-q").code == 0
    assert polib_view(tmp_path / "po" / path.name) == polib_view(path)


@pytest.mark.parametrize("fmt", ["xliff2", "tmx"])
def test_formats_without_plurals_refuse_plural_entries(cli, fmt: str, tmp_path: Path) -> None:
    result = cli("export", DATA / "po", "--format", fmt, "--out", tmp_path / "out")
    assert result.code == 2
    assert f"latin1.po:33: plural entries (msgid_plural) cannot be written as {fmt}" in result.err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("fmt", ["xliff", "xliff2", "tmx"])
def test_entries_without_context_keep_none_through_every_format(fmt: str) -> None:
    adapter = FORMATS[fmt]
    catalog = Catalog([Entry("", "Open", "Ouvrir", has_context=False), Entry("", "Open", "Ouvert"),
                       Entry("menu", "Open", "Ouvrir")], {"Language": "fr"}, locale="fr")
    again = adapter.read(adapter.write(catalog), path=f"x{adapter.SUFFIXES[0]}")
    assert [(e.id, e.has_context, e.target) for e in again.entries] == [
        ("", False, "Ouvrir"), ("", True, "Ouvert"), ("menu", True, "Ouvrir")]


def test_a_template_with_a_fuzzy_header_is_written_back_byte_for_byte() -> None:
    template = (b'# SOME DESCRIPTIVE TITLE.\n#, fuzzy\nmsgid ""\nmsgstr ""\n'
                b'"Content-Type: text/plain; charset=CHARSET\\n"\n"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"\n'
                b'\n#: a.c:1\n#, c-format\nmsgid "%d file"\nmsgid_plural "%d files"\nmsgstr[0] ""\nmsgstr[1] ""\n')
    catalog = po.read(template, path="t.pot")
    assert catalog.header_flags == ("fuzzy",) and not catalog.entries[0].reviewed
    assert po.write(catalog) == template

"""Malformed PO: every reader of `tm` names the file and line, where polib reads on and loses text.

The cases here are why `tm.formats.po` keeps a line reader of its own for catalogs not in `tm`'s canonical
form, rather than polib plus a check (see its docstring): `test_polib_reads_on` records what polib 1.2 does
with each. If a later polib refuses them all, the choice can be made again.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from helpers import SAMPLES

from tm.errors import InputError
from tm.formats import po, po_read

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
ENTRY = 'msgctxt "a-1"\nmsgid "Hello"\nmsgstr "Bonjour"\n'

# name: (file text, the error line and message of every reader)
MALFORMED = {
    "unterminated string": (HEADER + 'msgctxt "a-2"\nmsgid "Bye\nmsgstr "Adieu"\n\n' + ENTRY,
                            "6: unterminated string"),
    "unterminated continuation": (HEADER + 'msgctxt "a-2"\nmsgid ""\n"Bye\nmsgstr "Adieu"\n',
                                  "7: unterminated string"),
    "missing msgstr": (HEADER + 'msgctxt "a-2"\nmsgid "Bye"\n\n' + ENTRY, "6: msgid without msgstr"),
    "missing msgstr at the end": (HEADER + ENTRY + '\nmsgctxt "a-2"\nmsgid "Bye"\n', "10: msgid without msgstr"),
    "stray text": (HEADER + ENTRY + "Bonjour tout le monde\n", "8: expected a quoted string after 'Bonjour'"),
    "keyword without a string": (HEADER + 'msgctxt "a-2"\nmsgid Bye\nmsgstr "Adieu"\n\n' + ENTRY,
                                 "6: expected a quoted string after 'msgid'"),
    "continuation without keyword": (HEADER + '"Bye"\n' + ENTRY, "5: string continuation without a keyword"),
    "unescaped quote": (HEADER + 'msgctxt "a-2"\nmsgid "Say "hi""\nmsgstr ""\n', "6: unescaped quote in string"),
    "plural forms without msgid_plural": (HEADER + 'msgid "file"\nmsgstr[0] "fichier"\n',
                                          "5: msgstr[n] without msgid_plural"),
    "msgid_plural without plural forms": (HEADER + 'msgid "file"\nmsgid_plural "files"\nmsgstr "fichier"\n',
                                          "5: msgid_plural without msgstr[n]"),
    "comments after the last entry": (HEADER + ENTRY + "\n# by Anne\n", "10: comments after the last entry"),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_every_reader_names_the_line(name: str) -> None:
    text, message = MALFORMED[name]
    assert po_read.tokenize(text) is None  # each view of the canonical form checks for itself
    assert po_read.read_reviewed(text.encode(), path="bad.po") is None
    for read in (po.read, po.read_texts, po.read_lazy):
        with pytest.raises(InputError, match=f"^bad.po:{re.escape(message)}$"):
            read(text.encode(), path="bad.po")
    with pytest.raises(InputError, match=f"^bad.po:{re.escape(message)}$"):
        po.read(text.encode(), path="bad.po", reviewed_only=True, header=False)


def test_a_file_not_valid_in_its_charset_names_the_line() -> None:
    data = (HEADER + ENTRY + '\nmsgctxt "a-2"\nmsgid "Caf\xe9"\nmsgstr ""\n').encode("latin-1")  # declares UTF-8
    for read in (po.read, po.read_texts, po.read_lazy):
        with pytest.raises(InputError, match=r"^bad.po:10: invalid UTF-8$"):
            read(data, path="bad.po")


def test_what_gettext_refuses_and_tm_keeps() -> None:
    """An unknown escape and a repeated message: msgfmt refuses both; `tm` (as polib) reads them and loses
    nothing: the escape's backslash is kept, and both entries."""
    text = HEADER + 'msgctxt "a-1"\nmsgid "C:\\q"\nmsgstr "x"\n\n' + ENTRY + "\n" + ENTRY.replace("Bonjour", "Salut")
    catalog = po.read(text.encode(), path="x.po")
    assert [(e.id, e.source, e.target) for e in catalog.entries] == [
        ("a-1", "C:\\q", "x"), ("a-1", "Hello", "Bonjour"), ("a-1", "Hello", "Salut")]
    assert po.read(po.write(catalog), path="x.po").entries == catalog.entries


# What polib 1.2 gives for each case: "error" when it refuses the file, else the (msgctxt, msgid, msgstr) it read.
POLIB = {
    "unterminated string": [("a-2", "By", "Adieu"), ("a-1", "Hello", "Bonjour")],  # "Bye" lost a letter
    "unterminated continuation": [("a-2", "By", "Adieu")],
    "missing msgstr": "error",
    "missing msgstr at the end": [("a-1", "Hello", "Bonjour"), ("a-2", "Bye", "")],
    "stray text": "error",
    "keyword without a string": [("a-2", "y", "Adieu"), ("a-1", "Hello", "Bonjour")],  # "Bye" lost two
    "continuation without keyword": [("a-1", "Hello", "Bonjour")],  # "Bye" is gone
    "unescaped quote": "error",
    "plural forms without msgid_plural": [(None, "file", "")],  # msgstr[0] is not the msgstr
    "msgid_plural without plural forms": [(None, "file", "fichier")],  # msgid_plural is gone
    "comments after the last entry": [("a-1", "Hello", "Bonjour")],  # the comment is gone
}


@pytest.mark.parametrize("name", MALFORMED)
def test_polib_reads_on(name: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.po"
    path.write_text(MALFORMED[name][0])
    try:
        read = [(e.msgctxt, e.msgid, e.msgstr) for e in polib.pofile(str(path))]
    except OSError:
        read = "error"  # type: ignore[assignment]
    assert read == POLIB[name]


def test_polib_gives_no_line_for_a_file_not_valid_in_its_charset(tmp_path: Path) -> None:
    path = tmp_path / "bad.po"
    path.write_bytes((HEADER + 'msgid "Caf\xe9"\nmsgstr ""\n').encode("latin-1"))
    with pytest.raises(UnicodeDecodeError):
        polib.pofile(str(path))


@pytest.mark.parametrize("command", ["check", "stats", "export"])
def test_commands_report_the_line_and_read_the_good_catalogs(command: str, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    docs = Path(shutil.copytree(SAMPLES, tmp_path / "docs"))
    assert cli("extract", docs, "--out", tmp_path / "loc", "-q").code == 0
    broken = tmp_path / "loc/fr-FR/broken.po"
    broken.write_text(MALFORMED["unterminated string"][0])
    out = ["--format", "xliff", "--out", tmp_path / "out"] if command == "export" else []
    result = cli(command, tmp_path / "loc", *out)
    assert result.code == 2
    assert [line for line in result.err.splitlines() if line.startswith("error:")] == [
        f"error: {broken}:6: unterminated string"]
    if command == "stats":
        assert "index.po" in result.out  # the good catalogs are still counted

"""Previous fields of a PO entry (`#| msgctxt`, `#| msgid`): gettext's previous record is a msgctxt + msgid pair.

An entry whose id changed but whose source did not (`previous_id` set, `previous_source` None) is written
with `#| msgid` holding its own source, since `msgfmt -c` rejects a `#| msgctxt` alone; and a `#| msgid`
equal to the entry's msgid under a `#| msgctxt` reads back as no previous source, which is also what
`msgmerge` writes when only the context of a message changed.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from helpers import SAMPLES

from tm.catalogs import read_catalog
from tm.formats import po, po_lines, po_read, xliff

needs_gettext = pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU gettext not installed")


def msgfmt_errors(path: Path) -> str:
    done = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=False, capture_output=True, text=True)
    return "" if done.returncode == 0 else done.stderr


@pytest.fixture
def renamed_xliff(cli, tmp_path: Path) -> tuple[Path, str, str]:
    """tm's own XLIFF of an extracted sample page whose first pair got a new id (same English): path, old id, new id."""
    assert cli("extract", SAMPLES, "--out", tmp_path / "loc", "-q").code == 0
    page = min((tmp_path / "loc" / "fr-FR").rglob("*.po"))
    catalog = read_catalog(page)
    old = catalog.entries[0]
    catalog.entries[0] = replace(old, id=old.id + "-moved", fuzzy=True, previous_id=old.id)
    path = tmp_path / "page.xlf"
    path.write_bytes(xliff.write(catalog))
    return path, old.id, old.id + "-moved"


@needs_gettext
def test_export_of_a_renamed_pair_gives_po_that_msgfmt_and_polib_read(cli, renamed_xliff, tmp_path: Path) -> None:
    path, old_id, new_id = renamed_xliff
    assert cli("export", path, "--format", "po", "--out", tmp_path / "po", "-q").code == 0
    out = tmp_path / "po" / "page.po"
    assert msgfmt_errors(out) == ""
    moved = polib.pofile(str(out)).find(new_id, by="msgctxt")
    assert (moved.previous_msgctxt, moved.previous_msgid) == (old_id, moved.msgid)
    entry = next(e for e in read_catalog(out).entries if e.id == new_id)
    assert (entry.previous_id, entry.previous_source) == (old_id, None)
    exported = next(e for e in read_catalog(path).entries if e.id == new_id)
    assert replace(entry, line=0) == replace(exported, line=0)
    assert po.write(po.read(out.read_bytes(), path=str(out))) == out.read_bytes()


def _only_context_changed(tmp_path: Path) -> Path:
    """`msgmerge` of a catalog whose message moved to a new msgctxt (same msgid) onto the new template."""
    (tmp_path / "old.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgctxt "a-1"\nmsgid "Build the project."\nmsgstr "Générez le projet."\n',
        encoding="utf-8",
    )
    (tmp_path / "new.pot").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgctxt "b-7"\nmsgid "Build the project."\nmsgstr ""\n',
        encoding="utf-8",
    )
    out = tmp_path / "merged.po"
    subprocess.run(
        ["msgmerge", "--previous", "-q", "-o", str(out), str(tmp_path / "old.po"), str(tmp_path / "new.pot")],
        check=True,
    )
    return out


@needs_gettext
@pytest.mark.parametrize("tool", ["msgmerge", "msgcat"])
def test_gettext_previous_context_only_reads_as_tm_writes_it(tmp_path: Path, tool: str) -> None:
    path = _only_context_changed(tmp_path)
    if tool == "msgcat":  # wrapped at 20 columns: the previous msgid on three lines
        subprocess.run(["msgcat", "-w", "20", "-o", str(tmp_path / "cat.po"), str(path)], check=True)
        path = tmp_path / "cat.po"
    text = path.read_text(encoding="utf-8")
    assert '#| msgctxt "a-1"\n' in text and "#| msgid" in text
    catalog = po.read(path.read_bytes(), path=str(path))
    (entry,) = catalog.entries
    assert (entry.id, entry.fuzzy, entry.previous_id, entry.previous_source) == ("b-7", True, "a-1", None)
    assert po_lines.read_lines(text, path=str(path)).entries == [entry]  # the general reader agrees
    again = po.read(po.write(catalog), path="x.po").entries[0]
    assert replace(again, line=0) == replace(entry, line=0)


def test_both_readers_agree_on_previous_fields() -> None:
    """The tokenizer (canonical form) and the line reader give the same previous fields, same or other msgid."""
    text = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\n#| msgctxt "a-1"\n#| msgid "Same"\nmsgctxt "b-1"\nmsgid "Same"\nmsgstr "Pareil"\n\n'
        '#, fuzzy\n#| msgctxt "a-2"\n#| msgid "Old"\nmsgctxt "b-2"\nmsgid "New"\nmsgstr "Nouveau"\n\n'
        '#, fuzzy\n#| msgid "Same too"\nmsgctxt "b-3"\nmsgid "Same too"\nmsgstr "Pareil"\n\n'
        '#| msgctxt "a-4"\n#| msgid "Kept"\nmsgctxt "b-4"\nmsgid "Kept"\nmsgstr "Gardé"\n'
    )
    assert po_read.tokenize(text) is not None  # canonical: `po.read` takes the tokenizer's path
    fast = po.read(text.encode(), path="x.po").entries
    assert fast == po_lines.read_lines(text, path="x.po").entries
    lazy = po.read_lazy(text.encode(), path="x.po")
    assert [lazy.entry(i) for i in range(len(lazy.sources))] == fast
    assert po.read(text.encode(), path="x.po", reviewed_only=True).entries == [fast[3]]
    assert [(e.previous_id, e.previous_source) for e in fast] == [
        ("a-1", None),
        ("a-2", "Old"),
        (None, "Same too"),
        ("a-4", None),
    ]


@needs_gettext
def test_normalize_repairs_a_previous_id_alone_that_tm_wrote_before(cli, tmp_path: Path) -> None:
    """Earlier tm wrote `#| msgctxt` alone; normalize writes the pair (msgfmt -c then accepts it), and calls
    that no change of content: polib's new `previous_msgid` is the entry's own msgid."""
    path = tmp_path / "old.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\n#| msgctxt "o-1"\nmsgctxt "n-1"\nmsgid "Moved"\nmsgstr "Déplacé"\n',
        encoding="utf-8",
    )
    assert msgfmt_errors(path) != ""
    result = cli("normalize", path)
    assert result.code == 0, result.err
    assert '#| msgctxt "o-1"\n#| msgid "Moved"\nmsgctxt "n-1"\n' in path.read_text(encoding="utf-8")
    assert msgfmt_errors(path) == ""

"""`tm update` of catalogs a translator's tools wrote otherwise than tm: another charset, entries without
`msgctxt`, plural entries. Each is written back right (checked with `msgfmt -c` and polib) and nothing is lost."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from helpers import DATA

from tm.formats import po
from tm.model import Catalog, Entry

OLD, NEW = DATA / "handoffs" / "old", DATA / "handoffs" / "new"
needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext not installed")
LATIN1 = "text/plain; charset=ISO-8859-1"


def msgfmt_check(path: Path) -> None:
    done = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def rewrite(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    catalog = po.read(path.read_bytes(), path=str(path))
    change(catalog)
    path.write_bytes(po.write(catalog))


def review(catalog: Catalog, source: str, target: str) -> Entry:
    entry = next(e for e in catalog.entries if e.source == source)
    entry.target, entry.fuzzy = target, False
    return entry


def to_latin1(catalog: Catalog) -> None:
    catalog.header["Content-Type"] = LATIN1
    for entry in catalog.entries:  # tm's place notes quote headings with “ ”, which Latin-1 lacks
        entry.notes = tuple(n.replace("“", '"').replace("”", '"') for n in entry.notes)


def polib_entries(path: Path) -> list[tuple[object, ...]]:
    return [(e.msgctxt, e.msgid, e.msgid_plural or None, e.msgstr, sorted(e.msgstr_plural.items()), bool(e.obsolete))
            for e in polib.pofile(str(path))]


def our_entries(path: Path) -> list[tuple[object, ...]]:
    catalog = po.read(path.read_bytes(), path=str(path))
    return [(e.id if e.has_context else None, e.source, e.plural_source, "" if e.plural else e.target,
             sorted(enumerate((e.target, *e.plural_targets))) if e.plural else [], e.obsolete)
            for e in catalog.active + catalog.obsolete]


@pytest.fixture
def tree(cli, tmp_path: Path) -> Path:
    """The old handoff extracted; guide/index.yml.po in Latin-1, index.po in Latin-1 with a plural entry, a
    review whose msgctxt a tool dropped and an entry without msgctxt that the page does not have."""
    assert cli("extract", OLD, "--out", tmp_path / "locales", "-q").code == 0
    base = tmp_path / "locales" / "fr-FR"

    def yaml_page(catalog: Catalog) -> None:
        to_latin1(catalog)
        review(catalog, 'The "C#" language guide for developers.', "Le guide des tâches C# (relu).")

    def index(catalog: Catalog) -> None:
        to_latin1(catalog)
        review(catalog, "Welcome to .NET", "Bienvenue dans .NET, tâches (relu)")
        close = review(catalog, "Close the window.", "Fermez la fenêtre (relu).")
        close.id, close.has_context = "", False
        catalog.entries.insert(2, Entry("", "%d item", "%d élément", has_context=False, plural_source="%d items",
                                        plural_targets=("%d éléments",), flags=("c-format",)))
        catalog.entries.append(Entry("", "A sentence no page has.", "Une phrase (relue).", has_context=False))

    rewrite(base / "guide" / "index.yml.po", yaml_page)
    rewrite(base / "index.po", index)
    assert b"t\xe2ches" in (base / "index.po").read_bytes()
    return base


@needs_msgfmt
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_update_keeps_charset_plurals_and_entries_without_context(cli, tree: Path, jobs: str) -> None:
    result = cli("update", tree, NEW, "--json", "--jobs", jobs)
    assert result.code == 0, result.err

    yaml_page = tree / "guide" / "index.yml.po"  # still Latin-1: it can hold every text
    assert b"charset=ISO-8859-1" in yaml_page.read_bytes() and b"t\xe2ches" in yaml_page.read_bytes()
    index = tree / "index.po"  # the new page's notes need “ ”: written in UTF-8, and the header says so
    assert b"charset=UTF-8" in index.read_bytes() and "tâches".encode() in index.read_bytes()
    for path in (yaml_page, index):
        msgfmt_check(path)
        assert polib_entries(path) == our_entries(path)
    carried = polib.pofile(str(yaml_page)).find("The \"C#\" language guide for all developers.", by="msgid")
    assert (carried.msgstr, carried.fuzzy) == ("Le guide des tâches C# (relu).", True)

    catalog = po.read(index.read_bytes(), path=str(index))
    plural = [e for e in catalog.active if e.plural]
    assert [(e.source, e.target, e.plural_targets, e.flags) for e in plural] == [
        ("%d item", "%d élément", ("%d éléments",), ("c-format",))]
    assert catalog.active[-1] is plural[0]  # after the page's entries
    close = next(e for e in catalog.active if e.source == "Close the window.")
    assert (close.target, close.fuzzy, close.has_context) == ("Fermez la fenêtre (relu).", False, True)
    gone = [(e.source, e.target, e.has_context) for e in catalog.obsolete]
    assert ("A sentence no page has.", "Une phrase (relue).", False) in gone

    again = json.loads(cli("update", tree, NEW, "--json", "--jobs", jobs).out)
    assert again["files_written"] == 0


def test_a_page_that_left_makes_plural_entries_obsolete_with_the_rest(cli, tree: Path, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    shutil.copytree(NEW, pages)
    (pages / "index.md").unlink()
    assert cli("update", tree, pages, "-q").code == 0
    catalog = po.read((tree / "index.po").read_bytes(), path="index.po")
    assert not catalog.active
    assert [(e.target, e.plural_targets) for e in catalog.obsolete if e.plural] == [("%d élément", ("%d éléments",))]

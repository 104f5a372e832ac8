"""The contract every catalog format adapter keeps (po, xliff, xliff2, tmx), one suite parametrised over `FORMATS`.

Each adapter module has `NAME`, `SUFFIXES`, `read(data, *, path) -> Catalog` and `write(catalog) -> bytes`;
what it writes is valid for its format (XML: against the standard's schema in tests/data/schemas; PO: `msgfmt -c`,
the gettext oracle, where it is installed), reads back as the same catalog, is the same bytes every time, is
recognised by `for_data`, and gives each entry the line it starts on. Bad input is an `InputError` naming the file.

Where PO legitimately differs from the XML formats, `as_written` says so, case by case:
- a PO catalog keeps its locale and page only as the header fields `Language` and `X-Page`, so a catalog
  whose `locale`/`page` are not in its header reads back with the header's (empty when the header has none);
- PO comments are lines: a translator comment holding a line break comes back as one comment per line
  (XLIFF notes keep it, README "Catalogs from other tools");
- gettext forbids what the XML formats allow: a catalog without a header (`Content-Type`), and an obsolete
  entry with the same context and source as an active one (`msgfmt` rejects both as duplicates or an
  invalid header); such cases are checked for round trips, not against `msgfmt`.
Plural entries (`msgid_plural`) are the other way round: po and xliff hold them, xliff2 and tmx refuse them.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
from dataclasses import replace
from types import ModuleType

import pytest
from xml_schemas import errors as schema_errors

from tm.errors import InputError
from tm.formats import _SUFFIXES, FORMATS, check_writable, for_data, for_path, get_format
from tm.model import Catalog, Entry

ADAPTERS = [FORMATS[name] for name in FORMATS]

HEADER = {
    "Project-Id-Version": "core/index.md", "POT-Creation-Date": "2020-09-15 00:00+0000", "Last-Translator": "",
    "Language": "fr_FR", "Content-Type": "text/plain; charset=UTF-8", "X-Page": "core/index.md",
    "X-Ms-Lasthandoff": "09/15/2020", "X-Ms-Translationtype": "MT", "X-Ms-Contentlocale": "fr-FR",
}  # fmt: skip

MARKUP = [
    ("See [the `Main` method](main.md) and ![a diagram](media/x.png \"Title\").",
     "Voir [la méthode `Main`](main.md) et ![un schéma](media/x.png \"Title\")."),
    ("Calls <xref:System.String.Format%2A?displayProperty=nameWithType> with ``a`b`` and `c`.",
     "Appelle <xref:System.String.Format%2A?displayProperty=nameWithType> avec ``a`b`` et `c`."),
    ('[Download<span class="docon docon-navigate-external x-hidden-focus"></span>](https://dot.net)<br/>',
     '[Télécharger<span class="docon docon-navigate-external x-hidden-focus"></span>](https://dot.net)<br/>'),
    ('<a name="top"></a>Press <kbd>Ctrl</kbd>+<kbd>C</kbd>&nbsp;&#124; see <https://aka.ms/x>.',
     '<a name="top"></a>Appuyez sur <kbd>Ctrl</kbd>+<kbd>C</kbd>&nbsp;&#124; voir <https://aka.ms/x>.'),
    ("Escapes: \\<add>, \\*, \\[not a link](x), 2 < 3 & 4 > 1, [!INCLUDE[name](~/inc.md)] <!-- c -->",
     "Échappements : \\<add>, \\*, \\[pas un lien](x), 2 < 3 & 4 > 1, [!INCLUDE[name](~/inc.md)] <!-- c -->"),
    ("[![badge](b.svg)](https://x) [unclosed `tick ]]> \"q\" 'a'\tTab\r\nCRLF\x01\x1f\ufffe",
     "[![badge](b.svg)](https://x) [non fermé `tick ]]> « q »\tTab\r\nCRLF\x01\x1f\ufffe"),
]  # fmt: skip

CASES: dict[str, list[Entry]] = {
    "plain": [Entry("a-1", "Hello", "Bonjour", references=("core/index.md:3",)),
              Entry("a-2", "Goodbye", "Au revoir", fuzzy=True, references=("core/index.md:5",))],
    "empty": [],
    "empty-strings": [Entry("", "", ""), Entry("a-1", "Untranslated", ""), Entry("a-2", "Fuzzy empty", "", fuzzy=True),
                      Entry("a-3", " ", " "), Entry("a-3", "Same id again", "Même id")],
    "non-ascii": [Entry("a-1", "Zürich — “quotes” 😀 中文", "Zurich — « guillemets » 😀 中文", comments=("é",)),
                  Entry("a-2", "Non-breaking\u00a0space", "Espace\u00a0insécable\u202f!"),
                  Entry("id with spaces/é", "Odd id", "Id bizarre"), Entry("tm-unit-3", "Clash", "Conflit"),
                  Entry("", "No id", "Sans id"), Entry("tm-unit-3", "Clash again", "Encore")],
    "markup": [Entry(f"m-{n}", s, t, fuzzy=n % 2 == 0) for n, (s, t) in enumerate(MARKUP)],
    "fuzzy-previous": [Entry("f-1", "Run `dotnet build` now.", "Exécutez `dotnet build` maintenant.", fuzzy=True,
                             previous_source="Run `dotnet run` now.", previous_id="f-0"),
                       Entry("f-2", "New [text](a.md)", "", fuzzy=True, previous_source=""),
                       Entry("f-3", "Moved", "Déplacé", fuzzy=True, previous_id="old-3")],
    "comments": [Entry("c-1", "Text", "Texte", flags=("python-format", "no-wrap"),
                       comments=("Check with the team", "", "line one\nline two"),
                       notes=("heading 2", "machine translation (MT), handoff 09/15/2020"),
                       references=("core/index.md:12", "other.md", "c:\\dir\\x.md:7", "weird:ref:"))],
    "obsolete": [Entry("o-1", "Kept", "Gardé"),
                 Entry("o-2", "Gone", "Parti", obsolete=True),
                 Entry("o-3", "Gone `fuzzy`", "Parti `fuzzy`", fuzzy=True, obsolete=True, previous_source="Old"),
                 Entry("o-1", "Kept", "Gardé", obsolete=True)],
}  # fmt: skip

# Cases gettext itself rejects (see the module docstring): round trips are checked, `msgfmt -c` is not.
NOT_GETTEXT = {"obsolete", "odd-locale"}


def catalog(entries: list[Entry], **overrides: object) -> Catalog:
    """A catalog as `tm extract` makes them: header, locale, page, and the given entries (copied)."""
    fields: dict[str, object] = {"header": dict(HEADER), "locale": "fr-FR", "page": "core/index.md",
                                 "header_comments": ("Translations for core/index.md", "")}  # fmt: skip
    fields.update(overrides)
    return Catalog(entries=copy.deepcopy(entries), **fields)  # type: ignore[arg-type]


def cases() -> list[tuple[str, Catalog]]:
    out = [(name, catalog(entries)) for name, entries in CASES.items()]
    out.append(("no-locale", catalog(CASES["plain"], locale="", page="")))
    out.append(("odd-locale", catalog(CASES["plain"], locale="fr_FR", header={}, header_comments=())))
    return out


def as_written(adapter: ModuleType, original: Catalog) -> Catalog:
    """What `adapter.read(adapter.write(original))` must give: `original`, but for what PO cannot say otherwise."""
    if adapter.NAME != "po":
        return original
    entries = [replace(e, comments=tuple(line for c in e.comments for line in c.split("\n"))) for e in original.entries]
    return replace(original, entries=entries, locale=original.header.get("Language", "").replace("_", "-"),
                   page=original.header.get("X-Page", ""))  # fmt: skip


def assert_valid(adapter: ModuleType, data: bytes, case: str) -> None:
    """`data` is valid for its format: the XML schema, or for PO `msgfmt -c` (when gettext is installed)."""
    if adapter.NAME != "po":
        assert schema_errors(adapter.NAME, data) == []
    elif case not in NOT_GETTEXT and shutil.which("msgfmt"):
        checked = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", "-"], input=data, capture_output=True, check=False)
        assert checked.returncode == 0, checked.stderr.decode()


def _ids(adapters: list[ModuleType]) -> list[str]:
    return [a.NAME for a in adapters]


# ---------------------------------------------------------------- the interface and the registry


@pytest.mark.parametrize("adapter", ADAPTERS, ids=_ids(ADAPTERS))
def test_adapter_interface_and_registry(adapter: ModuleType) -> None:
    assert adapter.NAME in FORMATS and get_format(adapter.NAME) is adapter
    assert adapter.SUFFIXES == _SUFFIXES[adapter.NAME]  # the registry matches files without importing adapters
    assert callable(adapter.read) and callable(adapter.write)
    for suffix in adapter.SUFFIXES:
        assert for_path(f"dir/page{suffix.upper()}") is adapter


def test_the_registry_holds_every_format_and_only_those() -> None:
    assert list(FORMATS) == ["po", "xliff", "xliff2", "tmx"]
    assert sorted({s for a in ADAPTERS for s in a.SUFFIXES}) == [".po", ".pot", ".tmx", ".xlf", ".xliff"]


# ---------------------------------------------------------------- round trips and validity


@pytest.mark.parametrize("adapter", ADAPTERS, ids=_ids(ADAPTERS))
@pytest.mark.parametrize(("case", "original"), cases(), ids=[name for name, _ in cases()])
def test_written_files_are_valid_and_read_back_the_same(adapter: ModuleType, case: str, original: Catalog) -> None:
    data = adapter.write(original)
    assert_valid(adapter, data, case)
    assert adapter.read(data, path=f"x{adapter.SUFFIXES[0]}") == as_written(adapter, original)


@pytest.mark.parametrize("adapter", ADAPTERS, ids=_ids(ADAPTERS))
@pytest.mark.parametrize(("case", "original"), cases(), ids=[name for name, _ in cases()])
def test_writing_is_deterministic_and_a_fixed_point(adapter: ModuleType, case: str, original: Catalog) -> None:
    """The same catalog gives the same bytes, and what was read back writes the same bytes again."""
    data = adapter.write(original)
    assert adapter.write(copy.deepcopy(original)) == data
    assert adapter.write(adapter.read(data, path=f"x{adapter.SUFFIXES[0]}")) == data


@pytest.mark.parametrize("adapter", ADAPTERS, ids=_ids(ADAPTERS))
def test_for_data_recognises_what_each_adapter_wrote(adapter: ModuleType) -> None:
    data = adapter.write(catalog(CASES["plain"]))
    for suffix in adapter.SUFFIXES:
        assert for_data(f"page{suffix}", data) is adapter


@pytest.mark.parametrize("adapter", ADAPTERS, ids=_ids(ADAPTERS))
def test_entry_lines_point_into_the_written_file(adapter: ModuleType) -> None:
    """Each entry's line holds its id (XML: the unit's start tag) or its source (PO: the `msgid` line, as msgfmt
    reports it), so that `path:line` in a message leads to it."""
    data = adapter.write(catalog(CASES["plain"] + CASES["obsolete"][:2]))
    lines = data.decode().splitlines()
    for entry in adapter.read(data, path="x").entries:
        line = lines[entry.line - 1]
        assert entry.id in line or f'"{entry.source}"' in line, (entry, line)


# ---------------------------------------------------------------- plural entries


PLURAL = Entry("", "One file", "Un fichier", plural_source="{n} files", plural_targets=("{n} fichiers",),
               has_context=False)  # fmt: skip


@pytest.mark.parametrize("adapter", ADAPTERS, ids=_ids(ADAPTERS))
def test_plural_entries_round_trip_or_are_refused(adapter: ModuleType) -> None:
    original = catalog([CASES["plain"][0], PLURAL])
    if adapter.NAME in ("po", "xliff"):
        check_writable(adapter.NAME, original, path="x.po")
        assert adapter.read(adapter.write(original), path="x").entries == original.entries
    else:
        with pytest.raises(InputError, match=f"cannot be written as {adapter.NAME}"):
            check_writable(adapter.NAME, original, path="x.po")


# ---------------------------------------------------------------- bad input


BROKEN = {
    "po": b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "open\nmsgstr "x"\n',
    "xliff": b'<?xml version="1.0"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">\n<file',
    "xliff2": b'<?xml version="1.0"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0">\n<file',
    "tmx": b'<?xml version="1.0"?>\n<tmx version="1.4">\n<body><tu>',
}


@pytest.mark.parametrize("adapter", ADAPTERS, ids=_ids(ADAPTERS))
def test_broken_input_is_an_input_error_naming_the_file(adapter: ModuleType) -> None:
    path = f"dir/broken{adapter.SUFFIXES[0]}"
    with pytest.raises(InputError) as caught:
        adapter.read(BROKEN[adapter.NAME], path=path)
    assert caught.value.path == path and str(caught.value).startswith(f"{path}:")


@pytest.mark.parametrize("adapter", ADAPTERS, ids=_ids(ADAPTERS))
def test_bytes_that_are_not_the_declared_encoding_are_an_input_error(adapter: ModuleType) -> None:
    data = adapter.write(catalog(CASES["plain"])).replace(b"Bonjour", "Bonjour \xe9".encode("latin-1"))
    with pytest.raises(InputError):
        adapter.read(data, path=f"x{adapter.SUFFIXES[0]}")

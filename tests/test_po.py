"""The PO adapter against the reference: polib reads what we write, we read what polib writes, msgfmt agrees."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from helpers import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.errors import InputError
from tm.extract import page_to_catalog
from tm.formats import po, po_lines, po_read, po_write
from tm.model import Catalog, Entry
from tm.page import load_page

HEADER = {"Language": "fr_FR", "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
          "Content-Transfer-Encoding": "8bit", "Plural-Forms": "nplurals=2; plural=(n > 1);"}

CATALOGS = {
    "plain": Catalog([Entry("a-1", "Hello", "Bonjour")], dict(HEADER)),
    "empty": Catalog([], dict(HEADER)),
    "non-ascii": Catalog([Entry("a-2", "使用 .NET — “quotes”", "Utiliser .NET « guillemets »", fuzzy=True)],
                         dict(HEADER)),
    "markup": Catalog([Entry("a-3", 'Run `dotnet "new"` \\ see <xref:A.B?displayProperty=fullName>',
                             "Exécutez `dotnet \"new\"` \\ voir <xref:A.B?displayProperty=fullName>\t!")], dict(HEADER)),
    "multiline": Catalog([Entry("a-4", "First line\nsecond line\n", "Première\r\nseconde\n")], dict(HEADER)),
    "commented": Catalog([Entry("a-5", "New", "Nouveau", fuzzy=True, flags=("md-text",), previous_source="Old\ntext",
                                comments=("checked by Anne", ""), notes=("heading 2", "machine translation (MT)"),
                                references=("a.md:3", "a.md:9"))], dict(HEADER), header_comments=("Page a.md",)),
    "obsolete-fuzzy": Catalog([Entry("a-8", "Now", "Maintenant"),
                               Entry("a-9", "Was\nthere", "Était\nlà", fuzzy=True, flags=("tm-human",),
                                     previous_source="Old\nsource", comments=("kept",), obsolete=True),
                               Entry("a-10", 'Say "hi"', "", obsolete=True)], dict(HEADER)),
    "quoted-header": Catalog([Entry("a-11", "Hi", "Salut")], dict(HEADER) | {"X-Page-Title": 'Say "hi" \\ now'}),
    "obsolete": Catalog([Entry("a-6", "Kept", "Gardé"),
                         Entry("a-7", "Gone\nfor good", "Parti", obsolete=True, comments=("was reviewed",))],
                        dict(HEADER)),
}


@pytest.mark.parametrize("name", CATALOGS)
def test_round_trip(name: str) -> None:
    catalog = CATALOGS[name]
    again = po.read(po.write(catalog), path="x.po")
    assert again.entries == catalog.entries
    assert again.header == catalog.header
    assert again.header_comments == catalog.header_comments


def _polib_view(entries: list[polib.POEntry]) -> list[tuple[object, ...]]:
    return [(e.msgctxt or "", e.msgid, e.msgstr, "fuzzy" in e.flags, [f for f in e.flags if f != "fuzzy"],
             e.previous_msgid, e.tcomment, e.comment, e.occurrences, bool(e.obsolete)) for e in entries]


def _our_view(catalog: Catalog) -> list[tuple[object, ...]]:
    return [(e.id, e.source, e.target, e.fuzzy, list(e.flags), None if e.obsolete else e.previous_source,
             "\n".join(e.comments), "" if e.obsolete else "\n".join(e.notes),
             [] if e.obsolete else [tuple(r.rsplit(":", 1)) for r in e.references], e.obsolete)
            for e in catalog.entries]


@pytest.mark.parametrize("name", CATALOGS)
def test_polib_reads_what_we_write(name: str, tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    path.write_bytes(po.write(CATALOGS[name]))
    parsed = polib.pofile(str(path))
    assert _polib_view(list(parsed)) == _our_view(CATALOGS[name])
    assert parsed.metadata == CATALOGS[name].header


@pytest.mark.parametrize("name", CATALOGS)
def test_we_read_what_polib_writes_wrapped(name: str, tmp_path: Path) -> None:
    """polib wraps at 78 columns; our reader must see the same entries in its output."""
    path = tmp_path / "x.po"
    path.write_bytes(po.write(CATALOGS[name]))
    parsed = polib.pofile(str(path), wrapwidth=20)
    parsed.save(str(path))
    again = po.read(path.read_bytes(), path=str(path))
    assert _our_view(again) == _polib_view(list(polib.pofile(str(path))))


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext not installed")
@pytest.mark.parametrize("page", sorted(SAMPLES.rglob("*.*")), ids=lambda p: p.name)
def test_msgfmt_accepts_extracted_catalogs(page: Path, tmp_path: Path) -> None:
    parsed = load_page(page.name, page.read_bytes()).page
    if not parsed.pairs:
        pytest.skip("page without pairs")
    path = tmp_path / "x.po"
    path.write_bytes(po.write(page_to_catalog(parsed)))
    done = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b\n', 5, "unterminated string"),
        ('msgid "a"\nmsgstr "b"\n\nmsgid "c"\n\nmsgid "d"\nmsgstr ""\n', 4, "msgid without msgstr"),
        ('msgid "a"\nmsgstr "b"\nbogus "c"\n', 3, "unknown keyword 'bogus'"),
        ('msgid "a"\nmsgstr "b"\n"orphan"\n"x\n', 4, "unterminated string"),
        ('msgid "a"\nmsgstr "b" trailing\n', 2, "unterminated string"),
        ('msgid "a"\nmsgstr "b"\n\n"orphan"\n', 4, "string continuation without a keyword"),
    ],
)
def test_broken_po_names_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(InputError) as error:
        po.read(text.encode(), path="bad.po")
    assert str(error.value) == f"bad.po:{line}: {message}"


def test_invalid_utf8_names_the_line() -> None:
    with pytest.raises(InputError, match=r"^bad.po:3: invalid UTF-8$"):
        po.read(b'msgid "a"\nmsgstr "b"\nmsgid "\xff"\nmsgstr ""\n', path="bad.po")


def test_latin1_catalog_is_decoded_by_its_charset() -> None:
    data = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=ISO-8859-1\\n"\n\nmsgid "a"\nmsgstr "é"\n'
    catalog = po.read(data.encode("latin-1"), path="l.po")
    assert catalog.entries[0].target == "é"


@pytest.mark.parametrize("name", CATALOGS)
def test_fast_reader_agrees_with_line_reader(name: str) -> None:
    """The regex fast path must see exactly what the general reader sees, line numbers included."""
    text = po.write(CATALOGS[name]).decode()
    slow = po_lines.read_lines(text, "x.po")
    tokens = po_read.tokenize(text)
    assert tokens is not None
    fast = po_read.catalog(tokens)
    assert fast.entries == slow.entries and fast.header == slow.header
    assert [e.line for e in fast.entries] == [e.line for e in slow.entries]


def test_fast_reader_reads_every_sample_catalog(tmp_path: Path) -> None:
    for page in sorted(SAMPLES.rglob("*.*")):
        parsed = load_page(page.name, page.read_bytes()).page
        if parsed.pairs:
            text = po.write(page_to_catalog(parsed)).decode()
            tokens = po_read.tokenize(text)
            assert tokens is not None
            fast = po_read.catalog(tokens)
            assert fast.entries == po_lines.read_lines(text, "x").entries
            assert [e.line for e in fast.entries] == [e.line for e in po_lines.read_lines(text, "x").entries]


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab"\\\n\t\r\v\b\fé ')), max_size=20))
def test_escape_and_join_are_inverse(text: str) -> None:
    quoted = '"' + po_write._escape(text) + '"'
    assert po_read.join(quoted) == text
    assert po_read.join(quoted) == po_read.ESCAPED.sub(po_read.unescape_match, quoted[1:-1])


_entries = st.lists(st.tuples(st.sampled_from(["", "Salut", "deux\nlignes", 'a "b"']), st.booleans(),
                              st.sampled_from([(), ("c-format",)]), st.booleans()), max_size=8)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(_entries, st.booleans(), st.sampled_from(["", "\n", "\n\n"]))
def test_reviewed_only_is_the_reviewed_entries(specs: list[tuple[str, bool, tuple[str, ...], bool]],
                                               fuzzy_header: bool, gap: str) -> None:
    """Merge's reader (fuzzy entries skipped after one whole-file check) sees what the full reader keeps."""
    entries = [Entry(f"a-{n}", f"Source {n}", target, fuzzy, flags, comments=("not #, fuzzy",) if noted else (),
                     notes=("paragraph",) if noted else ()) for n, (target, fuzzy, flags, noted) in enumerate(specs)]
    text = po.write(Catalog(entries, dict(HEADER))).decode().replace("\n\n", "\n\n" + gap)
    if fuzzy_header:
        text = "#, fuzzy\n" + text
    everything = po.read(text.encode(), path="x.po")
    reviewed = po.read(text.encode(), path="x.po", reviewed_only=True)
    assert reviewed.entries == [e for e in everything.entries if e.reviewed]
    assert [e.line for e in reviewed.entries] == [e.line for e in everything.entries if e.reviewed]
    assert reviewed.header == everything.header == HEADER
    assert po.read(text.encode(), path="x.po", reviewed_only=True, header=False).entries == reviewed.entries


def test_reviewed_only_still_checks_fuzzy_entries() -> None:
    text = 'msgid ""\nmsgstr ""\n\n#, fuzzy\nmsgctxt "a-1"\nmsgid "a"\nmsgstr "b\n\nmsgid "c"\nmsgstr "d"\n'
    with pytest.raises(InputError, match=r"^bad.po:7: unterminated string$"):
        po.read(text.encode(), path="bad.po", reviewed_only=True)


def test_reviewed_only_without_header_keeps_a_reviewed_first_entry() -> None:
    text = b'msgctxt "a-1"\nmsgid "Hi"\nmsgstr "Salut"\n\n#, fuzzy\nmsgctxt "a-2"\nmsgid "Bye"\nmsgstr "Adieu"\n'
    for header in (True, False):
        entries = po.read(text, path="x.po", reviewed_only=True, header=header).entries
        assert [(e.id, e.target, e.line) for e in entries] == [("a-1", "Salut", 2)]


def _texts(catalog: Catalog) -> list[tuple[str, str, str, bool, int]]:
    return [(e.id, e.source, e.target, e.fuzzy, e.line) for e in catalog.entries if not e.obsolete]


@pytest.mark.parametrize("name", CATALOGS)
def test_read_texts_is_what_read_gives(name: str) -> None:
    """`tm check`'s reader (no `Entry` built on canonical files) sees the texts, states and lines `read` sees."""
    data = po.write(CATALOGS[name])
    assert po.read_texts(data, path="x.po") == _texts(po.read(data, path="x.po"))


OTHER_LAYOUTS = [
    'msgctxt "a-1"\nmsgid "Hi"\nmsgstr "Salut"\n\n#, c-format, fuzzy\nmsgctxt "a-2"\nmsgid "Bye"\nmsgstr ""\n',
    '#, fuzzy\nmsgid ""\nmsgstr "Language: fr\\n"\n\n\n\n#, no-wrap\nmsgid "a"\nmsgstr "b"\n"c"\n',
    'msgid ""\nmsgstr ""\n\nmsgid "x"\nmsgstr "y"\n\n#~ msgid "old"\n#~ msgstr "vieux"\n',
    '# wrapped\n#: a.md:1\n#. note after the reference\nmsgid "x"\nmsgstr "y"\n',
]


@pytest.mark.parametrize("text", OTHER_LAYOUTS)
def test_read_texts_on_other_layouts(text: str) -> None:
    data = text.encode()
    assert po.read_texts(data, path="x.po") == _texts(po.read(data, path="x.po"))


def test_read_texts_of_every_sample_catalog() -> None:
    for page in sorted(SAMPLES.rglob("*.*")):
        parsed = load_page(page.name, page.read_bytes()).page
        if parsed.pairs:
            data = po.write(page_to_catalog(parsed))
            assert po.read_texts(data, path="x.po") == _texts(po.read(data, path="x.po"))


def test_read_texts_names_the_broken_line() -> None:
    with pytest.raises(InputError, match=r"^bad.po:7: unterminated string$"):
        po.read_texts(b'msgid ""\nmsgstr ""\n\n#, fuzzy\nmsgctxt "a-1"\nmsgid "a"\nmsgstr "b\n', path="bad.po")


def _plain(entry: Entry) -> bool:
    return not entry.comments and not entry.flags and (entry.fuzzy or not entry.target)


LAZY_CASES = [(
    'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n#, fuzzy\nmsgctxt "a-1"\nmsgid "MT"\nmsgstr "TA"\n\n'
    'msgctxt "a-2"\nmsgid "Reviewed"\nmsgstr "Relu"\n\nmsgctxt "a-3"\nmsgid "Empty"\nmsgstr ""\n\n'
    '# checked\n#, fuzzy\nmsgctxt "a-4"\nmsgid "Commented"\nmsgstr "C"\n\n'
    '#, fuzzy, tm-human\n#| msgid "Old"\nmsgctxt "a-5"\nmsgid "Human"\nmsgstr "H"\n\n'
    '#, fuzzy\nmsgctxt "a-6"\nmsgid "Two\\n"\n"lines"\nmsgstr ""\n"Deux\\n"\n"lignes"\n'
)]


@pytest.mark.parametrize("text", LAZY_CASES + OTHER_LAYOUTS + [po.write(c).decode() for c in CATALOGS.values()])
def test_read_lazy_builds_what_read_gives(text: str) -> None:
    """`tm update`'s reader: the same catalog once built; `plain` marks exactly the untouched machine translation."""
    data = text.encode()
    lazy, full = po.read_lazy(data, path="x.po"), po.read(data, path="x.po")
    assert lazy.sources == [e.source for e in full.active]
    assert lazy.plain == [_plain(e) for e in full.active]
    assert lazy.reviewed == {i: e.target for i, e in enumerate(full.active)
                             if e.reviewed and not e.comments and not e.flags and not any("tm: " in n for n in e.notes)}
    built = lazy.catalog()
    assert built.entries == full.entries and [e.line for e in built.entries] == [e.line for e in full.entries]
    assert (built.header, built.locale, built.page, built.header_comments) == (
        full.header, full.locale, full.page, full.header_comments)


def test_read_lazy_builds_only_what_is_asked() -> None:
    lazy = po.read_lazy(LAZY_CASES[0].encode(), path="x.po")
    assert lazy.plain == [True, False, True, False, False, True]
    assert lazy.entry(4).previous_source == "Old" and lazy.entry(4).line == 27
    assert sorted(lazy._entries) == [4]  # what was built


def test_read_lazy_names_the_broken_line() -> None:
    with pytest.raises(InputError, match=r"^bad.po:7: unterminated string$"):
        po.read_lazy(b'msgid ""\nmsgstr ""\n\n#, fuzzy\nmsgctxt "a-1"\nmsgid "a"\nmsgstr "b\n', path="bad.po")


_raw = st.text(alphabet=st.sampled_from(list('a"\\ nt')), max_size=6)


@settings(derandomize=True, max_examples=400, deadline=None)
@given(_raw, _raw, _raw, _raw, st.booleans(), st.booleans())
def test_every_reader_takes_the_strings_the_line_reader_takes(previous: str, context: str, source: str, target: str,
                                                              continued: bool, with_previous: bool) -> None:
    """The fast readers match a string line from quote to quote, then check it: raw lines with stray quotes and
    backslashes must give what the line reader gives, or the same error."""
    more = f'\n"{target}"' if continued else ""
    previous_line = f'#| msgid "{previous}"\n' if with_previous else ""
    text = (f'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n#, fuzzy\n{previous_line}msgctxt "{context}"\n'
            f'msgid "{source}"\nmsgstr "{target}"{more}\n\nmsgctxt "z"\nmsgid "b"\nmsgstr "c"\n')
    data = text.encode()
    try:
        expected = po_lines.read_lines(text, "x.po")
    except InputError as error:
        for reader in (po.read, po.read_texts, po.read_lazy):
            with pytest.raises(InputError, match=f"^{re.escape(str(error))}$"):
                reader(data, path="x.po")
        return
    assert po.read(data, path="x.po").entries == expected.entries
    assert po.read_texts(data, path="x.po") == _texts(expected)
    assert po.read_lazy(data, path="x.po").catalog().entries == expected.entries
    assert po.read(data, path="x.po", reviewed_only=True).entries == [e for e in expected.entries if e.reviewed]


def test_header_field_reads_one_field_of_the_header_only() -> None:
    """What `tm update` reads its `X-Tm-Update` stamp back with: the header's line, never an entry's text."""
    header = dict(HEADER) | {"X-Tm-Update": "0a1b 2c3d 4"}
    data = po.write(Catalog([Entry("a-1", '"X-Other: 1\\n"', "x")], header))
    value, cut = po.header_field(data, "X-Tm-Update")  # type: ignore[misc]
    assert value == "0a1b 2c3d 4" and data[cut:cut + 2] == b"\n\n" and data[:cut].endswith(b'4\\n"')
    assert po.header_field(data, "X-Other") is None
    assert po.header_field(data, "Language") == ("fr_FR", cut)
    assert po.header_field(b'msgid ""\nmsgstr ""\n"X-Tm-Update: a b 1\\n"\n', "X-Tm-Update") is None  # no entry after

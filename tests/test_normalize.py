"""`tm normalize`: catalogs re-wrapped by an editor come back byte for byte; nothing but the layout changes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from helpers import DATA

from tm.errors import InputError
from tm.normalize import normalize, same_content

needs_msgcat = pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU gettext not installed")

# A catalog as tm update writes it: long lines, a fuzzy entry with previous strings, a translator comment,
# flags, a multi-line string, an obsolete entry.
CATALOG = (
    '# Translators of the fr-FR handoff\n'
    'msgid ""\nmsgstr ""\n"Project-Id-Version: core/intro.md\\n"\n"Language: fr_FR\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n"X-Page: core/intro.md\\n"\n\n'
    '#. paragraph, line 12 under “Install”\n'
    '#: core/intro.md:12 core/intro.md:40 core/intro.md:41 core/intro.md:42 core/intro.md:43\n'
    'msgctxt "3e1a2-103"\n'
    'msgid "Install the .NET SDK on every machine that builds the application, including the build servers of '
    'your continuous integration."\n'
    'msgstr "Installez le SDK .NET sur chaque ordinateur qui génère l’application, y compris les serveurs de '
    'build de votre intégration continue."\n\n'
    '# checked by Marie: keep “génère”\n'
    '#: core/intro.md:14\n#, fuzzy, no-wrap\n'
    '#| msgctxt "3e1a2-104"\n#| msgid "Run `dotnet --info` to see which versions of the SDK and the runtime are '
    'installed on this machine."\n'
    'msgctxt "9bd04-104"\n'
    'msgid ""\n"Run `dotnet --list-sdks` to see which versions of the SDK are installed on this machine.\\n"\n'
    '"It prints one line per SDK, with the folder it is installed in."\n'
    'msgstr ""\n"Exécutez `dotnet --list-sdks` pour voir les versions du SDK installées sur cet ordinateur.\\n"\n'
    '"Elle affiche une ligne par SDK, avec le dossier où il est installé."\n\n'
    '#~ msgctxt "3e1a2-105"\n#~ msgid "This paragraph went away in the 2021-02 handoff, and its translation is '
    'kept as an obsolete entry."\n'
    '#~ msgstr "Ce paragraphe a disparu dans la livraison de 2021-02, et sa traduction est conservée."\n'
)


def _wrap(data: bytes, width: int = 79) -> bytes:
    """What an editor that re-wraps on save makes of a catalog (polib wraps as msgcat -w and Lokalize do)."""
    catalog = polib.pofile(data.decode("utf-8"), wrapwidth=width)
    return str(catalog).encode("utf-8")


def test_a_canonical_catalog_is_left_byte_for_byte() -> None:
    assert normalize(CATALOG.encode(), path="a.po") == CATALOG.encode()


def test_a_rewrapped_catalog_comes_back_byte_for_byte() -> None:
    wrapped = _wrap(CATALOG.encode(), 50)
    assert wrapped != CATALOG.encode() and wrapped.count(b"\n") > CATALOG.count("\n") + 10
    assert normalize(wrapped, path="a.po") == CATALOG.encode()


def test_bom_and_crlf_survive_and_normalizing_twice_changes_nothing() -> None:
    original = b"\xef\xbb\xbf" + CATALOG.encode().replace(b"\n", b"\r\n")
    wrapped = b"\xef\xbb\xbf" + _wrap(CATALOG.encode(), 50).replace(b"\n", b"\r\n")
    once = normalize(wrapped, path="a.po")
    assert once == original and normalize(once, path="a.po") == once


def test_a_catalog_without_msgctxt_or_header_gets_none() -> None:
    data = b'#: a.c:1\nmsgid "A long message that an editor wrapped"\nmsgstr "Un long message"\n'
    wrapped = b'#: a.c:1\nmsgid ""\n"A long message that an "\n"editor wrapped"\nmsgstr "Un long message"\n'
    assert normalize(wrapped, path="a.po") == data


def test_a_latin1_catalog_keeps_its_charset() -> None:
    data = CATALOG.replace("charset=UTF-8", "charset=ISO-8859-1").replace("’", "'").replace("“", '"')
    data = data.replace("”", '"').encode("iso-8859-1")
    wrapped = _wrap(data.decode("iso-8859-1").encode("utf-8"), 50).decode("utf-8").encode("iso-8859-1")
    assert normalize(wrapped, path="a.po") == data


def test_same_content_names_what_a_rewrite_would_lose() -> None:
    lossy = CATALOG.replace("#~ msgctxt", "#. a comment gettext keeps on an obsolete entry\n#~ msgctxt").encode()
    assert "obsolete" not in same_content(lossy, lossy)
    assert same_content(lossy, normalize(lossy, path="a.po")) == (
        "entry 'This paragraph went away in the 2021-02 handoff, and its translation is kept as an obsolete entry.' "
        "would change: comment")


def test_a_broken_catalog_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"a\.po:2: "):
        normalize(b'msgid "a"\nmsgstr "b\n', path="a.po")
    unknown = b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=NO-SUCH-CHARSET\\n"\n'
    with pytest.raises(InputError, match="unknown charset 'NO-SUCH-CHARSET'"):
        normalize(unknown, path="a.po")


# ---------------------------------------------------------------- CLI


def _tree(tmp_path: Path) -> tuple[Path, dict[Path, bytes]]:
    root = tmp_path / "fr-FR"
    originals = {root / "core" / "intro.po": CATALOG.encode(), root / "index.po": CATALOG.encode()[:400] + b'"\n'}
    originals[root / "index.po"] = CATALOG.split("\n\n")[0].encode() + b"\n"
    for path, data in originals.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root, originals


def test_cli_check_lists_the_files_that_would_change_and_exits_1(cli, tmp_path: Path) -> None:
    root, originals = _tree(tmp_path)
    wrapped = root / "core" / "intro.po"
    wrapped.write_bytes(_wrap(originals[wrapped]))
    result = cli("normalize", root, "--check")
    assert result.code == 1
    assert result.out.splitlines() == [f"would normalize {wrapped}", "2 catalogs: 1 would be normalized, "
                                       "1 already canonical"]
    assert wrapped.read_bytes() == _wrap(originals[wrapped])  # --check writes nothing
    assert cli("normalize", root).code == 0
    assert {path: path.read_bytes() for path in originals} == originals
    assert cli("normalize", root, "--check").code == 0  # idempotent: nothing left to do


def test_cli_errors_leave_the_file_and_process_the_others(cli, tmp_path: Path) -> None:
    root, originals = _tree(tmp_path)
    wrapped = root / "core" / "intro.po"
    wrapped.write_bytes(_wrap(originals[wrapped]))
    lossy = root / "lossy.po"
    lossy.write_bytes(_wrap(CATALOG.encode()).replace(b"#~ msgctxt", b"#. kept by gettext\n#~ msgctxt"))
    before = lossy.read_bytes()
    result = cli("normalize", root, "-q")
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.strip() == (f"error: {lossy}: left as is: normalizing would change its content (entry 'This "
                                  "paragraph went away in the 2021-02 handoff, and its translation is kept as an "
                                  "obsolete entry.' would change: comment)")
    assert lossy.read_bytes() == before and wrapped.read_bytes() == originals[wrapped]
    assert cli("normalize", tmp_path / "missing").code == 2


@needs_msgcat
def test_cli_undoes_msgcat_wrapping_of_extracted_and_updated_catalogs(cli, tmp_path: Path) -> None:
    out = tmp_path / "loc"
    assert cli("extract", DATA / "handoffs" / "old", "--out", out, "-q").code == 0
    assert cli("update", out / "fr-FR", DATA / "handoffs" / "new", "-q").code == 0
    originals = {path: path.read_bytes() for path in out.rglob("*.po")}
    assert any(b"#~ " in data for data in originals.values())
    for path in originals:
        subprocess.run(["msgcat", "-w", "79", str(path), "-o", str(path)], check=True)
    rewrapped = [path for path, data in originals.items() if path.read_bytes() != data]
    assert rewrapped
    result = cli("normalize", out, "--check", "--json")
    assert result.code == 1 and sorted(json.loads(result.out)["changed"]) == sorted(map(str, rewrapped))
    assert cli("normalize", out, "-q").code == 0
    assert {path: path.read_bytes() for path in originals} == originals


@needs_msgcat
@pytest.mark.corpus
def test_corpus_catalogs_rewrapped_by_msgcat_come_back_byte_for_byte(cli, corpus_repo: Path, tmp_path: Path) -> None:
    """The machine-learning pages extracted from the 2020-06 handoff and updated to 2021-02 (fuzzy, obsolete and
    multi-line entries), re-wrapped at 79 columns as Lokalize does, then normalized."""
    out = tmp_path / "loc"
    assert cli("extract", "docs/machine-learning", "--repo", corpus_repo, "--rev", "sxs~2", "--out", out, "-q").code == 0
    assert cli("update", out / "fr-FR", "docs/machine-learning", "--repo", corpus_repo, "--rev", "sxs", "-q").code == 0
    originals = {path: path.read_bytes() for path in out.rglob("*.po")}
    assert len(originals) >= 40 and any(b"#~ " in data for data in originals.values())
    for path in originals:
        subprocess.run(["msgcat", "-w", "79", str(path), "-o", str(path)], check=True)
    assert sum(path.read_bytes() != data for path, data in originals.items()) >= 40
    assert cli("normalize", out, "--check", "-q").code == 1
    assert cli("normalize", out, "-q").code == 0
    assert {path: path.read_bytes() for path in originals} == originals

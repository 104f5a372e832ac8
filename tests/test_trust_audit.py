"""An adversarial audit of the trust guarantees: nothing a person reviewed is lost or hidden, whatever touched
the catalogs, and a run that did nothing or went wrong never exits 0 silently. Each test reproduces one case
the audit found (it failed before its fix)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tm.formats import po
from tm.model import Catalog


def write_page(path: Path, pairs: list[tuple[str, str]], *, prefix: str, kind: str = "MT") -> None:
    """A side-by-side page of (source, target) pairs, ids `prefix-100`…"""
    body = "".join(f'<span data-ttu-id="{prefix}-{100 + k}">{target}</span><span class="sxs-lookup">'
                   f'<span data-stu-id="{prefix}-{100 + k}">{source}</span></span>\n\n'
                   for k, (source, target) in enumerate(pairs))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nms.contentlocale: fr-FR\nms.translationtype: {kind}\nms.lasthandoff: 02/04/2021\n---\n"
                    + body, encoding="utf-8")


def read(path: Path) -> Catalog:
    return po.read(path.read_bytes(), path=str(path))


def review(path: Path, targets: dict[int, str]) -> None:
    """A person's msgstr (not fuzzy) for the entries of the catalog at `path` numbered in `targets`."""
    catalog = read(path)
    for k, target in targets.items():
        catalog.entries[k].target, catalog.entries[k].fuzzy = target, False
    path.write_bytes(po.write(catalog))


def carried_then_msgcat(tmp_path: Path, cli, old: list[tuple[str, str]], new: list[tuple[str, str]],
                        reviewed: dict[int, str]) -> Path:
    """`old` extracted, the entries of `reviewed` given a person's msgstr, updated to `new` (reviews of edited
    sources carried fuzzy), then `msgcat --no-wrap`, which drops the `tm-human` flag: the catalog's path."""
    write_page(tmp_path / "v1" / "a.md", old, prefix="ab000")
    assert cli("extract", tmp_path / "v1", "--out", tmp_path / "loc").code == 0
    path = tmp_path / "loc" / "fr-FR" / "a.po"
    review(path, reviewed)
    write_page(tmp_path / "v2" / "a.md", new, prefix="cd000")
    assert cli("update", tmp_path / "loc" / "fr-FR", tmp_path / "v2").code == 0
    subprocess.run(["msgcat", "--no-wrap", path, "-o", path], check=True)
    assert "tm-human" not in path.read_text("utf-8")
    return path


PAIRS = [("Install the SDK.", "Installer le SDK."), ("Open the project folder.", "Ouvrir le dossier du projet."),
         ("Build the app.", "Générer l'application.")]
EDITED = ("Open the project folders.", "Ouvrir les dossiers.")  # PAIRS[1]'s source as the next handoff edits it


def test_a_review_whose_segment_comes_back_is_not_left_in_the_obsolete_entries(tmp_path: Path, cli) -> None:
    """A segment leaves a handoff (its review goes `#~`) and comes back in the next one: like msgmerge, which
    revives an obsolete entry whose msgid returns, update gives the person's translation back to it (fuzzy, the
    handoff's translation in a note, as for a review of the same source elsewhere), instead of the vendor's MT
    with the review hidden in `#~` (and deleted by the next `--drop-obsolete`)."""
    write_page(tmp_path / "v1" / "a.md", PAIRS, prefix="ab000")
    assert cli("extract", tmp_path / "v1", "--out", tmp_path / "loc").code == 0
    catalog_path = tmp_path / "loc" / "fr-FR" / "a.po"
    catalog = read(catalog_path)
    catalog.entries[0].target, catalog.entries[0].fuzzy = "Installez le SDK (relu).", False
    catalog.entries[1].target, catalog.entries[1].fuzzy = "Ouvrez le dossier de projet (relu).", False
    catalog_path.write_bytes(po.write(catalog))
    write_page(tmp_path / "v2" / "a.md", [PAIRS[0], PAIRS[2]], prefix="cd000")
    assert cli("update", tmp_path / "loc" / "fr-FR", tmp_path / "v2").code == 0
    write_page(tmp_path / "v3" / "a.md", [PAIRS[0], (PAIRS[1][0], "Ouvrir le dossier du projet (TA 3)."), PAIRS[2]],
               prefix="ef000")
    assert cli("update", tmp_path / "loc" / "fr-FR", tmp_path / "v3").code == 0
    back = next(e for e in read(catalog_path).active if e.source == PAIRS[1][0])
    assert back.target == "Ouvrez le dossier de projet (relu)."
    assert back.fuzzy and back.id == "ef000-101"
    assert any("Ouvrir le dossier du projet (TA 3)." in note for note in back.notes)
    before = catalog_path.read_bytes()
    assert cli("update", tmp_path / "loc" / "fr-FR", tmp_path / "v3").code == 0
    assert catalog_path.read_bytes() == before  # idempotent


def test_stats_does_not_count_a_persons_fuzzy_translation_as_mt(tmp_path: Path, cli) -> None:
    """A review whose source the handoff edited is carried fuzzy (a person's translation awaiting a second
    look); once an editor dropped its `tm-human` flag (msgcat here), only the vendor digest tells it from MT.
    `tm stats` counted it in the MT column, so a lead saw machine translation where a person's work waits."""
    carried_then_msgcat(tmp_path, cli, PAIRS, [PAIRS[0], EDITED, PAIRS[2]],
                        {0: "Installer le SDK. (relu)", 1: "Ouvrir le dossier du projet. (relu)"})
    result = cli("stats", tmp_path / "loc" / "fr-FR", "--json")
    entries = json.loads(result.out)["total"]["entries"]
    assert (entries["reviewed"], entries["human_fuzzy"], entries["mt"]) == (1, 1, 1)
    assert "human (fuzzy)" in cli("stats", tmp_path / "loc" / "fr-FR").out


def test_stats_counts_a_lazily_read_catalog_as_a_full_read(tmp_path: Path, cli) -> None:
    """`tm stats` reads PO files as update does (`read_lazy`, plain MT entries never built): the same counts as
    a full read, on catalogs `tm` wrote (canonical, read lazily) and on ones it did not (read in full)."""
    from tm.stats import count_catalog

    write_page(tmp_path / "v1" / "a.md", PAIRS, prefix="ab000")
    write_page(tmp_path / "v1" / "b.md", PAIRS[:2], prefix="ab001", kind="HT")
    assert cli("extract", tmp_path / "v1", "--out", tmp_path / "loc").code == 0
    path = tmp_path / "loc" / "fr-FR" / "a.po"
    catalog = read(path)
    catalog.entries[0].target, catalog.entries[0].fuzzy = "Installez (relu).", False
    catalog.entries[1].target = "Ouvrez le dossier (à revoir)."  # a person's edit, still fuzzy, no flag
    catalog.entries[2].target = ""
    path.write_bytes(po.write(catalog))
    for catalog_path in sorted((tmp_path / "loc").rglob("*.po")):
        for data in (catalog_path.read_bytes(), catalog_path.read_bytes().replace(b"\n", b"\r\n")):
            full = count_catalog(po.read(data, path="x.po"))
            lazy = count_catalog(po.read_lazy(data, path="x.po"))
            assert (lazy.entries, lazy.words) == (full.entries, full.words)
    counts = count_catalog(po.read_lazy(path.read_bytes(), path="a.po")).entries
    assert (counts["reviewed"], counts["human_fuzzy"], counts["untranslated"]) == (1, 1, 1)


@pytest.mark.parametrize("command", [
    ("check",), ("stats",), ("export", "--format", "tmx", "-o", "{tmp}/x.tmx"), ("normalize",), ("normalize", "--check"),
    ("merge", "--pages", "{docs}", "--out", "{tmp}/build"), ("review", "pack", "--out", "{tmp}/pkg"),
    ("diff", "{docs}"),
])
def test_a_locale_folder_without_catalogs_is_an_error(tmp_path: Path, cli, command: tuple[str, ...]) -> None:
    """A typo'd or empty locale folder (`locales/fr-fr` made by hand, a checkout of the wrong branch) made every
    command that reads a catalog tree report `0 catalogs` and exit 0: merge wrote the pages without one
    review, as if there were none."""
    write_page(tmp_path / "docs" / "a.md", PAIRS, prefix="ab000")
    empty = tmp_path / "locales" / "fr-FR"
    empty.mkdir(parents=True)
    (empty / "notes.txt").write_text("not a catalog\n", encoding="utf-8")
    args = [a.format(tmp=tmp_path, docs=tmp_path / "docs") for a in command]
    at = 2 if command[0] == "review" else 1
    result = cli(*args[:at], empty, *args[at:])
    assert result.code == 2, result.out
    assert f"error: {empty}: no catalog" in result.err
    assert not (tmp_path / "build").exists() and not (tmp_path / "pkg").exists()


def test_extract_of_a_folder_without_pages_with_pairs_is_an_error(tmp_path: Path, cli) -> None:
    """`tm extract` of an empty folder, or of the English repository instead of the handoff (pages with no span
    pair), said `0 catalogs written` and exited 0."""
    (tmp_path / "empty").mkdir()
    result = cli("extract", tmp_path / "empty", "--out", tmp_path / "loc")
    assert result.code == 2 and f"error: {tmp_path / 'empty'}: no page (.md, .yml) in it" in result.err
    english = tmp_path / "en" / "a.md"
    english.parent.mkdir()
    english.write_text("---\ntitle: A\n---\n# Install the SDK\n\nRun the installer.\n", encoding="utf-8")
    result = cli("extract", tmp_path / "en", "--out", tmp_path / "loc")
    assert result.code == 2 and f"error: {tmp_path / 'en'}: none of its 1 pages has span pairs" in result.err
    assert not (tmp_path / "loc").exists()


def test_a_catalog_folder_that_cannot_be_listed_is_an_error(tmp_path: Path, cli, monkeypatch) -> None:
    """A folder of the catalog tree that cannot be listed was skipped: merge wrote its pages with the vendor's
    translation and none of their reviews, exit 0, not a word."""
    write_page(tmp_path / "docs" / "guide" / "a.md", PAIRS, prefix="ab000")
    assert cli("extract", tmp_path / "docs", "--out", tmp_path / "loc").code == 0
    path = tmp_path / "loc" / "fr-FR" / "guide" / "a.po"
    catalog = read(path)
    catalog.entries[0].target, catalog.entries[0].fuzzy = "Installez le SDK (relu).", False
    path.write_bytes(po.write(catalog))
    real_scandir = os.scandir

    def scandir(where: str | os.PathLike[str] = ".") -> object:
        if os.fspath(where) == str(path.parent):  # what `chmod 000` does for a user other than root
            raise PermissionError(13, "Permission denied", os.fspath(where))
        return real_scandir(where)

    monkeypatch.setattr(os, "scandir", scandir)
    result = cli("merge", tmp_path / "loc", "--pages", tmp_path / "docs", "--out", tmp_path / "build")
    assert result.code == 2
    assert f"error: {path.parent}: cannot list this folder" in result.err


@pytest.mark.parametrize("command", ["extract", "merge", "diff"])
def test_a_folder_of_pages_that_cannot_be_listed_is_an_error(tmp_path: Path, cli, monkeypatch,
                                                              command: str) -> None:
    """A folder of the pages that cannot be listed was skipped: extract wrote no catalog for its pages, merge
    no page, and diff called them removed, each with exit 0 and not a word (update already reports it)."""
    write_page(tmp_path / "docs" / "a.md", PAIRS, prefix="ab000")
    write_page(tmp_path / "docs" / "guide" / "b.md", PAIRS, prefix="ab001")
    assert cli("extract", tmp_path / "docs", "--out", tmp_path / "loc").code == 0
    shutil.copytree(tmp_path / "docs", tmp_path / "new")
    real_scandir = os.scandir
    hidden = str(tmp_path / ("new" if command == "diff" else "docs") / "guide")

    def scandir(where: str | os.PathLike[str] = ".") -> object:
        if os.fspath(where) == hidden:  # what `chmod 000` does for a user other than root
            raise PermissionError(13, "Permission denied", os.fspath(where))
        return real_scandir(where)

    monkeypatch.setattr(os, "scandir", scandir)
    args = {"extract": ("extract", tmp_path / "docs", "--out", tmp_path / "again"),
            "merge": ("merge", tmp_path / "loc", "--pages", tmp_path / "docs", "--out", tmp_path / "build"),
            "diff": ("diff", tmp_path / "docs", tmp_path / "new")}[command]
    result = cli(*args)
    assert result.code == 2
    assert f"error: {hidden}: cannot list this folder" in result.err


def test_review_apply_of_a_package_with_nothing_reviewed_is_an_error(tmp_path: Path, cli) -> None:
    """The package as it went out (the outgoing copy applied by mistake, or a reviewer who edited targets in a
    CAT tool without confirming them) applied nothing and exited 0, silently with `-q`."""
    write_page(tmp_path / "docs" / "a.md", PAIRS, prefix="ab000")
    assert cli("extract", tmp_path / "docs", "--out", tmp_path / "loc").code == 0
    assert cli("review", "pack", tmp_path / "loc" / "fr-FR", "--out", tmp_path / "pkg").code == 0
    result = cli("review", "apply", tmp_path / "pkg", "--to", tmp_path / "loc" / "fr-FR", "-q")
    assert result.code == 2
    assert result.err == (f"error: {tmp_path / 'pkg'}: none of its 3 entries is reviewed (translated and not "
                          "fuzzy; in XLIFF, a translated or final state): nothing to apply\n")


def test_merge_refuses_a_catalog_of_another_locale_than_its_page(tmp_path: Path, cli) -> None:
    """The pair ids of a handoff are the same in every locale, so fr-FR catalogs merged with `--pages` naming
    the de-DE handoff put French reviews into the German pages, exit 0 (update refuses such pages already)."""
    write_page(tmp_path / "docs" / "a.md", PAIRS, prefix="ab000")
    write_page(tmp_path / "docs" / "b.md", PAIRS, prefix="ab001")
    assert cli("extract", tmp_path / "docs", "--out", tmp_path / "loc").code == 0
    path = tmp_path / "loc" / "fr-FR" / "a.po"
    review(path, {0: "Installez le SDK (relu)."})
    german = tmp_path / "de"
    shutil.copytree(tmp_path / "docs", german)
    for page in german.glob("*.md"):
        page.write_text(page.read_text("utf-8").replace("fr-FR", "de-DE"), "utf-8")
    result = cli("merge", tmp_path / "loc", "--pages", german, "--out", tmp_path / "build")
    assert result.code == 2
    assert result.err == (f"error: {path}: a catalog of fr-FR, but a.md is a de-DE page (ms.contentlocale); "
                          "page not written\n")
    assert not (tmp_path / "build" / "a.md").exists()
    assert (tmp_path / "build" / "b.md").exists()  # nothing reviewed in its catalog: the page as it is


def test_export_out_never_writes_two_catalogs_to_one_file(tmp_path: Path, cli) -> None:
    """A tree holding `a.po` and `a.xlf` (an XLIFF copy that came back from a CAT tool): `tm export --format po
    --out` wrote both to `a.po`, the second over the first, and said `2 file(s) written`."""
    write_page(tmp_path / "docs" / "a.md", PAIRS, prefix="ab000")
    assert cli("extract", tmp_path / "docs", "--out", tmp_path / "loc").code == 0
    assert cli("extract", tmp_path / "docs", "--out", tmp_path / "xl", "--format", "xliff").code == 0
    tree = tmp_path / "loc" / "fr-FR"
    shutil.copy(tmp_path / "xl" / "fr-FR" / "a.xlf", tree / "a.xlf")
    result = cli("export", tree, "--format", "po", "--out", tmp_path / "out", "--json")
    assert result.code == 2
    assert result.err == (f"error: {tree / 'a.xlf'}: not exported: its output a.po would overwrite the one of "
                          f"{tree / 'a.po'}\n")
    assert json.loads(result.out)["files_written"] == 1
    assert read(tmp_path / "out" / "a.po").entries == read(tree / "a.po").entries


def _windows(path: Path) -> bytes:
    """The catalog as a Windows editor saves it: CRLF line ends and a UTF-8 BOM."""
    data = po.BOM + path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(data)
    return data


def _is_windows(data: bytes) -> bool:
    body = data.removeprefix(po.BOM)
    return data.startswith(po.BOM) and body.count(b"\n") == body.count(b"\r\n") > 0


def test_update_keeps_a_catalogs_crlf_and_bom(tmp_path: Path, cli) -> None:
    """A catalog a Windows editor saved with CRLF and a BOM was rewritten LF without BOM by `tm update`, with
    a new handoff and with the same one: every line of it changed in git. The layout is the file's, kept; a
    second update with nothing new writes nothing."""
    write_page(tmp_path / "v1" / "a.md", PAIRS, prefix="ab000")
    assert cli("extract", tmp_path / "v1", "--out", tmp_path / "loc").code == 0
    path = tmp_path / "loc" / "fr-FR" / "a.po"
    review(path, {0: "Installez le SDK (relu)."})
    _windows(path)
    assert cli("update", tmp_path / "loc" / "fr-FR", tmp_path / "v1").code == 0
    assert _is_windows(path.read_bytes())
    write_page(tmp_path / "v2" / "a.md", [PAIRS[0], ("Open the project folders.", "Ouvrir les dossiers.")],
               prefix="cd000")
    assert cli("update", tmp_path / "loc" / "fr-FR", tmp_path / "v2").code == 0
    after = path.read_bytes()
    assert _is_windows(after)
    assert read(path).entries[0].target == "Installez le SDK (relu)."
    result = cli("update", tmp_path / "loc" / "fr-FR", tmp_path / "v2", "--json")
    assert path.read_bytes() == after
    assert json.loads(result.out)["files_written"] == 0
    from tm.jobs.stamp import stamped  # the stamp holds as written: the page is skipped unread
    stamp = after.split(b"X-Tm-Update: ")[1].split(b" ")[0].decode()
    assert stamped(after, stamp) == 1


def test_review_apply_keeps_a_catalogs_crlf_and_bom(tmp_path: Path, cli) -> None:
    """`tm review apply` rewrote a CRLF + BOM catalog as LF without BOM: the reviewed line and every other."""
    write_page(tmp_path / "docs" / "a.md", PAIRS, prefix="ab000")
    assert cli("extract", tmp_path / "docs", "--out", tmp_path / "loc").code == 0
    path = tmp_path / "loc" / "fr-FR" / "a.po"
    before = _windows(path)
    assert cli("review", "pack", tmp_path / "loc" / "fr-FR", "--out", tmp_path / "pkg").code == 0
    package = tmp_path / "pkg" / "a.po"
    returned = read(package)
    returned.entries[0].target, returned.entries[0].fuzzy = "Installez le SDK (relu).", False
    package.write_bytes(po.write(returned))
    assert cli("review", "apply", tmp_path / "pkg", "--to", tmp_path / "loc" / "fr-FR").code == 0
    after = path.read_bytes()
    assert _is_windows(after)
    assert read(path).entries[0].target == "Installez le SDK (relu)."
    import difflib
    changed = [line for line in difflib.ndiff(before.decode().split("\r\n"), after.decode().split("\r\n"))
               if line[:1] in "+-"]
    assert len(changed) <= 4, changed  # the fuzzy flag and the msgstr


def test_memory_add_of_a_folder_without_pages_catalogs_or_tmx_is_an_error(tmp_path: Path, cli) -> None:
    """`tm memory add` of an empty folder (a typo'd path made by hand, the wrong checkout) said `0 files read`
    and exited 0, as if the memory had everything; the good sources of the same run are still added."""
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a page\n", encoding="utf-8")
    write_page(tmp_path / "docs" / "a.md", PAIRS, prefix="ab000")
    db = tmp_path / "m.sqlite"
    result = cli("memory", "add", empty, tmp_path / "docs", "--db", db, "--json")
    assert result.code == 2
    assert result.err == f"error: {empty}: no pages, catalogs or TMX files under it\n"
    assert json.loads(result.out)["pairs"] == 3


def test_memory_add_keeps_a_persons_fuzzy_translation_an_editor_stripped(tmp_path: Path, cli) -> None:
    """A review carried fuzzy to an edited source, its `tm-human` flag dropped by msgcat: `tm memory add`
    keeps it as a person's translation (`ht`) of the source that person translated, not as MT of the new one."""
    import sqlite3

    carried_then_msgcat(tmp_path, cli, PAIRS, [PAIRS[0], EDITED, PAIRS[2]],
                        {1: "Ouvrez le dossier du projet (relu)."})
    db = tmp_path / "m.sqlite"
    assert cli("memory", "add", tmp_path / "loc" / "fr-FR", "--db", db).code == 0
    with sqlite3.connect(db) as con:
        found = dict(con.execute("SELECT s.text, t.origin FROM translations t JOIN sources s ON s.id = t.source "
                                 "WHERE t.target = 'Ouvrez le dossier du projet (relu).'").fetchall())
    from tm.memory import ORIGINS
    assert {source: ORIGINS[origin] for source, origin in found.items()} == {"Open the project folder.": "ht"}


def test_check_does_not_call_a_persons_fuzzy_translation_mt(tmp_path: Path, cli) -> None:
    """A review carried fuzzy to an edited source (its `tm-human` flag dropped by msgcat) was labelled `MT` by
    `tm check`, as if a machine had written the defect: the provenance rule (`is_human`) tells it, as in stats."""
    carried_then_msgcat(tmp_path, cli, [("Install PowerShell 6.2.", "Installer PowerShell 6.2."), *PAIRS[1:]],
                        [("Install PowerShell 7.1.", "Installer PowerShell 7.1."), PAIRS[1],
                         ("Build the app 3 times.", "Générer l'application.")], {0: "Installez PowerShell 6.2 (relu)."})
    out = cli("check", tmp_path / "loc" / "fr-FR").out
    labels = {line.split(" (", 1)[1] for line in out.splitlines() if "[number]" in line}
    assert labels == {"cd000-100, human (fuzzy))", "cd000-102, MT)"}, out
    found = json.loads(cli("check", tmp_path / "loc" / "fr-FR", "--json").out)
    findings = found["findings"] if isinstance(found, dict) else found
    assert {f["id"]: f["human"] for f in findings if f["rule"] == "number"} == {"cd000-100": True, "cd000-102": False}


def test_an_obsolete_review_is_offered_to_the_page_that_takes_its_source(tmp_path: Path, cli) -> None:
    """`guide/a.md` reviewed, gone from handoff N (its reviews go `#~`), back as `guide/new.md` in N+1: the new
    page got the vendor's MT and no offer, the reviews hidden in the old catalog's `#~`. Obsolete reviews of the
    tree are now in the memory after the active ones: the same source on an MT page takes the person's
    translation (fuzzy, the handoff's in a note, as for an active review elsewhere), a similar one an offer."""
    other = [("Run the tests.", "Exécuter les tests."), ("Check the logs.", "Vérifier les journaux."),
             ("Deploy the app.", "Déployer l'application.")]
    write_page(tmp_path / "v1" / "guide" / "a.md", PAIRS, prefix="ab000")
    write_page(tmp_path / "v1" / "guide" / "o.md", other, prefix="ab001")
    assert cli("extract", tmp_path / "v1", "--out", tmp_path / "loc").code == 0
    tree = tmp_path / "loc" / "fr-FR"
    for name, count in (("a.po", 2), ("o.po", 3)):
        catalog = read(tree / "guide" / name)
        for entry in catalog.entries[:count]:
            entry.target, entry.fuzzy = entry.target + " (relu)", False
        (tree / "guide" / name).write_bytes(po.write(catalog))
    write_page(tmp_path / "v2" / "guide" / "o.md", other, prefix="cd001")
    result = cli("update", tree, tmp_path / "v2", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["entries"]["obsolete"] == 3
    write_page(tmp_path / "v3" / "guide" / "o.md", other, prefix="ef001")
    write_page(tmp_path / "v3" / "guide" / "new.md", [PAIRS[0], ("Open the project folders.", "Ouvrir les dossiers."),
                                                       ("Publish the package.", "Publier le paquet.")], prefix="ef000")
    result = cli("update", tree, tmp_path / "v3", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["entries"]["offers"] == 1
    new = read(tree / "guide" / "new.po").active
    assert (new[0].target, new[0].fuzzy) == ("Installer le SDK. (relu)", True)
    assert any("Installer le SDK." in note for note in new[0].notes)  # the handoff's translation
    assert new[1].target == "Ouvrir les dossiers."
    assert any("offer" in note and "Ouvrir le dossier du projet. (relu)" in note and "guide/a.po" in note
               for note in new[1].notes)
    assert all("(relu)" not in note for note in new[2].notes)
    before = {p: p.read_bytes() for p in tree.rglob("*.po")}
    assert cli("update", tree, tmp_path / "v3").code == 0
    assert {p: p.read_bytes() for p in tree.rglob("*.po")} == before


def test_obsolete_reviews_do_not_count_as_reviews_an_update_would_lose(tmp_path: Path, cli) -> None:
    """The refusal of an update that would make most reviews obsolete counts the active reviews only: reviews
    already in `#~` are not lost again (and offering them does not change that count)."""
    write_page(tmp_path / "v1" / "a.md", PAIRS, prefix="ab000")
    write_page(tmp_path / "v1" / "b.md", [("Run the tests.", "Exécuter les tests.")], prefix="ab001")
    assert cli("extract", tmp_path / "v1", "--out", tmp_path / "loc").code == 0
    tree = tmp_path / "loc" / "fr-FR"
    for name in ("a.po", "b.po"):
        catalog = read(tree / name)
        for entry in catalog.entries:
            entry.target, entry.fuzzy = entry.target + " (relu)", False
        (tree / name).write_bytes(po.write(catalog))
    write_page(tmp_path / "v2" / "b.md", [("Run the tests.", "Exécuter les tests.")], prefix="cd001")
    refused = cli("update", tree, tmp_path / "v2")
    assert refused.code == 2 and "3 of the tree's 4 reviewed" in refused.err, refused.err
    assert cli("update", tree, tmp_path / "v2", "--force").code == 0
    write_page(tmp_path / "v3" / "c.md", [("Check the logs.", "Vérifier les journaux.")], prefix="ef002")
    refused = cli("update", tree, tmp_path / "v3")
    assert refused.code == 2 and "1 of the tree's 1 reviewed" in refused.err, refused.err

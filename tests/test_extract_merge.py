"""`tm extract` and `tm merge` end to end on the sample handoff, including the ways input goes wrong."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from helpers import ROOT, SAMPLES

from tm.model import vendor_digest


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A writable copy of the sample handoff."""
    return Path(shutil.copytree(SAMPLES, tmp_path / "docs"))


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_extract_writes_one_catalog_per_page_with_pairs(cli, docs: Path, tmp_path: Path) -> None:
    result = cli("extract", docs, "--out", tmp_path / "loc", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    files = tree(tmp_path / "loc")
    assert sorted(files) == ["fr-FR/guide/getting-started.po", "fr-FR/guide/index.yml.po", "fr-FR/index.po"]
    pairs = sum(p.read_text(encoding="utf-8-sig").count("data-ttu-id=") for p in docs.rglob("*.*"))
    assert report == {"pages": 3, "segments": pairs, "words": report["words"], "files_written": 3, "errors": []}
    assert report["words"] > pairs
    index = polib.pofile(str(tmp_path / "loc/fr-FR/index.po"))
    entry = index.find("42f44-109", by="msgctxt")
    assert entry.msgid == "Run `dotnet new console` to create a *console* app."
    assert entry.msgstr == "Exécutez `dotnet new console` pour créer une application *console*."
    assert entry.fuzzy and entry.occurrences == [("index.md", "20")]
    assert entry.comment == ("list item under “News”\nmachine translation (MT), handoff 02/04/2021, vendor "
                             + vendor_digest(entry.msgstr))
    assert index.metadata["Language"] == "fr_FR" and index.metadata["X-Ms-Locfileid"] == "90558072"
    assert index.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    human = polib.pofile(str(tmp_path / "loc/fr-FR/guide/getting-started.po"))
    assert not any(e.fuzzy for e in human) and len(human) == 4


def test_extract_is_deterministic_and_locale_can_be_forced(cli, docs: Path, tmp_path: Path) -> None:
    assert cli("extract", docs, "--out", tmp_path / "a", "-q").code == 0
    assert cli("extract", docs, "--out", tmp_path / "b", "-q").code == 0
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert cli("extract", docs, "--out", tmp_path / "c", "--locale", "fr-ca", "-q").code == 0
    assert sorted(tree(tmp_path / "c"))[0].startswith("fr-CA/")
    assert 'Language: fr_CA\\n' in (tmp_path / "c/fr-CA/index.po").read_text()


def test_extract_from_git_revision_matches_directory(cli, docs: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(docs, repo / "docs")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "handoff"], check=True)
    shutil.rmtree(repo / "docs")  # read from objects, not from a checkout
    assert cli("extract", "--repo", repo, "--rev", "HEAD", "docs", "--out", tmp_path / "git", "-q").code == 0
    assert cli("extract", docs, "--out", tmp_path / "dir", "-q").code == 0
    from_git = tree(tmp_path / "git")
    recorded = from_git.pop("fr-FR/.tm/sync.json")  # the commit extracted, for `tm sync`
    from_git.pop("fr-FR/.tm/.gitignore")
    assert from_git == tree(tmp_path / "dir")
    assert json.loads(recorded)["commit"] == subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True,
                                                            text=True, check=True).stdout.strip()


@pytest.mark.parametrize("mode", ["bilingual", "target", "source"])
def test_merge_unedited_catalogs(cli, docs: Path, tmp_path: Path, mode: str) -> None:
    cli("extract", docs, "--out", tmp_path / "loc", "-q")
    result = cli("merge", tmp_path / "loc/fr-FR", "--pages", docs, "--out", tmp_path / "out", "--mode", mode)
    assert result.code == 0, result.err
    out = tree(tmp_path / "out")
    assert sorted(out) == sorted(tree(docs))
    if mode == "bilingual":
        assert out == tree(docs)
    else:
        assert not any(b"data-ttu-id" in body for body in out.values())
        index = out["index.md"].decode()
        heading = index.splitlines()[11]
        assert heading == '# <a name="welcome-to-net"></a>' + ("Bienvenue dans .NET" if mode == "target" else
                                                                "Welcome to .NET")
        assert out["guide/getting-started.md"].startswith(b"\xef\xbb\xbf---\r\n")


def test_reviewed_msgstr_is_merged_and_fuzzy_is_not(cli, docs: Path, tmp_path: Path) -> None:
    cli("extract", docs, "--out", tmp_path / "loc", "-q")
    path = tmp_path / "loc/fr-FR/index.po"
    catalog = polib.pofile(str(path))
    reviewed = catalog.find("42f44-105", by="msgctxt")
    reviewed.msgstr = "Vos applications tournent sous Android, iOS, Linux, macOS et Windows."
    reviewed.flags.remove("fuzzy")
    guessed = catalog.find("42f44-104", by="msgctxt")
    guessed.msgstr = "Ceci est une suggestion non relue."
    stale = catalog.find("42f44-106", by="msgctxt")
    stale.msgid, stale.msgstr = "Old news", "Vieilles nouvelles"
    stale.flags.remove("fuzzy")
    catalog.save(str(path))
    result = cli("merge", tmp_path / "loc/fr-FR", "--pages", docs, "--out", tmp_path / "out", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["applied"] == 1 + 4  # the reviewed entry, and the 4 of the human-translated page
    assert report["stale"] == 1
    page = (tmp_path / "out/index.md").read_text()
    assert "Vos applications tournent sous Android" in page
    assert "Ceci est une suggestion" not in page and "Consultez [Bien démarrer" in page
    assert "## <a name=\"news\"></a>Actualités" in page


def test_bad_input_exits_2_and_still_writes_good_pages(cli, docs: Path, tmp_path: Path) -> None:
    (docs / "broken.md").write_text('intro\n\n<span data-ttu-id="b-1">Bonjour</span> oops\n', encoding="utf-8")
    (docs / "latin1.md").write_bytes("caf\xe9\n".encode("latin-1"))
    (docs / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = cli("extract", docs, "--out", tmp_path / "loc")
    assert result.code == 2
    errors = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert sorted(errors) == sorted([
        f"error: {docs}/broken.md:3: span data-ttu-id='b-1' has no sxs-lookup half [TM101]",
        f"error: {docs}/image.md:3: binary file (NUL byte), not a page",
        f"error: {docs}/latin1.md:1: invalid UTF-8",
    ])
    assert "Traceback" not in result.err
    assert sorted(tree(tmp_path / "loc")) == ["fr-FR/guide/getting-started.po", "fr-FR/guide/index.yml.po",
                                             "fr-FR/index.po"]


def test_broken_catalog_given_to_merge(cli, docs: Path, tmp_path: Path) -> None:
    cli("extract", docs, "--out", tmp_path / "loc", "-q")
    broken = tmp_path / "loc/fr-FR/index.po"
    lines = broken.read_text().splitlines(keepends=True)
    lines[40] = 'msgstr "never closed\n'
    broken.write_text("".join(lines))
    result = cli("merge", tmp_path / "loc/fr-FR", "--pages", docs, "--out", tmp_path / "out")
    assert result.code == 2
    assert result.err.strip().splitlines() == [f"error: {broken}:41: unterminated string"]
    out = tree(tmp_path / "out")
    assert "index.md" not in out  # never a page merged without its reviews
    assert "guide/getting-started.md" in out and "about.md" in out
    assert not list((tmp_path / "out").rglob(".*tmp*"))


def test_usage_errors_are_one_line(cli, tmp_path: Path) -> None:
    result = cli("extract", tmp_path / "missing", "--out", tmp_path / "x")
    assert (result.code, result.err) == (2, f"error: {tmp_path}/missing: no such file or directory\n")
    result = cli("extract", SAMPLES, "--out", tmp_path / "x", "--format", "docx")
    assert result.code == 2 and result.err.startswith("error: unknown format 'docx'")
    assert cli("merge", tmp_path, "--pages", SAMPLES).err == "error: --out DIR is required\n"


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "tm", "extract", str(tmp_path / "nope")], capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 2 and done.stderr.startswith("error: ") and "Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "tm", "extract", str(SAMPLES), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and done.stderr == ""  # piped: no progress bar
    assert done.stdout.startswith("3 pages, 21 segments")

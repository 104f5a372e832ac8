"""Runs that look like success but are not (issue 14): a command that applies, matches or writes nothing says so
with an `error:` line and exit 2, and writes only under its `--out`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib
import pytest
from helpers import SAMPLES

CATALOGS = ["guide/getting-started.po", "guide/index.yml.po", "index.po"]


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A writable copy of the sample handoff."""
    return Path(shutil.copytree(SAMPLES, tmp_path / "docs"))


@pytest.fixture
def loc(cli, docs: Path, tmp_path: Path) -> Path:
    """The locales root `tm extract docs --out loc` writes (catalogs under `loc/fr-FR/`)."""
    assert cli("extract", docs, "--out", tmp_path / "loc", "-q").code == 0
    return tmp_path / "loc"


def review(path: Path, ctxt: str, msgstr: str) -> None:
    """Mark one entry reviewed with a new translation, as a translator's PO editor would."""
    catalog = polib.pofile(str(path))
    entry = catalog.find(ctxt, by="msgctxt")
    entry.msgstr = msgstr
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    catalog.save(str(path))


def errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error:")]


# ---------------------------------------------------------------- 1. a run that applies nothing


def test_merge_takes_the_locales_root_that_extract_wrote(cli, docs: Path, loc: Path, tmp_path: Path) -> None:
    review(loc / "fr-FR/index.po", "42f44-105", "Vos applications tournent partout.")
    result = cli("merge", loc, "--pages", docs, "--out", tmp_path / "build", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["applied"] == 1 + 4 and report["unknown_ids"] == 0  # + the human-translated page's 4
    assert "Vos applications tournent partout." in (tmp_path / "build/index.md").read_text()


def test_merge_finds_a_catalogs_page_by_its_header(cli, docs: Path, loc: Path, tmp_path: Path) -> None:
    review(loc / "fr-FR/guide/index.yml.po", "5c1e0-103", "Vue d’ensemble (relue)")
    moved = tmp_path / "inbox/from-translator.po"  # a catalog mailed back under another name
    moved.parent.mkdir()
    shutil.copy(loc / "fr-FR/guide/index.yml.po", moved)
    result = cli("merge", moved, "--pages", docs, "--out", tmp_path / "build", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["applied"] == 1


def test_catalog_of_no_page_is_an_error_even_quiet(cli, docs: Path, loc: Path, tmp_path: Path) -> None:
    (docs / "about.md").unlink()
    gone = loc / "fr-FR/about.po"
    text = (loc / "fr-FR/index.po").read_text().replace('"X-Page: index.md\\n"', '"X-Page: about.md\\n"')
    gone.write_text(text)
    review(gone, "42f44-105", "Vos applications tournent partout.")
    result = cli("merge", loc / "fr-FR", "--pages", docs, "--out", tmp_path / "build", "-q")
    assert result.code == 2
    assert errors(result.err) == [(f"error: {gone}: no page about.md in {docs}; catalog not used "
                                  "(--allow-unmatched to merge anyway)")]
    assert sorted(p.name for p in (tmp_path / "build").rglob("*.*")) == ["getting-started.md", "index.md", "index.yml"]
    result = cli("merge", loc / "fr-FR", "--pages", docs, "--out", tmp_path / "build2", "--allow-unmatched")
    assert result.code == 0 and errors(result.err) == []
    assert f"warning: {gone}: no page about.md" in result.err


def test_entries_without_pair_ids_are_an_error(cli, docs: Path, loc: Path, tmp_path: Path) -> None:
    path = loc / "fr-FR/index.po"
    catalog = polib.pofile(str(path))  # round-tripped through a tool that drops msgctxt
    for entry in catalog:
        entry.msgctxt = None
        entry.flags = []
    catalog.save(str(path))
    first = path.read_text().splitlines().index('msgid "Welcome to .NET"') + 1
    result = cli("merge", loc, "--pages", docs, "--out", tmp_path / "build", "--json")
    assert result.code == 2
    assert errors(result.err) == [(f"error: {path}:{first}: 13 reviewed entries have a pair id that "
                                  "index.md does not have (the first has none); page not written "
                                  "(--allow-unmatched to merge anyway)")]
    report = json.loads(result.out)
    assert report["unknown_ids"] == 13 and ["error: " + e for e in report["errors"]] == errors(result.err)
    assert not (tmp_path / "build/index.md").exists()  # never a page merged without its reviews
    result = cli("merge", loc, "--pages", docs, "--out", tmp_path / "build2", "--allow-unmatched")
    assert result.code == 0 and "warning: " in result.err and (tmp_path / "build2/index.md").exists()


def test_unparsable_catalog_named_directly(cli, docs: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "a"\nmsgstr "never closed\n')
    result = cli("merge", broken, "--pages", docs, "--out", tmp_path / "build")
    assert (result.code, errors(result.err)) == (2, [f"error: {broken}:2: unterminated string"])


def test_unreadable_catalog_that_matches_no_page(cli, docs: Path, loc: Path, tmp_path: Path) -> None:
    broken = loc / "fr-FR/old/removed.po"
    broken.parent.mkdir()
    broken.write_text('msgid ""\nmsgstr ""\n"X-Page: old/removed.md\\n"\n\nmsgctxt "a-1"\nmsgid "a\nmsgstr ""\n')
    result = cli("merge", loc, "--pages", docs, "--out", tmp_path / "build", "--allow-unmatched")
    assert (result.code, errors(result.err)) == (2, [f"error: {broken}:6: unterminated string"])


def test_update_refuses_a_locales_root_of_several_locales(cli, docs: Path, loc: Path) -> None:
    assert cli("extract", docs, "--out", loc, "--locale", "de-DE", "-q").code == 0
    before = {p: p.read_bytes() for p in loc.rglob("*.po")}
    result = cli("update", loc, docs)
    assert result.code == 2
    assert errors(result.err) == [(f"error: {loc} holds several locales (de-DE, fr-FR): give one locale folder, "
                                  f"such as {loc}/de-DE")]
    assert {p: p.read_bytes() for p in loc.rglob("*.po")} == before


def test_merge_of_several_locales_says_which(cli, docs: Path, loc: Path, tmp_path: Path) -> None:
    assert cli("extract", docs, "--out", loc, "--locale", "de-DE", "-q").code == 0
    result = cli("merge", loc, "--pages", docs, "--out", tmp_path / "build")
    assert result.code == 2
    assert errors(result.err) == [(f"error: {loc} holds several locales (de-DE, fr-FR): give one locale folder, "
                                  f"such as {loc}/de-DE")]
    assert not (tmp_path / "build").exists()


# ---------------------------------------------------------------- 2. outputs go only where they belong


def files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if not p.is_dir())


@pytest.mark.parametrize("where", ["same", "inside"])
def test_merge_refuses_out_in_pages(cli, docs: Path, loc: Path, where: str) -> None:
    before = {p: p.read_bytes() for p in docs.rglob("*") if p.is_file()}
    out = docs if where == "same" else docs / "build"
    result = cli("merge", loc, "--pages", docs, "--out", out)
    assert result.code == 2
    assert errors(result.err) == [(f"error: --out {out} is {'--pages' if where == 'same' else 'inside --pages'} "
                                  f"{docs}: the merged pages would overwrite or nest in the handoff; give a folder "
                                  "outside it")]
    assert {p: p.read_bytes() for p in docs.rglob("*") if p.is_file()} == before


def test_merge_refuses_out_that_would_overwrite_the_page_given(cli, docs: Path, loc: Path) -> None:
    result = cli("merge", loc, "--pages", docs / "index.md", "--out", docs)
    assert result.code == 2 and "would write the merged page over --pages" in result.err


def escaping_pages(docs: Path, tmp_path: Path) -> None:
    """Pages whose locale would write outside --out: a relative escape (Markdown) and an absolute path (YAML)."""
    index = (docs / "index.md").read_text()
    (docs / "escape.md").write_text(index.replace("ms.contentlocale: fr-FR", "ms.contentlocale: ../ESC"))
    yml = (docs / "guide/index.yml").read_text()
    (docs / "guide/abs.yml").write_text(yml.replace("ms.contentlocale: fr-fr", f"ms.contentlocale: {tmp_path}/ABS"))


def test_extract_refuses_a_locale_that_is_not_a_language_tag(cli, docs: Path, tmp_path: Path) -> None:
    escaping_pages(docs, tmp_path)
    result = cli("extract", docs, "--out", tmp_path / "out" / "loc")
    assert result.code == 2
    assert sorted(errors(result.err)) == [
        (f"error: {docs}/escape.md:8: ms.contentlocale '../ESC' is not a language tag (such as fr-FR); nothing "
         "written for it [TM103]"),
        (f"error: {docs}/guide/abs.yml:9: ms.contentlocale '{tmp_path}/ABS' is not a language tag (such as fr-FR); "
         "nothing written for it [TM103]"),
    ]
    assert files(tmp_path / "out") == ["loc/fr-FR/" + c for c in CATALOGS]
    assert not (tmp_path / "ABS").exists() and not (tmp_path / "abs").exists()
    assert cli("extract", docs, "--out", tmp_path / "x", "--locale", "../y").err == \
        "error: --locale ../y: not a language tag (such as fr-FR)\n"


def test_diff_po_refuses_a_locale_that_is_not_a_language_tag(cli, docs: Path, tmp_path: Path) -> None:
    old = Path(shutil.copytree(docs, tmp_path / "old"))
    escaping_pages(old, tmp_path)
    escaping_pages(docs, tmp_path)
    for page in (docs / "escape.md", docs / "guide/abs.yml", docs / "index.md"):
        page.write_text(page.read_text().replace("Welcome to .NET", "Welcome to .NET 6").replace(
            "C# guide", "The C# guide"))
    result = cli("diff", old, docs, "--po", tmp_path / "out" / "review")
    assert result.code == 2
    found = sorted(errors(result.err))
    assert [line.split(":")[1] for line in found] == [f" {docs}/escape.md", f" {docs}/guide/abs.yml"]
    assert all(line.endswith("is not a language tag (such as fr-FR); nothing written for it [TM103]")
               for line in found)
    assert files(tmp_path / "out") == ["review/fr-FR/index.po"]


def test_out_that_is_a_file(cli, docs: Path, loc: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    for args in (["extract", docs, "--out", blocker], ["extract", docs, "--out", blocker / "loc"],
                 ["merge", loc, "--pages", docs, "--out", blocker],
                 ["export", loc, "--format", "tmx", "-o", blocker / "all.tmx"],
                 ["export", loc, "--format", "xliff", "--out", blocker],
                 ["diff", docs, docs, "--html", blocker / "r.html"]):
        result = cli(*args)
        assert result.code == 2, args
        lines = result.err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.err, args
        assert lines[0].endswith(f": cannot write: {blocker} is a file, not a directory"), args
    assert blocker.read_text() == "not a folder"


def test_disk_full_is_one_error_and_no_half_file(cli, docs: Path, tmp_path: Path, monkeypatch) -> None:
    import errno
    import os

    real_write = os.write
    written: list[int] = []

    def write(fd: int, data: bytes) -> int:
        if written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(fd)
        return real_write(fd, bytes(data[:100]))  # the first file: a partial write, then the disk is full

    monkeypatch.setattr("tm.fileio.os.write", write)
    result = cli("extract", docs, "--out", tmp_path / "loc")
    assert result.code == 2
    assert len(result.err.splitlines()) == 1
    assert result.err.startswith(f"error: {tmp_path}/loc/fr-FR/") and result.err.endswith(
        ": cannot write: No space left on device\n")
    assert files(tmp_path / "loc") == []  # no half file, no temporary file


def test_ctrl_c_with_two_jobs_is_one_line(docs: Path, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from helpers import ROOT

    many = tmp_path / "many"
    many.mkdir()
    page = (docs / "index.md").read_bytes()
    for n in range(3000):
        (many / f"p{n}.md").write_bytes(page)
    proc = subprocess.Popen([sys.executable, "-m", "tm", "extract", str(many), "--out", str(tmp_path / "loc"),
                             "--jobs", "2"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(children.read_text().split()) < 2 and proc.poll() is None:
        time.sleep(0.01)
    time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    _, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (130, "error: interrupted\n")
    assert not [p for p in (tmp_path / "loc").rglob(".*")]  # no temporary file left behind


def test_fifo_and_device_named_like_pages_and_catalogs(cli, docs: Path, loc: Path, tmp_path: Path) -> None:
    import os

    os.mkfifo(docs / "fifo.md")
    (docs / "zero.md").symlink_to("/dev/zero")
    os.mkfifo(loc / "fr-FR/fifo.po")
    result = cli("extract", docs, "--out", tmp_path / "out")
    assert result.code == 2
    assert sorted(errors(result.err)) == [f"error: {docs}/fifo.md: a FIFO, not a regular file",
                                          f"error: {docs}/zero.md: a device, not a regular file"]
    assert files(tmp_path / "out") == ["fr-FR/" + c for c in CATALOGS]
    for command in ("stats", "check"):
        result = cli(command, loc)
        assert result.code == 2 and errors(result.err) == [f"error: {loc}/fr-FR/fifo.po: a FIFO, not a regular file"]
    result = cli("merge", loc, "--pages", docs / "index.md", "--out", tmp_path / "m", "--allow-unmatched")
    assert result.code == 2 and errors(result.err) == [f"error: {loc}/fr-FR/fifo.po: a FIFO, not a regular file"]
    result = cli("extract", docs / "fifo.md", "--out", tmp_path / "one")
    assert (result.code, result.err) == (2, f"error: {docs}/fifo.md: a FIFO, not a regular file\n")


@pytest.mark.parametrize("value", ["0", "-2"])
def test_jobs_must_be_positive(cli, docs: Path, tmp_path: Path, value: str) -> None:
    result = cli("extract", docs, "--out", tmp_path / "loc", "--jobs", value)
    assert (result.code, result.err) == (2, f"error: --jobs {value}: give 1 or more worker processes\n")
    assert not (tmp_path / "loc").exists()


def test_rev_never_reaches_git_as_an_option(cli, docs: Path, tmp_path: Path, monkeypatch) -> None:
    import subprocess

    repo = tmp_path / "repo"
    shutil.copytree(docs, repo / "docs")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "h"],
                   check=True)
    monkeypatch.chdir(tmp_path)
    result = cli("extract", "--repo", repo, "--rev", "--output=x", "--out", tmp_path / "loc")
    assert (result.code, result.err) == (2, "error: --rev --output=x: not a revision (it starts with '-')\n")
    result = cli("diff", "--repo", repo, "--rev", "HEAD", "--rev", "--output=y")
    assert (result.code, result.err) == (2, "error: --rev --output=y: not a revision (it starts with '-')\n")
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
    assert not (repo / "x").exists() and not (repo / "y").exists()


def test_readme_errors_section_lists_every_code() -> None:
    import re

    from helpers import ROOT

    emitted = {code for path in (ROOT / "tm").rglob("*.py") for code in re.findall(r"\bTM\d{3}\b", path.read_text())}
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Errors"):readme.index("\n## ", readme.index("## Errors") + 1)]
    listed = set(re.findall(r"^\| `(TM\d{3})` \|", section, re.MULTILINE))
    assert emitted >= {"TM101", "TM102", "TM103", "TM201"}
    assert sorted(emitted - listed) == []


def test_page_of_an_unreadable_catalog_is_not_merged_without_it(cli, docs: Path, loc: Path, tmp_path: Path) -> None:
    catalog = loc / "fr-FR/index.po"
    catalog.chmod(0)
    try:
        if catalog.read_bytes():  # root reads it anyway: make it a FIFO instead
            catalog.unlink()
            import os

            os.mkfifo(catalog)
    except PermissionError:
        pass
    result = cli("merge", loc, "--pages", docs, "--out", tmp_path / "build")
    assert result.code == 2 and len(errors(result.err)) == 1 and errors(result.err)[0].startswith(f"error: {catalog}: ")
    assert files(tmp_path / "build") == ["about.md", "guide/getting-started.md", "guide/index.yml"]

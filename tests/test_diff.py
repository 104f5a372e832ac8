"""`tm diff`: classes per segment on the sample handoff pair, every input kind, JSON/HTML/PO outputs, exit codes,
and the corpus bar (totals agree with an independent per-page multiset count)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import html5lib
import polib
import pytest
from helpers import DATA

from tm.diff import CLASSES, DiffOptions, Segment, compare, diff_segments, review_catalogs
from tm.page import load_page
from tm.report_html import render_html, word_diff
from tm.sources import GitSource, MemorySource

HANDOFFS = DATA / "handoffs"
OLD, NEW = HANDOFFS / "old", HANDOFFS / "new"
EXPECTED = HANDOFFS / "expected-diff.json"


def memory(root: Path) -> MemorySource:
    return MemorySource({p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()})


# ---------------------------------------------------------------- library


def test_sample_pair_matches_the_golden_report() -> None:
    """Refresh with TM_UPDATE_GOLDEN=1 after checking the new figures by hand."""
    report = compare(memory(OLD), memory(NEW)).to_json()
    if os.environ.get("TM_UPDATE_GOLDEN"):
        EXPECTED.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert report == json.loads(EXPECTED.read_text(encoding="utf-8"))


def test_sample_pair_classes_by_hand() -> None:
    report = compare(memory(OLD), memory(NEW), options=DiffOptions(keep_changes=True))
    pages = {page.relpath: page for page in report.pages}
    index = pages["index.md"]
    assert index.counts == {"unchanged": 8, "target_changed": 1, "source_changed": 1, "added": 2, "removed": 1}
    kinds = {change.kind.value: change for change in index.changes}
    assert kinds["source_changed"].old.source == "Install Visual Studio 2017 or later."  # type: ignore[union-attr]
    assert kinds["source_changed"].new.source == "Install Visual Studio 2019 or later."  # type: ignore[union-attr]
    assert kinds["source_changed"].score == 0.9722  # 2 * 35 / 72
    # The third "Select **OK**." is the added one: duplicates pair in order.
    added = [c.new.id for c in index.changes if c.kind.value == "added"]  # type: ignore[union-attr]
    assert added == ["9bd04-104", "9bd04-108"]
    assert pages["guide/getting-started.md"].counts["unchanged"] == 4  # new ids, same text: unchanged
    assert report.pages_renamed == {"guide/configure-sdk.md": "sdk/configure.md"}
    assert pages["sdk/configure.md"].status == "renamed"
    assert pages["sdk/configure.md"].counts == {"unchanged": 3, "target_changed": 0, "source_changed": 1,
                                                 "added": 0, "removed": 0}
    assert report.pages_added == ("whats-new.md",) and report.pages_removed == ("guide/retired.md",)
    assert pages["about.md"].counts == dict.fromkeys(CLASSES, 0)
    totals = report.totals
    assert (totals["unchanged"], totals["target_changed"], totals["source_changed"], totals["added"],
            totals["removed"]) == (16, 1, 3, 6, 3)


def test_words_count_the_new_source_of_added_and_changed_segments() -> None:
    old = [Segment("a-1", "Keep me.", "x", 1), Segment("a-2", "Install Visual Studio 2017 now.", "y", 2)]
    new = [Segment("b-1", "Keep me.", "x", 1), Segment("b-2", "Install Visual Studio 2019 now.", "y", 2),
           Segment("b-3", "Run `dotnet new` in a [terminal](t.md).", "z", 3)]
    page = diff_segments("p.md", old, new)
    assert page.words_changed == 5 and page.words_added == 4  # "Run in a terminal": no code, no link target


def test_identical_files_are_read_once_and_all_unchanged() -> None:
    data = (OLD / "index.md").read_bytes()
    report = compare(MemorySource({"a.md": data}), MemorySource({"a.md": data}))
    assert report.totals["unchanged"] == data.count(b"data-ttu-id") == 11 and not report.pages[0].changed


def test_a_broken_page_is_an_error_not_a_crash() -> None:
    broken = b'<span data-ttu-id="x-1">oops</span> no lookup half\n'
    report = compare(MemorySource({"a.md": broken}), MemorySource({"a.md": broken}))
    assert report.pages == () and len(report.errors) == 1 and "a.md:1:" in report.errors[0]


def test_word_diff_marks_only_changed_words_and_escapes_html() -> None:
    old, new = word_diff("Use <b>2017</b> & more", "Use <b>2019</b> & more")
    assert old == "Use &lt;b&gt;<del>2017</del>&lt;/b&gt; &amp; more"
    assert new == "Use &lt;b&gt;<ins>2019</ins>&lt;/b&gt; &amp; more"


# ---------------------------------------------------------------- CLI


def test_cli_text_summary(cli) -> None:
    result = cli("diff", OLD, NEW, "--jobs", "1")
    assert result.code == 0, result.err
    assert "source changed" in result.out and "1 renamed" in result.out


def test_cli_json_and_parallel_jobs_agree(cli) -> None:
    one = cli("diff", OLD, NEW, "--json", "--jobs", "1")
    two = cli("diff", OLD, NEW, "--json", "--jobs", "2")
    assert one.code == two.code == 0
    assert json.loads(one.out) == json.loads(two.out) == json.loads(EXPECTED.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("fail_on", "code"), [
    ("removed", 1), ("added,target_changed", 1), ("pages_renamed", 1), ("unchanged", 1), (None, 0),
])
def test_cli_fail_on(cli, fail_on: str | None, code: int) -> None:
    args = ["diff", OLD, NEW, "--jobs", "1", "-q"] + (["--fail-on", fail_on] if fail_on else [])
    assert cli(*args).code == code


def test_cli_fail_on_nothing_changed(cli) -> None:
    assert cli("diff", OLD, OLD, "--fail-on", "added,removed,source_changed", "-j", "1", "-q").code == 0


def test_cli_usage_errors(cli, tmp_path: Path) -> None:
    bad = cli("diff", OLD, NEW, "--fail-on", "typo")
    assert bad.code == 2 and bad.err.startswith("error: --fail-on: unknown class 'typo'")
    assert cli("diff", OLD).code == 2
    assert cli("diff", "--repo", tmp_path, "--rev", "a").code == 2
    missing = cli("diff", OLD, tmp_path / "nope")
    assert missing.code == 2 and "no such file or directory" in missing.err


def test_cli_catalog_tree_against_pages(cli, tmp_path: Path) -> None:
    """Catalogs extracted from OLD compare with NEW exactly as OLD's pages do (also given as `locales/`)."""
    assert cli("extract", OLD, "--out", tmp_path / "locales").code == 0
    pages = json.loads(cli("diff", OLD, NEW, "--json", "-j", "1").out)
    for old in (tmp_path / "locales", tmp_path / "locales" / "fr-FR"):
        catalogs = json.loads(cli("diff", old, NEW, "--json", "-j", "1").out)
        assert catalogs["totals"] == pages["totals"]
        assert catalogs["pages_renamed"] == pages["pages_renamed"]


def test_cli_two_revisions_of_a_repository(cli, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(OLD, repo / "docs")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "old"], check=True)
    shutil.rmtree(repo / "docs")
    shutil.copytree(NEW, repo / "docs")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "new"], check=True)
    result = cli("diff", "--repo", repo, "--rev", "HEAD~1", "--rev", "HEAD", "docs", "--json", "-j", "1")
    assert result.code == 0, result.err
    assert json.loads(result.out) == json.loads(EXPECTED.read_text(encoding="utf-8"))


def test_cli_html_report_is_html5_with_highlighted_words(cli, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert cli("diff", OLD, NEW, "--html", out, "-j", "1", "-q").code == 0
    text = out.read_text(encoding="utf-8")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    tree = parser.parse(text)  # strict: raises on any HTML5 parse error
    assert not parser.errors
    deleted = [el.text for el in tree.iter("del")]
    inserted = [el.text for el in tree.iter("ins")]
    assert "2017" in deleted and "2019" in inserted  # Visual Studio 2017 → 2019, in source and target
    assert "all" in inserted and "tous" in inserted  # the YAML page's edited summary
    sections = {el.get("id") for el in tree.iter("section")}
    links = {el.get("href") for el in tree.iter("a")}
    assert {f"#{s}" for s in sections} <= links and len(sections) == 5  # every changed page is in the index
    assert "<script" not in text and "http" not in text.split("<main>")[0].split("</style>")[0]


def test_html_of_an_empty_diff_is_valid() -> None:
    report = compare(MemorySource({}), MemorySource({}))
    parser = html5lib.HTMLParser(strict=True)
    parser.parse(render_html(report))
    assert not parser.errors


def test_cli_review_catalogs(cli, tmp_path: Path) -> None:
    out = tmp_path / "review"
    assert cli("diff", OLD, NEW, "--po", out, "-j", "1", "-q").code == 0
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.po"))
    assert written == ["fr-FR/guide/index.yml.po", "fr-FR/guide/retired.po", "fr-FR/index.po",
                       "fr-FR/sdk/configure.po", "fr-FR/whats-new.po"]
    index = polib.pofile(str(out / "fr-FR" / "index.po"))
    changed = next(e for e in index if e.msgid == "Install Visual Studio 2019 or later.")
    assert changed.previous_msgid == "Install Visual Studio 2017 or later." and changed.fuzzy
    assert "previous translation: Installez Visual Studio 2017 ou version ultérieure." in changed.comment
    assert [e.msgid for e in index.obsolete_entries()] == ["This paragraph is removed in the next handoff."]
    assert all(e.msgid != "Welcome to .NET" for e in index)  # unchanged segments stay out
    assert changed.previous_msgctxt is None  # Poedit shows a previous msgctxt glued to the previous source
    assert "tm diff: source_changed (similarity 0.97), previously 3e1a2-103" in changed.comment
    assert index.metadata["Project-Id-Version"] == "index.md"
    assert index.metadata["Plural-Forms"].startswith("nplurals=2")
    assert "#| msgctxt" not in (out / "fr-FR" / "index.po").read_text(encoding="utf-8")
    if shutil.which("msgfmt"):
        for path in out.rglob("*.po"):
            done = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True,
                                  check=False)
            assert done.returncode == 0 and not done.stderr, done.stderr  # no warning about header fields


def test_review_catalogs_skip_unchanged_pages() -> None:
    data = (OLD / "index.md").read_bytes()
    assert review_catalogs(compare(MemorySource({"a.md": data}), MemorySource({"a.md": data}),
                                   options=DiffOptions(keep_changes=True))) == {}


# ---------------------------------------------------------------- corpus


def _independent(repo: Path, old_rev: str, new_rev: str, renamed: dict[str, str]) -> Counter[str]:
    """Per page (renamed pages under their new path), count with plain multisets, no alignment at all."""
    def read(rev: str) -> dict[str, list[tuple[str, str]]]:
        out = {}
        for relpath, data in GitSource(repo, rev, ("docs",)).files():
            out[relpath] = [(p.source, p.target) for p in load_page(relpath, data).page.pairs]
        return out

    old, new = read(old_rev), read(new_rev)
    for old_path, new_path in renamed.items():
        before, after = Counter(s for s, _ in old[old_path]), Counter(s for s, _ in new[new_path])
        assert sum((before & after).values()) >= 0.5 * max(sum(before.values()), sum(after.values()))
        old[new_path] = old.pop(old_path)
    totals: Counter[str] = Counter()
    for path in set(old) | set(new):
        before, after = old.get(path, []), new.get(path, [])
        sources_old, sources_new = Counter(s for s, _ in before), Counter(s for s, _ in after)
        same_source = sum((sources_old & sources_new).values())
        unchanged = sum((Counter(before) & Counter(after)).values())
        totals["unchanged"] += unchanged
        totals["target_changed"] += same_source - unchanged
        totals["added+source_changed"] += sum((sources_new - sources_old).values())
        totals["removed+source_changed"] += sum((sources_old - sources_new).values())
    return totals


@pytest.mark.corpus
@pytest.mark.parametrize("old_rev", ["sxs~1", "sxs~2"])
def test_corpus_totals_agree_with_an_independent_count(corpus_repo: Path, old_rev: str) -> None:
    done = subprocess.run([sys.executable, "-m", "tm", "diff", "--repo", str(corpus_repo), "--rev", old_rev,
                           "--rev", "sxs", "docs", "--json"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    totals = report["totals"]
    expected = _independent(corpus_repo, old_rev, "sxs", report["pages_renamed"])
    assert totals["unchanged"] == expected["unchanged"]
    assert totals["target_changed"] == expected["target_changed"]
    assert totals["added"] + totals["source_changed"] == expected["added+source_changed"]
    assert totals["removed"] + totals["source_changed"] == expected["removed+source_changed"]
    assert totals["source_changed"] > 0 and report["errors"] == []
    pages = report["pages"]
    assert sum(p["added"] for p in pages.values()) == totals["added"]
    assert set(report["pages_added"]) <= set(pages) and not set(report["pages_removed"]) & set(report["pages_added"])


def test_cli_catalog_tree_finds_each_catalogs_page_from_its_header(cli, tmp_path: Path) -> None:
    """A catalog moved or renamed in its tree (by hand, by another tool) still stands for the page its `X-Page`
    header names: the diff is the one of the tree as extracted, with no page added, removed or renamed."""
    assert cli("extract", OLD, "--out", tmp_path / "locales").code == 0
    tree = tmp_path / "locales" / "fr-FR"
    extracted = json.loads(cli("diff", tree, NEW, "--json", "-j", "1").out)
    catalogs = sorted(tree.rglob("*.po"))
    moved = tree / "moved" / "elsewhere.po"
    moved.parent.mkdir()
    catalogs[0].rename(moved)
    for old in (tmp_path / "locales", tree):
        assert json.loads(cli("diff", old, NEW, "--json", "-j", "1").out) == extracted

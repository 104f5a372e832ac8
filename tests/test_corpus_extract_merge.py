"""The bars of extract and merge on the three real fr-FR handoffs of ../shared/corpus (marker `corpus`).

Each handoff is extracted once per session straight from git objects; the checks compare the catalogs with
an independent reading of the same blobs (a plain regex, polib, GNU msgfmt).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from tm.catalogs import catalog_relpath
from tm.extract import page_to_catalog
from tm.formats import po
from tm.merge import merge_page
from tm.model import Catalog, Entry
from tm.page import Mode, parse_page, render_page
from tm.sources import GitSource

pytestmark = pytest.mark.corpus

HANDOFFS = ["sxs~2", "sxs~1", "sxs"]
EXTRACTED: dict[str, dict[str, object]] = {}  # rev → the `tm extract --json` report
NAIVE = re.compile(r'<span data-ttu-id="([^"]+)">(.*?)</span><span class="sxs-lookup"><span data-stu-id="\1">(.*?)'
                   r"</span></span>", re.DOTALL)


def run_tm(*args: str | Path) -> subprocess.CompletedProcess[str]:
    import sys

    return subprocess.run([sys.executable, "-m", "tm", *map(str, args)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def handoffs(corpus_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """rev → catalog tree (`<out>/fr-FR/...`), extracted with the CLI from git objects."""
    out = {}
    for rev in HANDOFFS:
        target = tmp_path_factory.mktemp(rev.replace("~", "-"))
        done = run_tm("extract", "--repo", corpus_repo, "--rev", rev, "docs", "--out", target, "--json")
        assert done.returncode == 0, done.stderr[-2000:]
        report = json.loads(done.stdout)
        assert report["errors"] == [] and report["pages"] > 12000
        out[rev] = target / "fr-FR"
        EXTRACTED[rev] = report
    yield out
    for path in out.values():
        shutil.rmtree(path.parent, ignore_errors=True)


def pages(repo: Path, rev: str) -> Iterator[tuple[str, str]]:
    for relpath, data in GitSource(repo, rev, ("docs",)).files():
        yield relpath, data.decode("utf-8-sig")


@pytest.mark.parametrize("rev", HANDOFFS)
def test_every_pair_is_an_entry(corpus_repo: Path, handoffs: dict[str, Path], rev: str) -> None:
    pairs = entries = nested = 0
    for relpath, text in pages(corpus_repo, rev):
        count = text.count("data-ttu-id=")
        if not count:
            continue
        catalog = po.read((handoffs[rev] / catalog_relpath(relpath)).read_bytes(), path=relpath)
        assert len(catalog.entries) == count, relpath
        pairs += count
        entries += len(catalog.entries)
        naive = {m.group(1): (m.group(3), m.group(2)) for m in NAIVE.finditer(text)}
        for entry in catalog.entries:
            source, target = naive[entry.id]
            if (entry.source, entry.target) != (source, target):
                # The naive regex stops at the first `</span>`: only nested spans may differ from it.
                assert "<span" in entry.source + entry.target and entry.source.startswith(source), entry.id
                nested += 1
    expected = {"sxs~2": 455_683, "sxs~1": 418_560, "sxs": 419_611}[rev]  # the corpus README's counts
    assert pairs == entries == expected
    assert nested < 100


@pytest.mark.parametrize("rev", HANDOFFS)
def test_extract_writes_what_the_writer_of_every_catalog_writes(corpus_repo: Path, handoffs: dict[str, Path],
                                                                rev: str) -> None:
    """`tm extract` wrote every catalog from its entries' PO text (`PageEntries.po`); `po.write` of the page's
    `Catalog` gives the same bytes."""
    written = 0
    for relpath, text in pages(corpus_repo, rev):
        page = parse_page(relpath, text).page
        if page.pairs:
            assert (handoffs[rev] / catalog_relpath(relpath)).read_bytes() == po.write(page_to_catalog(page)), relpath
            written += 1
    assert written > 12000


@pytest.mark.parametrize("rev", HANDOFFS)
def test_polib_reads_the_same_entries(handoffs: dict[str, Path], rev: str) -> None:
    for path in sorted(handoffs[rev].rglob("*.po")):
        ours = po.read(path.read_bytes(), path=str(path))
        theirs = polib.pofile(str(path))
        assert [(e.id, e.source, e.target, e.fuzzy, list(e.references)) for e in ours.entries] == [
            (e.msgctxt, e.msgid, e.msgstr, e.fuzzy, [f"{f}:{n}" for f, n in e.occurrences]) for e in theirs
        ], path
        assert ours.header == theirs.metadata


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext not installed")
@pytest.mark.parametrize("rev", HANDOFFS)
def test_msgfmt_accepts_every_catalog(handoffs: dict[str, Path], rev: str) -> None:
    files = sorted(str(p) for p in handoffs[rev].rglob("*.po"))
    script = 'for f; do msgfmt -c -o /dev/null "$f" 2>&1 || echo "FAILED $f"; done'
    done = subprocess.run(["xargs", "-0", "-P", "2", "-n", "500", "sh", "-c", script, "_"],
                          input="\0".join(files), capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout == "", done.stdout[:2000]


def checkout(repo: Path, rev: str, target: Path) -> Path:
    for relpath, data in GitSource(repo, rev, ("docs",)).files():
        path = target / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return target


@pytest.mark.parametrize("rev", HANDOFFS)
def test_bilingual_merge_reproduces_every_page(corpus_repo: Path, handoffs: dict[str, Path], rev: str,
                                                tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run_tm("merge", handoffs[rev], "--repo", corpus_repo, "--rev", rev, "--pages", "docs", "--out", out,
                  "--mode", "bilingual", "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["stale"] == 0 and report["unused_catalogs"] == []
    total = 0
    for relpath, data in GitSource(corpus_repo, rev, ("docs",)).files():
        assert (out / relpath).read_bytes() == data, relpath
        total += 1
    assert total == report["pages_written"] > 12000


def test_merge_applies_what_is_reviewed_and_current(corpus_repo: Path) -> None:
    """Every page of the handoff with reviewed, fuzzy, stale and unknown entries: read back, the bilingual page
    holds the reviewed and current translations and the page's own elsewhere, and nothing else changed."""
    merged_pages = 0
    for relpath, text in pages(corpus_repo, "sxs"):
        page = parse_page(relpath, text).page
        chosen = [(n, p) for n, p in enumerate(page.pairs) if n % 3 == 0]
        entries = [Entry(p.id, p.source + ("!" if n % 7 == 3 else ""), f"{p.target} (relu)", n % 5 == 4)
                   for n, p in chosen]
        catalog = Catalog(entries + [Entry("zzz-1", "Gone", "Parti")])
        applied = {p.id: f"{p.target} (relu)" for n, p in chosen if n % 7 != 3 and n % 5 != 4}
        merged = merge_page(page, catalog, Mode.BILINGUAL)
        again = parse_page(relpath, merged.text).page
        assert [p.target for p in again.pairs] == [applied.get(p.id, p.target) for p in page.pairs], relpath
        assert render_page(again, Mode.SOURCE) == render_page(page, Mode.SOURCE), relpath
        assert merge_page(page, catalog, Mode.TARGET).text == render_page(again, Mode.TARGET), relpath
        assert (merged.applied, merged.unknown) == (len(applied), 1 if page.pairs else 0), relpath
        merged_pages += 1
    assert merged_pages == 12_664  # every page of this handoff


def test_target_merge_reproduces_the_vendors_pages(corpus_repo: Path, handoffs: dict[str, Path],
                                                   tmp_path: Path) -> None:
    pages_dir = checkout(corpus_repo, "sxs", tmp_path / "docs")
    out = tmp_path / "out"
    done = run_tm("merge", handoffs["sxs"], "--pages", pages_dir, "--out", out, "--quiet")
    assert done.returncode == 0, done.stderr[-2000:]
    live = dict(GitSource(corpus_repo, "live", ("docs",)).files())
    with_pairs = same = 0
    for relpath in live:
        if b"data-ttu-id=" not in (pages_dir / relpath).read_bytes():
            continue
        with_pairs += 1
        same += (out / relpath).read_bytes() == live[relpath]
    assert with_pairs == 12_521
    assert same >= 12_327  # what plain replacement reproduces (corpus README)


def test_reviewed_translation_reaches_the_merged_page(corpus_repo: Path, handoffs: dict[str, Path],
                                                      tmp_path: Path) -> None:
    catalogs = tmp_path / "loc"
    shutil.copytree(handoffs["sxs"], catalogs)
    path = catalogs / "welcome.po"
    catalog = polib.pofile(str(path))
    catalog[1].msgstr = "Une traduction relue par une personne."
    catalog[1].flags.remove("fuzzy")
    catalog[2].msgstr = "Une proposition encore floue."
    catalog.save(str(path))
    pages_dir = checkout(corpus_repo, "sxs", tmp_path / "docs")
    done = run_tm("merge", catalogs, "--pages", pages_dir, "--out", tmp_path / "out", "--quiet")
    assert done.returncode == 0, done.stderr
    merged = (tmp_path / "out" / "welcome.md").read_text()
    assert "Une traduction relue par une personne." in merged
    assert "Une proposition encore floue." not in merged


@pytest.mark.parametrize("rev", ["sxs"])
def test_stats_totals_equal_what_was_extracted(handoffs: dict[str, Path], rev: str) -> None:
    done = run_tm("stats", handoffs[rev], "--json", "--by", "total")
    assert done.returncode == 0, done.stderr[-2000:]
    total = json.loads(done.stdout)["total"]
    assert total["entries"]["total"] == EXTRACTED[rev]["segments"] == 419_611
    assert total["words"]["total"] == EXTRACTED[rev]["words"]
    assert total["entries"]["mt"] + total["entries"]["reviewed"] + total["entries"]["untranslated"] == 419_611

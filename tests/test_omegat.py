"""TMX memories in a real CAT tool: OmegaT's console mode (Debian's `omegat`) pre-translates a project from the TMX
`tm export` writes, put in the project's `tm/auto/` folder. Skipped where OmegaT is not installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import DATA

from tm.catalogs import read_catalog
from tm.formats.inline import Code, tokenize

pytestmark = pytest.mark.skipif(shutil.which("omegat") is None, reason="OmegaT not installed")

PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat><project version="1.0">
<source_dir>__DEFAULT__</source_dir><target_dir>__DEFAULT__</target_dir><tm_dir>__DEFAULT__</tm_dir>
<glossary_dir>__DEFAULT__</glossary_dir><glossary_file>__DEFAULT__</glossary_file>
<dictionary_dir>__DEFAULT__</dictionary_dir>
<source_lang>en-US</source_lang><target_lang>fr-FR</target_lang>
<source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>
<target_tok>org.omegat.tokenizer.LuceneFrenchTokenizer</target_tok>
<sentence_seg>false</sentence_seg><support_default_translations>true</support_default_translations>
<remove_tags>false</remove_tags>
</project></omegat>
"""


def _pretranslate(tmp_path: Path, name: str, memory: Path, sources: list[str]) -> list[str]:
    """The paragraphs of a text file of `sources` after OmegaT pre-translated it from `memory` (in tm/auto)."""
    project = tmp_path / name
    for folder in ("source", "target", "omegat", "glossary", "dictionary", "tm/auto"):
        (project / folder).mkdir(parents=True)
    (project / "omegat.project").write_text(PROJECT, encoding="utf-8")
    (project / "source" / "page.txt").write_text("\n\n".join(sources) + "\n", encoding="utf-8")
    shutil.copy(memory, project / "tm" / "auto" / "memory.tmx")
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    done = subprocess.run(["omegat", str(project), "--mode=console-translate"], capture_output=True, text=True,
                          env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return (project / "target" / "page.txt").read_text(encoding="utf-8").rstrip("\n").split("\n\n")


def test_omegat_inserts_every_reviewed_translation_only_from_the_text_form(cli, tmp_path: Path) -> None:
    catalogs = tmp_path / "loc"
    assert cli("extract", DATA / "handoffs" / "new", "--out", catalogs, "-q").code == 0
    entries = [e for path in sorted(catalogs.rglob("*.po")) for e in read_catalog(path).entries
               if e.reviewed and "\n" not in e.source]
    with_code = [e for e in entries if any(isinstance(token, Code) for token in tokenize(e.source))]
    assert entries and with_code
    sources = [e.source for e in entries]
    for form in ("text", "tags"):
        assert cli("export", catalogs, "-f", "tmx", "-o", tmp_path / f"{form}.tmx", "--inline", form, "-q",
                   "--origin", "reviewed,ht").code == 0  # the handoff's HT pages, as the vendor wrote them
    text = _pretranslate(tmp_path, "text", tmp_path / "text.tmx", sources)
    tags = _pretranslate(tmp_path, "tags", tmp_path / "tags.tmx", sources)
    assert text == [e.target for e in entries]  # every exact match found, code spans included
    # the tags form misses each segment with an inline code (a code span, a link): OmegaT's segment holds them as text
    assert [s for s, t in zip(sources, tags) if s == t] == [e.source for e in with_code]


@pytest.mark.corpus
def test_corpus_omegat_matches_segments_with_codes_only_from_the_text_form(cli, corpus_repo: Path,
                                                                           tmp_path: Path) -> None:
    """The 2021-02 handoff's spark pages (all MT, so `--origin mt`): one-line sources, each once."""
    catalogs = tmp_path / "loc"
    assert cli("extract", "docs/spark", "--repo", corpus_repo, "--rev", "sxs", "--out", catalogs, "-q").code == 0
    targets: dict[str, str] = {}
    for path in sorted(catalogs.rglob("*.po")):
        for e in read_catalog(path).entries:
            if e.target and e.target != e.source and "\n" not in e.source:
                targets.setdefault(e.source, e.target)
    sources = list(targets)
    with_code = {s for s in sources if any(isinstance(token, Code) for token in tokenize(s))}
    assert len(sources) >= 300 and len(with_code) >= 0.2 * len(sources)
    for form in ("text", "tags"):
        assert cli("export", catalogs, "-f", "tmx", "-o", tmp_path / f"{form}.tmx", "--inline", form,
                   "--origin", "mt", "-q").code == 0
    text = _pretranslate(tmp_path, "text", tmp_path / "text.tmx", sources)
    tags = _pretranslate(tmp_path, "tags", tmp_path / "tags.tmx", sources)
    missed_text = [s for s, t in zip(sources, text) if s == t]
    missed_tags = {s for s, t in zip(sources, tags) if s == t}
    assert len(missed_text) <= 0.01 * len(sources), missed_text[:5]
    assert missed_tags >= with_code - set(missed_text)

"""Paths the tests share (importable from test modules, unlike conftest)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "docs"
DATA = Path(__file__).resolve().parent / "data"
BUNDLE = ROOT.parent / "shared" / "corpus" / "dotnet-docs-fr-fr.bundle"
SCHEMAS = DATA / "schemas"  # verbatim copies of the XLIFF 1.2, 2.0 schemas and the TMX DTD (see its README)


def write_docs(root: Path, pages: dict[str, str | None]) -> None:
    """Write (or, for None, delete) pages under `root/docs`, as a commit of a generated git history changes them."""
    for name, text in pages.items():
        path = root / "docs" / name
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


def git(repo: Path, *args: str) -> str:
    """What `git -C repo ARGS` prints (it must succeed)."""
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def history_range(corpus_repo: Path, history: Path, commits: int) -> tuple[str, str]:
    """The history's commit with the 2020-12-18 handoff's tree (`sxs~1` of the corpus; of two, the later), and the
    first-parent commit `commits` after it."""
    old_tree = git(corpus_repo, "rev-parse", "sxs~1^{tree}").strip()
    log = [line.split() for line in git(history, "log", "--first-parent", "--format=%H %T", "history").splitlines()]
    start = next(commit for commit, tree in log if tree == old_tree)
    return start, git(history, "rev-list", "--first-parent", "--reverse", f"{start}..history").split()[commits - 1]

"""Paths the tests share (importable from test modules, unlike conftest)."""

from __future__ import annotations

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

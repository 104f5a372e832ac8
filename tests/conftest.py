"""Shared fixtures: the sample pages, an in-process CLI runner, and the real corpus (skipped when absent).

The corpus is `../shared/corpus/dotnet-docs-fr-fr.bundle` next to the repository (as in CI), cloned once per
test session; set TM_CORPUS_REPO to an existing clone (branch `sxs`) to skip the clone.
"""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from helpers import BUNDLE


@dataclass
class CliResult:
    """What a command did: exit status, stdout, stderr."""

    code: int
    out: str
    err: str


@pytest.fixture
def cli() -> Cli:
    """Run `tm` in-process: `cli("extract", "dir", "--out", "x")` → CliResult."""
    return Cli()


class Cli:
    def __call__(self, *args: str | Path) -> CliResult:
        from tm.cli import run

        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = run([str(a) for a in args] + (["--jobs", "1"] if _takes_jobs(args) else []))
        return CliResult(code, out.getvalue(), err.getvalue())


def _takes_jobs(args: tuple[str | Path, ...]) -> bool:
    # In-process runs stay in one process so that coverage and monkeypatching see the work.
    return bool(args) and str(args[0]) in ("extract", "merge", "check", "export", "stats") and "--jobs" not in map(str, args)


@pytest.fixture(scope="session")
def validate() -> Callable[[ModuleType, bytes], None]:
    """`validate(adapter, data)` asserts that `data` is valid for the XML adapter's schema (1.2 strict, 2.0, TMX 1.4)."""
    from xml_schemas import errors

    def check(adapter: ModuleType, data: bytes) -> None:
        assert errors(adapter.NAME, data) == [], adapter.NAME

    return check


@pytest.fixture(scope="session")
def corpus_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A clone of the real handoff corpus with branch `sxs` checked out (`sxs~1`, `sxs~2`, `origin/live`)."""
    existing = os.environ.get("TM_CORPUS_REPO")
    if existing and Path(existing, ".git").exists():
        yield Path(existing)
        return
    if not BUNDLE.exists():
        pytest.skip(f"corpus not available ({BUNDLE})")
    target = tmp_path_factory.mktemp("corpus") / "docs-fr-fr"
    subprocess.run(["git", "clone", "-q", "-b", "sxs", str(BUNDLE), str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "branch", "-q", "live", "origin/live"], check=True)
    yield target


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--update-golden`: rewrite the expected outputs under tests/golden from what the code does now."""
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/*/transcript and tree/")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Corpus tests run last, so a quick failure elsewhere shows first."""
    items.sort(key=lambda item: item.get_closest_marker("corpus") is not None)


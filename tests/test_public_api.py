"""The public surface: `tm.__all__` is sorted, complete and importable."""

from __future__ import annotations

import subprocess
import sys

import pytest

import tm


def test_all_is_sorted_and_every_name_exists() -> None:
    assert tm.__all__ == sorted(tm.__all__)
    for name in tm.__all__:
        assert getattr(tm, name) is not None


def test_all_lists_every_public_import() -> None:
    for name in tm.__all__:
        getattr(tm, name)  # each is imported when first used
    public = {name for name, value in vars(tm).items()
              if not name.startswith("_") and not isinstance(value, type(tm))
              and name not in ("annotations", "import_module", "TYPE_CHECKING")}
    assert public == set(tm.__all__)
    assert set(dir(tm)) >= set(tm.__all__)


def test_cli_start_up_leaves_the_heavy_libraries_to_the_commands_that_use_them() -> None:
    """rapidfuzz, lxml and rich were a third of the start-up of every command: only diff and update compare
    texts, only the XML formats need lxml, only a progress bar or a table needs rich."""
    code = ("import sys, tm.cli, tm.jobs, tm.extract, tm.merge; "
            "print(sorted(m for m in ('rapidfuzz', 'lxml', 'rich') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        tm.nothing  # noqa: B018

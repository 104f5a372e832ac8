"""The conventions of the field that the `tm` command line keeps (issue 17, section 6): `--version`, a help line
for every argument, commands in the order of the workflow, `-o` a file and `--out` a directory, tables whole
through a pipe.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
import typer.main

import tm
from tm.cli import app, run

ROOT = Path(tm.__file__).parent.parent


def _group() -> click.Group:
    group = typer.main.get_command(app)
    assert isinstance(group, click.Group)
    return group


def test_version_prints_name_and_version_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"]) == 0
    assert capsys.readouterr().out == f"tm {tm.__version__}\n"


def test_version_is_the_one_of_the_package_metadata() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")  # tomllib is Python 3.11+
    assert re.search(r'^version = "([^"]+)"$', pyproject, flags=re.MULTILINE)[1] == tm.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", tm.__version__)


def test_internal_modules_never_import_the_package_face() -> None:
    """`import tm` or `from tm import X` inside tm runs the package face and its lazy names (issue 15):
    the version comes from the leaf module `tm._version`."""
    offenders = []
    for path in sorted((ROOT / "tm").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import) and any(alias.name == "tm" for alias in node.names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.ImportFrom) and node.module == "tm" and node.level == 0:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_every_argument_of_every_command_has_a_help_line() -> None:
    group = _group()
    missing = []
    for name, command in group.commands.items():
        subcommands = command.commands.items() if isinstance(command, click.Group) else [(None, command)]
        for sub, leaf in subcommands:
            for param in leaf.params:
                if isinstance(param, click.Argument) and not (getattr(param, "help", None) or "").strip():
                    missing.append(f"{name} {sub or ''} {param.name}".replace("  ", " "))
    assert missing == []
    assert len(group.commands) >= 8


def test_help_lists_the_commands_in_the_order_of_the_workflow(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--help"]) == 0
    listed = re.findall(r"^\W*([a-z]+)\s{2,}\S", capsys.readouterr().out, flags=re.MULTILINE)
    workflow = ["extract", "update", "diff", "merge", "check", "stats", "export", "normalize", "memory"]
    commands = [name for name in listed if name in _group().commands]
    assert commands == [name for name in workflow if name in commands] + [
        name for name in commands if name not in workflow]
    assert commands[:7] == workflow[:7]

"""The conventions of the field that the `tm` command line keeps (issue 17, section 6): `--version`, a help line
for every argument, commands in the order of the workflow, `-o` a file and `--out` a directory, tables whole
through a pipe.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
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


DATA = Path(__file__).parent / "data" / "handoffs"


def test_o_is_a_file_and_out_a_directory_in_every_command() -> None:
    """`-o` is only ever `-o/--output FILE` (as in msgcat, po2xliff); directories are `--out DIR`. The hidden
    `-o` of extract and merge is the deprecated spelling of `--out`."""
    for name, command in _group().commands.items():
        for param in command.params:
            if isinstance(param, click.Option) and "-o" in param.opts and not param.hidden:
                assert param.opts == ["--output", "-o"], name
            if isinstance(param, click.Option) and "--out" in param.opts:
                assert param.opts == ["--out"], name


def test_extract_and_merge_take_the_old_o_dir_with_a_warning(cli, tmp_path: Path) -> None:
    result = cli("extract", DATA / "old", "-o", tmp_path / "loc")
    assert result.code == 0
    assert "warning: tm extract -o DIR is deprecated" in result.err and "use --out" in result.err
    assert (tmp_path / "loc" / "fr-FR" / "index.po").is_file()
    result = cli("merge", tmp_path / "loc" / "fr-FR", "--pages", DATA / "old", "-o", tmp_path / "out", "-q")
    assert (result.code, result.err) == (0, "")  # --quiet: no warnings
    assert (tmp_path / "out" / "index.md").is_file()


def test_extract_refuses_o_and_out_together(cli, tmp_path: Path) -> None:
    result = cli("extract", DATA / "old", "-o", tmp_path / "a", "--out", tmp_path / "b")
    assert result.code == 2
    assert result.err == "error: give --out DIR only (-o is its deprecated spelling)\n"
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def _piped(*args: str | Path) -> str:
    """stdout of `tm ARGS` read through a pipe, as `tm stats … | grep` sees it (no terminal, no COLUMNS)."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-m", "tm", *map(str, args)], capture_output=True, text=True, env=env,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_tables_keep_each_path_whole_on_its_line_through_a_pipe(cli, tmp_path: Path) -> None:
    """rich folded the catalog column of `tm stats` at 110 columns and the title of `tm diff` at the table's
    width, so `tm stats DIR | grep PAGE` missed pages whose path was long."""
    tree = tmp_path / "a-catalog-tree-under-a-rather-long-directory-name" / "as-ci-runners-have-them"
    assert cli("extract", DATA / "old", "--out", tree, "-q").code == 0
    paths = sorted(str(p) for p in tree.rglob("*.po"))
    assert len(paths) == 5 and max(map(len, paths)) > 110
    lines = _piped("stats", tree).splitlines()
    for path in paths:
        assert sum(path in line for line in lines) == 1, path
    old, new = DATA / "old", tmp_path / ("new-handoff-" + "x" * 100)
    shutil.copytree(DATA / "new", new)
    assert f"{old} → {new}" in _piped("diff", old, new).splitlines()

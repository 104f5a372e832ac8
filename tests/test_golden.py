"""Golden files of the command line: each `tests/golden/<case>/` runs the steps of its `cmd` file in an empty
directory and compares what they did with `transcript` (every `tm` command line, its exit status, stdout and
stderr) and `tree/` (every file the steps created or changed; `deleted:` lines in the transcript for the rest).

`pytest --update-golden` rewrites `transcript` and `tree/` from what the code does now; review the diff before
committing it. The tests drive tm only through its command line (in process, as `tm.cli.run`), so they hold
whatever the modules behind it become.

Steps (one per line, split as a shell would; `#` starts a comment line):

    copy SRC DEST                   copy a file or tree of the repository (`samples/docs`) into the work directory
    pair DEST PAGES PAIRS [SEED]    a generated handoff pair DEST/old, DEST/new (tests/handoff_pairs.py)
    write PATH TEXT                 create a file (`\\n` in TEXT is a line break)
    replace PATH OLD NEW [COUNT]    edit a file: OLD (`\\n` = line break) must occur, COUNT times when given
    review DIR EVERY                accept every EVERY-th fuzzy entry of each catalog under DIR (drop `#, fuzzy`)
    tm ARG...                       run tm in process (`tm.cli.run`); recorded in the transcript
    exec tm ARG...                  run `python -m tm` in a subprocess; recorded in the transcript
    given tm ARG...                 run tm as a setup step: it must succeed; what it wrote is an input

Commands run with the work directory as the current directory and relative paths, so tables are as wide as
they would be anywhere. What still varies from run to run is normalised before comparison: the work
directory's absolute path (`{work}`), the repository's (`{root}`), tm's version (`{version}`) and the process
id in temporary file names (`.tmp{pid}`) and in update's lock file `.tm.lock`. Files written by `copy`/`pair`/`write`/`given` steps are inputs
(also after a `replace`): they are in the tree only if a later command changed them.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from handoff_pairs import write_pair
from helpers import ROOT
from xml_schemas import errors as schema_errors

from tm import __version__

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "cmd").is_file()) if GOLDEN.is_dir() else []


@dataclass
class Run:
    """What the steps of a case did: the transcript text and the input files as they were seeded."""

    work: Path
    transcript: list[str] = field(default_factory=list)
    seeded: dict[str, bytes] = field(default_factory=dict)


def normalise(text: str, work: Path) -> str:
    """Replace what differs between runs and machines by placeholders."""
    for path in {str(work.resolve()), str(work)}:
        text = text.replace(path, "{work}")
    text = text.replace(str(ROOT), "{root}")
    text = re.sub(rf"(?<![\d.]){re.escape(__version__)}(?![\d.])", "{version}", text)
    return re.sub(r"\.tmp\d+", ".tmp{pid}", text)


def _unescape(text: str) -> str:
    return text.replace("\\n", "\n")


def _seed(run: Run, relpath: str) -> None:
    """Record the files under `relpath` as inputs."""
    target = run.work / relpath
    for path in [target] if target.is_file() else sorted(p for p in target.rglob("*") if p.is_file()):
        run.seeded[path.relative_to(run.work).as_posix()] = path.read_bytes()


def _record(run: Run, command: str, code: int, out: str, err: str) -> None:
    run.transcript += [f"$ {command}", f"[exit {code}]"]
    for name, text in (("stdout", out), ("stderr", err)):
        run.transcript += [f"--- {name}", text.rstrip("\n")] if text else []
    run.transcript.append("")


def _step(run: Run, words: list[str], cli) -> None:  # type: ignore[no-untyped-def]
    verb, args = words[0], words[1:]
    if verb == "tm":
        result = cli(*args)
        _record(run, shlex.join(words), result.code, result.out, result.err)
    elif verb == "copy":
        source, target = ROOT / args[0], run.work / args[1]
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        _seed(run, args[1])
    elif verb == "pair":
        write_pair(run.work / args[0], pages=int(args[1]), pairs=int(args[2]), seed=int(args[3]) if args[3:] else 13)
        _seed(run, args[0])
    elif verb == "write":
        (run.work / args[0]).parent.mkdir(parents=True, exist_ok=True)
        (run.work / args[0]).write_text(_unescape(args[1]), "utf-8")
        _seed(run, args[0])
    elif verb == "replace":
        path, old, new = run.work / args[0], _unescape(args[1]), _unescape(args[2])
        text = path.read_text("utf-8")
        assert old in text and (len(args) < 4 or text.count(old) == int(args[3])), f"replace: {old!r} in {path}"
        path.write_text(text.replace(old, new), "utf-8")
        if path.relative_to(run.work).as_posix() in run.seeded:  # an edited input is still an input
            _seed(run, args[0])
    elif verb == "exec":
        assert args[0] == "tm"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        done = subprocess.run([sys.executable, "-m", "tm", *args[1:]], cwd=run.work, env=env, capture_output=True,
                              text=True, encoding="utf-8", check=False)  # fmt: skip
        _record(run, f"python -m {shlex.join(args)}", done.returncode, done.stdout, done.stderr)
    elif verb == "given":
        assert args[0] == "tm" and cli(*args[1:]).code == 0, f"given: {shlex.join(args)} failed"
        _seed(run, ".")
    elif verb == "review":
        _review(run.work / args[0], int(args[1]))
    else:
        raise AssertionError(f"unknown step {verb!r}")


def _review(root: Path, every: int) -> None:
    """A reviewer's pass: in each catalog under `root`, every `every`-th fuzzy entry (1st, every+1-th, ...) is
    accepted as it is (its `#, fuzzy` line dropped)."""
    for path in sorted(root.rglob("*.po")):
        parts = path.read_text("utf-8").split("#, fuzzy\n")
        text = parts[0] + "".join(("" if k % every == 0 else "#, fuzzy\n") + part for k, part in enumerate(parts[1:]))
        path.write_text(text, "utf-8")


def run_case(case: str, work: Path, cli) -> tuple[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """Run the case's steps in `work`: the normalised transcript, and the tree {relpath: normalised text}."""
    run = Run(work)
    for line in (GOLDEN / case / "cmd").read_text("utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            _step(run, shlex.split(line), cli)
    tree: dict[str, str] = {}
    for path in sorted(p for p in work.rglob("*") if p.is_file()):
        relpath, data = path.relative_to(work).as_posix(), path.read_bytes()
        if run.seeded.get(relpath) != data:
            text = data.decode("utf-8", errors="backslashreplace")
            tree[relpath] = re.sub(r"\A\d+\n?\Z", "{pid}\n", text) if path.name == ".tm.lock" else normalise(text, work)
    deleted = sorted(set(run.seeded) - set(tree) - {p.relative_to(work).as_posix() for p in work.rglob("*")})
    run.transcript += [f"deleted: {relpath}" for relpath in deleted]
    return normalise("\n".join(run.transcript).rstrip("\n") + "\n", work), tree


def _expected_tree(case: str) -> dict[str, str]:
    root = GOLDEN / case / "tree"
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_bytes().decode("utf-8") for p in sorted(root.rglob("*")) if p.is_file()
    }


def _update(case: str, transcript: str, tree: dict[str, str]) -> None:
    (GOLDEN / case / "transcript").write_text(transcript, "utf-8", newline="")
    shutil.rmtree(GOLDEN / case / "tree", ignore_errors=True)
    for relpath, text in tree.items():
        path = GOLDEN / case / "tree" / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8", newline="")


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request) -> None:  # type: ignore[no-untyped-def]
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for name in ("COLUMNS", "LINES", "FORCE_COLOR", "TM_JOBS"):
        monkeypatch.delenv(name, raising=False)
    transcript, tree = run_case(case, work, cli)
    if request.config.getoption("--update-golden"):
        _update(case, transcript, tree)
        return
    assert (GOLDEN / case / "transcript").is_file(), f"{case}: no transcript yet: run pytest --update-golden"
    assert transcript == (GOLDEN / case / "transcript").read_bytes().decode("utf-8"), (
        f"{case}: run pytest --update-golden"
    )
    expected = _expected_tree(case)
    assert sorted(tree) == sorted(expected), f"{case}: the files written differ"
    for relpath, text in tree.items():
        assert text == expected[relpath], f"{case}: {relpath}"


def test_normalise_hides_what_varies_between_runs(tmp_path: Path) -> None:
    text = f"{tmp_path}/loc/x.po: tm {__version__}; .x.po.tmp4242; 10.{__version__}.1 stays; {ROOT}/samples"
    assert (
        normalise(text, tmp_path)
        == f"{{work}}/loc/x.po: tm {{version}}; .x.po.tmp{{pid}}; 10.{__version__}.1 stays; {{root}}/samples"
    )


_FORMAT_OF = {".xlf": "xliff", ".xliff": "xliff2", ".tmx": "tmx"}
_WRITTEN = sorted(p for p in GOLDEN.glob("*/tree/**/*") if p.suffix in (*_FORMAT_OF, ".po")) if GOLDEN.is_dir() else []


@pytest.mark.parametrize("path", _WRITTEN, ids=lambda p: p.relative_to(GOLDEN).as_posix())
def test_golden_catalogs_are_valid_for_their_format(path: Path) -> None:
    """What the commands wrote (the golden trees hold it byte for byte) is valid: XML against the standard's
    schema, PO for `msgfmt -c` where gettext is installed."""
    if path.suffix != ".po":
        assert schema_errors(_FORMAT_OF[path.suffix], path.read_bytes()) == []
    elif shutil.which("msgfmt"):
        checked = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, check=False)
        assert checked.returncode == 0, checked.stderr.decode()

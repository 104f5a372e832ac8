"""What `tm sync` reads of a git repository: the first-parent commits of a branch, the pages each touched
(`git diff-tree -M`), and those pages' blobs (one `git cat-file --batch` process for the whole run).

Paths are named as `tm.sources.GitSource` names them: relative to the path given that holds them, pages
only (`PAGE_SUFFIXES`, no symbolic links), so a tree extracted with `--repo/--rev docs` syncs with `docs`.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from tm.errors import SourceError
from tm.sources import PAGE_SUFFIXES, run_git

__all__ = ["BlobReader", "Change", "changes", "commits", "is_ancestor", "page_stems", "resolve"]

_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's empty tree: what a root commit is diffed with
_LINK = "120000"


@dataclass(frozen=True, slots=True)
class Change:
    """A page a commit touched: `old` and `new` relpaths ("" when added / removed), and the new blob."""

    old: str
    new: str
    blob: str  # the new version's object id; "" when the page was removed
    old_blob: str = ""  # the old version's; "" when the page was added

    @property
    def renamed(self) -> bool:
        return bool(self.old and self.new and self.old != self.new)


def _git(repo: Path, *args: str) -> bytes:
    return run_git(repo, *args)


def resolve(repo: Path, rev: str) -> str:
    """The commit id `rev` names in `repo`; `SourceError` if none."""
    if rev.startswith("-"):  # git would take it as an option
        raise SourceError(f"{rev}: not a revision (it starts with '-')")
    try:
        return _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}").decode().strip()
    except SourceError:
        _git(repo, "rev-parse", "--git-dir")  # a folder that is no git repository says so, not "no such commit"
        raise SourceError(f"{repo}: {rev}: no such commit") from None


def is_ancestor(repo: Path, commit: str, tip: str) -> bool:
    """Whether `commit` is `tip` or in its history."""
    done = subprocess.run(["git", "-C", str(repo), "merge-base", "--is-ancestor", commit, tip], check=False,
                          capture_output=True)
    return done.returncode == 0


def commits(repo: Path, start: str, end: str) -> list[str]:
    """The first-parent commits after `start` up to `end`, oldest first; `SourceError` when `start` is not an
    ancestor of `end` on that line (the branch was rewritten, or `--from` names another branch)."""
    if start == end:
        return []
    listed = _git(repo, "rev-list", "--first-parent", "--reverse", f"{start}..{end}").decode().split()
    if listed and _parent(repo, listed[0]) != start:
        raise SourceError(f"{repo}: {start[:12]} is not on the first-parent line of {end[:12]}; "
                          "give --from the commit to start after")
    return listed


def _parent(repo: Path, commit: str) -> str:
    parents = _git(repo, "rev-list", "--parents", "-n", "1", commit).decode().split()[1:]
    return parents[0] if parents else ""


def changes(repo: Path, commit: str, paths: tuple[str, ...] = ()) -> list[Change]:
    """The pages `commit` changed against its first parent, renames found by git (`-M`), in path order."""
    parent = _parent(repo, commit) or _EMPTY_TREE
    prefixes = [p.strip("/") for p in paths if p.strip("/")]
    raw = _git(repo, "diff-tree", "-r", "-z", "-M", "--no-commit-id", "--raw", parent, commit, "--",
               *(prefixes or ["."]))
    fields = raw.split(b"\0")
    found: list[Change] = []
    k = 0
    while k < len(fields) - 1:
        meta = fields[k].decode().lstrip(":").split()
        status = meta[4][0]
        names = fields[k + 1: k + (3 if status in "RC" else 2)]
        k += 3 if status in "RC" else 2
        old_mode, new_mode, old_blob, blob = meta[0], meta[1], meta[2], meta[3]
        old = _relpath(names[0], prefixes) if status not in "AC" and old_mode != _LINK else ""
        new = _relpath(names[-1], prefixes) if status != "D" and new_mode != _LINK else ""
        if status in "AC":
            old = ""
        if old or new:
            found.append(Change(old, new, blob if new else "", old_blob if old else ""))
    return sorted(found, key=lambda c: c.new or c.old)


def page_stems(repo: Path, commit: str, paths: tuple[str, ...] = ()) -> set[str]:
    """The pages of `commit` under `paths`, named as `changes` names them, without their suffix."""
    prefixes = [p.strip("/") for p in paths if p.strip("/")]
    raw = _git(repo, "ls-tree", "-r", "-z", "--name-only", commit, "--", *(prefixes or ["."]))
    names = (_relpath(name, prefixes) for name in raw.split(b"\0") if name)
    return {name.rsplit(".", 1)[0] for name in names if name}


def _relpath(name: bytes, prefixes: list[str]) -> str:
    """The page's relpath under the prefix that holds it, or "" when it is not a page."""
    text = name.decode("utf-8", "surrogateescape")
    if not text.lower().endswith(PAGE_SUFFIXES):
        return ""
    for prefix in prefixes:
        if text == prefix:
            return text.rsplit("/", 1)[-1]
        if text.startswith(prefix + "/"):
            return text[len(prefix) + 1:]
    return "" if prefixes else text


class BlobReader:
    """`with BlobReader(repo) as read: read(blob_id) -> bytes`: one `git cat-file --batch` for the run."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> BlobReader:  # noqa: PYI034 - typing.Self needs Python 3.11
        self._proc = subprocess.Popen(["git", "-C", str(self.repo), "cat-file", "--batch"],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        return self

    def __call__(self, blob: str) -> bytes:
        proc = self._proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(blob.encode() + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            raise SourceError(f"{self.repo}: {blob}: not a blob")
        data = proc.stdout.read(int(header[2]))
        proc.stdout.read(1)
        return data

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None and self._proc.stdout is not None
            self._proc.stdin.close()
            self._proc.stdout.close()
            self._proc.wait()

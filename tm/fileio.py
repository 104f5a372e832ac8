"""Reading inputs and writing outputs: no reader ever sees half a file (a temporary sibling, renamed over)."""

from __future__ import annotations

import os
from pathlib import Path

# Directories this process already made: a handoff writes ~12,500 files into ~1,000 directories, and a
# `makedirs` per file is a measurable part of a run. A directory removed behind our back is made again.
_made: set[str] = set()
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
# This process's id, for temporary names (a system call each time otherwise); workers fork and get their own.
_pid = os.getpid()


def _new_pid() -> None:
    global _pid
    _pid = os.getpid()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_pid)


def read_file(path: Path | str) -> bytes:
    """The bytes of a file, read with a size hint and no buffered file object (which costs four more system
    calls per file: a handoff is ~13,000 pages, and as many catalogs)."""
    fd = os.open(path, _READ_FLAGS)
    try:
        size = os.fstat(fd).st_size
        data = os.read(fd, size + 1)  # one byte more: a file that grew since is still read to its end
        if len(data) <= size:
            return data
        chunks = [data]
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def write_atomic(path: Path | str, data: bytes) -> None:
    """Replace `path` with `data` in one step (temp file in the same directory + `os.replace`)."""
    name = os.fspath(path)
    folder, base = os.path.split(name)
    tmp = os.path.join(folder, f".{base}.tmp{_pid}")
    if folder not in _made:
        os.makedirs(folder or ".", exist_ok=True)
        _made.add(folder)
    try:
        fd = os.open(tmp, _FLAGS, 0o666)
    except FileNotFoundError:
        os.makedirs(folder or ".", exist_ok=True)
        fd = os.open(tmp, _FLAGS, 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, name)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_file(path: str, data: bytes) -> None:
    """Write `data` at `path` in place (no temporary sibling), making its folder if needed: for files no
    reader sees while they are written, such as the catalogs `tm update` stages before committing them."""
    folder = os.path.dirname(path)
    if folder not in _made:
        os.makedirs(folder or ".", exist_ok=True)
        _made.add(folder)
    try:
        fd = os.open(path, _FLAGS, 0o666)
    except FileNotFoundError:  # made earlier by this process, and removed since
        os.makedirs(folder or ".", exist_ok=True)
        fd = os.open(path, _FLAGS, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)

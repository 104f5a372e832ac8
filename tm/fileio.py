"""Writing outputs so that no reader ever sees half a file: write a temporary sibling, then rename over."""

from __future__ import annotations

import os
from pathlib import Path

# Directories this process already made: a handoff writes ~12,500 files into ~1,000 directories, and a
# `makedirs` per file is a measurable part of a run. A directory removed behind our back is made again.
_made: set[str] = set()
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def write_atomic(path: Path | str, data: bytes) -> None:
    """Replace `path` with `data` in one step (temp file in the same directory + `os.replace`)."""
    name = os.fspath(path)
    folder, base = os.path.split(name)
    tmp = os.path.join(folder, f".{base}.tmp{os.getpid()}")
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

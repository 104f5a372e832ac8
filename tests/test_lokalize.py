"""The real Lokalize (KDE, Debian's `lokalize` 22.12 here) opens tm's catalogs, a reviewer approves an entry and
saves, under a virtual display: the catalog comes back to tm's layout with `tm normalize`, and `tm update` loses no
human translation (issue 13's guarantee). Skipped where Lokalize, xvfb-run, xdotool or dbus-run-session is absent.

Lokalize wraps msgstr and header lines at 80 columns on save (not the `#.` notes), writes its own header fields
(`Last-Translator`, `Language-Team`, `PO-Revision-Date`, `X-Generator`, a translator comment), and keeps
`msgctxt`, `#|` previous sources and every `#.` note, offers included.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import DATA
from test_provenance import human_translations, tm, updated  # noqa: F401  (updated: the fixture)

from tm.formats import po
from tm.model import Catalog

NEEDS = ("lokalize", "xvfb-run", "xdotool", "dbus-run-session")
pytestmark = pytest.mark.skipif(any(shutil.which(n) is None for n in NEEDS),
                                reason=f"needs {', '.join(NEEDS)}")
LOKALIZE_FIELDS = ("PO-Revision-Date", "Last-Translator", "Language-Team", "X-Generator")


def lokalize_save(paths: list[Path], home: Path) -> None:
    """Each catalog opened in Lokalize, its second entry approved (Ctrl+U), saved (Ctrl+S)."""
    env = {**os.environ, "LOKALIZE_HOME": str(home)}
    done = subprocess.run(["xvfb-run", "-a", str(DATA / "lokalize_save.sh"), *map(str, paths)], env=env,
                          capture_output=True, text=True, timeout=120 * len(paths), check=False)
    assert done.returncode == 0, done.stderr


def test_a_catalog_lokalize_saved_comes_back_with_normalize(tmp_path: Path) -> None:
    assert tm("extract", DATA / "handoffs" / "new", "--out", tmp_path / "locales", "-q").returncode == 0
    path = tmp_path / "locales" / "fr-FR" / "index.po"
    before = path.read_bytes()
    lokalize_save([path], tmp_path / "home")
    saved = path.read_text(encoding="utf-8")
    assert "X-Generator: Lokalize" in saved and '"Consultez [Bien démarrer](core/get-started.md) pour savoir' in saved
    assert tm("normalize", path, "--check").returncode == 1  # re-wrapped at 80 columns
    assert tm("normalize", path).returncode == 0 and tm("normalize", path, "--check").returncode == 0

    old, new = read_po(before), read_po(path.read_bytes())
    assert [(e.id, e.source, e.target, e.notes, e.previous_source) for e in old.entries] == [
        (e.id, e.source, e.target, e.notes, e.previous_source) for e in new.entries]
    approved = [e.id for e, f in zip(old.entries, new.entries) if e.fuzzy != f.fuzzy]
    assert approved == [old.entries[1].id] and not new.entries[1].fuzzy  # the reviewer's approval, nothing else
    # Only Lokalize's own header fields, its translator comment and the approved entry's flag differ.
    changed = _diff(before.decode(), path.read_text(encoding="utf-8"))
    assert changed and all(line.startswith(("# Test Reviewer <reviewer@example.org>", "#, fuzzy"))
                           or line.strip('"').split(":")[0] in LOKALIZE_FIELDS for line in changed), changed


def test_no_review_is_lost_after_lokalize_saves_an_updated_tree(
        updated: tuple[Path, Path, dict[tuple[str, str], str]], tmp_path: Path) -> None:  # noqa: F811
    tree, v2, humans = updated
    copy = tmp_path / "fr-FR"
    shutil.copytree(tree, copy)
    paths = sorted(copy.glob("*.po"))
    lokalize_save(paths, tmp_path / "home")
    assert all("X-Generator: Lokalize" in p.read_text(encoding="utf-8") for p in paths)
    done = tm("update", copy, v2, "--json")
    assert done.returncode == 0, done.stderr
    after = human_translations(copy)
    lost = {key: text for key, text in humans.items() if after.get(key) != text}
    assert not lost, f"{len(lost)} of {len(humans)} human translations lost after Lokalize"
    assert json.loads(tm("update", copy, v2, "--json").stdout)["files_written"] == 0


def read_po(data: bytes) -> Catalog:
    return po.read(data, path="x.po")


def _diff(old: str, new: str) -> list[str]:
    """Lines of `new` not in `old` and of `old` not in `new` (header fields compared by name)."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    return [line for line in old_lines if line not in new_lines] + [line for line in new_lines if line not in old_lines]

"""`--quiet` hides progress and the summary, as gettext's `-q` hides its progress dots; it never hides a warning
that a person's translation was not applied or not kept (the mission: nothing reviewed is hidden)."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import SAMPLES

from tm.formats import po


def test_merge_quiet_still_says_a_reviewed_entry_was_skipped_as_stale(cli, tmp_path: Path) -> None:
    docs = Path(shutil.copytree(SAMPLES, tmp_path / "docs"))
    assert cli("extract", docs, "--out", tmp_path / "loc", "-q").code == 0
    path = tmp_path / "loc" / "fr-FR" / "index.po"
    catalog = po.read(path.read_bytes(), path=str(path))
    entry = catalog.entries[0]
    entry.target, entry.source, entry.fuzzy = "Revu par une personne.", entry.source + " (older English)", False
    path.write_bytes(po.write(catalog))
    loud = cli("merge", tmp_path / "loc" / "fr-FR", "--pages", docs, "--out", tmp_path / "out1")
    quiet = cli("merge", tmp_path / "loc" / "fr-FR", "--pages", docs, "--out", tmp_path / "out2", "-q")
    assert loud.code == quiet.code == 0
    warning = next(line for line in loud.err.splitlines() if "stale entry" in line)
    assert quiet.err.splitlines() == [warning] and quiet.out == ""
    assert loud.out  # the summary, which -q hides

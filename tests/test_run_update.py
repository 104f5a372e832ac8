"""`tm.jobs.update.run_update`, the engine of `tm update`, called as a library: pages from memory, in this
process or over two workers, gives the tree `tm update` gives, and a second run writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import DATA

from tm.formats import po
from tm.jobs.pool import parallel_map
from tm.jobs.update import UpdateOptions, run_update, serial_map
from tm.sources import DirectorySource, MemorySource
from tm.update import Reviews

OLD, NEW = DATA / "handoffs" / "old", DATA / "handoffs" / "new"


def _tree(cli, where: Path) -> Path:
    """The old handoff's catalogs, every third entry reviewed (so that pass 2 has a memory to offer from)."""
    assert cli("extract", OLD, "--out", where, "-q").code == 0
    n = 0
    for path in sorted((where / "fr-FR").rglob("*.po")):
        catalog = po.read(path.read_bytes(), path=str(path))
        for entry in catalog.entries:
            n += 1
            if n % 3 == 0:
                entry.target, entry.fuzzy = f"RELU{n} {entry.target}", False
        path.write_bytes(po.write(catalog))
    return where / "fr-FR"


def _files(tree: Path) -> dict[str, bytes]:
    return {p.relative_to(tree).as_posix(): p.read_bytes() for p in sorted(tree.rglob("*.po"))}


def _two_workers(func, items, /, *, total: int, label: str):  # type: ignore[no-untyped-def]
    return parallel_map(func, items, jobs=2, total=total)


@pytest.mark.parametrize("pmap", [serial_map, _two_workers], ids=["serial", "two-workers"])
def test_run_update_gives_the_tree_tm_update_gives(cli, tmp_path: Path, pmap) -> None:  # type: ignore[no-untyped-def]
    by_cli = _tree(cli, tmp_path / "cli")
    by_library = tmp_path / "library" / "fr-FR"
    shutil.copytree(by_cli, by_library)
    assert cli("update", by_cli, NEW, "--jobs", "1", "-q").code == 0
    pages = MemorySource(dict(DirectorySource(NEW).files()))
    summary = run_update(str(by_library), pages, options=UpdateOptions(shown=str(NEW)), pmap=pmap)
    assert summary.errors == [] and not summary.refused
    assert _files(by_library) == _files(by_cli)
    assert summary.files_written > 0 and summary.counts["kept"] > 0 and summary.counts["offered"] > 0
    again = run_update(str(by_library), pages, options=UpdateOptions(shown=str(NEW)), pmap=pmap)
    assert again.files_written == 0 and again.files_unchanged == again.pages == summary.pages


def test_reviews_from_outside_the_tree_are_offered_after_the_trees_own(cli, tmp_path: Path) -> None:
    """`more_reviews` (what `tm update --memory DB` fills): a source no catalog of the tree reviewed takes the
    outside translation; one the tree reviewed keeps the tree's."""
    tree = _tree(cli, tmp_path / "locales")
    assert cli("extract", NEW, "--out", tmp_path / "new", "-q").code == 0
    new_sources = [e.source for p in sorted((tmp_path / "new" / "fr-FR").rglob("*.po"))
                   for e in po.read(p.read_bytes(), path=str(p)).entries]
    reviewed = {e.source: e.target for p in sorted(tree.rglob("*.po"))
                for e in po.read(p.read_bytes(), path=str(p)).entries if e.reviewed}
    outside = Reviews("memory.sqlite", new_sources, [f"DEHORS {s}" for s in new_sources])
    pages = MemorySource(dict(DirectorySource(NEW).files()))
    without = run_update(str(tree), pages, options=UpdateOptions(force=True), pmap=serial_map)
    shutil.rmtree(tree.parent)
    tree = _tree(cli, tmp_path / "locales")
    summary = run_update(str(tree), pages, options=UpdateOptions(force=True), pmap=serial_map,
                         more_reviews=[outside])
    assert summary.counts["offered"] > without.counts["offered"]
    entries = [e for p in sorted(tree.rglob("*.po")) for e in po.read(p.read_bytes(), path=str(p)).entries]
    assert any(e.target.startswith("DEHORS ") for e in entries)
    assert not any(e.target.startswith("DEHORS ") and e.source in reviewed for e in entries)

"""`tm sync`: incremental updates that follow a vendor's branch commit by commit.

- `tm.sync.git`: the commits, the pages each touched, their blobs.
- `tm.sync.state`: the tree's last synced commit, and the index of its reviews.
- `tm.sync.memory`: those reviews in a SQLite file, asked as update's memory is (exact, then similar sources).
- `tm.sync.apply`: one commit applied with the rules of `tm update` (its pass jobs, `tm.jobs.update_page`).
- `tm.sync.run`: a run: the commits in order, their segment counts, `--dry-run`, `--review`.
"""

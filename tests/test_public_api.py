"""The public surface: `tm.__all__` is sorted, complete and importable."""

from __future__ import annotations

import tm


def test_all_is_sorted_and_every_name_exists() -> None:
    assert tm.__all__ == sorted(tm.__all__)
    for name in tm.__all__:
        assert getattr(tm, name) is not None


def test_all_lists_every_public_import() -> None:
    public = {name for name, value in vars(tm).items()
              if not name.startswith("_") and not isinstance(value, type(tm)) and name != "annotations"}
    assert public == set(tm.__all__)

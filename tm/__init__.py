"""tm: a translation memory toolkit for bilingual side-by-side documentation handoffs.

The library under the `tm` command: pages (`parse_page`, `render_page`), catalogs (`read_catalog`,
`page_to_catalog`, `FORMATS`), and the operations the commands run (`compare`, `carry_forward`,
`merge_page`, `run_checks`). Each is a pure function over the model in `tm.model`; the files of a command
are read and written by `tm.jobs` (through `tm.fileio`), which `tm.cli` calls.
"""

from importlib import import_module
from typing import TYPE_CHECKING

from tm._version import __version__ as __version__

# `align` is also the name of a submodule: once anything imports `tm.align`, the module would shadow a lazy
# name. It is cheap to import (rapidfuzz waits for its first comparison).
from tm.align import align

if TYPE_CHECKING:
    from tm.catalogs import read_catalog
    from tm.checks import Finding, run_checks
    from tm.diff import DiffReport, compare
    from tm.errors import BadArgument, InputError, SourceError, TmError
    from tm.extract import page_to_catalog
    from tm.formats import FORMATS
    from tm.merge import merge_page
    from tm.model import Catalog, Entry, Page, Pair
    from tm.page import Mode, load_page, parse_page, render_page
    from tm.stats import collect as collect_stats
    from tm.update import carry_forward

__all__ = [
    "BadArgument",
    "Catalog",
    "DiffReport",
    "Entry",
    "FORMATS",
    "Finding",
    "InputError",
    "Mode",
    "Page",
    "Pair",
    "SourceError",
    "TmError",
    "align",
    "carry_forward",
    "collect_stats",
    "compare",
    "load_page",
    "merge_page",
    "page_to_catalog",
    "parse_page",
    "read_catalog",
    "render_page",
    "run_checks",
]

# Where each public name lives. They are imported when first used: a command imports only what it runs
# (extract needs neither rapidfuzz nor lxml), and `import tm` costs almost nothing.
_HOMES = {
    "BadArgument": "tm.errors", "Catalog": "tm.model", "DiffReport": "tm.diff", "Entry": "tm.model",
    "FORMATS": "tm.formats", "Finding": "tm.checks", "InputError": "tm.errors", "Mode": "tm.page",
    "Page": "tm.model", "Pair": "tm.model", "SourceError": "tm.errors", "TmError": "tm.errors",
    "carry_forward": "tm.update", "collect_stats": "tm.stats", "compare": "tm.diff",
    "load_page": "tm.page", "merge_page": "tm.merge", "page_to_catalog": "tm.extract", "parse_page": "tm.page",
    "read_catalog": "tm.catalogs", "render_page": "tm.page", "run_checks": "tm.checks",
}
_RENAMED = {"collect_stats": "collect"}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'tm' has no attribute {name!r}")
    value = getattr(import_module(home), _RENAMED.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

"""tm: a translation memory toolkit for bilingual side-by-side documentation handoffs.

The library under the `tm` command: pages (`parse_page`, `render_page`), catalogs (`read_catalog`,
`page_to_catalog`, `FORMATS`), and the operations the commands run (`compare`, `carry_forward`,
`merge_page`, `run_checks`). Each is a pure function over the model in `tm.model`; files are read and
written by `tm.cli` and `tm.jobs` only.
"""

__version__ = "0.1.0"

from tm.align import align
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

"""`Page` × translations → text. Pure: the caller writes the result.

Modes:
- `target`: each pair is replaced by its translation (the localized page);
- `bilingual`: pairs are kept and only the translation half changes (a new side-by-side page);
- `source`: each pair is replaced by its English source.

A translation equal to the page's own is written from the original raw text, so rendering with no changes
gives back the input byte for byte whatever escaping the vendor used.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from itertools import repeat

from tm.model import Escape, Page
from tm.page.pairs import SOURCE, TARGET, PairView
from tm.page.parse import escape_text


class Mode(str, enum.Enum):
    """What `render_page` puts in place of each pair."""

    TARGET = "target"
    BILINGUAL = "bilingual"
    SOURCE = "source"


BOM = "\ufeff"


def render_page(page: Page, mode: Mode = Mode.BILINGUAL, targets: Mapping[str, str] | None = None) -> str:
    """The page's text with each pair rendered per `mode`; `targets` maps pair ids to new translations.

    The BOM, if the page had one, is put back at the start.
    """
    pairs = PairView.of(page)
    text = page.text
    new = _new_targets(pairs, targets) if targets and mode is not Mode.SOURCE else {}
    bom = BOM if page.bom else ""
    if mode is Mode.BILINGUAL and not new:
        return bom + text  # every pair as it is
    matches = pairs.matches
    rendered = [match.group(_GROUP[mode]) for match in matches]
    for k, raw in new.items():
        if mode is Mode.TARGET:
            rendered[k] = raw
        else:
            start, end = matches[k].span()
            target_start, target_end = matches[k].span(TARGET)
            rendered[k] = text[start:target_start] + raw + text[target_end:end]
    ends = [0, *[match.end() for match in matches]]
    starts = [*[match.start() for match in matches], len(text)]
    out = [""] * (2 * len(matches) + 1)
    out[0::2] = [text[end:start] for end, start in zip(ends, starts)]  # what lies between the pairs
    out[1::2] = rendered
    return bom + "".join(out)


_GROUP = {Mode.TARGET: TARGET, Mode.BILINGUAL: 0, Mode.SOURCE: SOURCE}  # what stands for a pair, unless changed


def _new_targets(pairs: PairView, targets: Mapping[str, str]) -> dict[int, str]:
    """The raw text to write in place of each pair's translation that `targets` changes, by pair index."""
    escapes = pairs.escapes or repeat(Escape.NONE)
    own = pairs.targets()
    new: dict[int, str] = {}
    for k, (pair_id, escape) in enumerate(zip(pairs.ids(), escapes)):
        target = targets.get(pair_id)
        if target is not None and target != own[k]:
            new[k] = escape_text(target, escape)
    return new

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
    out: list[str] = [BOM] if page.bom else []
    pos = 0
    for k, match in enumerate(pairs.matches):
        start, end = match.span()
        out.append(text[pos:start])
        raw = new.get(k) if new else None
        if mode is Mode.TARGET:
            out.append(match.group(TARGET) if raw is None else raw)
        elif mode is Mode.BILINGUAL:
            if raw is None:
                out.append(match.group())
            else:
                target_start, target_end = match.span(TARGET)
                out.append(text[start:target_start] + raw + text[target_end:end])
        else:
            out.append(match.group(SOURCE))
        pos = end
    out.append(text[pos:])
    return "".join(out)


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

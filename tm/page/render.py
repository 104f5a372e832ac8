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

from tm.model import Page
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
    targets = targets or {}
    text = page.text
    out: list[str] = [BOM] if page.bom else []
    pos = 0
    for pair in page.pairs:
        out.append(text[pos : pair.start])
        new = targets.get(pair.id)
        if new is None or new == pair.target:
            raw_target = text[pair.target_start : pair.target_end]
        else:
            raw_target = escape_text(new, pair.escape)
        if mode is Mode.BILINGUAL:
            out.append(text[pair.start : pair.target_start])
            out.append(raw_target)
            out.append(text[pair.target_end : pair.end])
        elif mode is Mode.TARGET:
            out.append(raw_target)
        else:
            out.append(text[pair.source_start : pair.source_end])
        pos = pair.end
    out.append(text[pos:])
    return "".join(out)


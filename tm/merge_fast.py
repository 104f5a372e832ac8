"""The hot path of `tm merge`: a Markdown page's text and its catalog straight to the merged text.

`merge_page(parse_page(...).page, ...)` builds a `Pair` for each of a handoff's ~420,000 pairs and then
renders them; for the common page (pairs in the Markdown body, plain attribute quotes, so no text needs
unescaping) `merge_text` renders from the regex spans directly and decides what to apply with the same
`choose_targets`. Its result must equal the model path's: the tests compare both on generated pages and on
every page of the corpus. Any other page gives None and the caller takes the model path, which is also
the one that reports malformed pairs.
"""

from __future__ import annotations

from operator import methodcaller

from tm.merge import Gate, PageMerge, choose_targets
from tm.model import Catalog
from tm.page import Mode
from tm.page.meta import front_matter_end
from tm.page.parse import PAIR, all_paired, raw_is_text
from tm.page.render import BOM


def merge_text(relpath: str, text: str, catalog: Catalog | None, mode: Mode = Mode.TARGET, *, bom: bool = False,
               gate: Gate | None = None) -> PageMerge | None:
    """The merged page (see `tm.merge.merge_page`), or None when the page needs the model path."""
    if "data-ttu-id=" not in text and "data-stu-id=" not in text:
        return PageMerge(BOM + text if bom else text)
    if not raw_is_text(relpath, text, front_matter_end(text, yaml_page=False)):
        return None  # the model path unescapes
    if catalog is None or not any(entry.reviewed for entry in catalog.entries):
        return _render_unchanged(text, mode, bom)
    spans = [match.regs for match in PAIR.finditer(text)]
    if not all_paired(text, len(spans)):
        return None  # a malformed pair: the model path says which
    result = PageMerge("")
    sources = {text[id_start:id_end]: text[source_start:source_end]
               for _, _, (id_start, id_end), _, (source_start, source_end) in spans}
    targets = choose_targets(catalog, sources, result, gate)
    out = [BOM] if bom else []
    pos = 0
    for (start, end), _, (id_start, id_end), (target_start, target_end), (source_start, source_end) in spans:
        out.append(text[pos:start])
        new = targets.get(text[id_start:id_end]) if targets else None
        if mode is Mode.TARGET:
            out.append(text[target_start:target_end] if new is None else new)
        elif mode is Mode.BILINGUAL:
            out.append(text[start:end] if new is None else text[start:target_start] + new + text[target_end:end])
        else:
            out.append(text[source_start:source_end])
        pos = end
    out.append(text[pos:])
    result.text = "".join(out)
    return result


# What replaces each pair; `methodcaller` keeps `re.subn` in C (a `\g<target>` template calls Python per match).
_REPLACEMENTS = {Mode.TARGET: methodcaller("group", "target"), Mode.SOURCE: methodcaller("group", "source"),
                 Mode.BILINGUAL: methodcaller("group", 0)}


def _render_unchanged(text: str, mode: Mode, bom: bool) -> PageMerge | None:
    """The page rendered with its own translations: one `re.subn` (the common case: nothing reviewed yet)."""
    rendered, found = PAIR.subn(_REPLACEMENTS[mode], text)
    if not all_paired(text, found):
        return None  # a malformed pair: the model path says which
    return PageMerge(BOM + rendered if bom else rendered)

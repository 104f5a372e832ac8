"""The hot path of `tm extract`: a Markdown page's text straight to PO text, without the model objects.

A handoff holds ~420,000 pairs, and building a `Pair` and an `Entry` for each, then writing them out, was
most of an extract run. For the common page (pairs in the Markdown body, plain attribute quotes, PO as the
only output) `page_po` does the same work in one loop over the regex matches, with the same helpers for
notes and PO strings. Its bytes must equal `po.write(page_to_catalog(parse_page(...)))`: the tests compare
both paths on every sample page, on generated pages and on every page of the corpus. Any other page gives
None and the caller takes the model path, which is also the one that reports malformed pairs.

`page_entries` is the same catalog taken apart, entry by entry, for `tm update` (`update_page_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import blake2b

from tm.extract import count_words, make_header, place_notes, reference_path, translation_note
from tm.formats import po
from tm.model import VENDOR_MARK, Entry, Page
from tm.page.meta import front_matter_end, read_meta
from tm.page.parse import PAIR, all_paired, raw_is_text


@dataclass(frozen=True, slots=True)
class PageCatalog:
    """A page's catalog as PO bytes (empty when the page has no pairs), its locale and counts."""

    data: bytes
    locale: str
    segments: int
    words: int = 0


def page_po(relpath: str, text: str, *, locale: str = "", words: bool = False) -> PageCatalog | None:
    """The PO catalog of a decoded page, or None when the page needs the model path (see the module doc)."""
    if "data-ttu-id=" not in text and "data-stu-id=" not in text:
        return PageCatalog(b"", locale, 0)
    page = page_entries(relpath, text, locale=locale)
    if page is None:
        return None
    data = po.po_text(page.header, page.texts)
    return PageCatalog(data, page.locale, len(page.texts), sum(map(count_words, page.sources)) if words else 0)


Spans = list[tuple[tuple[int, int], ...]]


def _pairs(relpath: str, text: str, locale: str) -> tuple[Page, str, Spans, list[str], list[str]] | None:
    """What both fast paths start from: the page (metadata only), its locale, each pair's regex spans, source
    and place note; None for a page the model path must take (escaped quotes, no locale, a malformed pair)."""
    yaml_end = front_matter_end(text, yaml_page=False)
    if not raw_is_text(relpath, text, yaml_end):
        return None  # the model path unescapes
    page = Page(relpath, text, (), read_meta(text, yaml_page=False, end=yaml_end))
    locale = locale or page.locale
    if not locale:
        return None
    spans = [match.regs for match in PAIR.finditer(text)]
    if not all_paired(text, len(spans)):
        return None  # a malformed pair: the model path says which
    sources = [text[regs[4][0]:regs[4][1]] for regs in spans]
    notes = place_notes(text, [(regs[0][0], source, False) for regs, source in zip(spans, sources)])
    return page, locale, spans, sources, notes


@dataclass(frozen=True, slots=True)
class PageEntries:
    """A page's catalog taken apart for `tm update`: its header, and per pair its parts and its PO text.

    `texts[k]` is `"\\n"` + the k-th entry exactly as `po.write(page_to_catalog(...))` writes it, so an
    update can copy the entries it keeps as the handoff gave them, and build `entry(k)` only for the others.
    """

    header: dict[str, str]
    locale: str
    sources: list[str]
    lines: list[int]
    notes: list[str]
    texts: list[str]
    machine_translated: bool
    kind_note: str
    digests: list[str]  # `vendor_digest` of each pair's translation
    targets: list[str]
    reference: str
    page_text: str  # the page, and each pair's regex spans: ids are sliced when asked for
    spans: Spans

    def id(self, k: int) -> str:
        start, end = self.spans[k][2]
        return self.page_text[start:end]

    def entry(self, k: int) -> Entry:
        """The k-th entry, as `page_to_catalog` builds it."""
        target = self.targets[k]
        return Entry(self.id(k), self.sources[k], target, self.machine_translated and target != "", (), None, None,
                     (), (self.notes[k], f"{self.kind_note}{VENDOR_MARK}{self.digests[k]}"),
                     (f"{self.reference}{self.lines[k]}",))

    def reviewed_text(self, k: int, target: str) -> str:
        """`texts[k]` with `target` as a reviewed msgstr (not fuzzy): an update keeping a review writes it."""
        notes = f"#. {self.notes[k]}\n#. {self.kind_note}{VENDOR_MARK}{self.digests[k]}\n"
        return po.note_entry_text(notes, f"{self.reference}{self.lines[k]}", False, self.id(k), self.sources[k],
                                  target)

    def reviewed(self, k: int) -> bool:
        """`entry(k).reviewed`, without building it: an HT page's translations count as reviewed."""
        return not self.machine_translated and self.targets[k] != ""


def page_entries(relpath: str, text: str, *, locale: str = "") -> PageEntries | None:
    """The page's catalog taken apart (see `PageEntries`); None for a page without pairs, or one the model path
    must take (see the module doc)."""
    found = _pairs(relpath, text, locale) if "data-ttu-id=" in text else None
    if found is None:
        return None
    page, locale, spans, sources, notes = found
    fuzzy = page.machine_translated
    kind_note = translation_note(page)
    reference = f"{reference_path(relpath)}:"
    entry_text, count = po.note_entry_text, text.count
    lines: list[int] = []
    digests: list[str] = []
    targets: list[str] = []
    texts: list[str] = []
    line = 1
    line_pos = 0
    for regs, source, note in zip(spans, sources, notes):
        (start, _), _, (id_start, id_end), (target_start, target_end), _ = regs
        line += count("\n", line_pos, start)
        line_pos = start
        lines.append(line)
        target = text[target_start:target_end]
        targets.append(target)
        pair_id = text[id_start:id_end]
        digest = blake2b(target.encode(), digest_size=6).hexdigest()  # `vendor_digest`, inline
        digests.append(digest)
        texts.append(entry_text(f"#. {note}\n#. {kind_note}{VENDOR_MARK}{digest}\n", f"{reference}{line}",
                                fuzzy and target != "", pair_id, source, target))
    return PageEntries(make_header(page, locale), locale, sources, lines, notes, texts, page.machine_translated,
                       kind_note, digests, targets, reference, text, spans)

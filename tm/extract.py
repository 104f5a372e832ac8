"""Pages → catalogs: one catalog per page, holding one entry per pair, ready to be written as PO/XLIFF/TMX.

Entries carry what a reviewer needs: the pair id as context, the page line as reference, the place in the
document (heading, table cell, list item, link text) and the translation type as extracted comments, and
`fuzzy` when the page is machine translated, so PO editors list MT segments as needing review.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from hashlib import blake2b
from itertools import repeat

from tm._version import __version__
from tm.formats import po
from tm.model import HT_NOTE, VENDOR_MARK, Catalog, Entry, Escape, Page
from tm.page.meta import front_matter_end
from tm.page.pairs import PairView
from tm.page.parse import YAML_SUFFIXES, all_paired, parse_page, raw_is_text

# The handoff fields copied into the catalog header as X- fields (ms.lasthandoff → X-Ms-Lasthandoff).
HANDOFF_FIELDS = (
    "ms.contentlocale", "ms.lasthandoff", "ms.sourcegitcommit", "ms.openlocfilehash",
    "ms.translationtype", "ms.locfileid", "ms.date",
)
_HANDOFF_HEADER = {key: "X-" + "-".join(part.title() for part in key.split(".")) for key in HANDOFF_FIELDS}
_HEADING = re.compile(r"[ \t]*(#{1,6})[ \t]")
_LIST = re.compile(r"[ \t]*(?:>[ \t]*)*(?:[-*+]|\d+[.)])[ \t]")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_ASCII_WORD = re.compile(r"\w+(?:(?:['-]|[.,](?=\d))\w+)*")
_WORD = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+(?:(?:[-'’]|[.,](?=\d))[^\W{_CJK}]+)*")
_MARKUP = re.compile(r"`[^`]*`|<[^>]*>|\]\([^)]*\)|&\w+;")


@dataclass(frozen=True, slots=True)
class PageSummary:
    """Counts for one extracted page, summed by the CLI into the `--json` report."""

    segments: int
    words: int


def page_to_catalog(page: Page, *, locale: str = "") -> Catalog:
    """One entry per pair, in page order; `locale` overrides the page's `ms.contentlocale`.

    >>> from tm.page import parse_page
    >>> text = '# <span data-ttu-id="a-1">Salut</span><span class="sxs-lookup"><span data-stu-id="a-1">Hi</span></span>'
    >>> entry = page_to_catalog(parse_page("p.md", text).page, locale="fr-FR").entries[0]
    >>> entry.id, entry.source, entry.target, entry.fuzzy, entry.references, entry.notes[0]
    ('a-1', 'Hi', 'Salut', True, ('p.md:1',), 'heading 1')
    """
    return page_entries(page, locale=locale).catalog()


@dataclass(frozen=True, slots=True)
class PageEntries:
    """A page's catalog column by column: its header, and per pair its parts and its PO text.

    `texts[k]` is `"\\n"` + the k-th entry exactly as `po.write(catalog())` writes it: `tm extract` writes PO
    from them, and `tm update` copies the entries it keeps as the handoff gave them. `entry(k)` builds the
    k-th `Entry` for what needs one (another format, an entry an update changes).
    """

    relpath: str
    header: dict[str, str]
    locale: str
    ids: list[str]
    sources: list[str]
    lines: list[int]
    notes: list[str]
    texts: list[str]
    machine_translated: bool
    kind_note: str
    digests: list[str]  # `vendor_digest` of each pair's translation
    targets: list[str]
    reference: str

    def id(self, k: int) -> str:
        return self.ids[k]

    def entry(self, k: int) -> Entry:
        """The k-th entry."""
        target = self.targets[k]
        return Entry(self.ids[k], self.sources[k], target, self.machine_translated and target != "", (), None, None,
                     (), (self.notes[k], f"{self.kind_note}{VENDOR_MARK}{self.digests[k]}"),
                     (f"{self.reference}{self.lines[k]}",))

    def catalog(self) -> Catalog:
        """The page's catalog, one `Entry` per pair."""
        return Catalog([self.entry(k) for k in range(len(self.ids))], self.header, self.locale, self.relpath)

    def po(self) -> bytes:
        """The catalog as PO bytes: what `po.write(self.catalog())` gives."""
        return po.po_text(self.header, self.texts)

    def reviewed_text(self, k: int, target: str) -> str:
        """`texts[k]` with `target` as a reviewed msgstr (not fuzzy): an update keeping a review writes it."""
        notes = f"#. {self.notes[k]}\n#. {self.kind_note}{VENDOR_MARK}{self.digests[k]}\n"
        return po.note_entry_text(notes, f"{self.reference}{self.lines[k]}", False, self.ids[k], self.sources[k],
                                  target)

    def reviewed(self, k: int) -> bool:
        """`entry(k).reviewed`, without building it: an HT page's translations count as reviewed."""
        return not self.machine_translated and self.targets[k] != ""


def page_entries(page: Page, *, locale: str = "") -> PageEntries:
    """The page's catalog column by column (see `PageEntries`); `locale` overrides the page's `ms.contentlocale`."""
    pairs = PairView.of(page)
    text = page.text
    locale = locale or page.locale
    ids, sources, targets, lines = pairs.ids(), pairs.sources(), pairs.targets(), pairs.lines()
    escaped = [escape is not Escape.NONE for escape in pairs.escapes] if pairs.escapes else repeat(False)
    notes = place_notes(text, list(zip(pairs.starts(), sources, escaped)),
                        yaml_page=page.relpath.lower().endswith(YAML_SUFFIXES))
    fuzzy = page.machine_translated
    kind_note = translation_note(page)
    reference = f"{reference_path(page.relpath)}:"
    entry_text = po.note_entry_text
    digests: list[str] = []
    texts: list[str] = []
    for pair_id, source, target, note, line in zip(ids, sources, targets, notes, lines):
        digest = blake2b(target.encode(), digest_size=6).hexdigest()  # `vendor_digest`, inline
        digests.append(digest)
        texts.append(entry_text(f"#. {note}\n#. {kind_note}{VENDOR_MARK}{digest}\n", f"{reference}{line}",
                                fuzzy and target != "", pair_id, source, target))
    return PageEntries(page.relpath, make_header(page, locale), locale, ids, sources, lines, notes, texts,
                       page.machine_translated, kind_note, digests, targets, reference)


def text_entries(relpath: str, text: str, *, locale: str = "") -> PageEntries | None:
    """`page_entries` of a page's text for `tm update`'s quick path (`update_page_text`); None for a page it
    leaves to the model path: one without pairs or locale, a `.yml` page or one with escaped texts, or one
    with a malformed pair (the model path reports it)."""
    if "data-ttu-id=" not in text or not raw_is_text(relpath, text, front_matter_end(text, yaml_page=False)):
        return None
    parsed = parse_page(relpath, text)
    if parsed.diagnostics or not all_paired(text, len(parsed.page.pairs)) or not (locale or parsed.page.locale):
        return None
    return page_entries(parsed.page, locale=locale)


def place_notes(text: str, pairs: list[tuple[int, str, bool]], *, yaml_page: bool = False) -> list[str]:
    """The extracted comment saying where each pair sits, for `(offset, source, in a YAML value)` in page order.

    "heading 2", "table cell", "list item", "paragraph" or "link text", judged from the start of the pair's
    line, and "under “<heading>”" for what follows a heading, so a reviewer sees the segment's context.
    One call per page, not per pair: this runs for every one of a handoff's ~420,000 pairs.
    """
    notes = []
    heading = line_place = ""
    line_start = -1
    is_heading = False
    last = ("", "", "")  # the last note made, and its place and heading: consecutive pairs mostly share them
    rfind = text.rfind
    start = searched = 0  # the start of the line of the last pair, and how far the text was searched for it
    for pos, source, yaml_value in pairs:
        newline = rfind("\n", searched, pos)  # not from 0: a line may hold thousands of pairs
        if newline >= 0:
            start = newline + 1
        searched = pos
        if start != line_start:
            line_start = start
            line_place = "YAML value" if yaml_page or yaml_value else _line_place(text[start:pos])
            is_heading = line_place.startswith("heading")
        if is_heading:
            heading = source if "\n" not in source and "\r" not in source else " ".join(source.split())
            notes.append(line_place)
            continue
        place = "link text" if pos and text[pos - 1] == "[" else line_place
        if place is not last[1] or heading is not last[2]:
            last = (f"{place} under “{heading}”" if heading else place, place, heading)
        notes.append(last[0])
    return notes


def make_header(page: Page, locale: str) -> dict[str, str]:
    """PO header fields: the gettext ones editors need, then the page's handoff metadata as X- fields.

    Dates come from the handoff, never from the clock, so extracting twice gives identical bytes.
    """
    date = _handoff_date(page.meta.get("ms.lasthandoff", ""))
    header = {
        "Project-Id-Version": page.relpath,
        "POT-Creation-Date": date,
        "PO-Revision-Date": date,
        "Last-Translator": "",
        "Language-Team": "",
        "Language": locale.replace("-", "_"),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms(locale),
        "X-Generator": f"tm {__version__}",
        "X-Page": page.relpath,
    }
    for key, field_name in _HANDOFF_HEADER.items():
        if key in page.meta:
            header[field_name] = page.meta[key]
    if "title" in page.meta:
        header["X-Page-Title"] = page.meta["title"]
    return {k: v for k, v in header.items() if v or k in ("Last-Translator", "Language-Team")}


def count_words(text: str) -> int:
    """Words a translator reads: markup (code spans, tags, link targets, entities) is not counted.

    Chinese and Japanese characters count one word each, as translation vendors count them.

    >>> count_words("See [Get started](core/get-started.md) with `dotnet new`."), count_words("使用 .NET")
    (4, 3)
    """
    plain = _MARKUP.sub(" ", text) if ("`" in text or "<" in text or "](" in text or "&" in text) else text
    return len((_ASCII_WORD if plain.isascii() else _WORD).findall(plain))


_PLURALS = {
    1: "nplurals=1; plural=0;",
    2: "nplurals=2; plural=(n != 1);",
}


@functools.cache
def plural_forms(locale: str) -> str:
    """The gettext `Plural-Forms` for a locale, from translate-toolkit's language table (falls back to 2 forms)."""
    from translate.lang.data import languages

    lang = locale.replace("-", "_")
    info = languages.get(lang) or languages.get(lang.split("_")[0])
    if not info:
        return _PLURALS[2]
    return f"nplurals={info[1]}; plural={info[2]};"


@functools.lru_cache(maxsize=256)
def _handoff_date(value: str) -> str:
    """`09/15/2020` → `2020-09-15 00:00+0000` (gettext's date format); "" when absent or unreadable."""
    for fmt in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), fmt).strftime("%Y-%m-%d 00:00+0000")
        except ValueError:
            continue
    return ""


def translation_note(page: Page) -> str:
    """The second extracted comment of every entry: how the page was translated, and in which handoff; each
    entry adds `VENDOR_MARK` and the digest of the page's translation (its provenance, see `tm.update`)."""
    kind = "machine translation (MT)" if page.machine_translated else HT_NOTE
    handoff = page.meta.get("ms.lasthandoff", "")
    return f"{kind}, handoff {handoff}" if handoff else kind


@functools.lru_cache(maxsize=4096)  # line starts repeat: "", "- ", "| ", "## "
def _line_place(prefix: str) -> str:
    """Where pairs sit, judged from the start of their line: "heading 2", "table cell", "list item", "paragraph"."""
    first = prefix.lstrip()[:1]
    if not first:
        return "paragraph"
    if first == "#":
        heading = _HEADING.match(prefix)
        if heading:
            return f"heading {len(heading.group(1))}"
    elif first == "|":
        return "table cell"
    if (first in "-*+>" or first.isdecimal()) and _LIST.match(prefix):
        return "list item"
    return "paragraph"


def reference_path(relpath: str) -> str:
    """PO references are space-separated, so a space in a path is written as gettext 0.22 does (U+2068/U+2069)."""
    return f"\u2068{relpath}\u2069" if " " in relpath else relpath

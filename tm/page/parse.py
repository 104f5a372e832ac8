"""Side-by-side page → `Page`: find every span pair and keep every other character where it was.

A pair is `<span data-ttu-id="ID">target</span><span class="sxs-lookup"><span data-stu-id="ID">source</span></span>`.
Targets and sources may themselves hold inline HTML (`<span class="docon …"></span>`), so the texts are
matched with balanced `<span>` nesting; a text holding an unbalanced literal `<span` falls back to the
first closing marker. Attribute quotes may be `\\"` when the pair sits in a double-quoted YAML scalar.
A `data-ttu-id` or `data-stu-id` span inside a pair's texts is never taken for inline HTML: it is a
diagnostic (or, if it forms a whole pair, a pair, and the one around it the diagnostic).

Problems are returned as `Diagnostic`s (stable codes), never printed: the caller decides what is fatal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tm.errors import InputError
from tm.model import Escape, Page
from tm.page.meta import front_matter_end, read_meta
from tm.page.pairs import PairView
from tm.page.scalars import quoted_scalars

YAML_SUFFIXES = (".yml", ".yaml")

_OPEN = re.compile(r"""<span data-ttu-id=(\\?["'])([^"'\\<>\s]+)\1>""")


def _balanced(depth: int) -> str:
    """Regex for text whose `<span>` tags nest properly, at most `depth` levels (unrolled: no backtracking blow-up)."""
    if depth == 0:
        return r"[^<]*(?:<(?!/?span\b)[^<]*)*"
    inner = _balanced(depth - 1)
    return r"[^<]*(?:(?:<(?!/?span\b)|<span\b[^>]*>" + inner + r"</span>)[^<]*)*"


_LOOKUP = r"</span><span class=(?P=q)sxs-lookup(?P=q)><span data-stu-id=(?P=q)(?P=id)(?P=q)>"
# One pair with its texts balanced; groups q (the quote), id, target and source (raw, still escaped).
PAIR = re.compile(
    r"""<span data-ttu-id=(?P<q>\\?["'])(?P<id>[^"'\\<>\s]+)(?P=q)>"""
    r"(?P<target>" + _balanced(3) + r")" + _LOOKUP + r"(?P<source>" + _balanced(3) + r")</span></span>"
)
# Fallback for texts with a literal, unbalanced `<span`: shortest texts up to the closing markers.
_LOOSE_PAIR = re.compile(
    r"""<span data-ttu-id=(?P<q>\\?["'])(?P<id>[^"'\\<>\s]+)(?P=q)>"""
    r"(?P<target>(?:(?!data-ttu-id=).)*?)" + _LOOKUP + r"(?P<source>(?:(?!data-ttu-id=).)*?)</span></span>",
    re.DOTALL,
)
_ANY_LOOKUP = re.compile(r"""<span class=\\?["']sxs-lookup\\?["']><span data-stu-id=\\?["']([^"'\\<>\s]*)""")


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found while parsing: a stable code (TM1xx), the line, and a message for people."""

    code: str
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class ParseResult:
    """The page, and what was wrong with it; a page with diagnostics must not be used to write outputs."""

    page: Page
    diagnostics: tuple[Diagnostic, ...]


def parse_page(relpath: str, text: str, *, bom: bool = False) -> ParseResult:
    """Find the pairs of a decoded page; `text` must not hold the BOM (say `bom=True` to keep it on render).

    The page's pairs are a `PairView`: their regex matches, decoded only when asked for.
    """
    yaml_page = relpath.lower().endswith(YAML_SUFFIXES)
    yaml_end = front_matter_end(text, yaml_page=yaml_page)
    meta = read_meta(text, yaml_page=yaml_page, end=yaml_end)
    if "data-ttu-id=" not in text and "data-stu-id=" not in text:
        return ParseResult(Page(relpath, text, PairView(text, []), meta, bom), ())
    matches = list(PAIR.finditer(text))
    if not all_paired(text, len(matches)):  # some `data-ttu-id`/`data-stu-id` is in no pair: go pair by pair
        matches, diagnostics = _scan_careful(text)
    else:
        diagnostics = ()
    pairs = PairView(text, matches, _escapes(text, matches, yaml_end))
    return ParseResult(Page(relpath, text, pairs, meta, bom), diagnostics)


def all_paired(text: str, found: int) -> bool:
    """True when the `found` pairs account for every `data-ttu-id` and `data-stu-id` of `text`."""
    return text.count("data-ttu-id=") == found and text.count("data-stu-id=") == found


def raw_is_text(relpath: str, text: str, yaml_end: int) -> bool:
    """True when no pair's raw text can be escaped: a Markdown page, plain attribute quotes (no `\\"`), and no
    pair in the front matter (before `yaml_end`). The quick path of `tm update` (`tm.extract.text_entries`) takes
    only such pages."""
    return (not relpath.lower().endswith(YAML_SUFFIXES) and "data-ttu-id=\\" not in text
            and not 0 <= text.find("data-ttu-id=") < yaml_end)


def _scan_careful(text: str) -> tuple[list[re.Match[str]], tuple[Diagnostic, ...]]:
    """Pair by pair from each opening span, with the loose fallback and a diagnostic for what does not pair."""
    matches: list[re.Match[str]] = []
    diagnostics: list[Diagnostic] = []
    pos = 0
    line = 1
    line_pos = 0
    while True:
        opening = _OPEN.search(text, pos)
        if opening is None:
            break
        start = opening.start()
        line += text.count("\n", line_pos, start)
        line_pos = start
        match = PAIR.match(text, start) or _LOOSE_PAIR.match(text, start)
        if match is None:
            diagnostics.append(Diagnostic("TM101", line, _why_unmatched(text, opening)))
            pos = opening.end()
            continue
        nested = _nested_marker(text, match)
        if nested >= 0:  # a stray span swallowed into the texts as if it were inline HTML
            diagnostic, inner_pair = _nested_diagnostic(text, match, nested, line)
            diagnostics.append(diagnostic)
            pos = opening.end() if inner_pair else match.end()
            continue
        matches.append(match)
        pos = match.end()
    lookups = text.count("data-stu-id=")
    if lookups > len(matches) and not diagnostics:
        diagnostics.append(_orphan_lookup(text, matches))
    return matches, tuple(diagnostics)


def _nested_marker(text: str, match: re.Match[str]) -> int:
    """Where the first `data-ttu-id=`/`data-stu-id=` inside a pair's target or source is, or -1."""
    found = [at for group in ("target", "source") for marker in ("data-ttu-id=", "data-stu-id=")
             if (at := text.find(marker, *match.span(group))) >= 0]
    return min(found, default=-1)


def _nested_diagnostic(text: str, match: re.Match[str], at: int, line: int) -> tuple[Diagnostic, bool]:
    """The diagnostic for a span marker at `at` inside the pair `match` (on `line`), and whether that span is
    itself a whole pair (then the pair around it is the malformed one, and the inner one is read as a pair)."""
    host = match.group("id")
    where = line + text.count("\n", match.start(), at)
    if text.startswith("data-stu-id=", at):
        return Diagnostic("TM102", where, f"sxs-lookup span inside the pair {host!r} has no data-ttu-id half"), False
    inner = _OPEN.match(text, text.rfind("<", 0, at))
    inner_id = inner.group(2) if inner else text[at : at + 80].split(">", 1)[0]
    if inner is not None and PAIR.match(text, inner.start()):
        return Diagnostic("TM101", line, f"span data-ttu-id={host!r} holds the pair {inner_id!r} in its text"), True
    message = f"span data-ttu-id={inner_id!r} inside the pair {host!r} has no sxs-lookup half"
    return Diagnostic("TM101", where, message), False


def _escapes(text: str, matches: list[re.Match[str]], yaml_end: int) -> list[Escape] | None:
    """How each pair's texts are escaped, or None when none is (no pair in YAML, no `\\"` quotes)."""
    if not matches or (matches[0].start() >= yaml_end and "data-ttu-id=\\" not in text):
        return None
    scalars = _Scalars(text, yaml_end)
    escapes = [scalars.escape_at(match.start(), match.group(1))
               if match.start() < yaml_end or len(match.group(1)) == 2 else Escape.NONE
               for match in matches]
    return escapes if any(escape is not Escape.NONE for escape in escapes) else None


class _Scalars:
    """How the pairs of one page are escaped: by the quoted YAML scalar each sits in (found once per page, and
    only if a pair is in the YAML part), else by `\\"` attribute quotes (an older pipeline's front matter)."""

    def __init__(self, text: str, yaml_end: int) -> None:
        self.text = text
        self.yaml_end = yaml_end
        self.found: list[tuple[int, int, Escape]] | None = None
        self.next = 0  # pairs come in text order: the first scalar that may still hold one

    def escape_at(self, start: int, quote: str) -> Escape:
        if start < self.yaml_end:
            if self.found is None:
                self.found = quoted_scalars(self.text, self.yaml_end)
            found = self.found
            while self.next < len(found) and found[self.next][1] <= start:
                self.next += 1
            if self.next < len(found) and found[self.next][0] < start:
                return found[self.next][2]
        return Escape.YAML_DOUBLE if quote == '\\"' else Escape.NONE


def escape_text(text: str, escape: Escape) -> str:
    """Inverse of `unescape`: how a new text must be written at a pair's place.

    >>> escape_text('say "hi"', Escape.YAML_DOUBLE), escape_text("it's", Escape.YAML_SINGLE)
    ('say \\\\"hi\\\\"', "it''s")
    """
    if escape is Escape.NONE:
        return text
    if escape is Escape.YAML_SINGLE:
        return text.replace("'", "''")
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")


def _why_unmatched(text: str, opening: re.Match[str]) -> str:
    """Explain a `data-ttu-id` span that does not form a pair, naming the id."""
    pair_id = opening.group(2)
    next_open = _OPEN.search(text, opening.end())
    limit = next_open.start() if next_open else len(text)
    if text.find("</span>", opening.end(), limit) < 0:
        return f"span data-ttu-id={pair_id!r} is not closed"
    lookup = _ANY_LOOKUP.search(text, opening.end(), limit)
    if lookup is None:
        return f"span data-ttu-id={pair_id!r} has no sxs-lookup half"
    if lookup.group(1) != pair_id:
        return f"span data-ttu-id={pair_id!r} is paired with data-stu-id={lookup.group(1)!r}"
    return f"sxs-lookup half of {pair_id!r} is not closed"


def _orphan_lookup(text: str, pairs: list[re.Match[str]]) -> Diagnostic:
    """The first `data-stu-id` that sits in no pair: a lookup half whose translation half is missing."""
    inside = iter(pairs)
    current = next(inside, None)
    for match in re.finditer("data-stu-id=", text):
        while current is not None and current.end() <= match.start():
            current = next(inside, None)
        if current is None or match.start() < current.start():
            line = text.count("\n", 0, match.start()) + 1
            return Diagnostic("TM102", line, "sxs-lookup span has no data-ttu-id half")
    return Diagnostic("TM102", 1, "sxs-lookup span has no data-ttu-id half")


def load_page(relpath: str, data: bytes) -> ParseResult:
    """Decode a page's bytes (UTF-8, optional BOM) and parse it; undecodable or binary input raises `InputError`."""
    text, bom = decode_page(relpath, data)
    return parse_page(relpath, text, bom=bom)


def decode_page(relpath: str, data: bytes) -> tuple[str, bool]:
    """A page's text without its BOM, and whether it had one; binary or invalid UTF-8 input raises `InputError`."""
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    nul = body.find(b"\0")
    if nul >= 0:
        raise InputError(relpath, body.count(b"\n", 0, nul) + 1, "binary file (NUL byte), not a page")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(relpath, body.count(b"\n", 0, exc.start) + 1, "invalid UTF-8") from None
    return text, bom

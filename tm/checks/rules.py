"""The QA rules: small pure functions over (source, target) that yield one message per problem.

Each rule is registered with `@rule(name, code=…, level=…)`; its docstring's first line is its help text, and the
rest says why it is built the way it is. `RULES` lists them in report order; nothing is looked up by name at run
time except through `RULES`.

Levels are chosen on the real 2021-02 handoff (see `tests/test_checks.py`): an ERROR is almost always a defect a
reader would see (broken code span, changed link target, `C# 7,0`); a WARNING is worth a look but often fine
(emphasis moved, a number spelt out, a segment that is the same in French).

`needs` names the substrings without which a rule cannot find anything, and `gate` is a cheap test the pair
must pass; `run_checks` does not call a rule whose needs or gate fail, so most rules cost nothing on most pairs
(420k pairs must be checked in a few seconds). They only save work: a rule called directly gives the same answer.
"""

from __future__ import annotations

import html
import operator
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

from tm.checks.markdown import MASK, code_spans, escaped, scan
from tm.checks.names import escaped_tag, plain_name
from tm.checks.registry import Level, Rule, difference, rule, same
from tm.checks.typography import code_glued, code_spacing, decimal_comma, elision, version_number

__all__ = ["RULES", "Level", "Rule", "rule"]

# --- Markdown constructs that must survive verbatim -------------------------------------------------------------

# Raw patterns for fast paths: when both texts hold the same raw matches, parsing cannot find a difference.
_RAW_TARGET = re.compile(r"\]\(\s*<?[^\s)>]*|<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*>|://[^\s<>\"]*|www\.[^\s<>\"]*")
_RAW_XREF = re.compile(r"xref:[^\s<>)]*")
_RAW_TAG = re.compile(r"<[^<>]*>")
_RAW_ENTITY = re.compile(r"&#?\w+;")
_SPACED_ENTITY = re.compile(r"&[ \xa0]*(?:#[ \xa0]*(?:x[0-9A-Fa-f]+|[0-9]+)|lt|gt|amp|nbsp|quot)[ \xa0]*;")
_EMPTY_LINK_TEXT = re.compile(r"\[\s*\]\(")
# Entities for characters that mean something to Markdown or HTML: writing the character instead breaks the text.
_SIGNIFICANT = frozenset("|<>&*_`[]#\\()")


@rule("inline-code", code="TM201", level=Level.ERROR, needs=("`",))
def inline_code(source: str, target: str) -> Iterator[str]:
    """Code spans must be the same, as many, and with no stray backtick.

    MT glues spans to their neighbours (`` `ByRef``n` ``), which re-pairs the backticks: compared as parsed
    spans, that shows up as spans glued or changed; a lone backtick left over shows up as a stray one.
    """
    src, src_rest = code_spans(source)
    tgt, tgt_rest = code_spans(target)
    if not same(src, tgt):
        yield from _code_difference(src, tgt)
    stray = tgt_rest.count("`") - src_rest.count("`")
    if stray > 0:
        yield f"{stray} stray backtick(s)"


def _code_difference(source: tuple[str, ...], target: tuple[str, ...]) -> Iterator[str]:
    """Like `_difference`, but names the commonest MT breakage: spans glued together (`` `a``b` ``)."""
    missing, extra = Counter(source) - Counter(target), Counter(target) - Counter(source)
    for span in list(extra.elements()):
        parts = Counter(span.split("``"))
        if len(parts) > 1 and not parts - missing:
            missing -= parts
            extra -= Counter([span])
            yield "code spans glued together: `" + span + "`"
    yield from difference("code span", (f"`{c}`" for c in missing.elements()), (f"`{c}`" for c in extra.elements()))


@rule("link-target", code="TM202", level=Level.ERROR, needs=("](", "://", "www."))
def link_target(source: str, target: str) -> Iterator[str]:
    """Link and image targets (URLs, relative paths) must be the same; bare URLs must be kept.

    A lost or added bracket (`[texte] (url)`, `texte](url)`) unmakes the link, so its target goes missing even
    though the URL is still in the text. Bare URLs end before trailing punctuation and an unbalanced `)`, so
    `(see https://x.org).` is no false alarm; a bare URL the target adds (a reference in parentheses) is fine.
    """
    if same(_RAW_TARGET.findall(source), _RAW_TARGET.findall(target)):
        return
    src, tgt = scan(source), scan(target)
    yield from difference("link target", (link.dest for link in src.links), (link.dest for link in tgt.links))
    kept = Counter(tgt.urls) + Counter(link.dest for link in tgt.links)
    for url in (Counter(src.urls) - kept).elements():
        yield f"URL missing: {url}"


def _empty_link_text(source: str, target: str) -> bool:
    return _EMPTY_LINK_TEXT.search(target) is not None


@rule("link-text", code="TM203", level=Level.ERROR, needs=("](",), gate=_empty_link_text)
def link_text(source: str, target: str) -> Iterator[str]:
    """A link whose source text is not empty must not lose its text.

    `[](url)` renders as nothing at all, so the reader loses the link; images are held to the same rule for
    their alt text.
    """
    texted = {link.dest for link in scan(source).links if link.text.strip()}
    for link in scan(target).links:
        if not link.text.strip() and link.dest in texted:
            yield f"empty link text for {link.dest}"


_BRACKETED = re.compile(r"\[[^\[\]\x1a]*\](?!\x1a)")


@rule("brackets", code="TM204", level=Level.ERROR, needs=("[", "]"))
def brackets(source: str, target: str) -> Iterator[str]:
    """Square brackets that are not link syntax must be kept: `[in]`, `[out]`, `[uri]`, `[0-7]`.

    MT translates API parameter markers (`[in]` → `dans`, `[out]` → `à`) and drops or adds a bracket next to
    a link text (`texte](url)`), which unmakes the link. Links themselves are `link-target`'s.
    """
    if source.count("[") == target.count("[") and source.count("]") == target.count("]"):
        return
    src, tgt = scan(source), scan(target)
    if _bracket_counts(src.prose, len(src.links)) == _bracket_counts(tgt.prose, len(tgt.links)):
        return
    lost = [m.group() for m in _BRACKETED.finditer(src.prose) if m.group() not in tgt.prose]
    for text in lost:
        yield f"bracketed text lost: {text}"
    if not lost:
        yield "square brackets unbalanced or added"


def _bracket_counts(prose: str, links: int) -> tuple[int, int]:
    """Counts of `[` and `]` in `prose` that are not a link text's own pair (links masked by `scan`)."""
    return prose.count("[") - links, prose.count("]") - links


@rule("xref", code="TM205", level=Level.ERROR, needs=("xref:",))
def xref(source: str, target: str) -> Iterator[str]:
    """`<xref:…>` ids (with their `?displayProperty=` query) must be the same.

    An xref id that is changed or lost is a broken link that the build only reports as a warning. Xrefs
    written as link targets (`[text](xref:…)`) are `link-target`'s.
    """
    if same(_RAW_XREF.findall(source), _RAW_XREF.findall(target)):
        return
    yield from difference("xref", scan(source).xrefs, scan(target).xrefs)


@rule("extension", code="TM206", level=Level.ERROR, needs=("[!", ":::"))
def extension(source: str, target: str) -> Iterator[str]:
    """Docs extensions must be kept: `[!INCLUDE [name](path)]` paths, `[!NOTE]`, `[!code-…]`, `:::no-loc:::`.

    An include's `[name]` is free text, so only its path is compared; a marker such as `[!NOTE]` is compared
    whole, since a translated `[!REMARQUE]` is not recognised by the build. Unknown `[!WORD]` markers are plain
    text to the build, so translating them is fine.
    """
    yield from difference("extension", scan(source).extensions, scan(target).extensions)


@rule("html-tag", code="TM207", level=Level.ERROR, needs=("<",))
def html_tag(source: str, target: str) -> Iterator[str]:
    """Inline HTML tags (`<span class=…></span>`, `<br/>`, `<kbd>`) and comments must be the same, as many.

    Only what CommonMark takes for a tag counts (`\\<bool>` and `<bool \\>` are text). Tags are compared with
    their attributes, spacing normalised, so translated attribute values are reported too.
    """
    if same(_RAW_TAG.findall(source), _RAW_TAG.findall(target)):
        return
    yield from difference("HTML tag", scan(source).tags, scan(target).tags)


@rule("entity", code="TM208", level=Level.ERROR, needs=("&",))
def entity(source: str, target: str) -> Iterator[str]:
    """HTML entities of the source (`&#124;`, `&lt;`, `&nbsp;`) must be kept, unless written as the character.

    In a table cell `&#124;` is what keeps a `|` from splitting the cell, and `&lt;` keeps text from becoming a
    tag, so those must stay entities; `&nbsp;` or `&mdash;` may become the character itself. Entities the target
    adds (`m&#233;thode`) render as the letter and are not reported, unless MT spaced them apart (`& #233 ;`),
    which the reader sees as such.
    """
    spaced = [m.group() for m in _SPACED_ENTITY.finditer(target) if " " in m.group() or "\xa0" in m.group()]
    if spaced:
        known = Counter(m.group() for m in _SPACED_ENTITY.finditer(source))
        for text in spaced:
            if known[text]:
                known[text] -= 1
            else:
                yield f"entity spaced apart: {text}"
    if same(_RAW_ENTITY.findall(source), _RAW_ENTITY.findall(target)):
        return
    missing = Counter(scan(source).entities) - Counter(scan(target).entities)
    for name in missing.elements():
        char = html.unescape(name)
        if char != name and char not in _SIGNIFICANT and char in target:
            continue
        yield f"entity missing: {name}"


# --- Emphasis ---------------------------------------------------------------------------------------------------

_DELIMS = re.compile(r"\*+|_+")
_LOOSE_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")
# A masked construct stands for text that begins and ends with punctuation (`` ` ``, `(`, `<`, `[`).
_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~«»“”‘’…–—" + MASK)


def _may_emphasise(source: str, target: str) -> bool:
    """False when neither text has a `*` nor a `_` that could be a marker (not between two word characters):
    `_` is common in identifiers and URLs, where it never is emphasis."""
    if "*" in source or "*" in target:
        return True
    return _LOOSE_UNDERSCORE.search(source) is not None or _LOOSE_UNDERSCORE.search(target) is not None


@rule("emphasis", code="TM209", level=Level.ERROR, needs=("*", "_"), gate=_may_emphasise)
def emphasis(source: str, target: str) -> Iterator[str]:
    """Emphasis markers (`*`, `**`, `_`) must not be left unpaired where the source pairs them.

    MT moves markers next to a word or a space (`et**\\<x>**`, `_piles_de`, `*d*.\\* HH*`); CommonMark then
    no longer reads them as emphasis and prints them. Markers are paired with CommonMark's flanking rules, on
    the text with code, links and URLs masked.
    """
    _, src_loose = _emphasis(scan(source).prose)
    _, tgt_loose = _emphasis(scan(target).prose)
    if tgt_loose > src_loose:
        yield f"{tgt_loose - src_loose} unpaired emphasis marker(s)"


@rule("emphasis-count", code="TM210", level=Level.WARNING, needs=("*", "_"), gate=_may_emphasise)
def emphasis_count(source: str, target: str) -> Iterator[str]:
    """The target should emphasise as many spans as the source.

    A warning: MT drops emphasis that is a style choice (`*is*` in a bold title), but also merges the markers
    of two spans into one broken run (`\\**/timeout :\\*\\*\\*`). Pairs with unpaired markers are `emphasis`'s.
    """
    src_spans, src_loose = _emphasis(scan(source).prose)
    tgt_spans, tgt_loose = _emphasis(scan(target).prose)
    if tgt_loose <= src_loose and tgt_spans != src_spans:
        yield f"{src_spans} emphasis span(s) in source, {tgt_spans} in target"


@lru_cache(maxsize=16)
def _emphasis(prose: str) -> tuple[int, int]:
    """(emphasised spans, unpaired marker characters) in `prose`, pairing delimiter runs on a stack.

    Simpler than CommonMark's algorithm (no rule of three), which is enough to compare two texts. A `_` that
    can only close and finds no opener is not counted: it is an identifier split by a space (`spark-2-4_ 2.11`),
    a defect for the reader but not one of emphasis.
    """
    if "*" not in prose and "_" not in prose:
        return 0, 0
    spans = loose = 0
    size = len(prose)
    openers: list[list[Any]] = []  # [marker char, characters left], innermost last
    for match in _DELIMS.finditer(prose):
        start, end = match.span()
        if start and prose[start - 1] == "\\" and escaped(prose, start):
            start += 1
            if start == end:
                continue
        char = prose[start]
        can_open, can_close = _flanking(char, prose[start - 1] if start else " ", prose[end] if end < size else " ")
        left = end - start
        index = len(openers) - 1
        while can_close and left and index >= 0:
            opener = openers[index]
            if opener[0] != char:
                index -= 1
                continue
            del openers[index + 1 :]
            used = 2 if left >= 2 and opener[1] >= 2 else 1
            spans += 1
            left -= used
            opener[1] -= used
            if not opener[1]:
                openers.pop()
                index -= 1
        if left and can_open:
            openers.append([char, left])
        elif left and can_close and char == "*":
            loose += left
    return spans, loose + sum(width for _, width in openers)


@cache
def _flanking(char: str, before: str, after: str) -> tuple[bool, bool]:
    """CommonMark's (can open, can close) for a delimiter run between `before` and `after` (few distinct
    triples occur, so the answers are cached)."""
    after_space, before_space = after.isspace(), before.isspace()
    after_punct, before_punct = after in _PUNCT, before in _PUNCT
    left = not after_space and (not after_punct or before_space or before_punct)
    right = not before_space and (not before_punct or after_space or after_punct)
    if char == "_":
        return left and (not right or before_punct), right and (not left or after_punct)
    return left, right


# --- Numbers, versions, placeholders ----------------------------------------------------------------------------

_DIGITS = tuple("0123456789")
_NON_DIGITS = re.compile(r"\D+")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+|[ \u00a0\u202f]\d{3}(?!\d))*")
_SEPARATORS = re.compile(r"[.,\s]")
@rule("number", code="TM212", level=Level.WARNING, needs=_DIGITS)
def number(source: str, target: str) -> Iterator[str]:
    """Numbers must be kept (separators may change: `10,000` = `10 000`, `3.5` = `3,5`).

    A warning: MT spells small numbers out (`3 things` → `trois opérations`) and `29K` may become `29 000`.
    Numbers in code, URLs and xref ids are left to the rules that compare those whole. A pair whose texts hold
    the same digits is passed without parsing.
    """
    src_digits, tgt_digits = _NON_DIGITS.sub("", source), _NON_DIGITS.sub("", target)
    if src_digits == tgt_digits or sorted(src_digits) == sorted(tgt_digits):
        return
    yield from difference("number", _numbers(scan(source).prose), _numbers(scan(target).prose))


def _numbers(prose: str) -> list[str]:
    """The numbers of `prose` as bare digits, so that `10,000`, `10 000` and `10000` are one number."""
    return [_SEPARATORS.sub("", m.group()) for m in _NUMBER.finditer(prose)]


_PLACEHOLDER = re.compile(
    r"\{\d+(?:,-?\d+)?(?::[^{}]*)?\}"
    r"|(?<!%)%(?:\d\$)?[-+#0]*\d*(?:\.\d+)?[sdifuxXeEgGcp](?![A-Za-z0-9])"
    r"|(?<!%)%[1-9][0-9]?(?![0-9A-Za-z]|[.,]\d)"
)
_NAMED_PLACEHOLDER = re.compile(r"\{[A-Za-z_][\w.]*\}")


@rule("placeholder", code="TM213", level=Level.ERROR, needs=("{", "%"))
def placeholder(source: str, target: str) -> Iterator[str]:
    """Format placeholders (`{0}`, `{1:N2}`, `%s`, `%1`) must be kept, as many.

    Only text outside code spans and URLs is looked at, and `%2F` is a percent-encoding, not `%2`. MT breaks
    these by spacing them (`=% 1`) or moving the sign (`« 1% »`).
    """
    yield from _placeholders(_PLACEHOLDER, "placeholder", source, target)


@rule("named-placeholder", code="TM214", level=Level.WARNING, needs=("{",))
def named_placeholder(source: str, target: str) -> Iterator[str]:
    """Named placeholders (`{name}`, `{Environment}`) should be kept as written.

    A warning: in prose, `{state}/{city}` in a URI template example is often translated on purpose, and
    `{curly braces}` is no placeholder at all.
    """
    yield from _placeholders(_NAMED_PLACEHOLDER, "named placeholder", source, target)


def _placeholders(pattern: re.Pattern[str], what: str, source: str, target: str) -> Iterator[str]:
    if same(pattern.findall(source), pattern.findall(target)):
        return
    yield from difference(what, pattern.findall(scan(source).prose), pattern.findall(scan(target).prose))


# --- Whole-segment checks ---------------------------------------------------------------------------------------


def _edge_space(source: str, target: str) -> bool:
    """True when either text starts or ends with whitespace (`strip` returns an equal string otherwise)."""
    return source != source.strip() or target != target.strip()


@rule("whitespace", code="TM215", level=Level.WARNING, gate=_edge_space)
def whitespace(source: str, target: str) -> Iterator[str]:
    """Leading and trailing whitespace must be the same.

    In a page the pair sits inside running text (a table cell, a list item); an added or lost space there
    joins or splits words of the surrounding Markdown.
    """
    src, tgt = source[: len(source) - len(source.lstrip())], target[: len(target) - len(target.lstrip())]
    if src != tgt:
        yield f"leading whitespace {src!r} → {tgt!r}"
    src, tgt = source[len(source.rstrip()) :], target[len(target.rstrip()) :]
    if src != tgt:
        yield f"trailing whitespace {src!r} → {tgt!r}"


_WORD = re.compile(r"(?<![\w.@/\\-])[A-Za-z][a-z]+(?![\w@/\\-]|\.\w)")
_MIN_WORDS = 3
# Words only English prose has; commands (`dotnet tool run`) and code (`int, int`) have none of them.
_FUNCTION_WORDS = frozenset(
    ("a", "an", "and", "are", "as", "be", "by", "can", "for", "from", "how", "if", "in", "is", "it", "not", "of",
     "on", "or", "see", "that", "the", "this", "to", "use", "when", "which", "with", "you", "your")
)


@rule("untranslated", code="TM216", level=Level.WARNING, gate=operator.eq)
def untranslated(source: str, target: str) -> Iterator[str]:
    """The target is the source unchanged, though the source is a sentence to translate.

    Names, titles and commands stay English in French docs (`Windows Workflow Foundation`, `dotnet tool run`),
    so only a source with at least three words outside code, links and `:::no-loc:::`, one of them an English
    function word (`the`, `of`, `to`…, capitalised too: `How to: Define a Conversion Operator`), counts.
    """
    if target != source:
        return
    words = [w.lower() for w in _WORD.findall(scan(source).prose)]
    if len(words) >= _MIN_WORDS and not _FUNCTION_WORDS.isdisjoint(words):
        yield "target is the source text, untranslated"


@rule("empty", code="TM217", level=Level.WARNING, on_empty=True)
def empty(source: str, target: str) -> Iterator[str]:
    """The target is empty or blank while the source is not.

    A warning, not an error: in a PO catalog an empty `msgstr` is simply not translated yet.
    """
    if source.strip() and not target.strip():
        yield "empty translation"


RULES: tuple[Rule, ...] = (
    inline_code,
    link_target,
    link_text,
    brackets,
    xref,
    extension,
    html_tag,
    entity,
    emphasis,
    emphasis_count,
    version_number,
    number,
    placeholder,
    named_placeholder,
    whitespace,
    untranslated,
    empty,
    code_glued,
    code_spacing,
    elision,
    escaped_tag,
    decimal_comma,
    plain_name,
)

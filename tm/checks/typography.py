"""Rules for how MT writes around code spans and numbers, and for what depends on the target's language.

MT drops or adds spaces around code spans (`` `Find-DscResource`applet ``, `` `Format-Table` . ``), spaces an
elision from the code span it elides before (``l' `New-Object` ``), and writes version numbers with the decimal
comma of the target language (`C# 7,0`, `.NET Framework 4,6`). What is right depends on the language, which
`check_texts` takes from the catalog's `Language` header: a German compound (`` `X`-Eigenschaft ``), French
spacing before `:` and a French decimal (`3,5 Go`) are correct and stay quiet; Japanese glues words to code.

The patterns look at `code_spans(text)[1]`, the text with each code span replaced by `MASK`, so they see code
spans as one character and never look inside them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from tm.checks.markdown import MASK, code_spans, scan
from tm.checks.registry import Level, rule

__all__ = ["DOT_DECIMAL", "ELIDING", "UNSPACED", "code_glued", "code_spacing", "decimal_comma", "elision",
           "version_number"]

DOT_DECIMAL = frozenset(("en", "ja", "zh", "ko", "he", "th", "hi", "ms", "ga"))
"""Languages whose decimal separator is a dot (CLDR): in these a decimal comma is wrong for any number."""
UNSPACED = frozenset(("ja", "zh", "ko", "th"))
"""Languages that write words (or particles) against a code span without a space."""
ELIDING = frozenset(("fr", "it", "ca"))
"""Languages whose elided articles (`l'`, `d'`, `dell'`) are written against the next word."""

_SPACE = "[ \u00a0\u202f]"
# Each pattern starts with a literal, which the regex engine searches for quickly.
_GLUED = re.compile(rf"{MASK}(?:(?<=[^\W_]{MASK})|(?=[^\W_]))")
_SPACED_PUNCT = re.compile(rf"{MASK}{_SPACE}+(?P<punct>\.(?![\w.])|,|\))|(?P<open>\(){_SPACE}+{MASK}")
_RAW_SPACED_PUNCT = re.compile(rf"`{_SPACE}+[.,)]|\({_SPACE}+`")
_ELIDED = (r"[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu|presqu|dell|all|dall|nell|sull|coll|quell|un")
_SPACED_ELISION = re.compile(rf"(?<![\w'’])(?i:{_ELIDED})['’]{_SPACE}+(?:{MASK}|[*_\[]*[^\W\d_]+)")


def _spaced_punctuation(source: str, target: str) -> bool:
    """True when `target` has a backtick then spaces then `.`, `,` or `)`, or `(` then spaces then a backtick."""
    return _RAW_SPACED_PUNCT.search(target) is not None


_APOSTROPHE_SPACE = re.compile(rf"['’]{_SPACE}")


def _spaced_apostrophe(source: str, target: str) -> bool:
    """True when `target` has an apostrophe followed by a space."""
    return _APOSTROPHE_SPACE.search(target) is not None


def _not_unspaced(language: str) -> bool:
    return language not in UNSPACED


def _code_at(spans: tuple[str, ...], prose: str, index: int) -> str:
    """The code span whose `MASK` is at `index` of `prose`, with its backticks."""
    return f"`{spans[prose.count(MASK, 0, index)]}`"


def _shown(spans: tuple[str, ...], prose: str, start: int, end: int) -> str:
    """`prose[start:end]` with its masks replaced by the code spans they stand for."""
    out, at = [], start
    while (mask := prose.find(MASK, at, end)) >= 0:
        out += [prose[at:mask], _code_at(spans, prose, mask)]
        at = mask + 1
    return "".join(out) + prose[at:end]


@rule("code-glued", code="TM218", level=Level.ERROR, needs=("`",), languages=_not_unspaced)
def code_glued(source: str, target: str) -> Iterator[str]:
    """A code span must not be glued to a word the source keeps apart from it (`` `Next`final ``).

    MT drops the space after a span more than anywhere else; the reader then sees code and word run together.
    A hyphen or an apostrophe is no glue (`` `X`-Eigenschaft ``, ``l’`X` ``), and a plural glued in the source
    (`` `int`s ``) may stay glued. Languages written without spaces (Japanese, Chinese) are not checked.
    """
    _, src_prose = code_spans(source)
    spans, prose = code_spans(target)
    if not spans:
        return
    extra = len(_GLUED.findall(prose)) - len(_GLUED.findall(src_prose))
    if extra <= 0:
        return
    for match in _GLUED.finditer(prose):
        start, end = _word_around(prose, match.start(), match.end())
        yield f"code span glued to a word: {_shown(spans, prose, start, end)}"
        extra -= 1
        if not extra:
            return


def _word_around(prose: str, start: int, end: int) -> tuple[int, int]:
    """Widen `prose[start:end]` to the whole words on each side (for the message)."""
    while start and (prose[start - 1].isalnum() or prose[start - 1] == MASK):
        start -= 1
    while end < len(prose) and (prose[end].isalnum() or prose[end] == MASK):
        end += 1
    return start, end


@rule("code-spacing", code="TM219", level=Level.WARNING, needs=("`",), gate=_spaced_punctuation)
def code_spacing(source: str, target: str) -> Iterator[str]:
    """No space between a code span and a following `.`, `,`, `)` or a preceding `(` (`` `Format-Table` . ``).

    French MT writes `` `X` . `` and `` ( `X` ) `` throughout. Spaces before `:`, `;`, `!`, `?` and inside
    `« »` are French typography and are not reported; neither is `` `a` ... `b` `` or a space before `.NET`.
    """
    spans, prose = code_spans(target)
    if not spans:
        return
    extra = len(_SPACED_PUNCT.findall(prose)) - len(_SPACED_PUNCT.findall(code_spans(source)[1]))
    for match in _SPACED_PUNCT.finditer(prose):
        if extra <= 0:
            return
        extra -= 1
        if match.group("open"):
            yield f"space after '(' before {_code_at(spans, prose, match.end() - 1)}"
        else:
            yield f"space before '{match.group('punct')}' after {_code_at(spans, prose, match.start())}"


def _eliding(language: str) -> bool:
    return language in ELIDING


@rule("elision", code="TM220", level=Level.WARNING, needs=("'", "’"), gate=_spaced_apostrophe, languages=_eliding)
def elision(source: str, target: str) -> Iterator[str]:
    """An elided article is written against its word: ``l'`New-Object` ``, not ``l' `New-Object` ``.

    MT elides before a code span as if it were a word and leaves the space (``L' `using` instruction``); the
    same happens before product names (`l' Blazor application`). French, Italian and Catalan only.
    """
    spans, prose = code_spans(target)
    extra = len(_SPACED_ELISION.findall(prose)) - len(_SPACED_ELISION.findall(code_spans(source)[1]))
    for match in _SPACED_ELISION.finditer(prose):
        if extra <= 0:
            return
        extra -= 1
        what = "code span" if match.group().endswith(MASK) else "word"
        yield f"elision spaced from its {what}: {_shown(spans, prose, match.start(), match.end())}"


# --- Numbers ----------------------------------------------------------------------------------------------------

_DOTTED = re.compile(r"(?<![\w.,])\d+(?:\.\d+)+(?!\w|[.,]\d)")
_SEPARATED = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)+(?!\w|[.,]\d)")
_PRODUCT = r"(?:ASP\.NET|\.NET|EF)(?:[ \u00a0](?:Framework|Core|Standard|Native))?|C#|F#|TLS|SSL|HTTP|SDK"
_STRONG_BEFORE = re.compile(rf"(?:(?<![\w.])[Vv]|[Vv]ers(?:ion|ión|ão)\w*|{_PRODUCT})[ \u00a0]*\Z")
_WEAK_BEFORE = re.compile(r"(?:[A-Z][\w.#+/-]*|[\w.#+/-]*[A-Z][\w.#+/-]*)[ \u00a0]*\Z")
_LIST_BETWEEN = re.compile(r"[ \u00a0]*(?:,|and|or|to|through|-|–|/)?[ \u00a0]*(?:and|or)?[ \u00a0]*")
_UNIT_AFTER = re.compile(
    r"[ \u00a0]*(?:%|[KMGT]i?B\b|bytes?\b|ms\b|seconds?\b|minutes?\b|hours?\b|days?\b|times\b|x\b|×|"
    r"px\b|pt\b|em\b|inch(?:es)?\b|cm\b|centimet|met(?:er|re)s?\b|kg\b|degrees?\b|percent\b)"
)


def _has_digit_comma(source: str, target: str) -> bool:
    """True when `target` has a digit, a comma and a digit in a row (`7,0`): the only shape the number rules
    report, found without a regex because most targets have commas and few have this."""
    at = target.find(",")
    while at > 0:
        if target[at - 1].isdigit() and target[at + 1 : at + 2].isdigit():
            return True
        at = target.find(",", at + 1)
    return False


def _comma_numbers(source: str, target: str) -> list[tuple[str, int]]:
    """(number, start) of the target's numbers written with a comma (`7,0`, `4,6,1`, `4,6.2`) that the source
    does not write so itself, in the target's prose."""
    prose = scan(target).prose
    same = Counter(m.group() for m in _SEPARATED.finditer(scan(source).prose) if "," in m.group())
    found = []
    for match in _SEPARATED.finditer(prose):
        number = match.group()
        if "," not in number:
            continue
        if same[number]:
            same[number] -= 1
            continue
        found.append((number, match.start()))
    return found


@rule("version-number", code="TM211", level=Level.ERROR, needs=(",",), gate=_has_digit_comma)
def version_number(source: str, target: str) -> Iterator[str]:
    """Version numbers keep their dot: `C# 7.0` must not become `C# 7,0` (`Ab C# 7,0`, `4,6,1`).

    French and German write decimals with a comma (`3,5 Go`), so a comma is only wrong where the number is a
    version: in the source, one after a product or `version` (`.NET 5.0`, `TLS 1.2`, `version 16.8`), after
    any capitalised name unless a unit follows (`Windows 8.1`, not `2.5 GB`), one continuing a list of such
    (`versions 1.0 and 1.1`), or one with two dots or more (`1.2.3`); in the target, one after a product or
    `Version`. A number after a plain word (`a radius of 2.50`) is a decimal.
    """
    commas = _comma_numbers(source, target)
    if not commas:
        return
    prose = scan(target).prose
    source_prose = scan(source).prose
    versions = Counter(_versions(source_prose))
    dotted = Counter(m.group() for m in _DOTTED.finditer(source_prose))
    for number, start in commas:
        version = number.replace(",", ".")
        if versions[version]:
            versions[version] -= 1
        elif not (dotted[version] and _STRONG_BEFORE.search(prose, max(0, start - 40), start)):
            continue
        dotted[version] -= 1
        yield f"version {version} written as {number}"


def _versions(prose: str) -> Iterator[str]:
    """The numbers of `prose` that are versions by their form or their context (see `version_number`)."""
    previous_end = -1
    for match in _DOTTED.finditer(prose):
        number, start = match.group(), match.start()
        before = max(0, start - 40)
        is_version = (
            number.count(".") >= 2
            or _STRONG_BEFORE.search(prose, before, start) is not None
            or (not _UNIT_AFTER.match(prose, match.end())
                and (_WEAK_BEFORE.search(prose, before, start) is not None
                     or (previous_end >= 0 and _LIST_BETWEEN.fullmatch(prose, previous_end, start) is not None)))
        )
        if is_version:
            previous_end = match.end()
            yield number


def _dot_decimal(language: str) -> bool:
    return language in DOT_DECIMAL


@rule("decimal-comma", code="TM222", level=Level.ERROR, needs=(",",), gate=_has_digit_comma, languages=_dot_decimal)
def decimal_comma(source: str, target: str) -> Iterator[str]:
    """In a language that writes decimals with a dot (English, Japanese, Chinese…), no number gets a comma.

    There `2.5 GB` written `2,5 GB` is wrong even though it is no version; versions are `version-number`'s.
    """
    commas = _comma_numbers(source, target)
    if not commas:
        return
    source_prose = scan(source).prose
    dotted = Counter(m.group() for m in _DOTTED.finditer(source_prose)) - Counter(_versions(source_prose))
    for number, _ in commas:
        decimal = number.replace(",", ".")
        if dotted[decimal]:
            dotted[decimal] -= 1
            yield f"decimal {decimal} written as {number}"

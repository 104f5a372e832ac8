"""Plant the breakages MT makes into copies of real entries, and measure which the rules find.

This is how `tm check` is measured (`benchmarks/bench_check.py`, `tests/test_planting.py`): for each rule, a
planter breaks a good target the way MT output breaks it (a space dropped after a code span, a version written
`7,0`, an escaped `\\<add>` lost, `[in]` translated…); the rule's recall is the share of planted breakages it
reports, and its noise the findings it reports on the entries left untouched.

A planter takes `(source, target, rng)` and returns the broken target, or None when the entry has nothing it
can break (no code span, no version…). Planters only look at the target and the source's text, never at what
the rules compute, so that a rule cannot pass its own test by construction.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tm.checks import base_language, check_pair, select_rules
from tm.checks.typography import DOT_DECIMAL, ELIDING, UNSPACED

__all__ = ["PLANTERS", "Measure", "Planted", "measure", "plant"]

Planter = Callable[[str, str, random.Random], "str | None"]

_CODE = re.compile(r"(?<![`\\])`([^`\n]+)`(?!`)")
_LINK = re.compile(r"(?<![A-Za-z])(!?)\[([^\[\]]*)\]\(([^()\s]+)\)")
_BRACKETED = re.compile(r"\[(in|out|in, out|in,out|optional|[0-9-]+)\](?!\()", re.IGNORECASE)
_XREF = re.compile(r"<xref:([^<>\s]+)>")
_MARKER = re.compile(r"\[!(NOTE|TIP|IMPORTANT|CAUTION|WARNING)\]|\[!INCLUDE ?\[[^\]]*\]\([^()]*\)\]")
_TAG = re.compile(r"(?<!\\)</?(?:kbd|br|span|b|i|sup|sub|a|code|strong|em)\b[^<>]*>")
_ENTITY = re.compile(r"&(?:#\d+|lt|gt|amp|#x[0-9A-Fa-f]+);")
_STRONG = re.compile(r"(?<![*\w])(\*\*|__|\*|_)(?=\S)([^*_\n`]+?)(?<=\S)\1(?![*\w])")
_PRODUCT = re.compile(
    r"(?:\.NET(?: Framework| Core| Standard)?|C#|F#|ASP\.NET(?: Core)?|EF(?: Core)?|TLS|SSL|HTTP|[Vv]ersions?|"
    r"Visual Studio(?: 20\d\d)?|SDK|PowerShell|Python|Windows(?: Server)?|Xamarin|Spark|NuGet|MSBuild|Unicode)"
    r"[ \u00a0]+(\d+\.\d+(?:\.\d+)*)(?![\d.]\d| ?%| ?[KMGT]B)"
)
_MULTIDOT = re.compile(r"(?<![\w.])(\d+\.\d+\.\d+(?:\.\d+)*)(?![\w]|\.\d)")
_DECIMAL = re.compile(r"(?<![\w.,])(\d+\.\d+)(?![\w]|[.,]\d)")
_NUMBER = re.compile(r"(?<![\w.,`{%])\d{2,}(?![\w`}])")
_PLACEHOLDER = re.compile(r"\{\d+\}|(?<![\w%])%[1-9](?!\d)|%[sd]\b")
_NAMED = re.compile(r"\{([A-Za-z_]\w*)\}")
_ESCAPED = re.compile(r"\\<(/?[A-Za-z][\w.:-]*)>")
_ARTICLE_CODE = re.compile(r"\b([Ll]e|[Ll]a|[Dd]e|[Dd]u) (`[^`\n]+`)")
_ELIDED_WORD = re.compile(r"\b([LlDd])[’']([a-zàâéèêëîïôûù]\w+)")
_CODE_THEN_WORD = re.compile(r"`([^`\n]+)` (?=[^\W\d_])")
_WORD_THEN_CODE = re.compile(r"(?<=[^\W\d_]) `(?=[^`\n]+`)")
_CODE_THEN_PUNCT = re.compile(r"(`[^`\n]+`)([.,)])(?!\.)")
_PAREN_CODE = re.compile(r"\((`[^`\n]+`)")
_WORDS = re.compile(r"[A-Za-z]{2,}")


def _pick(rng: random.Random, matches: Iterable[re.Match[str]]) -> re.Match[str] | None:
    found = list(matches)
    return rng.choice(found) if found else None


_PROTECTED = re.compile(r"`[^`\n]+`|\]\((?:[^()\s]|\([^()\s]*\))*\)|https?://\S+|&#?\w+;|<[^<>\n]+>")


def _outside_code(pattern: re.Pattern[str], text: str, protected: re.Pattern[str] = _PROTECTED
                  ) -> list[re.Match[str]]:
    """Matches of `pattern` in `text` outside code spans, link targets, URLs, entities and tags (what other
    rules compare whole), or outside what `protected` matches."""
    spans = [m.span() for m in protected.finditer(text)]
    return [m for m in pattern.finditer(text) if not any(s < m.end() and m.start() < e for s, e in spans)]


def _splice(text: str, match: re.Match[str], new: str, group: int = 0) -> str:
    return text[: match.start(group)] + new + text[match.end(group) :]


def _inline_code(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, _CODE.finditer(target))
    if m is None:
        return None
    how = rng.randrange(3)
    if how == 0:  # the span's backticks lost: the code becomes prose
        return _splice(target, m, m.group(1))
    if how == 1:  # the closing backtick lost
        return _splice(target, m, "`" + m.group(1))
    return _splice(target, m, "").replace("  ", " ")  # the span dropped


def _link_target(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, _LINK.finditer(target))
    if m is None:
        return None
    how = rng.randrange(3)
    if how == 0:  # MT spaces the link apart: `[texte] (url)`
        return _splice(target, m, f"{m.group(1)}[{m.group(2)}] ({m.group(3)})")
    if how == 1:  # the link dropped, its text kept
        return _splice(target, m, m.group(2))
    dest = m.group(3)
    return _splice(target, m, dest[:-1] if len(dest) > 1 else dest + "x", 3)  # the target cut short


def _link_text(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, (m for m in _LINK.finditer(target) if m.group(2).strip()))
    return None if m is None else _splice(target, m, "", 2)


def _brackets(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, _outside_code(_BRACKETED, target))
    if m is not None:  # `[in]` translated without its brackets
        return _splice(target, m, {"in": "dans", "out": "à"}.get(m.group(1).lower(), m.group(1)))
    m = _pick(rng, _LINK.finditer(target))
    return None if m is None else _splice(target, m, "[" + m.group(0))  # a bracket added before a link


def _xref(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, _XREF.finditer(target))
    if m is None:
        return None
    if rng.randrange(2):
        return _splice(target, m, "").replace("  ", " ")
    return _splice(target, m, m.group(1).replace(".", ". ", 1), 1)  # MT spaces the id


def _extension(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, _MARKER.finditer(target))
    if m is None:
        return None
    if m.group(1):
        return _splice(target, m, "[!" + {"NOTE": "REMARQUE", "TIP": "CONSEIL"}.get(m.group(1), m.group(1) + "E") + "]")
    return _splice(target, m, "")


def _html_tag(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, _outside_code(_TAG, target, _CODE))
    return None if m is None else _splice(target, m, "")


def _entity(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, _outside_code(_ENTITY, target, _CODE))
    if m is None:
        return None
    return _splice(target, m, m.group().replace("&", "& ").replace(";", " ;"))  # MT spaces it apart


def _emphasis(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, _outside_code(_STRONG, target))
    if m is None:
        return None
    marker, inner = m.group(1), m.group(2)
    return _splice(target, m, f"{marker} {inner}{marker}" if rng.randrange(2) else f"{marker}{inner} {marker}")


def _emphasis_count(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, _outside_code(_STRONG, target))
    return None if m is None else _splice(target, m, m.group(2))


def _version_number(source: str, target: str, rng: random.Random) -> str | None:
    versions = {m.group(1) for m in _PRODUCT.finditer(source)} | {m.group(1) for m in _MULTIDOT.finditer(source)}
    m = _pick(rng, (m for m in _outside_code(_DECIMAL, target) if m.group(1) in versions))
    if m is None:
        m = _pick(rng, (m for m in _outside_code(_MULTIDOT, target) if m.group(1) in versions))
    return None if m is None else _splice(target, m, m.group(1).replace(".", ","), 1)


def _decimal_comma(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, _outside_code(_DECIMAL, target))
    return None if m is None else _splice(target, m, m.group(1).replace(".", ","), 1)


def _number(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, _outside_code(_NUMBER, target))
    if m is None:
        return None
    digits = m.group()
    last = str((int(digits[-1]) + rng.randrange(1, 9)) % 10)
    return _splice(target, m, digits[:-1] + last)


def _placeholder(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, _outside_code(_PLACEHOLDER, target))
    if m is None:
        return None
    text = m.group()
    return _splice(target, m, text[0] + " " + text[1:])  # `{ 0}`, `% 1`


def _named_placeholder(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, _outside_code(_NAMED, target))
    return None if m is None else _splice(target, m, m.group(1) + "e", 1)  # the name translated


def _whitespace(source: str, target: str, rng: random.Random) -> str | None:
    if not target.strip():
        return None
    if target != target.rstrip():
        return target.rstrip()
    return target + " " if rng.randrange(2) else " " + target


def _untranslated(source: str, target: str, rng: random.Random) -> str | None:
    words = _WORDS.findall(_PROTECTED.sub("", _MARKER.sub("", source)))
    return source if len(words) >= 6 and source != target else None


def _empty(source: str, target: str, rng: random.Random) -> str | None:
    return "" if target.strip() else None


def _code_glued(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, [*_CODE_THEN_WORD.finditer(target), *_WORD_THEN_CODE.finditer(target)])
    if m is None:
        return None
    return _splice(target, m, m.group().replace(" ", ""))


def _code_spacing(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, [*_CODE_THEN_PUNCT.finditer(target), *_PAREN_CODE.finditer(target)])
    if m is None:
        return None
    if m.group().startswith("("):
        return _splice(target, m, "( " + m.group(1))
    return _splice(target, m, f"{m.group(1)} {m.group(2)}")


def _elision(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, _ARTICLE_CODE.finditer(target))
    if m is not None:  # `le `X`` elided as MT does: `l' `X``
        elided = "l'" if m.group(1).lower() in ("le", "la") else "d'"
        return _splice(target, m, (elided.upper() if m.group(1)[0].isupper() else elided)[0] + "' " + m.group(2))
    m = _pick(rng, _outside_code(_ELIDED_WORD, target))
    return None if m is None else _splice(target, m, f"{m.group(1)}' {m.group(2)}")


def _escaped_tag(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, _outside_code(_ESCAPED, target, _CODE))
    if m is None:
        return None
    how = rng.randrange(3)
    if how == 0:
        return _splice(target, m, "").replace("  ", " ")  # dropped
    if how == 1:
        return _splice(target, m, f"\\<{m.group(1)} >")  # MT spaces the bracket
    return _splice(target, m, f"\\<{m.group(1)}")  # the closing bracket lost


_NAME = re.compile(r"(?<![\w.@/\\-])([A-Za-z]\w+)\.([A-Za-z]\w*)(?![\w@/\\-])")


def _plain_name(source: str, target: str, rng: random.Random) -> str | None:
    m = _pick(rng, (m for m in _outside_code(_NAME, target) if m.group() in source))
    if m is None:
        return None
    if rng.randrange(2):
        return _splice(target, m, f"{m.group(1)}. {m.group(2)}")  # split at the dot
    return _splice(target, m, f"{m.group(1)}.{m.group(2).swapcase()}")  # a part's case changed


PLANTERS: dict[str, Planter] = {
    "inline-code": _inline_code,
    "link-target": _link_target,
    "link-text": _link_text,
    "brackets": _brackets,
    "xref": _xref,
    "extension": _extension,
    "html-tag": _html_tag,
    "entity": _entity,
    "emphasis": _emphasis,
    "emphasis-count": _emphasis_count,
    "version-number": _version_number,
    "number": _number,
    "placeholder": _placeholder,
    "named-placeholder": _named_placeholder,
    "whitespace": _whitespace,
    "untranslated": _untranslated,
    "empty": _empty,
    "code-glued": _code_glued,
    "code-spacing": _code_spacing,
    "elision": _elision,
    "escaped-tag": _escaped_tag,
    "decimal-comma": _decimal_comma,
    "plain-name": _plain_name,
}
"""A planter for every rule, by rule name."""

_FOR_LANGUAGES: dict[str, frozenset[str]] = {"elision": ELIDING, "decimal-comma": DOT_DECIMAL}
_NOT_FOR_LANGUAGES: dict[str, frozenset[str]] = {"code-glued": UNSPACED}


@dataclass(frozen=True, slots=True)
class Planted:
    """One breakage: the rule it is meant for, the entry, and its broken target."""

    rule: str
    source: str
    target: str
    broken: str


def plant(pairs: Iterable[tuple[str, str]], *, language: str, per_rule: int, seed: int = 17) -> list[Planted]:
    """Up to `per_rule` breakages for each rule that applies to `language`, each in a different entry drawn at
    random (with `seed`) among the `pairs` (source, target) with a target that can host it and that the rule
    finds nothing in (a breakage next to one the rule already reports would be counted as missed)."""
    rng = random.Random(seed)
    base = base_language(language)
    pool = [(s, t) for s, t in pairs if t.strip()]
    planted: list[Planted] = []
    for name, planter in PLANTERS.items():
        if (name in _FOR_LANGUAGES and base not in _FOR_LANGUAGES[name]) or base in _NOT_FOR_LANGUAGES.get(name, ()):
            continue
        order = rng.sample(range(len(pool)), len(pool))
        rule = select_rules([name])
        found = 0
        for index in order:
            source, target = pool[index]
            broken = planter(source, target, rng)
            if broken is None or broken == target or check_pair(source, target, rule, language=language):
                continue
            planted.append(Planted(name, source, target, broken))
            found += 1
            if found == per_rule:
                break
    return planted


@dataclass(slots=True)
class Measure:
    """Recall per rule on planted breakages, and findings per rule on the entries left untouched."""

    planted: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    found_by_any: Counter[str] = field(default_factory=Counter)
    untouched: int = 0
    findings: Counter[str] = field(default_factory=Counter)
    flagged: Counter[str] = field(default_factory=Counter)
    """Untouched entries with at least one finding of a rule (a rule may report several in one entry)."""
    flagged_entries: int = 0

    def recall(self, rule: str) -> float:
        """The share of the breakages planted for `rule` that it reports (1.0 when none was planted)."""
        return self.found[rule] / self.planted[rule] if self.planted[rule] else 1.0

    def per_100(self, rule: str | None = None) -> float:
        """Findings of `rule` (of all rules when None) per 100 untouched entries."""
        count = self.findings[rule] if rule else sum(self.findings.values())
        return 100 * count / self.untouched if self.untouched else 0.0

    def entries_per_100(self, rule: str | None = None) -> float:
        """Untouched entries with a finding of `rule` (of any rule when None) per 100 untouched entries."""
        count = self.flagged[rule] if rule else self.flagged_entries
        return 100 * count / self.untouched if self.untouched else 0.0


def measure(pairs: list[tuple[str, str]], *, language: str, per_rule: int, seed: int = 17) -> Measure:
    """Plant breakages into copies of `pairs` and check them; check the untouched `pairs` too."""
    result = Measure()
    for source, target in pairs:
        if target.strip():
            result.untouched += 1
            names = [r.name for r, _ in check_pair(source, target, language=language)]
            result.findings.update(names)
            result.flagged.update(set(names))
            result.flagged_entries += bool(names)
    for item in plant(pairs, language=language, per_rule=per_rule, seed=seed):
        rule = select_rules([item.rule])
        before = Counter(m for _, m in check_pair(item.source, item.target, rule, language=language))
        after = Counter(m for _, m in check_pair(item.source, item.broken, rule, language=language))
        result.planted[item.rule] += 1
        result.found[item.rule] += bool(after - before)
        old = Counter(check_pair(item.source, item.target, language=language))
        new = Counter(check_pair(item.source, item.broken, language=language))
        result.found_by_any[item.rule] += bool(new - old)
    return result

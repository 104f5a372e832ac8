"""Quality checks over a catalog: `run_checks(catalog, path=…)` returns the `Finding`s of every rule in `RULES`.

Findings are data (a frozen dataclass with `to_json()`); the caller prints them and picks the exit code, e.g.
`1 if any(f.level is Level.ERROR for f in findings) else 0`. Rules are selected by name or code; an unknown one
is a `BadArgument`. Some rules depend on the target's language (the catalog's `Language`, e.g. `fr_FR`): a rule
for French elision does not run on German, and one for a decimal comma runs only where decimals take a dot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from tm.checks.rules import RULES, Level, Rule
from tm.errors import BadArgument
from tm.model import Catalog, EntryText, entry_texts

__all__ = ["RULES", "Finding", "Level", "Rule", "base_language", "check_pair", "check_texts", "run_checks",
           "select_rules"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem in one entry: where (`path`, PO `line`, pair `id`), which rule, and what.

    `fuzzy` is the entry's flag: True for machine translation nobody reviewed, so a report can tell MT defects
    from defects a reviewer let through; `human` says a fuzzy entry's msgstr is a person's all the same (a
    review carried to an edited source: `tm.model.is_human`), which the reader of the catalog tells, and
    `vendor_ht` that a not fuzzy entry is an HT page's as the vendor's translators wrote it (`tm.model.vendor_ht`):
    nobody here reviewed it.
    """

    path: str
    line: int
    id: str
    rule: str
    code: str
    level: Level
    message: str
    fuzzy: bool
    human: bool = False
    vendor_ht: bool = False

    def to_json(self) -> dict[str, str | int | bool]:
        """A JSON-ready dict; `level` is its name in lower case."""
        return {
            "path": self.path,
            "line": self.line,
            "id": self.id,
            "rule": self.rule,
            "code": self.code,
            "level": self.level.value,
            "message": self.message,
            "fuzzy": self.fuzzy,
            "human": self.human,
            "vendor_ht": self.vendor_ht,
        }


_BY_KEY: dict[str, Rule] = {r.name: r for r in RULES} | {r.code: r for r in RULES}


def select_rules(
    rules: Sequence[str] | None = None, *, ignore: Iterable[str] = (), min_level: Level = Level.WARNING
) -> tuple[Rule, ...]:
    """The rules to run, in `RULES` order: those named in `rules` (all when None), minus `ignore`, at or above
    `min_level`. Names and codes both work (`inline-code`, `TM201`); anything else raises `BadArgument`.

    >>> [r.name for r in select_rules(["TM201", "xref"])]
    ['inline-code', 'xref']
    """
    if rules is None and not ignore and min_level is Level.WARNING:
        return RULES
    chosen = {_lookup(key) for key in rules} if rules is not None else set(RULES)
    chosen -= {_lookup(key) for key in ignore}
    return tuple(r for r in RULES if r in chosen and r.level.severity >= min_level.severity)


def _lookup(key: str) -> Rule:
    found = _BY_KEY.get(key.strip()) or _BY_KEY.get(key.strip().upper())
    if found is None:
        known = ", ".join(r.name for r in RULES)
        raise BadArgument(f"unknown check {key!r} (known: {known})")
    return found


def base_language(locale: str) -> str:
    """The language of a locale or `Language` header value, in lower case: `fr_FR` → `fr`, `zh-Hans` → `zh`.

    >>> base_language("fr_FR"), base_language("de-DE"), base_language("")
    ('fr', 'de', '')
    """
    return locale.strip().replace("_", "-").split("-")[0].lower()


def check_pair(
    source: str, target: str, rules: Sequence[Rule] = RULES, *, language: str = ""
) -> tuple[tuple[Rule, str], ...]:
    """(rule, message) for each problem of one pair; a blank target gets only the `on_empty` rules. Rules for
    other languages than `language` (a locale; "" when unknown) are not run.

    >>> [(r.name, m) for r, m in check_pair("Use `x`.", "Utilisez `x`.")]
    []
    >>> [(r.name, m) for r, m in check_pair("In C# 7.0.", "Dans C# 7,0.")]
    [('version-number', 'version 7.0 written as 7,0')]
    >>> [(r.name, m) for r, m in check_pair("The `New-Object` cmdlet", "L' `New-Object` applet", language="fr")]
    [('elision', "elision spaced from its code span: L' `New-Object`")]
    """
    blank = not target or target.isspace()
    base = base_language(language)
    return _checker(tuple(r for r in rules if r.on_empty is blank and r.speaks(base)))(source, target)


_Checker = Callable[[str, str], tuple[tuple[Rule, str], ...]]


@lru_cache(maxsize=8)
def _checker(rules: tuple[Rule, ...]) -> _Checker:
    """A function running `rules` on one pair, memoised because rules are pure and pairs recur: boilerplate
    (`[in] A pointer to…`) makes 30% of the 420k pairs of a handoff repeats of a pair seen shortly before.

    A rule whose `needs` are all absent from both texts, or whose `gate` fails, is not called: calling every
    rule only to return at once would cost more than the checks themselves.
    """
    plan = tuple((r.needs, r.gate, r.check, r) for r in rules)

    @lru_cache(maxsize=4096)
    def check(source: str, target: str) -> tuple[tuple[Rule, str], ...]:
        found: list[tuple[Rule, str]] = []
        both = source + "\n" + target
        for needs, gate, run, rule in plan:
            if needs:
                for needle in needs:
                    if needle in both:
                        break
                else:
                    continue
            if gate is not None and not gate(source, target):
                continue
            for message in run(source, target):
                found.append((rule, message))
        return tuple(found)

    return check


def run_checks(
    catalog: Catalog,
    *,
    path: str,
    rules: Sequence[str] | None = None,
    ignore: Iterable[str] = (),
    min_level: Level = Level.WARNING,
) -> list[Finding]:
    """Check every entry of `catalog` that is not obsolete; `path` is what findings name as their file.

    Entries with a blank target are only checked by the `on_empty` rules (`empty`); the others by the rest.
    The catalog's `locale` chooses the rules that depend on the language.
    """
    return check_texts(entry_texts(catalog.entries), path=path, rules=rules, ignore=ignore, min_level=min_level,
                       language=catalog.locale)


def check_texts(
    texts: Iterable[EntryText],
    *,
    path: str,
    rules: Sequence[str] | None = None,
    ignore: Iterable[str] = (),
    min_level: Level = Level.WARNING,
    language: str = "",
) -> list[Finding]:
    """`run_checks` of the `(id, source, target, fuzzy, line)` of active entries (what `tm check` reads), whose
    targets are in `language` (a locale or `Language` header value; "" when unknown)."""
    base = base_language(language)
    selected = tuple(r for r in select_rules(rules, ignore=ignore, min_level=min_level) if r.speaks(base))
    check_text = _checker(tuple(r for r in selected if not r.on_empty))
    check_blank = _checker(tuple(r for r in selected if r.on_empty))
    findings: list[Finding] = []
    for pair_id, source, target, fuzzy, line in texts:
        check = check_blank if not target or target.isspace() else check_text
        for rule, message in check(source, target):
            findings.append(
                Finding(
                    path=path,
                    line=line,
                    id=pair_id,
                    rule=rule.name,
                    code=rule.code,
                    level=rule.level,
                    message=message,
                    fuzzy=fuzzy,
                )
            )
    return findings

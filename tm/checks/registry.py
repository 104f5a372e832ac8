"""What a QA rule is: `Rule`, its `Level`, the `@rule` decorator, and the comparison helpers rules share.

Kept apart from the rules themselves so that the rules can live in several modules (`rules`, `typography`,
`names`) that all register the same way.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

__all__ = ["Check", "Level", "Rule", "difference", "rule", "same"]

Check = Callable[[str, str], Iterator[str]]


class Level(enum.Enum):
    """How sure a rule is that a finding is a defect; `severity` orders them."""

    WARNING = "warning"
    ERROR = "error"

    @property
    def severity(self) -> int:
        """1 for warnings, 2 for errors: `level.severity >= min_level.severity` selects findings."""
        return 2 if self is Level.ERROR else 1


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    """A named, coded check; calling it runs the check: `rule(source, target)` yields messages.

    Rules compare and hash by identity (`eq=False`): there is one object per rule, and sets of them are cheap.
    """

    name: str
    code: str
    level: Level
    check: Check
    needs: tuple[str, ...] = ()
    gate: Callable[[str, str], bool] | None = None
    on_empty: bool = False
    languages: Callable[[str], bool] | None = None

    @property
    def help(self) -> str:
        """The first line of the check's docstring."""
        return (self.check.__doc__ or "").strip().splitlines()[0]

    def __call__(self, source: str, target: str) -> Iterator[str]:
        return self.check(source, target)

    def applies(self, source: str, target: str) -> bool:
        """False when the pair cannot hold anything this rule looks at (cheap tests: `needs`, then `gate`)."""
        if self.needs and not any(needle in source or needle in target for needle in self.needs):
            return False
        return self.gate is None or self.gate(source, target)

    def speaks(self, language: str) -> bool:
        """True when the rule applies to targets in `language` (a base code such as `fr`, or "" if unknown)."""
        return self.languages is None or self.languages(language)


def rule(
    name: str,
    *,
    code: str,
    level: Level,
    needs: tuple[str, ...] = (),
    gate: Callable[[str, str], bool] | None = None,
    on_empty: bool = False,
    languages: Callable[[str], bool] | None = None,
) -> Callable[[Check], Rule]:
    """Make a check function a `Rule`. `on_empty` rules run only on blank targets; the others never do.
    `languages` says which target languages the rule applies to (all when None)."""

    def register(check: Check) -> Rule:
        return Rule(name, code, level, check, needs, gate, on_empty, languages)

    return register


def difference(what: str, source: Iterable[str], target: Iterable[str]) -> Iterator[str]:
    """Messages for items of `source` missing from `target` and items of `target` not in `source` (multisets).

    A single swap reads better as one message: "link target changed: a → b".
    """
    want, have = Counter(source), Counter(target)
    if want == have:
        return
    missing = list((want - have).elements())
    extra = list((have - want).elements())
    if len(missing) == 1 and len(extra) == 1:
        yield f"{what} changed: {missing[0]} → {extra[0]}"
        return
    for item in missing:
        yield f"{what} missing: {item}"
    for item in extra:
        yield f"{what} not in source: {item}"


def same(source: Sequence[str], target: Sequence[str]) -> bool:
    """True when two lists hold the same items in any order (cheap when they are equal as they stand)."""
    return source == target or sorted(source) == sorted(target)

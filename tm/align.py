"""Pair the segments of two versions of a page by content, and the pages of two handoffs by path or content.

Ids are no keys across handoffs: the vendor's id prefix changes on most pages at every handoff and sequence
numbers shift when a segment is inserted. So segments are paired by what they say, in three passes:

1. exact: equal keys (the source, or for a diff the source *and* target), in document order first
   (`difflib.SequenceMatcher`, `autojunk=False`), then whatever equal keys are left (moved segments), the
   k-th leftover occurrence with the k-th, so duplicates pair in order;
2. exact on the source alone among what is left (a diff's "target changed");
3. similar: leftovers whose sources score at least `threshold` (`similarity`), best scores first;

what is still left is added (new only) or removed (old only). Pages are paired by path; an added page whose
segments mostly match those of a removed page is a renamed page (`match_pages`).

Nothing here knows pages or catalogs: everything works on sequences of strings. rapidfuzz is imported by
the functions that call it: the commands that never compare texts (extract, merge, check) start faster.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from itertools import chain
from typing import NamedTuple

from tm.jobs.pool import gc_paused

__all__ = ["FuzzyIndex", "Link", "align", "length_window", "match_pages", "similarity"]

DEFAULT_THRESHOLD = 0.8
_TOKEN = re.compile(r"\w+")
# `_words` of ASCII text: letters (lower-cased), digits and `_` kept, anything else a space.
_ASCII_WORDS = str.maketrans({c: c.lower() if c.isalnum() or c == "_" else " " for c in map(chr, range(128))})


def _words(text: str) -> list[str]:
    """The `\\w+` words of `text`, lower-cased. ASCII text (nearly every English source) is cut by
    `str.translate` and `split`, which is quicker than the regex and gives the same words."""
    return text.translate(_ASCII_WORDS).split() if text.isascii() else _TOKEN.findall(text.lower())


class Link(NamedTuple):
    """One line of an alignment: indexes into the old and new sequences, and how well they match.

    `score` is 1.0 for equal sources, in `[threshold, 1)` for similar ones, 0.0 when one side is missing.
    A named tuple: `update_page_text` unpacks links (`for old, new, score in links`) as it does the plain
    tuples it pairs an unchanged page with, and they are made faster than a frozen dataclass.
    """

    old: int | None
    new: int | None
    score: float

    @property
    def exact(self) -> bool:
        """Both sides present with equal sources."""
        return self.old is not None and self.new is not None and self.score == 1.0


def similarity(a: str, b: str) -> float:
    """Indel similarity in [0, 1] (rapidfuzz `fuzz.ratio` / 100): `2 * LCS / (len(a) + len(b))`.

    It is what `difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()` gives, without difflib's
    slowness on long strings or its junk heuristic.

    >>> similarity("Install Visual Studio 2017.", "Install Visual Studio 2019.")
    0.963
    >>> similarity("abc", "abc"), similarity("", "")
    (1.0, 1.0)
    """
    from rapidfuzz import fuzz

    return round(fuzz.ratio(a, b) / 100, 4)


def length_window(length: int, threshold: float) -> tuple[int, int]:
    """Lengths a string must have to reach `threshold` against one of `length` characters.

    The ratio is at most `2 * min / (la + lb)`, so the other length lies within `[length * r, length / r]`
    with `r = threshold / (2 - threshold)`: 2/3 to 3/2 of the length at 0.8.

    >>> length_window(60, 0.8)
    (40, 90)
    """
    if threshold <= 0:
        return 0, 1 << 30
    ratio = threshold / (2 - threshold)
    return math.ceil(length * ratio - 1e-9), math.floor(length / ratio + 1e-9)


def align(
    old: Sequence[str],
    new: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    old_keys: Sequence[Hashable] | None = None,
    new_keys: Sequence[Hashable] | None = None,
) -> list[Link]:
    """Pair the source strings `old` and `new`; every index of both appears in exactly one `Link`.

    `old_keys`/`new_keys` (e.g. `(source, target)` tuples) are matched before the sources alone, so that
    among duplicated sources the ones whose translation did not change pair up. Links come in new order,
    each removed segment placed after the link of the old segment before it.

    >>> old = ["Intro", "Step one.", "Step two.", "Step one."]
    >>> new = ["Step one.", "Brand new text", "Step one.", "Step two!"]
    >>> [(link.old, link.new, link.score) for link in align(old, new)]
    [(0, None, 0.0), (1, 0, 1.0), (None, 1, 0.0), (3, 2, 1.0), (2, 3, 0.8889)]
    """
    if list(old) == list(new) and (old_keys is None or list(old_keys) == list(new_keys or ())):
        return [Link(i, i, 1.0) for i in range(len(old))]
    pairs: dict[int, tuple[int, float]] = {}
    if old_keys is not None and new_keys is not None:
        _match_exact(old_keys, new_keys, pairs)
    _match_exact(old, new, pairs)
    if threshold <= 1.0:
        _match_similar(old, new, pairs, threshold)
    return _in_order(len(old), len(new), pairs)


def _match_exact(old: Sequence[Hashable], new: Sequence[Hashable], pairs: dict[int, tuple[int, float]]) -> None:
    """Pair equal items not paired yet: in order first, then leftover duplicates k-th to k-th."""
    taken = {j for j, _ in pairs.values()}
    old_free = [i for i in range(len(old)) if i not in pairs]
    new_free = [j for j in range(len(new)) if j not in taken]
    if not old_free or not new_free:
        return
    a = [old[i] for i in old_free]
    b = [new[j] for j in new_free]
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    used_a: set[int] = set()
    used_b: set[int] = set()
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            pairs[old_free[block.a + k]] = (new_free[block.b + k], 1.0)
            used_a.add(block.a + k)
            used_b.add(block.b + k)
    waiting: dict[Hashable, deque[int]] = defaultdict(deque)
    for x, key in enumerate(a):
        if x not in used_a:
            waiting[key].append(x)
    if not waiting:
        return
    for y, key in enumerate(b):
        queue = waiting.get(key)
        if y not in used_b and queue:
            pairs[old_free[queue.popleft()]] = (new_free[y], 1.0)


def _match_similar(old: Sequence[str], new: Sequence[str], pairs: dict[int, tuple[int, float]],
                   threshold: float) -> None:
    """Pair leftovers whose similarity reaches `threshold`, best score first (ties: nearest position)."""
    taken = {j for j, _ in pairs.values()}
    old_free = [i for i in range(len(old)) if i not in pairs]
    new_free = [j for j in range(len(new)) if j not in taken]
    if not old_free or not new_free:
        return
    from rapidfuzz import fuzz, process

    choices = [old[i] for i in old_free]
    cutoff = threshold * 100
    candidates: list[tuple[float, float, int, int]] = []
    for j in new_free:
        found = process.extract(new[j], choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
        for _, score, x in found:
            i = old_free[x]
            drift = abs(i / max(len(old), 1) - j / max(len(new), 1))
            candidates.append((-score, drift, j, i))
    candidates.sort()
    for neg_score, _, j, i in candidates:
        if i in pairs or j in taken:
            continue
        pairs[i] = (j, round(-neg_score / 100, 4))
        taken.add(j)


def _in_order(n_old: int, n_new: int, pairs: dict[int, tuple[int, float]]) -> list[Link]:
    """Links in new order; an unpaired old segment goes right after the link of the old segment before it."""
    by_new: list[Link | None] = [None] * n_new
    for i, (j, score) in pairs.items():
        by_new[j] = Link(i, j, score)
    removed_after: dict[int, list[int]] = defaultdict(list)  # old index of the anchor → removed old indexes
    anchor = -1
    for i in range(n_old):
        if i in pairs:
            anchor = i
        else:
            removed_after[anchor].append(i)
    out = [Link(i, None, 0.0) for i in removed_after.get(-1, ())]
    for j, link in enumerate(by_new):
        if link is None:
            out.append(Link(None, j, 0.0))
            continue
        out.append(link)
        assert link.old is not None
        out.extend(Link(i, None, 0.0) for i in removed_after.get(link.old, ()))
    return out


def match_pages(
    removed: Mapping[str, Sequence[str]], added: Mapping[str, Sequence[str]], *, min_overlap: float = 0.5
) -> dict[str, str]:
    """Renamed pages: `{old path: new path}` for removed and added pages that share most of their sources.

    The overlap is the size of the multiset intersection of both pages' sources over the larger page;
    pages pair greedily, best overlap first, each at most once. Pages without segments never pair.

    >>> match_pages({"old.md": ["A", "B", "C"], "gone.md": ["X"]}, {"new.md": ["A", "B", "D"]})
    {'old.md': 'new.md'}
    """
    holders: dict[str, list[str]] = defaultdict(list)
    removed_counts = {path: Counter(sources) for path, sources in removed.items()}
    for path, counts in removed_counts.items():
        for source in counts:
            holders[source].append(path)
    scored: list[tuple[float, str, str]] = []
    for new_path, sources in added.items():
        if not sources:
            continue
        counts = Counter(sources)
        for old_path in _rename_candidates(counts, len(sources), holders, min_overlap):
            shared = sum((counts & removed_counts[old_path]).values())
            overlap = shared / max(len(sources), len(removed[old_path]))
            if overlap >= min_overlap:
                scored.append((-overlap, old_path, new_path))
    scored.sort()
    renamed: dict[str, str] = {}
    used: set[str] = set()
    for _, old_path, new_path in scored:
        if old_path not in renamed and new_path not in used:
            renamed[old_path] = new_path
            used.add(new_path)
    return dict(sorted(renamed.items()))


def _rename_candidates(counts: Counter[str], size: int, holders: Mapping[str, list[str]], min_overlap: float) -> set[str]:
    """The removed pages that can share `min_overlap` of a page's `size` sources (`counts`).

    Such a page shares at least `need = ceil(min_overlap * size)` of them, so it holds one of the page's
    rarest sources, taken until `size - need + 1` occurrences are covered (prefix filtering, as in
    `FuzzyIndex`). Sources on every page ("Note", "Example") then never make every pair of pages a
    candidate: when a whole handoff looks added and removed (a wrong path), that was hours, not seconds.
    """
    need = max(1, math.ceil(min_overlap * size - 1e-9))
    budget = size - need + 1
    found: set[str] = set()
    for source in sorted(counts, key=lambda s: len(holders.get(s, ()))):
        if budget <= 0:
            break
        found.update(holders.get(source, ()))
        budget -= counts[source]
    return found


class FuzzyIndex:
    """Find the most similar of many strings fast: an exact dict, then a word prefilter and a length window.

    Comparing a query with every stored string does not scale (100,000 reviewed segments × thousands of
    new ones). A string reaching the threshold keeps most of its words, so a candidate must share half the
    query's informative words (all but the 1% most common: stop words, not indexed), counted over their
    postings within the length window (half rounded up: a query with one rare word needs it). A query
    with no rare word, or only one that no stored string holds (a new word: likely the edit itself), scans
    its length window instead. Only the candidates reach rapidfuzz (`process.extractOne` with
    `score_cutoff`).

    The word rule is a heuristic: a string that keeps under half the query's rare words but still scores
    above the threshold is missed (rare for real edits, which are local; see the test against a full scan,
    and the corpus figures in benchmarks/README.md): the matches it misses are nearly all of another text,
    and a reviewed translation of another text is a worse start than the handoff's.

    >>> index = FuzzyIndex(["Install Visual Studio 2017.", "Open a terminal."])
    >>> index.best("Install Visual Studio 2019.", threshold=0.8)
    (0, 0.963)
    >>> index.best("Something else entirely.", threshold=0.8) is None
    True
    """

    def __init__(self, strings: Iterable[str], *, common: float = 0.01) -> None:
        with gc_paused():  # ~100,000 sets and lists, and no cycle
            self._build(list(strings), common)

    def _build(self, strings: list[str], common: float) -> None:
        self.strings = strings
        self.exact: dict[str, int] = {}
        for n, text in enumerate(self.strings):
            self.exact.setdefault(text, n)
        # Strings by length (then index): a length window is a slice, and postings hold these ranks in
        # ascending order, so the part of a posting within a window is a slice too (`bisect`).
        self._order = sorted(range(len(self.strings)), key=list(map(len, self.strings)).__getitem__)
        self._by_length = list(map(self.strings.__getitem__, self._order))
        self.lengths = list(map(len, self._by_length))
        postings: dict[str, list[int]] = defaultdict(list)
        for rank, text in enumerate(self._by_length):
            for token in set(_words(text)):
                postings[token].append(rank)
        cap = max(100, int(len(self.strings) * common))
        self.stop = frozenset(token for token, found in postings.items() if len(found) > cap)
        self.postings = {token: found for token, found in postings.items() if token not in self.stop}
        self._cache: dict[tuple[str, float], tuple[int, float] | None] = {}

    def __len__(self) -> int:
        return len(self.strings)

    def best(self, query: str, *, threshold: float = DEFAULT_THRESHOLD) -> tuple[int, float] | None:
        """`(index, score)` of the most similar stored string scoring at least `threshold`, or None.

        Among equal scores the first stored string wins. Answers are kept: a handoff asks the same sentence
        on many pages.
        """
        if query in self.exact:
            return self.exact[query], 1.0
        key = (query, threshold)
        if key not in self._cache:
            self._cache[key] = self._best(query, threshold)
        return self._cache[key]

    def _best(self, query: str, threshold: float) -> tuple[int, float] | None:
        from rapidfuzz import fuzz, process

        low, high = length_window(len(query), threshold)
        start, end = bisect.bisect_left(self.lengths, low), bisect.bisect_right(self.lengths, high)
        if start >= end:
            return None
        cutoff = threshold * 100
        rare = set(_words(query)).difference(self.stop)
        if not rare or (len(rare) == 1 and not rare & self.postings.keys()):  # stop words only, or one new word
            found = process.extractOne(query, self._by_length[start:end], scorer=fuzz.ratio, score_cutoff=cutoff)
            return None if found is None else (self._order[start + found[2]], round(found[1] / 100, 4))
        need = (len(rare) + 1) // 2  # half of them
        held = Counter(chain.from_iterable(
            posting[bisect.bisect_left(posting, start):bisect.bisect_left(posting, end)]
            for posting in map(self.postings.get, rare) if posting))
        ranks = [rank for rank, count in held.items() if count >= need]
        if not ranks:
            return None
        candidates = sorted(map(self._order.__getitem__, ranks))  # in stored order, for the ties
        found = process.extractOne(query, list(map(self.strings.__getitem__, candidates)), scorer=fuzz.ratio,
                                   score_cutoff=cutoff)
        return None if found is None else (candidates[found[2]], round(found[1] / 100, 4))

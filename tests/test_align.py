"""Alignment of two versions of a page, renamed pages, and the fuzzy index behind cross-page offers."""

from __future__ import annotations

import random
import re
from collections import Counter
from difflib import SequenceMatcher

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.align import FuzzyIndex, Link, _words, align, length_window, match_pages, similarity


def pairs(links: list[Link]) -> list[tuple[int | None, int | None]]:
    return [(link.old, link.new) for link in links]


def test_same_sequence_pairs_in_place() -> None:
    assert pairs(align(["a", "b", "a"], ["a", "b", "a"])) == [(0, 0), (1, 1), (2, 2)]


def test_inserted_segment_shifts_nothing_else() -> None:
    links = align(["Intro.", "Body.", "End."], ["Intro.", "New text here.", "Body.", "End."])
    assert pairs(links) == [(0, 0), (None, 1), (1, 2), (2, 3)]
    assert [link.score for link in links] == [1.0, 0.0, 1.0, 1.0]


def test_duplicates_pair_in_order_and_the_extra_one_is_added() -> None:
    old = ["Select **OK**.", "Close the window.", "Select **OK**."]
    new = ["Select **OK**.", "Close the window.", "Select **OK**.", "Select **OK**."]
    assert pairs(align(old, new)) == [(0, 0), (1, 1), (2, 2), (None, 3)]


def test_moved_segment_is_still_an_exact_match() -> None:
    links = align(["A first sentence.", "B second one.", "C third one."],
                  ["C third one.", "A first sentence.", "B second one."])
    assert sorted(pairs(links)) == [(0, 1), (1, 2), (2, 0)]
    assert all(link.exact for link in links)


def test_edited_segment_pairs_by_similarity_with_its_score() -> None:
    links = align(["Install Visual Studio 2017.", "Unrelated."], ["Install Visual Studio 2019.", "Something new."])
    assert pairs(links) == [(0, 0), (1, None), (None, 1)]
    assert links[0].score == pytest.approx(0.963, abs=1e-3) and not links[0].exact


@pytest.mark.parametrize(("threshold", "paired"), [(0.8, True), (0.75, True), (0.9, False), (1.0, False)])
def test_threshold_decides_between_edited_and_added_removed(threshold: float, paired: bool) -> None:
    old, new = ["Close the window."], ["Close all the windows."]  # 2 * 17 / 39 = 0.87
    assert similarity(old[0], new[0]) == 0.8718
    links = align(old, new, threshold=threshold)
    assert (pairs(links) == [(0, 0)]) is paired


def test_score_equal_to_threshold_pairs() -> None:
    old, new = ["abcde"], ["abcdX"]  # LCS 4 of 10 characters: 0.8 exactly
    assert similarity(old[0], new[0]) == 0.8
    assert pairs(align(old, new, threshold=0.8)) == [(0, 0)]


def test_best_similar_match_wins_over_an_earlier_weaker_one() -> None:
    old = ["Install the .NET SDK on Linux.", "Install the .NET SDK on Windows."]
    new = ["Install the .NET SDK on Windows 10."]
    links = align(old, new)
    assert (1, 0) in pairs(links) and (0, None) in pairs(links)


def test_keys_pair_unchanged_translations_first() -> None:
    # Same source twice; only the second one's translation is unchanged: keys pair it with the new one.
    old, new = ["OK", "OK"], ["OK"]
    links = align(old, new, old_keys=[("OK", "x"), ("OK", "y")], new_keys=[("OK", "y")])
    assert (1, 0) in pairs(links) and (0, None) in pairs(links)


def test_removed_segments_sit_where_they_were() -> None:
    links = align(["a", "gone one", "b", "gone two", "c"], ["a", "b", "c"])
    assert pairs(links) == [(0, 0), (1, None), (2, 1), (3, None), (4, 2)]


def test_empty_sides() -> None:
    assert align([], []) == []
    assert pairs(align(["a"], [])) == [(0, None)]
    assert pairs(align([], ["a"])) == [(None, 0)]


texts = st.lists(st.sampled_from(["Hello.", "Hello!", "Select **OK**.", "Close it.", "Close them.", "", "x"]),
                 max_size=12)


@settings(derandomize=True, max_examples=300)
@given(texts, texts)
def test_every_index_appears_once_and_exact_count_is_the_multiset_intersection(old: list[str],
                                                                              new: list[str]) -> None:
    links = align(old, new)
    assert sorted(link.old for link in links if link.old is not None) == list(range(len(old)))
    assert sorted(link.new for link in links if link.new is not None) == list(range(len(new)))
    exact = sum(1 for link in links if link.old is not None and link.new is not None
                and old[link.old] == new[link.new])
    assert exact == sum((Counter(old) & Counter(new)).values())
    for link in links:
        if link.old is not None and link.new is not None and old[link.old] != new[link.new]:
            assert link.score >= 0.8
    news = [link.new for link in links if link.new is not None]
    assert news == sorted(news)


@settings(derandomize=True, max_examples=200)
@given(st.text(alphabet="abcde ", max_size=40), st.text(alphabet="abcde ", max_size=40))
def test_similarity_is_difflib_ratio_without_autojunk(a: str, b: str) -> None:
    expected = SequenceMatcher(None, a, b, autojunk=False).ratio() if a or b else 1.0
    # difflib's greedy blocks can miss the longest common subsequence; the LCS ratio is never lower.
    assert similarity(a, b) >= round(expected, 4) - 1e-4


@settings(derandomize=True, max_examples=300)
@given(st.text(alphabet="abc", min_size=1, max_size=30), st.text(alphabet="abc", min_size=1, max_size=30))
def test_length_window_never_excludes_a_match(a: str, b: str) -> None:
    low, high = length_window(len(a), 0.8)
    if similarity(a, b) >= 0.8:
        assert low <= len(b) <= high


def test_match_pages_pairs_renamed_pages_by_content() -> None:
    removed = {"guide/configure-sdk.md": ["Configure", "A", "B", "C"], "retired.md": ["Old page", "Retired."]}
    added = {"sdk/configure.md": ["Configure", "A", "B", "C changed"], "whats-new.md": ["A", "New", "Other", "X"]}
    assert match_pages(removed, added) == {"guide/configure-sdk.md": "sdk/configure.md"}


def test_match_pages_needs_half_the_content() -> None:
    assert match_pages({"a.md": ["1", "2", "3", "4"]}, {"b.md": ["1", "x", "y", "z"]}) == {}
    assert match_pages({"a.md": []}, {"b.md": []}) == {}


def _all_pairs_match(removed: dict[str, list[str]], added: dict[str, list[str]], min_overlap: float) -> dict[str, str]:
    """`match_pages` the obvious way: every removed page scored against every added one."""
    scored = []
    for new_path, sources in added.items():
        for old_path, old_sources in removed.items():
            if sources and old_sources:
                shared = sum((Counter(sources) & Counter(old_sources)).values())
                overlap = shared / max(len(sources), len(old_sources))
                if shared and overlap >= min_overlap:
                    scored.append((-overlap, old_path, new_path))
    renamed: dict[str, str] = {}
    for _, old_path, new_path in sorted(scored):
        if old_path not in renamed and new_path not in renamed.values():
            renamed[old_path] = new_path
    return dict(sorted(renamed.items()))


_page = st.lists(st.sampled_from(["Note", "Example", "A", "B", "C", "D", "E", "F"]), max_size=7)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from("abcde"), _page, max_size=4),
       st.dictionaries(st.sampled_from("vwxyz"), _page, max_size=4), st.sampled_from([0.3, 0.5, 0.8]))
def test_match_pages_finds_what_scoring_every_pair_finds(removed: dict[str, list[str]],
                                                         added: dict[str, list[str]], min_overlap: float) -> None:
    """Only the pages that hold one of a page's rarest sources are scored; that must lose no rename."""
    assert match_pages(removed, added, min_overlap=min_overlap) == _all_pairs_match(removed, added, min_overlap)


def _edit(rng: random.Random, text: str) -> str:
    """One local edit, as real handoffs make them: a word replaced, inserted or dropped."""
    words = text.split()
    k = rng.randrange(len(words))
    choice = rng.random()
    if choice < 0.4:
        words[k] = rng.choice(["2019", "updated", "the", "Azure", "new"])
    elif choice < 0.7:
        words.insert(k, rng.choice(["also", "now", "then"]))
    elif len(words) > 3:
        del words[k]
    return " ".join(words)


def test_fuzzy_index_finds_what_a_full_scan_finds() -> None:
    rng = random.Random(7)
    vocabulary = [f"word{n}" for n in range(400)] + ["the", "a", "to", "of", "and", "in"] * 40
    stored = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(4, 18))) + "." for _ in range(3000)]
    index = FuzzyIndex(stored)
    queries = [_edit(rng, rng.choice(stored)) for _ in range(300)]
    found = missed = 0
    for query in queries:
        best = index.best(query, threshold=0.8)
        scores = [similarity(query, s) for s in stored]
        top = max(scores)
        if top >= 0.8:
            assert best is not None, query
            assert best[1] == pytest.approx(top, abs=1e-3)
            found += 1
        else:
            assert best is None
            missed += 1
    assert found > 250


def test_fuzzy_index_query_with_one_rare_word_needs_it_unless_it_is_new() -> None:
    """ "These details include:" scores 0.86 against "These tasks include:", another text: when a stored string
    holds "details", the query's only rare word, only such strings are candidates. A word no stored string
    holds is likely the edit itself, and the window is scanned."""
    stored = [f"These item{n} include the code." for n in range(150)] + ["These tasks include:", "Show the details."]
    index = FuzzyIndex(stored)
    assert {"these", "include"} <= index.stop and "details" not in index.stop
    assert similarity("These details include:", "These tasks include:") >= 0.8
    assert index.best("These details include:") is None
    assert index.best("These widgets include:") == (150, 0.8095)
    assert index.best("These tasks include") == (150, 0.9744)


def test_fuzzy_index_exact_and_short_queries() -> None:
    index = FuzzyIndex(["OK", "Step 1", "Step 2", "Next steps"])
    assert index.best("Step 2") == (2, 1.0)
    best = index.best("Step 3")
    assert best is not None and index.strings[best[0]] in ("Step 1", "Step 2")
    assert index.best("Completely different") is None
    assert len(FuzzyIndex([])) == 0 and FuzzyIndex([]).best("x") is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)) | st.text())
def test_words_are_the_regex_words_of_the_lower_cased_text(text: str) -> None:
    """The index cuts ASCII text without the regex: the same words, in the same order."""
    assert _words(text) == re.findall(r"\w+", text.lower())

"""`tm.sync.memory`: the SQLite store of a tree's reviews answers every lookup as update's `Memory` does."""

from __future__ import annotations

import random
from pathlib import Path

from test_sync import word_index, word_index_of

from tm.sync.memory import ReviewStore, TreeMemory
from tm.update_memory import Memory, Reviews

WORDS = ("the", "a", "to", "of", "and", "install", "configure", "runtime", "compiler", "package", "project", "build",
         "assembly", "thread", "async", "method", "class", "property", "event", "service", "container", "query")


def sentence(rng: random.Random) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
    return text[0].upper() + text[1:] + rng.choice(".:") + (f" {rng.randint(1, 30)}" if rng.random() < 0.3 else "")


def catalogs(rng: random.Random, pool: list[str], count: int) -> list[Reviews]:
    """`count` catalogs of reviews drawn from `pool` (so that sources repeat across catalogs), some obsolete."""
    found = []
    for n in range(count):
        sources = rng.sample(pool, rng.randint(0, 12))
        old = rng.sample(pool, rng.randint(0, 3))
        found.append(Reviews(f"d{n % 7}/p{n}.po", sources, [f"T{n}:{s}" for s in sources], old,
                             [f"O{n}:{s}" for s in old]))
    return sorted(found, key=lambda r: r.where)


def queries(rng: random.Random, pool: list[str]) -> list[str]:
    found = []
    for source in rng.sample(pool, 60):
        words = source.split()
        found.append(source)
        words[rng.randrange(len(words))] = rng.choice(WORDS)
        found.append(" ".join(words))
        found.append(source + " now")
    ties = [source[:-3] + " z." for source in pool if source.endswith(" x.")]  # as near to its " y." twin
    return found + ties + [sentence(rng) for _ in range(60)]


def same_answers(store: ReviewStore, found: list[Reviews], rng: random.Random, pool: list[str]) -> None:
    ours, theirs = TreeMemory(store), Memory.of_reviews(found)
    asked = 0
    for query in queries(rng, pool):
        for where in ("", found[0].where, rng.choice(found).where):
            assert ours.lookup(query, threshold=0.8, where=where) == theirs.lookup(query, threshold=0.8,
                                                                                  where=where), (query, where)
            asked += ours.lookup(query, where=where) is not None
    assert asked > 100
    assert len(ours) == len(theirs)


def test_the_store_answers_as_update_memory_and_keeps_its_word_index_as_catalogs_change(tmp_path: Path):
    rng = random.Random(18)
    pool = [sentence(rng) for _ in range(400)]
    pool += [f"{source[:-1]} {end}." for source in pool[:40] for end in "xy"]  # equal scores: the first wins
    found = catalogs(rng, pool, 150)
    store = ReviewStore(str(tmp_path / "reviews.sqlite"))
    store.put(((1, 1), r) for r in found)
    store.commit()
    same_answers(store, found, rng, pool)
    changed = catalogs(rng, pool[::2], 60)  # a third of the catalogs read again, others gone
    by_rel = {r.where: r for r in found} | {r.where: r for r in changed}
    gone = sorted(rng.sample(sorted(by_rel), 20))
    store.put(((2, 2), r) for r in changed)
    store.forget(gone)
    store.commit()
    now = [by_rel[rel] for rel in sorted(by_rel.keys() - set(gone))]
    same_answers(ReviewStore(store.path), now, rng, pool)

    class Index:
        pass

    index = Index()
    index.store = store  # type: ignore[attr-defined]
    assert word_index(index) == word_index_of(index)

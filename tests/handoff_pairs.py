"""A generated handoff pair (old and new pages of one locale), big enough that an update takes a while:
edited, removed and added segments, removed, added and renamed pages, HT pages, and sentences shared
between pages (so the update's second pass offers reviews from elsewhere in the tree)."""

from __future__ import annotations

import random
from pathlib import Path

_WORDS = ["install", "configure", "the", "a", "SDK", "runtime", "project", "build", "select", "window", "close",
          "open", "file", "folder", "app", "service", "client", "server", "version", "update", "package", "command",
          "line", "terminal", "option", "value", "setting", "default", "new", "old", "library", "code", "sample",
          "test", "debug", "deploy", "container", "image", "cloud", "local", "remote", "user", "account", "key"]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(_WORDS, k=rng.randint(5, 12))
    return " ".join(words).capitalize() + rng.choice((".", ".", "?", ":"))


def _edited(rng: random.Random, sentence: str) -> str:
    words = sentence[:-1].split()
    words[rng.randrange(len(words))] = rng.choice(_WORDS)
    return " ".join(words) + sentence[-1]


def _page(pairs: list[str], prefix: str, kind: str, rng: random.Random) -> str:
    body = "".join(f'<span data-ttu-id="{prefix}-{100 + k}">FR {s[::-1]}{rng.choice(("", " !"))}</span>'
                   f'<span class="sxs-lookup"><span data-stu-id="{prefix}-{100 + k}">{s}</span></span>\n\n'
                   for k, s in enumerate(pairs))
    return f"---\nms.translationtype: {kind}\nms.contentlocale: fr-FR\nms.lasthandoff: 02/04/2021\n---\n{body}"


def write_pair(root: Path, *, pages: int = 300, pairs: int = 20, seed: int = 13) -> tuple[Path, Path]:
    """`root/old` and `root/new`: two handoffs of `pages` pages of `pairs` pairs."""
    rng = random.Random(seed)
    common = [_sentence(rng) for _ in range(150)]
    old: dict[str, list[str]] = {}
    for n in range(pages):
        old[f"d{n % 12}/page-{n}.md"] = [rng.choice(common) if rng.random() < 0.2 else _sentence(rng)
                                         for _ in range(pairs)]
    new: dict[str, list[str]] = {}
    for name, sentences in old.items():
        roll = rng.random()
        if roll < 0.03:
            continue  # removed
        if roll < 0.05:
            name = name.replace("page-", "moved-")  # renamed
        changed = []
        for sentence in sentences:
            r = rng.random()
            if r < 0.05:
                continue
            changed.append(_edited(rng, sentence) if r < 0.15 else sentence)
            if rng.random() < 0.04:
                changed.append(rng.choice(common) if rng.random() < 0.5 else _sentence(rng))
        new[name] = changed
    for n in range(pages // 30):
        new[f"added/new-{n}.md"] = [rng.choice(common) if rng.random() < 0.5 else _edited(rng, rng.choice(common))
                                    for _ in range(pairs)]
    for side, pages_of in (("old", old), ("new", new)):
        for k, (name, sentences) in enumerate(sorted(pages_of.items())):
            path = root / side / name
            path.parent.mkdir(parents=True, exist_ok=True)
            kind = "HT" if (k * 7) % 10 == 0 else "MT"
            path.write_text(_page(sentences, f"{'ab' if side == 'old' else 'cd'}{k:03x}", kind, rng), "utf-8")
    return root / "old", root / "new"

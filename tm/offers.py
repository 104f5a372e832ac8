"""Offers: translations of the same or a similar source from elsewhere in the tree, shown beside an entry's
msgstr as extracted comments (`#.`), never in its place.

An offer is one `#.` line, which gettext tools and PO editors keep and show as a note (Poedit's "Notes for
translators", Lokalize's "Extracted comments"):

    #. tm: offer 0.93 (reviewed, guide/install.po; numbers differ): "Install .NET 3.1" → "Installez .NET 3.1"

the similarity of the two English sources, where the translation comes from (a person's review, and the
catalog), what of the markup that must be carried over differs (numbers, code spans, links, placeholders),
then the offer's source and translation as JSON strings (so quotes and newlines stay on one line). When a
person's translation of the same source takes the msgstr of a new segment, the handoff's own translation
is kept beside it the same way:

    #. tm: handoff's translation: "Installer .NET"

The XLIFF exports turn both into translation candidates (`<alt-trans>`, `<mtc:match>`): `candidates`.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import NamedTuple

from tm.model import NOTE_PREFIX, Entry

__all__ = ["HANDOFF_NOTE", "OFFER_NOTE", "Candidate", "candidates", "differences", "handoff_note", "offer_note",
           "parse_offer"]

OFFER_NOTE = f"{NOTE_PREFIX}offer "
HANDOFF_NOTE = f"{NOTE_PREFIX}handoff's translation: "

_STRING = r'"(?:[^"\\]|\\.)*"'
_OFFER = re.compile(rf"{re.escape(OFFER_NOTE)}(?P<score>[01]\.\d\d) \((?P<origin>[\w-]+), (?P<where>.*?)"
                    rf"(?:; (?P<differs>[a-z ,]+) differ)?\): (?P<source>{_STRING}) → (?P<target>{_STRING})")
# What a translation must carry over from its source: an offer whose source has others must be adapted.
_KINDS = (
    ("numbers", re.compile(r"\d+(?:[.,]\d+)*")),
    ("code spans", re.compile(r"`[^`\n]+`")),
    ("links", re.compile(r"\]\([^)\s]*\)|<xref:[^>]*>|https?://[^\s)>\]]+")),
    ("placeholders", re.compile(r"\{[\w.:-]*\}|%\d*\$?[sdif]|\$\{[^}]*\}|\{\{[^}]*\}\}")),
)


class Candidate(NamedTuple):
    """An offer read back from its note: similarity, origin, catalog, what differs, source and translation."""

    score: float
    origin: str
    where: str
    differs: str
    source: str
    target: str


def differences(offered: str, source: str) -> list[str]:
    """The kinds of markup (`_KINDS`) whose occurrences differ between an offer's source and the new source.

    >>> differences("PowerShell 6.0 and `pwsh`", "PowerShell 6.2 and `pwsh`")
    ['numbers']
    """
    return [kind for kind, pattern in _KINDS if sorted(pattern.findall(offered)) != sorted(pattern.findall(source))]


def offer_note(score: float, origin: str, where: str, source: str, target: str, new_source: str) -> str:
    """The `#.` line of an offer of `target` (translating `source`) for an entry whose source is `new_source`."""
    differs = differences(source, new_source)
    said = f"; {', '.join(differs)} differ" if differs else ""
    return (f"{OFFER_NOTE}{score:.2f} ({origin}, {where}{said}): {json.dumps(source, ensure_ascii=False)} → "
            f"{json.dumps(target, ensure_ascii=False)}")


def handoff_note(target: str) -> str:
    """The `#.` line that keeps the handoff's translation beside a person's translation of the same source."""
    return f"{HANDOFF_NOTE}{json.dumps(target, ensure_ascii=False)}"


def candidates(entry: Entry) -> list[Candidate]:
    """The offers an entry's notes hold, and the handoff's translation kept beside a person's (origin
    "handoff", same source), for the XLIFF exports."""
    found = []
    for note in entry.notes:
        if note.startswith(NOTE_PREFIX):
            offer = parse_offer(note)
            if offer is None and note.startswith(HANDOFF_NOTE):
                with contextlib.suppress(ValueError):
                    offer = Candidate(1.0, "handoff", "", "", entry.source, json.loads(note[len(HANDOFF_NOTE):]))
            if offer is not None:
                found.append(offer)
    return found


def parse_offer(note: str) -> Candidate | None:
    """The offer an extracted comment holds, or None for any other note.

    >>> offer = parse_offer(offer_note(0.93, "reviewed", "a.po", "Install 3.1", "Installez 3.1", "Install 5.0"))
    >>> offer.score, offer.where, offer.differs, offer.target
    (0.93, 'a.po', 'numbers', 'Installez 3.1')
    """
    if not note.startswith(OFFER_NOTE):
        return None
    found = _OFFER.fullmatch(note)
    if found is None:
        return None
    return Candidate(float(found["score"]), found["origin"], found["where"], found["differs"] or "",
                     json.loads(found["source"]), json.loads(found["target"]))

"""`update_page_text` (the hot path of `tm update`) writes exactly what `update_page` and the PO writer write."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.extract import page_to_catalog, text_entries
from tm.formats import po
from tm.model import VENDOR_MARK, Catalog, Entry, LazyCatalog, Page, vendor_digest
from tm.page import load_page, parse_page
from tm.sources import GitSource
from tm.update import HUMAN_FLAG, NOTE_PREFIX, Memory, Offer, offer_lookups, offers, update_page, update_page_text

HEADER = {"Language": "fr_FR", "Last-Translator": "Anne", "X-Page": "p.md", "X-Ms-Lasthandoff": "09/24/2020"}


def assert_same(old: Catalog, page: Page, **options: object) -> None:
    """Both functions give the same PO text (header and entries), counts and memory request."""
    fast = text_entries(page.relpath, page.text, locale=old.locale)
    assert fast is not None
    model = update_page(old, page, **options)  # type: ignore[arg-type]
    # The old catalog as read in full, and as `tm update` reads a PO file: entries built when needed.
    for lazy in (LazyCatalog.of(old), po.read_lazy(po.write(old), path="p.po")):
        text = update_page_text(lazy, fast, **options)  # type: ignore[arg-type]
        assert "".join(text.chunks) == "".join(list(po.generate(model.catalog))[1:])
        assert text.header == model.catalog.header and text.header_comments == model.catalog.header_comments
        assert text.locale == model.catalog.locale
        assert text.reviewed == sum(e.reviewed for e in model.catalog.entries)
        assert (text.counts, text.wants_memory) == (model.counts, model.wants_memory)
        assert offers(lazy, "p.po") == offers(old, "p.po")
        memory = options.get("memory")
        if memory is not None:  # the memory applied afterwards, as pass 2 of `tm update` does
            alone = update_page_text(lazy, fast, **{**options, "memory": None})  # type: ignore[arg-type]
            later = offer_lookups(alone, memory, threshold=options.get("threshold", 0.8),  # type: ignore[arg-type]
                                  where=options.get("where", ""))  # type: ignore[arg-type]
            assert (later.chunks, later.counts, later.reviewed) == (text.chunks, text.counts, text.reviewed)
            assert not later.wants_memory


SOURCES = ["Select **OK**.", "Install Visual Studio 2019 today.", "Install Visual Studio 2017 today.",
           'Run `dotnet "new"`.', "Two\nlines.", "", "Close the window."]


def page_of(pairs: list[tuple[str, str]], kind: str) -> Page:
    body = "".join(f'## <span data-ttu-id="b-{n}">{t}</span><span class="sxs-lookup"><span data-stu-id="b-{n}">'
                   f"{s}</span></span>\n\n" for n, (s, t) in enumerate(pairs))
    text = f"---\nms.translationtype: {kind}\nms.contentlocale: fr-FR\nms.lasthandoff: 02/04/2021\n---\n{body}"
    return parse_page("p.md", text).page


_entry = st.tuples(st.sampled_from(SOURCES), st.sampled_from(["", "MT", "Relu"]),
                   st.sampled_from(["mt", "reviewed", "human-fuzzy", "commented", "flagged", "noted", "obsolete",
                                    "vendor", "edited"]))


def entry_of(n: int, spec: tuple[str, str, str]) -> Entry:
    source, target, kind = spec
    entry = Entry(f"a-{n}", source, target, fuzzy=kind != "reviewed", notes=("paragraph",),
                  references=(f"p.md:{n}",))
    if kind == "human-fuzzy":
        entry.flags, entry.previous_source = (HUMAN_FLAG,), "Install Visual Studio 2015 today."
    elif kind == "commented":
        entry.comments = ("checked by Anne",)
    elif kind == "flagged":
        entry.flags = ("md-text",)
    elif kind == "noted":
        entry.notes = ("paragraph", f"{NOTE_PREFIX}reviewed translation of this source in x.po")
    elif kind in ("vendor", "edited"):  # the vendor digest recorded: of its msgstr, or of what a person changed
        note = f"machine translation (MT), handoff 09/24/2020{VENDOR_MARK}"
        entry.notes = ("paragraph", note + vendor_digest(target if kind == "vendor" else "MT d'origine"))
    elif kind == "obsolete":
        entry.obsolete, entry.notes, entry.references = True, (), ()
    return entry


@settings(derandomize=True, max_examples=400, deadline=None)
@given(st.lists(_entry, max_size=7), st.lists(st.tuples(st.sampled_from(SOURCES), st.sampled_from(["MT", "Neuf"])),
                                               max_size=7),
       st.sampled_from(["MT", "HT"]), st.booleans(), st.booleans())
def test_fast_update_is_the_model_update(specs: list[tuple[str, str, str]], pairs: list[tuple[str, str]], kind: str,
                                         with_memory: bool, drop_obsolete: bool) -> None:
    old = Catalog([entry_of(n, spec) for n, spec in enumerate(specs)], dict(HEADER), "fr-FR", "p.md",
                  ("Translators of p.md",))
    page = page_of(pairs or [("Close the window.", "Fermez.")], kind)
    memory = Memory([Offer("Close the window.", "Fermez (relu).", "x.po"),
                     Offer("Install Visual Studio 2016 today.", "Installez VS 2016 (relu).", "y.po")])
    assert_same(old, page, memory=memory if with_memory else None, drop_obsolete=drop_obsolete, where="p.po")


def test_every_sample_page_updates_the_same_both_ways() -> None:
    from helpers import DATA, SAMPLES

    pages = [p for root in (SAMPLES, DATA / "handoffs" / "new") for p in sorted(root.rglob("*.md"))]
    tried = 0
    for path in pages:
        page = load_page(path.name, path.read_bytes()).page
        fast = text_entries(page.relpath, page.text) if page.pairs else None
        if fast is None:
            continue
        old = page_to_catalog(page)
        for n, entry in enumerate(old.entries):
            if n % 3 == 0:
                entry.target, entry.fuzzy = f"Relu {entry.target}", False
        assert_same(old, page)
        tried += 1
    assert tried >= 5


@pytest.mark.corpus
def test_corpus_update_2020_12_to_2021_02_is_the_same_both_ways(corpus_repo: Path) -> None:
    """Every page of 2021-02 that the hot path takes, against its 2020-12 catalog with every 3rd entry reviewed,
    and the reviews of all of them as the memory."""
    old_catalogs: dict[str, Catalog] = {}
    n = 0
    for relpath, data in GitSource(corpus_repo, "sxs~1", ("docs",)).files():
        parsed = load_page(relpath, data)
        if parsed.page.pairs and not parsed.diagnostics:
            catalog = page_to_catalog(parsed.page)
            for entry in catalog.entries:
                n += 1
                if n % 3 == 0:
                    entry.target, entry.fuzzy = f"RELU {entry.target}", False
            old_catalogs[relpath] = catalog
    # The tree's memory, as `tm update` makes it: the reviews of every catalog, in tree order.
    memory = Memory(sorted((o for path, c in old_catalogs.items() for o in offers(c, path)), key=lambda o: o.where))
    compared = 0
    for relpath, data in GitSource(corpus_repo, "sxs", ("docs",)).files():
        old = old_catalogs.get(relpath)
        parsed = load_page(relpath, data)
        if old is None or parsed.diagnostics or text_entries(relpath, parsed.page.text, locale=old.locale) is None:
            continue
        assert_same(old, parsed.page, memory=memory, where=relpath)
        compared += 1
    assert compared > 12_000

"""A `DiffReport` as one self-contained HTML page: totals, a page index, and each changed segment side by side.

Within a changed segment the words that went away are `<del>` on the old side and the words that came
are `<ins>` on the new side, for the source and for the target, so a reviewer sees at a glance that only
"2017" became "2019". No scripts, fonts or images are fetched: the file can be mailed or archived as is.
`render_html` is pure; `tm.jobs.outputs` writes the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from difflib import SequenceMatcher
from html import escape

from tm.diff import CLASSES, Change, DiffReport, Kind, PageDiff, Segment

__all__ = ["render_html", "word_diff"]

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
_LABELS = {
    Kind.UNCHANGED: "unchanged", Kind.TARGET_CHANGED: "target changed", Kind.SOURCE_CHANGED: "source changed",
    Kind.ADDED: "added", Kind.REMOVED: "removed",
}

_CSS = """
:root { --ins: #d7f5dd; --ins-text: #0a5c1f; --del: #fbdada; --del-text: #8a1414; --line: #d9dce1; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d232b; }
header { padding: 12px 20px; border-bottom: 1px solid var(--line); background: #f6f8fa; }
header h1 { margin: 0 0 6px; font-size: 20px; }
.totals { border-collapse: collapse; }
.totals th, .totals td { padding: 2px 10px; border: 1px solid var(--line); text-align: right; }
.layout { display: grid; grid-template-columns: 300px 1fr; }
nav { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow: auto; padding: 10px 12px;
      border-right: 1px solid var(--line); font-size: 13px; }
nav ol { margin: 0; padding-left: 18px; }
nav a { color: #0b5cad; text-decoration: none; word-break: break-all; }
main { padding: 10px 20px; min-width: 0; }
section { margin-bottom: 28px; }
section h2 { font-size: 16px; margin: 12px 0 6px; word-break: break-all; }
.note { color: #57606a; font-weight: normal; font-size: 13px; }
table.segments { width: 100%; border-collapse: collapse; table-layout: fixed; }
.segments th { text-align: left; background: #f6f8fa; }
.segments th, .segments td { border: 1px solid var(--line); padding: 6px 8px; vertical-align: top;
                             overflow-wrap: anywhere; }
.segments col.kind { width: 120px; }
.src { margin-bottom: 4px; }
.tgt { color: #3b4450; }
.meta { color: #8b949e; font-size: 12px; }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 12px; white-space: nowrap; }
.b-target_changed { background: #fff1c2; } .b-source_changed { background: #dbe9ff; }
.b-added { background: var(--ins); } .b-removed { background: var(--del); }
ins { background: var(--ins); color: var(--ins-text); text-decoration: none; border-radius: 2px; }
del { background: var(--del); color: var(--del-text); border-radius: 2px; }
tr.added td.new, tr.removed td.old { background: #fbfcfd; }
"""


def word_diff(old: str, new: str) -> tuple[str, str]:
    """Both texts as HTML, the words only in `old` wrapped in `<del>`, those only in `new` in `<ins>`.

    >>> word_diff("Install Visual Studio 2017.", "Install Visual Studio 2019.")
    ('Install Visual Studio <del>2017</del>.', 'Install Visual Studio <ins>2019</ins>.')
    """
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    left: list[str] = []
    right: list[str] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(escape("".join(a[i1:i2])))
            right.append(escape("".join(b[j1:j2])))
            continue
        left.append(_marked("del", a[i1:i2]))
        right.append(_marked("ins", b[j1:j2]))
    return "".join(left), "".join(right)


def _marked(tag: str, tokens: list[str]) -> str:
    """`tokens` wrapped in `tag`, with the spaces at either end left outside so only words are marked."""
    text = "".join(tokens)
    core = text.strip()
    if not core:
        return escape(text)
    start = text.index(core)
    return f"{escape(text[:start])}<{tag}>{escape(core)}</{tag}>{escape(text[start + len(core):])}"


def render_html(report: DiffReport, *, title: str = "tm diff") -> str:
    """The whole report as an HTML5 document (UTF-8); only pages with changes get a section."""
    changed = [page for page in report.pages if page.changed or page.status != "same"]
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        f"<header>\n<h1>{escape(title)}</h1>\n", _totals(report, len(changed)), "</header>\n",
        "<div class=\"layout\">\n<nav aria-label=\"pages\">\n<ol>\n",
        *(_nav_item(n, page) for n, page in enumerate(changed, 1)),
        "</ol>\n</nav>\n<main>\n",
        *(chunk for n, page in enumerate(changed, 1) for chunk in _section(n, page)),
        "" if changed else "<p>No changes.</p>\n",
        "</main>\n</div>\n</body>\n</html>\n",
    ]
    return "".join(parts)


def _totals(report: DiffReport, pages_changed: int) -> str:
    totals = report.totals
    heads = "".join(f"<th>{escape(_LABELS[Kind(c)])}</th>" for c in CLASSES)
    cells = "".join(f"<td>{totals[c]:,}</td>" for c in CLASSES)
    summary = (f"{pages_changed:,} pages changed; {len(report.pages_added):,} added, "
               f"{len(report.pages_removed):,} removed, {len(report.pages_renamed):,} renamed; "
               f"{totals['words_added']:,} source words added, {totals['words_changed']:,} changed.")
    return (f"<table class=\"totals\"><tr>{heads}</tr><tr>{cells}</tr></table>\n"
            f"<p class=\"note\">{escape(summary)}</p>\n")


def _badges(page: PageDiff) -> str:
    return " ".join(f"<span class=\"badge b-{c}\" title=\"{escape(_LABELS[Kind(c)])}\">{page.counts[c]}</span>"
                    for c in CLASSES[1:] if page.counts.get(c))


def _nav_item(n: int, page: PageDiff) -> str:
    return f"<li><a href=\"#p{n}\">{escape(page.relpath)}</a> {_badges(page)}</li>\n"


def _section(n: int, page: PageDiff) -> Iterator[str]:
    status = {"added": "new page", "removed": "removed page",
              "renamed": f"renamed from {page.old_relpath}"}.get(page.status, "")
    note = f"{page.counts.get('unchanged', 0):,} unchanged" + (f"; {status}" if status else "")
    yield (f"<section id=\"p{n}\">\n<h2>{escape(page.relpath)} <span class=\"note\">({escape(note)})</span> "
           f"{_badges(page)}</h2>\n")
    yield ("<table class=\"segments\"><colgroup><col class=\"kind\"><col><col></colgroup>\n"
           "<thead><tr><th>change</th><th>old</th><th>new</th></tr></thead>\n<tbody>\n")
    for change in page.changes:
        yield _row(change, page.locale)
    yield "</tbody></table>\n</section>\n"


def _row(change: Change, locale: str) -> str:
    before, after = change.old, change.new
    old_source, new_source = word_diff(before.source if before else "", after.source if after else "")
    old_target, new_target = word_diff(before.target if before else "", after.target if after else "")
    score = f"<div class=\"meta\">similarity {change.score:.2f}</div>" if change.kind is Kind.SOURCE_CHANGED else ""
    return (f"<tr class=\"{change.kind.value}\"><td><span class=\"badge b-{change.kind.value}\">"
            f"{escape(_LABELS[change.kind])}</span>{score}</td>\n<td class=\"old\">{_cell(before, old_source, old_target, locale)}</td>\n"
            f"<td class=\"new\">{_cell(after, new_source, new_target, locale)}</td></tr>\n")


def _cell(segment: Segment | None, source: str, target: str, locale: str) -> str:
    if segment is None:
        return ""
    lang = f" lang=\"{escape(locale)}\"" if locale else ""
    return (f"<div class=\"src\" lang=\"en\">{source}</div><div class=\"tgt\"{lang}>{target}</div>"
            f"<div class=\"meta\">{escape(segment.id)} · line {segment.line}</div>")

"""Rules for names the docs write without code spans: escaped `\\<element>` names and dotted names such as
`MSCorEE.h`, `System.IO` or `Main()`, which MT splits, translates or respaces.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from tm.checks.markdown import code_spans, scan
from tm.checks.registry import Level, difference, rule, same

__all__ = ["escaped_tag", "plain_name"]

_ESCAPED_TAG = re.compile(r"\\<(?=[A-Za-z_/*])(?:[^<>\n\\]|\\(?!<))*>?")


@rule("escaped-tag", code="TM221", level=Level.ERROR, needs=("\\<",))
def escaped_tag(source: str, target: str) -> Iterator[str]:
    """Escaped angle-bracket names of the docs (`\\<add>`, `\\<namedCaches>`, `\\<user\\>`) must be kept as written.

    They name XML elements and placeholders, shown with their brackets because the `\\` keeps them from being
    tags. MT drops them, translates the name, spaces the bracket (`\\<Order >`) or loses the closing `>`; with
    the `\\` lost the name becomes a tag that the page does not show. Code spans are not looked at, nor
    operators such as `\\<=`.
    """
    src = [m.group() for m in _ESCAPED_TAG.finditer(code_spans(source)[1])]
    tgt = [m.group() for m in _ESCAPED_TAG.finditer(code_spans(target)[1])]
    if same(src, tgt):
        return
    unclosed = [tag for tag in tgt if not tag.endswith(">")]
    for tag in unclosed[sum(not tag.endswith(">") for tag in src) :]:
        yield f"escaped tag not closed: {tag[:30].rstrip()}"
    yield from difference("escaped tag", (t for t in src if t.endswith(">")), (t for t in tgt if t.endswith(">")))


# A dot with a word character before it and a letter after it; the literal first makes the search quick.
_INNER_DOT = re.compile(r"\.(?<=[\w-]\.)(?=[A-Za-z_])")
_DOTTED_NAME = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+")
_CALL = re.compile(r"(?<![\w.@/\\\x1a-])[A-Za-z_][\w.]*\(\)")
# An option starts the text or follows a space or `(`, itself or after emphasis that opens (`**-all**`); after
# emphasis that closes (`**Application**-scope`, `*immutable*--the`) a hyphen makes a compound or a dash.
_OPTION = re.compile(r"(?:(?<![^\s(])|(?<![^\s(\[])[*_]{1,2})(--?[a-z][a-z-]*[a-z])(?![\w-])")
_ABBREVIATION = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")
# Two sentences of the source with the space after the full stop missing (`model.This is`): a typo the
# translation fixes, not a name.
_MISSING_SPACE = re.compile(
    r"[a-z]+\.(?:This|The|These|There|Then|It|Its|In|If|For|To|You|We|They|Once|Each|When|After|Before|See|Use|"
    r"Also|Now|Here|As|On|Or|And|A|An)"
)


_RUN_END = re.compile(r"[^\s<>()\[\]]*")
_RUN_STOPS = frozenset(" \t\n\r\xa0<>()[]")
_URLS = ("http://", "https://", "ftp://", "www.")


def _may_name(source: str, target: str) -> bool:
    """False when the source has no `()`, no dash that could start an option, and no dot inside a word but
    in code, `<xref:…>`, `<https://…>`, link targets and URLs, where `plain-name` finds no name: most sources
    with dots have them only there (`<xref:System.String>`), and this spares parsing them."""
    if "()" in source or _may_have_option(source):
        return True
    if _INNER_DOT.search(source) is None:
        return False
    text = code_spans(source)[1]
    done = 0
    for dot in _INNER_DOT.finditer(text):
        if dot.start() < done:
            continue
        start = dot.start()
        while start and text[start - 1] not in _RUN_STOPS:
            start -= 1
        end = _RUN_END.match(text, dot.end())
        done = end.end() if end else dot.end()  # it matches the empty string, so always
        run, closer = text[start:done], text[done : done + 1]
        if not (run.startswith(_URLS)
                or (closer == ">" and text[start - 1 : start] == "<" and (run.startswith("xref:") or "://" in run))
                or (closer == ")" and text[start - 2 : start] == "](")):
            return True
    return False


@rule("plain-name", code="TM223", level=Level.WARNING, needs=(".", "()", "-"), gate=_may_name)
def plain_name(source: str, target: str) -> Iterator[str]:
    """Names written without backticks must be kept: `MSCorEE.h`, `global.json`, `System.IO`, `Main()`, `-all`.

    MT splits them at the dot (`Fusion. h`, `MainWindow. xaml. vb`), translates a part (`appsettings.jssur`),
    changes case (`ASP.net`, `-All`) or spaces a call (`Dispose ()`). Abbreviations (`e.g.`, `U.S.`) are no
    names; code spans, links and URLs are compared by their own rules.
    """
    names = _plain_names(source)
    if not names:
        return
    prose = scan(target).prose
    for name, count in Counter(names).items():
        if _occurrences(prose, name) < count:
            yield f"name not kept: {name}"


@lru_cache(maxsize=1024)
def _plain_names(source: str) -> tuple[str, ...]:
    """The names `plain-name` compares, found from each dot between two word characters (most dots end a
    sentence), then calls and options where the text has `()` or a dash (cached: boilerplate sources recur)."""
    prose = scan(source).prose
    names: list[str] = []
    end = 0
    for dot in _INNER_DOT.finditer(prose):
        at = dot.start()
        if at < end:
            continue
        start = at - 1
        while start and (prose[start - 1].isalnum() or prose[start - 1] in "_-"):
            start -= 1
        match = _DOTTED_NAME.match(prose, start)
        end = match.end() if match else at + 1
        before, after = prose[start - 1 : start], prose[end : end + 2]
        if (match and not (before.isalnum() or before in "_.@/\\\x1a-" and before)
                and not (after[:1].isalnum() or after[:1] in "_@/\\-" and after[:1])
                and not (after[:1] == "." and after[1:].isalnum())
                and not _ABBREVIATION.fullmatch(match.group())
                and not _MISSING_SPACE.fullmatch(match.group())):
            names.append(match.group())
    if "()" in prose:
        names += _CALL.findall(prose)
    if _may_have_option(prose):
        names += _OPTION.findall(prose)
    return tuple(names)


_DASH_AFTER_SPACE = re.compile(r"(?:^|[\s(*_])-")


def _may_have_option(text: str) -> bool:
    """False when `text` has no dash that could start a command-line option (`-all`, `--filter`)."""
    return "-" in text and _DASH_AFTER_SPACE.search(text) is not None


def _occurrences(text: str, name: str) -> int:
    """How often `name` stands in `text` as a whole name; a hyphen may follow (`appsettings.json-Datei`)."""
    count, at = 0, text.find(name)
    while at >= 0:
        end = at + len(name)
        before = text[at - 1] if at else " "
        after = text[end : end + 2]
        if not (before.isalnum() or before in "._") and not (after[:1].isalnum() or after[:1] == "_"
                                                              or (after[:1] == "." and after[1:].isalnum())):
            count += 1
        at = text.find(name, at + 1)
    return count

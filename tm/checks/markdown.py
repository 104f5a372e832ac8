"""Take an inline Markdown fragment apart just enough for the checks; private to `tm.checks`.

The checks compare what must survive translation untouched (code spans, link targets, `<xref:…>` ids, HTML tags,
entities, placeholders) and count what must stay balanced (emphasis markers). `scan(text)` does that work once per
text and caches it, because every rule looks at the same two texts one after the other; a text without the
character that starts a construct (`` ` ``, `](`, `<`, `&`, `://`, `[!`) never reaches that construct's regex.

Each construct found is masked in `Inline.prose` with `MASK`, so that what is left is the words a translator
changes: a URL's `_` is not emphasis and a version in an xref id is not a number of the sentence.

This is not a CommonMark parser. It follows CommonMark where MT output breaks things (code spans pair backtick
runs of equal length; a bare URL drops trailing punctuation and an unbalanced `)`, as GFM autolinks do) and is
simpler elsewhere (link texts nest brackets two levels deep, reference links are ignored).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

__all__ = ["MASK", "Inline", "Link", "code_spans", "escaped", "scan", "strip_bare_url"]

MASK = "\x1a"
"""Stands in `Inline.prose` for a masked construct (SUB, which never occurs in real text)."""

_TICKS = re.compile(r"`+")
_BRACKETS = r"(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*\])*"
_DEST = r"<[^<>\n]*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*"
_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>" + _BRACKETS + r")\]\(\s*(?P<dest>" + _DEST + r")"
    r"""(?:\s+(?:"[^"]*"|'[^']*'|\([^()]*\)))?\s*\)"""
)
_EXTENSION = re.compile(
    r"\[!(?P<name>(?i:include|note|tip|important|caution|warning|video|div|code(?:-[\w+#.-]+)?))\b"
    r"(?P<rest>" + _BRACKETS + r")\]"
    r"|:::(?:[^:\n]|:(?!::))+:::"
)
_ATTRIBUTE = r"""\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""
_ANGLE = re.compile(
    r"<(?P<autolink>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>"
    r"|(?<!\\)(?P<tag><[A-Za-z][A-Za-z0-9-]*(?:" + _ATTRIBUTE + r")*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>|<!--.*?-->)",
    re.DOTALL,
)
_TAG_SPACE = re.compile(r"\s*=\s*|\s+")
_BARE_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"\[\]\x1a]+|\bwww\.[A-Za-z0-9-]+\.[^\s<>\"\[\]\x1a]+")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_URL_TRAILING = ".,:;!?*_~'\""


@dataclass(frozen=True, slots=True)
class Link:
    """An inline link or image: `[text](dest)` or `![text](dest)`; `text` has code spans masked."""

    text: str
    dest: str
    image: bool


class Inline(NamedTuple):
    """What the checks need of one text; `prose` is the text with every construct below replaced by `MASK`.

    `links` holds inline links, images and autolinks (`<https://…>`); `urls` the bare URLs of the text.
    """

    code: tuple[str, ...] = ()
    stray_ticks: int = 0
    links: tuple[Link, ...] = ()
    urls: tuple[str, ...] = ()
    xrefs: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    prose: str = ""


@lru_cache(maxsize=64)
def code_spans(text: str) -> tuple[tuple[str, ...], str]:
    """The contents of the code spans of `text` in order, and `text` with each span replaced by `MASK`.

    A run of n backticks opens a span closed by the next run of exactly n backticks; a run with no closer is
    literal, which is what MT output with a lost space looks like:

    >>> code_spans("the `async` `Main` method")
    (('async', 'Main'), 'the \\x1a \\x1a method')
    >>> code_spans("la `async``Main`méthode`")
    (('async``Main',), 'la \\x1améthode`')
    """
    if "`" not in text:
        return (), text
    if "``" not in text and "\\`" not in text:
        return _single_tick_spans(text)
    return _tick_run_spans(text)


def _tick_run_spans(text: str) -> tuple[tuple[str, ...], str]:
    """`code_spans` by CommonMark's rule, for any text: pair each backtick run with the next run as long."""
    runs = [m.span() for m in _TICKS.finditer(text)]
    spans: list[str] = []
    out: list[str] = []
    done = i = 0
    while i < len(runs):
        start, end = runs[i]
        i += 1
        if escaped(text, start):
            start += 1
        width = end - start
        close = next((j for j in range(i, len(runs)) if runs[j][1] - runs[j][0] == width), -1) if width else -1
        if close < 0:
            continue
        spans.append(_code_content(text[end : runs[close][0]]))
        out.append(text[done:start])
        out.append(MASK)
        done = runs[close][1]
        i = close + 1
    if not spans:
        return (), text
    out.append(text[done:])
    return tuple(spans), "".join(out)


def escaped(text: str, pos: int) -> bool:
    """True when the character at `pos` follows an odd number of backslashes (outside code, a `\\` escapes)."""
    count = 0
    while pos > count and text[pos - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _single_tick_spans(text: str) -> tuple[tuple[str, ...], str]:
    """`code_spans` for the common text whose backticks are all single and unescaped: they pair in turn, and a
    last odd one is literal. Splitting is several times faster than scanning runs."""
    parts = text.split("`")
    spans = parts[1:-1:2]
    if not spans:
        return (), text
    if len(parts) % 2:
        prose = MASK.join(parts[0::2])
    else:
        prose = MASK.join(parts[0:-1:2]) + "`" + parts[-1]
    return tuple(_code_content(span) for span in spans), prose


def _code_content(raw: str) -> str:
    """CommonMark's normalisation: line endings become spaces, one space each side is dropped."""
    if "\n" in raw:
        raw = raw.replace("\r\n", " ").replace("\n", " ")
    if len(raw) > 2 and raw[0] == " " and raw[-1] == " " and raw.strip(" "):
        return raw[1:-1]
    return raw


def strip_bare_url(url: str) -> str:
    """A bare URL without the punctuation that ends the sentence around it, as GFM autolinks do.

    >>> strip_bare_url("https://example.com/a_(b)).")
    'https://example.com/a_(b)'
    """
    while url:
        last = url[-1]
        if last not in _URL_TRAILING and (last != ")" or url.count(")") <= url.count("(")):
            break
        url = url[:-1]
    return url


@lru_cache(maxsize=64)
def scan(text: str) -> Inline:
    """Everything the checks compare in `text`, found once (cached: the rules ask for the same texts in turn).

    >>> i = scan("See [the docs](https://x.org/a_(b)) and <xref:System.String>, `a_b` *now*.")
    >>> i.code, i.links[0].dest, i.xrefs, i.prose
    (('a_b',), 'https://x.org/a_(b)', ('System.String',), 'See [the docs]\\x1a and \\x1a, \\x1a *now*.')
    """
    code, rest = code_spans(text)
    stray = rest.count("`") if code or "`" in rest else 0
    if (
        "[" not in rest
        and "<" not in rest
        and "&" not in rest
        and "://" not in rest
        and "www." not in rest
        and ":::" not in rest
    ):
        return Inline(code, stray, (), (), (), (), (), (), rest)
    found: dict[str, list[str]] = {"url": [], "xref": [], "ext": [], "tag": [], "entity": []}
    links: list[Link] = []
    if "[!" in rest or ":::" in rest:
        rest = _EXTENSION.sub(lambda m: _keep(found["ext"], _extension_key(m)), rest)
    if "](" in rest:
        rest = _mask_links(rest, links)
    if "<" in rest:
        rest = _ANGLE.sub(lambda m: _angle(found, links, m), rest)
    if "://" in rest or "www." in rest:
        rest = _BARE_URL.sub(lambda m: _bare_url(found["url"], m), rest)
    if "&" in rest:
        rest = _ENTITY.sub(lambda m: _keep(found["entity"], m.group()), rest)
    return Inline(
        code,
        stray,
        tuple(links),
        tuple(found["url"]),
        tuple(found["xref"]),
        tuple(found["ext"]),
        tuple(found["tag"]),
        tuple(found["entity"]),
        rest,
    )


def _keep(found: list[str], value: str) -> str:
    found.append(value)
    return MASK


def _extension_key(match: re.Match[str]) -> str:
    """`[!INCLUDE [name](path)]` is known by its path (the name is free text); `[!NOTE]` by its whole self."""
    name = match.group("name")
    if name is None:
        return match.group()
    inner = _LINK.search(match.group("rest"))
    if inner is not None:
        return f"[!{name.upper()} ({inner.group('dest').strip('<>')})]"
    return f"[!{name.upper()}{match.group('rest')}]"


def _mask_links(text: str, links: list[Link]) -> str:
    """Mask each link's destination (keeping `[text]`, which is prose) and record the link; images inside
    link texts (`[![alt](img)](url)`) are recorded too."""

    def one(match: re.Match[str]) -> str:
        inner = match.group("text")
        if "](" in inner:
            inner = _mask_links(inner, links)
        links.append(Link(inner, match.group("dest").strip("<>"), bool(match.group("bang"))))
        return f"{match.group('bang')}[{inner}]{MASK}"

    return _LINK.sub(one, text)


def _angle(found: dict[str, list[str]], links: list[Link], match: re.Match[str]) -> str:
    autolink = match.group("autolink")
    if autolink is None:
        return _keep(found["tag"], _normal_tag(match.group("tag")))
    if autolink[:5].lower() == "xref:":
        return _keep(found["xref"], autolink[5:])
    links.append(Link(autolink, autolink, False))
    return MASK


def _normal_tag(tag: str) -> str:
    """`<br/>`, `<br />` and `<br>` are one tag to a reader, as are `<a name = "x">` and `<a name="x">`."""
    if tag.startswith("<!--"):
        return tag
    if tag.endswith("/>"):
        tag = tag[:-2] + ">"
    return _TAG_SPACE.sub(lambda m: "=" if "=" in m.group() else " ", tag).replace(" >", ">")


def _bare_url(found: list[str], match: re.Match[str]) -> str:
    url = strip_bare_url(match.group())
    found.append(url)
    return MASK + match.group()[len(url) :]

"""Front matter of a handoff page: the `ms.*` fields the vendor writes, read without a YAML library.

Handoff metadata is flat `key: value` lines; a full YAML parser would be slower and would lose the exact
text, which we never rewrite anyway. Nested blocks (`metadata:` in `.yml` pages) are flattened: the first
occurrence of a key wins.
"""

from __future__ import annotations

import re

# `key: value` on one line, maybe indented or a list item (`- key: value`): one regex call per page.
_FIELD = re.compile(r"^[^\S\n]*(?:- [^\S\n]*)?([A-Za-z_][\w.-]*)[^\S\n]*:(.*)", re.MULTILINE)


def front_matter_end(text: str, *, yaml_page: bool) -> int:
    """Offset where the YAML part of a page ends: the whole text for `.yml` pages, else after the closing `---`.

    >>> front_matter_end("---\\na: 1\\n---\\nBody", yaml_page=False), front_matter_end("Body", yaml_page=False)
    (13, 0)
    """
    if yaml_page:
        return len(text)
    if not text.startswith("---"):
        return 0
    first = text.find("\n")
    if first < 0 or text[3:first].strip():
        return 0
    pos = first
    while True:
        pos = text.find("\n---", pos)
        if pos < 0:
            return 0
        end = text.find("\n", pos + 4)
        end = len(text) if end < 0 else end + 1
        if not text[pos + 4 : end].strip():
            return end
        pos += 4


def read_meta(text: str, *, yaml_page: bool, end: int | None = None) -> dict[str, str]:
    """The scalar fields of the front matter (or of the whole `.yml` page), quotes removed.

    >>> read_meta('---\\nms.contentlocale: fr-fr\\nms.locfileid: "90558072"\\n---\\n# T', yaml_page=False)
    {'ms.contentlocale': 'fr-fr', 'ms.locfileid': '90558072'}
    """
    if end is None:
        end = front_matter_end(text, yaml_page=yaml_page)
    meta: dict[str, str] = {}
    for key, value in _FIELD.findall(text, 0, end):
        if key in meta:
            continue
        value = value.strip()
        if not value or value in ("|", ">", "|-", ">-"):
            continue
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        meta[key] = value
    return meta

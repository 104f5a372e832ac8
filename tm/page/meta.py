"""Front matter of a handoff page: the `ms.*` fields the vendor writes, read without a YAML library.

Handoff metadata is flat `key: value` lines; a full YAML parser would be slower and would lose the exact
text, which we never rewrite anyway. Nested blocks (`metadata:` in `.yml` pages) are flattened: the first
occurrence of a key wins.
"""

from __future__ import annotations

import re

_FRONT = re.compile(r"---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_FIELD = re.compile(r"^[ \t]*(?:- )?([A-Za-z_][\w.-]*)[ \t]*:[ \t]*(.*?)[ \t]*\r?$", re.M)


def front_matter_end(text: str, *, yaml_page: bool) -> int:
    """Offset where the YAML part of a page ends: the whole text for `.yml` pages, else after the closing `---`."""
    if yaml_page:
        return len(text)
    match = _FRONT.match(text)
    return match.end() if match else 0


def read_meta(text: str, *, yaml_page: bool) -> dict[str, str]:
    """The scalar fields of the front matter (or of the whole `.yml` page), quotes removed.

    >>> read_meta('---\\nms.contentlocale: fr-fr\\nms.locfileid: "90558072"\\n---\\n# T', yaml_page=False)
    {'ms.contentlocale': 'fr-fr', 'ms.locfileid': '90558072'}
    """
    end = front_matter_end(text, yaml_page=yaml_page)
    meta: dict[str, str] = {}
    for match in _FIELD.finditer(text, 0, end):
        key, value = match.group(1), match.group(2)
        if key in meta or not value or value in ("|", ">", "|-", ">-"):
            continue
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        meta[key] = value
    return meta

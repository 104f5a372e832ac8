"""The schemas of the XML formats (XLIFF 1.2 strict, XLIFF 2.0 core, TMX 1.4 DTD), loaded offline from tests/data.

The files are verbatim copies shipped with the tests (see tests/data/schemas/README.md), so schema tests never
skip for want of `../shared`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from helpers import SCHEMAS
from lxml import etree

# The schema of each XML adapter, by adapter name.
SCHEMA_FILES = {"xliff": "xliff-core-1.2-strict.xsd", "xliff2": "xliff_core_2.0.xsd", "tmx": "tmx14.dtd"}


class _LocalXmlXsd(etree.Resolver):  # type: ignore[misc]
    """The XLIFF schemas import W3C's xml.xsd by URL; serve the local copy (tests run offline)."""

    def resolve(self, url: str, pubid: str, context: object) -> object:
        if url.startswith(("http://www.w3.org/", "https://www.w3.org/")) and url.endswith("/xml.xsd"):
            return self.resolve_filename(str(SCHEMAS / "xml.xsd"), context)
        return None


def load_xsd(name: str) -> etree.XMLSchema:
    """The XML schema `tests/data/schemas/<name>`, its import of xml.xsd served locally."""
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalXmlXsd())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), parser))


@cache
def validator(format_name: str) -> Any:
    """The lxml validator (`XMLSchema` or `DTD`) of an XML adapter (`xliff`, `xliff2`, `tmx`), parsed once."""
    name = SCHEMA_FILES[format_name]
    return etree.DTD(str(SCHEMAS / name)) if name.endswith(".dtd") else load_xsd(name)


def errors(format_name: str, data: bytes) -> list[str]:
    """The first schema errors of `data` for the adapter's schema; [] when it is valid."""
    check = validator(format_name)
    document = etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False, huge_tree=True))
    if check.validate(document):
        return []
    return [str(e) for e in check.error_log.filter_from_errors()[:5]]

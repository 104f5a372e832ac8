"""The update stamp: how `tm update` knows a catalog needs no work, without parsing it or its page.

A PO catalog written by an update carries `X-Tm-Update: <page digest> <entries digest> <reviewed entries>`
in its header. The page digest covers the page's bytes, the version of tm and the update's options; the
entries digest covers every byte after the header. When both match, the page is byte for byte the one the
catalog was updated against and nobody touched its entries since: updating it again would give the same
catalog, so neither file is parsed. The catalog of a page that left the handoff is stamped with the digest
of an empty page. Other formats are not stamped (they are always updated).
"""

from __future__ import annotations

import hashlib
import os
import re
from itertools import islice

from tm._version import __version__
from tm.formats import for_path, po
from tm.model import Catalog

__all__ = ["STAMP", "digest", "encode", "options_key", "page_stamp", "stamped", "stamped_po", "untouched"]

STAMP = "X-Tm-Update"
_STAMP_LINE = f'"{STAMP}: '.encode()
_STAMP = re.compile(b"^" + _STAMP_LINE + rb'([0-9a-f]+) ([0-9a-f]+) ([0-9]+)\\n"$', re.MULTILINE)


def digest(data: bytes, more: bytes = b"") -> str:
    """128 bits of SHA-256 of `data` + `more` (fed one after the other: the page is not copied). SHA-256
    rather than blake2b: OpenSSL's runs on the CPU's SHA instructions where they exist."""
    found = hashlib.sha256(data)
    if more:
        found.update(more)
    return found.hexdigest()[:32]


def options_key(*, threshold: float, drop_obsolete: bool) -> str:
    """This tm and the update's options: what a stamp follows from besides the page."""
    return f"{__version__} {threshold} {drop_obsolete}"


def page_stamp(page: bytes, *, threshold: float, drop_obsolete: bool) -> str:
    """What an updated catalog follows from: the page's bytes, this tm and the update's options."""
    return digest(page, b"\0" + options_key(threshold=threshold, drop_obsolete=drop_obsolete).encode())


def stamped(raw: bytes, stamp: str) -> int | None:
    """The reviewed entries of a catalog (its bytes `raw`) left as an update for the page of `stamp` wrote
    it, else None. A catalog an editor saved with CRLF line ends or a BOM is checked as the update wrote it
    (`po.plain_layout`): its update writes it back in that layout."""
    return _intact(raw, stamp)


def untouched(raw: bytes) -> int | None:
    """The reviewed entries of a catalog an update stamped and nobody touched since (whatever page it was
    updated for), else None: `stamped` without the page."""
    return _intact(raw, None)


def _intact(raw: bytes, stamp: str | None) -> int | None:
    """The reviewed entries the stamp of `raw` records when its entries digest holds (and its page stamp is
    `stamp`, unless None: checked first, so a catalog of a changed page is not hashed), else None."""
    if raw[:1] == b"\xef" or raw.find(b"\r\n", 0, raw.find(b"\n") + 1) >= 0:
        raw = po.plain_layout(raw)
    cut = raw.find(b"\n\n")
    if cut < 0 or raw.find(_STAMP_LINE, 0, cut) < 0:  # never updated (say, as extracted): no regex search
        return None
    found = _STAMP.search(raw, 0, cut + 1)
    if found is None or (stamp is not None and found.group(1).decode() != stamp) \
            or digest(raw[cut + 1:]) != found.group(2).decode():
        return None
    return int(found.group(3))


def stamped_po(header: dict[str, str], comments: tuple[str, ...], body: str, reviewed: int, stamp: str) -> bytes:
    """A PO catalog's bytes: the header with its stamp (which digests `body`), then `body`, in the charset the
    header declares (`po.encoding`)."""
    header, codec = po.encoding(header, body, comments)
    data = body.encode(codec)
    with_stamp = {**header, STAMP: f"{stamp} {digest(data)} {reviewed}"}
    return po.header_text(Catalog([], with_stamp, header_comments=comments)).encode(codec) + data


def encode(path: str, catalog: Catalog, stamp: str) -> bytes:
    """The bytes of the catalog file `path`; a PO file gets its stamp (none when `stamp` is empty)."""
    adapter = for_path(os.path.basename(path)) or po
    if adapter is not po or not stamp:
        data: bytes = adapter.write(catalog)
        return data
    body = "".join(islice(po.generate(Catalog(catalog.entries)), 1, None))
    reviewed = sum(1 for e in catalog.entries if e.reviewed)
    return stamped_po(catalog.header, catalog.header_comments, body, reviewed, stamp)

"""MARCXML (MARC 21 slim) of the record :mod:`._marc_record` builds, written by pymarc.

One record exports as a ``<collection>`` of one; :func:`write_collection` streams many into one file.
Nothing is invented: no 003 (no MARC organization code is known), no 005 (no clock), and 008 positions that the
record cannot fill are fill characters (``|``). MARCXML has no length limit: a record too long for ISO 2709
(see :mod:`.marc21`) is still written here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from lxml import etree

from .._constants import XML_HEAD, XSI
from ._base import Exporter, Record
from ._marc_record import marc_language, to_marc

MARC = "http://www.loc.gov/MARC21/slim"
SCHEMA_LOCATION = f"{MARC} http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
_LEADER, _CONTROL, _DATA, _SUBFIELD = (f"{{{MARC}}}{name}"
                                       for name in ("leader", "controlfield", "datafield", "subfield"))


def record_element(record: Record) -> etree._Element:
    """The ``marc:record`` element (an lxml element) for a record: what pymarc's ``record_to_xml`` writes, built
    directly (no serialising and parsing again)."""
    marc = to_marc(record)
    # lxml-stubs types nsmap keys as str; lxml takes None for the default namespace
    root = etree.Element(f"{{{MARC}}}record", nsmap={None: MARC, "xsi": XSI})  # type: ignore[dict-item]
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    sub = etree.SubElement
    sub(root, _LEADER).text = str(marc.leader)
    for field in marc.fields:
        if field.control_field:
            sub(root, _CONTROL, tag=field.tag).text = field.data
            continue
        first, second = field.indicators or "  "  # pymarc types them optional; data fields always have them
        element = sub(root, _DATA, ind1=first, ind2=second, tag=field.tag)
        for subfield in field.subfields:
            sub(element, _SUBFIELD, code=subfield.code).text = subfield.value
    return root


_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;",
                            "\t": "&#9;"})
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_OPEN = f'<record xmlns="{MARC}" xmlns:xsi="{XSI}" xsi:schemaLocation="{SCHEMA_LOCATION}">'


def _element(name: str, attributes: str, text: str | None) -> str:
    return f"<{name}{attributes}/>" if text is None else f"<{name}{attributes}>{text.translate(_TEXT)}</{name}>"


def record_bytes(record: Record) -> bytes:
    """The bytes lxml writes for :func:`record_element` (UTF-8, no declaration), written as text: a third of
    the time, byte for byte the same. Text XML cannot hold falls back to lxml, which refuses it as before."""
    marc = to_marc(record)
    parts = [_OPEN, _element("leader", "", str(marc.leader))]
    for field in marc.fields:
        tag = field.tag.translate(_ATTRIBUTE)
        if field.control_field:
            parts.append(_element("controlfield", f' tag="{tag}"', field.data))
            continue
        first, second = field.indicators or "  "
        head = f'<datafield ind1="{first.translate(_ATTRIBUTE)}" ind2="{second.translate(_ATTRIBUTE)}" tag="{tag}"'
        if not field.subfields:
            parts.append(head + "/>")
            continue
        parts.append(head + ">")
        parts += [_element("subfield", f' code="{sub.code.translate(_ATTRIBUTE)}"', sub.value)
                  for sub in field.subfields]
        parts.append("</datafield>")
    parts.append("</record>")
    text = "".join(parts)
    if _NOT_XML.search(text):
        return etree.tostring(record_element(record), encoding="UTF-8")
    return text.encode("utf-8")


COLLECTION_HEAD = XML_HEAD + f'<marc:collection xmlns:marc="{MARC}">\n'.encode()
COLLECTION_TAIL = b"</marc:collection>\n"


def collection_entry(record: Record) -> bytes:
    """The bytes one record adds to a MARCXML ``<collection>``: the one writer of a collection's records, for one
    record's export, :func:`write_collection` and the ``marcxml-collection`` package (one machine or a cluster)."""
    # Not pymarc's XMLWriter: it writes other bytes for the same MARC records (no prefix on <collection>, no
    # schemaLocation on each record, no line breaks), and more slowly since record_bytes writes text
    # (benchmarks/marcxml_writer.py, 1000 records on a loaded 2-core machine: 436 records/s here, 281 with pymarc).
    return record_bytes(record) + b"\n"


@contextmanager
def collection_writer(stream: BinaryIO) -> Iterator[Callable[[Record], None]]:
    """Stream a MARCXML ``<collection>``: ``with collection_writer(f) as add: add(record)``; closed on exit."""
    def add(record: Record) -> None:
        stream.write(collection_entry(record))

    stream.write(COLLECTION_HEAD)
    yield add
    stream.write(COLLECTION_TAIL)


def write_collection(records: Iterable[Record], stream: BinaryIO) -> int:
    """Write records as one MARCXML collection; returns how many."""
    count = 0
    with collection_writer(stream) as add:
        for record in records:
            add(record)
            count += 1
    return count


def export(record: Record) -> bytes:
    """A MARCXML collection holding this one record."""
    return COLLECTION_HEAD + collection_entry(record) + COLLECTION_TAIL


EXPORTER = Exporter(
    name="marcxml",
    extension=".marc.xml",
    media_type="application/marcxml+xml",
    description="MARC 21 slim XML (LoC DC-to-MARC crosswalk, typed subject headings), via pymarc",
    export=export,
)

__all__ = ["COLLECTION_HEAD", "COLLECTION_TAIL", "EXPORTER", "collection_entry", "collection_writer", "export",
           "marc_language", "record_bytes", "record_element", "to_marc", "write_collection"]

"""Binary MARC 21 (ISO 2709, UTF-8): the record catalogs batch-load, one ``<id>.mrc`` per record.

The record is the one MARCXML carries (notes already cut into fields of at most 9,999 bytes). ISO 2709 gives a
field's length four digits and a record's five, so a field that still passes 9,999 bytes (a title or a heading,
which cannot repeat) or a record that passes 99,999 bytes is an :class:`ExportError` naming the record, the
field and the size; nothing corrupt is written, and the record's MARCXML (which has no such limit) is unaffected.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from .._errors import ExportError
from ._base import Exporter, Record
from ._marc_record import FIELD_LIMIT, RECORD_LIMIT, to_marc


def export(record: Record) -> bytes:
    """The record as one ISO 2709 record; ExportError when it cannot fit the format's length fields."""
    marc = to_marc(record)
    for field in marc.fields:
        size = len(field.as_marc(encoding="utf-8"))
        if size > FIELD_LIMIT:
            raise ExportError(f"record {record['id']!r}: field {field.tag} is {size:,} bytes; MARC 21 (ISO 2709) "
                              f"allows {FIELD_LIMIT:,} and a {field.tag} cannot be split (MARCXML has no such limit)")
    data = marc.as_marc()
    if len(data) > RECORD_LIMIT:
        raise ExportError(f"record {record['id']!r} is {len(data):,} bytes as MARC 21 (ISO 2709), over the format's "
                          f"limit of {RECORD_LIMIT:,} bytes (MARCXML has no such limit)")
    return data


def write_collection(records: Iterable[Record], stream: BinaryIO) -> int:
    """Write records one after another as an ISO 2709 file (``.mrc``); returns how many."""
    count = 0
    for record in records:
        stream.write(export(record))
        count += 1
    return count


EXPORTER = Exporter(
    name="marc21",
    extension=".mrc",
    media_type="application/marc",
    description="binary MARC 21 (ISO 2709, UTF-8): the MARCXML record for catalogs' batch loaders",
    export=export,
)

__all__ = ["EXPORTER", "export", "write_collection"]

"""``marc21-collection`` and ``marcxml-collection``: every record of the batch in one file a catalog batch-loads,
``marc21-collection.mrc`` (ISO 2709 records one after another) or ``marcxml-collection.xml`` (one MARCXML
``<collection>``).

A record too long for ISO 2709 (see :mod:`archivist.exporters.marc21`) is left out of the ``.mrc`` file with a
warning naming it and its size; the MARCXML collection has no such limit. Each file is written to a temporary
name and renamed when the batch completes, so a failed run leaves no half-written collection. On a cluster, each
partition's entries are written by a worker and copied here in input order (the warnings come with them).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .._errors import ExportError
from ..exporters import marc21
from ..exporters.marcxml import COLLECTION_HEAD, COLLECTION_TAIL, collection_entry
from ._base import Record, Warn
from ._collection import Collection


class Marc21Collection(Collection):
    name = "marc21-collection"
    description = "every record as binary MARC 21 (ISO 2709) in one .mrc file"
    filename = "marc21-collection.mrc"

    @classmethod
    def entry(cls, record: Record, exports: Mapping[str, Path], warn: Warn) -> bytes:
        if "marc21" in exports:
            return exports["marc21"].read_bytes()
        try:
            return marc21.export(record)
        except ExportError as exc:
            warn(f"{cls.name}: {exc}; left out of {cls.filename}")
            return b""


class MarcxmlCollection(Collection):
    name = "marcxml-collection"
    description = "every record as MARCXML in one <collection> file"
    filename = "marcxml-collection.xml"
    head = COLLECTION_HEAD
    tail = COLLECTION_TAIL

    @classmethod
    def entry(cls, record: Record, exports: Mapping[str, Path], warn: Warn) -> bytes:
        return collection_entry(record)


__all__ = ["Marc21Collection", "MarcxmlCollection"]

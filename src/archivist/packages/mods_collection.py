"""``mods-collection``: every record of the batch as MODS 3.8 in one ``modsCollection`` file, beside the MARC
collections and built the same way (a temporary name renamed when the batch completes; parts joined in input order
on a cluster)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .._constants import XML_HEAD
from ..exporters.mods import COLLECTION_HEAD, COLLECTION_TAIL, collection_entry
from ._base import Record, Warn
from ._collection import Collection


class ModsCollection(Collection):
    name = "mods-collection"
    description = "every record as MODS 3.8 in one <modsCollection> file"
    filename = "mods-collection.xml"
    head = XML_HEAD + COLLECTION_HEAD
    tail = COLLECTION_TAIL

    @classmethod
    def entry(cls, record: Record, exports: Mapping[str, Path], warn: Warn) -> bytes:
        return collection_entry(record)


__all__ = ["ModsCollection"]

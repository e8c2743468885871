"""``marc21-collection`` and ``marcxml-collection``: every record of the batch in one file a catalog batch-loads,
``marc21-collection.mrc`` (ISO 2709 records one after another) or ``marcxml-collection.xml`` (one MARCXML
``<collection>``).

A record too long for ISO 2709 (see :mod:`archivist.exporters.marc21`) is left out of the ``.mrc`` file with a
warning naming it and its size; the MARCXML collection has no such limit. Each file is written to a temporary
name and renamed when the batch completes, so a failed run leaves no half-written collection. On a cluster, each
partition's entries are written by a worker and copied here in input order (the warnings come with them).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from .._errors import ExportError
from ..exporters import marc21
from ..exporters.marcxml import COLLECTION_HEAD, COLLECTION_TAIL, collection_entry
from ._base import Package, PackagePart, PackageSettings, Record, Warn


class _Collection(Package):
    """One file gathering every record: a head, one entry per record, a tail."""

    filename: ClassVar[str]
    head: ClassVar[bytes] = b""
    tail: ClassVar[bytes] = b""
    splits = True

    def __init__(self, root: Path, settings: PackageSettings) -> None:
        super().__init__(root, settings)
        self.target = self.root / self.filename
        self.root.mkdir(parents=True, exist_ok=True)
        fd, self._part = tempfile.mkstemp(prefix=f".{self.filename}.", suffix=".part", dir=self.root)
        os.chmod(self._part, 0o644)  # as the other outputs, not mkstemp's 0600
        self._stream: BinaryIO = os.fdopen(fd, "wb")
        self._stream.write(self.head)

    @classmethod
    def entry(cls, record: Record, exports: Mapping[str, Path], warn: Warn) -> bytes:
        """The bytes one record adds to the file (``warn`` is told why a record is left out)."""
        raise NotImplementedError

    def add(self, record: Record, exports: Mapping[str, Path], base: Path | None) -> None:
        self._stream.write(self.entry(record, exports, self.warn))

    @classmethod
    def part(cls, folder: Path, root: Path, settings: PackageSettings) -> PackagePart:
        return _CollectionPart(cls, folder, root, settings)

    def join(self, folder: Path, summary: Any) -> None:
        with open(folder / self.filename, "rb") as entries:
            shutil.copyfileobj(entries, self._stream, 1 << 20)
        for message in summary:  # what the part's records were warned about, said here in order
            self.warn(message)

    def finish(self) -> list[Path]:
        self._stream.write(self.tail)
        self._stream.close()
        os.replace(self._part, self.target)
        return [self.target]

    def abort(self) -> None:
        self._stream.close()
        if os.path.exists(self._part):
            os.unlink(self._part)


class _CollectionPart(PackagePart):
    """Some records' entries of a collection, one after another in a file named as the collection; close() gives
    the warnings their entries raised."""

    def __init__(self, collection: type[_Collection], folder: Path, root: Path, settings: PackageSettings) -> None:
        super().__init__(folder, root, settings)
        self.collection = collection
        self._stream = open(folder / collection.filename, "wb")  # noqa: SIM115 closed by close()
        self._warnings: list[str] = []

    def add(self, record: Record, exports: Mapping[str, Path], base: Path | None) -> None:
        self._stream.write(self.collection.entry(record, exports, self._warnings.append))

    def close(self) -> list[str]:
        self._stream.close()
        return self._warnings


class Marc21Collection(_Collection):
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


class MarcxmlCollection(_Collection):
    name = "marcxml-collection"
    description = "every record as MARCXML in one <collection> file"
    filename = "marcxml-collection.xml"
    head = COLLECTION_HEAD
    tail = COLLECTION_TAIL

    @classmethod
    def entry(cls, record: Record, exports: Mapping[str, Path], warn: Warn) -> bytes:
        return collection_entry(record)


__all__ = ["Marc21Collection", "MarcxmlCollection"]

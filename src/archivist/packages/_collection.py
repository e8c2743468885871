"""A package that gathers every record into one file: a head, one entry per record, a tail. It is written to a
temporary name and renamed when the batch completes, so a failed run leaves no half-written file; on a cluster,
each partition's entries are written by a worker and copied in input order (with the warnings they raised)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from ._base import Package, PackagePart, PackageSettings, Record, Warn


class Collection(Package):
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
        return CollectionPart(cls, folder, root, settings)

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


class CollectionPart(PackagePart):
    """Some records' entries of a collection, one after another in a file named as the collection; close() gives
    the warnings their entries raised."""

    def __init__(self, collection: type[Collection], folder: Path, root: Path, settings: PackageSettings) -> None:
        super().__init__(folder, root, settings)
        self.collection = collection
        self._stream = open(folder / collection.filename, "wb")  # noqa: SIM115 closed by close()
        self._warnings: list[str] = []

    def add(self, record: Record, exports: Mapping[str, Path], base: Path | None) -> None:
        self._stream.write(self.collection.entry(record, exports, self._warnings.append))

    def close(self) -> list[str]:
        self._stream.close()
        return self._warnings


__all__ = ["Collection"]

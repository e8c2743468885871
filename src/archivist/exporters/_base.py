"""The one small interface every exporter implements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

Record = dict[str, Any]


@dataclass(frozen=True)
class Written:
    """A file exported for a record earlier in the same run: the format's name, the file name, its bytes and their
    SHA-256 (computed once, for the journal)."""

    name: str
    filename: str
    media_type: str
    data: bytes
    sha256: str


@dataclass(frozen=True)
class Context:
    """What an exporter that describes a record's package (METS) knows beyond the record: the files written for it
    before it, the folder the record's listed ``files`` are relative to, the organization (--source-organization)."""

    written: tuple[Written, ...] = ()
    base: Path | None = None
    organization: str | None = None


@dataclass(frozen=True)
class Exporter:
    """A named export format: a pure function from a valid record to the bytes of one file."""

    name: str
    extension: str
    media_type: str
    description: str
    export: Callable[[Record], bytes]
    describe: Callable[[Record, Context], bytes] | None = None
    """For a format that describes the other files written for the record (METS): used instead of ``export``."""
    order: int = 0
    """Formats are written in ascending order; one that describes the others goes after them."""

    def render(self, record: Record, context: Context) -> bytes:
        """The export of ``record``; a format that describes the others (METS) is given ``context``."""
        return self.export(record) if self.describe is None else self.describe(record, context)

    def write(self, record: Record, stream: BinaryIO) -> None:
        """Write the export of ``record`` to a binary stream."""
        stream.write(self.export(record))

    def filename(self, record: Record) -> str:
        """The output file name: the record id (schema-restricted to safe characters) plus the extension."""
        return f"{record['id']}{self.extension}"

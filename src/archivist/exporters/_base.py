"""The one small interface every exporter implements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

Record = dict[str, Any]


@dataclass(frozen=True)
class Exporter:
    """A named export format: a pure function from a valid record to the bytes of one file."""

    name: str
    extension: str
    media_type: str
    description: str
    export: Callable[[Record], bytes]

    def write(self, record: Record, stream: BinaryIO) -> None:
        """Write the export of ``record`` to a binary stream."""
        stream.write(self.export(record))

    def filename(self, record: Record) -> str:
        """The output file name: the record id (schema-restricted to safe characters) plus the extension."""
        return f"{record['id']}{self.extension}"

"""Typed descriptions of what is wrong with a record, each with its location and a readable message."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a record: where it is (file, line, record id, JSON Pointer) and what."""

    message: str
    pointer: str = ""
    file: str | None = None
    line: int | None = None
    record_id: str | None = None
    kind: str = field(default="problem", init=False)

    def located(self, **where: Any) -> Problem:
        """Return a copy with location fields filled in (fields already set are kept)."""
        values = {k: v for k, v in where.items() if getattr(self, k) is None}
        if not values:
            return self
        data = {k: v for k, v in asdict(self).items() if k != "kind"}
        data.update(values)
        return type(self)(**data)

    def where(self) -> str:
        place = self.file or (f"<record {self.record_id}>" if self.record_id else "<record>")
        if self.line is not None:
            place += f":{self.line}"
        return place

    def __str__(self) -> str:
        pointer = f" {self.pointer or '/'}:" if self.kind == "schema" or self.pointer else ""
        return f"{self.where()}:{pointer} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["where"] = self.where()
        return data


@dataclass(frozen=True)
class SchemaViolation(Problem):
    """A field that the record JSON Schema rejects."""

    validator: str = ""
    kind: str = field(default="schema", init=False)


@dataclass(frozen=True)
class MalformedJSON(Problem):
    """Text that is not JSON, with the line and column where parsing stopped."""

    column: int | None = None
    kind: str = field(default="json", init=False)

    def where(self) -> str:
        place = super().where()
        return place + (f":{self.column}" if self.column is not None else "")


@dataclass(frozen=True)
class UndecodableText(Problem):
    """Bytes that are not valid UTF-8, with the byte offset of the first bad byte."""

    byte_offset: int | None = None
    kind: str = field(default="encoding", init=False)


@dataclass(frozen=True)
class EmptyInput(Problem):
    """A record file with nothing in it."""

    kind: str = field(default="empty", init=False)


@dataclass(frozen=True)
class UnreadableSource(Problem):
    """A record file found in a folder that is not read: a FIFO, a device, or a link leading out of the folder."""

    kind: str = field(default="source", init=False)


@dataclass(frozen=True)
class FileProblem(Problem):
    """A file listed in the record's ``files`` that is missing or fails its fixity check."""

    path: str | None = None
    expected: str | None = None
    found: str | None = None
    kind: str = field(default="fixity", init=False)


@dataclass(frozen=True)
class DuplicateId(Problem):
    """A record whose id an earlier record of the same batch already has; it is skipped, never overwritten."""

    kind: str = field(default="duplicate-id", init=False)

    @classmethod
    def of(cls, record_id: str, first: str, file: str, line: int | None) -> DuplicateId:
        """The problem of the record at ``file``:``line`` whose id the record at ``first`` (its file:line) has:
        the one wording every engine (one machine, a cluster, the site) gives, so their reports are the same."""
        return cls(f"duplicate record id {record_id!r}: {first} has it too; this one is skipped so nothing is "
                   "overwritten", pointer="/id", file=file, line=line, record_id=record_id)


@dataclass(frozen=True)
class ExportFailed(Problem):
    """A valid record that an exporter could not export."""

    kind: str = field(default="export", init=False)

"""What the index may serve: never its own copy of a record, only where the record lies (file, byte range,
SHA-256 of those bytes) and the header it gives (id, datestamp, sets). Content is read back from the record file,
its hash compared and, unless those very bytes were already checked in this process, validated again; a header
is served from the index only when this process has proven that exact row. So an index planted beside the
records, or edited while it serves, can never put words in a record's mouth."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from .._oai_vocabulary import datestamp, subject_sets
from .._paths import open_regular
from ..records import check_entry, jsonl_entry
from ..records._load import RECORD_SUFFIXES

_BOM = b"\xef\xbb\xbf"
_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class Row:
    """An index row: a record's id, datestamp, where its bytes are, and their SHA-256."""

    id: str
    stamp: str
    path: str
    line: int | None
    start: int
    length: int
    sha256: bytes


def parents(spec: str) -> Iterable[str]:
    """``a``, ``a:b``, ``a:b:c`` for ``a:b:c``: a set and every set above it."""
    parts = spec.split(":")
    for n in range(1, len(parts) + 1):
        yield ":".join(parts[:n])


def record_specs(record: dict[str, Any]) -> list[str]:
    """Every set a record is in (its subjects' sets and the sets above them), sorted."""
    return sorted({parent for spec, _ in subject_sets(record) for parent in parents(spec)})


def header_key(record_id: str, stamp: str, specs: Iterable[str]) -> bytes:
    """A short digest of a header, to remember which headers were proven without keeping them."""
    text = "\x00".join([record_id, stamp, *specs])
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def same_record(raw: bytes, record: dict[str, Any]) -> bool:
    """Whether ``raw`` holds exactly ``record`` (the bytes a scan validated, read again by location)."""
    return bool(_loads(raw) == record)


def _loads(raw: bytes) -> Any:
    try:
        return orjson.loads(raw.removeprefix(_BOM))
    except orjson.JSONDecodeError:  # lone surrogates, integers beyond 64 bits: the standard parser reads them
        try:
            return json.loads(raw.decode("utf-8").removeprefix("\ufeff"))
        except (ValueError, RecursionError):
            return None


def read_span(path: str, start: int, length: int) -> bytes | None:
    """The bytes of a record file at ``start`` (at most ``length``); None if it cannot be read as a regular file.
    Opened without blocking (a FIFO never hangs it) and read with one pread: a page reads a hundred of these."""
    try:
        fd = os.open(path, _READ)
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        if hasattr(os, "pread"):
            return os.pread(fd, length, start)
        with os.fdopen(fd, "rb", closefd=False) as stream:  # Windows has no pread
            stream.seek(start)
            return stream.read(length)
    except (OSError, ValueError, OverflowError):
        return None
    finally:
        os.close(fd)


class Sources:
    """The record paths a scan of ``paths`` may yield, by their absolute names: a file given, or a visible
    ``*.json``/``*.jsonl`` file under a folder given (no hidden part, no ``..``)."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.files = {os.path.abspath(p) for p in paths if not os.path.isdir(p)}
        self.folders = [os.path.abspath(p) + os.sep for p in paths if os.path.isdir(p)]

    def holds(self, path: str) -> bool:
        if path in self.files:
            return True
        if not path.endswith(RECORD_SUFFIXES):
            return False
        for folder in self.folders:
            if path.startswith(folder):
                parts = path[len(folder):].split(os.sep)
                return not any(part.startswith(".") or not part for part in parts)
        return False


def current_bytes(row: Row, sources: Sources) -> bytes | None:
    """The bytes the row points at if they still hash to its SHA-256 (and lie where a records scan reads)."""
    if not sources.holds(row.path) or row.start < 0 or row.length < 0:
        return None
    raw = read_span(row.path, row.start, row.length)
    return raw if raw is not None and hashlib.sha256(raw).digest() == row.sha256 else None


class Proofs:
    """What this process has proven: the record bytes it validated (by file and SHA-256) and, for each, the
    digest of the header they give. Rebuilding the index starts a new set."""

    def __init__(self) -> None:
        self.valid: dict[tuple[str, bytes], bytes] = {}

    def add(self, path: str, sha256: bytes, record: dict[str, Any]) -> None:
        self.valid[(path, sha256)] = header_key(record["id"], datestamp(record), record_specs(record))

    def header_proven(self, row: Row, specs: Iterable[str]) -> bool:
        """Whether this row, with these sets, is a header this process proved (no need to read the file)."""
        return self.valid.get((row.path, row.sha256)) == header_key(row.id, row.stamp, specs)

    def record(self, row: Row, sources: Sources) -> dict[str, Any] | None:
        """The record the row points at, read from its file, if the bytes there still hash to the row's SHA-256,
        form a valid record (checked now unless proven before), and give the row's id and datestamp; else None.
        A row naming a path the records scan would not read (``sources``) is never read."""
        raw = current_bytes(row, sources)
        if raw is None:
            return None
        if (row.path, row.sha256) in self.valid:
            record = _loads(raw)
        else:
            entry = jsonl_entry(raw, row.path, row.line)
            if entry is None or entry.data is None or check_entry(entry, check_files=False):
                return None
            record = entry.data
        if not isinstance(record, dict) or record.get("id") != row.id or datestamp(record) != row.stamp:
            return None
        if (row.path, row.sha256) not in self.valid:
            self.add(row.path, row.sha256, record)
        return record


def line_spans(path: str) -> dict[int, tuple[int, int]]:
    """Each line of a JSON Lines file (numbered from 1, as the record reader numbers them): start and length."""
    spans: dict[int, tuple[int, int]] = {}
    offset = 0
    with open_regular(path) as stream:
        for number, raw in enumerate(stream, start=1):
            spans[number] = (offset, len(raw))
            offset += len(raw)
    return spans


def located(path: str, line: int | None, cache: dict[str, Any]) -> tuple[int, bytes] | None:
    """Where a record read from ``path`` (at ``line`` of a JSON Lines file) lies, and its bytes; ``cache`` holds
    the last file's line table so that a scan reads each file once more, not once a record."""
    if line is None:
        raw = read_span(path, 0, os.path.getsize(path))
        return None if raw is None else (0, raw)
    if cache.get("path") != path:
        cache.clear()
        cache.update(path=path, spans=line_spans(path))
    span = cache["spans"].get(line)
    if span is None:
        return None
    raw = read_span(path, *span)
    return None if raw is None else (span[0], raw)

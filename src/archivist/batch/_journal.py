"""The resume journal of a batch: which record (by content hash) produced which output files (by hash).

One JSON line per exported record, appended (buffered) after its outputs were renamed into place, so a line
is only ever written for complete outputs. A kill loses at most the buffered lines, whose records the next run
simply exports again. A damaged line (cut short, not JSON, wrong shape or types, a path leading out of the output
folder) is reported as a warning and its record is exported again. ``compact()`` rewrites the journal atomically
with one line per record id.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from .._atomic import atomic_writer
from .._diskmap import DiskMap
from .._errors import ArchivistError
from .._jsonout import canonical
from ..records import sha256_file

JOURNAL = ".archivist-journal.jsonl"
_SHA256 = re.compile(r"[0-9a-f]{64}")


def record_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON (sorted keys), so formatting changes do not count."""
    return hashlib.sha256(canonical(record)).hexdigest()


class Journal:
    """Read the previous run's entries (for ``--resume``) and append this run's. Close it when done.

    ``warn`` is told about each damaged line of the previous run's journal."""

    def __init__(self, root: Path, *, resume: bool, warn: Callable[[str], None] = lambda _: None) -> None:
        self.path = Path(root) / JOURNAL
        self._previous = DiskMap()
        try:
            end = 0
            if resume:
                for record_id, line, after in _entries(self.path, warn):
                    self._previous.put(record_id, line)
                    end = after
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "r+b" if resume and self.path.exists() else "wb")  # noqa: SIM115 closed by close()
            self._handle.truncate(end)  # a line cut short by a kill must not run into the next one
            self._handle.seek(end)
        except BaseException:
            self._previous.close()
            raise

    def outputs_if_current(self, record_id: str, digest: str, formats: list[str], root: Path) -> dict[str, Path] | None:
        """The outputs of a record that a previous run completed (same record hash, same formats) and that are
        unchanged on disk, else None."""
        entry = self.entry_if_current(record_id, digest, formats, root)
        return None if entry is None else {name: root / relative for name, (relative, _) in entry.items()}

    def entry_if_current(self, record_id: str, digest: str, formats: list[str],
                         root: Path) -> dict[str, tuple[str, str]] | None:
        """As :meth:`outputs_if_current`, but each output as the journal has it: (relative path, SHA-256)."""
        outputs = self.recorded(record_id, digest, formats)
        return outputs if outputs is not None and unchanged(outputs, root) else None

    def recorded(self, record_id: str, digest: str, formats: Sequence[str]) -> dict[str, tuple[str, str]] | None:
        """The outputs (relative path, SHA-256) the previous run recorded for this record with the same hash and
        formats, not yet checked on disk (a cluster's client looks them up, its workers check the files)."""
        line = self._previous.get(record_id)
        if line is None:
            return None
        entry = orjson.loads(line)
        if entry["record"] != digest or set(entry["outputs"]) != set(formats):
            return None
        return {name: (relative, sha) for name, (relative, sha) in entry["outputs"].items()}

    def add(self, record_id: str, digest: str, outputs: Mapping[str, tuple[str, str]]) -> None:
        self._handle.write(orjson.dumps({"id": record_id, "record": digest, "outputs": outputs}) + b"\n")

    def keep(self, record_id: str) -> None:
        """Note again a record found current, so the compacted journal lists records in this run's order."""
        line = self._previous.get(record_id)
        if line is not None:
            self._handle.write(line.encode("utf-8"))

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        self._previous.close()

    def compact(self) -> None:
        """Rewrite the journal with the last entry of each record id, in the order of those last entries (so a
        resumed run's journal is the same as a clean run's), atomically."""
        self.close()
        with DiskMap() as latest:
            for record_id, line, _ in _entries(self.path, lambda _: None):
                latest.put(record_id, line, last=True)
            with atomic_writer(self.path) as out:
                for line in latest.values():
                    out.write(line.encode("utf-8"))


def unchanged(outputs: Mapping[str, tuple[str, str]], root: Path) -> bool:
    """Whether every output a journal recorded is still under ``root`` with the SHA-256 it had."""
    for relative, sha in outputs.values():
        try:
            if sha256_file(root / relative)[0] != sha:
                return False
        except (OSError, ArchivistError):
            return False
    return True


def _entries(path: Path, warn: Callable[[str], None]) -> Iterator[tuple[str, str, int]]:
    """(record id, line, offset after the line) for each sound line of a journal; a missing journal has none."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 a with block follows: only the open's own error is caught here
    except FileNotFoundError:
        return
    with handle:
        number = end = 0
        for raw in handle:
            number += 1
            if not raw.endswith(b"\n"):
                warn(f"{path} line {number} is cut short (an interrupted run): its record is exported again")
                return
            end += len(raw)
            try:
                line = raw.decode("utf-8")
                record_id = _checked(orjson.loads(line))
            except (ValueError, TypeError, KeyError) as exc:
                warn(f"{path} line {number} is damaged ({_reason(exc)}): its record, if any, is exported again")
                continue
            yield record_id, line, end


def _checked(entry: Any) -> str:
    """The record id of a well-formed journal entry; ValueError or TypeError saying what is wrong otherwise."""
    if not isinstance(entry, dict):
        raise TypeError("not a JSON object")
    record_id, digest, outputs = entry["id"], entry["record"], entry["outputs"]
    if not isinstance(record_id, str) or not isinstance(digest, str) or not _SHA256.fullmatch(digest):
        raise TypeError("id or record hash of the wrong type")
    if not isinstance(outputs, dict):
        raise TypeError("outputs is not an object")
    for value in outputs.values():
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
            raise TypeError("an output is not a [path, sha256] pair")
        relative = value[0]
        if not relative or os.path.isabs(relative) or ".." in relative.replace("\\", "/").split("/"):
            raise ValueError(f"output path {relative!r} leads out of the output folder")
    return record_id


def _reason(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"no {exc.args[0]!r} field"
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8"
    if isinstance(exc, orjson.JSONDecodeError):
        return "not JSON"
    return str(exc)


__all__ = ["JOURNAL", "Journal", "record_hash", "unchanged"]

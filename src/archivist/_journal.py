"""The resume journal of a batch: which record (by content hash) produced which output files (by hash).

One JSON line per exported record, appended (buffered) after its outputs were renamed into place, so a line
is only ever written for complete outputs. A kill loses at most the buffered lines, whose records the next run
simply exports again; a line cut short is ignored. ``compact()`` rewrites the journal
atomically with one line per record id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from ._atomic import atomic_writer
from ._diskmap import DiskMap
from ._jsonout import canonical
from .records import sha256_file

JOURNAL = ".archivist-journal.jsonl"


def record_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON (sorted keys), so formatting changes do not count."""
    return hashlib.sha256(canonical(record)).hexdigest()


class Journal:
    """Read the previous run's entries (for ``--resume``) and append this run's. Close it when done."""

    def __init__(self, root: Path, *, resume: bool) -> None:
        self.path = Path(root) / JOURNAL
        self._previous = DiskMap()
        try:
            if resume:
                for record_id, line in _entries(self.path):
                    self._previous.put(record_id, line)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "ab" if resume else "wb")
        except BaseException:
            self._previous.close()
            raise

    def current(self, record_id: str, digest: str, formats: list[str], root: Path) -> dict[str, Path] | None:
        """The outputs of a record that a previous run completed and that are unchanged on disk, else None."""
        line = self._previous.get(record_id)
        if line is None:
            return None
        entry = json.loads(line)
        if entry["record"] != digest or set(entry["outputs"]) != set(formats):
            return None
        outputs = {}
        for name, (relative, sha) in entry["outputs"].items():
            path = root / relative
            try:
                if sha256_file(path)[0] != sha:
                    return None
            except OSError:
                return None
            outputs[name] = path
        return outputs

    def add(self, record_id: str, digest: str, outputs: Mapping[str, tuple[str, str]]) -> None:
        self._handle.write(orjson.dumps({"id": record_id, "record": digest, "outputs": outputs}) + b"\n")

    def close(self) -> None:
        self._handle.close()
        self._previous.close()

    def compact(self) -> None:
        """Rewrite the journal with the last entry of each record id (in first-seen order), atomically."""
        self.close()
        with DiskMap() as latest:
            for record_id, line in _entries(self.path):
                latest.put(record_id, line)
            with atomic_writer(self.path) as out:
                for line in latest.values():
                    out.write(line.encode("utf-8"))


def _entries(path: Path) -> Iterator[tuple[str, str]]:
    """(record id, line) for each whole, well-formed line of a journal; a missing journal has none."""
    try:
        handle = open(path, encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return
    with handle:
        for line in handle:
            if not line.endswith("\n"):
                break
            try:
                entry = json.loads(line)
                if isinstance(entry["record"], str) and isinstance(entry["outputs"], dict):
                    yield str(entry["id"]), line
            except (ValueError, KeyError, TypeError):
                continue


__all__ = ["JOURNAL", "Journal", "record_hash"]

"""The resume journal of a batch: which record (by content hash) produced which output files (by hash).

One JSON line per exported record, appended after its outputs were renamed into place, so a line is only
ever written for complete outputs. A line cut short by a kill is ignored. ``compact()`` rewrites the journal
atomically with one line per record id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ._atomic import write_atomic
from .records import sha256_file

JOURNAL = ".archivist-journal.jsonl"


def record_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON (sorted keys), so formatting changes do not count."""
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Journal:
    """Read the previous run's entries (for ``--resume``) and append this run's."""

    def __init__(self, root: Path, *, resume: bool) -> None:
        self.path = Path(root) / JOURNAL
        self.previous: dict[str, tuple[str, dict[str, list[str]]]] = {}
        if resume:
            self._load()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = open(self.path, "a" if resume else "w", encoding="utf-8")

    def _load(self) -> None:
        try:
            handle = open(self.path, encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return
        with handle:
            for line in handle:
                if not line.endswith("\n"):
                    break
                try:
                    entry = json.loads(line)
                    self.previous[entry["id"]] = (entry["record"], entry["outputs"])
                except (ValueError, KeyError, TypeError):
                    continue

    def current(self, record_id: str, digest: str, formats: list[str], root: Path) -> dict[str, Path] | None:
        """The outputs of a record that a previous run completed and that are unchanged on disk, else None."""
        previous = self.previous.get(record_id)
        if previous is None or previous[0] != digest or set(previous[1]) != set(formats):
            return None
        outputs = {}
        for name, (relative, sha) in previous[1].items():
            path = root / relative
            try:
                if sha256_file(path)[0] != sha:
                    return None
            except OSError:
                return None
            outputs[name] = path
        return outputs

    def add(self, record_id: str, digest: str, outputs: Mapping[str, tuple[str, str]]) -> None:
        self._handle.write(json.dumps({"id": record_id, "record": digest,
                                       "outputs": {k: list(v) for k, v in outputs.items()}}) + "\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()

    def compact(self) -> None:
        """Rewrite the journal with the last entry of each record id, atomically."""
        self.close()
        latest: dict[str, str] = {}
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                if line.endswith("\n"):
                    try:
                        latest[json.loads(line)["id"]] = line
                    except (ValueError, KeyError, TypeError):
                        continue
        write_atomic(self.path, "".join(latest.values()).encode("utf-8"))


__all__ = ["JOURNAL", "Journal", "record_hash"]

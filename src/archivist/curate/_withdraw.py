"""Withdraw records: the record file goes to its history and a tombstone says when and why, so that harvesters
(OAI-PMH ``status="deleted"``) and pages for people learn of the deletion instead of losing sight of the record."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from .._jsonout import indented
from .._paths import UnsafePath, inside, read_regular
from ._commit import changes
from ._layout import AGENT, WITHDRAWN, CurationError, next_version, now, record_file, relative


@dataclass(frozen=True)
class Tombstone:
    """A withdrawn record: its id, when and why, by whom, and where its last version is kept (relative to
    ``folder``, the records folder)."""

    id: str
    withdrawn_at: str
    reason: str
    agent: str
    last_version: str
    folder: Path

    def last_record(self) -> dict[str, Any] | None:
        """The record as it was when withdrawn (None if its file is gone or unreadable)."""
        try:
            data = orjson.loads(read_regular(inside(self.folder, self.last_version)))
        except (OSError, ValueError, UnsafePath):
            return None
        return data if isinstance(data, dict) else None


def withdraw(folder: str | os.PathLike[str], record_ids: Iterable[str], reason: str) -> list[Tombstone]:
    """Withdraw the records ``<id>.json`` of ``folder``: all of them, or (CurationError) none."""
    base = Path(folder)
    if not reason.strip():
        raise CurationError("a withdrawal needs a reason (it is what a harvester or reader is told)")
    ids = list(dict.fromkeys(record_ids))
    stones = []
    with changes(base) as change:
        at = now()
        for record_id in ids:
            found = record_file(base, record_id)
            if found is None:
                raise CurationError(f"{base / (record_id + '.json')}: no such record; nothing was withdrawn")
            path, record, _ = found
            version, _ = next_version(base, record_id)
            change.take(path, version / path.name)
            for entry in record.get("files", []):
                try:
                    original = inside(base, entry["path"])
                except (UnsafePath, KeyError, TypeError):
                    continue
                if original.is_file():
                    change.take(original, version / entry["path"])
            stone = Tombstone(record_id, at, reason.strip(), AGENT, relative(version / path.name, base), base)
            change.put(base / WITHDRAWN / f"{record_id}.json", _tombstone_bytes(stone))
            stones.append(stone)
        change.commit()
    return stones



def _tombstone_bytes(stone: Tombstone) -> bytes:
    return indented({"id": stone.id, "withdrawn_at": stone.withdrawn_at, "reason": stone.reason,
                     "agent": stone.agent, "last_version": stone.last_version})


def withdrawn(folder: str | os.PathLike[str], record_id: str) -> Tombstone | None:
    """The tombstone of ``record_id`` in the records folder ``folder``, or None when it is not withdrawn (never
    withdrawn, or its record is back: a record file ``<id>.json`` voids its tombstone)."""
    base = Path(folder)
    if os.path.lexists(base / f"{record_id}.json"):
        return None
    return _read(base, base / WITHDRAWN / f"{record_id}.json")


def tombstone_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """The tombstone files of every records folder in ``paths`` (a file path has none), sorted by name."""
    for given in paths:
        folder = Path(given)
        stones = folder / WITHDRAWN
        if given != "-" and folder.is_dir() and stones.is_dir():
            for name in sorted(os.listdir(stones)):
                if name.endswith(".json") and not name.startswith("."):
                    yield stones / name


def tombstones(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Tombstone]:
    """Every standing tombstone of the records folders in ``paths`` (a record back in its folder voids its one)."""
    for file in tombstone_files(paths):
        folder = file.parent.parent
        stone = _read(folder, file)
        if stone is not None and not os.path.lexists(folder / f"{stone.id}.json"):
            yield stone


def _read(folder: Path, file: Path) -> Tombstone | None:
    try:
        data = orjson.loads(read_regular(file))
        return Tombstone(data["id"], data["withdrawn_at"], data["reason"], data["agent"], data["last_version"], folder)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, UnsafePath) as exc:
        raise CurationError(f"{file}: not a tombstone archivist wrote ({exc})") from None

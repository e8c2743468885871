"""Replace a record and keep the version it replaces: ``.archivist-history/<id>/vN/`` holds the record file as it
was (byte for byte) and any original file the new version overwrote; the new record's provenance says so."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._paths import read_regular
from ..records import record_bytes
from ._commit import TXN, ChangeSet
from ._layout import event, next_version, now, relative, sha256_bytes


def stage_replacement(change: ChangeSet, target: Path, old: bytes, record: dict[str, Any], why: str,
                      originals: Mapping[str, bytes] = {}) -> dict[str, Any]:
    """Stage ``record`` in place of the record file ``target`` (whose bytes are ``old``), the old file kept in the
    record's next history version; returns the record as staged, with a ``replaced`` event saying ``why``."""
    folder = change.folder
    version, number = next_version(folder, record["id"])
    kept = version / target.name
    note = (f"replaced version {number} (SHA-256 {sha256_bytes(old)}, kept as {relative(kept, folder)}) "
            f"{why}")
    record = {**record, "provenance": [*record.get("provenance", []), event("replaced", note, now())]}
    for name, data in originals.items():
        path = folder / name
        if os.path.lexists(path) and read_regular(path) == data:
            continue
        change.put(path, data, version / name if os.path.lexists(path) else None)
    change.put(target, record_bytes(record), kept)
    return record


def replace_in_place(folder: Path, target: Path, record: dict[str, Any], why: str,
                     originals: Mapping[str, bytes] = {}) -> dict[str, Any]:
    """:func:`stage_replacement` and commit, for a caller that holds the folder's lock (ingest)."""
    change = ChangeSet(folder)
    (folder / TXN).mkdir(exist_ok=True)
    try:
        record = stage_replacement(change, target, read_regular(target), record, why, originals)
        change.commit()
    except BaseException:
        change.abandon()
        raise
    return record

"""Where curation keeps things in a records folder: earlier versions, tombstones, and how a record's file is found.

Every name starts with a dot, so the records scan (``validate``, ``export``, ``serve``) never reads them as records.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import orjson

from .. import __version__
from .._clock import utc_now
from .._errors import ArchivistError
from .._paths import UnsafePath, read_regular

HISTORY = ".archivist-history"
WITHDRAWN = ".archivist-withdrawn"
AGENT = f"archivist {__version__}"


class CurationError(ArchivistError):
    """A curating command cannot do what it was asked; nothing was changed."""


def now() -> str:
    """The time a change is recorded at (SOURCE_DATE_EPOCH fixes it)."""
    return utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")


def event(action: str, note: str, at: str) -> dict[str, str]:
    """A provenance event of this archivist."""
    return {"action": action, "at": at, "agent": AGENT, "note": note}


def next_version(folder: Path, record_id: str) -> tuple[Path, int]:
    """The folder the record's current version goes to when it is replaced or withdrawn: ``vN`` after the last."""
    base = folder / HISTORY / record_id
    number = 1
    while (base / f"v{number}").exists():
        number += 1
    return base / f"v{number}", number


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def relative(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


def record_file(folder: Path, record_id: str) -> tuple[Path, dict[str, Any], bytes] | None:
    """The file ``<id>.json`` in ``folder`` with its record and bytes, when it holds that record (a link is never
    followed out of the folder); None when there is no such file."""
    path = folder / f"{record_id}.json"
    if not os.path.lexists(path):
        return None
    try:
        raw = read_regular(path)
        record = orjson.loads(raw)
    except (OSError, ValueError, UnsafePath) as exc:
        raise CurationError(f"{path}: cannot be read as a record ({getattr(exc, 'reason', None) or exc})") from None
    if not isinstance(record, dict) or record.get("id") != record_id:
        raise CurationError(f"{path}: holds a record whose id is not {record_id!r}; curating commands find a record "
                            "by its file name <id>.json")
    return path, record, raw

"""The one place archivist reads the clock: SOURCE_DATE_EPOCH, when set, fixes it for reproducible output."""

from __future__ import annotations

import os
import re
import time
from datetime import UTC, datetime


def utc_now() -> datetime:
    """Now in UTC, or the moment SOURCE_DATE_EPOCH names (for what archivist writes: bags, records)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), tz=UTC) if epoch else wall_clock()


def wall_clock() -> datetime:
    """Now in UTC, always the real time: for answers that must say when they were made (OAI-PMH ``responseDate``,
    which harvesters take as where their next incremental harvest starts)."""
    return datetime.fromtimestamp(time.time(), tz=UTC)


_OFFSET_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2}:\d{2}|[Zz])")


def in_utc(value: str) -> str:
    """An RFC 3339 date-time with any offset (``2026-03-12T14:30:00+01:00``) as the same moment in UTC
    (``2026-03-12T13:30:00Z``, fraction kept as written); any other value unchanged, for the schema to judge."""
    match = _OFFSET_TIME.fullmatch(value.strip())
    if not match:
        return value
    day, clock, fraction, offset = match.groups()
    try:
        moment = datetime.fromisoformat(f"{day}T{clock}{'+00:00' if offset in 'Zz' else offset}")
    except ValueError:  # 2026-13-45, 25:00: not a time; the schema says why
        return value
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S") + (fraction or "") + "Z"

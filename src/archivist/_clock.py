"""The one place archivist reads the clock: SOURCE_DATE_EPOCH, when set, fixes it for reproducible output."""

from __future__ import annotations

import os
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

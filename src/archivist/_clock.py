"""The one place archivist reads the clock: SOURCE_DATE_EPOCH, when set, fixes it for reproducible output."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime


def utc_now() -> datetime:
    """Now in UTC, or the moment SOURCE_DATE_EPOCH names."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch) if epoch else time.time(), tz=UTC)

"""Capture files: only a regular file is read (a FIFO would hang the read, a device such as /dev/zero never ends)."""

from __future__ import annotations

import os
import stat

from .._errors import IngestError


def check_regular_file(path: str | os.PathLike[str]) -> None:
    """Raise IngestError unless ``path`` (symlinks followed) is a regular file: a FIFO would hang the read and a
    device such as /dev/zero never ends."""
    name = os.fspath(path)
    try:
        mode = os.stat(name).st_mode
    except (OSError, ValueError) as exc:
        raise IngestError(name, getattr(exc, "strerror", None) or str(exc)) from None
    if not stat.S_ISREG(mode):
        kind = ("a directory" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else
                "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
                "not a regular file")
        raise IngestError(name, f"is {kind}, not a regular file: only files can be ingested")


__all__ = ["check_regular_file"]

"""Write files atomically: a temporary file in the target directory, then an atomic rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

PART_SUFFIX = ".part"


@contextmanager
def atomic_writer(path: str | os.PathLike[str], *, durable: bool = True) -> Iterator[BinaryIO]:
    """Yield a binary stream; on success the data appears at ``path`` whole, on error nothing does.

    ``durable`` also fsyncs before the rename (survives power loss, not just a killed process)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=PART_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_atomic(path: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_writer(path, durable=durable) as stream:
        stream.write(data)


def sweep_partials(directory: str | os.PathLike[str]) -> int:
    """Remove the temporary files an interrupted atomic write left directly in ``directory``; returns how many."""
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return 0
    for entry in entries:
        if entry.name.startswith(".") and entry.name.endswith(PART_SUFFIX) and entry.is_file(follow_symlinks=False):
            os.unlink(entry.path)
            removed += 1
    return removed

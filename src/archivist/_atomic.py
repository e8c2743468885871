"""Write files atomically: a temporary file in the target directory, then an atomic rename."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

PART_SUFFIX = ".part"


_serial = itertools.count()
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _open_partial(target: str) -> tuple[int, str]:
    """Create a new, unique temporary file beside ``target`` (its folder made on demand)."""
    folder, name = os.path.split(target)
    for _ in range(100):
        tmp = os.path.join(folder, f".{name}.{os.getpid()}-{next(_serial)}{PART_SUFFIX}")
        try:
            return os.open(tmp, _FLAGS, 0o644), tmp
        except FileExistsError:  # left by an earlier process that had the same pid
            continue
        except FileNotFoundError:
            os.makedirs(folder or os.curdir, exist_ok=True)
    raise FileExistsError(f"no free temporary name beside {target}")


@contextmanager
def atomic_writer(path: str | os.PathLike[str], *, durable: bool = True) -> Iterator[BinaryIO]:
    """Yield a binary stream; on success the data appears at ``path`` whole, on error nothing does.

    ``durable`` also fsyncs before the rename (survives power loss, not just a killed process)."""
    target = os.fspath(path)
    fd, tmp = _open_partial(target)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
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
    try:
        with os.scandir(directory) as entries:  # streamed: an output folder may hold millions of files
            partials = [entry.path for entry in entries if entry.name.startswith(".")
                        and entry.name.endswith(PART_SUFFIX) and entry.is_file(follow_symlinks=False)]
    except FileNotFoundError:
        return 0
    for path in partials:
        os.unlink(path)
    return len(partials)

"""Write files atomically: a temporary file in the target directory, then an atomic rename.

Every temporary file this process has open is remembered, so a signal handler can remove them all before the
process exits (:func:`discard_partials`), and a later run sweeps what a killed one left (:func:`sweep_partials`).
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import BinaryIO

PART_SUFFIX = ".part"


_serial = itertools.count()
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_in_flight: set[tuple[int, str]] = set()  # (pid, path): a forked child inherits its parent's entries


def is_partial(name: str) -> bool:
    """True for the name of a temporary file or folder archivist writes (``.<name>…part``)."""
    return name.startswith(".") and name.endswith(PART_SUFFIX)


def _open_partial(target: str) -> tuple[int, str]:
    """Create a new, unique temporary file beside ``target`` (its folder made on demand). Its name is remembered
    before it is created, so an interruption at any moment can find it."""
    folder, name = os.path.split(target)
    for _ in range(100):
        tmp = os.path.join(folder, f".{name}.{os.getpid()}-{next(_serial)}{PART_SUFFIX}")
        key = (os.getpid(), tmp)
        _in_flight.add(key)
        try:
            return os.open(tmp, _FLAGS, 0o644), tmp
        except FileExistsError:  # left by an earlier process that had the same pid
            _in_flight.discard(key)
            continue
        except FileNotFoundError:
            _in_flight.discard(key)
            os.makedirs(folder or os.curdir, exist_ok=True)
        except BaseException:  # e.g. Ctrl-C just after the file was made: it is ours, remove it
            _in_flight.discard(key)
            with suppress(OSError):
                os.unlink(tmp)
            raise
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
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    finally:
        _in_flight.discard((os.getpid(), tmp))


def write_atomic(path: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically, as :func:`atomic_writer` does, with plain system calls: a batch writes
    several small files per record, and a stream and a context manager cost a third of each one's time."""
    target = os.fspath(path)
    fd, tmp = _open_partial(target)
    try:
        try:
            done = os.write(fd, data)
            if done < len(data):  # a regular file takes it all at once, save on a full disk or a signal
                view = memoryview(data)
                while done < len(data):
                    done += os.write(fd, view[done:])
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    finally:
        _in_flight.discard((os.getpid(), tmp))


def discard_partials() -> None:
    """Remove every temporary file this process is writing (for a signal handler, just before the process exits)."""
    pid = os.getpid()
    for key in [k for k in _in_flight if k[0] == pid]:
        with suppress(OSError):
            os.unlink(key[1])
        _in_flight.discard(key)


def sweep_partials(directory: str | os.PathLike[str], *, deep: bool = False) -> int:
    """Remove the temporary files and folders interrupted runs left in ``directory`` (``deep``: in every folder
    under it too); returns how many. Only call it while holding the folder's lock: another run's look the same."""
    removed = 0
    for root, dirs, files in os.walk(directory):  # streamed: an output folder may hold millions of files
        for name in [d for d in dirs if is_partial(d)]:
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)
            dirs.remove(name)
            removed += 1
        for name in files:
            if is_partial(name):
                try:
                    os.unlink(os.path.join(root, name))
                except FileNotFoundError:
                    continue
                removed += 1
        if not deep:
            break
    return removed

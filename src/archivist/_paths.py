"""Where archivist may read and write: real paths, containment, regular files, and outputs kept off inputs.

Paths are compared by what they resolve to (symbolic links followed) and by file identity (device and inode),
so a symlinked folder, a hard link, ``..`` hidden in an odd spelling or a case-insensitive file system does not
make an output land on an input, or a path listed in a record lead outside the record's folder.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

from ._errors import ArchivistError

STDIO = "-"
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


class PathConflict(ArchivistError):
    """An output path that is, contains or lies inside an input: writing there could destroy or re-read it."""


class UnsafePath(ArchivistError):
    """A path that leads outside the folder it must stay in, or to something that is not a regular file."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def real(path: str | os.PathLike[str]) -> Path:
    """The absolute path with every symbolic link resolved (the part that does not exist yet is kept as given)."""
    return Path(os.path.realpath(os.path.abspath(os.fspath(path))))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _lineage(path: Path) -> set[tuple[int, int]]:
    """The identities of ``path`` (resolved) and of every existing folder above it."""
    found = set()
    for item in (path, *path.parents):
        identity = _identity(item)
        if identity is not None:
            found.add(identity)
    return found


def _relation(output: Path, source: Path) -> str | None:
    """How ``output`` touches ``source`` (both resolved): "is", "lies inside", "contains", or None."""
    out_id, source_id = _identity(output), _identity(source)
    if output == source or (out_id is not None and out_id == source_id):
        return "is"
    if (source_id is not None and source_id in _lineage(output)) or source in output.parents:
        return "lies inside"
    if (out_id is not None and out_id in _lineage(source)) or output in source.parents:
        return "contains"
    return None


def check_outputs(inputs: Iterable[str | os.PathLike[str]],
                  outputs: Mapping[str, str | os.PathLike[str] | None]) -> None:
    """Raise PathConflict, before anything is written, if an output (by option name) is, contains or lies inside
    an input. ``-`` (standard input or output) and None are skipped."""
    sources = [(os.fspath(p), real(p)) for p in inputs if os.fspath(p) != STDIO]
    for option, given in outputs.items():
        if given is None or os.fspath(given) == STDIO:
            continue
        target = real(given)
        for name, source in sources:
            relation = _relation(target, source)
            if relation is not None:
                raise PathConflict(f"{option} {os.fspath(given)} {relation} the input {name}: an output must be "
                                   "outside every input (it would overwrite or be read back as input); choose "
                                   "another path")


def inside(base: str | os.PathLike[str], relative: str) -> Path:
    """The real path of ``relative`` under ``base``; UnsafePath if it leads outside ``base`` (through ``..``, an
    absolute path or a symbolic link) or exists and is not a regular file (a FIFO, a device, a folder)."""
    parts = relative.replace("\\", "/").split("/")
    if os.path.isabs(relative) or ".." in parts:
        raise UnsafePath(relative, "is not a plain relative path (a '..' segment or an absolute path); a listed "
                                   "file must be inside the record's folder")
    root = real(base)
    target = real(root / relative)
    if target != root and root not in target.parents:
        raise UnsafePath(relative, f"leads outside {os.fspath(base)} (to {target}); a listed file must be inside "
                                   "the record's folder")
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise UnsafePath(relative, exc.strerror or str(exc)) from None
    if not stat.S_ISREG(mode):
        raise UnsafePath(relative, f"is {_kind(mode)}, not a regular file")
    return target


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a special file"


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a file for reading if it is a regular file; UnsafePath for a FIFO, a device or a folder. Opening never
    blocks (a FIFO with no writer would hang a plain ``open``), and the check is made on the opened file."""
    fd = os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UnsafePath(os.fspath(path), f"is {_kind(mode)}, not a regular file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular file (UnsafePath for anything else)."""
    with open_regular(path) as handle:
        return handle.read()


__all__ = ["PathConflict", "UnsafePath", "check_outputs", "inside", "open_regular", "read_regular", "real"]

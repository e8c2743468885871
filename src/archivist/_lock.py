"""One run at a time in a folder: an advisory lock file that names the process holding it, shared by the batch
export and ingest (two runs writing into one folder could each overwrite what the other just wrote)."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
from pathlib import Path
from types import TracebackType

from ._errors import ArchivistError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; the folder is not locked there
    fcntl = None  # type: ignore[assignment]

LOCK = ".archivist-lock"


class OutputRefused(ArchivistError):
    """The output folder cannot be used: another run holds it, or it holds files the user did not ask to add to."""


def _holder(fd: int) -> str:
    """Who holds a lock, as its holder wrote it (it writes just after locking: wait a moment for that)."""
    for _ in range(50):
        text = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
        if text:
            return text
        time.sleep(0.02)
    return "another archivist run"


class FolderLock:
    """The lock of the folder ``path`` (made if missing) while the context is on; OutputRefused naming the holder
    when another run has it. The lock file is removed on exit, and the folder too if the lock made it and nothing
    was written into it (a run that wrote nothing leaves nothing)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        self._made = False

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()

    def acquire(self) -> None:
        """Make the folder if missing and lock it (OutputRefused when another run holds it)."""
        if self.path.exists() and not self.path.is_dir():
            raise OutputRefused(f"{self.path} is a file: the output must be a folder")
        self._made = not self.path.exists()
        self.path.mkdir(parents=True, exist_ok=True)
        if fcntl is None:
            return
        target = self.path / LOCK
        while True:
            fd = os.open(target, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder(fd)
                os.close(fd)
                raise OutputRefused(f"{self.path} is in use by {holder}; wait for it to finish or choose another "
                                    "output folder") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(target).st_ino
            except FileNotFoundError:  # the holder removed it as it finished: lock the new one
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        command = " ".join(["archivist", *sys.argv[1:]])[:300]
        os.write(fd, f"process {os.getpid()} on {socket.gethostname()} ({command})\n".encode("utf-8", "replace"))
        self._fd = fd

    def release(self) -> None:
        """Remove the lock file and unlock (in that order, so a waiting run never locks a file already gone)."""
        if self._fd is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path / LOCK)
            os.close(self._fd)
            self._fd = None
        if self._made:
            self._made = False
            with contextlib.suppress(OSError):  # not empty: it holds what the run wrote
                self.path.rmdir()


__all__ = ["LOCK", "FolderLock", "OutputRefused"]

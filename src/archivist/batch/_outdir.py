"""The output folder of a batch: one run at a time (a lock naming its holder), and only into a folder the user
means to write to (new or empty, or added to on request; a bag only into a new or empty folder, or its own
interrupted run)."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import sys
import time
from pathlib import Path
from types import TracebackType

from .._atomic import is_partial
from .._errors import ArchivistError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; the folder is not locked there
    fcntl = None  # type: ignore[assignment]

LOCK = ".archivist-lock"
_BAG_TOP = re.compile(r"data|bagit\.txt|bag-info\.txt|(?:tag)?manifest-[a-z0-9]+\.txt|\.archivist-journal\.jsonl"
                      r"|\.archivist-cluster")


def _holder(fd: int) -> str:
    """Who holds a lock, as its holder wrote it (it writes just after locking: wait a moment for that)."""
    for _ in range(50):
        text = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
        if text:
            return text
        time.sleep(0.02)
    return "another archivist run"


class OutputRefused(ArchivistError):
    """The output folder cannot be used: another run holds it, or it holds files the user did not ask to add to."""


class OutputFolder:
    """The locked output folder of one run; made on entry if missing, unlocked (lock file removed) on exit."""

    def __init__(self, path: str | os.PathLike[str], *, add: bool = False, resume: bool = False, bag: bool = False,
                 journal: str = ".archivist-journal.jsonl") -> None:
        self.path = Path(path)
        self.add, self.resume, self.bag, self.journal = add, resume, bag, journal
        self._fd: int | None = None

    def __enter__(self) -> OutputFolder:
        if self.path.exists() and not self.path.is_dir():
            raise OutputRefused(f"{self.path} is a file: the output must be a folder")
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock()
        try:
            self._check_contents()
        except BaseException:
            self.release()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()

    def _lock(self) -> None:
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
        if self._fd is None:
            return
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path / LOCK)
        os.close(self._fd)
        self._fd = None

    def _check_contents(self) -> None:
        with os.scandir(self.path) as entries:
            names = sorted(e.name for e in entries if e.name != LOCK and not is_partial(e.name))  # swept next
        if not names:
            return
        shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        if self.bag:
            if self.add:
                raise OutputRefused(f"{self.path} is not empty ({shown}): a bag is made only in a new or empty "
                                    "folder, so --add cannot be used with bagit")
            stray = [n for n in names if not _BAG_TOP.fullmatch(n)]
            if not self.resume or stray:
                what = f"holds files a bag cannot have at its top level ({', '.join(stray[:3])})" if stray else \
                    f"is not empty ({shown})"
                raise OutputRefused(f"{self.path} {what}: a bag is made only in a new or empty folder, or resumed "
                                    "with --resume after an interrupted bagit run into it")
            return
        if self.resume and self.journal not in names and not self.add:
            raise OutputRefused(f"{self.path} holds files ({shown}) but no journal of an earlier export: there is "
                                "nothing to resume; use --add to add to this folder")
        if not (self.add or self.resume):
            raise OutputRefused(f"{self.path} is not empty ({shown}): use an empty or new folder, --resume to "
                                "finish an interrupted export, or --add to add to what is there")

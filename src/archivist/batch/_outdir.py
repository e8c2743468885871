"""The output folder of a batch: one run at a time (a lock naming its holder), and only into a folder the user
means to write to (new or empty, or added to on request; a bag only into a new or empty folder, or its own
interrupted run)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from types import TracebackType

from .._atomic import is_partial
from .._lock import LOCK, FolderLock, OutputRefused

_BAG_TOP = re.compile(r"data|bagit\.txt|bag-info\.txt|(?:tag)?manifest-[a-z0-9]+\.txt|\.archivist-journal\.jsonl"
                      r"|\.archivist-cluster")


class OutputFolder:
    """The locked output folder of one run; made on entry if missing, unlocked (lock file removed) on exit."""

    def __init__(self, path: str | os.PathLike[str], *, add: bool = False, resume: bool = False, bag: bool = False,
                 journal: str = ".archivist-journal.jsonl") -> None:
        self.path = Path(path)
        self.add, self.resume, self.bag, self.journal = add, resume, bag, journal
        self._lock = FolderLock(self.path)

    def __enter__(self) -> OutputFolder:
        self._lock.acquire()
        try:
            self._check_contents()
        except BaseException:
            self.release()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()

    def release(self) -> None:
        """Remove the lock file and unlock."""
        self._lock.release()

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


__all__ = ["LOCK", "OutputFolder", "OutputRefused"]  # the lock and its error live in _lock, shared with ingest

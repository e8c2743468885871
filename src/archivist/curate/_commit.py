"""All-or-nothing changes to a records folder: every new file is staged and a plan written before any is moved.

A change set is checked whole before anything is written. Its new files go to ``.archivist-txn/`` first; the plan
(which file replaces which, and where each earlier version goes) is written last, atomically: that is the moment
the change happens. Applying the plan moves files; a run killed while it does so is finished by the next curating
command in the folder (:func:`recover`), and a staging folder with no plan is simply removed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from .._atomic import write_atomic
from .._lock import FolderLock

TXN = ".archivist-txn"
PLAN = "plan.json"


@dataclass(frozen=True)
class Move:
    """One step of a plan: keep ``target``'s current file as ``history`` (when given), then put ``staged`` in its
    place (or remove it when there is nothing staged)."""

    target: str
    staged: str | None
    history: str | None


@dataclass
class ChangeSet:
    """New files staged for one folder, and the moves that will put them in place."""

    folder: Path
    moves: list[Move] = field(default_factory=list)
    committed: bool = False

    @property
    def staging(self) -> Path:
        return self.folder / TXN

    def put(self, target: Path, data: bytes, history: Path | None = None) -> None:
        """Stage ``data`` to replace (or create) ``target``; its current file, if any, is kept as ``history``."""
        staged = self.staging / f"{len(self.moves):08d}"
        write_atomic(staged, data)
        self.moves.append(Move(os.fspath(target), os.fspath(staged), None if history is None else os.fspath(history)))

    def take(self, target: Path, history: Path) -> None:
        """Move ``target`` away into ``history`` (a withdrawn record, an original it no longer lists)."""
        self.moves.append(Move(os.fspath(target), None, os.fspath(history)))

    def commit(self) -> None:
        """Write the plan (the change is then made, whatever happens) and apply it."""
        if not self.moves:
            discard(self.folder)
            return
        plan = [[m.target, m.staged, m.history] for m in self.moves]
        write_atomic(self.staging / PLAN, orjson.dumps(plan))
        self.committed = True  # from here on the change is made: a failure below is finished by recover()
        _apply(self.folder)

    def abandon(self) -> None:
        """Remove what was staged, unless the plan was written (then the next run finishes the change)."""
        if not self.committed:
            discard(self.folder)


@contextmanager
def changes(folder: str | os.PathLike[str]) -> Iterator[ChangeSet]:
    """A change set for ``folder`` under its lock, after finishing what an interrupted run left. Leaving the block
    with an exception discards everything staged: the folder is as it was."""
    path = Path(folder)
    with FolderLock(path):
        recover(path)
        change = ChangeSet(path)
        change.staging.mkdir(exist_ok=True)
        try:
            yield change
        except BaseException:
            change.abandon()
            raise


def recover(folder: Path) -> bool:
    """Finish a committed change an interrupted run left (True), or remove an uncommitted one's staged files."""
    if (folder / TXN / PLAN).exists():
        _apply(folder)
        return True
    discard(folder)
    return False


def discard(folder: Path) -> None:
    shutil.rmtree(folder / TXN, ignore_errors=True)


def _apply(folder: Path) -> None:
    """Carry out the plan; each step can be repeated, so a run killed midway is finished by running it again."""
    plan = orjson.loads((folder / TXN / PLAN).read_bytes())
    for target, staged, history in plan:
        if staged is not None and not os.path.exists(staged):
            continue  # done before the interruption
        if history is not None and not os.path.lexists(history) and os.path.lexists(target):
            os.makedirs(os.path.dirname(history), exist_ok=True)
            if staged is None:
                os.replace(target, history)
                continue
            try:
                os.link(target, history)  # the earlier version stays byte for byte
            except OSError:
                shutil.copy2(target, history)
        if staged is not None:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.replace(staged, target)
        elif os.path.lexists(target):
            os.unlink(target)
    discard(folder)

"""The order of a cluster export's tasks, kept apart from Dask so that tests can drive it without a cluster.

Each partition is two tasks: its record ids (quick), then, once the ids of every partition before it are known, its
records with the duplicates named (so a duplicate is never written) and, when resuming, the records the previous
run's journal lists as current. A work task that failed on every try is sent once more on its own (it may have
shared a dying worker); one that killed its worker is cut down to the records at fault (``_bisect``). Results are
handed on for merging strictly in input order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from .._diskmap import DiskMap
from ..batch._journal import Journal
from ..records import location
from ._bisect import Bisection, Piece
from ._partition import (
    Job,
    Partition,
    PartitionIds,
    PartitionResult,
    Recorded,
    count_lines,
    partition_ids,
    run_partition,
)

CLIENT_TRIES = 1  # a task that failed is sent again this many times on its own (it may have shared a dying worker)

Result = PartitionResult | Exception


@dataclass(frozen=True)
class Task:
    """A task to send: its kind (``ids``, ``work``, or the name of a piece of a partition being cut down), the
    partition's index, which attempt it is, and the call to make on a worker."""

    kind: str
    index: int
    attempt: int
    function: Callable[..., Any]
    args: tuple[Any, ...]
    piece: Piece | None = None


class Schedule:
    """What to send next and what to merge next, for partitions ``planned`` in input order.

    The client sends the tasks :meth:`more` and :meth:`settle` return, gives :meth:`settle` each finished task's
    result (or the exception it failed with on every try), and merges what :meth:`ready` yields. ``killed`` tells
    an exception raised because the task killed its worker (Dask's ``KilledWorker``)."""

    def __init__(self, planned: Iterator[Partition], job: Job, ids: DiskMap, journal: Journal | None, *,
                 resuming: bool, killed: Callable[[BaseException], bool]) -> None:
        self._planned, self.job, self._journal = planned, job, journal
        self._resuming, self._killed = resuming, killed
        self._finder = Duplicates(ids)
        self.parts: dict[int, Partition] = {}  # planned and not merged yet
        self._found: dict[int, PartitionIds | Exception] = {}
        self._done: dict[int, Result] = {}
        self._tries: dict[int, int] = {}
        self._duplicates: dict[int, dict[int, str]] = {}
        self._known: dict[int, dict[int, Recorded]] = {}
        self._halves: dict[int, Bisection] = {}  # partitions whose task killed its worker, being cut down
        self._next_ids = self._next_merge = 0

    def more(self, ahead: int) -> list[Task]:
        """Plan partitions until ``ahead`` are planned and not yet merged (so memory stays flat); their ids tasks."""
        tasks = []
        while len(self.parts) < ahead:
            part = next(self._planned, None)
            if part is None:
                break
            self.parts[part.index] = part
            tasks.append(Task("ids", part.index, 0, partition_ids, (part, self._resuming)))
        return tasks

    def settle(self, task: Task, value: Any) -> list[Task]:
        """Take the result of a task sent earlier; the tasks to send now."""
        index = task.index
        if task.kind == "ids":
            self._found[index] = value
        elif index in self._halves or self._killed(value):
            settled, pieces = self._halve(task, value)
            if settled is None:
                return pieces
            self._done[index] = settled
            return pieces + self._next_work()
        elif isinstance(value, Exception) and self._tries.get(index, 0) < CLIENT_TRIES:
            self._tries[index] = self._tries.get(index, 0) + 1
            return [self._work(index)]
        else:
            self._done[index] = value
        return self._next_work()

    def ready(self) -> Iterator[tuple[Partition, Result]]:
        """The partitions whose results can be merged now, in input order, each once."""
        while self._next_merge in self._done:
            index = self._next_merge
            self._duplicates.pop(index, None)
            self._known.pop(index, None)
            self._next_merge += 1
            yield self.parts.pop(index), self._done.pop(index)

    def _next_work(self) -> list[Task]:
        """The work tasks of the partitions whose ids, and the ids of every partition before them, are known."""
        tasks = []
        while self._next_ids in self._found:
            index = self._next_ids
            found = self._found.pop(index)
            if isinstance(found, Exception):
                self._finder.skip(self.parts[index])
                self._done[index] = found
            else:
                self._duplicates[index] = self._finder.duplicates(self.parts[index], found)
                self._known[index] = recorded_outputs(self._journal, found, self._duplicates[index],
                                                      self.job.names) if self._resuming else {}
                tasks.append(self._work(index))
            self._next_ids += 1
        return tasks

    def _work(self, index: int) -> Task:
        return Task("work", index, self._tries.get(index, 0), run_partition,
                    (self.parts[index], self.job, self._duplicates[index], self._known[index]))

    def _halve(self, task: Task, value: Any) -> tuple[Result | None, list[Task]]:
        """A partition whose task killed its worker, cut down to the records at fault: its result once every piece
        is settled (None until then), and the pieces to send now."""
        index = task.index
        if index not in self._halves:
            assert isinstance(value, Exception)
            try:
                self._halves[index] = Bisection(self.parts[index], self._duplicates[index], self._known[index])
            except OSError:  # it cannot be read here: reported whole
                return value, []
            new = self._halves[index].start(value)
        else:
            assert task.piece is not None
            new = self._halves[index].settle(task.piece, value)
        halves = self._halves[index]
        tasks = [Task(piece.name, index, self._tries.get(index, 0), run_partition, halves.task(piece, self.job), piece)
                 for piece in new]
        return (self._halves.pop(index).result() if halves.finished else None), tasks


def recorded_outputs(journal: Journal | None, found: PartitionIds, duplicates: Mapping[int, str],
                     names: Sequence[str]) -> dict[int, Recorded]:
    """By position, the records of a partition that the previous run's main journal lists with the same hash and
    formats (duplicates aside): the worker checks their files on disk and skips them if unchanged. One lookup
    per record in the journal's DiskMap, so memory stays flat however long the journal is."""
    if journal is None or not found.digests:
        return {}
    ids = {position: record_id for position, _, _, record_id in found.ids}
    known: dict[int, Recorded] = {}
    for position, digest in found.digests:
        if position in duplicates:
            continue
        outputs = journal.recorded(ids[position], digest, names)
        if outputs is not None:
            known[position] = (ids[position], digest, outputs)
    return known


class Duplicates:
    """Takes the ids of partitions in input order and says which records repeat an id seen before, and where
    (the file and line of the first), as the one-machine engine does."""

    def __init__(self, ids: DiskMap) -> None:
        self.ids = ids
        self.base = 0  # lines of the current file before the next range

    def duplicates(self, part: Partition, found: PartitionIds) -> dict[int, str]:
        if part.first:
            self.base = 0
        repeated = {}
        for position, line, file, record_id in found.ids:
            if line is not None and not part.files:
                line += self.base
            first = self.ids.add(record_id, location(file, line))
            if first is not None:
                repeated[position] = first
        self.base += found.lines
        return repeated

    def skip(self, part: Partition) -> None:
        """A partition whose ids could not be read: only its lines are counted."""
        if part.first:
            self.base = 0
        with suppress(OSError):
            self.base += count_lines(part)


__all__ = ["CLIENT_TRIES", "Duplicates", "Schedule", "Task", "recorded_outputs"]

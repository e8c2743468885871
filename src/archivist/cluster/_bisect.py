"""A partition whose task killed its worker on every try, cut in halves and run again down to single records, so
only the records that really kill a worker are reported failed and the others are exported.

The halves are byte ranges cut at line boundaries (or halves of a list of files), each run by the same task as
any partition, with its own journal. To find the line boundaries the client reads the failed partition once (the
bytes of one partition, only when it failed). The extra tasks are capped at twice log2 of the partition's records
plus one more try of a record alone (enough to find one poison record), so input full of poison cannot keep the
cluster busy: a piece still failing then is reported whole. The pieces' results are put back together, in input
order, as the partition's result.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._errors import ArchivistError
from ..batch._work import RecordResult
from ..records import Status
from ._partition import Item, Job, Partition, PartitionResult, Recorded, entries, renamed_problems

ALONE_TRIES = 1  # a record whose task failed is run this many more times alone (it may have shared a dying worker)


@dataclass(frozen=True)
class Piece:
    """The units ``first`` to ``last`` - 1 of a failed partition (its lines, or its files); ``again``: a second
    try of a single record."""

    first: int
    last: int
    again: bool = False

    @property
    def name(self) -> str:
        """A name for its task key, unique within the partition."""
        return f"piece-{self.first}-{self.last}{'-again' if self.again else ''}"


class Bisection:
    """The halving of one failed partition: which pieces to run next, and their results gathered in order."""

    def __init__(self, part: Partition, duplicates: Mapping[int, str], known: Mapping[int, Recorded]) -> None:
        """Reads the partition's line boundaries (OSError if it cannot be read)."""
        self.part, self.duplicates, self.known = part, duplicates, known
        self.starts: list[int] = []  # for a range: where each line begins, then where the range ends
        if part.files:
            self.units = len(part.files)
            self.records = list(range(self.units))  # a file of a list holds one record
        else:
            with open(part.path, "rb") as handle:
                handle.seek(part.start)
                data = handle.read(part.end - part.start)
            self.records = []  # the units that hold a record (a blank line holds none)
            at = 0
            while at < len(data):
                after = data.find(b"\n", at)
                after = len(data) if after < 0 else after + 1
                if data[at:after].strip():
                    self.records.append(len(self.starts))
                self.starts.append(part.start + at)
                at = after
            self.starts.append(part.start + len(data))
            self.units = len(self.starts) - 1
        count = len(self.records)
        self.budget = 2 * math.ceil(math.log2(count)) + ALONE_TRIES if count > 1 else ALONE_TRIES
        self.extra = 0  # tasks sent so far
        self.running: set[Piece] = set()
        self.results: dict[int, tuple[Piece, PartitionResult | list[Item]]] = {}  # by first unit

    @property
    def finished(self) -> bool:
        return not self.running

    def start(self, error: Exception) -> list[Piece]:
        """The first pieces to run, for the whole partition's ``error``."""
        return self.settle(Piece(0, self.units), error)

    def settle(self, piece: Piece, result: PartitionResult | Exception) -> list[Piece]:
        """Take a piece's result; a failure is cut in two (or a single record tried once more alone) while the
        budget lasts, else reported. Returns the pieces to run now."""
        self.running.discard(piece)
        if not isinstance(result, Exception):
            self.results[piece.first] = (piece, result)
            return []
        base, count = self._span(piece)
        if count == 1 and not piece.again and self.budget - self.extra >= 1:
            new = [Piece(piece.first, piece.last, again=True)]
        elif count > 1 and self.budget - self.extra >= 2:
            cut = self.records[base + count // 2]  # each half holds half the records
            new = [Piece(piece.first, cut), Piece(cut, piece.last)]
        else:
            self.results[piece.first] = (piece, self._failed(piece, count, result))
            return []
        self.extra += len(new)
        self.running.update(new)
        return new

    def task(self, piece: Piece, job: Job) -> tuple[Partition, Job, dict[int, str], dict[int, Recorded]]:
        """The arguments of ``run_partition`` for a piece: its own partition (and journal), with the duplicates and
        the records known current at its own positions."""
        base, count = self._span(piece)
        return (self._partition(piece), job, _within(self.duplicates, base, count), _within(self.known, base, count))

    def result(self) -> PartitionResult:
        """The partition's result: every piece's records in order, their lines counted from the partition's start."""
        items: list[Item] = []
        parts: list[tuple[str, Mapping[str, Any]]] = []
        for first in sorted(self.results):
            piece, result = self.results[first]
            found = result if isinstance(result, list) else list(result.items)
            shift = 0 if self.part.files else piece.first  # a range's units are its lines
            items.extend(_shifted(item, shift) for item in found)
            if not isinstance(result, list):
                parts.extend(result.parts)  # the package parts of the pieces, joined in their order
        return PartitionResult(self.part.index, 0 if self.part.files else self.units, tuple(items), tuple(parts))

    def _span(self, piece: Piece) -> tuple[int, int]:
        """How many records of the partition come before the piece, and how many it holds."""
        base = bisect.bisect_left(self.records, piece.first)
        return base, bisect.bisect_left(self.records, piece.last) - base

    def _partition(self, piece: Piece) -> Partition:
        key = f"{self.part.key}.{piece.first}-{piece.last}"  # its own journal: pieces run side by side
        if self.part.files:
            return dataclasses.replace(self.part, key=key, files=self.part.files[piece.first:piece.last])
        return dataclasses.replace(self.part, key=key, start=self.starts[piece.first], end=self.starts[piece.last])

    def _failed(self, piece: Piece, count: int, error: Exception) -> list[Item]:
        """The records of a piece that still fails, each as failed (read here: one record, or a few)."""
        reason = _reason(error)
        if count == 1:
            message = f"its task failed on every try, with this record alone ({reason})"
        else:
            message = (f"the task for these {count} records failed on every try ({reason}), and the search for the "
                       f"record at fault stopped after {self.extra} more tasks")
        message += "; run the same command with --resume to try it again"
        part = self._partition(piece)
        try:
            return [Item(entry.line, offset, entry.file, path, _raw_id(entry.data), isinstance(entry.data, dict),
                         RecordResult(Status.CRASHED, message=message)) for offset, entry, path in entries(part)]
        except (OSError, ArchivistError) as exc:  # gone since: one failure names the piece
            where = part.file or part.files[0][0]
            message += f"; reading {part.describe()} here failed too: {exc}"
            return [Item(None, part.start, where, part.path or part.files[0][1], None, False,
                         RecordResult(Status.CRASHED, message=message))]


def _within(found: Mapping[int, Any], base: int, count: int) -> dict[int, Any]:
    """The entries of a by-position map that fall in a piece, at their positions in it."""
    return {position - base: value for position, value in found.items() if base <= position < base + count}


def _shifted(item: Item, lines: int) -> Item:
    """An item of a piece with its line (and its problems' lines) counted from the partition's start."""
    if not lines or item.line is None:
        return item
    result = item.result
    if result.problems:
        result = dataclasses.replace(result, problems=renamed_problems(result.problems, item.file, item.file, lines))
    return dataclasses.replace(item, line=item.line + lines, result=result)


def _raw_id(data: Any) -> Any:
    return data.get("id") if isinstance(data, dict) else None


def _reason(error: Exception) -> str:
    """Why a task failed, without what differs from run to run (task keys, worker addresses)."""
    if type(error).__name__ == "KilledWorker":
        return "its worker process died every time"
    return " ".join(f"{type(error).__name__}: {error}".split())[:300]


__all__ = ["ALONE_TRIES", "Bisection", "Piece"]

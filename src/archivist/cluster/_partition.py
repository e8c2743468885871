"""The input of a cluster batch cut into partitions, and the task that handles one on a worker.

A partition is a byte range of a JSON Lines file cut at line boundaries (so one large file is many tasks) or a
list of record files. The client plans partitions from file sizes alone (it reads one line at each cut); the
worker reads its own partition from the shared path, does the per-record work (the same as every engine) and
returns small results: line numbers are counted from the start of the range and made absolute by the client,
which knows how many lines the ranges before it held. Each partition keeps its own journal, so a run started
again with ``resume`` skips the records a killed run had finished; when resuming, the id task also returns each
record's hash, and the client names to the work task the records the main journal lists as done (a completed
run's), whose files the worker checks on disk before skipping them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._errors import SourceError
from ..batch._engine import PARTITION_BYTES, STDIN_REFUSED
from ..batch._journal import Journal, record_hash, unchanged
from ..batch._work import RecordResult, record_job
from ..records import (
    DuplicateId,
    Entry,
    Problem,
    Status,
    UnreadableSource,
    jsonl_entry,
    read_records,
    record_sources,
)
from ._parts import PartsJob, PartWriters

_FILES_PER_PARTITION = 1000

#: What the previous run's journal says of a record found current by its hash: id, hash, outputs (relative path,
#: SHA-256 by format), for the worker to check on disk.
Recorded = tuple[str, str, Mapping[str, tuple[str, str]]]


@dataclass(frozen=True)
class Partition:
    """One task's input: ``files`` (display name, absolute path, refusal) for a list of record files, else the
    bytes ``start``–``end`` of the JSON Lines file ``file`` (opened at ``path``). ``first``/``last``: whether the
    range begins or ends its file. ``key`` names it stably across runs (file, range, size and time of change)."""

    index: int
    key: str
    file: str = ""
    path: str = ""
    start: int = 0
    end: int = 0
    first: bool = True
    last: bool = True
    files: tuple[tuple[str, str, str | None], ...] = ()

    def describe(self, lines: tuple[int, int] | None = None) -> str:
        """Where this partition is, for a message: a file and line range (or byte range), or its files."""
        if self.files:
            shown = ", ".join(name for name, _, _ in self.files[:3])
            return f"the files {shown}{', …' if len(self.files) > 3 else ''}"
        if lines is not None:
            return f"lines {lines[0]}–{lines[1]} of {self.file}"
        return f"bytes {self.start}–{self.end} of {self.file}"


@dataclass(frozen=True)
class Job:
    """What every task of a batch does: formats, the output root, the journal folder (None for a dry run), the
    package parts to write (None when none)."""

    names: tuple[str, ...]
    root: str
    check_files: bool
    dry_run: bool
    resume: bool
    journals: str | None
    parts: PartsJob | None = None
    organization: str | None = None
    strict: bool = False


@dataclass(frozen=True)
class Item:
    """One record of a partition as the client needs it: its line (from the start of a range), the byte offset of
    that line, its file (as given, and absolute), its id as the record has it, whether it parsed to an object, and
    the per-record result."""

    line: int | None
    offset: int
    file: str
    path: str
    raw_id: Any
    has_data: bool
    result: RecordResult


@dataclass(frozen=True)
class PartitionIds:
    """The record ids of a partition, in order: (position in the partition, line from the start of a range, file
    as given, id), with the number of lines its range held; when resuming, the hash of each well-formed record
    that has an id, by position (the client looks them up in the previous run's journal)."""

    index: int
    lines: int
    ids: tuple[tuple[int, int | None, str, str], ...]
    digests: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class PartitionResult:
    """A partition's records in order, with the number of lines its range held, and its package parts in order:
    the key each was written under and what it tells the join (by package name). A partition cut in pieces (see
    ``_bisect``) has one part per piece that succeeded."""

    index: int
    lines: int
    items: tuple[Item, ...]
    parts: tuple[tuple[str, Mapping[str, Any]], ...] = ()


def plan(sources: Iterable[str], job: Job, size: int = PARTITION_BYTES) -> Iterator[Partition]:
    """The partitions of ``sources``, in input order, planned lazily (a folder of millions of files is never
    listed whole). SourceError for standard input: a cluster reads files from a shared path."""
    index = 0
    batch: list[tuple[str, str, str | None]] = []
    batch_bytes = 0

    def stamp(*parts: Any) -> str:
        text = repr((parts, job.names, job.check_files, job.strict))
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def flush() -> Partition:
        nonlocal index, batch, batch_bytes
        stats = [_stat(path) for _, path, _ in batch]
        part = Partition(index, stamp("files", batch, stats), files=tuple(batch))
        index += 1
        batch, batch_bytes = [], 0
        return part

    for name, refusal in record_sources(sources):
        if name == "-":
            raise SourceError(name, STDIN_REFUSED)
        path = os.path.abspath(name)
        if refusal is not None or not name.endswith(".jsonl"):
            batch.append((name, path, refusal))
            batch_bytes += _stat(path)[0] if refusal is None else 0
            if batch_bytes >= size or len(batch) >= _FILES_PER_PARTITION:
                yield flush()
            continue
        if batch:
            yield flush()
        for start, end, total in _cuts(path, size):
            yield Partition(index, stamp("range", path, start, end, _stat(path)), file=name, path=path, start=start,
                            end=end, first=start == 0, last=end == total)
            index += 1
    if batch:
        yield flush()


def _stat(path: str) -> tuple[int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return 0, 0
    return info.st_size, info.st_mtime_ns


def _cuts(path: str, size: int) -> Iterator[tuple[int, int, int]]:
    """Byte ranges of about ``size`` bytes covering the file, each ending just after a newline (or at the end)."""
    try:
        with open(path, "rb") as handle:
            total = os.fstat(handle.fileno()).st_size
            start = 0
            while True:
                if total - start <= size:
                    yield start, total, total
                    return
                handle.seek(start + size - 1)
                handle.readline()
                end = min(handle.tell(), total)
                yield start, end, total
                start = end
    except OSError as exc:
        raise SourceError(path, exc.strerror or str(exc)) from exc


def entries(part: Partition) -> Iterator[tuple[int, Entry, str]]:
    """(byte offset, entry, absolute path of its file) for each record of a partition; entries name files as the
    user gave them, lines of a range count from its start. Blank lines give nothing (but count)."""
    if part.files:
        for name, path, refusal in part.files:
            if refusal is not None:
                yield 0, Entry(name, None, None, (UnreadableSource(message=refusal, file=name),)), path
                continue
            for entry in read_records(path):
                yield 0, _renamed(entry, path, name), path
        return
    try:
        with open(part.path, "rb") as handle:
            handle.seek(part.start)
            offset, number = part.start, 0
            while offset < part.end:
                raw = handle.readline()
                if not raw:
                    break
                number += 1
                parsed = jsonl_entry(raw, part.path, number)
                if parsed is not None:
                    yield offset, _renamed(parsed, part.path, part.file), part.path
                offset += len(raw)
    except OSError as exc:
        raise SourceError(part.file, exc.strerror or str(exc)) from exc


def count_lines(part: Partition) -> int:
    """The lines a range holds (a list of files: 0)."""
    if part.files:
        return 0
    with open(part.path, "rb") as handle:
        handle.seek(part.start)
        data = handle.read(part.end - part.start)
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def _renamed(entry: Entry, path: str, name: str) -> Entry:
    """The entry under the name the user gave (it was read, and its files are checked, at the absolute path)."""
    if path == name:
        return entry
    return Entry(name, entry.line, entry.data, renamed_problems(entry.problems, path, name))


def renamed_problems(problems: Sequence[Problem], path: str, name: str,
                     line_base: int = 0) -> tuple[Problem, ...]:
    """Problems with ``path`` shown as ``name`` and lines moved down by ``line_base``."""
    fixed = []
    for problem in problems:
        changes: dict[str, Any] = {}
        if problem.file == path and path != name:
            changes["file"] = name
        if line_base and problem.line is not None:
            changes["line"] = problem.line + line_base
        fixed.append(dataclasses.replace(problem, **changes) if changes else problem)
    return tuple(fixed)


def partition_ids(part: Partition, digests: bool = False) -> PartitionIds:
    """The first task of a partition: the ids of its records (the client finds the duplicates, in input order,
    before any record is written, so a later record with an id already seen is never written), and with
    ``digests`` (resuming) their hashes."""
    found = []
    hashes = []
    for position, (_, entry, _) in enumerate(entries(part)):
        if entry.record_id is None:
            continue
        found.append((position, entry.line, entry.file, entry.record_id))
        if digests and isinstance(entry.data, dict) and not entry.problems:
            hashes.append((position, record_hash(entry.data)))
    return PartitionIds(part.index, count_lines(part), tuple(found), tuple(hashes))


def run_partition(part: Partition, job: Job, duplicates: Mapping[int, str],
                  known: Mapping[int, Recorded] | None = None) -> PartitionResult:
    """The second task of a partition: every record through the per-record work, in order, but for those at the
    ``duplicates`` positions (their id was seen first where the value says) and those at the ``known`` positions
    whose recorded outputs (by the previous run's main journal) are unchanged on disk. Records the partition's
    journal (read first when resuming) so a later ``resume`` skips what was finished, and writes its records'
    package parts."""
    journal = Journal(Path(job.journals) / part.key, resume=job.resume) if job.journals and not job.dry_run else None
    writers = PartWriters(job.parts, part.key)
    items = []
    try:
        for position, (offset, entry, path) in enumerate(entries(part)):
            data = entry.data if isinstance(entry.data, dict) else None
            if position in duplicates:
                result = _duplicate(entry, duplicates[position])
            elif known and position in known and (current := _known(known[position], job, journal)) is not None:
                result = current
            else:
                result = _result(entry, path, job, journal)
            writers.add(entry.data, result, job.names, job.root, path)
            items.append(Item(entry.line, offset, entry.file, path, data.get("id") if data is not None else None,
                              data is not None, result))
        summaries = writers.close()
    finally:
        writers.abort()  # when closed: nothing left to do
        if journal is not None:
            journal.close()
    return PartitionResult(part.index, count_lines(part), tuple(items), ((part.key, summaries),))


def _duplicate(entry: Entry, where: str) -> RecordResult:
    assert entry.record_id is not None  # only a record with an id can repeat one
    return RecordResult(Status.INVALID, (DuplicateId.of(entry.record_id, where, entry.file, entry.line),))


def _known(recorded: Recorded, job: Job, journal: Journal | None) -> RecordResult | None:
    """A record the previous run's journal lists with this hash and these formats: current if its files are
    unchanged on disk (the same check as the one-machine journal's), else None (it is exported again)."""
    record_id, digest, outputs = recorded
    if not unchanged(outputs, Path(job.root)):
        return None
    if journal is not None:
        journal.add(record_id, digest, outputs)
    return RecordResult(Status.CURRENT, digest=digest, outputs=outputs)


def _result(entry: Entry, path: str, job: Job, journal: Journal | None) -> RecordResult:
    """One record's result: already current by the partition's journal (when resuming), or the per-record work
    done on the record read at its absolute path (so --check-files finds its files whatever the worker's folder)."""
    record_id = entry.record_id
    if journal is not None and record_id is not None and entry.data is not None and not entry.problems:
        digest = record_hash(entry.data)
        done = journal.entry_if_current(record_id, digest, list(job.names), Path(job.root))
        if done is not None:
            journal.add(record_id, digest, done)
            return RecordResult(Status.CURRENT, digest=digest, outputs=done)
    absolute = Entry(path, entry.line, entry.data, entry.problems)
    result = record_job(absolute, job.names, job.root, job.check_files, job.dry_run, job.organization, job.strict)
    if result.problems or result.warnings:
        result = dataclasses.replace(result, problems=renamed_problems(result.problems, absolute.file, entry.file),
                                     warnings=renamed_problems(result.warnings, absolute.file, entry.file))
    if journal is not None and record_id is not None and result.status is Status.EXPORTED:
        journal.add(record_id, result.digest, result.outputs)
    return result


__all__ = ["Item", "Job", "Partition", "PartitionIds", "PartitionResult",
           "Recorded", "count_lines", "entries", "partition_ids", "plan", "renamed_problems", "run_partition"]

"""A batch on a Dask cluster: the per-record work runs as one task per partition on the workers, which read their
input from the shared path and write the per-record files straight into the output folder; this process (the
client) merges the results in input order, so the journal, the errors file, the summary and the packages are
the same as a one-machine run's.

Records with the same id in two partitions are both written by their workers; the merge keeps the first, as the
one-machine engine does, by removing what the later one wrote and writing the first one's files again. A worker
that dies mid-task has its task run again by the scheduler (outputs are written atomically, so a task run twice
writes the same files); a partition whose task fails on every try is reported, with its file and line range,
as a failure of each of its records, and the batch goes on.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import ArchivistError
from ..records import DuplicateId, EmptyInput, Entry, ExportFailed, Problem, Status, jsonl_entry, read_records
from ._diskmap import DiskMap
from ._journal import Journal
from ._partition import (
    Item,
    Job,
    Partition,
    PartitionResult,
    count_lines,
    entries,
    plan,
    renamed_problems,
    run_partition,
)
from ._work import ExportOutcome, record_job

if TYPE_CHECKING:
    from distributed import Client

    from ._engine import BatchOptions

CLUSTER_WORK = ".archivist-cluster"  # the partitions' journals, in the output folder while a cluster run is on
TASK_RETRIES = 2  # a task that raises is tried this many more times
ALLOWED_FAILURES = 2  # a task whose worker dies is tried again until this many workers died running it
_LOCAL = re.compile(r"local:(\d+)")
_WORKER_PARTIAL = re.compile(r"\..+\.\d+-\d+\.part")  # what write_atomic leaves when its process is killed


class ClusterError(ArchivistError):
    """The cluster cannot be used: Dask is not installed, the address is wrong, or the scheduler cannot be reached."""


@contextmanager
def connect(address: str, notice: Callable[[str], None]) -> Iterator[Client]:
    """A Dask client for ``address``: ``local:N`` starts a LocalCluster of N worker processes (stopped on exit),
    anything else is a scheduler address such as ``tcp://host:8786``. Says where the dashboard is, when there
    is one."""
    try:
        import dask
        import distributed
    except ImportError:
        raise ClusterError("--cluster needs Dask: install it with pip install 'archivist[dask]'") from None
    with ExitStack() as stack:
        local = _LOCAL.fullmatch(address)
        if local is not None:
            workers = int(local.group(1))
            if workers < 1:
                raise ClusterError(f"--cluster {address}: a local cluster needs at least one worker (local:2)")
            with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
                cluster = stack.enter_context(distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                    silence_logs=logging.ERROR))
            client = stack.enter_context(distributed.Client(cluster))
        else:
            try:
                client = stack.enter_context(distributed.Client(address, timeout="20s"))
            except (OSError, TimeoutError, ValueError) as exc:
                raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        if "dashboard" in client.scheduler_info().get("services", {}):
            notice(f"Dask dashboard: {client.dashboard_link}")
        yield client


def cluster_outcomes(sources: Iterable[str], root: Path, work: Path | None, options: BatchOptions,
                     journal: Journal | None, notice: Callable[[str], None]) -> Generator[ExportOutcome, None, None]:
    """Outcomes in input order, the work done by the cluster ``options.cluster`` names. ``work`` holds the
    partitions' journals (None for a dry run); it is removed once every partition is merged."""
    assert options.cluster is not None
    if work is not None and not options.resume:
        shutil.rmtree(work, ignore_errors=True)  # a killed run's journals: not asked to resume from them
    job = Job(tuple(options.formats), str(root.resolve()), options.check_files, options.dry_run, options.resume,
              str(work.resolve()) if work is not None else None)
    planned = plan(sources, job, options.partition_bytes)
    with connect(options.cluster, notice) as client, DiskMap() as ids:
        from distributed import as_completed

        merger = _Merger(job, journal, ids, replay=bool(options.packages) and not options.dry_run)
        window = 4 * max(sum(client.nthreads().values()), 1)
        token = uuid.uuid4().hex  # task keys of this run only (a shared scheduler may have run others)
        waiting: dict[int, Partition] = {}
        finished: dict[int, PartitionResult | Exception] = {}
        keys: dict[str, int] = {}
        queue = as_completed()

        def submit() -> bool:
            part = next(planned, None)
            if part is None:
                return False
            waiting[part.index] = part
            future = client.submit(run_partition, part, job, key=f"archivist-{token}-{part.index}",
                                   retries=TASK_RETRIES, pure=False)
            keys[str(future.key)] = part.index
            queue.add(future)
            return True

        try:
            while len(waiting) < window and submit():
                pass
            following = 0
            for future in queue:
                index = keys.pop(str(future.key))
                try:
                    finished[index] = future.result()
                except Exception as exc:  # the task failed on every try: its partition is reported
                    finished[index] = exc
                future.release()
                while following in finished:
                    yield from merger.merge(waiting.pop(following), finished.pop(following))
                    following += 1
                while len(waiting) < window and submit():
                    pass
        finally:
            queue.clear()  # cancels what is still queued or running
    if not options.dry_run:
        _sweep_worker_partials(root)
    if work is not None:
        shutil.rmtree(work, ignore_errors=True)


def _sweep_worker_partials(root: Path) -> None:
    """Remove the temporary files of workers killed while writing (every task is over; the client writes none
    at this moment, and the packages' own temporary files have other names)."""
    with os.scandir(root) as found:
        for item in found:
            if _WORKER_PARTIAL.fullmatch(item.name) and item.is_file(follow_symlinks=False):
                Path(item.path).unlink(missing_ok=True)


class _Merger:
    """Turns partition results, taken in input order, into the outcomes a one-machine run gives: absolute line
    numbers, duplicate ids refused (and their files undone), the journal written, the records read again for
    packages when there are any."""

    def __init__(self, job: Job, journal: Journal | None, ids: DiskMap, *, replay: bool) -> None:
        self.job, self.journal, self.ids, self.replay = job, journal, ids, replay
        self.root = Path(job.root)
        self.base = 0  # lines of the current file before the next range
        self.count = 0  # records of the current file so far

    def merge(self, part: Partition, result: PartitionResult | Exception) -> Iterator[ExportOutcome]:
        if part.first:
            self.base = self.count = 0
        if isinstance(result, Exception):
            yield from self._failed(part, result)
        else:
            base = 0 if part.files else self.base
            full = (entry for _, entry, _ in entries(part)) if self.replay else None
            for item in result.items:
                record = next(full).data if full is not None else None
                self.count += 1
                yield self._outcome(item, base, record, ranged=not part.files)
            self.base += result.lines
        if not part.files and part.last and self.count == 0:
            problem = EmptyInput(message="empty input: no record here", file=part.file)
            yield _outcome(Entry(part.file, None, None), (problem,), Status.INVALID)

    def _outcome(self, item: Item, base: int, record: dict[str, Any] | None, *, ranged: bool) -> ExportOutcome:
        line = item.line + base if ranged and item.line is not None else item.line
        data = record if record is not None else ({"id": item.raw_id} if item.has_data else None)
        entry = Entry(item.file, line, data)
        result = item.result
        record_id = item.raw_id if item.has_data and isinstance(item.raw_id, str) else None
        if record_id is not None:
            written = [relative for relative, _ in result.outputs.values()]
            where = item.file + (f":{line}" if line else "")
            first = self.ids.add(record_id, json.dumps({"where": where, "path": item.path, "offset": item.offset,
                                                         "ranged": ranged, "written": written}))
            if first is not None:
                earlier = json.loads(first)
                self._undo(written, earlier)
                problem = DuplicateId(f"duplicate record id {record_id!r}: {earlier['where']} has it too; this one is "
                                      "skipped so nothing is overwritten", pointer="/id", file=item.file, line=line,
                                      record_id=record_id)
                return _outcome(entry, (problem,), Status.INVALID)
        problems = renamed_problems(result.problems, item.file, item.file, base if ranged else 0)
        if result.status is Status.INVALID:
            return _outcome(entry, problems, Status.INVALID)
        if result.status is Status.CHECKED:
            return _outcome(entry, (), Status.CHECKED)
        if result.status is Status.CRASHED:
            failed = ExportFailed(f"export failed: {result.message}", file=item.file, line=line, record_id=record_id)
            return _outcome(entry, (failed,), Status.CRASHED)
        assert record_id is not None  # an exported or current record has a valid id
        if self.journal is not None:
            self.journal.add(record_id, result.digest, result.outputs)
        paths = tuple(self.root / result.outputs[name][0] for name in self.job.names)
        return _outcome(entry, (), result.status, paths)

    def _undo(self, written: list[str], earlier: dict[str, Any]) -> None:
        """A later record with an id already seen was written by its worker: remove its files, and write the
        earlier record's files again where they shared a name."""
        if not written:
            return
        kept = set(earlier["written"])
        for relative in written:
            if relative not in kept:
                (self.root / relative).unlink(missing_ok=True)
        if kept & set(written):
            record_job(_read_again(earlier), self.job.names, self.job.root, self.job.check_files, dry_run=False)

    def _failed(self, part: Partition, error: Exception) -> Iterator[ExportOutcome]:
        """Every record of a partition whose task failed on every try, as failed with the partition named."""
        reason = " ".join(f"{type(error).__name__}: {error}".split())[:300]
        try:
            lines = count_lines(part)
            found = [(entry, path) for _, entry, path in entries(part)]
        except (OSError, ArchivistError) as exc:
            lines, found = 0, []
            reason += f"; reading it here failed too: {exc}"
        span = None if part.files else (self.base + 1, self.base + max(lines, 1))
        message = (f"not exported: the task for {part.describe(span)} failed on every try ({reason}); run the same "
                   "command with --resume to try it again")
        if not found:
            yield _outcome(Entry(part.file or part.files[0][0], span[0] if span else None, None),
                           (ExportFailed(message, file=part.file or part.files[0][0]),), Status.CRASHED)
        base = 0 if part.files else self.base
        for entry, path in found:
            line = entry.line + base if entry.line is not None and not part.files else entry.line
            self.count += 1
            record_id = entry.record_id
            if record_id is not None:
                self.ids.add(record_id, json.dumps({"where": entry.file + (f":{line}" if line else ""), "path": path,
                                                    "offset": 0, "ranged": False, "written": []}))
            failed = ExportFailed(message, file=entry.file, line=line, record_id=record_id)
            yield _outcome(Entry(entry.file, line, entry.data), (failed,), Status.CRASHED)
        self.base += lines


def _read_again(earlier: dict[str, Any]) -> Entry:
    """The record an id was first seen with, read again from its file (its line, for JSON Lines)."""
    path = earlier["path"]
    if earlier["ranged"]:
        with open(path, "rb") as handle:
            handle.seek(earlier["offset"])
            entry = jsonl_entry(handle.readline(), path, 1)
        assert entry is not None  # it was a record when its worker read it
        return entry
    return next(iter(read_records(path)))


def _outcome(entry: Entry, problems: tuple[Problem, ...], status: Status,
             written: tuple[Path, ...] = ()) -> ExportOutcome:
    return ExportOutcome(entry, problems, status, written)


__all__ = ["CLUSTER_WORK", "ClusterError", "cluster_outcomes", "connect"]

"""A batch on a Dask cluster: the per-record work runs as one task per partition on the workers, which read their
input from the shared path and write the per-record files straight into the output folder; this process (the
client) merges the results in input order, so the journal, the errors file, the summary and the packages are
the same as a one-machine run's.

Duplicate ids are found before anything is written: each partition's ids are read first (a quick task) and
taken here in input order, so the records that repeat an id are named to the task that exports. A worker
that dies mid-task has its task run again by the scheduler (outputs are written atomically, so a task run twice
writes the same files); a partition whose task kills its worker on every try is cut in halves, down to single
records, so only the records that do it are reported failed (see ``_bisect``); one whose task raises on every
try is reported, with its file and line range, as a failure of each of its records. The batch goes on. A run
stopped by a signal or an error cancels its tasks and waits for those still executing, so no worker writes into
the output folder once it is unlocked.
``resume`` skips the records the previous run's main journal lists with the same hash and unchanged files (looked
up here by id and hash, checked on disk by the workers), and those the partitions' journals of a killed run list.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._diskmap import DiskMap
from .._errors import ArchivistError
from ..batch._engine import CLUSTER_WORK
from ..batch._journal import Journal
from ..batch._work import ExportOutcome
from ..batch._workers import signals_held
from ..records import EmptyInput, Entry, ExportFailed, Problem, Status
from ._partition import (
    Item,
    Job,
    Partition,
    PartitionResult,
    count_lines,
    entries,
    plan,
    renamed_problems,
)
from ._parts import PartJoiner, parts_job
from ._schedule import Schedule, Task

if TYPE_CHECKING:
    from distributed import Client

    from ..batch._engine import BatchOptions
    from ..packages import Package

TASK_RETRIES = 2  # a task that raises is tried this many more times
ALLOWED_FAILURES = 2  # a task whose worker dies is tried again until this many workers died running it
STOP_WAIT = 60.0  # seconds a stopped run waits for its tasks already executing on the workers
#: A local cluster closes a worker's nanny (for good) when the worker has not come back this long after it died;
#: Dask's 15 s is shorter than a restart under load after poison input killed it again and again (all workers
#: were lost and the run waited forever).
LOST_WORKER, LOST_WORKER_WAIT = "distributed.deploy.lost-worker-timeout", "1h"
_DASK_LOGGERS = ("distributed", "tornado", "asyncio")
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
        levels = {name: logging.getLogger(name).level for name in _DASK_LOGGERS}
        for name, level in levels.items():  # run last on the way out, once the cluster is closed
            stack.callback(logging.getLogger(name).setLevel, level)
        local = _LOCAL.fullmatch(address)
        if local is not None:
            workers = int(local.group(1))
            if workers < 1:
                raise ClusterError(f"--cluster {address}: a local cluster needs at least one worker (local:2)")
            # kept while the cluster runs: Dask reads the lost-worker timeout each time a worker dies
            stack.enter_context(dask.config.set({LOST_WORKER: LOST_WORKER_WAIT}))
            with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
                                  "distributed.scheduler.worker-saturation": 1.0,  # none waits behind a poison
                                  "distributed.worker.profile.enabled": False}), \
                    signals_held():  # a cluster half started cannot be closed: a signal waits until it is up
                # The workers' own log lines (a task's exception, a heartbeat missed as the cluster closes) would
                # only repeat, as tracebacks, what the run reports record by record: they stay silent.
                cluster = stack.enter_context(distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                    silence_logs=logging.CRITICAL))
                client = stack.enter_context(distributed.Client(cluster))
        else:
            try:
                client = stack.enter_context(distributed.Client(address, timeout="20s"))
            except (OSError, TimeoutError, ValueError) as exc:
                raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        stack.callback(_quiet)  # run first on the way out: a client or cluster being closed says nothing
        if "dashboard" in client.scheduler_info().get("services", {}):
            notice(f"Dask dashboard: {client.dashboard_link}")
        yield client


def _quiet() -> None:
    """While the cluster is closed, Dask's loggers say nothing more: the command has printed its own lines (a
    signal or an error is one line), and a busy machine can make the closing scheduler and workers complain of
    missed heartbeats, a traceback with nothing for the user to do."""
    for name in _DASK_LOGGERS:  # until the cluster is closed (connect sets them back then)
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def cluster_outcomes(sources: Iterable[str], root: Path, work: Path | None, options: BatchOptions,
                     journal: Journal | None, client: Client,
                     packages: Sequence[Package] = ()) -> Generator[ExportOutcome, None, None]:
    """Outcomes in input order, the work done by the cluster ``client`` is connected to (see :func:`connect`).
    ``work`` holds the partitions' journals (None for a dry run); it is removed once every partition is merged.

    The tasks go out in the order :class:`~._schedule.Schedule` gives, a few per worker ahead of the merge, so
    memory here stays flat however long the input is. The ``packages`` that can be split are built from parts the
    tasks write; for the others the records are read again here."""
    assert options.cluster is not None
    if work is not None and not options.resume:
        shutil.rmtree(work, ignore_errors=True)  # a killed run's journals: not asked to resume from them
    package_parts = parts_job(packages, work) if work is not None else None
    job = Job(tuple(options.formats), str(root.resolve()), options.check_files, options.dry_run, options.resume,
              str(work.resolve()) if work is not None else None, parts=package_parts,
              organization=options.settings.source_organization, strict=options.strict)
    resuming = options.resume and journal is not None  # the previous run's main journal says what is current
    with DiskMap() as ids:
        from distributed import KilledWorker, as_completed

        merger = _Merger(job, journal, replay=any(not package.splits for package in packages),
                         joiner=PartJoiner(packages, package_parts))
        schedule = Schedule(plan(sources, job, options.partition_bytes), job, ids, journal, resuming=resuming,
                            killed=lambda value: isinstance(value, KilledWorker))
        token = uuid.uuid4().hex  # task keys of this run only (a shared scheduler may have run others)
        sent: dict[str, tuple[Task, Any]] = {}  # by key, the tasks (and futures) not taken from the queue yet
        queue = as_completed()
        window = [0, 0.0]  # tasks kept ahead (4 per worker thread), and when the threads were last counted

        def send(tasks: Iterable[Task]) -> None:
            for task in tasks:
                future = client.submit(task.function, *task.args, retries=TASK_RETRIES, pure=False,
                                       key=f"archivist-{token}-{task.kind}-{task.attempt}-{task.index}",
                                       priority=1 if task.kind == "ids" else 0)
                sent[str(future.key)] = (task, future)
                queue.add(future)

        def ahead() -> int:
            if time.monotonic() - window[1] > 5:  # workers may join or leave a cluster during the run
                window[:] = [4 * max(sum(client.nthreads().values()), 1), time.monotonic()]
            return int(window[0])

        try:
            send(schedule.more(ahead()))
            for future in queue:
                task, _ = sent.pop(str(future.key))
                try:
                    value = future.result()
                except Exception as exc:  # the task failed on every try (a worker died each time, or it raised)
                    value = exc
                future.release()
                send(schedule.settle(task, value))
                for part, result in schedule.ready():
                    yield from merger.merge(part, result)
                send(schedule.more(ahead()))
        finally:
            queue.clear()
            stop_tasks(client, [future for _, future in sent.values()], f"archivist-{token}-")
    if not options.dry_run:
        _sweep_worker_partials(root)
    if work is not None:
        shutil.rmtree(work, ignore_errors=True)


def stop_tasks(client: Client, futures: Iterable[Any], prefix: str) -> None:
    """Cancel the tasks of ``futures`` (a run stopped by a signal or an error), then wait, up to STOP_WAIT seconds,
    until no worker is still executing a task whose key starts with ``prefix``: a task cannot be stopped midway,
    but this way its writes end before the output folder is unlocked."""
    pending = list(futures)
    if not pending:
        return
    with suppress(Exception):  # a cluster going away as it is stopped: nothing more to wait for
        client.cancel(pending)
        deadline = time.monotonic() + STOP_WAIT
        while time.monotonic() < deadline and any(client.run(running_tasks, prefix).values()):
            time.sleep(0.1)


def running_tasks(prefix: str, dask_worker: Any = None) -> int:
    """On a worker (``Client.run`` passes ``dask_worker``): how many tasks whose key starts with ``prefix`` are
    occupying a thread, cancelled ones included (they run to their end)."""
    return sum(str(task.key).startswith(prefix) for task in dask_worker.state.all_running_tasks)


def _sweep_worker_partials(root: Path) -> None:
    """Remove the temporary files of workers killed while writing (every task is over; the client writes none
    at this moment, and the packages' own temporary files have other names)."""
    with os.scandir(root) as found:
        for item in found:
            if _WORKER_PARTIAL.fullmatch(item.name) and item.is_file(follow_symlinks=False):
                Path(item.path).unlink(missing_ok=True)


class _Merger:
    """Turns partition results, taken in input order, into the outcomes a one-machine run gives: absolute line
    numbers, the journal written, package parts joined, the records read again for packages that cannot be split."""

    def __init__(self, job: Job, journal: Journal | None, *, replay: bool, joiner: PartJoiner) -> None:
        self.job, self.journal, self.replay, self.joiner = job, journal, replay, joiner
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
            for key, summaries in result.parts:  # one part, or one per piece of a partition cut in pieces
                self.joiner.join(key, summaries)
        if not part.files and part.last and self.count == 0:
            problem = EmptyInput(message="empty input: no record here", file=part.file)
            yield _outcome(Entry(part.file, None, None), (problem,), Status.INVALID)

    def _outcome(self, item: Item, base: int, record: dict[str, Any] | None, *, ranged: bool) -> ExportOutcome:
        line = item.line + base if ranged and item.line is not None else item.line
        data = record if record is not None else ({"id": item.raw_id} if item.has_data else None)
        entry = Entry(item.file, line, data)
        result = item.result
        record_id = item.raw_id if item.has_data and isinstance(item.raw_id, str) else None
        problems = renamed_problems(result.problems, item.file, item.file, base if ranged else 0)
        if result.status is Status.INVALID:
            return _outcome(entry, problems, Status.INVALID)
        warnings = renamed_problems(result.warnings, item.file, item.file, base if ranged else 0)
        if result.status is Status.CHECKED:
            return _outcome(entry, (), Status.CHECKED, warnings=warnings)
        if result.status is Status.CRASHED:
            failed = ExportFailed(f"export failed: {result.message}", file=item.file, line=line, record_id=record_id)
            return _outcome(entry, (failed,), Status.CRASHED)
        assert record_id is not None  # an exported or current record has a valid id
        if self.journal is not None:
            self.journal.add(record_id, result.digest, result.outputs)
        paths = tuple(self.root / result.outputs[name][0] for name in self.job.names)
        return _outcome(entry, (), result.status, paths, warnings)

    def _failed(self, part: Partition, error: Exception) -> Iterator[ExportOutcome]:
        """Every record of a partition whose task failed on every try, as failed with the partition named."""
        reason = " ".join(f"{type(error).__name__}: {error}".split())[:300]
        try:
            lines = count_lines(part)
            found = [entry for _, entry, _ in entries(part)]
        except (OSError, ArchivistError) as exc:
            lines, found = 0, []
            reason += f"; reading it here failed too: {exc}"
        span = None if part.files else (self.base + 1, self.base + max(lines, 1))
        message = (f"not exported: the task for {part.describe(span)} failed on every try ({reason}); run the same "
                   "command with --resume to try it again")
        where = part.file or part.files[0][0]
        if not found:
            yield _outcome(Entry(where, span[0] if span else None, None), (ExportFailed(message, file=where),),
                           Status.CRASHED)
        base = 0 if part.files else self.base
        for entry in found:
            line = entry.line + base if entry.line is not None and not part.files else entry.line
            self.count += 1
            failed = ExportFailed(message, file=entry.file, line=line, record_id=entry.record_id)
            yield _outcome(Entry(entry.file, line, entry.data), (failed,), Status.CRASHED)
        self.base += lines


def _outcome(entry: Entry, problems: tuple[Problem, ...], status: Status,
             written: tuple[Path, ...] = (), warnings: tuple[Problem, ...] = ()) -> ExportOutcome:
    return ExportOutcome(entry, problems, status, written, warnings)


__all__ = ["CLUSTER_WORK", "ClusterError", "cluster_outcomes", "connect", "stop_tasks"]

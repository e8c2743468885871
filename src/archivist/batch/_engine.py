"""Export many records: validate each, export it to every asked format, write atomically, build packages.

Records are read as a stream; one bad record is reported and never stops the batch. With ``jobs`` > 1 the
exports run in that many processes (this one and a pool of workers), and the output is the same whatever the
number of jobs. With ``resume`` the records whose outputs a previous run completed (and that have not
changed) are not exported again.

Nothing is written before every output path is known to be clear of the inputs, and the output folder is
locked for the run. Ctrl-C or SIGTERM stops the batch cleanly (:class:`BatchInterrupted`): workers stop, no
partial file is left, and the journal keeps what was done for ``resume``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections import deque
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, BinaryIO

import orjson

from .._atomic import atomic_writer, discard_partials, sweep_partials, write_atomic
from .._diskmap import DiskMap
from .._errors import SourceError
from .._paths import check_outputs, real
from .._registry import choose
from ..exporters import REGISTRY as EXPORTERS
from ..exporters import get as get_exporter
from ..exporters.epub import export_collection
from ..packages import REGISTRY as PACKAGES
from ..packages import Package, PackageSettings, payload_folder
from ..packages import get as get_package
from ..records import (
    DuplicateId,
    Entry,
    ExportFailed,
    Outcome,
    Problem,
    Status,
    Summary,
    check_sources,
    fast_validator,
    read_records,
)
from ._journal import JOURNAL, Journal, record_hash
from ._outdir import LOCK, OutputFolder, OutputRefused
from ._work import ExportOutcome, RecordResult, record_job

if TYPE_CHECKING:
    from distributed import Client
from ._workers import Stopped, interrupts, stop_workers, worker_pool

BatchReport = Summary  # the counts of a batch: a Summary made with batch=True
CLUSTER_WORK = ".archivist-cluster"  # the partitions' journals, in the output folder while a cluster run is on
PARTITION_BYTES = 1 << 20  # a cluster task's input: about a hundred typical records, a second or so of work
#: Why a cluster cannot read standard input (each worker reads its own partitions from a path).
STDIN_REFUSED = "standard input cannot be shared with a cluster: give files on a shared path"


@dataclass(frozen=True)
class BatchOptions:
    """What to export and how: per-record formats and packages by name, process count, resume, adding to a
    non-empty output folder, dry run; ``cluster`` runs the work on a Dask cluster (``tcp://host:8786``, or
    ``local:N`` for N worker processes here), in partitions of about ``partition_bytes`` of input."""

    formats: Sequence[str] = ()
    packages: Sequence[str] = ()
    jobs: int = 1
    resume: bool = False
    add: bool = False
    dry_run: bool = False
    check_files: bool = False
    errors: str | os.PathLike[str] | None = None
    settings: PackageSettings = field(default_factory=PackageSettings)
    cluster: str | None = None
    partition_bytes: int = PARTITION_BYTES
    strict: bool = False  # catalog-quality warnings are errors


def split_formats(names: str | Iterable[str]) -> tuple[list[str], list[str]]:
    """Per-record formats and packages for a comma-separated list (``all`` = every built-in per-record format);
    UnknownFormat lists every valid name."""
    formats, packages = choose(names, [EXPORTERS, PACKAGES], EXPORTERS.builtin_names())
    return formats, packages


def _failure(entry: Entry, problems: Sequence[Problem]) -> dict[str, Any]:
    return {"id": entry.data.get("id") if isinstance(entry.data, dict) else None, "file": entry.file,
            "line": entry.line, "errors": [p.to_dict() for p in problems]}


class BatchInterrupted(KeyboardInterrupt):
    """A batch stopped by Ctrl-C (SIGINT) or SIGTERM, cleanly: ``report`` counts what was done before it stopped,
    ``signal`` is the signal's number. The journal holds every completed record, so ``resume`` goes on from there."""

    def __init__(self, report: Summary, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name} after {report.read} records")
        self.report = report
        self.signal = signum


def run_batch(paths: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], options: BatchOptions, *,
              on_outcome: Callable[[ExportOutcome], None] | None = None,
              on_warning: Callable[[str], None] | None = None, stdin: BinaryIO | None = None,
              on_notice: Callable[[str], None] | None = None) -> Summary:
    """Validate and export every record under ``paths`` into ``out``; ``on_outcome`` sees each record's result,
    ``on_warning`` each warning (a damaged journal line, a record a package left out) as it happens,
    ``on_notice`` news such as where the cluster's dashboard is.

    Raises, before anything is written: SourceError for a missing path or an empty directory, PathConflict for an
    output path that is, contains or lies inside an input, OutputRefused for an output folder another run holds
    or that is not empty (unless ``add`` or ``resume``; a bag only into a new or empty folder). Every per-record
    problem is in the report and the errors file. Ctrl-C or SIGTERM raises BatchInterrupted; either while the cluster
    is being connected to (a remote scheduler that does not answer, a local cluster starting), before anything
    started, raises ``Stopped`` (a KeyboardInterrupt naming its signal) instead."""
    sources = [os.fspath(p) for p in paths]
    check_sources(sources)
    if options.cluster is not None and "-" in sources:
        raise SourceError("-", STDIN_REFUSED)
    folder = Path(out)
    _check_outputs(sources, folder, options)
    options = replace(options, settings=replace(options.settings, sources=tuple(sources)))
    report = Summary(batch=True)

    def warn(message: str) -> None:
        report.warnings.append(message)
        if on_warning is not None:
            on_warning(message)

    begun = False  # whether the run got past connecting to its cluster
    try:
        with interrupts(), ExitStack() as stack:
            # The cluster first: an address that is wrong or unreachable is an error before anything is written.
            client = None if options.cluster is None else \
                stack.enter_context(_cluster().connect(options.cluster, on_notice or (lambda _: None)))
            begun = True
            if not options.dry_run:
                stack.enter_context(OutputFolder(folder, add=options.add, resume=options.resume, journal=JOURNAL,
                                                 bag=payload_folder(options.packages) is not None))
            _run(sources, folder, options, report, on_outcome, warn, stdin, client)
    except KeyboardInterrupt as exc:
        signum = exc.signal if isinstance(exc, Stopped) else signal.SIGINT
        if not begun:  # a signal while connecting: nothing started, nothing to resume
            raise Stopped(signum) from None
        discard_partials()  # whatever this process was still writing when the signal came
        raise BatchInterrupted(report, signum) from None
    return report


def _check_outputs(paths: list[str], out: Path, options: BatchOptions) -> None:
    """Refuse, before anything is written, outputs that touch an input, and an errors file that cannot be one."""
    check_outputs(paths, {"the errors file": options.errors, "the output folder": None if options.dry_run else out})
    if options.errors is None:
        return
    errors = real(options.errors)
    if errors.is_dir():
        raise OutputRefused(f"the errors file {os.fspath(options.errors)} is a folder: name a file")
    if options.dry_run:
        return
    folder = real(out)
    if errors in (folder / JOURNAL, folder / LOCK):
        raise OutputRefused(f"the errors file {os.fspath(options.errors)} would replace the run's own journal or lock")
    if payload_folder(options.packages) is not None and folder in errors.parents:
        raise OutputRefused(f"the errors file {os.fspath(options.errors)} is inside the bag {out}, where it would be "
                            "a file no manifest covers: write it outside the bag")


def _run(paths: list[str], out: Path, options: BatchOptions, report: Summary,
         on_outcome: Callable[[ExportOutcome], None] | None, warn: Callable[[str], None],
         stdin: BinaryIO | None, client: Client | None) -> None:
    """The batch itself, in a locked output folder (or none, for a dry run)."""
    payload = payload_folder(options.packages)
    bag = payload is not None
    root = out / payload if payload is not None else out
    packages: list[Package] = []
    journal: Journal | None = None
    pipeline: Generator[ExportOutcome, None, None] | None = None
    try:
        with ExitStack() as stack:  # the errors file is kept on success, discarded as an exception leaves it
            error_stream = stack.enter_context(atomic_writer(options.errors, durable=True)) if options.errors else None
            if not options.dry_run:
                root.mkdir(parents=True, exist_ok=True)
                _sweep(out, options.packages)
                # a cluster run also resumes from its partitions' journals (a killed client's unmerged work)
                journal = Journal(out, resume=options.resume, warn=warn)
                settings = replace(options.settings, warn=warn)  # the packages warn through the run's one channel
                for name in options.packages:
                    wraps = get_package(name).payload is not None
                    packages.append(get_package(name)(out if wraps else root, settings))
            # on a cluster, packages that can be split are joined from parts the workers write
            direct = [package for package in packages if client is None or not package.splits]
            if client is not None:
                work = None if options.dry_run else out / CLUSTER_WORK
                pipeline = _cluster().cluster_outcomes(paths, root, work, options, journal, client, packages)
            else:
                pipeline = _pipeline(paths, root, options, journal, stdin)
            for outcome in pipeline:
                report.add(outcome)
                if not outcome.ok and error_stream is not None:
                    error_stream.write((json.dumps(_failure(outcome.entry, outcome.problems), ensure_ascii=False)
                                        + "\n").encode("utf-8"))
                if outcome.ok and not options.dry_run:
                    exports = {name: path for name, path in zip(options.formats, outcome.written, strict=True)}
                    for name in exports:
                        report.per_format[name] += 1
                    if direct:
                        record = outcome.entry.data
                        assert record is not None
                        base = Path(outcome.entry.file).parent if outcome.entry.file != "-" else None
                        for package in direct:
                            package.add(record, exports, base)
                if on_outcome is not None:
                    on_outcome(outcome)
            if journal is not None:
                journal.close()
                if options.resume:
                    journal.compact()
            for package in packages:
                if client is not None:
                    package.spread = _cluster().spread_on(client)  # a bag's files are hashed on the cluster
                report.packages += package.finish()
            packages = []
            if not options.dry_run:  # a killed cluster run's partition journals, finished by this run
                shutil.rmtree(out / CLUSTER_WORK, ignore_errors=True)
            if bag:  # a finished bag holds nothing but the bag; a resumed run of it simply exports everything again
                (out / JOURNAL).unlink(missing_ok=True)
    except BaseException:
        if pipeline is not None:
            pipeline.close()  # stops the workers and waits for them
        for package in packages:
            package.abort()
        if journal is not None:
            journal.close()
        if not options.dry_run:  # what a signal cut short anywhere (even a package being set up) goes too
            _sweep(out, options.packages)
        raise


def _cluster() -> ModuleType:
    """The cluster engine (:mod:`archivist.cluster`, needing the ``dask`` extra), imported by a run that uses one."""
    from .. import cluster

    return cluster


def _sweep(out: Path, packages: Sequence[str]) -> None:
    """Remove the temporary files of interrupted runs wherever a batch writes them (the folder is locked)."""
    sweep_partials(out)
    for name in packages:
        for folder, deep in get_package(name).swept(out):
            sweep_partials(folder, deep=deep)


def _pipeline(paths: Iterable[str | os.PathLike[str]], root: Path, options: BatchOptions, journal: Journal | None,
              stdin: BinaryIO | None) -> Generator[ExportOutcome, None, None]:
    """Outcomes in input order, with a bounded window of records in flight so memory stays flat however long
    the input is. With ``jobs`` > 1 this process and ``jobs`` - 1 worker processes validate and export: chunks
    go to the workers while they have fewer than two each waiting, and this process does the next one itself
    when they are busy, so ``jobs`` processes share ``jobs`` cores instead of ``jobs`` + 1."""
    names = list(options.formats)
    for name in names:  # loaded once here, so forked workers inherit them instead of each loading its own
        get_exporter(name)
    fast_validator()
    ids = DiskMap()
    jobs = options.jobs if options.jobs > 0 else (os.cpu_count() or 1)
    pool = worker_pool(jobs - 1) if jobs > 1 else None
    sent: deque[Future[list[RecordResult]]] = deque()
    window: deque[tuple[Entry, RecordResult | _Slot]] = deque()
    chunk: list[Entry] = []
    slots: list[_Slot] = []
    limit = jobs * _CHUNK * 4
    args = (names, str(root), options.check_files, options.dry_run, options.settings.source_organization,
            options.strict)

    def submit() -> None:
        assert pool is not None
        while sent and sent[0].done():
            sent.popleft()
        future: Future[list[RecordResult]] | None = None
        if len(sent) < 2 * (jobs - 1):
            try:
                future = pool.submit(_record_jobs, [_pack(entry) for entry in chunk], *args)
                sent.append(future)
            except BrokenProcessPool:  # a worker died (killed, out of memory): this process does the rest
                future = None
        if future is None:  # the workers have enough to do: this process takes the chunk
            future = Future()
            future.set_result([record_job(entry, *args) for entry in chunk])
        for slot in slots:
            slot.future = future
        chunk.clear()
        slots.clear()

    try:
        for entry in read_records(*paths, stdin=stdin):
            record = entry.data
            record_id = record.get("id") if isinstance(record, dict) else None
            if isinstance(record_id, str):
                first = ids.add(record_id, entry.where)
                if first is not None:
                    problem = DuplicateId.of(record_id, first, entry.file, entry.line)
                    window.append((entry, RecordResult(Status.INVALID, (problem,))))
                    record = None
            if record is not None and journal is not None and options.resume and not entry.problems:
                done = journal.outputs_if_current(record_id, record_hash(record), names, root) if record_id else None
                if done is not None:
                    window.append((entry, RecordResult(Status.CURRENT, current=tuple(done[n] for n in names))))
                    record = None
            if record is not None or entry.problems:
                if pool is None:
                    window.append((entry, record_job(entry, *args)))
                else:
                    slot = _Slot(len(chunk))
                    chunk.append(entry)
                    slots.append(slot)
                    window.append((entry, slot))
                    if len(chunk) >= _CHUNK:
                        submit()
            while window and (len(window) > limit or not isinstance(window[0][1], _Slot) or window[0][1].ready()):
                if isinstance(window[0][1], _Slot) and window[0][1].future is None:
                    submit()
                yield _settle(*window.popleft(), args, journal)
        if chunk:
            submit()
        while window:
            yield _settle(*window.popleft(), args, journal)
    except BaseException:  # interrupted, or closed early: the workers stop now, removing their temporary files
        if pool is not None:
            stop_workers(pool)
        raise
    finally:
        ids.close()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


_CHUNK = 16  # records sent to a worker at once: fewer round trips, still a small window


class _Slot:
    """Where one record's result will be: its place in a chunk of records sent to a worker together."""

    __slots__ = ("future", "index")

    def __init__(self, index: int) -> None:
        self.index = index
        self.future: Future[list[RecordResult]] | None = None

    def ready(self) -> bool:
        return self.future is not None and self.future.done()

    def result(self) -> RecordResult:
        assert self.future is not None
        return self.future.result()[self.index]


def _pack(entry: Entry) -> Entry | tuple[str, int | None, bytes]:
    """An entry as sent to a worker: a well-formed record goes as JSON bytes, which orjson writes and reads back
    several times faster than pickle copies a dict; the rest (and what orjson declines) goes as it is."""
    if entry.problems or not isinstance(entry.data, dict):
        return entry
    try:
        return entry.file, entry.line, orjson.dumps(entry.data)
    except orjson.JSONEncodeError:  # a lone surrogate, an integer beyond 64 bits
        return entry


def _unpack(packed: Entry | tuple[str, int | None, bytes]) -> Entry:
    return packed if isinstance(packed, Entry) else Entry(packed[0], packed[1], orjson.loads(packed[2]))


def _record_jobs(entries: list[Entry | tuple[str, int | None, bytes]], names: Sequence[str], root: str,
                 check_files: bool, dry_run: bool, organization: str | None, strict: bool) -> list[RecordResult]:
    return [record_job(_unpack(entry), names, root, check_files, dry_run, organization, strict) for entry in entries]


def _settle(entry: Entry, result: RecordResult | _Slot, args: tuple[Any, ...],
            journal: Journal | None) -> ExportOutcome:
    """The outcome of one record, in input order: its result (from a worker, or done here if the worker failed),
    noted in the journal."""
    names, root = args[0], Path(args[1])
    if isinstance(result, _Slot):
        try:
            result = result.result()
        except Exception:  # the record could not reach a worker, or its worker died: this process does it
            result = record_job(entry, *args)
    if result.status is Status.INVALID:
        return ExportOutcome(entry, result.problems, Status.INVALID)
    if result.status is Status.CHECKED:
        return ExportOutcome(entry, (), Status.CHECKED, warnings=result.warnings)
    if result.status is Status.CRASHED:
        problem = ExportFailed(f"export failed: {result.message}", file=entry.file, line=entry.line,
                               record_id=entry.record_id)
        return ExportOutcome(entry, (problem,), Status.CRASHED)
    record_id = entry.record_id
    assert record_id is not None  # a current or exported record has a valid id
    if result.status is Status.CURRENT:
        if journal is not None:
            journal.keep(record_id)
        return ExportOutcome(entry, (), Status.CURRENT, result.current)
    if journal is not None:
        journal.add(record_id, result.digest, result.outputs)
    return ExportOutcome(entry, (), Status.EXPORTED, tuple(root / result.outputs[n][0] for n in names),
                         result.warnings)


def valid_records(outcomes: Iterable[Outcome]) -> list[dict[str, Any]]:
    """The records of the outcomes that have no problems, in order."""
    return [o.entry.data for o in outcomes if o.ok and o.entry.data is not None]


def export_collection_file(records: Sequence[dict[str, Any]], title: str, target: str | os.PathLike[str]) -> Path:
    """Write many records as one EPUB collection, atomically."""
    write_atomic(target, export_collection(records, title))
    return Path(target)


__all__ = ["BatchInterrupted", "BatchOptions", "BatchReport", "ExportOutcome", "RecordResult", "export_collection_file",
           "run_batch", "split_formats", "valid_records"]

"""Ingest many captures on a Dask cluster: one task per capture file (a WARC is one task), run on the workers,
which read the capture from the shared path and stage its records in the output folder; this process takes the
tasks in input order and puts each staged record in place with the one-machine rules (an id or original already
written by an earlier source is refused), so the records and the errors are the same as a one-machine ingest.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .._atomic import write_atomic
from .._diskmap import DiskMap
from .._errors import IngestError
from .._lock import FolderLock
from ..ingest import ChromeRule, Facts, IngestOutcome, ingest_capture, read_manifest, write_record
from ..records import record_bytes
from ._export import CLUSTER_WORK, TASK_RETRIES, connect, stop_tasks


@dataclass(frozen=True)
class Capture:
    """One capture to ingest: its path as given (a worker opens it from its own working folder: give absolute
    paths to a cluster of other machines), its facts and the name its outcomes give it; ``prefixed`` (a manifest
    row): its errors name the label first, as a one-machine manifest ingest does."""

    path: str
    facts: Facts
    label: str
    prefixed: bool = False


@dataclass(frozen=True)
class Staged:
    """A record a worker built, staged: its source, the staged record file and its originals (final relative path
    → staged file)."""

    source: str
    record: str
    originals: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Unstaged:
    """An outcome with no record (an error or a skipped WARC response) in a form that crosses processes (an
    IngestError does not pickle)."""

    source: str
    record_id: str | None
    error: tuple[str, str] | None
    skipped: str | None

    def outcome(self) -> IngestOutcome:
        return IngestOutcome(self.source, self.record_id, error=IngestError(*self.error) if self.error else None,
                             skipped=self.skipped)


@dataclass(frozen=True)
class IngestJob:
    """What every ingest task shares: chrome rules, whether originals are kept, the WARC record size bound."""

    rules: tuple[ChromeRule, ...] | None
    keep_original: bool
    max_size: int


def stage_capture(capture: Capture, job: IngestJob, stage: str) -> list[Unstaged | Staged]:
    """The task: a capture's outcomes in order, its records staged under ``stage`` instead of written."""
    folder = Path(stage)
    staged: list[Unstaged | Staged] = []

    def write(record: dict[str, Any], source: str, originals: dict[str, bytes]) -> IngestOutcome:
        number = len(staged)
        kept = {}
        for index, (relative, data) in enumerate(originals.items()):
            kept[relative] = str(folder / f"{number}.original-{index}")
            write_atomic(kept[relative], data, durable=False)
        write_atomic(folder / f"{number}.json", record_bytes(record), durable=False)
        staged.append(Staged(source, str(folder / f"{number}.json"), kept))
        return IngestOutcome(source, record["id"])

    for outcome in ingest_capture(Path(capture.path), capture.facts, capture.label, write, rules=job.rules,
                                  keep_original=job.keep_original, max_size=job.max_size):
        if outcome.error is not None or outcome.skipped is not None:
            error = (outcome.error.path, outcome.error.reason) if outcome.error is not None else None
            if error is not None and capture.prefixed and not error[0].startswith(capture.label):
                error = (f"{capture.label}: {error[0]}", error[1])
            staged.append(Unstaged(outcome.source, outcome.record_id, error, outcome.skipped))
    return staged


def cluster_ingest_manifest(manifest: str | os.PathLike[str], out_dir: str, job: IngestJob, cluster: str, *,
                            defaults: Facts | None = None, base: str | os.PathLike[str] | None = None,
                            notice: Callable[[str], None] = lambda _: None) -> Iterator[IngestOutcome]:
    """Outcomes in row order, as :func:`archivist.ingest.ingest_manifest` gives them, each row's capture ingested
    by the cluster (one task a row); rows the manifest refuses are reported here, with no task."""

    def rows() -> Iterator[Capture | IngestOutcome]:
        for row in read_manifest(manifest, defaults, base=base):
            if isinstance(row, IngestError):
                yield IngestOutcome(row.path, error=row)
            else:
                yield Capture(os.fspath(row.capture), row.facts, f"{os.fspath(manifest)} row {row.row}", prefixed=True)

    return cluster_ingest(rows(), out_dir, job, cluster, notice)


def cluster_ingest(captures: Iterable[Capture | IngestOutcome], out_dir: str, job: IngestJob, cluster: str,
                   notice: Callable[[str], None] = lambda _: None) -> Iterator[IngestOutcome]:
    """Outcomes in input order, as :func:`archivist.ingest.ingest_to_dir` gives them, the captures ingested by the
    cluster ``cluster`` names (``tcp://host:8786`` or ``local:N``); an outcome given among them is passed on in
    its place."""
    out = Path(out_dir)
    stage = out / CLUSTER_WORK / f"ingest-{uuid.uuid4().hex}"
    # connected first: a wrong address makes no folder; every id and original written kept on disk
    with connect(cluster, notice) as client, FolderLock(out), DiskMap() as seen:
        try:
            from distributed import as_completed

            window = 4 * max(sum(client.nthreads().values()), 1)
            pending = iter(enumerate(captures))
            futures: dict[int, Any] = {}
            labels: dict[int, str] = {}
            done: dict[int, list[Unstaged | Staged | IngestOutcome] | Exception] = {}
            keys: dict[str, int] = {}
            queue = as_completed()

            def _place(index: int) -> Iterator[IngestOutcome]:
                if index in futures:
                    futures.pop(index).release()
                yield from _placed(done.pop(index), out, seen, labels.pop(index, ""))

            def submit() -> bool:
                item = next(pending, None)
                if item is None:
                    return False
                index, capture = item
                if isinstance(capture, IngestOutcome):
                    done[index] = [capture]
                    return True
                future = client.submit(stage_capture, capture, job, str((stage / str(index)).resolve()),
                                       key=f"archivist-ingest-{stage.name}-{index}", retries=TASK_RETRIES,
                                       pure=False)
                futures[index] = future
                labels[index] = capture.label
                keys[str(future.key)] = index
                queue.add(future)
                return True

            try:
                while len(futures) < window and submit():
                    pass
                following = 0
                for future in queue:
                    index = keys.pop(str(future.key))
                    try:
                        done[index] = future.result()
                    except Exception as exc:  # failed on every try: the capture is reported
                        done[index] = exc
                    while following in done:
                        yield from _place(following)
                        following += 1
                    while len(futures) < window and submit():
                        pass
                while following in done:  # outcomes given after the last task
                    yield from _place(following)
                    following += 1
            finally:
                queue.clear()
                stop_tasks(client, futures.values(), f"archivist-ingest-{stage.name}-")
        finally:  # before the folder is unlocked
            shutil.rmtree(stage, ignore_errors=True)
            if out.joinpath(CLUSTER_WORK).is_dir() and not any(out.joinpath(CLUSTER_WORK).iterdir()):
                out.joinpath(CLUSTER_WORK).rmdir()


def _placed(result: list[Unstaged | Staged | IngestOutcome] | Exception, out: Path, seen: DiskMap,
           label: str) -> Iterator[IngestOutcome]:
    """A capture's outcomes: its staged records put in place (or refused) in order, or its task's failure."""
    if isinstance(result, Exception):
        reason = " ".join(f"{type(result).__name__}: {result}".split())[:300]
        yield IngestOutcome(label, error=IngestError(label, f"not ingested: its task failed on every try ({reason})"))
        return
    for item in result:
        if isinstance(item, IngestOutcome):
            yield item
            continue
        if isinstance(item, Unstaged):
            yield item.outcome()
            continue
        record = orjson.loads(Path(item.record).read_bytes())
        originals = {relative: Path(path).read_bytes() for relative, path in item.originals.items()}
        yield write_record(record, item.source, originals, out_dir=out, seen=seen)


__all__ = ["Capture", "IngestJob", "cluster_ingest", "cluster_ingest_manifest", "stage_capture"]

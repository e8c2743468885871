"""Ingest many captures on a Dask cluster: one task per capture file (a WARC is one task), run on the workers,
which read the capture from the shared path and stage its records in the output folder; this process takes the
tasks in input order and puts each staged record in place with the one-machine rules (an id or original already
written by an earlier source is refused), so the records and the errors are the same as a one-machine ingest.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .._atomic import write_atomic
from .._errors import IngestError
from ..ingest import ChromeRule, Facts, IngestOutcome, ingest_capture, write_record
from ..records import record_bytes
from ._cluster import CLUSTER_WORK, TASK_RETRIES, connect, stop_tasks


@dataclass(frozen=True)
class Capture:
    """One capture to ingest: its path as given (a worker opens it from its own working folder: give absolute
    paths to a cluster of other machines), its facts and the name its outcomes give it."""

    path: str
    facts: Facts
    label: str


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
            staged.append(Unstaged(outcome.source, outcome.record_id, error, outcome.skipped))
    return staged


def cluster_ingest(captures: Iterable[Capture], out_dir: str, job: IngestJob, cluster: str,
                   notice: Callable[[str], None] = lambda _: None) -> Iterator[IngestOutcome]:
    """Outcomes in input order, as :func:`archivist.ingest.ingest_to_dir` gives them, the captures ingested by the
    cluster ``cluster`` names (``tcp://host:8786`` or ``local:N``)."""
    out = Path(out_dir)
    stage = out / CLUSTER_WORK / f"ingest-{uuid.uuid4().hex}"
    seen: dict[str, str] = {}
    try:
        with connect(cluster, notice) as client:
            from distributed import as_completed

            window = 4 * max(sum(client.nthreads().values()), 1)
            pending = iter(enumerate(captures))
            futures: dict[int, Any] = {}
            labels: dict[int, str] = {}
            done: dict[int, list[Unstaged | Staged] | Exception] = {}
            keys: dict[str, int] = {}
            queue = as_completed()

            def submit() -> bool:
                item = next(pending, None)
                if item is None:
                    return False
                index, capture = item
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
                        futures.pop(following).release()
                        yield from _place(done.pop(following), out, seen, labels.pop(following))
                        following += 1
                    while len(futures) < window and submit():
                        pass
            finally:
                queue.clear()
                stop_tasks(client, futures.values(), f"archivist-ingest-{stage.name}-")
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if out.joinpath(CLUSTER_WORK).is_dir() and not any(out.joinpath(CLUSTER_WORK).iterdir()):
            out.joinpath(CLUSTER_WORK).rmdir()


def _place(result: list[Unstaged | Staged] | Exception, out: Path, seen: dict[str, str],
           label: str) -> Iterator[IngestOutcome]:
    """A capture's outcomes: its staged records put in place (or refused) in order, or its task's failure."""
    if isinstance(result, Exception):
        reason = " ".join(f"{type(result).__name__}: {result}".split())[:300]
        yield IngestOutcome(label, error=IngestError(label, f"not ingested: its task failed on every try ({reason})"))
        return
    for item in result:
        if isinstance(item, Unstaged):
            yield item.outcome()
            continue
        record = orjson.loads(Path(item.record).read_bytes())
        originals = {relative: Path(path).read_bytes() for relative, path in item.originals.items()}
        yield write_record(record, item.source, originals, out_dir=out, seen=seen)


__all__ = ["Capture", "IngestJob", "cluster_ingest", "stage_capture"]

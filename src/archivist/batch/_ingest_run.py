"""One call for every ingest: captures or a manifest, on this machine or a Dask cluster, counted in a report.

The command line only parses, calls :func:`run_ingest` and prints; a library user gets the same choice of engine,
the same counts and the same clean stop on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import ArchivistError
from .._words import counted
from ..ingest import DEFAULT_MAX_SIZE, ChromeRule, Facts, IngestOutcome, ingest_manifest, ingest_to_dir
from ._workers import Stopped, interrupts


@dataclass(frozen=True)
class IngestOptions:
    """How to ingest: the facts every capture shares (a manifest row's own cells win), chrome rules (None: the
    built-in ones), whether originals are kept, the folder a manifest's files may be read from, the largest WARC
    record, ``cluster`` (``tcp://host:8786`` or ``local:N``) to run on a Dask cluster, and ``replace`` (records
    already in the folder are replaced, their earlier versions kept; not on a cluster)."""

    facts: Facts = field(default_factory=Facts)
    rules: tuple[ChromeRule, ...] | None = None
    keep_original: bool = False
    manifest_base: str | os.PathLike[str] | None = None
    max_record_size: int = DEFAULT_MAX_SIZE
    cluster: str | None = None
    replace: bool = False  # a record already in the folder is replaced, its earlier version kept (not on a cluster)


@dataclass
class IngestReport:
    """Counts of an ingest: records written, failures, WARC responses skipped, and records an earlier run of the
    same ingest had written (left as they are)."""

    written: int = 0
    failed: int = 0
    skipped: int = 0
    kept: int = 0

    def add(self, outcome: IngestOutcome) -> None:
        """Count one outcome."""
        if outcome.error is not None:
            self.failed += 1
        elif outcome.skipped is not None:
            self.skipped += 1
        elif outcome.existing is not None:
            self.kept += 1
        else:
            self.written += 1

    def __str__(self) -> str:
        return (f"{counted(self.written, 'record')} written, {self.failed} failed"
                + (f", {self.kept} already there from an earlier run (left as they are)" if self.kept else "")
                + (f", {self.skipped} WARC response(s) skipped (not a 2xx HTML or text payload)"
                   if self.skipped else ""))


class IngestInterrupted(KeyboardInterrupt):
    """An ingest stopped by Ctrl-C (SIGINT) or SIGTERM between two records: every record written is whole, and
    the same ingest run again keeps them. ``report`` counts what was done, ``signal`` is the signal's number."""

    def __init__(self, report: IngestReport, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name} after {counted(report.written, 'record')}")
        self.report = report
        self.signal = signum


def run_ingest(captures: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], options: IngestOptions,
               *, manifest: str | os.PathLike[str] | None = None,
               on_outcome: Callable[[IngestOutcome], None] | None = None,
               on_notice: Callable[[str], None] | None = None) -> IngestReport:
    """Ingest text, HTML and WARC ``captures`` (or every row of ``manifest``, not both) into the folder ``out``;
    ``on_outcome`` sees each record written, failure or skip as it happens, ``on_notice`` news such as where the
    cluster's dashboard is.

    A bad capture, WARC record or row is an outcome and the rest go on. Raises ArchivistError or OSError when the
    run cannot go on (an unreadable manifest, a locked folder, an unreachable cluster), and IngestInterrupted on
    Ctrl-C or SIGTERM."""
    paths = [Path(c) for c in captures]
    if paths and manifest is not None:
        raise ArchivistError("give captures or a manifest, not both")
    report = IngestReport()
    outcomes = _outcomes(paths, Path(out), options, manifest, on_notice or (lambda _: None))
    try:
        with interrupts():
            for outcome in outcomes:
                report.add(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
    except Stopped as stop:
        outcomes.close()  # a signal between two outcomes: the ingest lets go of its folder (and cluster) now
        raise IngestInterrupted(report, stop.signal) from None
    return report


def _outcomes(captures: list[Path], out: Path, options: IngestOptions, manifest: str | os.PathLike[str] | None,
              notice: Callable[[str], None]) -> Generator[IngestOutcome]:
    """The outcomes of the engine the options choose: this machine or the cluster, captures or manifest rows."""
    facts, rules, keep = options.facts, options.rules, options.keep_original
    if options.cluster is not None:
        if options.replace:
            raise ArchivistError("--replace replaces records on this machine: not with --cluster")
        from ..cluster import Capture, IngestJob, cluster_ingest, cluster_ingest_manifest

        job = IngestJob(rules, keep, options.max_record_size)
        if manifest is not None:
            yield from cluster_ingest_manifest(manifest, os.fspath(out), job, options.cluster, defaults=facts,
                                               base=options.manifest_base, notice=notice)
        else:
            each = [Capture(os.fspath(c), facts, os.fspath(c)) for c in captures]
            yield from cluster_ingest(each, os.fspath(out), job, options.cluster, notice)
    elif manifest is not None:
        yield from ingest_manifest(manifest, out, defaults=facts, rules=rules, keep_original=keep,
                                   base=options.manifest_base, max_size=options.max_record_size,
                                   replace=options.replace)
    else:
        yield from ingest_to_dir(captures, facts, out, rules=rules, keep_original=keep,
                                 max_size=options.max_record_size, replace=options.replace)


__all__ = ["IngestInterrupted", "IngestOptions", "IngestReport", "run_ingest"]

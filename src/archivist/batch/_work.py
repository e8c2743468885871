"""The per-record work of a batch, shared by every engine (this process, a process pool, a Dask cluster): validate
one record and, when valid, export it to each format and write the files atomically. A pure map: what it writes
and returns depends on the record and the options only."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._atomic import write_atomic
from ..exporters import Context, Written
from ..exporters import get as get_exporter
from ..records import Entry, Outcome, Problem, Status, catalog_warnings, check_entry
from ._journal import record_hash


@dataclass(frozen=True)
class ExportOutcome(Outcome):
    """One record's result: its problems (then nothing was written) or the files written for it."""

    status: Status = Status.EXPORTED
    written: tuple[Path, ...] = field(default=())
    warnings: tuple[Problem, ...] = field(default=())  # catalog-quality warnings of a record exported all the same


@dataclass(frozen=True)
class RecordResult:
    """What the per-record work tells the engine: the status, the problems of an invalid record, the record hash
    and outputs (format → relative path, SHA-256) of an exported one, the error of a crashed one (with the outputs
    it wrote before the failure), or the files of one already current."""

    status: Status
    problems: tuple[Problem, ...] = ()
    digest: str = ""
    outputs: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    message: str = ""
    current: tuple[Path, ...] = ()
    warnings: tuple[Problem, ...] = ()


def export_files(record: dict[str, Any], names: Sequence[str], root: str, source: str | None = None,
                 organization: str | None = None) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Export one record to each format and write the files: name → (relative path, SHA-256) of each written, and
    the failures. A format that fails does not keep the others from being written (a record too long for ISO 2709
    still gets its MARCXML, whatever the order of --to). A format that describes the others (METS) is given the
    files written before it, the folder of the record's file ``source`` and the ``organization``."""
    outputs = {}
    failures = []
    written: list[Written] = []
    base = Path(source).parent if source is not None and source != "-" else None
    for name in names:
        exporter = get_exporter(name)
        try:
            data = exporter.render(record, Context(tuple(written), base, organization))
        except Exception as exc:  # this format only: the record's other formats are still written
            failures.append(f"{name}: {exc}")
            continue
        relative = exporter.filename(record)
        write_atomic(os.path.join(root, relative), data, durable=False)
        digest = hashlib.sha256(data).hexdigest()
        outputs[name] = (relative, digest)
        written.append(Written(name, relative, exporter.media_type, data, digest))
    return outputs, failures


def record_job(entry: Entry, names: Sequence[str], root: str, check_files: bool, dry_run: bool,
               organization: str | None = None, strict: bool = False) -> RecordResult:
    """Validate one record and, when valid, export it (invalid, checked, exported or crashed); catalog-quality
    warnings come with the result, or make the record invalid when ``strict``."""
    try:
        problems = check_entry(entry, check_files=check_files, strict=strict)
        if problems:
            return RecordResult(Status.INVALID, tuple(problems))
        warnings = tuple(catalog_warnings(entry))
        if dry_run:
            return RecordResult(Status.CHECKED, warnings=warnings)
        record = entry.data
        assert record is not None  # a record that parsed has data
        outputs, failures = export_files(record, names, root, entry.file, organization)
        if failures:
            return RecordResult(Status.CRASHED, outputs=outputs, message=f"ExportError: {'; '.join(failures)}")
        return RecordResult(Status.EXPORTED, digest=record_hash(record), outputs=outputs, warnings=warnings)
    except Exception as exc:  # one record that cannot be handled must not stop the batch
        return RecordResult(Status.CRASHED, message=f"{type(exc).__name__}: {exc}")


__all__ = ["ExportOutcome", "RecordResult", "export_files", "record_job"]

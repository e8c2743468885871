"""Export many records: validate each, export it to every asked format, write each file atomically.

A bad record is reported and skipped; the others are still exported.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ._atomic import write_atomic
from ._report import Outcome, validate_paths
from .exporters import Exporter
from .exporters.epub import export_collection
from .records import Problem


@dataclass(frozen=True)
class ExportOutcome(Outcome):
    """One record's result: its problems (then nothing was written) or the files written for it."""

    written: tuple[Path, ...] = field(default=())


def export_record(record: dict[str, Any], exporters: Sequence[Exporter], out_dir: str | os.PathLike[str]) -> tuple[Path, ...]:
    """Export a valid record to each format in ``out_dir`` (one file per format, written atomically)."""
    written = []
    for exporter in exporters:
        target = Path(out_dir) / exporter.filename(record)
        write_atomic(target, exporter.export(record))
        written.append(target)
    return tuple(written)


def export_paths(paths: Iterable[str | os.PathLike[str]], exporters: Sequence[Exporter], out_dir: str | os.PathLike[str],
                 *, check_files: bool = False, stdin: BinaryIO | None = None) -> Iterator[ExportOutcome]:
    """Validate and export every record under ``paths``; yield one outcome per record, bad ones included."""
    for outcome in validate_paths(paths, check_files=check_files, stdin=stdin):
        if not outcome.ok:
            yield ExportOutcome(outcome.entry, outcome.problems)
            continue
        assert outcome.entry.data is not None
        yield ExportOutcome(outcome.entry, (), export_record(outcome.entry.data, exporters, out_dir))


def valid_records(outcomes: Iterable[Outcome]) -> list[dict[str, Any]]:
    """The records of the outcomes that have no problems, in order."""
    return [o.entry.data for o in outcomes if o.ok and o.entry.data is not None]


def export_collection_file(records: Sequence[dict[str, Any]], title: str, target: str | os.PathLike[str]) -> Path:
    """Write many records as one EPUB collection, atomically."""
    write_atomic(target, export_collection(records, title))
    return Path(target)


__all__ = ["ExportOutcome", "Problem", "export_collection_file", "export_paths", "export_record", "valid_records"]

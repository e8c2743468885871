"""The batch engine: export many records with a journal for resume, a locked output folder and worker processes.

The engine lives in private modules (engine, journal, output folder, workers, progress); this package is their
public face for the CLI and for library users. The same batch on a Dask cluster is :mod:`archivist.cluster`.
"""

from typing import Any

from ._engine import (
    BatchInterrupted,
    BatchOptions,
    BatchReport,
    ExportOutcome,
    RecordResult,
    export_collection_file,
    run_batch,
    split_formats,
    valid_records,
)
from ._progress import progress_reporter
from ._workers import Stopped, interrupts

_INGEST = ("IngestInterrupted", "IngestOptions", "IngestReport", "run_ingest")


def __getattr__(name: str) -> Any:
    """The ingest run, imported on first use (it imports the ingest package, which export runs never need)."""
    if name in _INGEST:
        from . import _ingest_run

        return getattr(_ingest_run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BatchInterrupted",
    "BatchOptions",
    "BatchReport",
    "ExportOutcome",
    "RecordResult",
    "Stopped",
    "export_collection_file",
    "interrupts",
    "progress_reporter",
    "run_batch",
    "split_formats",
    "valid_records",
    *_INGEST,
]

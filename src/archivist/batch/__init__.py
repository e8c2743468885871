"""The batch engine: export many records with a journal for resume, a locked output folder and worker processes.

The engine lives in private modules (engine, journal, disk map, output folder, workers, progress); this package
is their public face for the CLI and for library users.
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

_INGEST = ("Capture", "IngestJob", "cluster_ingest", "cluster_ingest_manifest")


def __getattr__(name: str) -> Any:
    """The cluster ingest, imported on first use (it imports the ingest package, which export runs never need)."""
    if name in _INGEST:
        from . import _ingest

        return getattr(_ingest, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Stopped",
    "BatchInterrupted",
    "BatchOptions",
    "BatchReport",
    "ExportOutcome",
    "RecordResult",
    "export_collection_file",
    "interrupts",
    "progress_reporter",
    "run_batch",
    "split_formats",
    "valid_records",
    *_INGEST,
]

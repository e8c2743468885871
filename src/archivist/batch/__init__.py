"""The batch engine: export many records with a journal for resume, a locked output folder and worker processes.

The engine lives in private modules (engine, journal, output folder, workers, progress); this package is their
public face for the CLI and for library users. The same batch on a Dask cluster is :mod:`archivist.cluster`.
"""

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
]

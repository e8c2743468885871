"""archivist: captured documents to schema-validated archival records, exported to archive formats."""

from ._errors import ArchivistError, ExportError, IngestError, RecordInvalid, SourceError, UnknownFormat

__version__ = "0.2.0"  # the one place it is written: pyproject.toml reads it from here

__all__ = [
    "ArchivistError",
    "ExportError",
    "IngestError",
    "RecordInvalid",
    "SourceError",
    "UnknownFormat",
    "__version__",
]

"""archivist: captured documents to schema-validated archival records, exported to archive formats."""

from importlib.metadata import PackageNotFoundError, version

from ._errors import ArchivistError, ExportError, IngestError, RecordInvalid, SourceError, UnknownFormat

try:
    __version__ = version("archivist")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "ArchivistError",
    "ExportError",
    "IngestError",
    "RecordInvalid",
    "SourceError",
    "UnknownFormat",
    "__version__",
]

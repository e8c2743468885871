"""An OAI-PMH 2.0 data provider over a folder of records: SQLite index, protocol, HTTP server."""

from ._index import RecordIndex
from ._provider import FORMATS, MetadataFormat, OAIError, Provider, Repository
from .server import default_index_path, make_server

__all__ = ["FORMATS", "MetadataFormat", "OAIError", "Provider", "RecordIndex", "Repository", "default_index_path",
           "make_server"]

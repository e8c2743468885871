"""An OAI-PMH 2.0 data provider over a folder of records: SQLite index, protocol, WSGI application, server."""

from ._index import IndexUnusable, RecordIndex
from ._provider import FORMATS, MetadataFormat, OAIError, Provider, Repository
from ._wsgi import OAIApplication
from .server import OAIServer, default_index_path, make_server, open_server

__all__ = ["FORMATS", "IndexUnusable", "MetadataFormat", "OAIApplication", "OAIError", "OAIServer", "Provider",
           "RecordIndex", "Repository", "default_index_path", "make_server", "open_server"]

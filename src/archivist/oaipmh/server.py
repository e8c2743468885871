"""A small threaded HTTP server for the OAI-PMH provider (GET and POST), plus the dcterms container schema."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import replace
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ._index import RecordIndex
from ._provider import Provider, Repository

REFRESH_SECONDS = 2.0


def default_index_path(paths: Iterable[str | os.PathLike[str]]) -> Path:
    """Where the index lives unless told: beside the first record path (``.archivist-oai.sqlite``)."""
    first = Path(next(iter(paths)))
    folder = first if first.is_dir() else first.parent
    return folder / ".archivist-oai.sqlite"


def make_server(index: RecordIndex, repository: Repository, host: str = "127.0.0.1", port: int = 8080
                ) -> ThreadingHTTPServer:
    """An HTTP server answering OAI-PMH at the path of ``repository.base_url`` (when empty:
    ``http://HOST:PORT/oai`` with the port actually bound); call ``serve_forever()``. Its ``provider``
    attribute holds the provider, whose ``repo.base_url`` is the final base URL."""
    httpd = ThreadingHTTPServer((host, port), BaseHTTPRequestHandler)
    if not repository.base_url:
        repository = replace(repository, base_url=f"http://{host}:{httpd.server_address[1]}/oai")
    provider = Provider(index, repository)
    oai_path = urlsplit(repository.base_url).path or "/"
    schema = files("archivist.schemas").joinpath("archivist-qdc.xsd").read_bytes()
    checked = [0.0]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        server_version = "archivist-oai"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet unless asked
            if os.environ.get("ARCHIVIST_OAI_LOG"):
                super().log_message(format, *args)

        def _send(self, status: int, body: bytes, media_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _answer(self, query: str) -> None:
            with lock:
                if time.monotonic() - checked[0] > REFRESH_SECONDS:
                    index.refresh()
                    checked[0] = time.monotonic()
            arguments = parse_qs(query, keep_blank_values=True)
            self._send(200, provider.respond(arguments), "text/xml; charset=utf-8")

        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            if url.path.rstrip("/") == oai_path.rstrip("/"):
                self._answer(url.query)
            elif url.path.endswith("/schemas/archivist-qdc.xsd"):
                self._send(200, schema, "application/xml")
            else:
                self._send(404, b"not found: OAI-PMH is at " + oai_path.encode() + b"\n", "text/plain")

        def do_POST(self) -> None:  # noqa: N802
            if urlsplit(self.path).path.rstrip("/") != oai_path.rstrip("/"):
                self._send(404, b"not found\n", "text/plain")
                return
            length = int(self.headers.get("Content-Length") or 0)
            self._answer(self.rfile.read(length).decode("utf-8", "replace"))

    httpd.RequestHandlerClass = Handler
    httpd.provider = provider  # type: ignore[attr-defined]
    return httpd

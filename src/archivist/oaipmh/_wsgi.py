"""The WSGI application: OAI-PMH at the base URL's path (GET and POST), every shipped XML schema under
``<base>/schemas/`` (and ``/schemas/``), a page for people at ``/``; one log line per request, and never a traceback."""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Callable, Iterable
from importlib.resources import files
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from .._words import counted
from ._provider import FORMATS, Provider

if TYPE_CHECKING:
    from ._site import SitePages

log = logging.getLogger("archivist.oaipmh")

MAX_BODY = 64 * 1024
MAX_FIELDS = 64
_FORM = "application/x-www-form-urlencoded"
_XML = "text/xml; charset=utf-8"
_TEXT = "text/plain; charset=utf-8"

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Answer = tuple[str, str, bytes, str]  # status line, media type, body, what the log line adds (verb, error)
PageAnswer = tuple[str, str, bytes, str, list[tuple[str, str]]]  # an Answer with headers of its own (site pages)


def shipped_schemas() -> dict[str, bytes]:
    """Every XML schema archivist ships, by file name."""
    folder = files("archivist.schemas")
    return {item.name: item.read_bytes() for item in folder.iterdir() if item.name.endswith(".xsd")}


def _printable(text: str) -> str:
    """``text`` for a log line: anything but visible ASCII percent-encoded, so a request cannot forge lines."""
    return "".join(c if "!" <= c <= "~" else f"%{ord(c):02X}" for c in text) or "-"


class OAIApplication:
    """Route a request to the provider, a schema file, or the page for people."""

    def __init__(self, provider: Provider) -> None:
        self.provider = provider
        self.oai_path = urlsplit(provider.repo.base_url).path.rstrip("/") or "/"
        self.schemas = shipped_schemas()
        self.schema_path = self.oai_path.rstrip("/") + "/schemas/"
        self.site: SitePages | None = None  # the pages for people (archivist site's routes), when served

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        began = time.perf_counter()
        extra: list[tuple[str, str]] = []
        method = environ.get("REQUEST_METHOD", "")
        path = environ.get("PATH_INFO", "")
        try:
            page = self._site_page(method, path, environ)
            if page is not None:
                status, media_type, body, note, extra = page
            else:
                status, media_type, body, note = self._route(method, path, environ)
        except Exception as exc:
            where = exc.__traceback__
            while where is not None and where.tb_next is not None:
                where = where.tb_next
            place = f"{where.tb_frame.f_code.co_filename}:{where.tb_lineno}" if where else "?"
            log.error("error: %s: %s (at %s) while answering %s %s", type(exc).__name__, exc, place, method,
                      _printable(path))
            status, media_type, body, note = "500 Internal Server Error", _TEXT, b"internal error; see the log\n", ""
        headers = [("Content-Type", media_type), ("Content-Length", str(len(body))), *extra]
        if method == "HEAD":
            body = b""
        start_response(status, headers)
        log.info("%s %s %s %s %s %.1f ms", environ.get("REMOTE_ADDR", "-"), _printable(method), _printable(path),
                 note or "-", status.split()[0], (time.perf_counter() - began) * 1000)
        return [body]

    def _site_page(self, method: str, path: str, environ: dict[str, Any]) -> PageAnswer | None:
        """A page of the site for people (GET and HEAD), its 404 page for a path nothing else answers; None when
        the site is not served or OAI-PMH or a schema answers the path."""
        if self.site is None or method not in ("GET", "HEAD"):
            return None
        if (path.rstrip("/") or "/") == self.oai_path or any(path.startswith(f) for f in (self.schema_path,
                                                                                             "/schemas/")):
            return None
        query = environ.get("QUERY_STRING", "").encode("latin-1").decode("utf-8", "replace")
        return self.site.answer(path, query) or self.site.not_found(path)

    def _route(self, method: str, path: str, environ: dict[str, Any]) -> Answer:
        if (path.rstrip("/") or "/") == self.oai_path:
            if method in ("GET", "HEAD"):
                return self._oai(environ.get("QUERY_STRING", "").encode("latin-1").decode("utf-8", "replace"))
            if method == "POST":
                return self._post(environ)
            return "405 Method Not Allowed", _TEXT, b"OAI-PMH takes GET and POST\n", ""
        if method not in ("GET", "HEAD"):
            return "405 Method Not Allowed", _TEXT, b"only GET and HEAD here\n", ""
        if path in ("", "/"):
            return "200 OK", "text/html; charset=utf-8", self._page(), ""
        for folder in (self.schema_path, "/schemas/"):  # under the base URL, and at the root for short links
            if path.startswith(folder) and path[len(folder):] in self.schemas:
                return "200 OK", "application/xml", self.schemas[path[len(folder):]], ""
        return "404 Not Found", _TEXT, f"not found; OAI-PMH is at {self.oai_path}\n".encode(), ""

    def _post(self, environ: dict[str, Any]) -> Answer:
        media_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if media_type and media_type != _FORM:
            return "415 Unsupported Media Type", _TEXT, f"OAI-PMH POST bodies are {_FORM}\n".encode(), ""
        length = environ.get("CONTENT_LENGTH", "")
        if not length.isdigit() or not length.isascii():
            return "411 Length Required", _TEXT, b"a POST needs a Content-Length\n", ""
        if int(length) > MAX_BODY:
            return "413 Content Too Large", _TEXT, f"the body is over {MAX_BODY} bytes\n".encode(), ""
        body = environ["wsgi.input"].read(int(length))
        return self._oai(body.decode("utf-8", "replace"))

    def _oai(self, query: str) -> Answer:
        try:
            arguments = parse_qs(query, keep_blank_values=True, max_num_fields=MAX_FIELDS)
        except ValueError:
            return "200 OK", _XML, self.provider.refuse("badArgument", f"more than {MAX_FIELDS} arguments"), \
                "- badArgument"
        body, error = self.provider.answer(arguments)
        verbs = arguments.get("verb", [])
        note = f"{_printable(verbs[0]) if len(verbs) == 1 else '-'}" + (f" {error}" if error else "")
        return "200 OK", _XML, body, note

    def _page(self) -> bytes:
        repo = self.provider.repo
        base = html.escape(self.oai_path)
        count = self.provider.index.count()
        verbs = "".join(f'<li><a href="{base}?verb={q}">{html.escape(label)}</a></li>' for q, label in (
            ("Identify", "Identify: about this repository"),
            ("ListMetadataFormats", "ListMetadataFormats: " + ", ".join(FORMATS)),
            ("ListSets", "ListSets: sets by subject"),
            ("ListRecords&amp;metadataPrefix=oai_dc", "ListRecords in oai_dc (Dublin Core)")))
        schemas = "".join(f'<li><a href="{html.escape(self.schema_path + n)}">{html.escape(n)}</a></li>'
                          for n in sorted(self.schemas))
        text = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{html.escape(repo.name)}: OAI-PMH data provider</title></head>
<body>
<h1>{html.escape(repo.name)}</h1>
<p>This is an <a href="https://www.openarchives.org/OAI/openarchivesprotocol.html">OAI-PMH 2.0</a> data provider
serving {counted(count, 'record')}, run by archivist. It is meant for harvesters: point one at the
base URL <a href="{base}"><code>{html.escape(repo.base_url)}</code></a>.</p>
<h2>Try it</h2>
<ul>{verbs}</ul>
<h2>Schemas</h2>
<ul>{schemas}</ul>
<p>Contact: {html.escape(repo.admin_email)}</p>
</body>
</html>
"""
        return text.encode("utf-8")

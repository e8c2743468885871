"""Build small WARC files for tests with warcio, the library crawlers' WARCs are read with."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WARC_DATE = "2026-11-24T10:00:00Z"


def write_warc(path: Path, pages: list[tuple[str, str, list[tuple[str, str]], bytes]], *, gzip: bool = False) -> Path:
    """Write ``(uri, status, headers, body)`` responses (headers a list of (name, value)) as one WARC."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        for uri, status, headers, body in pages:
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                               warc_headers_dict={"WARC-Date": WARC_DATE})
            writer.write_record(record)
    return path


def html_page(title: str, heading: str, text: str, lang: str = "en") -> bytes:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><title>{title}</title></head><body>'
            f"<nav>Home &gt; News</nav><h1>{heading}</h1><p>{text}</p></body></html>").encode()

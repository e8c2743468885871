"""Wrap corpus HTML pages into WARC files (one ``response`` record each) so the evaluation scores the WARC path too.

    python benchmarks/corpus/make_warcs.py [ID ...]

The record holds the page's saved bytes unchanged as an HTTP 200 ``text/html; charset=utf-8`` response, its target URI
is the page's own canonical link (or, for a page that names none, the ``url`` its item in expected.json gives), and its
date and record id are fixed, so the same page always gives the same file.
"""

from __future__ import annotations

import io
import json
import re
import sys
import uuid
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

CORPUS = Path(__file__).parent
PAGES = ("en-wikipedia-mozilla", "de-netzpolitik-abmahnungen", "es-biobiochile-gremios", "wikimedia-foundation-turkey",
         "hi-w3c-language", "ar-w3c-i18n")
_CANONICAL = re.compile(rb"<link[^>]*rel=[\"']canonical[\"'][^>]*href=[\"']([^\"']+)[\"']", re.IGNORECASE)
_DATE = "2026-11-25T00:00:00Z"


def target_uri(page_id: str, raw: bytes) -> str:
    """The page's canonical link, else the ``url`` of its item in expected.json."""
    match = _CANONICAL.search(raw)
    if match is not None:
        return match.group(1).decode("ascii")
    items = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))["items"]
    url = next((item.get("url") for item in items if item["id"] == page_id), None)
    if not url:
        raise SystemExit(f"html/{page_id}.html: no <link rel=canonical> and no url in expected.json; expected one to "
                         "name the target URI")
    return str(url)


def make_warc(page_id: str) -> Path:
    """Write warc/<id>.warc.gz from html/<id>.html and return its path."""
    raw = (CORPUS / "html" / f"{page_id}.html").read_bytes()
    uri = target_uri(page_id, raw)
    out = CORPUS / "warc" / f"{page_id}.warc.gz"
    out.parent.mkdir(exist_ok=True)
    with out.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                           ("Content-Length", str(len(raw)))], protocol="HTTP/1.1")
        record = writer.create_warc_record(uri, "response", payload=io.BytesIO(raw), http_headers=http,
                                           warc_headers_dict={
                                               "WARC-Date": _DATE,
                                               "WARC-Record-ID": f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, uri)}>"})
        writer.write_record(record)
    return out


def main() -> None:
    for page_id in sys.argv[1:] or PAGES:
        print(make_warc(page_id))


if __name__ == "__main__":
    main()

"""The pages for people that ``archivist site`` writes, served live at the same routes with the same bytes, plus
``/search`` (SQLite FTS5 with subject and language facets). The catalog lives beside the OAI-PMH index
(``<index>.site``) and is rebuilt when the index is; record files are read only from the records folder."""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path
from urllib.parse import parse_qs, quote

from ..exporters import Context, Written, builtin_names
from ..exporters import get as get_exporter
from ..packages import original_files
from ..records import read_records
from ..site import CSP, Catalog, SiteSettings
from ..site._catalog import KINDS
from ..site._cite import load_styles
from ..site._formats import Download, relation_of
from ..site._record import record_page
from ..site._render import (
    collection_html,
    facets_html,
    link_header,
    linkset_json,
    listing_html,
    not_found_html,
    record_html,
    robots_txt,
    search_html,
    sitemap_paths,
    sitemap_pieces,
    static_files,
)
from ._index import RecordIndex

Answer = tuple[str, str, bytes, str, list[tuple[str, str]]]
_HTML = "text/html; charset=utf-8"
_PAGED = re.compile(r"(?:pages/(\d{1,9})/)?(?:index\.html)?")
_ID = re.compile(r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?")
_TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".txt": "text/plain; charset=utf-8",
          ".xml": "application/xml", ".json": "application/json"}


class SitePages:
    """Answer the site's routes from the OAI-PMH index and a catalog beside it."""

    def __init__(self, index: RecordIndex, settings: SiteSettings) -> None:
        self.index = index
        self.settings = settings
        self.formats = list(builtin_names())
        self.catalog = Catalog(Path(f"{index.database}.site"))
        self._lock = threading.Lock()
        self._version = ""
        self.sync()
        if settings.citations:
            load_styles()

    def sync(self) -> bool:
        """Fill the catalog again when the index changed since it was filled; True when it did. The catalog holds
        all a request needs (each record's folder too), so worker processes forked before a refill see it."""
        version = self.index.fingerprint()
        with self._lock:
            if version == self._version:
                return False
            filed: set[str] = set()
            self.catalog.begin()
            try:
                self.catalog.clear()
                for entry in read_records(*self.index.paths):
                    record = entry.data
                    if not isinstance(record, dict) or entry.problems or not isinstance(record.get("id"), str):
                        continue
                    served = self.index.get(record["id"])
                    if served is None or served[0] != record or record["id"] in filed:
                        continue  # invalid, or the duplicate the index does not serve
                    self.catalog.add(record, str(Path(entry.file).parent))
                    filed.add(record["id"])
                self.catalog.commit()
            except BaseException:
                self.catalog.rollback()
                raise
            self._version = version
        return True

    def close(self) -> None:
        self.catalog.close()

    def answer(self, path: str, query: str) -> Answer | None:
        """The answer for a site route, or None when ``path`` is not one (the caller answers 404)."""
        path = path.lstrip("/")
        if path == "search":
            return self._search(query)
        if path in ("search/", "search/index.html"):
            # the static site's search page (Pagefind's, in the browser): here the server's own search answers,
            # and nothing of Pagefind's (search.js, pagefind/) is served
            location = "../search" + (f"?{quote(query, safe='=&+%;,/:')}" if query else "")
            return "301 Moved Permanently", _TYPES[".txt"], b"the search is at ../search\n", "", [
                ("Location", location)]
        head, _, rest = path.partition("/")
        if path in ("robots.txt", "404.html") or path in static_files():
            return self._fixed(path)
        if path == "sitemap.xml" or head == "sitemaps":  # only the part asked for is made
            if path not in sitemap_paths(self.catalog, self.settings):
                return None
            return _ok(b"".join(sitemap_pieces(self.catalog, self.settings, path)), _TYPES[".xml"])
        if head == "records":
            return self._record(rest)
        paged = _PAGED.fullmatch(path)
        if paged is not None:
            return _page(collection_html(self.catalog, self.settings, int(paged.group(1) or 1)))
        for kind, folder in KINDS.items():
            if head == folder:
                if rest in ("", "index.html"):
                    return _page(facets_html(self.catalog, self.settings, kind))
                key, _, tail = rest.partition("/")
                paged = _PAGED.fullmatch(tail)
                if paged is None:
                    return None
                return _page(listing_html(self.catalog, self.settings, kind, key, int(paged.group(1) or 1)))
        return None

    def not_found(self, path: str) -> Answer:
        """The 404 page, its links relative to the requested path (so it is styled at any depth)."""
        body = not_found_html(self.settings, path.lstrip("/").count("/"))
        return "404 Not Found", _HTML, body, "", [("Content-Security-Policy", CSP)]

    def _fixed(self, path: str) -> Answer:
        if path == "robots.txt":
            return _ok(robots_txt(self.settings), _TYPES[".txt"])
        if path == "404.html":
            return _ok(not_found_html(self.settings), _HTML, csp=True)
        return _ok(static_files()[path], _TYPES[Path(path).suffix])

    def _search(self, query: str) -> Answer:
        try:
            args = parse_qs(query, max_num_fields=16)
        except ValueError:
            args = {}

        def one(name: str) -> str:
            return (args.get(name) or [""])[0]

        page = one("page")
        number = int(page) if page.isdigit() and len(page) < 7 else 1
        body = search_html(self.catalog, self.settings, one("q"), subject=one("subject"),
                           language=one("language"), number=number)
        return "200 OK", _HTML, body, "search", [("Content-Security-Policy", CSP), ("X-Robots-Tag", "noindex")]

    def _record(self, rest: str) -> Answer | None:
        record_id, _, name = rest.partition("/")
        folder = self.catalog.folder(record_id) if _ID.fullmatch(record_id) else None
        found = self.index.get(record_id) if folder is not None else None
        if folder is None or found is None:
            return None
        record = found[0]
        base = Path(folder)
        files: dict[str, tuple[bytes, str, str, str | None]] = {}
        written: list[Written] = []  # as `archivist site` exports them: METS is given the files before it
        for format_name in self.formats:
            exporter = get_exporter(format_name)
            relation, profile = relation_of(format_name)
            data = exporter.render(record, Context(tuple(written), base, None))
            written.append(Written(format_name, exporter.filename(record), exporter.media_type, data,
                                   hashlib.sha256(data).hexdigest()))
            files[exporter.filename(record)] = (data, exporter.media_type, relation, profile)
        originals = {listed["path"]: (listed, path) for listed, path in original_files(record, base)}
        if name in files:
            return _ok(files[name][0], files[name][1])
        if name in originals:
            listed, path = originals[name]
            return _ok(path.read_bytes(), listed["media_type"])
        downloads = []
        for format_name in self.formats:
            exporter = get_exporter(format_name)
            data, media_type, relation, profile = files[exporter.filename(record)]
            downloads.append(Download(f"{exporter.description} ({format_name})", exporter.filename(record),
                                      media_type, len(data), relation, profile))
        downloads += [Download(f"Listed file ({listed.get('role', 'file')})", listed["path"], listed["media_type"],
                               path.stat().st_size, "item") for listed, path in originals.values()]
        page = record_page(record, downloads, site_name=self.settings.name, root="../../",
                           base_url=self.settings.base_url, cite=self.settings.citations)
        if name == "linkset.json" and page.url:
            return _ok(linkset_json(page), "application/linkset+json")
        if name not in ("", "index.html"):
            return None
        return "200 OK", _HTML, record_html(page, self.settings), "", [
            ("Content-Security-Policy", CSP), ("Link", link_header(page))]


def _ok(body: bytes, media_type: str, *, csp: bool = False) -> Answer:
    headers = [("Content-Security-Policy", CSP)] if csp else []
    return "200 OK", media_type, body, "", headers


def _page(body: bytes | None) -> Answer | None:
    return None if body is None else _ok(body, _HTML, csp=True)


__all__ = ["SitePages"]

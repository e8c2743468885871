"""``archivist site``: the static site of a folder of records, written into a locked output folder.

Each valid record gets ``records/<id>/index.html`` with its per-record exports (written by the export engine) and
the files it lists beside it; then the collection, subject, language and year pages, the sitemap, robots.txt, the
404 page, the stylesheet and the icon. A re-run rebuilds only the records that changed (the journal of
``export --resume``, keyed also by the site's settings) and rewrites a collection page only when its bytes
change; pages of records no longer given are removed. Same records and settings, same bytes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from .._atomic import atomic_writer, sweep_partials, write_atomic
from .._diskmap import DiskMap
from .._lock import FolderLock, OutputRefused
from .._paths import check_outputs
from .._words import counted
from ..batch._journal import JOURNAL, Journal, record_hash
from ..batch._work import ExportOutcome, export_files
from ..exporters import builtin_names
from ..exporters import get as get_exporter
from ..packages import original_files
from ..records import DuplicateId, ExportFailed, Status, Summary, check_entry, check_sources, read_records
from . import _search_static as _search
from ._catalog import KINDS, Catalog, Item
from ._formats import Download, relation_of
from ._record import record_page
from ._render import (
    SiteSettings,
    collection_html,
    facets_html,
    linkset_json,
    listing_html,
    not_found_html,
    page_count,
    page_folder,
    record_html,
    robots_txt,
    sitemap_paths,
    sitemap_pieces,
    static_files,
    static_search_html,
)

_CATALOG = ".archivist-site.sqlite.part"  # a temporary file: a killed run's is swept by the next one


@dataclass
class SiteReport:
    """What a build did: the records read, built, already current and failed, and the other pages written."""

    summary: Summary = field(default_factory=lambda: Summary(batch=True))
    pages_written: int = 0
    pages_kept: int = 0
    removed: int = 0
    search: str | None = None  # the search index's language when the site has one
    search_indexed: bool = False  # whether this build (re)made it

    def __str__(self) -> str:
        s = self.summary
        text = f"{counted(s.records, 'record')} read: {s.exported} built"
        if s.current:
            text += f", {s.current} unchanged"
        text += f", {s.invalid} failed; {self.pages_written} other files written, {self.pages_kept} unchanged"
        text += f", {self.removed} records removed" if self.removed else ""
        if self.search:
            text += f"; search index {'rebuilt' if self.search_indexed else 'unchanged'} ({self.search})"
        return text


def normalize_base_url(url: str | None) -> str | None:
    """The base URL with one trailing slash; ValueError for anything but an absolute http(s) URL."""
    if url is None:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment or " " in url:
        raise ValueError(f"{url!r} is not an absolute http:// or https:// URL without a query or fragment")
    return url.rstrip("/") + "/"


def _fingerprint(settings: SiteSettings, formats: Sequence[str]) -> bytes:
    return f"{__version__}\n{settings}\n" \
           f"{','.join(formats)}".encode()


def _write(path: Path, data: bytes) -> bool:
    """Write ``data`` at ``path`` unless it already holds exactly that; True when it wrote."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data, durable=False)
    return True


def _write_pieces(path: Path, pieces: Iterable[bytes]) -> bool:
    """Write the bytes ``pieces`` make at ``path`` unless it already holds exactly them (compared piece by piece,
    so the whole is never in memory); True when it wrote."""
    pieces = iter(pieces)
    same = 0  # bytes of the file already compared equal
    pending = b""
    try:
        old = open(path, "rb")  # noqa: SIM115 closed below, after the new file replaced it
    except OSError:
        old = None
    try:
        if old is not None:
            for piece in pieces:
                if old.read(len(piece)) != piece:
                    pending = piece
                    break
                same += len(piece)
            else:
                if not old.read(1):
                    return False
            old.seek(0)
        with atomic_writer(path, durable=False) as stream:
            while same:  # the equal beginning, copied from the file it is about to replace
                assert old is not None
                block = old.read(min(same, 1 << 16))
                stream.write(block)
                same -= len(block)
            stream.write(pending)
            for piece in pieces:
                stream.write(piece)
    finally:
        if old is not None:
            old.close()
    return True


def _check_folder(out: Path) -> None:
    """Build only into a new or empty folder, or one an earlier build made (it has the site journal)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputRefused(f"the output folder {out} is a file")
    with os.scandir(out) as entries:
        names = sorted(e.name for e in entries if not e.name.startswith(".") or e.name == JOURNAL)
    if names and JOURNAL not in names:
        shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        raise OutputRefused(f"{out} is not empty ({shown}) and is not a site archivist built: use a new or empty "
                            "folder")


def build_site(paths: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], settings: SiteSettings, *,
               formats: Sequence[str] | None = None, check_files: bool = False, search: bool | None = None,
               on_outcome: Callable[[ExportOutcome], None] | None = None) -> SiteReport:
    """Build the site of the records under ``paths`` into ``out`` (every built-in per-record format unless
    ``formats`` names some), with a Pagefind search index when ``search`` (None: when Pagefind is installed).
    Raises SourceError, PathConflict, OutputRefused or SearchUnavailable before writing anything."""
    if search is None:
        search = _search.available()
    elif search:
        _search.require()
    sources = [os.fspath(p) for p in paths]
    check_sources(sources)
    if "-" in sources:
        from .._errors import SourceError

        raise SourceError("-", "a site is built from record files or folders, not standard input")
    folder = Path(out)
    check_outputs(sources, {"the output folder": folder})
    _check_folder(folder)
    names = list(builtin_names() if formats is None else formats)
    report = SiteReport()
    with FolderLock(folder):
        sweep_partials(folder, deep=True)
        catalog = Catalog(folder / _CATALOG, searchable=False)
        try:
            _records(sources, folder, settings, names, check_files, catalog, report, on_outcome)
            _collection(folder, settings, catalog, report, search and catalog.count() > 0)
            _search_index(folder, catalog, report, search)
        finally:
            catalog.close()
            (folder / _CATALOG).unlink(missing_ok=True)
    return report


def _records(sources: list[str], out: Path, settings: SiteSettings, names: list[str], check_files: bool,
             catalog: Catalog, report: SiteReport, on_outcome: Callable[[ExportOutcome], None] | None) -> None:
    """Validate every record, file it in the catalog and build its page and files unless they are current."""
    fingerprint = _fingerprint(settings, names)
    outputs_named = [*names, "page", *(["linkset"] if settings.base_url else [])]
    journal = Journal(out, resume=True)
    ids = DiskMap()
    catalog.begin()
    try:
        for entry in read_records(*sources):
            problems = list(check_entry(entry, check_files=check_files))
            record = entry.data if not problems else None
            if record is not None and not catalog.add(record):
                where = ids.get(record["id"]) or "another record"
                problems.append(DuplicateId.of(record["id"], where, entry.file, entry.line))
            if problems or record is None:
                outcome = ExportOutcome(entry, tuple(problems), Status.INVALID)
            else:
                ids.add(record["id"], entry.where)
                try:
                    outcome = _record(entry, record, out, settings, names, outputs_named, fingerprint, journal)
                except Exception as exc:  # one record that cannot be built must not stop the site
                    problem = ExportFailed(f"page failed: {type(exc).__name__}: {exc}", file=entry.file,
                                           line=entry.line, record_id=record["id"])
                    outcome = ExportOutcome(entry, (problem,), Status.CRASHED)
            report.summary.add(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
        catalog.commit()
    except BaseException:
        catalog.rollback()
        raise
    finally:
        ids.close()
        journal.close()
    journal.compact()
    records = out / "records"
    if records.is_dir():  # only the stale folders are listed: a list of every one grows with the site
        with os.scandir(records) as entries:
            stale = [e.path for e in entries if e.is_dir() and not catalog.has(e.name)]
        for path in sorted(stale):
            shutil.rmtree(path)
            report.removed += 1


def _record(entry: Any, record: dict[str, Any], out: Path, settings: SiteSettings, names: list[str],
            outputs_named: list[str], fingerprint: bytes, journal: Journal) -> ExportOutcome:
    record_id = record["id"]
    digest = hashlib.sha256(record_hash(record).encode() + fingerprint).hexdigest()
    done = journal.outputs_if_current(record_id, digest, outputs_named, out)
    if done is not None:
        journal.keep(record_id)
        return ExportOutcome(entry, (), Status.CURRENT, tuple(done.values()))
    folder = out / "records" / record_id
    written, failures = export_files(record, names, str(folder), entry.file)  # METS lists the originals too
    if failures:
        problem = ExportFailed(f"export failed: {'; '.join(failures)}", file=entry.file, line=entry.line,
                               record_id=record_id)
        return ExportOutcome(entry, (problem,), Status.CRASHED)
    downloads = []
    for name in names:
        exporter = get_exporter(name)
        relative, _ = written[name]
        relation, profile = relation_of(name)
        downloads.append(Download(f"{exporter.description} ({name})", relative, exporter.media_type,
                                  (folder / relative).stat().st_size, relation, profile))
    base = Path(entry.file).parent if entry.file != "-" else None
    outputs = {name: (f"records/{record_id}/{relative}", sha) for name, (relative, sha) in written.items()}
    for listed, path in original_files(record, base):
        data = path.read_bytes()
        write_atomic(folder / listed["path"], data, durable=False)
        downloads.append(Download(f"Listed file ({listed.get('role', 'file')})", listed["path"],
                                  listed["media_type"], len(data), "item"))
    page = record_page(record, downloads, site_name=settings.name, root="../../", base_url=settings.base_url,
                       cite=settings.citations)
    html = record_html(page, settings)
    write_atomic(folder / "index.html", html, durable=False)
    outputs["page"] = (f"records/{record_id}/index.html", hashlib.sha256(html).hexdigest())
    if settings.base_url:
        linkset = linkset_json(page)
        write_atomic(folder / "linkset.json", linkset, durable=False)
        outputs["linkset"] = (f"records/{record_id}/linkset.json", hashlib.sha256(linkset).hexdigest())
    journal.add(record_id, digest, outputs)
    return ExportOutcome(entry, (), Status.EXPORTED, tuple(out / relative for relative, _ in outputs.values()))


def _collection(out: Path, settings: SiteSettings, catalog: Catalog, report: SiteReport, search: bool) -> None:
    """Every page that lists records, and the site's fixed files; stale listing pages are removed."""
    def put(relative: str, data: bytes) -> None:
        if _write(out / relative, data):
            report.pages_written += 1
        else:
            report.pages_kept += 1

    total = catalog.count()
    pages = page_count(total, settings.page_size)
    for number, chunk in enumerate(_paged(catalog.ordered(), settings.page_size), 1):
        html = collection_html(catalog, settings, number, total=total, items=chunk)
        assert html is not None
        put(page_folder("", number) + "index.html", html)
    _prune_pages(out, pages)
    for kind, folder in KINDS.items():
        put(f"{folder}/index.html", facets_html(catalog, settings, kind))
        keys = set()
        for facet in catalog.facets(kind):
            keys.add(facet.key)
            count = page_count(facet.count, settings.page_size)
            for number, chunk in enumerate(_paged(catalog.ordered(kind, facet.key), settings.page_size), 1):
                html = listing_html(catalog, settings, kind, facet.key, number, facet=facet, items=chunk)
                assert html is not None
                put(page_folder(f"{folder}/{facet.key}/", number) + "index.html", html)
            _prune_pages(out / folder / facet.key, count)
        with os.scandir(out / folder) as entries:
            for stale in [e.path for e in entries if e.is_dir() and e.name not in keys]:
                shutil.rmtree(stale)
    put("404.html", not_found_html(settings))
    put("search/index.html", static_search_html(settings, pagefind=search))
    if search:
        put(_search.SCRIPT, _search.script())
    put("robots.txt", robots_txt(settings))
    for name, data in static_files().items():
        put(name, data)
    maps = set(sitemap_paths(catalog, settings))
    for relative in sorted(maps, reverse=True):  # streamed: a part of 50,000 URLs is never whole in memory
        if _write_pieces(out / relative, sitemap_pieces(catalog, settings, relative)):
            report.pages_written += 1
        else:
            report.pages_kept += 1
    if "sitemap.xml" not in maps:
        (out / "sitemap.xml").unlink(missing_ok=True)
    if (out / "sitemaps").is_dir():
        for item in os.scandir(out / "sitemaps"):
            if f"sitemaps/{item.name}" not in maps:
                os.unlink(item.path)
        if not any(name.startswith("sitemaps/") for name in maps):
            shutil.rmtree(out / "sitemaps", ignore_errors=True)


def _paged(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    """The items in pages of ``size`` (one empty page when there are none: an empty collection has its page)."""
    page: list[Item] = []
    empty = True
    for item in items:
        page.append(item)
        if len(page) == size:
            yield page
            page, empty = [], False
    if page or empty:
        yield page


def _search_index(out: Path, catalog: Catalog, report: SiteReport, search: bool) -> None:
    """Index the record pages for the static search (only when they changed), or remove an index of before."""
    if not search or catalog.count() == 0:
        _search.remove(out)
        return
    language = _search.index_language([(facet.key, facet.count) for facet in catalog.facets("language")])
    stamp = _search.stamp_of(out / JOURNAL, [item.id for item in catalog.each()], language)
    report.search = language
    report.search_indexed = _search.build_index(out, language, stamp)


def _prune_pages(folder: Path, count: int) -> None:
    """Remove the ``pages/N/`` of a listing beyond its last page."""
    pages = folder / "pages"
    if pages.is_dir():
        for item in os.scandir(pages):
            if not (item.name.isdigit() and 2 <= int(item.name) <= count):
                shutil.rmtree(item.path, ignore_errors=True)

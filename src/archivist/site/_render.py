"""Pages as bytes: one Jinja environment (autoescape on) and a function per kind of page, shared by the static
build and ``serve`` so both give the same bytes for the same route. Links inside the site are relative (it works
under any sub-path); only canonical links, cite-as, the linkset and the sitemap use the base URL, when given."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any
from urllib.parse import urlencode, urlsplit
from xml.sax.saxutils import escape

import jinja2

from .. import __version__
from .._jsonout import indented
from ._catalog import KINDS, Catalog, Facet, Item
from ._html import items_html, record_rows
from ._record import RecordPage

CSP = "default-src 'self'"
#: The static search page's policy: its script and Pagefind's come from the site; Pagefind compiles WebAssembly.
SEARCH_CSP = f"{CSP}; script-src 'self' 'wasm-unsafe-eval'"
GENERATOR = f"archivist {__version__}"
SITEMAP_LIMIT = 50_000
_KIND_LABELS = {"subject": "Subject", "language": "Language", "year": "Year"}
_FACETS_HEADINGS = {"subject": "Subjects", "language": "Languages", "year": "Years of publication"}


@dataclass(frozen=True)
class SiteSettings:
    """What the pages need besides the records: the site's name, where it is published (absolute, ending in
    ``/``; None when unknown), records per page, and whether record pages have the citation box (rendered by
    citeproc-py, the slowest part of a page by far); ``oai_url``, an OAI-PMH base URL that harvests the same
    records, named at the foot of every page (``serve`` names its own)."""

    name: str = "Archive"
    base_url: str | None = None
    page_size: int = 50
    citations: bool = True
    oai_url: str | None = None


@dataclass(frozen=True)
class Pages:
    """Where a page is in its listing: its number, the links shown (the first, the last and those near it), the
    previous and next pages, and how many pages there are."""

    current: int
    links: list[tuple[int, str]]
    previous: str | None
    next: str | None
    count: int = 1


@cache
def environment() -> jinja2.Environment:
    loader = jinja2.DictLoader({item.name: item.read_text("utf-8")
                                for item in files("archivist.site").joinpath("templates").iterdir()
                                if item.name.endswith(".html")})
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, trim_blocks=False, auto_reload=False, cache_size=-1)
    env.globals["items_html"] = items_html
    return env


@cache
def static_files() -> dict[str, bytes]:
    """The stylesheet and the icon, by file name."""
    return {item.name: item.read_bytes() for item in files("archivist.site").joinpath("static").iterdir()
            if item.name in ("style.css", "favicon.svg")}


def _root(folder: str) -> str:
    """The relative way from a page in ``folder`` (``records/x/``) back to the site's root."""
    depth = folder.count("/")
    return "../" * depth if depth else "./"


def relative(source: str, target: str) -> str:
    """The relative link from the page in folder ``source`` to the folder ``target`` (both '' or ending in /)."""
    way = posixpath.relpath("/" + target, "/" + source)
    return "./" if way == "." else way + "/"


def _render(template: str, where: str, settings: SiteSettings, *, root: str | None = None, **values: Any) -> bytes:
    url = f"{settings.base_url}{where}" if settings.base_url else None
    values.setdefault("url", url)
    values.setdefault("description", "")
    csp = values.pop("csp", CSP)
    text = environment().get_template(template).render(
        site=settings, root=_root(where) if root is None else root, csp=csp, generator=GENERATOR, **values)
    return text.encode("utf-8")


def page_folder(base: str, number: int) -> str:
    """The folder of page ``number`` of the listing in folder ``base``."""
    return base if number <= 1 else f"{base}pages/{number}/"


def _pages(base: str, current: int, total: int, size: int) -> Pages:
    count = max(1, -(-total // size))
    here = page_folder(base, current)
    shown = sorted({1, count, *range(max(1, current - 3), min(count, current + 3) + 1)})
    links = [(n, relative(here, page_folder(base, n))) for n in shown]
    return Pages(current, links if count > 1 else [(1, "./")],
                 relative(here, page_folder(base, current - 1)) if current > 1 else None,
                 relative(here, page_folder(base, current + 1)) if current < count else None, count)


def page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))


def record_html(page: RecordPage, settings: SiteSettings) -> bytes:
    return _render("record.html", f"records/{page.id}/", settings, page=page, rows=record_rows(page),
                   description=page.description, url=page.url)


def collection_html(catalog: Catalog, settings: SiteSettings, number: int = 1, *, total: int | None = None,
                    items: list[Item] | None = None) -> bytes | None:
    """Page ``number`` of the collection (None past the last page). The build, which writes every page, gives the
    record count and the page's records itself (read once for all pages)."""
    total = catalog.count() if total is None else total
    if number > page_count(total, settings.page_size) or number < 1:
        return None
    folder = page_folder("", number)
    first = number == 1
    if items is None:
        items = catalog.items(offset=(number - 1) * settings.page_size, limit=settings.page_size)
    return _render("collection.html", folder, settings, count=total, list=items,
                   pages=_pages("", number, total, settings.page_size),
                   subjects=catalog.facets("subject", limit=30, by_count=True) if first else [],
                   languages=catalog.facets("language") if first else [],
                   years=catalog.facets("year") if first else [],
                   canonical=f"{settings.base_url}{folder}" if settings.base_url else None,
                   description=f"{settings.name}: {total} archival records" if first else "")


def listing_html(catalog: Catalog, settings: SiteSettings, kind: str, key: str, number: int = 1, *,
                 facet: Facet | None = None, items: list[Item] | None = None) -> bytes | None:
    """Page ``number`` of the records filed under one subject, language or year (None when there is none); the
    build gives the facet and the page's records itself."""
    facet = catalog.facet(kind, key) if facet is None else facet
    if facet is None or number < 1 or number > page_count(facet.count, settings.page_size):
        return None
    base = f"{KINDS[kind]}/{key}/"
    if items is None:
        items = catalog.items(kind, key, offset=(number - 1) * settings.page_size, limit=settings.page_size)
    return _render("listing.html", page_folder(base, number), settings, kind_label=_KIND_LABELS[kind],
                   heading=facet.label, count=facet.count, list=items,
                   pages=_pages(base, number, facet.count, settings.page_size))


def facets_html(catalog: Catalog, settings: SiteSettings, kind: str) -> bytes:
    """Every subject (language, year) of the collection, with its record count."""
    return _render("facets.html", f"{KINDS[kind]}/", settings, heading=_FACETS_HEADINGS[kind],
                   list=catalog.facets(kind), folder=KINDS[kind])


def not_found_html(settings: SiteSettings, depth: int | None = None) -> bytes:
    """The 404 page. A host shows ``404.html`` at any depth, so its links start at the base URL's path when that is
    known (else at the root's folder); ``serve`` gives ``depth``, the requested path's, for links relative to it."""
    if depth is not None:
        root = "../" * depth or "./"
    else:
        root = urlsplit(settings.base_url).path if settings.base_url else "./"
    return _render("notfound.html", "", settings, root=root, url=None)


def search_html(catalog: Catalog, settings: SiteSettings, query: str, *, subject: str = "", language: str = "",
                number: int = 1) -> bytes:
    """The search page (at ``search``, beside the collection's root) with the results for ``query``."""
    query = " ".join(query.split())[:200]
    number = max(1, number)
    total, found, facets = catalog.search(query, subject=subject or None, language=language or None,
                                          offset=(number - 1) * settings.page_size, limit=settings.page_size)

    def href(**changed: str | int) -> str:
        given = {"q": query, "subject": subject, "language": language, "page": 1, **changed}
        return "search?" + urlencode([(k, v) for k, v in given.items() if v and not (k == "page" and v == 1)])

    count = page_count(total, settings.page_size)
    shown = sorted({1, count, *range(max(1, number - 3), min(count, number + 3) + 1)})
    pages = Pages(number, [(n, href(page=n)) for n in shown], href(page=number - 1) if number > 1 else None,
                  href(page=number + 1) if number < count else None, count)
    filters = [f"{_KIND_LABELS[kind]}: {facet.label}" for kind, key in (("subject", subject), ("language", language))
               if key and (facet := catalog.facet(kind, key)) is not None]
    choices: dict[str, list[tuple[Facet, str]]] = {
        kind: [(facet, href(**{kind: facet.key})) for facet in facets[kind]] for kind in ("subject", "language")}
    return _render("search.html", "", settings, static=False, query=query, subject=subject, language=language,
                   total=total, list=found, facets=choices, pages=pages, filters=filters,
                   everything=href(subject="", language=""), url=None)


def static_search_html(settings: SiteSettings, *, pagefind: bool = False) -> bytes:
    """``search/index.html`` of the static site: the form, and the way to browse. With ``pagefind`` (the site has
    a Pagefind index) its one script searches in the browser, which its policy lets compile WebAssembly."""
    return _render("search.html", "search/", settings, query="", subject="", language="", total=0, list=[],
                   facets={}, pages=Pages(1, [], None, None), filters=[], everything="", url=None, static=True,
                   pagefind=pagefind, csp=SEARCH_CSP if pagefind else CSP)


def linkset_json(page: RecordPage) -> bytes:
    """FAIR Signposting level 2: the record page's typed links as an RFC 9264 linkset (absolute URLs only)."""
    assert page.url is not None, "a linkset needs the base URL"
    context: dict[str, list[dict[str, str]]] = {}
    for link in page.links:
        if link.rel in ("canonical", "linkset"):
            continue
        target = {"href": link.href, **({"type": link.type} if link.type else {}),
                  **({"profile": link.profile} if link.profile else {})}
        context.setdefault(link.rel, []).append(target)
    return indented({"linkset": [{"anchor": page.url, **context}]})


def link_header(page: RecordPage) -> str:
    """The same typed links as an HTTP Link header (RFC 8288), for ``serve``."""
    parts = []
    for link in page.links:
        if link.rel == "canonical":
            continue
        attributes = f'; rel="{link.rel}"' + (f'; type="{link.type}"' if link.type else "") + \
            (f'; profile="{link.profile}"' if link.profile else "")
        parts.append(f"<{link.href}>{attributes}")
    return ", ".join(parts)


def robots_txt(settings: SiteSettings) -> bytes:
    lines = ["User-agent: *", "Disallow: /search", "Allow: /"]
    if settings.base_url:
        lines.append(f"Sitemap: {settings.base_url}sitemap.xml")
    return ("\n".join(lines) + "\n").encode("utf-8")


_PIECE = 1000
_URLSET = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'


def sitemap_paths(catalog: Catalog, settings: SiteSettings) -> list[str]:
    """The sitemap's files: ``sitemap.xml`` listing every record page, or past 50,000 records a sitemap index of
    ``sitemaps/N.xml``. None without a base URL."""
    if not settings.base_url:
        return []
    total = catalog.count()
    if total <= SITEMAP_LIMIT:
        return ["sitemap.xml"]
    return ["sitemap.xml", *(f"sitemaps/{n}.xml" for n in range(1, page_count(total, SITEMAP_LIMIT) + 1))]


def sitemap_pieces(catalog: Catalog, settings: SiteSettings, path: str) -> Iterator[bytes]:
    """The bytes of the sitemap file ``path`` (one of :func:`sitemap_paths`) in pieces of a thousand URLs, so no
    part is ever whole in memory: each record page with the date the record last changed."""
    base = settings.base_url
    assert base, "a sitemap needs the base URL"
    total = catalog.count()
    if path == "sitemap.xml" and total > SITEMAP_LIMIT:
        entries = "".join(f"<sitemap><loc>{escape(f'{base}sitemaps/{n}.xml')}</loc></sitemap>\n"
                          for n in range(1, page_count(total, SITEMAP_LIMIT) + 1))
        yield ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/'
               f'schemas/sitemap/0.9">\n{entries}</sitemapindex>\n').encode()
        return
    number = 1 if path == "sitemap.xml" else int(path.removeprefix("sitemaps/").removesuffix(".xml"))
    piece = [_URLSET]
    for item in catalog.each(offset=(number - 1) * SITEMAP_LIMIT, limit=SITEMAP_LIMIT):
        piece.append(f"<url><loc>{escape(f'{base}records/{item.id}/')}</loc><lastmod>{item.lastmod}</lastmod></url>\n")
        if len(piece) >= _PIECE:
            yield "".join(piece).encode("utf-8")
            piece = []
    piece.append("</urlset>\n")
    yield "".join(piece).encode("utf-8")

"""The site read by real consumers: the Nu HTML Checker, extruct and PyLD, the signposting package, LinkChecker and
ultimate-sitemap-parser, over the static site served by ``python -m http.server`` and the same pages served live."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import extruct
import pytest
from pyld import jsonld

from archivist.site import SiteSettings, build_site
from tests.site.conftest import CORPUS, IDS, Live, Site, fetch, free_port
from tests.tools import need


def html_routes(site: Site) -> list[str]:
    return sorted(str(p.relative_to(site.folder)) for p in site.folder.rglob("*.html"))


#: What the checker says that is not so. (1) Of every page read from a file: a file: URL has no origin, so 'self' in
#: the CSP cannot allow the stylesheet or the search page's script (it cannot fetch the pages itself: it refuses
#: loopback addresses; test_pagefind.py checks that Chromium runs that script under the policy). (2) Of the
#: JSON-LD block: a <script> of a type that is not JavaScript is a data block, which the HTML standard never runs
#: and so never checks against script-src (test_browser.py checks that Chromium reports no CSP violation).
_NOT_SO = (r"Resource violates Content Security Policy \(meta tag\): external (stylesheet|script) .* blocked by .*"
           r"|Inline script violates Content Security Policy \(meta tag\): blocked by .script-src. directive .*")


def test_the_nu_html_checker_finds_nothing(static_site: Site, live_site: Live, tmp_path: Path) -> None:
    vnu = need("vnu")
    urls = [static_site.url + route for route in html_routes(static_site)]
    urls += [live_site.url + "search?q=peru", live_site.url + "search?q=%E6%9D%B1%E4%BA%AC&language=ja",
             live_site.url + "records/no-such-record/"]
    files = []
    for number, url in enumerate(urls):
        files.append(tmp_path / f"{number}.html")
        files[-1].write_bytes(fetch(url)[2])
    run = subprocess.run([need("java"), "-jar", vnu, "--format", "json", "--also-check-css", "--also-check-svg",
                          "--filterpattern", _NOT_SO, *map(str, files), str(static_site.folder / "style.css"),
                          str(static_site.folder / "favicon.svg")],
                         capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(run.stderr)["messages"]
    assert [(m["url"].rsplit("/", 1)[-1], m["message"]) for m in messages
            if m["type"] != "info" or m.get("subType") == "warning"] == []
    assert len(urls) > 40


def metadata_graph(document: dict[str, Any]) -> str:
    return str(jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads"}))


@pytest.mark.parametrize("record_id", IDS)
def test_extruct_finds_the_one_jsonld_block_with_the_exports_metadata(static_site: Site, record_id: str) -> None:
    url = f"{static_site.url}records/{record_id}/"
    _, _, body = fetch(url)
    found = extruct.extract(body.decode("utf-8"), base_url=url, syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert len(found) == 1
    export = json.loads((static_site.folder / "records" / record_id / f"{record_id}.jsonld").read_bytes())
    export.pop("hasPart")  # the text, which the page shows instead
    export["encoding"].pop("schema:hasPart", None)  # the removed lines, which the page lists instead
    assert metadata_graph(found[0]) == metadata_graph(export)


def links(signposting: Any) -> set[tuple[str, str, str | None]]:
    return {(s.rel.value, str(s.target), s.type and str(s.type)) for s in signposting.signposts}


@pytest.mark.parametrize("record_id", ["mrta-globalsecurity", "ar-tahrir-museum"])
def test_the_signposting_package_finds_the_same_links_everywhere(static_site: Site, live_site: Live,
                                                                  record_id: str) -> None:
    from signposting import find_signposting_html, find_signposting_http_link, find_signposting_linkset

    page = f"{static_site.url}records/{record_id}/"
    in_html = links(find_signposting_html(page))
    _, headers, _ = fetch(f"{live_site.url}records/{record_id}/")
    in_header = links(find_signposting_http_link([headers["Link"]], page))
    in_linkset = links(find_signposting_linkset(page + "linkset.json").for_context(page))
    assert in_html == in_header
    assert in_linkset == {link for link in in_html if link[0] != "linkset"}
    rels = {rel for rel, _, _ in in_html}
    assert rels == {"cite-as", "type", "license", "describedby", "item", "linkset"} - (
        set() if record_id == "mrta-globalsecurity" else {"license"})
    assert ("cite-as", page, None) in in_html
    described = {target for rel, target, _ in in_html if rel == "describedby"}
    assert described == {page + f"{record_id}.{ext}" for ext in ("oai_dc.xml", "dcterms.xml", "jsonld", "marc.xml",
                                                                 "mrc", "mods.xml", "csl.json", "bib", "ris",
                                                                 "datacite.xml", "mets.xml")}
    profiles = {str(s.target): s.profiles for s in find_signposting_linkset(page + "linkset.json").signposts}
    assert {str(p) for p in profiles[page + f"{record_id}.marc.xml"]} == {"http://www.loc.gov/MARC21/slim"}


def linkchecker(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([need("linkchecker"), "--no-status", "--no-warnings", "-o", "csv", "--threads", "4",
                           "--ignore-url", "^https?://(?!127\\.0\\.0\\.1)", url],
                          capture_output=True, text=True, timeout=300, check=False)


def test_linkchecker_finds_no_broken_link_under_a_sub_path(static_site: Site, live_site: Live) -> None:
    run = linkchecker(static_site.url)  # the pages name the live server's OAI-PMH base URL: it is up too
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.fixture(scope="module")
def root_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The corpus built without a base URL, served at the root of ``python -m http.server``."""
    folder = tmp_path_factory.mktemp("root") / "site"
    build_site(CORPUS, folder, SiteSettings())
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d",
                                str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(300):
            try:
                fetch(url)
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def test_linkchecker_finds_no_broken_link_at_the_root(root_site: str) -> None:
    run = linkchecker(root_site)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_sitemap_lists_exactly_the_record_pages(static_site: Site) -> None:
    from usp.fetch_parse import SitemapFetcher

    tree = SitemapFetcher(url=static_site.url + "sitemap.xml", recursion_level=0).sitemap()
    pages = sorted(page.url for page in tree.all_pages())
    assert pages == [f"{static_site.url}records/{record_id}/" for record_id in IDS]
    for page in tree.all_pages():
        assert page.last_modified is not None
        assert fetch(page.url)[0] == 200
    robots = fetch(static_site.url + "robots.txt")[2].decode()
    assert f"Sitemap: {static_site.url}sitemap.xml" in robots
    assert urllib.parse.urlsplit(static_site.url).path == "/sub/"


def test_nothing_links_to_another_site_but_the_records_own_links(static_site: Site) -> None:
    for route in html_routes(static_site):
        html = (static_site.folder / route).read_text("utf-8")
        if route == "search/index.html":  # the one script of the site, its own, for the static search
            assert html.count("<script") == 1 and '<script type="module" src="../search.js"></script>' in html
            html = html.replace('<script type="module" src="../search.js"></script>', "")
        for needle in ("<script src", "<script type=\"module\"", "<iframe", "<img", "@import", "url("):
            assert needle not in html, (route, needle)
    css = (static_site.folder / "style.css").read_text("utf-8")
    assert "url(" not in css and "@import" not in css
    assert Path(static_site.folder / "favicon.svg").read_text("utf-8").count("href") == 0

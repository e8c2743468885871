"""``archivist serve``'s pages for people: the static site's routes with the same bytes, search, 404, headers."""

from __future__ import annotations

import http.client
import urllib.parse
from pathlib import Path

import lxml.html
import pytest

from archivist.site import CSP
from archivist.site._tokens import index_text, match_query
from tests.site.conftest import IDS, Live, Site, fetch


def test_every_route_of_the_static_site_gives_the_same_bytes(static_site: Site, live_site: Live) -> None:
    files = [p for p in static_site.folder.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len(files) > 80
    for file in files:
        route = str(file.relative_to(static_site.folder))
        if route in ("search.js", "search/index.html") or route.startswith("pagefind/"):
            continue  # the static search, in the browser: serve searches on the server (below)
        status, _, body = fetch(live_site.url + route)
        assert (status, body) == (200, file.read_bytes()), route
        if route.endswith("/index.html") or route == "index.html":
            assert fetch(live_site.url + route[:-len("index.html")])[2] == body, route


def test_the_static_search_page_leads_to_the_servers_search(static_site: Site, live_site: Live) -> None:
    """The static site's search page (Pagefind's, in the browser) is not served: ``search/`` leads to ``search``,
    the server's search, with the query kept; Pagefind's files and the page's script are not served at all."""
    where = urllib.parse.urlsplit(live_site.url)
    for route, location in (("search/", "../search"), ("search/index.html", "../search"),
                            ("search/?q=%E6%9D%B1%E4%BA%AC&language=ja", "../search?q=%E6%9D%B1%E4%BA%AC&language=ja"),
                            ("search/?q=a%0D%0AX-Bad:%201", "../search?q=a%0D%0AX-Bad:%201")):
        connection = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
        try:
            connection.request("GET", where.path + route)
            answer = connection.getresponse()
            answer.read()
        finally:
            connection.close()
        assert (answer.status, answer.getheader("Location"), answer.getheader("X-Bad")) == (301, location, None)
    status, headers, body = fetch(live_site.url + "search/?q=%E6%9D%B1%E4%BA%AC")  # followed, as a browser does
    assert status == 200 and headers["X-Robots-Tag"] == "noindex"
    assert body == fetch(live_site.url + "search?q=%E6%9D%B1%E4%BA%AC")[2]
    assert found(lxml.html.fromstring(body)) == ["ja-tokyo-library"]
    assert b"search.js" not in body and b"archivist serve" not in body  # not the static copy's page
    static = [str(p.relative_to(static_site.folder)) for p in static_site.folder.rglob("*")
              if p.is_file() and (p.name == "search.js" or "pagefind" in p.parts)]
    for route in ["search.js", "pagefind/pagefind.js", *static]:
        assert fetch(live_site.url + route)[0] == 404, route


def test_unknown_pages_are_404_with_the_sites_404_page(live_site: Live) -> None:
    for route in ("records/no-such-record/", "records/mrta-globalsecurity/nothing.xml", "subjects/nope/",
                  "pages/99/", "records/../../etc/passwd", "records/mrta-globalsecurity/../../records/",
                  "languages/en/pages/0/"):
        status, headers, body = fetch(live_site.url + route)
        assert status == 404, route
        assert headers["Content-Security-Policy"] == CSP
        doc = lxml.html.fromstring(body)
        assert doc.xpath("string(//h1)") == "Not found"
        depth = route.count("/")  # the links lead from the requested path to the root, as relative links
        assert doc.xpath("//link[@rel='stylesheet']/@href") == [("../" * depth or "./") + "style.css"], route


def test_pages_carry_the_csp_and_record_pages_the_signposting_header(live_site: Live) -> None:
    status, headers, body = fetch(live_site.url + "records/ru-hermitage/")
    assert status == 200 and headers["Content-Security-Policy"] == "default-src 'self'"
    doc = lxml.html.fromstring(body)
    in_html = {(link.get("rel"), link.get("href")) for link in doc.xpath("//head/link")
               if link.get("rel") not in ("canonical", "stylesheet", "icon")}
    in_header = set()
    for part in headers["Link"].split(", <"):
        href, _, attributes = part.strip("<").partition(">")
        rel = attributes.split('rel="')[1].split('"')[0]
        in_header.add((rel, href))
    assert in_header == in_html
    assert {rel for rel, _ in in_header} >= {"cite-as", "type", "describedby", "item", "linkset"}


def search(live: Live, **query: str) -> tuple[dict[str, str], lxml.html.HtmlElement]:
    status, headers, body = fetch(live.url + "search?" + urllib.parse.urlencode(query))
    assert status == 200
    return headers, lxml.html.fromstring(body)


def found(doc: lxml.html.HtmlElement) -> list[str]:
    return sorted(href.split("/")[-2] for href in doc.xpath("//ol[@class='items']//a/@href"))


@pytest.mark.parametrize(("query", "expected"), [
    ("東京", ["ja-tokyo-library"]),       # two Japanese letters inside a longer run
    ("京都", ["ja-tokyo-library"]),       # a two-letter word found in 「京都の図書館」
    ("図書館の歴史", ["ja-tokyo-library"]),
    ("館", ["ja-tokyo-library"]),
    ("المتحف", ["ar-tahrir-museum"]),
    ("Эрмитаж", ["ru-hermitage"]),
    ("эрмит", ["ru-hermitage"]),          # a word's beginning
    ("peru", ["hostile-title", "mrta-globalsecurity"]),
    ("Tutankhamun", ["ar-tahrir-museum"]),  # a subject
    ("guerrilla MRTA", ["mrta-globalsecurity"]),
    ("東京 Эрмитаж", []),
])
def test_search_finds_words_in_every_script(live_site: Live, query: str, expected: list[str]) -> None:
    headers, doc = search(live_site, q=query)
    assert found(doc) == expected
    assert headers["X-Robots-Tag"] == "noindex" and doc.xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_search_facets_narrow_the_results(live_site: Live) -> None:
    _, doc = search(live_site, q="peru")
    [lcsh] = [a for a in doc.xpath("//section//ul[@class='facets']//a") if a.text_content() == "Terrorism--Peru"]
    assert "(2)" in lcsh.getparent().text_content()
    by_language = doc.xpath("//h3[.='By language']/following-sibling::ul[1]//a")
    languages = {a.text_content(): a.get("href") for a in by_language}
    assert set(languages) == {"en"}
    _, narrowed = search(live_site, **dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(lcsh.get("href")).query)))
    assert found(narrowed) == ["hostile-title", "mrta-globalsecurity"]
    _, none = search(live_site, q="peru", language="ja")
    assert found(none) == [] and "0 records found" in none.text_content()


@pytest.mark.parametrize("query", ['"', 'NEAR(a b', "a OR", "*", "-x", "^", "'); DROP TABLE items; --", "𝔘" * 300])
def test_any_query_is_text(live_site: Live, query: str) -> None:
    _, doc = search(live_site, q=query)
    assert doc.xpath("string(//input[@id='q']/@value)") == " ".join(query.split())[:200]


def test_the_tokens_of_unspaced_scripts() -> None:
    assert index_text("東京都の図書館") == " 東京 京都 都の の図 図書 書館 館 "
    assert match_query("京都") == '"京都"'
    assert match_query('say "hi"') == '"say"* AND "hi"*'
    assert match_query("  ") is None


def test_record_ids_leave_nothing_outside_the_records(live_site: Live) -> None:
    for route in ("records/%2e%2e/", "records/..%2f..%2fetc/", "records/mrta-globalsecurity/originals/..%2f..%2fx",
                  "records/mrta-globalsecurity/%2e%2e/mrta-globalsecurity.json"):
        assert fetch(live_site.url + route)[0] == 404, route
    assert fetch(live_site.url + "records/mrta-globalsecurity/originals/mrta-globalsecurity.txt")[0] == 200
    assert len(IDS) == len(list(Path(__file__).parent.joinpath("data").glob("*.json"))) + 1

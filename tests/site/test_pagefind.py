"""The static site's search in a real browser: Debian's Chromium (driven by Playwright) runs the search page's script
over the Pagefind index under a sub-path, with the page's own Content-Security-Policy; without JavaScript the page
points to browsing; axe-core finds no violation with results shown."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from archivist.site._render import CSP, SEARCH_CSP
from tests.site.conftest import Site
from tests.site.test_browser import ARTIFACTS, axe_violations
from tests.tools import needs

pytestmark = needs("chromium")
playwright = pytest.importorskip("playwright.sync_api")


@dataclass
class Tab:
    """A page with JavaScript on, and what it reported: console errors and warnings, script errors, requests."""

    page: Any
    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    context = browser.new_context()
    page = context.new_page()
    seen = Tab(page)
    page.on("console", lambda m: seen.problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: seen.problems.append(str(error)))
    page.on("request", lambda request: seen.requests.append(request.url))
    try:
        yield seen
    finally:
        context.close()


def search(tab: Tab, site: Site, words: str) -> list[str]:
    """Type ``words`` in the search page's form and send it; the ids of the records found, in order."""
    page = tab.page
    page.goto(site.url + "search/")
    page.get_by_label("Words to find").fill(words)
    page.get_by_role("button", name="Search").click()
    page.locator("#search-results p[role=status]").wait_for()
    assert page.locator("#search-fallback").is_hidden()
    hrefs = page.locator("#search-results ol.items a").evaluate_all("links => links.map(a => a.href)")
    return [href.removeprefix(site.url + "records/").rstrip("/") for href in hrefs]


def test_an_english_word_finds_its_record_and_the_link_opens_it(tab: Tab, static_site: Site) -> None:
    assert search(tab, static_site, "Berenson") == ["mrta-globalsecurity"]
    assert tab.page.locator("#search-results mark").first.inner_text().strip() == "Berenson"
    tab.page.get_by_role("link", name="Tupac Amaru Revolutionary Movement (MRTA)").click()
    assert tab.page.url == static_site.url + "records/mrta-globalsecurity/"  # under the sub-path
    assert tab.problems == []


@pytest.mark.parametrize("words", ["港区", "京都", "都立", "図書館"])
def test_a_two_letter_japanese_word_inside_a_run_of_letters_is_found(tab: Tab, static_site: Site,
                                                                        words: str) -> None:
    # 「東京都港区にある公共図書館」 has no spaces: only the extended binary's segmenter finds 港区 or 都立 in it
    assert search(tab, static_site, words) == ["ja-tokyo-library"]
    assert tab.page.get_by_role("status").inner_text() == "1 record found."
    assert tab.problems == []


@pytest.mark.parametrize(("words", "found"), [("Эрмитаж", ["ru-hermitage"]), ("Berenson Lima", ["mrta-globalsecurity"]),
                                              ("zzyzx", [])])
def test_other_scripts_and_several_words(tab: Tab, static_site: Site, words: str, found: list[str]) -> None:
    assert search(tab, static_site, words) == found


def test_an_arabic_word_finds_its_record_first(tab: Tab, static_site: Site) -> None:
    # the segmenting index cuts the article ال from Arabic words, so others holding ال… may follow
    assert search(tab, static_site, "القاهرة")[0] == "ar-tahrir-museum"


def test_subject_and_language_filters_narrow_the_results(tab: Tab, static_site: Site) -> None:
    assert sorted(search(tab, static_site, "Peru")) == ["hostile-title", "mrta-globalsecurity"]
    page = tab.page
    page.locator("section[aria-labelledby=refine-heading] a", has_text="Lori Berenson").click()
    page.locator("#search-results p[role=status]").wait_for()
    assert page.get_by_role("status").inner_text().startswith("1 record found (Subject: Lori Berenson;")
    assert urlsplit(page.url).query == "q=Peru&subject=Lori+Berenson"
    assert page.get_by_label("Words to find").input_value() == "Peru"
    page.get_by_role("link", name="search all").click()
    page.locator("#search-results p[role=status]").wait_for()
    assert page.get_by_role("status").inner_text() == "2 records found."
    page.goto(static_site.url + "search/?q=" + quote("図書館") + "&language=en")
    page.locator("#search-results p[role=status]").wait_for()
    assert page.get_by_role("status").inner_text().startswith("0 records found (Language: en;")
    assert tab.problems == []


def test_every_request_stays_on_the_site_and_the_policy_holds(tab: Tab, static_site: Site) -> None:
    assert search(tab, static_site, "京都") == ["ja-tokyo-library"]
    assert tab.requests and all(url.startswith(static_site.url) for url in tab.requests), tab.requests
    assert any("/pagefind/" in url for url in tab.requests)
    policy = tab.page.locator("meta[http-equiv=Content-Security-Policy]").get_attribute("content")
    assert policy == SEARCH_CSP == "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
    tab.page.goto(static_site.url + "records/ja-tokyo-library/")
    assert tab.page.locator("meta[http-equiv=Content-Security-Policy]").get_attribute("content") == CSP
    assert tab.problems == []  # a blocked script, worker or WebAssembly module would be reported here


def test_a_screenshot_of_results_in_english_and_japanese(tab: Tab, static_site: Site) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.page.set_viewport_size({"width": 1000, "height": 900})
    assert search(tab, static_site, "図書館 歴史") == ["ja-tokyo-library"]
    shot = ARTIFACTS / "static-search.png"
    tab.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000


def test_a_hostile_query_and_subject_stay_text(tab: Tab, static_site: Site) -> None:
    dialogs: list[str] = []
    tab.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    hostile = "<img src=x onerror=alert(1)>"
    tab.page.goto(static_site.url + "search/?q=" + quote("alert") + "&subject=" + quote(hostile))
    tab.page.locator("#search-results p[role=status]").wait_for()
    assert tab.page.locator("#search-results img").count() == 0
    tab.page.goto(static_site.url + "search/?q=" + quote(hostile))
    tab.page.locator("#search-results p[role=status]").wait_for()
    assert tab.page.get_by_label("Words to find").input_value() == hostile
    assert tab.page.locator("img").count() == 0 and dialogs == []


def test_without_javascript_the_search_page_points_to_browsing(browser: Any, static_site: Site) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(static_site.url)
        page.get_by_role("link", name="Search").click()
        page.get_by_label("Words to find").fill("Peru")
        page.get_by_role("button", name="Search").click()
        assert page.url == static_site.url + "search/?q=Peru"
        fallback = " ".join(page.locator("#search-fallback").inner_text().split())
        assert "runs in your browser and needs JavaScript" in fallback
        assert page.locator("#search-results").is_hidden()
        page.locator("#search-fallback").get_by_role("link", name="subjects").click()
        assert page.locator("h1").inner_text() == "Subjects"
    finally:
        context.close()


def test_axe_finds_no_violation_with_results_shown(browser: Any, static_site: Site) -> None:
    context = browser.new_context(bypass_csp=True)  # to inject axe
    page = context.new_page()
    try:
        found = {}
        for query in ("Peru", "図書館", "zzyzx"):
            page.goto(static_site.url + "search/?q=" + quote(query))
            page.locator("#search-results p[role=status]").wait_for()
            violations = axe_violations(page)
            if violations:
                found[query] = violations
        assert found == {}
    finally:
        context.close()

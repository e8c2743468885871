"""The site in a real browser: Chromium (Debian's, driven by Playwright) with JavaScript off for browsing, search
and downloads, on for the hostile record (no dialog, no CSP violation), axe-core for accessibility, and screenshots
of English, Arabic and Japanese record pages kept as test artefacts (``build/test-artifacts/site/``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archivist.batch import BatchOptions, run_batch
from archivist.exporters import builtin_names
from tests.conftest import ROOT
from tests.site.conftest import CORPUS, Live, Site
from tests.tools import need, needs

pytestmark = needs("chromium")
playwright = pytest.importorskip("playwright.sync_api")
ARTIFACTS = Path(os.environ.get("ARCHIVIST_ARTIFACTS", ROOT / "build" / "test-artifacts")) / "site"
#: WCAG 2.0, 2.1 and 2.2 A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture
def no_js(browser: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_browse_collection_subject_record_without_javascript(no_js: Any, static_site: Site) -> None:
    page = no_js
    page.goto(static_site.url)
    assert page.locator("h1").inner_text() == "Test archive"
    page.locator("section[aria-labelledby=subjects-heading] a", has_text="Terrorism--Peru").click()
    assert page.locator("h1").inner_text() == "Subject: Terrorism--Peru"
    assert page.url == static_site.url + "subjects/" + page.url.split("/subjects/")[1]
    page.get_by_role("link", name="Tupac Amaru Revolutionary Movement (MRTA)").click()
    assert page.url == static_site.url + "records/mrta-globalsecurity/"
    assert page.locator("h1").inner_text() == "Tupac Amaru Revolutionary Movement (MRTA)"
    page.get_by_role("link", name="ru", exact=True).count()  # languages are plain links too
    page.goto(static_site.url + "languages/")
    page.get_by_role("link", name="ja").click()
    page.get_by_role("link", name="東京都立図書館の歴史").click()
    assert page.locator("section.text").get_attribute("lang") == "ja"


def test_search_without_javascript(no_js: Any, live_site: Live) -> None:
    page = no_js
    page.goto(live_site.url)
    page.get_by_role("link", name="Search").click()
    page.get_by_label("Words to find").fill("京都")
    page.get_by_role("button", name="Search").click()
    assert "1 record found" in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="東京都立図書館の歴史").click()
    assert page.url == live_site.url + "records/ja-tokyo-library/"


def test_each_download_is_the_file_export_writes(no_js: Any, static_site: Site, tmp_path: Path) -> None:
    exported = tmp_path / "exports"
    run_batch(CORPUS, exported, BatchOptions(formats=builtin_names()))
    for record_id in ("mrta-globalsecurity", "ar-tahrir-museum"):
        no_js.goto(f"{static_site.url}records/{record_id}/")
        links = no_js.locator("section.downloads a")
        names = []
        for n in range(links.count()):
            # each download from a page of its own: Chromium holds back a page's downloads after about ten
            no_js.goto(f"{static_site.url}records/{record_id}/")
            href = links.nth(n).get_attribute("href")
            links.nth(n).scroll_into_view_if_needed()
            with no_js.expect_download(timeout=30_000) as waiting:
                links.nth(n).click()
            assert waiting.value.url.endswith(f"records/{record_id}/{href}"), (waiting.value.url, no_js.url)
            download = waiting.value
            names.append(download.suggested_filename)
            expected = exported / download.suggested_filename
            if not expected.exists():  # a file the record lists, copied as it is
                expected = ROOT / "records" / "originals" / download.suggested_filename
            assert Path(download.path()).read_bytes() == expected.read_bytes(), download.suggested_filename
        assert len(names) >= 6


def test_a_hostile_record_opens_no_dialog_and_breaks_no_policy(browser: Any, static_site: Site,
                                                                live_site: Live) -> None:
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    console: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: console.append(message.text) if message.type in ("error", "warning") else None)
    try:
        for url in (f"{static_site.url}records/hostile-title/", static_site.url,
                    f"{live_site.url}records/hostile-title/", f"{live_site.url}search?q=alert",
                    f"{static_site.url}records/ar-tahrir-museum/"):
            page.goto(url)
            page.wait_for_load_state("load")
            page.mouse.move(200, 300)
        assert page.evaluate("document.querySelectorAll('script:not([type=\"application/ld+json\"])').length") == 0
    finally:
        context.close()
    assert dialogs == [] and console == []


def test_screenshots_of_english_arabic_and_japanese_pages(browser: Any, static_site: Site) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1000, "height": 900}, java_script_enabled=True)
    page = context.new_page()
    try:
        for record_id, font in (("mrta-globalsecurity", None), ("ar-tahrir-museum", "Noto Sans Arabic"),
                                ("ja-tokyo-library", "Noto Sans CJK JP")):
            page.goto(f"{static_site.url}records/{record_id}/")
            shot = ARTIFACTS / f"record-{record_id}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
            if font:  # the script's letters have a font (else they would print as empty boxes)
                check = f"document.fonts.check('16px \"{font}\"', document.querySelector('h1').textContent)"
                assert page.evaluate(check)
    finally:
        context.close()


def test_the_print_stylesheet_keeps_what_a_citation_needs(browser: Any, static_site: Site) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{static_site.url}records/mrta-globalsecurity/")
        page.emulate_media(media="print")
        for shown in ("h1", "section.about", "section.provenance", "footer.site"):
            assert page.locator(shown).is_visible(), shown
        for hidden in ("section.text", "section.downloads", "header.site nav", "section.removed"):
            assert not page.locator(hidden).is_visible(), hidden
        assert static_site.url + "records/mrta-globalsecurity/" in page.locator("footer.site").inner_text()
    finally:
        context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=need("axe-core"))
    found: list[dict[str, Any]] = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations", AXE_TAGS)
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in found]


def test_axe_finds_no_violation(browser: Any, static_site: Site, live_site: Live) -> None:
    context = browser.new_context(bypass_csp=True)  # to inject axe; the pages run no script of their own
    page = context.new_page()
    urls = [static_site.url, static_site.url + "subjects/", static_site.url + "languages/",
            static_site.url + "years/2019/", static_site.url + "404.html", static_site.url + "search/"]
    urls += [f"{static_site.url}records/{record_id}/" for record_id in ("mrta-globalsecurity", "ar-tahrir-museum",
                                                                          "ja-tokyo-library", "ru-hermitage",
                                                                          "hostile-title")]
    urls += [live_site.url + "search?q=peru", live_site.url + "search?q=nothing-at-all", live_site.url + "nowhere/"]
    page.goto(static_site.url)
    urls.append(static_site.url + page.locator("section[aria-labelledby=subjects-heading] a").first
                .get_attribute("href").lstrip("./"))
    try:
        found = {}
        for url in urls:
            page.goto(url)
            violations = axe_violations(page)
            if violations:
                found[url] = violations
        assert found == {}
    finally:
        context.close()

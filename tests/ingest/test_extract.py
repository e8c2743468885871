"""Main-text extraction: engines mapped onto the page's own blocks, titles without site names, text-capture chrome
in several languages, every removal recorded (content + removed give back every line of a text capture)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from archivist.ingest import Facts, builtin_rules, ingest_file, parse_html, parse_text
from archivist.ingest._pagemeta import page_title
from archivist.records import iter_errors

CORPUS = Path(__file__).parents[2] / "benchmarks" / "corpus"
FACTS = Facts(url="https://example.org/a", retrieved="2026-11-25")
PARAS = [
    "The harbour was rebuilt in 1887 after a storm destroyed the old wooden piers and most of the warehouses.",
    "Merchants  from the   northern towns paid for the new stone quay, which is still in use by the ferry today.",
    "In the twentieth century the harbour lost most of its trade to the railway, and the warehouses became homes.",
]
PAGE = f"""<!DOCTYPE html><html lang="en"><head><title>The Old Harbour | Heritage Notes</title>
<meta property="og:site_name" content="Heritage Notes"></head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/notes">Notes</a></li><li><a href="/about">About</a></li>
</ul></nav></header><div class="sidebar"><a href="/a">Archive</a><a href="/b">Tags</a><a href="/c">Authors</a></div>
<main><article><h1>The Old Harbour</h1>
<h2>History<span class="edit">[<a href="/edit">edit</a>]</span></h2>
<p>{PARAS[0]}</p><p>{PARAS[1]}</p><p>{PARAS[2]}</p>
<p>Share this: Twitter Facebook</p></article></main>
<footer><p>© 2024 Heritage Notes. All rights reserved.</p></footer></body></html>"""


def test_kept_text_is_the_pages_own_in_order_and_every_cut_is_recorded(tmp_path: Path) -> None:
    page = tmp_path / "harbour.html"
    page.write_text(PAGE, encoding="utf-8")
    record = ingest_file(page, FACTS)
    assert list(iter_errors(record)) == []
    assert record["title"] == "The Old Harbour"
    sections = record["content"]["sections"]
    assert [s["heading"] for s in sections] == ["The Old Harbour", "History"]
    assert sections[1]["paragraphs"] == [" ".join(p.split()) for p in PARAS]  # the page's text, spaces collapsed
    removed = record["removed"]
    assert all(r.get("rule") and r.get("element", "").startswith("/html/body") for r in removed)
    nav = [r["text"] for r in removed if r["rule"] == "html-nav"]
    assert nav == ["Home", "Notes", "About"]  # a link list item by item, not "HomeNotesAbout"
    assert [r["text"] for r in removed if r["element"] == "/html/body/div"] == ["Archive", "Tags", "Authors"]
    assert {"text": "[edit]", "rule": "edit-section-marker"}.items() <= next(
        r for r in removed if r["rule"] == "edit-section-marker").items()
    assert any(r["text"] == "Share this: Twitter Facebook" for r in removed)
    notes = " ".join(e["note"] for e in record["provenance"] if e["action"] == "inferred")
    assert "'Heritage Notes'" in notes and "trafilatura" in notes


@pytest.mark.parametrize(("raw", "h1", "sites", "title"), [
    ("The Lindisfarne Gospels | Heritage Notes", None, ["Heritage Notes"], "The Lindisfarne Gospels"),
    ("Heritage Notes — The Lindisfarne Gospels", None, ["heritage notes"], "The Lindisfarne Gospels"),
    ("Mozilla - Wikipedia", "Mozilla", [], "Mozilla"),
    ("A: B - C", None, [], "A: B - C"),
    ("Plain title", "Other", ["Site"], "Plain title"),
    ("Outside the web: standalone binaries · V8", ["V8", "Outside the web: standalone binaries"], [],
     "Outside the web: standalone binaries"),  # a logo h1 is not the title when a longer h1 matches
])
def test_site_name_is_stripped_from_the_title(raw: str, h1: str | list[str] | None, sites: list[str],
                                              title: str) -> None:
    found, note = page_title(raw, h1, sites)
    assert found == title and (note is None) == (raw == title)


MENU = ["Home", "News", "Sport", "Contact"]
LANGUAGES = {
    "es": ("La Biblioteca Nacional", ("La biblioteca fue fundada en el siglo XVIII y conserva una de las colecciones "
           "más importantes de manuscritos de la península, que se pueden consultar en la sala de lectura."),
           ["Inicio", "Noticias", "Deportes", "Contacto"], "Obtenido de «https://es.example.org/wiki/Biblioteca»"),
    "fr": ("La Bibliothèque nationale", ("La bibliothèque a été fondée au XVIIIe siècle et elle conserve une des plus "
           "importantes collections de manuscrits du pays, que les lecteurs peuvent consulter sur place."),
           ["Accueil", "Actualités", "Sports", "Contact"], "Récupérée de « https://fr.example.org/wiki/Bibliotheque »"),
    "ru": ("Национальная библиотека", ("Библиотека была основана в восемнадцатом веке и хранит одну из самых важных "
           "коллекций рукописей в стране, которые можно изучать в читальном зале."),
           ["Главная", "Новости", "Спорт", "Контакты"], "Эта страница в последний раз была отредактирована 1 мая"),
    "ar": ("المكتبة الوطنية", ("تأسست المكتبة في القرن الثامن عشر وهي تحفظ واحدة من أهم مجموعات المخطوطات في البلاد "
           "التي يمكن للقراء الاطلاع عليها في قاعة المطالعة."),
           ["الرئيسية", "أخبار", "رياضة", "اتصل بنا"], "آخر تعديل لهذه الصفحة كان يوم 1 مايو"),
    "zh": ("国家图书馆", "图书馆建于十八世纪，收藏了全国最重要的手稿之一，读者可以在阅览室查阅这些珍贵的文献资料。",
           ["首页", "新闻", "体育", "联系我们"], "本页面最后修订于2024年5月1日"),
}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_text_capture_chrome_in_five_languages(language: str) -> None:
    title, paragraph, menu, footer = LANGUAGES[language]
    text = "\n".join([*menu, "", title, "", paragraph, "", paragraph[: len(paragraph) // 2] + ".", "", footer, *menu])
    parsed = parse_text(text, builtin_rules(), language=language)
    assert parsed.title == title
    kept = [p for s in parsed.sections for p in s["paragraphs"]]
    assert kept == [paragraph, paragraph[: len(paragraph) // 2] + "."]
    assert {r["text"] for r in parsed.removed} == set(menu) | {footer}
    _reproduces(text, parsed)


def _reproduces(text: str, parsed) -> None:  # type: ignore[no-untyped-def]
    """Every non-blank line is kept (possibly as a heading whose marker was removed) or removed, by line number."""
    kept = [line for s in parsed.sections for line in (s["heading"].split("\n") if s.get("heading") else [])
            + [x for p in s["paragraphs"] for x in p.split("\n")]]
    by_line: dict[int, str] = {}
    for item in parsed.removed:
        by_line[item["line"]] = by_line.get(item["line"], "") + item["text"]
    kept_iter = iter(kept)
    for number, line in enumerate(re.split(r"\r\n|\n|\r", text), start=1):
        if not line.strip():
            continue
        if number in by_line and by_line[number] == line:
            continue
        expected = line[: len(line) - len(by_line.get(number, ""))]
        assert next(kept_iter) == expected, f"line {number} lost: {line!r}"


def test_title_inferred_past_a_leading_menu_and_recorded(tmp_path: Path) -> None:
    capture = tmp_path / "dump.txt"
    capture.write_text("Home\nNotes\nAbout\nSearch\n\nThe Lindisfarne Gospels and their makers\n\n"
                       + PARAS[0] + "\n\n" + PARAS[2] + "\n", encoding="utf-8")
    record = ingest_file(capture, FACTS)
    assert record["title"] == "The Lindisfarne Gospels and their makers"
    assert any("longest title-like line" in e.get("note", "") for e in record["provenance"])
    assert [r["text"] for r in record["removed"]] == ["Home", "Notes", "About", "Search"]


def test_edit_markers_leave_text_headings_and_are_recorded() -> None:
    text = "Harbour\n\nBackground[edit]\n\n" + PARAS[0] + "\n\nJump to navigation Jump to search\n"
    parsed = parse_text(text, builtin_rules())
    assert parsed.sections[1]["heading"] == "Background"
    assert {"text": "[edit]", "line": 3, "rule": "edit-section-marker"} in parsed.removed
    assert any(r["rule"] == "jump-to-navigation" for r in parsed.removed)
    _reproduces(text, parsed)


CORPUS_LANGUAGES = {i["id"]: i["language"]
                    for i in json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))["items"]}


@pytest.mark.parametrize("dump", sorted((CORPUS / "text").glob("*.txt")), ids=lambda p: p.stem)
def test_real_text_dumps_lose_no_line(dump: Path) -> None:
    text = dump.read_text(encoding="utf-8")
    _reproduces(text, parse_text(text, builtin_rules(), language=CORPUS_LANGUAGES[dump.stem]))


def test_real_wikipedia_page() -> None:
    parsed, meta = parse_html((CORPUS / "html" / "en-wikipedia-mozilla.html").read_text(encoding="utf-8"),
                              builtin_rules())
    headings = [s["heading"] for s in parsed.sections if s["heading"]]
    assert meta.title == "Mozilla" and "History" in headings and "Navigation menu" not in headings
    assert not any("[edit]" in h for h in headings)
    assert any(r["text"] == "Random article" and r["rule"].startswith("html-") for r in parsed.removed)


def test_a_heading_whose_text_was_all_removed_goes_with_it() -> None:
    text = ("Harbour\n\n" + PARAS[0] + "\n\nSite tools\n\nLinks to elsewhere on this site\n\n"
            "Main page\nContents\nCurrent events\nRandom article\n\nLocation and area of operation\n\nNotes\n\n"
            + PARAS[1] + "\n")
    parsed = parse_text(text, builtin_rules())
    headings = [s["heading"] for s in parsed.sections]
    assert "Links to elsewhere on this site" not in headings and "Site tools" not in headings
    assert "Location and area of operation" in headings  # a heading with no text under it stays
    assert {"text": "Links to elsewhere on this site", "line": 7, "rule": "heading-of-removed-text"} in parsed.removed
    assert {"text": "Site tools", "line": 5, "rule": "heading-of-removed-text"} in parsed.removed
    _reproduces(text, parsed)


def test_a_lead_the_engine_drops_is_kept_and_notes_are_chrome() -> None:
    gitlab, _ = parse_html((CORPUS / "html" / "gitlab-survey.html").read_text(encoding="utf-8"), builtin_rules())
    assert gitlab.sections[0]["paragraphs"][0].startswith("This year, our survey revealed changes")
    wiki, _ = parse_html((CORPUS / "html" / "en-wikipedia-hermitian.html").read_text(encoding="utf-8"),
                         builtin_rules())
    assert {"text": "For matrices with symmetry over the real number field, see symmetric matrix.",
            "rule": "html-role-note"}.items() <= next(r for r in wiki.removed if r["rule"] == "html-role-note").items()
    first = next(p for s in wiki.sections for p in s["paragraphs"])
    assert first.startswith("In mathematics, a Hermitian matrix")


def test_title_found_past_a_promotion_before_the_article() -> None:
    promo = ("We translate the stories of this site into many languages so that citizen media from all over the "
             "world can be read by everyone, and we need your help to do it.")
    text = "\n".join(["Close", "Deutsch", "Español", "Français", "", promo, "", promo, "", "Politics", "Sport",
                      "Travel", "Technology", "", "A year of protests in the streets of the capital", "", PARAS[0],
                      PARAS[1], "", PARAS[2], ""])
    parsed = parse_text(text, builtin_rules(), language="en")
    assert parsed.title == "A year of protests in the streets of the capital"
    assert any("before the article" in n for n in parsed.notes)


def test_a_first_line_repeated_below_is_the_title_even_over_a_menu() -> None:
    text = ("Annual report of the harbour trust\n\n  • Home\n  • News\n  • About\n\n"
            "Welcome to the website and archive of the harbour trust\n\nAnnual report of the harbour trust\n\n"
            + PARAS[0] + "\n\n" + PARAS[1] + "\n")
    parsed = parse_text(text, builtin_rules())
    assert parsed.title == "Annual report of the harbour trust"
    assert any("repeated further down" in n for n in parsed.notes)
    _reproduces(text, parsed)


def test_a_centred_title_of_several_lines_is_joined() -> None:
    text = ("                 DECREE\n\n      On the renaming of the old harbour\n"
            "          and of the streets around it\n\n"
            + PARAS[0] + "\n\n" + PARAS[1] + "\n")
    parsed = parse_text(text, builtin_rules())
    assert parsed.title == "On the renaming of the old harbour and of the streets around it"
    assert parsed.sections[0]["heading"] == ("      On the renaming of the old harbour\n"
                                             "          and of the streets around it")
    assert parsed.sections[0]["level"] == 1 and parsed.sections[0]["paragraphs"][0] == PARAS[0]
    _reproduces(text, parsed)


def test_a_list_mostly_of_links_goes_whole_with_the_headings_over_it() -> None:
    text = ("Harbour\n\n" + PARAS[0] + "\n\nNavigation menu\n\nPersonal tools\n\n  • Not logged in\n  • Talk\n"
            "  • Contributions\n  • Create account\n  • Log in\n\nNamespaces\n\n  • Article\n  • Talk\n\n"
            "Later history\n\n" + PARAS[1] + "\n\n" + PARAS[2] + "\n")
    parsed = parse_text(text, builtin_rules())
    removed = {r["text"]: r["rule"] for r in parsed.removed}
    assert removed["  • Not logged in"] == "link-list-run"
    assert removed["Personal tools"] == removed["Navigation menu"] == "heading-of-removed-text"
    assert "Later history" in [s["heading"] for s in parsed.sections]
    _reproduces(text, parsed)


def test_real_wikipedia_dumps_keep_headings_over_images_and_over_text_only_the_engine_dropped() -> None:
    for name, heading in (("en-wikipedia-mozilla", "Software"), ("en-wikipedia-hermitian", "Equality with the adjoint"),
                          ("en-wikipedia-hermitian", "Alternative characterizations")):
        text = (CORPUS / "text" / f"{name}.txt").read_text(encoding="utf-8")
        parsed = parse_text(text, builtin_rules(), language="en")
        assert heading in [s["heading"] for s in parsed.sections], (name, heading)


@pytest.mark.parametrize("line", ["Leave a Reply", "Recent Comments", "Neueste Beiträge", "Beitrags-Navigation",
                                  "Entradas recientes", "Articles récents", "Свежие записи", "最近のコメント"])
def test_blog_widget_titles_are_chrome_in_several_languages(line: str) -> None:
    text = "Harbour\n\n" + PARAS[0] + "\n\n" + line + "\n\n" + PARAS[1] + "\n"
    parsed = parse_text(text, builtin_rules())
    assert {"text": line, "line": 5, "rule": "blog-widget"} in parsed.removed
    _reproduces(text, parsed)


def test_html_blocks_before_the_title_and_bylines_under_it_are_not_the_article() -> None:
    page = (f"<html><head><title>The Old Harbour</title></head><body><div>LIVE</div><div>Harbour news</div><main>"
            f"<h1>The Old Harbour</h1><p>By Jane Doe</p><p>12 March 2024 10:15</p><p>{PARAS[0]}</p>"
            f"<p>{PARAS[1]}</p></main></body></html>")
    parsed, _ = parse_html(page, builtin_rules(), engine="none")
    rules = {r["text"]: r["rule"] for r in parsed.removed}
    assert rules == {"LIVE": "before-title", "Harbour news": "before-title", "By Jane Doe": "title-metadata",
                     "12 March 2024 10:15": "title-metadata"}
    assert parsed.sections[0]["heading"] == "The Old Harbour" and parsed.sections[0]["paragraphs"][0] == PARAS[0]


def test_a_heading_over_a_removed_menu_goes_even_when_the_next_heading_was_removed_too() -> None:
    text = ("Harbour\n\n" + PARAS[0] + "\n\nTools for those who edit this wiki\n\n  • Talk\n  • Contributions\n"
            "  • Create account\n  • Log in\n  • Preferences\n\nJump to navigation Jump to search\n\n"
            + PARAS[1] + "\n")
    parsed = parse_text(text, builtin_rules())
    heading = {"text": "Tools for those who edit this wiki", "line": 5, "rule": "heading-of-removed-text"}
    assert heading in parsed.removed
    assert parsed.sections[-1]["paragraphs"][-1] == PARAS[1]
    _reproduces(text, parsed)


def test_text_article_starts_at_its_repeated_title_and_bylines_under_it_are_metadata() -> None:
    text = ("Harbour works begin in spring\n\n  • Home\n  • News\n  • About\n\nListen to our stations live on air\n\n"
            "News from all the towns of our region\n\n"
            "Harbour works begin in spring\n\nPublished by Jane Doe and the news desk\n\n"
            "Updated on 12 March 2024 at 10:15 in the morning\n\nBackground\n\n"
            + PARAS[0] + "\n\n" + PARAS[1] + "\n")
    parsed = parse_text(text, builtin_rules())
    rules = {r["text"]: r["rule"] for r in parsed.removed}
    assert rules["Listen to our stations live on air"] == "before-title"
    assert rules["News from all the towns of our region"] == "before-title"
    assert rules["Published by Jane Doe and the news desk"] == "title-metadata"
    assert rules["Updated on 12 March 2024 at 10:15 in the morning"] == "title-metadata"
    assert "Background" in [s["heading"] for s in parsed.sections]  # the line right above the text heads it
    _reproduces(text, parsed)


def test_an_articles_own_header_and_footer_are_not_site_chrome() -> None:
    page = (f"<html><body><header><p>Site name and a long slogan of the site that nobody reads at all</p></header>"
            f"<article><header><h1>The Old Harbour</h1><p>{PARAS[2]}</p></header><p>{PARAS[0]}</p>"
            f"<footer><p>{PARAS[1]}</p></footer></article><footer><p>Contact the editors of this site</p></footer>"
            f"</body></html>")
    parsed, _ = parse_html(page, builtin_rules(), engine="none")
    assert parsed.sections[0]["heading"] == "The Old Harbour"
    assert parsed.sections[0]["paragraphs"] == [" ".join(p.split()) for p in (PARAS[2], PARAS[0], PARAS[1])]
    assert {r["rule"] for r in parsed.removed} == {"html-header", "html-footer"}


def test_text_lines_above_a_title_found_further_down_are_not_the_article() -> None:
    text = ("  • Home\n  • News\n  • About\n  • Contact\n\nDownload our app and listen to all the stations\n\n"
            "Harbour works on the old stone quay begin in the spring of this year\n\n" + PARAS[0] + "\n\n"
            + PARAS[1] + "\n")
    parsed = parse_text(text, builtin_rules())
    assert parsed.title == "Harbour works on the old stone quay begin in the spring of this year"
    promotion = {"text": "Download our app and listen to all the stations", "line": 6, "rule": "before-title"}
    assert promotion in parsed.removed
    _reproduces(text, parsed)


def test_a_text_lead_only_the_engine_dropped_is_kept_and_headings_may_end_in_spaces() -> None:
    text = (CORPUS / "text" / "gitlab-survey.txt").read_text(encoding="utf-8")
    parsed = parse_text(text, builtin_rules(), language="en")
    paragraphs = [p for s in parsed.sections for p in s["paragraphs"]]
    assert paragraphs[0].startswith("This year, our survey revealed changes")  # the lead under the title
    assert "1. AI shines a light on cumbersome toolchains  " in [s["heading"] for s in parsed.sections]
    _reproduces(text, parsed)

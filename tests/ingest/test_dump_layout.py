"""Text dumps of lynx and elinks: the browser's lines for the page's <link> elements are not text, and the line
layout says which lines are headings (left of the indented running text, or centred) and which are text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archivist.ingest import builtin_rules, parse_text
from archivist.ingest._chrome import match_rule
from archivist.ingest._engines import stoplist
from archivist.ingest._text import body_indent, is_main_text
from tests.ingest.test_engine_text import PARAS
from tests.ingest.test_extract import _reproduces

CORPUS = Path(__file__).parents[2] / "benchmarks" / "corpus"
LANGUAGES = {i["id"]: i["language"] for i in json.loads((CORPUS / "expected.json").read_text("utf-8"))["items"]}
BODY = [f"   {p}" for p in PARAS]


def _headings(parsed) -> list[str]:  # type: ignore[no-untyped-def]
    return [s["heading"].strip() for s in parsed.sections if s.get("heading")]


def test_lynx_link_lines_go_and_an_indented_short_line_is_no_title() -> None:
    text = "\n".join(["   #alternate Edit this page Heritage Notes (en) Heritage Notes Atom feed Heritage Notes",
                      "   copyright", "", "The Old Harbour", "", "   From Heritage Notes, the local history wiki",
                      "   Founded  February 28, 1887; rebuilt in stone (1887-02-28)", "", BODY[0], "",
                      "Background[edit]", "", BODY[1], "", "   Harbour office hours", "", BODY[2], ""])
    parsed = parse_text(text, builtin_rules(), language="en")
    assert parsed.title == "The Old Harbour"
    assert [r["line"] for r in parsed.removed if r["rule"] == "browser-link-header"] == [1, 2]
    assert _headings(parsed)[1:] == ["Background"]  # the indented short line is text, as lynx sets text
    _reproduces(text, parsed)


def test_elinks_link_lines_go_its_centred_h1_is_the_title_and_h3_stands_left_of_the_text() -> None:
    text = "\n".join(["   Link: alternate", "   Link: Edit this page (edit)", "   Link: canonical", "",
                      " " * 60 + "The Old Harbour", "", "   Matrix of the old piers and the new quay", "", BODY[0],
                      "", "  The stone quay", "", BODY[1], "", BODY[2], ""])
    parsed = parse_text(text, builtin_rules(), language="en")
    assert parsed.title == "The Old Harbour"
    assert [r["line"] for r in parsed.removed if r["rule"] == "browser-link-header"] == [1, 2, 3]
    assert "The stone quay" in _headings(parsed)
    assert "Matrix of the old piers and the new quay" not in _headings(parsed)
    _reproduces(text, parsed)


def test_text_with_no_shared_indentation_gives_no_layout() -> None:
    words = stoplist("en")
    assert body_indent([*BODY, PARAS[0]], words) == 0  # w3m: some text flush left
    assert body_indent(BODY, words) == 3
    ragged = [" " * (10 * n) + p for n, p in enumerate(PARAS * 2)]  # right-aligned text: every line its own indent
    assert body_indent(ragged, words) == 0


def test_a_dump_whose_title_reads_as_text_takes_its_first_heading() -> None:
    title = "港の石造りの岸壁と一八八七年の嵐で壊れた木の桟橋の歴史について調べた記録"  # 30+ characters: long as text
    tagline = "   地域の歴史を記録するオープンな情報サイト「ヘリテージ・ノート」へようこそ"
    text = "\n".join([tagline, "     * ホーム", "     * 記録", "", title, "", *BODY, ""])
    parsed = parse_text(text, builtin_rules(), language="ja")
    assert parsed.title == title


@pytest.mark.parametrize("browser", ["lynx", "elinks"])
def test_real_dumps_of_wikipedia_give_its_title_and_sections(browser: str) -> None:
    text = (CORPUS / browser / "en-wikipedia-mozilla.txt").read_text(encoding="utf-8")
    parsed = parse_text(text, builtin_rules(), language="en")
    assert parsed.title == "Mozilla"
    headings = _headings(parsed)
    assert {"History", "Values", "Software"} <= set(headings) and "Navigation menu" not in headings


@pytest.mark.parametrize("dump", sorted([*(CORPUS / "lynx").glob("*.txt"), *(CORPUS / "elinks").glob("*.txt")]),
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_real_lynx_and_elinks_dumps_lose_no_line(dump: Path) -> None:
    text = dump.read_text(encoding="utf-8")
    _reproduces(text, parse_text(text, builtin_rules(), language=LANGUAGES[dump.stem]))


def test_a_label_under_the_dateline_does_not_head_the_article() -> None:
    text = "\n".join(["Home", "Notes", "About", "Archive", "", "The Old Harbour and its stone quay", "",
                      "Published 30 April 2019 13:10 GMT", "Listen to the story:", "[loading-32]", "", PARAS[0], "",
                      PARAS[1], "", PARAS[2], ""])
    parsed = parse_text(text, builtin_rules(), language="en")
    assert {"text": "Listen to the story:", "line": 9, "rule": "title-metadata"} in parsed.removed
    assert parsed.sections[0]["paragraphs"][0] == PARAS[0]


def test_a_cjk_dateline_is_no_main_text_for_its_digits() -> None:
    words = stoplist("zh")
    assert not is_main_text("2017-03-10 09:58 来源：科学人 2017-03-10 09:58:03来源：科学人作者：编辑：春芳", words)
    assert is_main_text("翱翔于距地球数千公里的太空中，进入广袤漆黑的未知领域，是一项艰苦卓绝的工作。", words)


def test_a_short_first_name_gives_way_to_the_heading_set_apart_above_the_article() -> None:
    text = "\n".join(["Heritage", "Twitter: @heritage Facebook Page: Heritage Notes YouTube: Heritage Notes Feed", "",
                      "Notes / News", "", "The Old Harbour and its stone quay", "", PARAS[0], "", PARAS[1], "",
                      PARAS[2], ""])
    parsed = parse_text(text, builtin_rules(), language="en")
    assert parsed.title == "The Old Harbour and its stone quay"
    wiki = "\n".join(["Harbour", "", "From Heritage Notes, the local history wiki", "Jump to search", "", PARAS[0], "",
                      PARAS[1], "", "Harbour office", "", PARAS[2], ""])
    assert parse_text(wiki, builtin_rules(), language="en").title == "Harbour"  # nothing set apart: the name stays


@pytest.mark.parametrize("line", ["For matrices with symmetry over the real number field, see symmetric matrix.",
                                  '"TSNE" redirects here. For the Boston-based organization, see Third Sector.',
                                  "Pour les articles homonymes, voir Mozilla (homonymie).",
                                  "Para otros usos de este término, véase Mozilla (desambiguación).",
                                  "Не следует путать с Mozilla Foundation."])
def test_a_wikis_hatnote_is_chrome_in_several_languages(line: str) -> None:
    assert match_rule(line, builtin_rules()) == "wiki-hatnote"
    assert match_rule("The harbour was rebuilt in 1887, see the report of the town council.", builtin_rules()) is None


def test_headings_that_head_no_text_are_no_sections() -> None:
    sidebar = ["Elsewhere in the harbour towns", "", "The ferry timetable changes for the coming winter months", "",
               "2019-01-22 20:44", "", "A new museum opens its doors in the old customs house", "", "2019-01-21 10:05",
               "", "Fishing boats return to the northern quay after ten years", "", "2019-01-20 09:12", ""]
    footer = "The town council publishes these notes so that residents and visitors can read the history of the port."
    text = "\n".join(["The Old Harbour", "", PARAS[0], "", "History", "", "Storm of 1887", "", "[pier.jpg]", "",
                      "Main article: Storm of 1887", "", PARAS[1], "", PARAS[2], "", *sidebar, footer, ""])
    parsed = parse_text(text, builtin_rules(), language="en")
    headings = _headings(parsed)
    assert "History" in headings and "Storm of 1887" in headings  # parents over a subsection still head text
    assert not {"Elsewhere in the harbour towns", "The ferry timetable changes for the coming winter months"} \
        & set(headings)
    assert {"text": "Elsewhere in the harbour towns", "line": 17, "rule": "heading-without-text"} in parsed.removed
    _reproduces(text, parsed)

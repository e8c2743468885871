"""Text dumps as first-class input: the title is the page's h1 as a text browser sets it (apart, just above the
article, past a byline or dateline), and the list markers of every browser mark list items."""

from __future__ import annotations

from archivist.ingest import builtin_rules, parse_text
from tests.ingest.test_engine_text import PARAS


def test_a_dumps_title_is_the_heading_set_apart_above_the_article() -> None:
    menu = ["Heritage Notes", "• Home", "• Visiting the harbour and its surroundings today",
            "    □ Opening hours of the museum and the ferry", "• About"]
    text = "\n".join([*menu, "", "The Old Harbour and its stone quay", "", "Published 21 November 2019", "",
                      PARAS[0], "", PARAS[1], "", PARAS[2], ""])
    parsed = parse_text(text, builtin_rules(), language="en")
    assert parsed.title == "The Old Harbour and its stone quay"


def test_a_dateline_set_apart_is_never_the_title_however_long() -> None:
    menu = ["Harbour News", "• Home", "• Notes", "• About"]
    dateline = "Published on Tuesday 21 November 2019 at 09:30 by the editors"
    text = "\n".join([*menu, "", "Quay works begin", "", dateline, "", PARAS[0], "", PARAS[1], "", PARAS[2], ""])
    parsed = parse_text(text, builtin_rules(), language="en")
    assert parsed.title == "Quay works begin"
    assert {"text": dateline, "line": 8, "rule": "title-metadata"} in parsed.removed  # no heading either


def test_a_breadcrumb_trail_set_apart_is_never_the_title() -> None:
    menu = ["Harbour News", "• Home", "• Harbour News Society", "• About"]
    text = "\n".join([*menu, "", "Harbour News Society / Archive / Reports", "", "Quay works begin", "",
                      PARAS[0], "", PARAS[1], "", PARAS[2], ""])
    parsed = parse_text(text, builtin_rules(), language="en")
    assert parsed.title == "Quay works begin"


def test_the_title_is_found_past_a_byline_dateline_credit_and_share_line() -> None:
    tagline = "News and notes from the society of friends of the old stone quay"  # longer than the title
    text = "\n".join([tagline, "", "• Home", "• Notes", "• About", "", "Harbour works on the old stone quay begin", "",
                      "By the editors", "", "Tuesday 21 November 2019, 09:30, updated 22 November 2019, 10:15", "",
                      "Photo: the harbour trust", "", "Reading time four minutes", "", "Share this", "",
                      PARAS[0], "", PARAS[1], "", PARAS[2], ""])
    parsed = parse_text(text, builtin_rules(), language="en")
    assert parsed.title == "Harbour works on the old stone quay begin"


def test_a_caption_under_an_image_is_removed_by_name_and_a_sentence_or_heading_there_is_not() -> None:
    caption = "Protesters on the old stone quay in April 2018. Photo: the harbour trust (CC BY 2.0)"
    text = "\n".join(["Quay works begin", "", "[harbour-800x450.jpg]", "", caption, "", PARAS[0], "",
                      "[quay.png]", "", "The new quay", "", PARAS[1], "", "[crane.png]", "", PARAS[2], ""])
    parsed = parse_text(text, builtin_rules(), language="en")
    paragraphs = [p for s in parsed.sections for p in s["paragraphs"]]
    assert paragraphs == [PARAS[0], PARAS[1], PARAS[2]]
    assert {"text": caption, "line": 5, "rule": "image-caption"} in parsed.removed
    assert "The new quay" in [s["heading"] for s in parsed.sections]


def test_a_question_can_be_the_title_and_a_heading_but_a_sentence_cannot() -> None:
    """FAQ pages and many articles ask in their h1 and section headings; other closing marks still make a sentence."""
    for mark in ("?", "？", "؟"):
        title, heading = f"Why keep the harbour's old stone quay{mark}", f"Who pays for the works{mark}"
        text = "\n".join([title, "", PARAS[0], "", PARAS[1], "", heading, "", PARAS[2], ""])
        parsed = parse_text(text, builtin_rules(), language="en")
        assert parsed.title == title
        assert heading in [s.get("heading") for s in parsed.sections]
    text = "\n".join(["Why keep the old quay.", "", PARAS[0], ""])
    assert parse_text(text, builtin_rules(), language="en").title is None

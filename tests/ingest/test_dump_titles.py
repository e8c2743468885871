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

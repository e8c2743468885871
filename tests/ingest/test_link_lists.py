"""A heading over nothing but links ("Further reading", "Related") is navigation, not a section (#26): it goes,
with its links, under named rules; a section whose text merely holds links stays."""

from __future__ import annotations

from tests.ingest.test_labels import PARAS, parse_article


def test_a_heading_over_a_list_of_links_goes_with_its_links() -> None:
    links = ('<h2>Further reading</h2><ul><li><p>Getting started? <a href="/a"><cite>Harbours of the north</cite>'
             '</a></p></li><li><p>Tutorial, <a href="/b"><cite>Reading a tide table</cite></a></p></li>'
             '<li><p><a href="/c">Piers and quays</a></p></li></ul>')
    kept, removed = parse_article("<h2>History</h2>", links)
    assert "Further reading" not in kept and removed["Further reading"] == "heading-of-link-list"
    assert removed["Piers and quays"] == "link-list"
    assert not any("Tutorial" in text for text in kept)
    assert kept[-3:] == ["History", *PARAS[1:]]


def test_a_section_whose_text_holds_links_stays() -> None:
    sentence = ('The <a href="/t">harbour trust</a> keeps the records of every ship that called here since 1887, '
                "and lends them to anyone who asks at the office by the quay.")
    kept, removed = parse_article("", f"<h2>Records</h2><p>{sentence}</p>")
    assert "Records" in kept and "Records" not in removed

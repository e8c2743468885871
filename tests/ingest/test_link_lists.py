"""A heading over nothing but links ("Further reading", "Related") is navigation, not a section (#26): it goes,
with its links, under named rules; a section whose text merely holds links stays."""

from __future__ import annotations

from typing import Any

from archivist.ingest import builtin_rules, parse_html
from tests.ingest.test_labels import PARAS


def _parse(after: str) -> tuple[list[str], dict[str, str]]:
    html = ('<!DOCTYPE html><html lang="en"><head><title>The Old Harbour</title></head><body><main><article>'
            "<h1>The Old Harbour</h1><h2>History</h2>" + "".join(f"<p>{p}</p>" for p in PARAS)
            + f"{after}</article></main></body></html>")
    parsed, _ = parse_html(html, builtin_rules())
    kept: list[Any] = []
    for section in parsed.sections:
        kept += [section["heading"]] if section.get("heading") else []
        kept += section["paragraphs"]
    return kept, {r["text"]: r["rule"] for r in parsed.removed}


def test_a_heading_over_a_list_of_links_goes_with_its_links() -> None:
    kept, removed = _parse('<h2>Further reading</h2><ul><li><p>Getting started? <a href="/a"><cite>Harbours of '
                           'the north</cite></a></p></li><li><p>Tutorial, <a href="/b"><cite>Reading a tide table'
                           '</cite></a></p></li><li><p><a href="/c">Piers and quays</a></p></li></ul>')
    assert "Further reading" not in kept and removed["Further reading"] == "heading-of-link-list"
    assert removed["Piers and quays"] == "link-list"
    assert not any("Tutorial" in text for text in kept)
    assert kept[1:3] == ["History", PARAS[0]]


def test_a_section_whose_text_holds_links_stays() -> None:
    sentence = ('The <a href="/t">harbour trust</a> keeps the records of every ship that called here since 1887, '
                "and lends them to anyone who asks at the office by the quay.")
    kept, removed = _parse(f"<h2>Records</h2><p>{sentence}</p>")
    assert "Records" in kept and "Records" not in removed

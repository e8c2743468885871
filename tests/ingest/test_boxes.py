"""Text about an image and boxes beside the article: a figure's caption is never restored as the lead, a heading
over a box whose text was all removed goes with it, and a heading the engine keeps as a sentence stays."""

from __future__ import annotations

from typing import Any

from archivist.ingest import builtin_rules, parse_html
from archivist.ingest._blocks import Block
from archivist.ingest._engines import stoplist
from archivist.ingest._maintext import EngineCover, verdicts

PARAS = [
    "The harbour was rebuilt in 1887 after a storm destroyed the old wooden piers and most of the warehouses.",
    "Merchants from the northern towns paid for the new stone quay, which is still in use by the ferry today.",
    "In the twentieth century the harbour lost most of its trade to the railway, and the warehouses became homes.",
    "Today the quay is a place for walkers, anglers and the small boats of the sailing club that was founded there.",
]


def _parse(middle: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The sections and the removed texts (text: rule) of an article with ``middle`` after its second paragraph."""
    html = ('<!DOCTYPE html><html lang="en"><head><title>The Old Harbour</title></head><body><main><article>'
            "<h1>The Old Harbour</h1>" + "".join(f"<p>{p}</p>" for p in PARAS[:2]) + middle
            + "".join(f"<p>{p}</p>" for p in PARAS[2:]) + "</article></main></body></html>")
    parsed, _ = parse_html(html, builtin_rules())
    return parsed.sections, {r["text"]: r["rule"] for r in parsed.removed}


def test_a_caption_the_engine_drops_is_not_restored_as_the_lead() -> None:
    caption = "Fishing boats wait in the harbour at dawn, as they have done there for more than a hundred years."
    html = ('<!DOCTYPE html><html lang="en"><head><title>The Old Harbour</title></head><body><main><article>'
            f'<h1>The Old Harbour</h1><figure><img src="h.jpg" alt=""><figcaption>{caption}</figcaption></figure>'
            + "".join(f"<p>{p}</p>" for p in PARAS) + "</article></main></body></html>")
    parsed, _ = parse_html(html, builtin_rules())
    assert [p for s in parsed.sections for p in s["paragraphs"]] == PARAS
    assert {"text": caption, "rule": "engine-trafilatura",
            "element": "/html/body/main/article/figure/figcaption"} in parsed.removed


def test_a_heading_over_a_box_of_removed_links_goes_with_it() -> None:
    sections, removed = _parse('<div class="related"><h3>Read also</h3><ul><li><a href="/a">The lighthouse keepers'
                               '</a></li><li><a href="/b">Ferries of the north</a></li></ul></div>')
    assert [s["heading"] for s in sections] == ["The Old Harbour"]
    assert [p for s in sections for p in s["paragraphs"]] == PARAS
    assert removed["Read also"] == "heading-of-removed-box"


def test_a_box_spans_its_subsections_so_a_section_over_an_image_credit_stays() -> None:
    # the engine dropped the h2 and the credit under it but kept the h3's section: the h2's box holds kept text
    article = "/html/body/main/article"
    blocks = [Block("The Old Harbour", f"{article}/h1", 1), Block(PARAS[0], f"{article}/p[1]"),
              Block(PARAS[1], f"{article}/p[2]"), Block("The quay", f"{article}/h2", 2),
              Block("Photo: Jane Doe", f"{article}/figure/figcaption", caption=True),
              Block("Stone quay", f"{article}/h3", 3), Block(PARAS[2], f"{article}/p[3]"),
              Block(PARAS[3], f"{article}/p[4]")]
    cover = EngineCover(blocks, ["The Old Harbour", *PARAS[:2], "Stone quay", *PARAS[2:]])
    found = verdicts(blocks, builtin_rules(), cover, "engine-trafilatura", stoplist("en"))
    assert found == [None, None, None, None, "engine-trafilatura", None, None, None]


def test_a_sentence_heading_the_engine_keeps_stays_over_removed_links() -> None:
    sections, removed = _parse('<h2>The quay is open to walkers all year.</h2><ul><li><a href="/h">Opening hours'
                               '</a></li><li><a href="/p">Parking</a></li></ul><h2>History</h2>')
    assert [s["heading"] for s in sections] == ["The Old Harbour", "The quay is open to walkers all year.",
                                                "History"]
    assert removed["Opening hours"] == removed["Parking"] == "engine-trafilatura"


def test_a_script_inside_a_paragraph_is_not_text() -> None:
    middle = ("<p>The ferry to the islands leaves the quay every hour, <span>and its timetable<script>var t = "
              "load('/timetable.json');</script></span> hangs by the ticket office<style>p{color:red}</style>.</p>")
    sections, _ = _parse(middle)
    paragraphs = [p for s in sections for p in s["paragraphs"]]
    assert "The ferry to the islands leaves the quay every hour, and its timetable hangs by the ticket office." \
        in paragraphs
    assert not any("load(" in p or "color:red" in p for p in paragraphs)

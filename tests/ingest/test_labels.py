"""Text that is no part of the article's prose: a tooltip (a control's pop-up label), a heading that only labels a
figure's image."""

from __future__ import annotations

from typing import Any

from archivist.ingest import builtin_rules, parse_html

PARAS = [
    "The harbour was rebuilt in 1887 after a storm destroyed the old wooden piers and most of the warehouses.",
    "Merchants from the northern towns paid for the new stone quay, which is still in use by the ferry today.",
    "In the twentieth century the harbour lost most of its trade to the railway, and the warehouses became homes.",
]


def parse_article(middle: str, end: str = "") -> tuple[list[str], dict[str, str]]:
    """The kept paragraphs and headings, and the removed texts (text: rule), of an article with ``middle`` after
    its first paragraph and ``end`` after its last."""
    html = ('<!DOCTYPE html><html lang="en"><head><title>The Old Harbour</title></head><body><main><article>'
            f"<h1>The Old Harbour</h1><p>{PARAS[0]}</p>{middle}"
            + "".join(f"<p>{p}</p>" for p in PARAS[1:]) + f"{end}</article></main></body></html>")
    parsed, _ = parse_html(html, builtin_rules())
    kept: list[Any] = []
    for section in parsed.sections:
        kept += [section["heading"]] if section.get("heading") else []
        kept += section["paragraphs"]
    return kept, {r["text"]: r["rule"] for r in parsed.removed}


def test_a_tooltip_is_chrome() -> None:
    kept, removed = parse_article('<div><button>Save</button><div role="tooltip"><h6><span>Read later</span></h6></div>'
                           "</div>")
    assert "Read later" not in kept
    assert removed["Read later"] == "html-role-tooltip"


def test_a_heading_inside_a_figure_heads_no_text() -> None:
    kept, removed = parse_article('<figure><h2><a href="/file/1">harbour-1887-wide.jpg</a></h2><img src="h.jpg" alt="">'
                           "</figure>")
    assert kept == ["The Old Harbour", *PARAS]
    assert removed["harbour-1887-wide.jpg"] == "heading-in-figure"

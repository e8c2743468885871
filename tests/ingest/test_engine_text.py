"""Never worse than the engine: text trafilatura keeps is kept unless a named rule removes it, however the engine
rewrote or glued it, and a page where it finds an article always gives a record."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from archivist.ingest import Facts, builtin_rules, ingest_file, parse_html
from archivist.ingest._blocks import Block
from archivist.ingest._maintext import EngineCover, engine_sections
from archivist.records import iter_errors

FACTS = Facts(url="https://example.org/a", retrieved="2026-11-25")
PARAS = [
    "The harbour was rebuilt in 1887 after a storm destroyed the old wooden piers and most of the warehouses.",
    "Merchants from the northern towns paid for the new stone quay, which is still in use by the ferry today.",
    "In the twentieth century the harbour lost most of its trade to the railway, and the warehouses became homes.",
]


def _page(body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><title>The Old Harbour</title></head><body>{body}'
            "<footer><p>© 2024 Heritage Notes. All rights reserved.</p></footer></body></html>")


def test_text_the_engine_rewrote_is_kept_as_the_page_has_it() -> None:
    # decomposed letters (which engines compose) are still the engine's text, and kept as the page has them; soft
    # hyphens and zero-width spaces only hint where a line may break, so they are not kept (the words must be
    # found by search), while zero-width joiners, which spell words in some scripts, are
    shy = [p.replace("harbour", "har\u00adbour").replace("warehouses", "ware\u200bhouses") for p in PARAS]
    shy[1] = unicodedata.normalize("NFD", shy[1].replace("northern", "nördlichen"))
    shy[2] = shy[2].replace("railway", "rail\u200dway")
    html = _page("<main><article><h1>The Old Harbour</h1>" + "".join(f"<p>{p}</p>" for p in shy) + "</article></main>")
    parsed, meta = parse_html(html, builtin_rules())
    kept = [p for s in parsed.sections for p in s["paragraphs"]]
    assert kept == [p.replace("\u00ad", "").replace("\u200b", "") for p in shy]
    assert "harbour" in kept[0] and "warehouses" in kept[0] and "rail\u200dway" in kept[2]
    assert "main text chosen with trafilatura; kept blocks are the page's own text" in meta.notes  # not jusText


def test_main_text_in_a_form_is_kept_and_gives_a_record(tmp_path: Path) -> None:
    # whole pages sit in one <form> (ASP.NET WebForms): the engine's article there is main text, not a form
    page = tmp_path / "form.html"
    page.write_text(_page('<form action="/post"><nav><a href="/">Home</a> <a href="/n">News</a></nav>'
                          "<article><h1>The Old Harbour</h1>" + "".join(f"<p>{p}</p>" for p in PARAS)
                          + '<input type="text" name="q"><button>Search</button></article></form>'),
                    encoding="utf-8")
    record = ingest_file(page, FACTS)
    assert list(iter_errors(record)) == []
    assert [p for s in record["content"]["sections"] for p in s["paragraphs"]] == PARAS
    removed = {r["text"]: r["rule"] for r in record["removed"]}
    assert removed["Home"] == "html-nav" and removed["Search"] == "html-button"  # short chrome still goes


def test_units_are_aligned_in_order_at_block_boundaries() -> None:
    blocks = [Block("Harbour", "/nav/a"), Block("News", "/nav/b"), Block("Harbour", "/h1", level=1),
              Block(PARAS[0], "/p[1]"), Block("Harbour news and more", "/p[2]")]
    cover = EngineCover(blocks, ["Harbour", PARAS[0]])
    # the menu entry before the article is not taken for the heading the engine kept, nor a longer block holding it
    assert [cover.keeps(i) for i in range(len(blocks))] == [False, False, True, True, False]


def test_a_unit_glued_across_blocks_covers_them() -> None:
    blocks = [Block("Today's word", "/a"), Block("Yesterday's word", "/b"), Block("Archives", "/c")]
    cover = EngineCover(blocks, ["Today's wordYesterday's word"])
    assert [cover.keeps(i) for i in range(3)] == [True, True, False]


def test_when_blocks_cannot_hold_the_engines_text_its_own_text_is_kept() -> None:
    # one element holds a long menu and the article as loose text: no block is mostly the engine's text
    menu = " ".join(f"Section number {n} of the site" for n in range(20))
    blocks = [Block("The Old Harbour", "/h1", level=1), Block(f"{menu} {' '.join(PARAS)} {menu}", "/div")]
    cover = EngineCover(blocks, ["The Old Harbour", *PARAS])
    assert not cover.keeps(1) and not cover.held([None, "engine-trafilatura"])
    sections, removed = engine_sections(blocks, cover)
    assert sections == [{"heading": "The Old Harbour", "level": 1, "paragraphs": PARAS}] and removed == []


def test_short_cells_the_engine_keeps_are_kept_after_the_text_begins() -> None:
    box = "<table><tr><th>Built</th><td>1887</td></tr><tr><th>Length</th><td>420 m</td></tr></table>"
    data = ("<table><tr><th>Year</th><th>Ships</th></tr><tr><td>1900</td><td>1,204</td></tr>"
            "<tr><td>1950</td><td>310</td></tr></table>")
    html = _page(f"<main><article><h1>The Old Harbour</h1>{box}<p>{PARAS[0]}</p><p>{PARAS[1]}</p>{data}"
                 f"<p>{PARAS[2]}</p></article></main>")
    parsed, _ = parse_html(html, builtin_rules())
    kept = [p for s in parsed.sections for p in s["paragraphs"]]
    assert kept == [PARAS[0], PARAS[1], "Year", "Ships", "1900", "1,204", "1950", "310", PARAS[2]]
    assert {r["text"] for r in parsed.removed if r["rule"] == "table-cell-label"} == {"Built", "1887", "Length",
                                                                                      "420 m"}


def test_paragraphs_of_a_cell_the_engine_keeps_without_what_stood_between_them_are_kept() -> None:
    # trafilatura gives the second cell as one unit of its two paragraphs, without the list between them: that
    # joined text is nowhere on the page, so each paragraph is found on its own
    intro = ["The harbour was rebuilt in 1887 after a storm destroyed the old wooden piers and most of the warehouses.",
             "Merchants from the northern towns paid for the new stone quay, which is still in use by the ferry today.",
             "In the twentieth century the harbour lost most of its trade to the railway, and the warehouses became "
             "homes."]
    paras = ["While the harbour was rebuilt, the ferry ran from the beach, and the crossing took twice as long.",
             "So the town asked the railway for a station by the quay, and it opened in the spring of 1890."]
    cell = f"<p>{paras[0]}</p><ul><ul><li>the beach road;</li><li>the old pier.</li></ul></ul><p>{paras[1]}</p>"
    html = ('<!DOCTYPE html><html lang="en"><head><title>The Ferry</title></head><body><h1>The Ferry</h1><table>'
            "<tr><td>" + "".join(f"<p>{p}</p>" for p in intro) + f"</td><td>{cell}</td></tr></table></body></html>")
    parsed, _ = parse_html(html, builtin_rules())
    assert [p for s in parsed.sections for p in s["paragraphs"]] == [*intro, *paras]

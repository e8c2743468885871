"""A paragraph the page gives twice in a row: trafilatura gives such text once (it takes the copy for an artefact of
its own extraction), yet both copies are the page's text."""

from __future__ import annotations

from archivist.ingest import builtin_rules, parse_html

REFRAIN = ("Keep the lantern lit and the door unlatched, for the boats come home late when the wind is in the east.")
VERSES = [
    "The first boat came in at dusk with a hold full of herring and a crew too tired to sing.",
    "The second boat came in at midnight with a torn sail and the skipper's son at the helm.",
]


def _page(body: str) -> str:
    return ('<!DOCTYPE html><html lang="en"><head><title>The Harbour Song</title></head><body><main><article>'
            f"<h1>The Harbour Song</h1>{body}</article></main></body></html>")


def test_a_paragraph_repeated_beside_its_kept_copy_is_kept() -> None:
    body = "".join(f"<p>{verse}</p>" for verse in VERSES) + f"<p>{REFRAIN}</p><p>{REFRAIN}</p>"
    parsed, _ = parse_html(_page(body), builtin_rules())
    assert [p for s in parsed.sections for p in s["paragraphs"]] == [*VERSES, REFRAIN, REFRAIN]
    assert not parsed.removed


def test_a_repeat_elsewhere_on_the_page_is_not_restored() -> None:
    # the same words in a box outside the article's own element are not its text
    body = "".join(f"<p>{verse}</p>" for verse in VERSES) + f"<p>{REFRAIN}</p>"
    html = _page(body).replace("</article>", f'</article><div class="quote"><p>{REFRAIN}</p></div>')
    parsed, _ = parse_html(html, builtin_rules())
    assert [p for s in parsed.sections for p in s["paragraphs"]] == [*VERSES, REFRAIN]
    assert [r["text"] for r in parsed.removed] == [REFRAIN]

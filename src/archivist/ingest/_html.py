"""HTML captures: what the page states about itself (``_pagemeta``) and which of its own blocks (``_blocks``) are
main text (``_maintext``), decided by the extraction engine, chrome elements and named rules.

Every text block of the body (heading, paragraph, list item, cell, loose text) is found in document order. A block
is removed when a named chrome rule matches it, when it is hidden, when it sits in page chrome (nav, header,
footer, aside, forms, ARIA landmarks of the same kinds) and is not main text the engine keeps, or when the engine
(trafilatura, else jusText) does not keep its text; the rest is kept exactly as the page has it (whitespace
collapsed), in order. Each removal is recorded with its rule and the element's path. When the kept blocks cannot
hold most of the engine's text, the engine's own text is kept instead, and the provenance says so.
"""

from __future__ import annotations

from typing import Any

from ._blocks import LIBXML_DEPTH, collect_blocks, parse_document
from ._chrome import ChromeRule
from ._engines import justext_units, stoplist, trafilatura_units
from ._maintext import EngineCover, drop_around_title, engine_sections, keep_lead, keep_repeats, removal
from ._maintext import verdicts as decide
from ._pagemeta import HtmlMeta, read_meta
from ._text import Parsed


def parse_html(text: str, rules: tuple[ChromeRule, ...], *, engine: str = "auto") -> tuple[Parsed, HtmlMeta]:
    """Sections of the page's own kept blocks, and every removed block with its rule and element path.

    ``engine`` is ``auto`` (trafilatura, else jusText when trafilatura's text matches none of the page's blocks),
    ``trafilatura``, ``justext`` or ``none`` (tags and rules only)."""
    doc, notes = parse_document(text)
    meta = read_meta(doc)
    meta.notes.extend(notes)
    body = doc.find("body")
    removed: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    if body is None:
        return Parsed(meta.title, sections, removed), meta
    blocks, depth = collect_blocks(body)
    names = ("trafilatura", "justext") if engine == "auto" else (engine,) if engine != "none" else ()
    used: str | None = None
    cover: EngineCover | None = None
    for name in names:
        if name == "justext" and depth >= LIBXML_DEPTH:
            continue  # jusText parses the page again, with libxml2's default depth limit: it would lose text
        found = trafilatura_units(doc, favor_recall=bool(notes)) if name == "trafilatura" \
            else justext_units(text, meta.language)  # a re-read page's nesting is not the author's: recall first
        if found:
            cover = EngineCover(blocks, found)
            if cover.maps():
                used = name  # an engine whose text is none of the page's own is passed over for the next one
                break
    cover = cover if used else None
    words = stoplist(meta.language) or stoplist("en")
    verdicts = decide(blocks, rules, cover, f"engine-{used}", words)
    keep_repeats(blocks, verdicts, f"engine-{used}", words)
    keep_lead(blocks, verdicts, words)
    drop_around_title(blocks, verdicts, meta.title, words, cover)
    if cover is not None and not cover.held(verdicts):
        meta.notes.append(f"main text chosen with {used}; most of its text is not whole blocks of the page, so "
                          f"the text is {used}'s own")
        sections, removed = engine_sections(blocks, cover)
        return Parsed(meta.title, sections, removed), meta
    if used:
        meta.notes.append(f"main text chosen with {used}; kept blocks are the page's own text")
    for block, rule in zip(blocks, verdicts, strict=True):
        if rule is not None:
            removed.extend(removal(block, rule))
            continue
        if block.marker:
            removed.append({"text": block.marker, "rule": "edit-section-marker", "element": block.path})
        if block.level is not None:
            sections.append({"heading": block.text, "level": block.level, "paragraphs": []})
            continue
        if not sections:
            sections.append({"heading": None, "paragraphs": []})
        sections[-1]["paragraphs"].append(block.text)
    return Parsed(meta.title, sections, removed), meta

"""Which of a page's blocks are its main text: chrome elements and named rules remove blocks, the extraction engine's
verdict decides the rest, and the article's start (its title) bounds it; every removal names its rule."""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import cached_property
from typing import Any

from ._blocks import MIN_CELL, Block
from ._chrome import ChromeRule, match_rule
from ._engines import Unit, norm
from ._text import TERMINAL, is_main_text

#: Engine units at least this long are aligned first: sentences, which a page rarely repeats.
ANCHOR = 25
_LIST_SEPARATORS = re.compile(r"[\s|·•,;/>»›-]*")


class EngineCover:
    """How much of each page block the engine's text covers. The engine's units are aligned, in their order, on the
    page's block texts joined into one stream (see ``_align``), preferring occurrences that start and end at
    block boundaries, so that a menu entry is not taken for the same words inside the article. A unit the engine
    glued across blocks is found the same way (blocks are joined by a space), or, when it joined their texts
    without a space, spaced them otherwise or rewrote characters, in the ``_solid`` form of both; one that is not
    in the page covers nothing."""

    def __init__(self, blocks: list[Block], units: list[str]) -> None:
        starts: list[int] = []
        position = 0
        for block in blocks:
            starts.append(position)
            position += len(block.text) + 1
        self.stream = " ".join(block.text for block in blocks)
        self.starts = starts
        self.bounds = (set(starts), {s + len(b.text) for s, b in zip(starts, blocks, strict=True)})
        covered = bytearray(len(self.stream))
        self.extra: list[tuple[int, int]] = []  # the parts' own spans, for units found part by part
        self.by_parts: set[int] = set()
        for index, span in enumerate(self._align(units)):
            if span is not None and index not in self.by_parts:
                covered[span[0]:span[1]] = b"\x01" * (span[1] - span[0])
        for span in self.extra:
            covered[span[0]:span[1]] = b"\x01" * (span[1] - span[0])
        self.covered = [covered[s:s + len(b.text)].count(1) for s, b in zip(starts, blocks, strict=True)]
        self.fractions = [c / len(b.text) if b.text else 0.0 for c, b in zip(self.covered, blocks, strict=True)]
        self.units = units
        self.blocks = blocks

    def _align(self, units: list[str]) -> list[tuple[int, int] | None]:
        """Where each unit is: long units (sentences, rarely repeated) first, in order; then each short one between
        the long ones around it, at the last fitting place before the first long one (what leads into the text)
        and the first fitting place after any other."""
        spans: list[tuple[int, int] | None] = [None] * len(units)
        cursor = 0
        for index, unit in enumerate(units):
            if len(unit) >= ANCHOR:
                spans[index] = self._locate(unit, cursor)
                if spans[index] is None and isinstance(unit, Unit):
                    spans[index] = self._locate_parts(unit, cursor)
                    self.by_parts.add(index)
                cursor = spans[index][1] if spans[index] else cursor  # type: ignore[index]
        low: int | None = None
        for index, unit in enumerate(units):
            span = spans[index]
            if len(unit) >= ANCHOR:
                low = span[1] if span else low
                continue
            high = next((s[0] for u, s in zip(units[index + 1:], spans[index + 1:], strict=True)
                         if len(u) >= ANCHOR and s), len(self.stream))
            at = self._verbatim(unit, low or 0, high, last=low is None)
            spans[index] = (at, at + len(unit)) if at is not None else self._locate(unit, low or 0)
            low = spans[index][1] if spans[index] else low  # type: ignore[index]
        return spans

    def _locate_parts(self, unit: str, cursor: int) -> tuple[int, int] | None:
        """For a unit that holds others and is not on the page as a whole, each of its parts, in order from
        ``cursor``: the parts found cover their text, and the span from the first to the last is returned."""
        found = []
        for part in unit.parts if isinstance(unit, Unit) else ():
            span = self._locate(part, cursor)
            if span is not None:
                found.append(span)
                cursor = span[1]
        self.extra.extend(found)
        return (found[0][0], found[-1][1]) if found else None

    @cached_property
    def _compact(self) -> tuple[str, list[tuple[int, int]]]:
        """The stream in ``_solid`` form, made only for a page with a unit that is not in it verbatim."""
        return _solid(self.stream)

    def _locate(self, unit: str, cursor: int) -> tuple[int, int] | None:
        """Where ``unit`` is in the stream (start and end offsets), searched from ``cursor`` on, then from the
        start."""
        found = self._verbatim(unit, cursor)
        if found is not None:
            return found, found + len(unit)
        solid = _solid(unit)[0]
        if not solid:
            return None
        compact, spans = self._compact
        for begin in (bisect.bisect_left(spans, (cursor, cursor)), 0):
            at = compact.find(solid, begin)
            if at >= 0:
                return spans[at][0], spans[at + len(solid) - 1][1]
        return None

    def _verbatim(self, unit: str, low: int, high: int | None = None, *, last: bool = False) -> int | None:
        """The start of ``unit`` between ``low`` and ``high`` (the whole stream when it is not there and no
        ``high`` is given), preferring occurrences that start and end at block boundaries."""
        for begin, end in ((low, high or len(self.stream)),) + (((0, len(self.stream)),) if high is None else ()):
            places: list[int] = []
            found = self.stream.find(unit, begin, end)
            while found >= 0 and len(places) < 50:  # a unit repeated more often is matched among its first 50
                places.append(found)
                found = self.stream.find(unit, found + 1, end)
            fitting = [p for p in places if p in self.bounds[0] and p + len(unit) in self.bounds[1]] or places
            if fitting:
                return fitting[-1] if last else fitting[0]
        return None

    def keeps(self, index: int) -> bool:
        """Whether the engine's text covers at least half of block ``index``."""
        return self.fractions[index] >= 0.5

    def maps(self) -> bool:
        """Whether any of the engine's text is the page's own (an engine's glued fallback text may be none)."""
        return any(self.covered)

    def held(self, verdicts: list[str | None]) -> bool:
        """Whether the kept blocks hold at least half of the engine's text: else the blocks cannot stand for the
        engine's choice (it kept part of a block that also holds much else, or its text is rewritten)."""
        held = sum(c for c, v in zip(self.covered, verdicts, strict=True) if v is None)
        return 2 * held >= sum(len(u) for u in self.units)


def engine_sections(blocks: list[Block], cover: EngineCover) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Sections made of the engine's own units (a unit that is a heading of the page opens a section), and the
    page blocks none of whose text the engine kept, as removed by it."""
    headings = {b.text: b.level for b in blocks if b.level is not None}
    sections: list[dict[str, Any]] = []
    for unit in cover.units:
        if unit in headings:
            sections.append({"heading": unit, "level": headings[unit], "paragraphs": []})
            continue
        if not sections:
            sections.append({"heading": None, "paragraphs": []})
        sections[-1]["paragraphs"].append(unit)
    removed = [entry for block, covered in zip(blocks, cover.covered, strict=True) if not covered
               for entry in removal(block, "engine-text")]
    return sections, removed


def _solid(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` as engines may rewrite it, for matching: without white space or invisible format characters (soft
    hyphens, zero-width spaces), combining marks composed (NFC); and each character's span in ``text``."""
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    for index, char in enumerate(text):
        if char.isspace() or unicodedata.category(char) == "Cf":
            continue
        if chars and unicodedata.combining(char):
            composed = unicodedata.normalize("NFC", chars[-1] + char)
            if len(composed) == 1:
                chars[-1] = composed
                spans[-1] = (spans[-1][0], index + 1)
                continue
        chars.append(char)
        spans.append((index, index + 1))
    return "".join(chars), spans


def removal(block: Block, rule: str) -> list[dict[str, Any]]:
    """A removed block as entries of ``removed``: a list of links is recorded link by link."""
    rest = block.text
    for link in block.links:
        rest = rest.replace(link, "", 1)
    if len(block.links) >= 2 and _LIST_SEPARATORS.fullmatch(rest):
        return [{"text": link, "rule": rule, "element": block.path} for link in block.links]
    return [{"text": block.text, "rule": rule, "element": block.path}]


def verdicts(blocks: list[Block], rules: tuple[ChromeRule, ...], cover: EngineCover | None, engine_rule: str,
             words: frozenset[str]) -> list[str | None]:
    """For each block, the rule that removes it (None: kept). Named chrome rules and hidden elements always remove;
    a chrome element (nav, header, form…) removes a block unless the engine keeps it and it is main text (a
    sentence dense in the language's stop words, or long), a short table cell unless the engine keeps it and it
    comes after the first main text (a box of facts before the text is a summary beside it); the engine removes
    what it does not keep. A heading stays when some text under it stays (or it has none and the engine keeps
    it); a heading whose text below was all removed goes with it, and one inside a figure unless the engine keeps
    it."""
    found: list[str | None] = []
    first = next((i for i, b in enumerate(blocks) if b.level is None and not b.cell and b.chrome is None
                  and (cover is None or cover.keeps(i)) and is_main_text(b.text, words)), len(blocks))
    for index, block in enumerate(blocks):
        kept = cover is not None and cover.keeps(index) and (not block.cell or index > first)
        rule = None
        if block.chrome is not None and (block.chrome == "html-hidden" or not kept
                                         or not is_main_text(block.text, words)):
            rule = block.chrome
        rule = rule or match_rule(block.text, rules)
        if rule is None and block.cell and len(block.text) < MIN_CELL and not kept:
            rule = "table-cell-label"
        if rule is None and cover is not None and not kept and block.level is None:
            rule = engine_rule
        found.append(rule)
    for index, block in enumerate(blocks):
        if block.level is None or found[index] is not None:
            continue
        under = _section_blocks(blocks, found, index)
        if block.caption and cover is not None and not cover.keeps(index):
            found[index] = "heading-in-figure"  # a figure's heading (often the image's file name) heads no text
        elif under and not any(v is None for _, v in under) \
                and not (cover is not None and cover.keeps(index) and block.text.endswith(TERMINAL)):
            found[index] = "heading-of-removed-text"
        elif cover is not None and not cover.keeps(index) and not under:
            found[index] = engine_rule
        elif cover is not None and not cover.covered[index] and block.level > 1 and index > first \
                and _box_removed(blocks, found, index):
            found[index] = "heading-of-removed-box"
        elif index > first and any(v is None for _, v in under) and _link_list([b for b, _ in under], words):
            found[index] = "heading-of-link-list"  # "Further reading", "Related": navigation, not a section
            level = block.level or 6
            for offset in range(index + 1, len(blocks)):
                nested = blocks[offset].level
                if nested is not None and nested <= level:
                    break
                if found[offset] is None:
                    found[offset] = "link-list" if nested is None else "heading-of-link-list"
    return found


def _link_list(under: list[Block], words: frozenset[str]) -> bool:
    """Blocks that are a way to other pages, not text: none of them main text, and at least half their characters
    in links (the link density rule of boilerplate detectors)."""
    if not under or any(is_main_text(b.text, words) for b in under):
        return False
    linked = sum(len(link) for b in under for link in b.links)
    return linked > 0 and 2 * linked >= sum(len(b.text) for b in under)


def _box_removed(blocks: list[Block], verdicts: list[str | None], index: int) -> bool:
    """Whether the blocks that follow the heading at ``index`` inside its own parent element (a box such as
    "Read also" or "Subscribe" whose kept neighbours only come after it closes) are all removed."""
    box = blocks[index].path.rsplit("/", 1)[0]
    level = blocks[index].level or 6
    inside = []
    for block, verdict in zip(blocks[index + 1:], verdicts[index + 1:], strict=True):
        if (block.path != box and not block.path.startswith(box + "/")) \
                or (block.level is not None and block.level <= level):
            break
        if block.level is None:
            inside.append(verdict)
    return bool(inside) and all(v is not None for v in inside)


def keep_repeats(blocks: list[Block], verdicts: list[str | None], engine_rule: str, words: frozenset[str]) -> None:
    """Keep each repeat of a paragraph that is kept: trafilatura gives a text it meets twice only once (a refrain,
    a repeated instruction), so its later copies are left uncovered although the engine chose that text. Only
    main text (sentences, not labels) sitting beside a kept copy, in the same parent element, is restored."""
    kept: dict[str, set[str]] = {}
    for block, verdict in zip(blocks, verdicts, strict=True):
        if verdict is None and block.level is None:
            kept.setdefault(block.text, set()).add(block.path.rsplit("/", 1)[0])
    for index, block in enumerate(blocks):
        if verdicts[index] == engine_rule and block.level is None and not block.cell \
                and block.path.rsplit("/", 1)[0] in kept.get(block.text, ()) and is_main_text(block.text, words):
            verdicts[index] = None


def keep_lead(blocks: list[Block], verdicts: list[str | None], words: frozenset[str]) -> None:
    """Keep the lead: prose (sentences dense in stop words) between the page's h1 and the first block the engine
    kept, which engines often drop as a teaser or standfirst. Only blocks the engine alone removed are restored,
    and never a figure's caption or credit (text about an image is no lead, however sentence-like)."""
    start = next((i for i, b in enumerate(blocks) if b.level == 1 and verdicts[i] is None), None)
    if start is None:
        return
    for index in range(start + 1, len(blocks)):
        if verdicts[index] is None and blocks[index].level is None:
            return
        if (verdicts[index] or "").startswith("engine-") and blocks[index].level is None \
                and not blocks[index].caption and is_main_text(blocks[index].text, words):
            verdicts[index] = None


def drop_around_title(blocks: list[Block], verdicts: list[str | None], title: str | None,
                      words: frozenset[str], cover: EngineCover | None) -> None:
    """The article starts at its title: when the page's title is a kept h1 with main text after it, kept blocks
    before that h1 (section labels, live tickers, teasers) are removed as ``before-title``, and short lines that
    are no sentence between it and the first main text (bylines, datelines, kickers) as ``title-metadata`` —
    of those the engine keeps, only lines with a digit (datelines): a subtitle the engine keeps is text."""
    if title is None:
        return
    start = next((i for i, b in enumerate(blocks) if b.level == 1 and verdicts[i] is None
                  and b.text.casefold() == norm(title).casefold()), None)
    if start is None:
        return
    main = next((i for i in range(start + 1, len(blocks)) if verdicts[i] is None and blocks[i].level is None
                 and is_main_text(blocks[i].text, words)), None)
    if main is None:
        return
    for index in range(start):
        if verdicts[index] is None:
            verdicts[index] = "before-title"
    for index in range(start + 1, main):
        text = blocks[index].text
        kept = cover is not None and cover.keeps(index)
        if verdicts[index] is None and blocks[index].level is None and len(text) <= 100 \
                and not text.endswith(TERMINAL) and (not kept or any(c.isdigit() for c in text)):
            verdicts[index] = "title-metadata"


def _section_blocks(blocks: list[Block], verdicts: list[str | None], index: int) -> list[tuple[Block, str | None]]:
    """The text blocks under the heading at ``index``, up to the next heading of the same or a higher level."""
    level = blocks[index].level or 6
    under = []
    for block, verdict in zip(blocks[index + 1:], verdicts[index + 1:], strict=True):
        if block.level is not None and block.level <= level:
            break
        if block.level is None:
            under.append((block, verdict))
    return under

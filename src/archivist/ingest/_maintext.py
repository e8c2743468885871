"""Which of a page's blocks are its main text: chrome elements and named rules remove blocks, the extraction engine's
verdict decides the rest, and the article's start (its title) bounds it; every removal names its rule."""

from __future__ import annotations

import re
from typing import Any

from ._blocks import MIN_CELL, Block
from ._chrome import ChromeRule, match_rule
from ._engines import norm
from ._text import TERMINAL, is_main_text

_LIST_SEPARATORS = re.compile(r"[\s|·•,;/>»›-]*")


class _Kept:
    """Which page texts an engine keeps: whole units, and long texts found inside (or covering most of) a unit."""

    def __init__(self, units: list[str]) -> None:
        self.units = set(units)
        self.long = [u for u in units if len(u) >= 25]
        self.joined = "\n".join(units)

    def __contains__(self, text: str) -> bool:
        if text in self.units:
            return True
        if len(text) < 25:
            return False
        return text in self.joined or any(u in text and 2 * len(u) >= len(text) for u in self.long)


def _removal(block: Block, rule: str) -> list[dict[str, Any]]:
    """A removed block as entries of ``removed``: a list of links is recorded link by link."""
    rest = block.text
    for link in block.links:
        rest = rest.replace(link, "", 1)
    if len(block.links) >= 2 and _LIST_SEPARATORS.fullmatch(rest):
        return [{"text": link, "rule": rule, "element": block.path} for link in block.links]
    return [{"text": block.text, "rule": rule, "element": block.path}]


def _verdicts(blocks: list[Block], rules: tuple[ChromeRule, ...], kept_by: _Kept | None,
              engine_rule: str) -> list[str | None]:
    """For each block, the rule that removes it (None: kept). A heading stays when some text under it stays (or it
    had none and the engine keeps it); a heading all of whose text was removed goes with it."""
    verdicts: list[str | None] = []
    for block in blocks:
        rule = block.chrome or match_rule(block.text, rules)
        if rule is None and block.cell and len(block.text) < MIN_CELL:
            rule = "table-cell-label"
        if rule is None and kept_by is not None and block.level is None and block.text not in kept_by:
            rule = engine_rule
        verdicts.append(rule)
    for index, block in enumerate(blocks):
        if block.level is None or verdicts[index] is not None:
            continue
        under = _section_blocks(blocks, verdicts, index)
        if under and not any(v is None for _, v in under):
            verdicts[index] = "heading-of-removed-text"
        elif kept_by is not None and block.text not in kept_by and not under:
            verdicts[index] = engine_rule
    return verdicts


def _keep_lead(blocks: list[Block], verdicts: list[str | None], words: frozenset[str]) -> None:
    """Keep the lead: prose (sentences dense in stop words) between the page's h1 and the first block the engine
    kept, which engines often drop as a teaser or standfirst. Only blocks the engine alone removed are restored."""
    start = next((i for i, b in enumerate(blocks) if b.level == 1 and verdicts[i] is None), None)
    if start is None:
        return
    for index in range(start + 1, len(blocks)):
        if verdicts[index] is None and blocks[index].level is None:
            return
        if (verdicts[index] or "").startswith("engine-") and blocks[index].level is None \
                and is_main_text(blocks[index].text, words):
            verdicts[index] = None


def _drop_around_title(blocks: list[Block], verdicts: list[str | None], title: str | None,
                       words: frozenset[str]) -> None:
    """The article starts at its title: when the page's title is a kept h1 with main text after it, kept blocks
    before that h1 (section labels, live tickers, teasers) are removed as ``before-title``, and short lines that
    are no sentence between it and the first main text (bylines, datelines, kickers) as ``title-metadata``."""
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
        if verdicts[index] is None and blocks[index].level is None and len(text) <= 100 \
                and not text.endswith(TERMINAL):
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

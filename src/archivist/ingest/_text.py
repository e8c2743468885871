"""Plain-text captures: title line, headings, paragraphs, section breaks, and chrome lines set aside."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ._chrome import ChromeRule, match_rule

_TERMINAL = tuple(".,;:!?…。！？،؟")
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
MAX_HEADING = 120


@dataclass
class Parsed:
    """What a capture yields: a title (if it has a title line), sections and removed chrome."""

    title: str | None
    sections: list[dict[str, Any]]
    removed: list[dict[str, Any]] = field(default_factory=list)


def _looks_like_heading(line: str) -> bool:
    text = line.strip()
    return (0 < len(text) <= MAX_HEADING and text == line and not text.endswith(_TERMINAL)
            and not text[0].islower())


def parse_text(text: str, rules: tuple[ChromeRule, ...], *, title_line: bool = True) -> Parsed:
    """Split a plain-text capture into title, sections of paragraphs, and removed chrome lines.

    Rules (in order): a non-blank line that a chrome rule matches is removed; a block is a run of
    non-blank lines (kept joined by newlines, byte for byte); the first block, if it is a single
    heading-like line, is the title and opens the first section at level 1; a single heading-like
    line followed by more text is a heading; two or more blank lines after text start an untitled
    section (a break whose heading the capture lost).
    """
    lines = _LINE_BREAK.split(text)
    removed: list[dict[str, Any]] = []
    blocks: list[tuple[int, list[str]]] = []  # (blank lines before, lines)
    current: list[str] = []
    blanks = 0
    for number, line in enumerate(lines, start=1):
        rule = match_rule(line, rules) if line.strip() else None
        if rule is not None:
            removed.append({"text": line, "line": number, "rule": rule})
            line = ""
        if line.strip():
            if not current:
                blocks.append((blanks, current))
            current.append(line)
            blanks = 0
        else:
            if current:
                current = []
            blanks += 1
    title: str | None = None
    sections: list[dict[str, Any]] = []
    start = 0
    if title_line and blocks and len(blocks[0][1]) == 1 and _looks_like_heading(blocks[0][1][0]):
        title = blocks[0][1][0]
        sections.append({"heading": title, "level": 1, "paragraphs": []})
        start = 1
    for index in range(start, len(blocks)):
        gap, block = blocks[index]
        single = len(block) == 1
        has_next = index + 1 < len(blocks)
        if single and has_next and _looks_like_heading(block[0]):
            sections.append({"heading": block[0], "paragraphs": []})
            continue
        if not sections or (gap >= 2 and sections[-1]["paragraphs"]):
            sections.append({"heading": None, "paragraphs": []})
        sections[-1]["paragraphs"].append("\n".join(block))
    return Parsed(title, sections, removed)

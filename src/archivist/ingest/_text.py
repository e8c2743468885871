"""Plain-text captures (browser copies, lynx/w3m dumps): title, headings, paragraphs, and chrome lines set aside.

Chrome is found line by line, by named rules (``chrome_rules.json`` and the user's) and by a general classifier:
a line is *main text* when it is long or dense in the language's stop words (jusText's lists), *link-like* when it
is short, has no closing punctuation and few stop words. Link-like lines before the first or after the last run of
main text, and runs of several link-like lines anywhere (menus, language and category lists), are chrome. Every
removed line is kept in ``removed`` with its line number and rule, so content + removed give back every line.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ._chrome import ChromeRule, match_rule
from ._engines import justext_verdicts, stoplist

#: Closing punctuation of a sentence, in the scripts archivist reads.
TERMINAL = tuple(".,;:!?…。！？،؟")
#: A heading or a title may be a question ("Why use UTF-8?"); any other closing punctuation makes a sentence.
_CLOSES_SENTENCE = tuple(mark for mark in TERMINAL if mark not in "?？؟")
_SENTENCE_END = tuple(".:!?…。：！？؟")
_INNER_SENTENCE = re.compile(r"\w[.!?。！？]\s+\S")
_CLOSING_QUOTES = "\"'”’»«」』）)"
#: The longest caption under an image, in characters.
CAPTION = 300
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_WORD = re.compile(r"\w+")
_TRAIL = re.compile(r"\s+[/>›»|]\s+")
_NUMBER = re.compile(r"\d+")
_YEAR = re.compile(r"1[89]\d\d|2[01]\d\d")
_EDIT_MARKER = re.compile(r"\s*\[\s*[^\[\]\d]{1,30}?\s*\]\s*$")
_BULLET = re.compile(r"^\s*([*+•·o□◦▪-]|\d{1,3}\.)\s+")  # list markers of text browsers (w3m: • □ ◦)
MAX_HEADING = 120
#: How many lines above the article's first text a dump's title (the page's h1, set apart) may stand.
HEADING_REACH = 8
#: Rules whose lines hold no text (an image or a form field): a heading over nothing else has no text under it.
NO_TEXT_RULES = frozenset({"image-placeholder", "form-field", "empty-list-item"})
#: A run of at least this many consecutive link-like lines is a menu or list of links, wherever it is.
MENU_RUN = 4
#: A heading heads text when main text follows it before the next heading or under one of the next REACH_TEXT
#: headings (a heading over a subsection over an image caption and a "Main article" line still heads text).
REACH_TEXT = 3
#: A line indented at least this much further than the running text is centred (elinks centres a page's h1).
CENTRED = 8
#: The lines a text browser writes for a page's <link> elements above its body (elinks: "Link: …", lynx: "#…").
_LINK_HEADER = re.compile(r"Link: .*|#\S.*")


@dataclass
class Parsed:
    """What a capture yields: a title (if it has a title line), sections and removed chrome."""

    title: str | None
    sections: list[dict[str, Any]]
    removed: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def strip_edit_marker(heading: str) -> tuple[str, str | None]:
    """A heading without a trailing edit-section marker such as ``[edit]`` or ``[modifier | modifier le code]``,
    and the marker (None when there is none)."""
    match = _EDIT_MARKER.search(heading)
    if match is None or match.start() == 0:
        return heading, None
    return heading[:match.start()], heading[match.start():]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def body_indent(lines: list[str], words: frozenset[str]) -> int:
    """How far the capture's running text is indented: the least indentation held by at least a quarter of its
    main-text lines. lynx and elinks indent paragraphs and set headings left of them (or centre an h1); w3m and
    copied text indent nothing; right-aligned text (Arabic, Hebrew) shares no indentation, and gives 0 too."""
    counts = Counter(_indent(line) for line in lines if line.strip() and not _BULLET.match(line)
                     and is_main_text(line, words))
    total = sum(counts.values())
    return min((lead for lead, n in counts.items() if 4 * n >= total), default=0)


def _placed_as_heading(line: str, body: int) -> bool:
    """Where a heading stands: flush left in a capture whose text is not indented; left of the running text, or
    centred, in one whose text is (a line indented like the text is text, however short)."""
    lead = _indent(line)
    return lead == 0 if body == 0 else lead < body or lead >= body + CENTRED


def _looks_like_heading(line: str, body: int = 0) -> bool:
    text = line.strip()
    return (0 < len(text) <= MAX_HEADING and _placed_as_heading(line, body)
            and not text.endswith(_CLOSES_SENTENCE) and not text[0].islower())


def _title_like(line: str, body: int = 0) -> bool:
    """A line that can be a page title: short, not a sentence, not a list item (it may start in lower case), and
    where the capture sets headings when its layout says where."""
    text = line.strip()
    return 0 < len(text) <= MAX_HEADING and not text.endswith(_CLOSES_SENTENCE) and not _BULLET.match(line) \
        and (body == 0 or _placed_as_heading(line, body))


def browser_header(lines: list[str]) -> dict[int, str]:
    """The lines a text browser writes above the page for its <link> elements (elinks one "Link: …" line each,
    lynx one "#…" paragraph, wrapped over as many lines as it needs): not the page's text."""
    verdicts: dict[int, str] = {}
    wrapped = False  # inside lynx's paragraph, whatever its lines start with
    for index, line in enumerate(lines):
        if not line.strip():
            wrapped = False
            continue
        if not wrapped and not _LINK_HEADER.fullmatch(line.strip()):
            break
        wrapped = wrapped or line.strip().startswith("#")
        verdicts[index] = "browser-link-header"
    return verdicts


def find_title(lines: list[str], candidates: list[int], words: frozenset[str],
               body: int = 0) -> tuple[int | None, str | None]:
    """The title line of a text capture (0-based), and a note when it was not simply the first line.

    The first line is the title when it reads as one and is not the start of a menu (the next line is not
    link-like), or when it reads as one, is no short link-like name and the capture repeats it further down (a
    browser dump shows the page's <title> first and its h1 again above the article); else the longest line set apart
    just above the article (see :func:`_set_apart`: never a dateline or a breadcrumb trail); else the longest
    title-like line of two or more words (four or more CJK characters) before the first main-text line; else the
    longest such line just before the article (the first main text followed closely by two more), past any shorter
    main-text block such as a promotion."""
    if not candidates:
        return None, None
    first = candidates[0]
    after = [i for i in candidates if i > first][:2]
    menu = bool(after) and is_link_like(lines[after[0]], words) and not (
        len(after) == 2 and is_main_text(lines[after[1]], words))  # a short line over main text is a heading
    reads_as_title = _looks_like_heading(lines[first], body) or (_title_like(lines[first], body)
                                                                 and lines[first] == lines[first].strip())
    repeated = any(lines[i].strip() == lines[first].strip() for i in candidates[1:])
    main = [n for n, i in enumerate(candidates) if is_main_text(lines[i], words)]
    # the article starts at the first main text followed closely by two more (a short promotion does not count)
    start = next((m for m, m2, m3 in zip(main, main[1:], main[2:], strict=False) if m3 - m <= 6), main[0] if main else
                 len(candidates))
    earlier = [m for m in main if m < start]
    set_apart = _set_apart(lines, candidates, start, words, body)
    if not set_apart and main and main[0] < start:  # a lone first paragraph over a figure: the h1 stands above it
        set_apart = _set_apart(lines, candidates, main[0], words, body)
    if reads_as_title and not menu and not repeated and _short_name(lines[first]) \
            and any(i != first for i in set_apart):
        return max(set_apart, key=lambda i: len(lines[i].strip())), \
            "title: the longest title-like line set apart just before the article (the first line is a short name)"
    if reads_as_title and not menu:
        return first, None
    if reads_as_title and repeated and not is_link_like(lines[first], words):  # a site name is link-like
        return first, "title: the capture's first line, repeated further down as the page's heading"
    if set_apart:
        return max(set_apart, key=lambda i: len(lines[i].strip())), \
            "title: the longest title-like line set apart just before the article (the first line reads as a menu)"
    for low, note in ((0, "before the main text"), (earlier[-1] + 1 if earlier else 0, "before the article")):
        best: int | None = None
        for index in candidates[low:start]:
            text = lines[index].strip()
            if low == 0 and is_main_text(lines[index], words):
                break
            long_enough = len(text) >= 4 if _cjk(text) else len(_WORD.findall(text)) >= 2
            if _title_like(lines[index], body) and long_enough \
                    and (best is None or len(text) > len(lines[best].strip())):
                best = index
        if best is not None:
            return best, f"title: the longest title-like line {note} (the first line reads as a menu)"
    if body:  # the layout sets headings apart: the first one of two or more words is the best guess left
        for index in candidates:
            text = lines[index].strip()
            long_enough = len(text) >= 4 if _cjk(text) else len(_WORD.findall(text)) >= 2
            if _looks_like_heading(lines[index], body) and long_enough:
                return index, "title: the first line set as a heading (no other line reads as the title)"
    return None, None


def _set_apart(lines: list[str], candidates: list[int], start: int, words: frozenset[str], body: int) -> list[int]:
    """Heading-like lines of three or more words (four CJK characters), each alone between blank lines, among the
    HEADING_REACH candidates above ``start`` and below any main text or list item: where a page's h1 stands, past
    a byline, a dateline (never one itself) or a standfirst."""
    found: list[int] = []
    names = {_BULLET.sub("", lines[i].strip()) for i in candidates}
    for index in reversed(candidates[max(0, start - HEADING_REACH):start]):
        text = lines[index].strip()
        if is_main_text(lines[index], words) or _BULLET.match(lines[index]):
            break
        long_enough = len(text) >= 4 if _cjk(text) else len(_WORD.findall(text)) >= 3
        if _looks_like_heading(lines[index], body) and long_enough and (index == 0 or not lines[index - 1].strip()) \
                and index + 1 < len(lines) and not lines[index + 1].strip() and not is_dateline(text) \
                and not _breadcrumb(text, names):
            found.append(index)
    return found


def _breadcrumb(text: str, names: set[str]) -> bool:
    """A trail of names between separators (``Home / News``, ``Site › Section``) one of which the capture holds as
    a line of its own (a menu entry, the site's name): where the page is, not what it is called."""
    parts = _TRAIL.split(text)
    return len(parts) >= 2 and any(part in names for part in parts)


def is_dateline(text: str) -> bool:
    """A line that states when (a date with a day or a time beside the year): a dateline, never a title."""
    numbers = _NUMBER.findall(text)
    return any(_YEAR.fullmatch(n) for n in numbers) and len(numbers) >= 2 and \
        4 * len(numbers) >= len(_WORD.findall(text))


def _short_name(line: str) -> bool:
    """One or two words (up to six CJK characters): more often a site's name than a page's title."""
    text = line.strip()
    return len(text) <= 6 if _cjk(text) else len(_WORD.findall(text)) <= 2


def title_block(lines: list[str], index: int, ruled: dict[int, str]) -> list[int]:
    """The lines of the title: the title line, or a centred title of two to four lines it starts (every line
    indented, title-like and not a list item, with no blank line between), as plain-text documents set them."""
    end = index
    while end + 1 < len(lines) and lines[end + 1].strip() and end + 1 not in ruled:
        end += 1
    block = list(range(index, end + 1))
    starts = index == 0 or not lines[index - 1].strip()
    centred = all(lines[i][:1].isspace() and _title_like(lines[i]) and not _BULLET.match(lines[i]) for i in block)
    return block if starts and 2 <= len(block) <= 4 and centred else [index]


def _cjk(text: str) -> bool:
    return sum(1 for c in text if unicodedata.east_asian_width(c) in "WF") * 3 > len(text)


def is_main_text(line: str, words: frozenset[str]) -> bool:
    """Long, or sentence-like and dense in stop words: text a reader came for, not a menu item."""
    text = line.strip()
    if _cjk(text):  # measured in letters: a dateline's digits and colons are no text
        letters = sum(c.isalpha() for c in text)
        return letters >= 25 or (letters >= 12 and text.endswith(TERMINAL))
    tokens = _WORD.findall(text.lower())
    if len(text) >= 120:
        return True
    density = sum(t in words for t in tokens) / len(tokens) if tokens else 0.0
    sentence = text.endswith(TERMINAL) or len(text) > MAX_HEADING  # a title may be long, but is no sentence
    return sentence and len(tokens) >= 6 and (density >= 0.3 or (text.endswith(TERMINAL) and density >= 0.15))


def is_link_like(line: str, words: frozenset[str]) -> bool:
    """Short, unpunctuated and with few stop words: a menu entry, a language or category name, a link."""
    text = _BULLET.sub("", line.strip())
    if not text or text.endswith(tuple(".!?。！？؟")):
        return False
    if _cjk(text):
        return len(text) <= 12
    tokens = _WORD.findall(text.lower())
    return len(text) <= 40 and len(tokens) <= 5 and sum(t in words for t in tokens) <= 1


def _classify(lines: list[str], kept: list[int], words: frozenset[str]) -> dict[int, str]:
    """Line numbers (0-based) the general classifier marks as chrome, with the reason."""
    main = [i for i in kept if is_main_text(lines[i], words)]
    verdicts: dict[int, str] = {}
    if not main:
        return verdicts
    first, last = main[0], main[-1]
    main_set = set(main)
    heads = {a for a, b in itertools.pairwise(kept) if b in main_set}  # a short line right above main text heads it
    for i in kept:
        if (i < first or i > last) and i not in heads and is_link_like(lines[i], words):
            verdicts[i] = "outside-main-text"
    run: list[int] = []
    for i in [*kept, -1]:
        if i >= 0 and i not in verdicts and i not in heads and is_link_like(lines[i], words):
            run.append(i)
            continue
        if len(run) >= MENU_RUN:
            verdicts.update((j, "link-list-run") for j in run)
        run = []
    for block in _runs(kept):  # a list mostly of links is a list of links: its other short items go with them
        rest = [i for i in block if verdicts.get(i) != "link-list-run"]
        if 2 * len(rest) < len(block) and all(_short_item(lines[i], words) for i in rest):
            verdicts.update((i, "link-list-run") for i in rest)
    return verdicts


def _runs(numbers: list[int]) -> list[list[int]]:
    """Runs of consecutive line numbers (the lines of one block, with no blank or removed line between)."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][-1] == number - 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return runs


def _short_item(line: str, words: frozenset[str]) -> bool:
    """A list item of a few words with no closing punctuation: a link's text, not a sentence."""
    text = _BULLET.sub("", line.strip())
    return bool(_BULLET.match(line)) and len(text) <= 60 and not text.endswith(TERMINAL) \
        and not is_main_text(line, words)


def _around_repeated_title(lines: list[str], ruled: dict[int, str], title: list[int],
                           words: frozenset[str], body: int = 0) -> tuple[dict[int, str], int | None]:
    """The article starts at its title line, or at the title's repetition before the first main text (a browser
    dump shows the page's <title> first, then the site's menus, then the article's own heading): kept lines before
    it are ``before-title``, and short lines that are no sentence between it and the first main text (bylines,
    datelines, kickers) are ``title-metadata`` — except the line right above the main text, which heads it.
    Returns these verdicts and the line the article starts at (None: no main text after the title)."""
    if not title:
        return {}, None
    wanted = " ".join(" ".join(lines[i] for i in title).split()).casefold()
    rest = [i for i, line in enumerate(lines) if i > title[-1] and line.strip() and i not in ruled]
    main = next((i for i in rest if is_main_text(lines[i], words)), None)
    repeat = next((i for i in rest if " ".join(lines[i].split()).casefold() == wanted), None)
    if main is None:
        return {}, None
    if repeat is None or repeat > main:
        repeat = title[-1]
    verdicts = {i: "before-title" for i, line in enumerate(lines[:repeat]) if line.strip() and i not in ruled
                and i not in title}
    heading = next((i for i in range(main - 1, repeat, -1) if lines[i].strip() and i not in ruled), None)
    if heading is not None and (not _looks_like_heading(lines[heading], body) or is_dateline(lines[heading])):
        heading = None  # a label such as "Share this:" heads nothing, nor does a dateline
    verdicts.update((i, "title-metadata") for i in rest if repeat < i < main and i != heading
                    and len(lines[i].strip()) <= 100 and not is_main_text(lines[i], words))
    return verdicts, repeat


def _keep_lead(lines: list[str], ruled: dict[int, str], start: int, words: frozenset[str]) -> None:
    """Keep the lead, as for HTML: blocks of prose (with a main-text line) that only the engine removed, between
    the article's start and the first main text it kept — engines often drop a standfirst as a teaser."""
    for block in _runs([i for i in range(start + 1, len(lines)) if lines[i].strip()]):
        if any(i not in ruled and is_main_text(lines[i], words) for i in block):
            return
        if all(ruled.get(i) == "engine-justext" for i in block) and any(is_main_text(lines[i], words) for i in block):
            for i in block:
                del ruled[i]


def _engine_verdicts(lines: list[str], ruled: dict[int, str], title: set[int],
                     language: str | None, body: int = 0) -> dict[int, str]:
    """Lines of the blocks (runs of kept lines) that jusText classifies as boilerplate. Single heading-like lines
    and the title line are left to the rules: jusText judges prose, not headings."""
    blocks = _runs([index for index, line in enumerate(lines) if line.strip() and index not in ruled])
    verdicts = justext_verdicts(["\n".join(lines[i] for i in b) for b in blocks], language or "en")
    if verdicts is None:
        return {}
    return {i: "engine-justext" for block, good in zip(blocks, verdicts, strict=True) if not good
            and not (len(block) == 1 and _looks_like_heading(lines[block[0]], body)) and not title.intersection(block)
            for i in block}


def _orphan_headings(lines: list[str], ruled: dict[int, str], title: set[int], body: int = 0) -> dict[int, str]:
    """Heading lines (a heading-like line alone between blank lines) all of whose text, up to the next such line
    (kept or removed), was removed by rules: "Navigation menu" over a removed menu goes with it. A heading with no
    text under it stays (image placeholders and form fields are no text), and so does one whose text only the
    engine judged boilerplate: a short passage under a heading is what engines misjudge most."""
    def alone(i: int) -> bool:
        return (_looks_like_heading(lines[i], body) and (i == 0 or not lines[i - 1].strip())
                and (i + 1 == len(lines) or not lines[i + 1].strip()))

    bounds = [i for i, line in enumerate(lines) if line.strip() and i not in title and alone(i)
              and ruled.get(i) not in NO_TEXT_RULES]
    verdicts: dict[int, str] = {}
    for head, end in reversed(list(itertools.pairwise([*bounds, len(lines)]))):
        if head in ruled:
            continue
        under = [i for i in range(head + 1, end) if lines[i].strip() and ruled.get(i) not in NO_TEXT_RULES]
        by_rules = bool(under) and all(i in ruled for i in under) and \
            any(ruled[i] != "engine-justext" for i in under)
        if by_rules or (not under and (end in verdicts or end in ruled)):
            verdicts[head] = "heading-of-removed-text"  # (a heading right over a removed one goes with it too)
    return verdicts


def _captions(lines: list[str], ruled: dict[int, str], body: int = 0) -> dict[int, str]:
    """A caption under an image: a block of one or two lines (up to CAPTION characters) right under an image
    placeholder, only blank lines between, that does not end a sentence (it ends on a credit such as "Photo: X" or
    "(CC BY 2.0)") and is no heading (a heading holds no sentence that ends inside it)."""
    verdicts: dict[int, str] = {}
    for block in _runs([i for i, line in enumerate(lines) if line.strip() and i not in ruled]):
        above = next((i for i in range(block[0] - 1, -1, -1) if lines[i].strip()), None)
        text = " ".join(lines[i].strip() for i in block)
        heading = len(block) == 1 and _looks_like_heading(lines[block[0]], body) and not _INNER_SENTENCE.search(text)
        if above is None or ruled.get(above) != "image-placeholder" or len(block) > 2 or len(text) > CAPTION \
                or text.rstrip(_CLOSING_QUOTES).endswith(_SENTENCE_END) or heading:
            continue
        verdicts.update((i, "image-caption") for i in block)
    return verdicts


def parse_text(text: str, rules: tuple[ChromeRule, ...], *, title_line: bool = True,
               language: str | None = None) -> Parsed:
    """Split a plain-text capture into title, sections of paragraphs, and removed chrome lines.

    Rules (in order): a non-blank line that a chrome rule or the classifier marks is removed (a heading's
    edit-section marker alone is removed from it); a block is a run of non-blank lines (kept joined by newlines,
    byte for byte); the first block, if it is a single heading-like line, is the title and opens the first section
    at level 1; a single heading-like line followed by more text is a heading; two or more blank lines after text
    start an untitled section (a break whose heading the capture lost).
    """
    lines = _LINE_BREAK.split(text)
    words = stoplist(language) or stoplist("en")
    removed: list[dict[str, Any]] = []
    ruled: dict[int, str] = {}
    ruled.update(browser_header(lines))
    for index, line in enumerate(lines):
        if line.strip() and index not in ruled:
            rule = match_rule(line, rules)
            if rule is not None:
                ruled[index] = rule
    kept = [i for i, line in enumerate(lines) if line.strip() and i not in ruled]
    body = body_indent([lines[i] for i in kept], words)
    title_index, title_note = find_title(lines, kept, words, body) if title_line else (None, None)
    title_lines = title_block(lines, title_index, ruled) if title_index is not None else []
    ruled.update((i, v) for i, v in _classify(lines, kept, words).items() if i not in title_lines)
    around, start = _around_repeated_title(lines, ruled, title_lines, words, body)
    ruled.update(around)
    ruled.update(_engine_verdicts(lines, ruled, set(title_lines), language, body))
    if start is not None:
        _keep_lead(lines, ruled, start, words)
    ruled.update(_orphan_headings(lines, ruled, set(title_lines), body))
    ruled.update(_captions(lines, ruled, body))
    blocks: list[tuple[int, list[str], int]] = []  # (blank lines before, lines, index of the first line)
    current: list[str] = []
    blanks = 0
    for index, line in enumerate(lines):
        number = index + 1
        if index in ruled:
            removed.append({"text": line, "line": number, "rule": ruled[index]})
            line = ""
        elif line.strip() and _looks_like_heading(line, body):
            stripped, marker = strip_edit_marker(line)
            if marker is not None:
                removed.append({"text": marker, "line": number, "rule": "edit-section-marker"})
                line = stripped
        if line.strip():
            if not current:
                blocks.append((blanks, current, index))
            current.append(line)
            blanks = 0
        else:
            if current:
                current = []
            blanks += 1
    title: str | None = None
    notes: list[str] = []
    sections: list[dict[str, Any]] = []
    start = 0
    if title_lines and blocks and blocks[0][1] == [lines[i] for i in title_lines]:
        title = " ".join(lines[i].strip() for i in title_lines) if len(title_lines) > 1 \
            else lines[title_lines[0]].strip()
        sections.append({"heading": "\n".join(blocks[0][1]), "level": 1, "paragraphs": []})
        start = 1
        notes += [title_note] if title_note else []
        notes += [f"title: a centred title of {len(title_lines)} lines, joined"] if len(title_lines) > 1 else []
    elif title_index is not None:
        title = lines[title_index].strip()
        notes += [title_note or "title: the capture's first line"]
    heads = [i for i in range(start, len(blocks) - 1)
             if len(blocks[i][1]) == 1 and _looks_like_heading(blocks[i][1][0], body)]
    textless = _headings_without_text(lines, ruled, [blocks[i][2] for i in heads], words)
    textless = {i for i in heads if blocks[i][2] in textless}
    for index in range(start, len(blocks)):
        gap, block, first = blocks[index]
        if index in textless:
            removed[:] = [r for r in removed if r["line"] != first + 1]  # its edit marker goes with it
            removed.append({"text": lines[first], "line": first + 1, "rule": "heading-without-text"})
            continue
        if index in heads:
            sections.append({"heading": block[0], "paragraphs": []})
            continue
        if not sections or (gap >= 2 and sections[-1]["paragraphs"]):
            sections.append({"heading": None, "paragraphs": []})
        sections[-1]["paragraphs"].append("\n".join(block))
    removed.sort(key=lambda r: r["line"])
    return Parsed(title, sections, removed, notes)


def _headings_without_text(lines: list[str], ruled: dict[int, str], heads: list[int],
                           words: frozenset[str]) -> set[int]:
    """The heading lines that head no text (see REACH_TEXT); text only the engine judged boilerplate counts, as
    for orphan headings. A run of such headings is a sidebar of headlines, "Related", "Comments" and the like."""
    bounds = [*heads, len(lines)]
    has_text = [any(ruled.get(i, "engine-justext") == "engine-justext" and is_main_text(lines[i], words)
                    for i in range(head + 1, end)) for head, end in itertools.pairwise(bounds)]
    return {head for n, head in enumerate(heads) if not any(has_text[n:n + REACH_TEXT + 1])}

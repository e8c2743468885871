"""HTML captures: metadata from <head> and JSON-LD; the page's own blocks kept or removed by engines and rules.

Every text block of the body (heading, paragraph, list item, cell, loose text) is found in document order. A block
is removed when it sits in page chrome (nav, header, footer, aside, forms, ARIA landmarks of the same kinds, hidden
elements), when a named chrome rule matches it, or when the extraction engine (trafilatura, else jusText) does not
keep its text; the rest is kept exactly as the page has it (whitespace collapsed), in order. Each removal is
recorded with its rule and the element's path.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import lxml.html
from lxml import etree

from ._chrome import ChromeRule, match_rule
from ._engines import justext_units, norm, stoplist, trafilatura_units
from ._text import TERMINAL, Parsed, is_main_text, strip_edit_marker

SILENT_TAGS = {"script", "style", "template", "svg", "math", "head", "title", "meta", "link"}
CHROME_TAGS = {"nav", "header", "footer", "aside", "form", "noscript", "button", "select", "dialog", "menu"}
CHROME_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog", "note"}
BLOCK_TAGS = {"p", "li", "blockquote", "pre", "dd", "dt", "figcaption", "td", "th", "caption", "address"}
CELL_TAGS = {"td", "th", "caption"}
#: A table cell shorter than this is a label or a datum, not a paragraph: it is removed (and recorded).
MIN_CELL = 60
HEADINGS = {f"h{n}": n for n in range(1, 7)}
INLINE_TAGS = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q", "s",
               "samp",
               "small", "span", "strong", "sub", "sup", "time", "u", "var", "br", "wbr", "img", "font", "label", "big",
               "tt", "ins", "del"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
             "wbr"}
#: Nesting kept by the tolerant re-read of a page deeper than libxml2's limit; deeper elements become siblings.
FLAT_DEPTH = 256
#: libxml2's default nesting limit, which engines that parse the page themselves are subject to.
LIBXML_DEPTH = 250
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·•»]{1,2}\s+")
_LIST_SEPARATORS = re.compile(r"[\s|·•,;/>»›-]*")


@dataclass
class HtmlMeta:
    """Metadata the page states about itself, and notes on what was inferred while reading it."""

    title: str | None = None
    url: str | None = None
    language: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    published: str | None = None
    modified: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Block:
    """One text block of the page: a heading or text, its element path, and the chrome element it sits in."""

    text: str
    path: str
    level: int | None = None
    chrome: str | None = None
    links: list[str] = field(default_factory=list)
    marker: str | None = None
    cell: bool = False


def _text(element: etree._Element) -> str:
    """An element's text (its XPath string value, as lxml.html's ``text_content``), whitespace collapsed."""
    return norm(str(element.xpath("string()")))


def _meta(doc: Any, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            for node in doc.xpath(f"//meta[@{attr}=$n]", n=name):
                value = (node.get("content") or "").strip()
                if value:
                    return value
    return None


def _json_ld(doc: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in doc.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, RecursionError):
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        found.extend(i for i in items if isinstance(i, dict))
    return found


def _name(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _name(value.get("name"))
    if isinstance(value, list) and value:
        return _name(value[0])
    return None


def page_title(raw: str | None, h1: str | list[str] | None, site_names: list[str]) -> tuple[str | None, str | None]:
    """The page's title without the site name, and a note of what was stripped (None when nothing was).

    The title is split at separators (`` | ``, `` - ``, `` — ``, `` · ``, `` » ``…); a leading or trailing part
    equal to a stated site name is dropped, or, failing that, the longest part equal to one of the page's h1
    headings is kept."""
    if raw is None:
        return None, None
    raw = norm(raw)
    parts = _TITLE_SEPARATORS.split(raw)
    seps = _TITLE_SEPARATORS.findall(raw)
    if len(parts) < 2:
        return raw, None
    names = {norm(n).casefold() for n in site_names if n and norm(n)}
    for index in (len(parts) - 1, 0):
        if parts[index].casefold() in names:
            kept = parts[:index] + parts[index + 1:]
            kept_seps = seps[:index - 1] + seps[index:] if index else seps[1:]
            title = kept[0] + "".join(s + p for s, p in zip(kept_seps, kept[1:], strict=True))
            return title, f"title: the site name {parts[index]!r} stated by the page was removed from {raw!r}"
    headings = {norm(h).casefold() for h in ([h1] if isinstance(h1, str) else h1 or []) if h}
    matching = [part for part in (parts[0], parts[-1]) if part.casefold() in headings]
    if matching:
        return max(matching, key=len), f"title: {raw!r} shortened to the part that is the page's h1 heading"
    return raw, None


def read_meta(doc: Any) -> HtmlMeta:
    """Title (without the site name), canonical URL, language, description, authors, publisher and dates."""
    meta = HtmlMeta()
    ld = _json_ld(doc)
    article = next((i for i in ld if "headline" in i or "datePublished" in i), ld[0] if ld else {})
    h1s = [strip_edit_marker(_text(h))[0] for h in doc.xpath("//body//h1")]
    h1 = next((h for h in h1s if h), None)
    site_names = [n for n in (_meta(doc, "og:site_name", "application-name", "apple-mobile-web-app-title"),
                              _name(article.get("publisher"))) if n]
    own = (doc.findtext(".//title") or "").strip() or None
    if not _meta(doc, "og:title") and h1 and own and page_title(own, h1s, site_names)[0] in h1s:
        titles = [own]  # the <title> agrees with the h1: a JSON-LD headline may be a description instead
    else:
        titles = [_meta(doc, "og:title"), _name(article.get("headline")), own, h1]
    meta.title, note = page_title(next((t for t in titles if t), None), h1s, site_names)
    if note:
        meta.notes.append(note)
    canonical = doc.xpath("//link[@rel='canonical']/@href")
    meta.url = (canonical[0].strip() if canonical else None) or _meta(doc, "og:url")
    root = doc.getroottree().getroot()
    meta.language = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip() or None
    meta.description = _meta(doc, "description", "og:description") or _name(article.get("description"))
    author = _meta(doc, "author", "article:author")
    ld_authors = article.get("author")
    if isinstance(ld_authors, list):
        meta.authors = [n for n in (_name(a) for a in ld_authors) if n]
    elif _name(ld_authors):
        meta.authors = [_name(ld_authors)]  # type: ignore[list-item]
    elif author:
        meta.authors = [author]
    meta.publisher = _meta(doc, "og:site_name") or _name(article.get("publisher"))
    meta.published = _meta(doc, "article:published_time", "datePublished", "dcterms.issued", "DC.date") \
        or _name(article.get("datePublished"))
    meta.modified = _meta(doc, "article:modified_time", "dateModified", "dcterms.modified") \
        or _name(article.get("dateModified"))
    return meta


class _FlatBuilder(HTMLParser):
    """A tolerant tokenizer-built tree for pages nested deeper than libxml2 allows: nothing is dropped, elements
    below ``FLAT_DEPTH`` levels are attached at that depth instead."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = etree.Element("html")
        self.stack: list[etree._Element] = [self.root]
        self.depth_over = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            return
        element = etree.SubElement(self.stack[-1], tag)
        for key, value in attrs:
            try:
                element.set(key, value or "")
            except ValueError:
                continue
        if tag in VOID_TAGS:
            return
        if len(self.stack) < FLAT_DEPTH:
            self.stack.append(element)
        else:
            self.depth_over += 1

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def parse_document(text: str) -> tuple[Any, list[str]]:
    """The page as an lxml tree; a page nested past libxml2's depth limit is re-read so that no text is lost."""
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        doc = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        doc = None
    if doc is not None and not any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        return doc, []
    builder = _FlatBuilder()
    builder.feed(text)
    builder.close()
    html = lxml.html.fromstring("<html></html>")
    html.extend(list(builder.root))
    if html.find("body") is None:
        body = etree.SubElement(html, "body")
        for child in [c for c in html if c.tag not in ("head", "body")]:
            body.append(child)
    note = (f"the page nests elements deeper than the HTML parser's limit: it was re-read with a tolerant "
            f"tokenizer that keeps every element, nesting below {FLAT_DEPTH} levels flattened")
    return html, [note]


def _chrome_of(element: etree._Element) -> str | None:
    """The chrome rule an element starts (None: not chrome). A header or footer inside an article or main is that
    article's own (its title, lead, byline: HTML gives it no banner or contentinfo role there), not the site's."""
    tag = element.tag
    if tag in ("header", "footer") and any(a.tag in ("article", "main") for a in element.iterancestors()):
        return None
    if tag in CHROME_TAGS:
        return f"html-{tag}"
    role = (element.get("role") or "").strip().lower()
    if role in CHROME_ROLES:
        return f"html-role-{role}"
    if element.get("hidden") is not None or (element.get("aria-hidden") or "").lower() == "true":
        return "html-hidden"
    return None


def _links(element: etree._Element) -> list[str]:
    return [t for t in (_text(a) for a in element.iter("a")) if t]


def collect_blocks(body: etree._Element) -> tuple[list[Block], int]:
    """Every text block under ``body`` in document order (iteratively: no recursion limit on deep pages), and the
    deepest nesting met."""
    tree = body.getroottree()
    blocks: list[Block] = []
    # frame: element, its children iterator, loose-text run, links in the run, chrome context
    stack: list[tuple[etree._Element, Any, list[str], list[str], str | None]] = [
        (body, iter(body), [body.text or ""], [], _chrome_of(body))]

    def flush(frame: tuple[etree._Element, Any, list[str], list[str], str | None]) -> None:
        element, _, run, links, chrome = frame
        text = norm("".join(run))
        if text:
            blocks.append(Block(text, tree.getpath(element), chrome=chrome, links=list(links)))
        run.clear()
        links.clear()

    depth = 0
    while stack:
        depth = max(depth, len(stack))
        frame = stack[-1]
        element, children, run, links, chrome = frame
        child = next(children, None)
        if child is None:
            flush(frame)
            stack.pop()
            if stack:
                stack[-1][2].append(element.tail or "")
            continue
        tag = child.tag if isinstance(child.tag, str) else ""
        if not tag or tag in SILENT_TAGS:
            run.append(child.tail or "")
            continue
        inner = _chrome_of(child) or chrome  # the innermost chrome element names the rule
        if tag in INLINE_TAGS and inner == chrome:
            run.append(child.text_content())
            links.extend(_links(child))
            run.append(child.tail or "")
        elif tag in HEADINGS:
            flush(frame)
            heading, marker = strip_edit_marker(_text(child))
            if heading:
                blocks.append(Block(heading, tree.getpath(child), HEADINGS[tag], inner, marker=marker))
            run.append(child.tail or "")
        elif tag in BLOCK_TAGS and not any(isinstance(c.tag, str) and (c.tag in BLOCK_TAGS or c.tag in HEADINGS)
                                           for c in child.iterdescendants()):
            flush(frame)
            text = _text(child)
            if text:
                blocks.append(Block(text, tree.getpath(child), chrome=inner, links=_links(child),
                                    cell=tag in CELL_TAGS))
            run.append(child.tail or "")
        else:
            flush(frame)
            stack.append((child, iter(child), [child.text or ""], [], inner))
    return blocks, depth


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
    used: list[str] = []
    units: list[str] = []
    for name in names:
        if name == "justext" and depth >= LIBXML_DEPTH:
            continue  # jusText parses the page again, with libxml2's default depth limit: it would lose text
        found = trafilatura_units(doc) if name == "trafilatura" else justext_units(text, meta.language)
        if found and any(v is None and b.level is None
                         for b, v in zip(blocks, _verdicts(blocks, rules, _Kept(found), "engine"), strict=True)):
            used.append(name)  # an engine whose text matches none of the page's blocks (a glued fallback) is
            units += found     # passed over for the next one
            break
    verdicts = _verdicts(blocks, rules, _Kept(units) if used else None, f"engine-{'+'.join(used)}")
    _keep_lead(blocks, verdicts, stoplist(meta.language) or stoplist("en"))
    _drop_around_title(blocks, verdicts, meta.title, stoplist(meta.language) or stoplist("en"))
    if used:
        meta.notes.append(f"main text chosen with {' and '.join(used)}; kept blocks are the page's own text")
    for block, rule in zip(blocks, verdicts, strict=True):
        if rule is not None:
            removed.extend(_removal(block, rule))
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

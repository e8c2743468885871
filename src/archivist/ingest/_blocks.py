"""An HTML page's own text blocks (headings, paragraphs, list items, cells, loose text) in document order, each
with its element path and the page-chrome element it sits in; pages nested past libxml2's limit are re-read whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import lxml.html
from lxml import etree

from ._engines import norm
from ._text import strip_edit_marker

SILENT_TAGS = {"script", "style", "template", "svg", "math", "head", "title", "meta", "link"}
CHROME_TAGS = {"nav", "header", "footer", "aside", "form", "noscript", "button", "select", "dialog", "menu"}
#: ARIA landmark and widget roles of page chrome; a tooltip is a control's pop-up label ("Read later"), not text.
CHROME_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog", "note",
                "tooltip"}
BLOCK_TAGS = {"p", "li", "blockquote", "pre", "dd", "dt", "figcaption", "td", "th", "caption", "address"}
CELL_TAGS = {"td", "th", "caption"}
FIGURE_TAGS = {"figure", "figcaption"}
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
    caption: bool = False


#: Elements whose text is code, never shown, even inside a paragraph (a formula's MathML text is shown).
CODE_TAGS = ("script", "style", "template")
_SHOWN_TEXT = etree.XPath(".//text()[not(ancestor::*[" + " or ".join(f"self::{t}" for t in CODE_TAGS) + "])]")


def shown_text(element: etree._Element) -> str:
    """An element's text as a reader sees it: its XPath string value without what sits in a script, style or
    template inside it (a script in a byline is no part of the byline)."""
    if next(element.iterdescendants(*CODE_TAGS), None) is None:
        return str(element.xpath("string()"))
    found = _SHOWN_TEXT(element)
    return "".join(str(t) for t in found) if isinstance(found, list) else str(found)


def element_text(element: etree._Element) -> str:
    """An element's shown text (``shown_text``), whitespace collapsed."""
    return norm(shown_text(element))


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


def _in_figure(element: etree._Element) -> bool:
    """Whether ``element`` is, or sits in, a figure or its caption: text about an image (caption, credit), not
    the article's own prose."""
    return element.tag in FIGURE_TAGS or any(a.tag in FIGURE_TAGS for a in element.iterancestors())


def _links(element: etree._Element) -> list[str]:
    return [t for t in (element_text(a) for a in element.iter("a")) if t]


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
            blocks.append(Block(text, tree.getpath(element), chrome=chrome, links=list(links),
                                caption=_in_figure(element)))
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
            run.append(shown_text(child))
            links.extend(_links(child))
            run.append(child.tail or "")
        elif tag in HEADINGS:
            flush(frame)
            heading, marker = strip_edit_marker(element_text(child))
            if heading:
                blocks.append(Block(heading, tree.getpath(child), HEADINGS[tag], inner, marker=marker,
                                    caption=_in_figure(child)))
            run.append(child.tail or "")
        elif tag in BLOCK_TAGS and not any(isinstance(c.tag, str) and (c.tag in BLOCK_TAGS or c.tag in HEADINGS)
                                           for c in child.iterdescendants()):
            flush(frame)
            text = element_text(child)
            if text:
                blocks.append(Block(text, tree.getpath(child), chrome=inner, links=_links(child),
                                    cell=tag in CELL_TAGS, caption=_in_figure(child)))
            run.append(child.tail or "")
        else:
            flush(frame)
            stack.append((child, iter(child), [child.text or ""], [], inner))
    return blocks, depth

"""HTML captures: metadata from <head> and embedded JSON-LD, h1–h6 as sections, paragraphs and list items as text."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

from ._chrome import ChromeRule, match_rule
from ._text import Parsed

CHROME_TAGS = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "button", "svg")
BLOCK_TAGS = {"p", "li", "blockquote", "pre", "dd", "dt", "figcaption", "td", "th", "caption"}
HEADINGS = {f"h{n}": n for n in range(1, 7)}
INLINE_TAGS = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q", "s", "samp",
               "small", "span", "strong", "sub", "sup", "time", "u", "var", "br", "wbr", "img"}
_SPACE = re.compile(r"\s+")


@dataclass
class HtmlMeta:
    """Metadata the page states about itself."""

    title: str | None = None
    url: str | None = None
    language: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    published: str | None = None
    modified: str | None = None


def _text(element: etree._Element) -> str:
    return _SPACE.sub(" ", element.text_content()).strip()


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
        except json.JSONDecodeError:
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


def read_meta(doc: Any) -> HtmlMeta:
    """Title, canonical URL, language, description, authors, publisher and dates stated by the page."""
    meta = HtmlMeta()
    ld = _json_ld(doc)
    article = next((i for i in ld if "headline" in i or "datePublished" in i), ld[0] if ld else {})
    titles = [_meta(doc, "og:title"), _name(article.get("headline")), (doc.findtext(".//title") or "").strip() or None]
    h1 = doc.xpath("//h1")
    titles.append(_text(h1[0]) if h1 else None)
    meta.title = next((t for t in titles if t), None)
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
    meta.published = _meta(doc, "article:published_time", "datePublished", "dcterms.issued", "DC.date") or _name(article.get("datePublished"))
    meta.modified = _meta(doc, "article:modified_time", "dateModified", "dcterms.modified") or _name(article.get("dateModified"))
    return meta


def parse_html(text: str, rules: tuple[ChromeRule, ...]) -> tuple[Parsed, HtmlMeta]:
    """Sections of paragraphs from the page body, chrome elements and chrome lines set aside."""
    doc = lxml.html.document_fromstring(text)
    meta = read_meta(doc)
    body = doc.find("body")
    removed: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    if body is None:
        return Parsed(meta.title, sections, removed), meta
    for element in list(body.iter(*CHROME_TAGS)):
        if element.getparent() is None:
            continue
        content = _text(element)
        if content and element.tag not in ("script", "style", "template", "svg"):
            removed.append({"text": content, "rule": f"html-{element.tag}"})
        element.drop_tree()
    _walk(body, sections, removed, rules)
    return Parsed(meta.title, sections, removed), meta


def _walk(container: etree._Element, sections: list[dict[str, Any]], removed: list[dict[str, Any]],
          rules: tuple[ChromeRule, ...]) -> None:
    """Visit a container in document order: headings open sections, blocks and loose text are paragraphs."""
    run = [container.text or ""]

    def flush() -> None:
        text = _SPACE.sub(" ", "".join(run)).strip()
        run.clear()
        if text:
            _add(sections, removed, text, rules)

    for child in container:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in INLINE_TAGS or not tag:
            run.append(child.text_content() if tag else "")
        elif tag in HEADINGS:
            flush()
            heading = _text(child)
            if heading:
                sections.append({"heading": heading, "level": HEADINGS[tag], "paragraphs": []})
        elif tag in BLOCK_TAGS and not any(c.tag in BLOCK_TAGS or c.tag in HEADINGS for c in child.iterdescendants()):
            flush()
            text = _text(child)
            if text:
                _add(sections, removed, text, rules)
        else:
            flush()
            _walk(child, sections, removed, rules)
        run.append(child.tail or "")
    flush()


def _add(sections: list[dict[str, Any]], removed: list[dict[str, Any]], content: str,
         rules: tuple[ChromeRule, ...]) -> None:
    rule = match_rule(content, rules)
    if rule is not None:
        removed.append({"text": content, "rule": rule})
        return
    if not sections:
        sections.append({"heading": None, "paragraphs": []})
    sections[-1]["paragraphs"].append(content)

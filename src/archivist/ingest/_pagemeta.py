"""What an HTML page states about itself that ingest needs to read it: title (without the site name), URL and
language, from <head>, JSON-LD and the page's h1. Its descriptive metadata (dates, creators, description, rights,
publisher) is read once, by :mod:`._described`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ._blocks import element_text
from ._engines import norm
from ._text import strip_edit_marker

_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·•»]{1,2}\s+")


@dataclass
class HtmlMeta:
    """Metadata the page states about itself, and notes on what was inferred while reading it."""

    title: str | None = None
    url: str | None = None
    language: str | None = None
    notes: list[str] = field(default_factory=list)


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
    """Title (without the site name), canonical URL and language."""
    meta = HtmlMeta()
    ld = _json_ld(doc)
    article = next((i for i in ld if "headline" in i or "datePublished" in i), ld[0] if ld else {})
    h1s = [strip_edit_marker(element_text(h))[0] for h in doc.xpath("//body//h1")]
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
    return meta

"""Descriptive metadata an HTML page states about itself: dates, creators, description, rights and publisher, each
with the place on the page it was read from, for the record's provenance.

Structured statements come first, in this order: Highwire ``citation_*`` meta (what Google Scholar and Zotero
read), Dublin Core meta (``DC.*``, ``dcterms.*``), schema.org JSON-LD, Open Graph ``article:*`` meta, plain
``<meta name=author|description>``, ``<link rel=license>``. Then two libraries read what markup states: htmldate
(the publication date among the days the page's ``<time>`` and microdata markup state; never a date of the
free text) and trafilatura's
byline reader (author names). Nothing is guessed: a date the page does not state stays absent, and an agent's kind
(person or organization) comes from the page's own typing, a name the page also gives as its publisher
(organization), or else the source's own meaning (citation and byline authors are people).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

from .._errors import IngestError
from ._descriptive import is_valid_value, parse_date

_DATE = re.compile(r"^(\d{4})(?:[-/](\d{2})(?:[-/](\d{2}))?)?")
#: A byline's label before the names ("By", "Written by", "Geschrieben von", "Autor:", "Escrito por"…).
_BY = re.compile(r"^\s*(?:(?:written|posted|published|geschrieben|verfasst|escrito|publicado|écrit|scritto)\s+)?"
                 r"(?:by|von|por|par|door|di|da|av|af)\s+|^\s*(?:authors?|autor(?:in|a|es)?|auteure?s?|autore)\b:?\s*",
                 re.IGNORECASE)
#: A web address or e-mail address in parentheses or angle brackets after a name ("Jane Roe (https://…)").
_CONTACT = re.compile(r"\s*[(<]\s*(?:https?://|mailto:|[^()<>\s]+@)[^()<>]*[)>]\s*")
_CDATA = re.compile(r"^\s*(?:/[/*]\s*)?<!\[CDATA\[(?:\s*\*/)?|(?:/[/*]\s*)?\]\]>(?:\s*\*/)?\s*$")
#: The latest date htmldate may return: fixed (not today), so that the same page always gives the same record.
_MAX_DATE = "2099-12-31"


@dataclass
class PageDescription:
    """What the page states, by the names of :data:`DESCRIPTIVE`, and for each name where on the page it was
    read."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def take(self, name: str, value: Any, source: str) -> None:
        """Keep ``value`` unless an earlier (more explicit) source gave this name already."""
        if name not in self.values and value not in (None, "", []):
            self.values[name] = value
            self.sources[name] = source


def _metas(doc: Any) -> list[tuple[str, str]]:
    """Every ``<meta>`` name (or property, or itemprop) with its non-empty content, in page order."""
    found = []
    for node in doc.iter("meta"):
        key = node.get("name") or node.get("property") or node.get("itemprop")
        value = " ".join((node.get("content") or "").split())
        if key and value:
            found.append((key.strip(), value))
    return found


def _meta(metas: list[tuple[str, str]], *names: str) -> tuple[str, str] | None:
    """The first value of any of ``names`` (case-insensitive), with the name as the page spells it."""
    wanted = {n.lower() for n in names}
    return next(((k, v) for k, v in metas if k.lower() in wanted), None)


def _json_ld(doc: Any) -> Iterator[dict[str, Any]]:
    for script in doc.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(_CDATA.sub("", script.text or ""))
        except (json.JSONDecodeError, RecursionError):
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        yield from (i for i in items if isinstance(i, dict))


def _creative_work(doc: Any) -> dict[str, Any]:
    """The JSON-LD item that describes the page's work (the first with a headline, a publication date or an
    author: a site's Organization or BreadcrumbList item says nothing about the document), with its author and
    publisher references (``{"@id": …}``, as in a ``@graph``) replaced by the items they name."""
    items = list(_json_ld(doc))
    work = next((i for i in items if {"headline", "datePublished", "author"} & i.keys()), {})
    named = {i["@id"]: i for i in items if isinstance(i.get("@id"), str) and i is not work}

    def resolved(value: Any) -> Any:
        if isinstance(value, list):
            return [resolved(v) for v in value]
        if isinstance(value, dict) and "name" not in value and isinstance(value.get("@id"), str):
            return named.get(value["@id"], value)
        return value

    return {**work, **{key: resolved(work[key]) for key in ("author", "publisher") if key in work}}


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return " ".join(value.split()) or None
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value"))
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


def _date(value: str | None) -> str | None:
    """A stated date as the record keeps it: the value itself when it is W3CDTF, else its day (or month, year)
    when it starts as one (``2024/03/03``, ``2024-03-03 09:00``); None when it is neither."""
    if not value:
        return None
    try:
        return parse_date(value)
    except IngestError:
        pass
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        return parse_date("-".join(p for p in match.groups() if p))
    except IngestError:
        return None


def _ld_agents(value: Any) -> list[dict[str, Any]]:
    """Typed schema.org agents (Person, Organization and its subtypes); an untyped name is left out."""
    items = value if isinstance(value, list) else [value]
    agents = []
    for item in items:
        if not isinstance(item, dict):
            continue
        kinds = item.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        name = _text(item.get("name"))
        kind = "person" if "Person" in kinds else "organization" if any(
            isinstance(k, str) and (k.endswith("Organization") or k in ("Corporation", "NewsMediaOrganization",
                                                                        "GovernmentOrganization", "NGO"))
            for k in kinds) else None
        if name and kind:
            agents.append({"name": name, "kind": kind, "role": "author"})
    return agents


def _named(names: list[str], publisher: str | None) -> list[dict[str, Any]]:
    """Author names from a source that does not type them: the page's publisher is an organization, the rest
    people (a citation or byline author is a person's name)."""
    seen: list[dict[str, Any]] = []
    for name in names:
        name = _BY.sub("", _CONTACT.sub(" ", " ".join(name.split()))).strip(" ,;|·")
        if name and not name.startswith(("http://", "https://")) and all(a["name"] != name for a in seen):
            same = publisher is not None and name.casefold() == publisher.casefold()
            seen.append({"name": name, "kind": "organization" if same else "person", "role": "author"})
    return seen


def _license(doc: Any) -> str | None:
    for href in doc.xpath("//link[@rel='license']/@href | //a[@rel='license']/@href"):
        href = href.strip()
        if href.startswith(("http://", "https://")):
            return str(href)
    return None


def _time_days(doc: Any) -> set[str]:
    """The days the page's date markup states: ``<time datetime>`` and microdata datePublished or dateCreated."""
    stated = doc.xpath("//time/@datetime | //*[@itemprop='datePublished' or @itemprop='dateCreated']/@content"
                       " | //*[@itemprop='datePublished' or @itemprop='dateCreated']/@datetime")
    return {day for day in (_date(str(v)) for v in stated) if day and len(day) >= 10}


def _htmldate(doc: Any) -> str | None:
    """The publication date htmldate chooses, when it is a day the page's ``<time>`` or microdata markup states
    (else that markup's day when it states only one): htmldate also reads dates from other elements (an infobox's
    founding date marked "published", say), which are not the page's."""
    from htmldate import find_date

    days = {day[:10] for day in _time_days(doc)}
    if not days:
        return None
    try:
        found = _date(find_date(doc, extensive_search=False, original_date=True, max_date=_MAX_DATE))
    except (ValueError, TypeError, RecursionError, etree.LxmlError):
        return None
    if found is not None and found[:10] in days:
        return found
    return next(iter(days)) if len(days) == 1 else None  # htmldate chose another date: the one stated day, if one


def _byline(doc: Any) -> list[str]:
    """Names trafilatura reads from the page's byline markup (``rel=author``, ``class=byline``…)."""
    from trafilatura.metadata import extract_author

    try:
        found = extract_author(doc)
    except (ValueError, TypeError, RecursionError, etree.LxmlError):
        return []
    return [n.strip() for n in (found or "").split(";") if n.strip()]


def describe_page(html: str, known: Collection[str] = ()) -> PageDescription:
    """What the page states about its dates, creators, description, rights and publisher (see the module);
    ``known`` names the fields the user gave, which the slower readers (htmldate, bylines) then skip."""
    page = PageDescription()
    try:
        doc = lxml.html.document_fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError):
        return page
    metas = _metas(doc)
    work = _creative_work(doc)

    def meta(name: str, *names: str) -> None:
        found = _meta(metas, *names)
        if found is not None:
            value = _date(found[1]) if name in ("issued", "created", "modified") else found[1]
            page.take(name, value, f"the page's <meta name={found[0]!r}>")

    def ld(name: str, key: str) -> None:
        value = _text(work.get(key))
        page.take(name, _date(value) if name in ("issued", "created", "modified") else value,
                  f"the page's schema.org JSON-LD {key}")

    meta("issued", "citation_publication_date", "citation_date", "citation_online_date")
    meta("issued", "dcterms.issued", "dc.date.issued", "dc.date", "dcterms.date")
    ld("issued", "datePublished")
    meta("issued", "article:published_time")
    meta("created", "dcterms.created", "dc.date.created")
    ld("created", "dateCreated")
    meta("modified", "dcterms.modified", "dc.date.modified")
    ld("modified", "dateModified")
    meta("modified", "article:modified_time", "og:updated_time")
    if "issued" not in page.values and "issued" not in known:
        page.take("issued", _htmldate(doc), "the page's <time> markup (the publication date as htmldate chose it)")

    meta("publisher", "citation_publisher", "dc.publisher", "dcterms.publisher")
    ld("publisher", "publisher")
    meta("publisher", "og:site_name")
    publisher = page.values.get("publisher")

    citation = [v for k, v in metas if k.lower() == "citation_author"]
    page.take("creators", _named(citation, publisher), "the page's <meta name='citation_author'>")
    page.take("creators", _ld_agents(work.get("author")), "the page's schema.org JSON-LD author")
    for names in (("dc.creator", "dcterms.creator"), ("author",), ("article:author",)):
        found = [(k, v) for k, v in metas if k.lower() in names]
        if found:
            page.take("creators", _named([v for _, v in found], publisher), f"the page's <meta name={found[0][0]!r}>")

    meta("description", "dc.description", "dcterms.abstract", "dcterms.description", "citation_abstract")
    meta("description", "description", "og:description")
    ld("description", "description")

    rights = _meta(metas, "dc.rights", "dcterms.rights", "dcterms.license")
    if rights is not None:
        is_uri = rights[1].startswith(("http://", "https://"))
        page.take("rights_uri" if is_uri else "rights", rights[1], f"the page's <meta name={rights[0]!r}>")
    page.take("rights_uri", _license(doc), "the page's rel=license link")
    ld_license = _text(work.get("license"))
    if ld_license and ld_license.startswith(("http://", "https://")):
        page.take("rights_uri", ld_license, "the page's schema.org JSON-LD license")
    page.take("rights", _text(work.get("copyrightNotice")), "the page's schema.org JSON-LD copyrightNotice")
    if "creators" not in page.values and "creators" not in known:  # last: trafilatura prunes the tree it reads
        page.take("creators", _named(_byline(doc), publisher), "the page's byline (read by trafilatura)")
    for name in [n for n, v in page.values.items() if not is_valid_value(n, v)]:
        del page.values[name], page.sources[name]  # e.g. a control character the record cannot hold
    return page


__all__ = ["PageDescription", "describe_page"]

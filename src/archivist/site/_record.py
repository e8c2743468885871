"""The record page's model: what a template shows of one record, every value still plain text (the templates
escape it), every link checked to be http or https, and the head's embedded metadata for harvesters."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..exporters.jsonld import document
from ._cite import citations
from ._formats import Download
from ._words import direction, is_web_link, publication_date, shorten, slug, summary

#: The embedded JSON-LD is the record's schema.org description without its text; past this many bytes the parts
#: that can be long (removed lines, events, files) are dropped too.
JSONLD_LIMIT = 16 * 1024
_HEAVY = ("objectOf", "associatedMedia", "about", "dcterms:description")
_LABELS = {"issued": "Issued", "created": "Created", "modified": "Modified", "collected": "Collected",
           "valid": "Valid", "available": "Available", "copyrighted": "Copyrighted", "accepted": "Accepted",
           "submitted": "Submitted", "captured": "Captured"}


@dataclass(frozen=True)
class Value:
    """One value shown: its text, a link when it is an http(s) URL, and its language when it is the record's."""

    text: str
    href: str | None = None
    lang: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Field:
    label: str
    values: list[Value]


@dataclass(frozen=True)
class Heading:
    """A section of the text: its heading (None for a lead) at an HTML heading level, and its paragraphs."""

    heading: str | None
    level: int
    paragraphs: list[str]


@dataclass(frozen=True)
class Link:
    """A typed link of the head (and of serve's Link header): FAIR Signposting, canonical, linkset."""

    rel: str
    href: str
    type: str | None = None
    profile: str | None = None


@dataclass
class RecordPage:
    id: str
    title: str
    lang: str
    dir: str
    description: str
    fields: list[Field]
    sections: list[Heading]
    provenance: list[Field]
    events: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    downloads: list[Download]
    meta: list[tuple[str, str]]
    properties: list[tuple[str, str]]
    links: list[Link]
    jsonld: str
    url: str | None = None
    citations: list[tuple[str, str]] = field(default_factory=list)


def _link(value: str, lang: str | None = None, note: str | None = None) -> Value:
    return Value(value, value if is_web_link(value) else None, lang, note)


def _fields(record: dict[str, Any], root: str) -> list[Field]:
    lang = record["language"]
    found = [Field("Title", [Value(record["title"], lang=lang)])]
    if record.get("alternative_titles"):
        found.append(Field("Other titles", [Value(t, lang=lang) for t in record["alternative_titles"]]))
    for key, label in (("creators", "Creators"), ("contributors", "Contributors")):
        if record.get(key):
            found.append(Field(label, [_link(a["uri"], note=a["name"]) if "uri" in a and is_web_link(a["uri"])
                                       else Value(a["name"]) for a in record[key]]))
    for date in record.get("dates", []):
        found.append(Field(_LABELS.get(date["type"], date["type"].title()), [Value(date["value"])]))
    source = record["source"]
    if "publisher" in source:
        found.append(Field("Publisher", [Value(source["publisher"])]))
    if "site_name" in source:
        found.append(Field("Web site", [Value(source["site_name"])]))
    if "page_title" in source:
        found.append(Field("Page title", [Value(source["page_title"], lang=lang)]))
    found.append(Field("Language", [Value(lang, f"{root}languages/{lang.lower()}/")]))
    found.append(Field("Type", [Value(record["type"])]))
    if record["subjects"]:
        found.append(Field("Subjects", [Value(s["term"], f"{root}subjects/{slug(s['term'])}/",
                                              note=s["scheme"].upper()) for s in record["subjects"]]))
    if "description" in record:
        found.append(Field("Description", [Value(record["description"], lang=lang)]))
    rights = record.get("rights", {})
    shown = [Value(rights["statement"])] if "statement" in rights else []
    shown += [_link(rights["uri"])] if "uri" in rights else []
    shown += [Value(rights["holder"], note="holder")] if "holder" in rights else []
    if shown:
        found.append(Field("Rights", shown))
    coverage = record.get("coverage", {})
    if coverage.get("spatial"):
        found.append(Field("Places", [Value(p) for p in coverage["spatial"]]))
    if coverage.get("temporal"):
        found.append(Field("Period", [Value(p) for p in coverage["temporal"]]))
    if record.get("relations"):
        found.append(Field("Related", [Value(r["target"], r["uri"] if is_web_link(r.get("uri", "")) else None,
                                             note=r["type"]) for r in record["relations"]]))
    if record.get("identifiers"):
        found.append(Field("Identifiers", [_link(i["value"], note=i["scheme"]) for i in record["identifiers"]]))
    return found


def _provenance(record: dict[str, Any]) -> list[Field]:
    retrieval = record["retrieval"]
    found = [Field("Original", [_link(record["source"]["url"], note="the page this record was made from")]),
             Field("Retrieved", [Value(retrieval["retrieved_at"], note="when this copy was taken, not when the "
                                                                        "page was published")]),
             Field("Method", [Value(retrieval["method"])])]
    if "agent" in retrieval:
        agent = retrieval["agent"]
        found.append(Field("Tool", [Value(f"{agent['name']} {agent.get('version', '')}".strip())]))
    found += [Field("Media type", [Value(retrieval["media_type"])]),
              Field("Size", [Value(f"{retrieval['byte_size']:,} bytes")]),
              Field("SHA-256", [Value(retrieval["sha256"])])]
    if "warc_record_id" in retrieval:
        found.append(Field("WARC record", [Value(retrieval["warc_record_id"])]))
    if record.get("notes"):
        found.append(Field("Notes", [Value(n) for n in record["notes"]]))
    return found


def _sections(record: dict[str, Any]) -> list[Heading]:
    """Sections with heading levels that never skip one (axe's heading order), under the page's h2 "Text"."""
    found = []
    depth = 2
    for section in record["content"]["sections"]:
        if section["heading"] is None:
            found.append(Heading(None, depth, section["paragraphs"]))
            continue
        depth = min(section.get("level", 1) + 2, depth + 1, 6)
        found.append(Heading(section["heading"], depth, section["paragraphs"]))
    return found


def script_json(value: Any) -> str:
    """JSON for inside a <script> element: ``<``, ``>`` and ``&`` escaped so no text in it can end the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def embedded_jsonld(record: dict[str, Any]) -> str:
    """The record's schema.org description (the ``jsonld`` export's graph) without its text and removed lines;
    past :data:`JSONLD_LIMIT` bytes without the long lists either: as the script element's text."""
    doc = document(record)
    doc.pop("hasPart", None)
    doc["encoding"].pop("schema:hasPart", None)
    for key in _HEAVY:
        text = script_json(doc)
        if len(text.encode("utf-8")) <= JSONLD_LIMIT:
            return text
        doc.pop(key, None)
    return script_json(doc)


def _head(record: dict[str, Any], site_name: str, url: str | None) -> tuple[list[tuple[str, str]],
                                                                           list[tuple[str, str]]]:
    """Highwire ``citation_*`` and Dublin Core ``<meta name>`` pairs, and OpenGraph ``<meta property>`` pairs.
    A date is given only when the record knows when the work appeared: never the retrieval date."""
    lang = record["language"]
    meta = [("citation_title", record["title"])]
    meta += [("citation_author", a["name"]) for a in record.get("creators", [])]
    published = publication_date(record)
    if published:
        meta.append(("citation_publication_date", published.replace("-", "/")))
    if "publisher" in record["source"]:
        meta.append(("citation_publisher", record["source"]["publisher"]))
    meta.append(("citation_language", lang))
    meta += [("citation_keywords", s["term"]) for s in record["subjects"]]
    meta.append(("DC.title", record["title"]))
    meta += [("DC.creator", a["name"]) for a in record.get("creators", [])]
    meta += [("DC.subject", s["term"]) for s in record["subjects"]]
    if "description" in record:
        meta.append(("DC.description", record["description"]))
    if "publisher" in record["source"]:
        meta.append(("DC.publisher", record["source"]["publisher"]))
    if published:
        meta.append(("DC.date", published))
    meta += [("DC.type", "webpage"), ("DC.language", lang), ("DC.identifier", url or f"urn:x-archivist:record:"
                                                                                  f"{record['id']}")]
    rights = record.get("rights", {})
    if "statement" in rights or "uri" in rights:
        meta.append(("DC.rights", rights.get("uri", rights.get("statement", ""))))
    og = [("og:type", "article"), ("og:title", record["title"]), ("og:site_name", site_name),
          ("og:description", summary(record))]
    if url:
        og.append(("og:url", url))
    return meta, og


def record_page(record: dict[str, Any], downloads: Sequence[Download], *, site_name: str, root: str,
                base_url: str | None, cite: bool = True) -> RecordPage:
    """The model of a record's page; ``root`` leads from the page to the site's root (``../../``), ``base_url``
    (absolute, ending in ``/``) is where the site is published, when known; ``cite`` adds the citation box."""
    lang = record["language"]
    url = f"{base_url}records/{record['id']}/" if base_url else None
    links = [Link("canonical", url)] if url else []
    if url:
        links.append(Link("cite-as", url))
    links.append(Link("type", "https://schema.org/WebPage"))
    if is_web_link(record.get("rights", {}).get("uri", "")):
        links.append(Link("license", record["rights"]["uri"]))
    for item in downloads:
        href = f"{base_url}records/{record['id']}/{item.name}" if base_url else item.name
        # the type without parameters: a hint (RFC 8288), and what Signposting readers accept
        links.append(Link(item.relation, href, item.media_type.split(";")[0].strip(), item.profile))
    if url:
        links.append(Link("linkset", f"{url}linkset.json", "application/linkset+json"))
    meta, og = _head(record, site_name, url)
    return RecordPage(
        id=record["id"], title=record["title"], lang=lang, dir=direction(lang),
        description=shorten(summary(record, 300), 300), fields=_fields(record, root), sections=_sections(record),
        provenance=_provenance(record), events=list(record.get("provenance", [])),
        removed=list(record.get("removed", [])), downloads=list(downloads), meta=meta, properties=og, links=links,
        jsonld=embedded_jsonld(record), url=url, citations=citations(record) if cite else [])

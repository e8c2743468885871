"""The record → Dublin Core crosswalk shared by the oai_dc and dcterms exporters.

``MAPPING`` is the table printed in docs/dublin-core.md; ``statements()`` applies it to a record. lxml is imported
only by the functions that build a tree, so that ``import archivist.exporters`` (the registry) does without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from .._constants import DC, DCTERMS, XML_DECLARATION, XML_HEAD, XSI
from ._base import Record
from ._identifiers import RECORD_URN_PREFIX, uri_form
from ._markup import Markup, attr

if TYPE_CHECKING:
    from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# (record field, simple DC element, qualified DC element)
MAPPING: tuple[tuple[str, str, str], ...] = (
    ("title", "dc:title", "dcterms:title"),
    ("alternative_titles[]", "dc:title", "dcterms:alternative"),
    ("source.page_title", "dc:title", "dcterms:alternative"),
    ("creators[].name", "dc:creator", "dcterms:creator"),
    ("contributors[].name", "dc:contributor", "dcterms:contributor"),
    ("subjects[].term", "dc:subject (dc:coverage for a geographic or chronological kind)",
     "dcterms:subject, or dcterms:spatial / dcterms:temporal by kind (xsi:type dcterms:LCSH for lcsh)"),
    ("subjects[].uri", "as its term", "as its term, xsi:type dcterms:URI"),
    ("description", "dc:description", "dcterms:abstract"),
    ("content.sections[].heading", "—", "dcterms:tableOfContents"),
    ("source.publisher", "dc:publisher", "dcterms:publisher"),
    ("dates[] (created, issued, modified, …)", "dc:date",
     "dcterms:created / issued / modified / valid / available / dateCopyrighted / dateAccepted / dateSubmitted / "
     "date (xsi:type dcterms:W3CDTF when the value is W3CDTF)"),
    ("type", "dc:type", "dcterms:type xsi:type dcterms:DCMIType"),
    ("retrieval.media_type", "dc:format", "dcterms:format xsi:type dcterms:IMT"),
    ("retrieval.byte_size", "—", "dcterms:extent"),
    ("id", "dc:identifier (urn:x-archivist:record:<id>)", "dcterms:identifier xsi:type dcterms:URI"),
    ("identifiers[].value", "dc:identifier (ISBN, ISSN as urn:isbn:/urn:issn:, DOI and handle as resolver URLs)",
     "dcterms:identifier (xsi:type dcterms:URI for those and uri, urn, ark)"),
    ("source.url", "dc:source", "dcterms:source xsi:type dcterms:URI"),
    ("language", "dc:language", "dcterms:language"),
    ("source.site_name", "dc:relation", "dcterms:isPartOf"),
    ("relations[]", "dc:relation", "dcterms:<type> (isPartOf, references, …)"),
    ("coverage.spatial[]", "dc:coverage", "dcterms:spatial"),
    ("coverage.temporal[]", "dc:coverage", "dcterms:temporal"),
    ("rights.statement", "dc:rights", "dcterms:rights"),
    ("rights.uri", "dc:rights", "dcterms:rights xsi:type dcterms:URI"),
    ("rights.holder", "dc:rights", "dcterms:rightsHolder"),
    ("retrieval (retrieved_at, method, sha256, agent, warc_record_id)", "—", "dcterms:provenance"),
    ("provenance[]", "—", "dcterms:provenance"),
    ("notes[]", "dc:description", "dcterms:provenance"),
)

_W3CDTF = re.compile(
    r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01])"
    r"(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d))?)?)?"
)

_DATE_ELEMENTS = {
    "created": "created", "issued": "issued", "modified": "modified", "valid": "valid",
    "available": "available", "copyrighted": "dateCopyrighted", "accepted": "dateAccepted",
    "submitted": "dateSubmitted",
}


def is_w3cdtf(value: str) -> bool:
    """True when the value is a W3CDTF date, as dcterms:W3CDTF (an XSD date/time union) accepts."""
    if not _W3CDTF.fullmatch(value):
        return False
    # xs:dateTime needs seconds: a time of hours and minutes alone is refused
    return "T" not in value or value.count(":") != 1 + (1 if value[-6:-5] in "+-" else 0)


class Statement(NamedTuple):
    """One DC element to write: namespace, local name, text, optional xml:lang and xsi:type."""

    ns: str
    name: str
    value: str
    lang: str | None = None
    xsi_type: str | None = None


def retrieval_summary(record: dict[str, Any]) -> str:
    r = record["retrieval"]
    parts = [f"Retrieved {r['retrieved_at']} from {record['source']['url']} by {r['method']}",
             f"{r['media_type']}, {r['byte_size']} bytes, SHA-256 {r['sha256']}"]
    if "agent" in r:
        parts.append("agent " + " ".join(filter(None, [r["agent"]["name"], r["agent"].get("version")])))
    if "warc_record_id" in r:
        parts.append(f"WARC-Record-ID {r['warc_record_id']}")
    return "; ".join(parts) + "."


def event_text(event: dict[str, Any]) -> str:
    text = f"{event['at']}: {event['action']} by {event['agent']}"
    return text + (f" ({event['note']})" if "note" in event else "")


#: Heading kinds that are a place or a time: spatial / temporal coverage in DC, not subject (LC's MARC-to-DC
#: crosswalk maps 651 to coverage); every other kind is dc:subject.
_SUBJECT_ELEMENTS = {"geographic": ("coverage", "spatial"), "chronological": ("coverage", "temporal")}


def _subject_statements(subject: dict[str, Any], qualified: bool) -> Iterator[Statement]:
    """One subject as DC: its label (typed dcterms:LCSH for LCSH) and its URI, in the element its kind calls for."""
    q = DCTERMS if qualified else DC
    simple, refined = _SUBJECT_ELEMENTS.get(subject.get("kind", ""), ("subject", "subject"))
    name = refined if qualified else simple
    lcsh = qualified and subject["scheme"] == "lcsh"
    yield Statement(q, name, subject["term"], xsi_type="dcterms:LCSH" if lcsh else None)
    if "uri" in subject:
        yield Statement(q, name, subject["uri"], xsi_type="dcterms:URI" if qualified else None)


def statements(record: dict[str, Any], qualified: bool) -> Iterator[Statement]:
    """The DC statements for a record, in a fixed order (simple DC when not ``qualified``), each once: simple DC
    folds distinct fields into one element (a place heading and the same place in coverage are both dc:coverage),
    and a repeated identical element says nothing more."""
    seen: set[Statement] = set()
    for statement in _all_statements(record, qualified):
        if statement not in seen:
            seen.add(statement)
            yield statement


Statements = Iterator[Statement]


def _titles(record: Record, q: str, qualified: bool) -> Statements:
    """The title, then alternative titles and the page's own title (dcterms:alternative; simple DC repeats title)."""
    lang = record["language"]
    yield Statement(q, "title", record["title"], lang)
    alternatives = [*record.get("alternative_titles", [])]
    if "page_title" in record["source"]:
        alternatives.append(record["source"]["page_title"])
    for alt in alternatives:
        yield Statement(q, "alternative" if qualified else "title", alt, lang)


def _agents(record: Record, q: str, qualified: bool) -> Statements:
    """Creators, then contributors, by name."""
    for element in ("creator", "contributor"):
        for agent in record.get(f"{element}s", []):
            yield Statement(q, element, agent["name"])


def _subjects(record: Record, q: str, qualified: bool) -> Statements:
    """Each subject heading in the element its kind calls for (see :func:`_subject_statements`)."""
    for subject in record.get("subjects", []):
        yield from _subject_statements(subject, qualified)


def _description(record: Record, q: str, qualified: bool) -> Statements:
    """The abstract, and the section headings as the table of contents (qualified) or the notes (simple DC)."""
    lang = record["language"]
    if "description" in record:
        yield Statement(q, "abstract" if qualified else "description", record["description"], lang)
    if qualified:
        headings = [s["heading"] for s in record["content"]["sections"] if s["heading"] is not None]
        if headings:
            yield Statement(q, "tableOfContents", " -- ".join(headings), lang)
    else:
        for note in record.get("notes", []):
            yield Statement(q, "description", note)


def _publisher(record: Record, q: str, qualified: bool) -> Statements:
    """The publisher the source names."""
    if "publisher" in record["source"]:
        yield Statement(q, "publisher", record["source"]["publisher"])


def _dates(record: Record, q: str, qualified: bool) -> Statements:
    """Each date in its refinement (qualified; typed W3CDTF when it is one) or as dc:date."""
    for date in record.get("dates", []):
        value = date["value"]
        name = _DATE_ELEMENTS.get(date["type"], "date") if qualified else "date"
        yield Statement(q, name, value, xsi_type="dcterms:W3CDTF" if qualified and is_w3cdtf(value) else None)


def _form(record: Record, q: str, qualified: bool) -> Statements:
    """The DCMI type, the capture's media type and (qualified) its size."""
    yield Statement(q, "type", record["type"], xsi_type="dcterms:DCMIType" if qualified else None)
    yield Statement(q, "format", record["retrieval"]["media_type"], xsi_type="dcterms:IMT" if qualified else None)
    if qualified:
        yield Statement(q, "extent", f"{record['retrieval']['byte_size']} bytes")


def _identity(record: Record, q: str, qualified: bool) -> Statements:
    """identifier: the archived document's own id and identifiers; source: the page it was captured from; the
    language."""
    uri_type = "dcterms:URI" if qualified else None
    yield Statement(q, "identifier", RECORD_URN_PREFIX + record["id"], xsi_type=uri_type)
    for value, is_uri in dict.fromkeys(uri_form(i) for i in record.get("identifiers", [])):
        yield Statement(q, "identifier", value, xsi_type=uri_type if is_uri else None)
    yield Statement(q, "source", record["source"]["url"], xsi_type=uri_type)
    yield Statement(q, "language", record["language"])


def _relations(record: Record, q: str, qualified: bool) -> Statements:
    """The site the page is part of, then each relation (its URI, then its label)."""
    uri_type = "dcterms:URI" if qualified else None
    if "site_name" in record["source"]:
        yield Statement(q, "isPartOf" if qualified else "relation", record["source"]["site_name"])
    for relation in record.get("relations", []):
        name = relation["type"] if qualified else "relation"
        if "uri" in relation:
            yield Statement(q, name, relation["uri"], xsi_type=uri_type)
        yield Statement(q, name, relation["target"])


def _coverage(record: Record, q: str, qualified: bool) -> Statements:
    """Places (spatial) and periods (temporal; typed W3CDTF when one is a date)."""
    coverage = record.get("coverage", {})
    for place in coverage.get("spatial", []):
        yield Statement(q, "spatial" if qualified else "coverage", place)
    for period in coverage.get("temporal", []):
        typed = "dcterms:W3CDTF" if qualified and is_w3cdtf(period) else None
        yield Statement(q, "temporal" if qualified else "coverage", period, xsi_type=typed)


def _rights(record: Record, q: str, qualified: bool) -> Statements:
    """The rights statement, its URI and the holder (dcterms:rightsHolder; simple DC folds it into rights)."""
    rights = record.get("rights", {})
    if "statement" in rights:
        yield Statement(q, "rights", rights["statement"])
    if "uri" in rights:
        yield Statement(q, "rights", rights["uri"], xsi_type="dcterms:URI" if qualified else None)
    if "holder" in rights:
        yield Statement(q, "rightsHolder" if qualified else "rights", rights["holder"])


def _provenance(record: Record, q: str, qualified: bool) -> Statements:
    """Qualified DC only: the retrieval, each provenance event and the notes, as dcterms:provenance."""
    if qualified:
        yield Statement(q, "provenance", retrieval_summary(record))
        for event in record.get("provenance", []):
            yield Statement(q, "provenance", event_text(event))
        for note in record.get("notes", []):
            yield Statement(q, "provenance", note)


#: The crosswalk's parts in the order their statements are written (the order is part of the output's bytes).
_PARTS: tuple[Callable[[Record, str, bool], Statements], ...] = (
    _titles, _agents, _subjects, _description, _publisher, _dates, _form, _identity, _relations, _coverage, _rights,
    _provenance,
)


def _all_statements(record: Record, qualified: bool) -> Statements:
    """Every DC statement of the record, part by part (:data:`_PARTS`), repeats included."""
    q = DCTERMS if qualified else DC
    for part in _PARTS:
        yield from part(record, q, qualified)


def append_statements(parent: etree._Element, items: Iterator[Statement]) -> None:
    """Append one element per statement to ``parent``."""
    from lxml import etree

    for item in items:
        element = etree.SubElement(parent, f"{{{item.ns}}}{item.name}")
        element.text = item.value
        if item.lang:
            element.set(XML_LANG, item.lang)
        if item.xsi_type:
            element.set(f"{{{XSI}}}type", item.xsi_type)


def container(tag: str, nsmap: dict[str | None, str], schema_location: str, record: dict[str, Any],
              qualified: bool) -> etree._Element:
    """A root element carrying xsi:schemaLocation and one child per DC statement of the record."""
    from lxml import etree

    root = etree.Element(tag, nsmap=nsmap)  # type: ignore[arg-type]  # lxml-stubs types nsmap keys as str; lxml takes None for the default namespace
    root.set(f"{{{XSI}}}schemaLocation", schema_location)
    append_statements(root, statements(record, qualified=qualified))
    return root


def serialize(root: etree._Element) -> bytes:
    """UTF-8 XML with a declaration, indented, ending in a newline: byte-identical for equal trees."""
    from lxml import etree

    etree.indent(root, space="  ")
    return XML_HEAD + etree.tostring(root, encoding="UTF-8", pretty_print=True)


_PREFIXES = {DC: "dc", DCTERMS: "dcterms"}


def document(tag: str, namespaces: str, schema_location: str, record: dict[str, Any], qualified: bool) -> bytes:
    """What ``serialize(container(...))`` gives for the same record, written as text (the faster way).

    ``tag`` and ``namespaces`` are as written: a prefixed name and its ``xmlns`` attributes, dc, dcterms
    and xsi included."""
    doc = Markup(XML_DECLARATION)
    write(doc, tag, namespaces, schema_location, record, qualified)
    return doc.data()


def write(doc: Markup, tag: str, namespaces: str, schema_location: str, record: dict[str, Any],
          qualified: bool) -> None:
    """The container and its statements written where ``doc`` stands (a document, or a METS dmdSec)."""
    doc.start(tag, namespaces + attr("xsi:schemaLocation", schema_location))
    for item in statements(record, qualified=qualified):
        attrs = attr("xml:lang", item.lang) if item.lang else ""
        if item.xsi_type:
            attrs += attr("xsi:type", item.xsi_type)
        doc.leaf(f"{_PREFIXES[item.ns]}:{item.name}", item.value, attrs)
    doc.end()

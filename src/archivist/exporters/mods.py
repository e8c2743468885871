"""MODS 3.8, mapped as the Library of Congress maps MARC and Dublin Core to MODS, so MODS, MARCXML and DC agree.

``MAPPING`` is the table docs/preservation.md prints. Typed headings become ``subject`` with the element their kind
calls for (as MARC 6XX does) and subdivisions as ordered children; coverage becomes ``subject/geographic`` and
``subject/temporal`` (LoC's DC-to-MODS mapping). Nothing is invented: no record creation date, no authority for a
keyword, no URI that the record does not give.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._constants import XML_DECLARATION, XML_HEAD, XSI
from ..records import main_heading
from ._base import Exporter, Record
from ._dc import is_w3cdtf
from ._identifiers import RECORD_URN_PREFIX, bare, uri_form
from ._markup import Markup, attr

MODS = "http://www.loc.gov/mods/v3"
XLINK = "http://www.w3.org/1999/xlink"
MODS_XSD = "http://www.loc.gov/standards/mods/v3/mods-3-8.xsd"
SCHEMA_LOCATION = f"{MODS} {MODS_XSD}"
NSMAP = {"mods": MODS, "xlink": XLINK, "xsi": XSI}

MAPPING: tuple[tuple[str, str], ...] = (
    ("title", "titleInfo/title"),
    ("alternative_titles[], source.page_title", "titleInfo[@type=alternative]/title"),
    ("creators[], contributors[]", "name[@type=personal|corporate]/namePart, role/roleTerm (the role, else "
     "creator / contributor)"),
    ("type", "typeOfResource (Text → text, StillImage/Image → still image, …); genre[@authority=dct] otherwise"),
    ("source.publisher", "originInfo/publisher"),
    ("dates[]", "originInfo/dateCreated, dateIssued, dateModified, copyrightDate, dateValid, dateCaptured, "
     "dateOther[@type] (encoding w3cdtf or edtf)"),
    ("retrieval.retrieved_at", "originInfo/dateCaptured[@encoding=w3cdtf] (the day only when only the day is known)"),
    ("language", "language/languageTerm[@type=code][@authority=rfc5646]"),
    ("retrieval.media_type, retrieval.byte_size", "physicalDescription/internetMediaType, extent"),
    ("description", "abstract"),
    ("content.sections[].heading", "tableOfContents (headings joined by ' -- ', as MARC 505)"),
    ("notes[]", "note"),
    ("subjects[] with kind", "subject[@authority][@valueURI] with topic / name[@type] / geographic / temporal / "
     "genre / titleInfo, subdivisions as ordered topic / genre / temporal / geographic children"),
    ("subjects[] keyword or local without kind", "subject/topic (no authority)"),
    ("coverage.spatial[], coverage.temporal[]", "subject/geographic, subject/temporal"),
    ("id", "identifier[@type=uri] urn:x-archivist:record:<id>, recordInfo/recordIdentifier"),
    ("identifiers[]", "identifier[@type] (isbn, issn, doi, hdl, lccn, oclc, ark, urn, uri, local)"),
    ("source.url", "location/url[@usage=primary]"),
    ("source.site_name", "relatedItem[@type=host]/titleInfo/title"),
    ("relations[]", "relatedItem[@type] (host, constituent, otherVersion, otherFormat, references, "
     "isReferencedBy, original, preceding, succeeding) with titleInfo and xlink:href"),
    ("rights.statement, rights.uri, rights.holder", "accessCondition[@type='use and reproduction'] (xlink:href for "
     "the URI)"),
    ("retrieval, provenance[]", "recordInfo/recordOrigin"),
)

#: DCMI type → MODS typeOfResource (LoC's DC-to-MODS mapping); the rest are a genre from the DCMI vocabulary.
RESOURCE_TYPES = {"Text": "text", "StillImage": "still image", "Image": "still image", "MovingImage": "moving image",
                  "Sound": "sound recording", "Software": "software, multimedia",
                  "InteractiveResource": "software, multimedia", "Dataset": "software, multimedia",
                  "PhysicalObject": "three dimensional object"}
#: Record date type → originInfo element.
DATE_ELEMENTS = {"created": "dateCreated", "issued": "dateIssued", "modified": "dateModified",
                 "copyrighted": "copyrightDate", "valid": "dateValid", "captured": "dateCaptured"}
#: Heading kind → the subject child that holds the main heading.
KIND_ELEMENTS = {"topical": "topic", "geographic": "geographic", "chronological": "temporal", "genre-form": "genre",
                 "personal-name": "name", "corporate-name": "name", "meeting-name": "name",
                 "uniform-title": "titleInfo"}
NAME_TYPES = {"personal-name": "personal", "corporate-name": "corporate", "meeting-name": "conference"}
SUBDIVISION_ELEMENTS = {"general": "topic", "form": "genre", "chronological": "temporal", "geographic": "geographic"}
#: Scheme → MODS @authority (LoC's subject heading source codes) and the authority's URI.
AUTHORITIES = {"lcsh": ("lcsh", "http://id.loc.gov/authorities/subjects"),
               "fast": ("fast", "http://id.worldcat.org/fast"), "aat": ("aat", "http://vocab.getty.edu/aat"),
               "wikidata": ("wikidata", "http://www.wikidata.org/entity")}
#: Identifier scheme → identifier/@type (LoC's standard identifier source codes where one exists).
IDENTIFIER_TYPES = {"handle": "hdl"}
#: Relation type → relatedItem/@type (DC-to-MODS: dc:relation refinements); others have no type.
RELATED_TYPES = {"isPartOf": "host", "hasPart": "constituent", "isVersionOf": "otherVersion",
                 "hasVersion": "otherVersion", "isFormatOf": "otherFormat", "hasFormat": "otherFormat",
                 "references": "references", "isReferencedBy": "isReferencedBy", "source": "original",
                 "replaces": "preceding", "isReplacedBy": "succeeding"}


def _leaf(doc: Markup, name: str, value: str, attrs: str = "") -> None:
    doc.leaf(f"mods:{name}", value, attrs)


def _start(doc: Markup, name: str, attrs: str = "") -> None:
    doc.start(f"mods:{name}", attrs)


_ENCODINGS = {name: attr("encoding", name) for name in ("w3cdtf", "edtf")}
_USE_AND_REPRODUCTION = attr("type", "use and reproduction")
_TYPE_TEXT = attr("type", "text")
_LANGUAGE_CODE = attr("type", "code") + attr("authority", "rfc5646")
_AUTHORITY_ATTRS = {scheme: attr("authority", code) + attr("authorityURI", uri)
                    for scheme, (code, uri) in AUTHORITIES.items()}


def _date_encoding(value: str) -> str:
    """The ``encoding`` attribute of a date."""
    return _ENCODINGS["w3cdtf" if is_w3cdtf(value) else "edtf"]


def _subjects(doc: Markup, record: Record) -> None:
    """The record's subjects as MODS ``subject`` elements: each heading (in order), then the coverage."""
    for subject in record["subjects"]:
        _heading(doc, subject)
    coverage = record.get("coverage", {})
    for place in coverage.get("spatial", []):
        _start(doc, "subject")
        _leaf(doc, "geographic", place)
        doc.end()
    for period in coverage.get("temporal", []):
        _start(doc, "subject")
        _leaf(doc, "temporal", period, _date_encoding(period))
        doc.end()


def _heading(doc: Markup, subject: dict[str, Any]) -> None:
    """One typed heading: its main heading in the element its kind calls for, then its subdivisions in order."""
    scheme, kind = subject["scheme"], subject.get("kind")
    attrs = _AUTHORITY_ATTRS.get(scheme, "")
    if "uri" in subject:
        attrs += attr("valueURI", subject["uri"])
    _start(doc, "subject", attrs)
    main = main_heading(subject)
    child = KIND_ELEMENTS.get(kind or "topical", "topic")
    if child in ("name", "titleInfo"):
        _start(doc, child, attr("type", NAME_TYPES[kind or ""]) if child == "name" else "")
        _leaf(doc, "namePart" if child == "name" else "title", main)
        doc.end()
    else:
        _leaf(doc, child, main)
    for subdivision in subject.get("subdivisions", []):
        _leaf(doc, SUBDIVISION_ELEMENTS[subdivision["type"]], subdivision["term"].strip())
    doc.end()


def _names(doc: Markup, record: Record) -> None:
    for field, default in (("creators", "creator"), ("contributors", "contributor")):
        for agent in record.get(field, []):
            attrs = attr("type", "personal" if agent["kind"] == "person" else "corporate")
            if "uri" in agent:
                attrs += attr("valueURI", agent["uri"])
            _start(doc, "name", attrs)
            _leaf(doc, "namePart", agent["name"])
            _start(doc, "role")
            _leaf(doc, "roleTerm", agent.get("role") or default, _TYPE_TEXT)
            doc.end()
            doc.end()


def _origin(doc: Markup, record: Record) -> None:
    _start(doc, "originInfo")
    if "publisher" in record["source"]:
        _leaf(doc, "publisher", record["source"]["publisher"])
    for date in record.get("dates", []):
        value = date["value"]
        name = DATE_ELEMENTS.get(date["type"], "dateOther")
        attrs = _date_encoding(value)
        if name == "dateOther":
            attrs += attr("type", date["type"])
        _leaf(doc, name, value, attrs)
    captured = record["retrieval"]["retrieved_at"]
    if not any(d["type"] == "captured" and d["value"] == captured for d in record.get("dates", [])):
        _leaf(doc, "dateCaptured", captured, _ENCODINGS["w3cdtf"])
    doc.end()


def _identifiers(doc: Markup, record: Record) -> None:
    _leaf(doc, "identifier", RECORD_URN_PREFIX + record["id"], attr("type", "uri"))
    for identifier in record.get("identifiers", []):
        scheme = identifier["scheme"]
        value = uri_form(identifier)[0] if scheme in ("uri", "urn", "ark") else bare(scheme, identifier["value"])
        _leaf(doc, "identifier", value, attr("type", IDENTIFIER_TYPES.get(scheme, scheme)))


def _titled(doc: Markup, title: str, attrs: str) -> None:
    """A relatedItem holding one title."""
    _start(doc, "relatedItem", attrs)
    _start(doc, "titleInfo")
    _leaf(doc, "title", title)
    doc.end()
    doc.end()


def _related(doc: Markup, record: Record) -> None:
    if "site_name" in record["source"]:
        _titled(doc, record["source"]["site_name"], attr("type", "host"))
    for relation in record.get("relations", []):
        attrs = attr("type", RELATED_TYPES[relation["type"]]) if relation["type"] in RELATED_TYPES else ""
        if "uri" in relation:
            attrs += attr("xlink:href", relation["uri"])
        _titled(doc, relation["target"], attrs)


def _rights(doc: Markup, record: Record) -> None:
    rights = record.get("rights", {})
    if "statement" in rights or "uri" in rights:
        attrs = _USE_AND_REPRODUCTION
        if "uri" in rights:
            attrs += attr("xlink:href", rights["uri"])
        _leaf(doc, "accessCondition", rights.get("statement", rights.get("uri", "")), attrs)
    if "holder" in rights:
        _leaf(doc, "accessCondition", f"Rights holder: {rights['holder']}", _USE_AND_REPRODUCTION)


_NAMESPACES = "".join(attr(f"xmlns:{prefix}", uri) for prefix, uri in NSMAP.items())


def write(doc: Markup, record: Record, schema_location: bool = True) -> None:
    """Write the ``mods:mods`` element of a record where ``doc`` stands (a document of its own, a collection, or a
    METS dmdSec), declaring its namespaces and, when ``schema_location``, naming MODS 3.8's schema."""
    lang = record["language"]
    location = attr("xsi:schemaLocation", SCHEMA_LOCATION) if schema_location else ""
    doc.start("mods:mods", _NAMESPACES + attr("version", "3.8") + location)
    in_lang = attr("xml:lang", lang)
    _start(doc, "titleInfo", in_lang)
    _leaf(doc, "title", record["title"])
    doc.end()
    for alt in record.get("alternative_titles", []) + [record["source"][k] for k in ("page_title",)
                                                        if k in record["source"]]:
        _start(doc, "titleInfo", attr("type", "alternative") + in_lang)
        _leaf(doc, "title", alt)
        doc.end()
    _names(doc, record)
    if record["type"] in RESOURCE_TYPES:
        _leaf(doc, "typeOfResource", RESOURCE_TYPES[record["type"]])
    else:
        _leaf(doc, "genre", record["type"], attr("authority", "dct"))
    _origin(doc, record)
    _start(doc, "language")
    _leaf(doc, "languageTerm", lang, _LANGUAGE_CODE)
    doc.end()
    _start(doc, "physicalDescription")
    _leaf(doc, "internetMediaType", record["retrieval"]["media_type"])
    _leaf(doc, "extent", f"{record['retrieval']['byte_size']} bytes")
    doc.end()
    if "description" in record:
        _leaf(doc, "abstract", record["description"], in_lang)
    headings = [s["heading"] for s in record["content"]["sections"] if s["heading"] is not None]
    if headings:
        _leaf(doc, "tableOfContents", " -- ".join(headings), in_lang)
    for note in record.get("notes", []):
        _leaf(doc, "note", note)
    _subjects(doc, record)
    _related(doc, record)
    _identifiers(doc, record)
    _start(doc, "location")
    _leaf(doc, "url", record["source"]["url"], attr("usage", "primary"))
    doc.end()
    _rights(doc, record)
    _start(doc, "recordInfo")
    _leaf(doc, "recordIdentifier", record["id"], attr("source", "archivist"))
    _leaf(doc, "recordOrigin", f"Converted from archivist record (schema {record['schema_version']}) by archivist.")
    doc.end()
    doc.end()


def export(record: Record) -> bytes:
    """The record as a MODS 3.8 document."""
    doc = Markup(XML_DECLARATION)
    write(doc, record)
    return doc.data()


COLLECTION_HEAD = (f'<mods:modsCollection xmlns:mods="{MODS}" xmlns:xlink="{XLINK}" xmlns:xsi="{XSI}" '
                   f'xsi:schemaLocation="{SCHEMA_LOCATION}">\n').encode()
COLLECTION_TAIL = b"</mods:modsCollection>\n"


def collection_entry(record: Record) -> bytes:
    """One record's ``mods:mods`` as it stands in a ``modsCollection``."""
    doc = Markup("", inside=("mods:modsCollection",))
    write(doc, record, schema_location=False)
    return doc.fragment().lstrip(b"\n")


def collection(records: Iterable[Record]) -> bytes:
    """Records as one ``modsCollection`` document (the ``mods-collection`` package streams the same bytes)."""
    return XML_HEAD + COLLECTION_HEAD + b"".join(collection_entry(record) for record in records) + COLLECTION_TAIL


EXPORTER = Exporter(
    name="mods",
    extension=".mods.xml",
    media_type="application/mods+xml",
    description="MODS 3.8 (LoC MARC-to-MODS and DC-to-MODS mappings, typed subject headings)",
    export=export,
)

__all__ = ["EXPORTER", "MAPPING", "collection", "collection_entry", "export", "write"]

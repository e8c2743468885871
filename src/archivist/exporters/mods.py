"""MODS 3.8, mapped as the Library of Congress maps MARC and Dublin Core to MODS, so MODS, MARCXML and DC agree.

``MAPPING`` is the table docs/preservation.md prints. Typed headings become ``subject`` with the element their kind
calls for (as MARC 6XX does) and subdivisions as ordered children; coverage becomes ``subject/geographic`` and
``subject/temporal`` (LoC's DC-to-MODS mapping). Nothing is invented: no record creation date, no authority for a
keyword, no URI that the record does not give.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from .._constants import XML_HEAD, XSI
from ..records import main_heading
from ._base import Exporter, Record
from ._dc import is_w3cdtf, serialize
from ._identifiers import RECORD_URN_PREFIX, bare, uri_form

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


_QUALIFIED = {"xlink_href": f"{{{XLINK}}}href", "xml_lang": "{http://www.w3.org/XML/1998/namespace}lang"}


def _m(name: str) -> str:
    return f"{{{MODS}}}{name}"


def _add(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, _m(name), {_QUALIFIED.get(k, k): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _date_encoding(value: str) -> str:
    return "w3cdtf" if is_w3cdtf(value) else "edtf"


def subject_elements(record: Record) -> Iterator[etree._Element]:
    """The record's subjects as MODS ``subject`` elements: each heading (in order), then the coverage."""
    for subject in record["subjects"]:
        yield heading_subject(subject)
    coverage = record.get("coverage", {})
    for place in coverage.get("spatial", []):
        element = etree.Element(_m("subject"))
        _add(element, "geographic", place)
        yield element
    for period in coverage.get("temporal", []):
        element = etree.Element(_m("subject"))
        _add(element, "temporal", period, encoding=_date_encoding(period))
        yield element


def heading_subject(subject: dict[str, Any]) -> etree._Element:
    """One typed heading: its main heading in the element its kind calls for, then its subdivisions in order."""
    element = etree.Element(_m("subject"))
    scheme, kind = subject["scheme"], subject.get("kind")
    if scheme in AUTHORITIES:
        code, authority_uri = AUTHORITIES[scheme]
        element.set("authority", code)
        element.set("authorityURI", authority_uri)
    if "uri" in subject:
        element.set("valueURI", subject["uri"])
    main = main_heading(subject)
    child = KIND_ELEMENTS.get(kind or "topical", "topic")
    if child == "name":
        name = _add(element, "name", type=NAME_TYPES[kind or ""])
        _add(name, "namePart", main)
    elif child == "titleInfo":
        _add(_add(element, "titleInfo"), "title", main)
    else:
        _add(element, child, main)
    for subdivision in subject.get("subdivisions", []):
        _add(element, SUBDIVISION_ELEMENTS[subdivision["type"]], subdivision["term"].strip())
    return element


def _names(root: etree._Element, record: Record) -> None:
    for field, default in (("creators", "creator"), ("contributors", "contributor")):
        for agent in record.get(field, []):
            attrs = {"type": "personal" if agent["kind"] == "person" else "corporate"}
            if "uri" in agent:
                attrs["valueURI"] = agent["uri"]
            name = _add(root, "name", **attrs)
            _add(name, "namePart", agent["name"])
            role = _add(name, "role")
            _add(role, "roleTerm", agent.get("role") or default, type="text")


def _origin(root: etree._Element, record: Record) -> None:
    origin = _add(root, "originInfo")
    if "publisher" in record["source"]:
        _add(origin, "publisher", record["source"]["publisher"])
    for date in record.get("dates", []):
        value = date["value"]
        name = DATE_ELEMENTS.get(date["type"], "dateOther")
        attrs = {"encoding": _date_encoding(value)}
        if name == "dateOther":
            attrs["type"] = date["type"]
        _add(origin, name, value, **attrs)
    captured = record["retrieval"]["retrieved_at"]
    if not any(d["type"] == "captured" and d["value"] == captured for d in record.get("dates", [])):
        _add(origin, "dateCaptured", captured, encoding="w3cdtf")


def _identifiers(root: etree._Element, record: Record) -> None:
    _add(root, "identifier", RECORD_URN_PREFIX + record["id"], type="uri")
    for identifier in record.get("identifiers", []):
        scheme = identifier["scheme"]
        value = uri_form(identifier)[0] if scheme in ("uri", "urn", "ark") else bare(scheme, identifier["value"])
        _add(root, "identifier", value, type=IDENTIFIER_TYPES.get(scheme, scheme))


def _related(root: etree._Element, record: Record) -> None:
    if "site_name" in record["source"]:
        _add(_add(_add(root, "relatedItem", type="host"), "titleInfo"), "title", record["source"]["site_name"])
    for relation in record.get("relations", []):
        attrs = {"type": RELATED_TYPES[relation["type"]]} if relation["type"] in RELATED_TYPES else {}
        if "uri" in relation:
            attrs["xlink_href"] = relation["uri"]
        item = _add(root, "relatedItem", **attrs)
        _add(_add(item, "titleInfo"), "title", relation["target"])


def _rights(root: etree._Element, record: Record) -> None:
    rights = record.get("rights", {})
    if "statement" in rights or "uri" in rights:
        attrs = {"type": "use and reproduction"}
        if "uri" in rights:
            attrs["xlink_href"] = rights["uri"]
        _add(root, "accessCondition", rights.get("statement", rights.get("uri")), **attrs)
    if "holder" in rights:
        _add(root, "accessCondition", f"Rights holder: {rights['holder']}", type="use and reproduction")


def element(record: Record) -> etree._Element:
    """The ``mods:mods`` element for a record (also embedded in METS)."""
    lang = record["language"]
    root = etree.Element(_m("mods"), nsmap=NSMAP, version="3.8")
    title = _add(root, "titleInfo", xml_lang=lang)
    _add(title, "title", record["title"])
    for alt in record.get("alternative_titles", []) + [record["source"][k] for k in ("page_title",)
                                                        if k in record["source"]]:
        _add(_add(root, "titleInfo", type="alternative", xml_lang=lang), "title", alt)
    _names(root, record)
    if record["type"] in RESOURCE_TYPES:
        _add(root, "typeOfResource", RESOURCE_TYPES[record["type"]])
    else:
        _add(root, "genre", record["type"], authority="dct")
    _origin(root, record)
    language = _add(root, "language")
    _add(language, "languageTerm", lang, type="code", authority="rfc5646")
    physical = _add(root, "physicalDescription")
    _add(physical, "internetMediaType", record["retrieval"]["media_type"])
    _add(physical, "extent", f"{record['retrieval']['byte_size']} bytes")
    if "description" in record:
        _add(root, "abstract", record["description"], xml_lang=lang)
    headings = [s["heading"] for s in record["content"]["sections"] if s["heading"] is not None]
    if headings:
        _add(root, "tableOfContents", " -- ".join(headings), xml_lang=lang)
    for note in record.get("notes", []):
        _add(root, "note", note)
    root.extend(subject_elements(record))
    _related(root, record)
    _identifiers(root, record)
    location = _add(root, "location")
    _add(location, "url", record["source"]["url"], usage="primary")
    _rights(root, record)
    info = _add(root, "recordInfo")
    _add(info, "recordIdentifier", record["id"], source="archivist")
    _add(info, "recordOrigin", f"Converted from archivist record (schema {record['schema_version']}) by archivist.")
    return root


def export(record: Record) -> bytes:
    """The record as a MODS 3.8 document."""
    root = element(record)
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    return serialize(root)


COLLECTION_HEAD = (f'<mods:modsCollection xmlns:mods="{MODS}" xmlns:xlink="{XLINK}" xmlns:xsi="{XSI}" '
                   f'xsi:schemaLocation="{SCHEMA_LOCATION}">\n').encode()
COLLECTION_TAIL = b"</mods:modsCollection>\n"


def collection_entry(record: Record) -> bytes:
    """One record's ``mods:mods`` as it stands in a ``modsCollection``."""
    root = element(record)
    etree.indent(root, space="  ", level=1)
    return b"  " + etree.tostring(root, encoding="UTF-8").strip() + b"\n"


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

__all__ = ["EXPORTER", "MAPPING", "collection", "collection_entry", "element", "export", "heading_subject",
           "subject_elements"]

"""DataCite Metadata Schema 4.6 XML, one ``resource`` per record: creators, titles, subjects with their scheme URIs,
typed dates, rights, related and alternate identifiers, each from the record field of the same meaning.

Nothing is invented for the properties DataCite requires. ``identifier`` is the record's DOI, or else the record's
own URN (``identifierType="URN"``: the schema takes any type; a DOI is minted by registering, not written here).
Without creators, ``creatorName`` is DataCite's standard value ``(:unav)``; without a publisher, ``publisher`` is
``(:unav)`` too. ``publicationYear`` (four digits, no standard value allowed) is the year of the record's ``issued``
date, else of its ``available`` date, else of the capture, the earliest year the archived copy can have been made
available, and a description says so; ``Issued`` is written only from the record's own issued date.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from .._constants import XSI
from ._base import Exporter, Record
from ._citation import date_parts, name, role
from ._identifiers import RECORD_URN_PREFIX, bare

DATACITE = "http://datacite.org/schema/kernel-4"
SCHEMA_LOCATION = f"{DATACITE} http://schema.datacite.org/meta/kernel-4.6/metadata.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
UNAVAILABLE = "(:unav)"

#: DCMI type → DataCite resourceTypeGeneral (every DCMI type has one of the same name or meaning).
RESOURCE_TYPES = {"Collection": "Collection", "Dataset": "Dataset", "Event": "Event", "Image": "Image",
                  "InteractiveResource": "InteractiveResource", "MovingImage": "Audiovisual",
                  "PhysicalObject": "PhysicalObject", "Service": "Service", "Software": "Software",
                  "Sound": "Sound", "StillImage": "Image", "Text": "Text"}

#: Subject scheme → (subjectScheme, schemeURI), as InvenioRDM writes its vocabularies' schemes.
SUBJECT_SCHEMES = {"lcsh": ("LCSH", "http://id.loc.gov/authorities/subjects"),
                   "fast": ("FAST", "http://id.worldcat.org/fast"),
                   "wikidata": ("Wikidata", "http://www.wikidata.org/entity/"),
                   "aat": ("AAT", "http://vocab.getty.edu/aat/")}

#: Record date type → DataCite dateType.
DATE_TYPES = {"created": "Created", "issued": "Issued", "modified": "Updated", "collected": "Collected",
              "valid": "Valid", "available": "Available", "copyrighted": "Copyrighted", "accepted": "Accepted",
              "submitted": "Submitted", "captured": "Collected"}

#: Record relation → DataCite relationType; ``relation`` and ``conformsTo`` have none in 4.6 and are left out.
RELATION_TYPES = {"isPartOf": "IsPartOf", "hasPart": "HasPart", "isVersionOf": "IsVersionOf",
                  "hasVersion": "HasVersion", "isFormatOf": "IsVariantFormOf", "hasFormat": "HasVariantForm",
                  "references": "References", "isReferencedBy": "IsReferencedBy", "replaces": "Obsoletes",
                  "isReplacedBy": "IsObsoletedBy", "requires": "Requires", "isRequiredBy": "IsRequiredBy",
                  "source": "IsDerivedFrom"}

#: Record identifier scheme → DataCite alternateIdentifierType.
IDENTIFIER_TYPES = {"uri": "URL", "handle": "Handle", "ark": "ARK", "urn": "URN", "isbn": "ISBN", "issn": "ISSN",
                    "oclc": "OCLC", "lccn": "LCCN", "local": "local", "doi": "DOI"}

_CONTRIBUTOR_TYPES = {"editor": "Editor", "translator": "Translator"}


def _uri_type(uri: str) -> str | None:
    """The relatedIdentifierType of a record URI (http(s), urn:, doi:, hdl:, ark:), or None (info:)."""
    scheme = uri.split(":", 1)[0].lower()
    return {"http": "URL", "https": "URL", "urn": "URN", "doi": "DOI", "hdl": "Handle", "ark": "ARK"}.get(scheme)


def publication_year(record: Record) -> tuple[str, bool]:
    """The publicationYear and whether it is the capture's year (the record gives no issued or available year)."""
    for kind in ("issued", "available"):
        for date in record.get("dates", []):
            parts = date_parts(date["value"]) if date["type"] == kind else None
            if parts and 1000 <= parts[0].ymd[0] <= 9999:
                return f"{parts[0].ymd[0]:04d}", False
    return record["retrieval"]["retrieved_at"][:4], True


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{DATACITE}}}{tag}", {k: v for k, v in attributes.items() if v})
    if text is not None:
        element.text = text
    return element


def _agent(parent: etree._Element, tag: str, agent: dict[str, Any], **attributes: str) -> None:
    node = _sub(parent, tag, **attributes)
    split = name(agent)
    kind = "Personal" if agent["kind"] == "person" else "Organizational"
    prefix = "creator" if tag == "creator" else "contributor"
    _sub(node, f"{prefix}Name", split.literal, nameType=kind)
    if split.family and split.given:
        _sub(node, "givenName", split.given)
        _sub(node, "familyName", split.family)


def element(record: Record) -> etree._Element:
    """The DataCite ``resource`` element for a record."""
    lang = record["language"]
    source = record["source"]
    nsmap: dict[str | None, str] = {None: DATACITE, "xsi": XSI}
    root = etree.Element(f"{{{DATACITE}}}resource", nsmap=nsmap)  # type: ignore[arg-type]  # None: the default
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    identifiers = record.get("identifiers", [])
    doi = next((bare("doi", i["value"]) for i in identifiers if i["scheme"] == "doi"), None)
    if doi is not None:
        _sub(root, "identifier", doi, identifierType="DOI")
    else:
        _sub(root, "identifier", RECORD_URN_PREFIX + record["id"], identifierType="URN")
    creators = _sub(root, "creators")
    for agent in record.get("creators", []):
        _agent(creators, "creator", agent)
    if not record.get("creators"):
        _sub(_sub(creators, "creator"), "creatorName", UNAVAILABLE)
    titles = _sub(root, "titles")
    _sub(titles, "title", record["title"]).set(XML_LANG, lang)
    for title in record.get("alternative_titles", []):
        _sub(titles, "title", title, titleType="AlternativeTitle").set(XML_LANG, lang)
    _sub(root, "publisher", source.get("publisher", UNAVAILABLE))
    year, from_capture = publication_year(record)
    _sub(root, "publicationYear", year)
    _sub(root, "resourceType", "Web page", resourceTypeGeneral=RESOURCE_TYPES[record["type"]])
    if record["subjects"]:
        subjects = _sub(root, "subjects")
        for subject in record["subjects"]:
            scheme, scheme_uri = SUBJECT_SCHEMES.get(subject["scheme"], ("", ""))
            node = _sub(subjects, "subject", subject["term"], subjectScheme=scheme, schemeURI=scheme_uri,
                        valueURI=subject.get("uri", ""))
            node.set(XML_LANG, lang)
    contributors = [(a, _CONTRIBUTOR_TYPES.get(role(a), "Other")) for a in record.get("contributors", [])]
    if contributors:
        parent = _sub(root, "contributors")
        for agent, kind in contributors:
            _agent(parent, "contributor", agent, contributorType=kind)
    dates = _sub(root, "dates")
    for date in record.get("dates", []):
        _sub(dates, "date", date["value"], dateType=DATE_TYPES[date["type"]])
    _sub(dates, "date", record["retrieval"]["retrieved_at"], dateType="Collected",
         dateInformation=f"capture retrieved ({record['retrieval']['method']})")
    _sub(root, "language", lang)
    others = [i for i in identifiers if i["scheme"] != "doi" or bare("doi", i["value"]) != doi]
    if others:
        parent = _sub(root, "alternateIdentifiers")
        for identifier in others:
            _sub(parent, "alternateIdentifier", bare(identifier["scheme"], identifier["value"]),
                 alternateIdentifierType=IDENTIFIER_TYPES[identifier["scheme"]])
    related = _sub(root, "relatedIdentifiers")
    _sub(related, "relatedIdentifier", source["url"], relatedIdentifierType="URL", relationType="IsDerivedFrom")
    for relation in record.get("relations", []):
        relation_type = RELATION_TYPES.get(relation["type"])
        uri_type = _uri_type(relation["uri"]) if "uri" in relation else None
        if relation_type and uri_type:
            _sub(related, "relatedIdentifier", relation["uri"], relatedIdentifierType=uri_type,
                 relationType=relation_type)
    formats = _sub(root, "formats")
    _sub(formats, "format", record["retrieval"]["media_type"])
    _sub(_sub(root, "sizes"), "size", f"{record['retrieval']['byte_size']} bytes")
    rights = record.get("rights", {})
    if "statement" in rights or "uri" in rights:
        rights_list = _sub(root, "rightsList")
        _sub(rights_list, "rights", rights.get("statement", rights.get("uri")), rightsURI=rights.get("uri", ""))
    notes = list(record.get("notes", []))
    if from_capture:
        notes.append(f"publicationYear is the year of the capture ({year}): the record gives no date of "
                     "publication, so this is the earliest year the archived copy can have been made available.")
    if "description" in record or notes:
        descriptions = _sub(root, "descriptions")
        if "description" in record:
            _sub(descriptions, "description", record["description"], descriptionType="Abstract").set(XML_LANG, lang)
        for note in notes:
            _sub(descriptions, "description", note, descriptionType="Other")
    return root


def export(record: Record) -> bytes:
    """The record as a DataCite 4.6 XML document, UTF-8, indented."""
    return etree.tostring(element(record), xml_declaration=True, encoding="UTF-8", pretty_print=True)


EXPORTER = Exporter(
    name="datacite",
    extension=".datacite.xml",
    media_type="application/vnd.datacite.datacite+xml",
    description="DataCite Metadata Schema 4.6 XML",
    export=export,
)

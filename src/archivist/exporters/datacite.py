"""DataCite Metadata Schema 4.6 XML, one ``resource`` per record, mapped as InvenioRDM's DataCite serializer does
where the two models meet: creators with ``nameType`` and given/family names only where known; contributors typed by
role; titles and descriptions with their types; a subject's scheme where it has one and ``valueURI`` where it has a
URI; typed dates; the first DOI as ``identifier`` and other identifiers (never another DOI) as alternates; related
identifiers only of the types DataCite knows; rights with ``rightsURI``.

Nothing is invented for the properties DataCite requires. ``identifier`` is the record's DOI, or else the record's
own URN (``identifierType="URN"``: the schema takes any type; a DOI is minted by registering, not written here).
Without creators, ``creatorName`` is DataCite's standard value ``(:unav)``; without a publisher, ``publisher`` is
``(:unav)`` too. ``publicationYear`` (four digits, no standard value allowed) is the year of the record's ``issued``
date, else of its ``available`` date, else of the capture, the earliest year the archived copy can have been made
available, and a description says so; ``Issued`` is written only from the record's own issued date.
"""

from __future__ import annotations

from typing import Any

from .._constants import XML_DECLARATION, XSI
from ._base import Exporter, Record
from ._citation import date_parts, name, role
from ._identifiers import RECORD_URN_PREFIX, bare
from ._markup import Markup, attr

DATACITE = "http://datacite.org/schema/kernel-4"
SCHEMA_LOCATION = f"{DATACITE} http://schema.datacite.org/meta/kernel-4.6/metadata.xsd"
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
                    "oclc": "OCLC", "lccn": "LCCN", "local": "local"}

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


_NAMESPACES = attr("xmlns", DATACITE) + attr("xmlns:xsi", XSI) + attr("xsi:schemaLocation", SCHEMA_LOCATION)


def _attrs(attributes: dict[str, str]) -> str:
    """The attributes that have a value, in order (as the schema's optional attributes are left out when empty)."""
    return "".join(attr(key, value) for key, value in attributes.items() if value)


def _agent(doc: Markup, tag: str, agent: dict[str, Any], attributes: str = "") -> None:
    doc.start(tag, attributes)
    split = name(agent)
    kind = "Personal" if agent["kind"] == "person" else "Organizational"
    doc.leaf(f"{tag}Name", split.literal, attr("nameType", kind))
    if split.family and split.given:
        doc.leaf("givenName", split.given)
        doc.leaf("familyName", split.family)
    doc.end()


def write(doc: Markup, record: Record) -> None:
    """The DataCite ``resource`` element of a record, written where ``doc`` stands."""
    lang = record["language"]
    in_lang = attr("xml:lang", lang)
    source = record["source"]
    doc.start("resource", _NAMESPACES)
    identifiers = record.get("identifiers", [])
    doi = next((bare("doi", i["value"]) for i in identifiers if i["scheme"] == "doi"), None)
    if doi is not None:
        doc.leaf("identifier", doi, attr("identifierType", "DOI"))
    else:
        doc.leaf("identifier", RECORD_URN_PREFIX + record["id"], attr("identifierType", "URN"))
    doc.start("creators")
    for agent in record.get("creators", []):
        _agent(doc, "creator", agent)
    if not record.get("creators"):
        doc.start("creator")
        doc.leaf("creatorName", UNAVAILABLE)
        doc.end()
    doc.end()
    doc.start("titles")
    doc.leaf("title", record["title"], in_lang)
    for title in record.get("alternative_titles", []):
        doc.leaf("title", title, attr("titleType", "AlternativeTitle") + in_lang)
    doc.end()
    doc.leaf("publisher", source.get("publisher", UNAVAILABLE))
    year, from_capture = publication_year(record)
    doc.leaf("publicationYear", year)
    doc.leaf("resourceType", "Web page", attr("resourceTypeGeneral", RESOURCE_TYPES[record["type"]]))
    if record["subjects"]:
        doc.start("subjects")
        for subject in record["subjects"]:
            scheme, scheme_uri = SUBJECT_SCHEMES.get(subject["scheme"], ("", ""))
            doc.leaf("subject", subject["term"], _attrs({"subjectScheme": scheme, "schemeURI": scheme_uri,
                                                         "valueURI": subject.get("uri", "")}) + in_lang)
        doc.end()
    contributors = [(a, _CONTRIBUTOR_TYPES.get(role(a), "Other")) for a in record.get("contributors", [])]
    if contributors:
        doc.start("contributors")
        for agent, kind in contributors:
            _agent(doc, "contributor", agent, attr("contributorType", kind))
        doc.end()
    doc.start("dates")
    for date in record.get("dates", []):
        doc.leaf("date", date["value"], attr("dateType", DATE_TYPES[date["type"]]))
    doc.leaf("date", record["retrieval"]["retrieved_at"], attr("dateType", "Collected")
             + attr("dateInformation", f"capture retrieved ({record['retrieval']['method']})"))
    doc.end()
    doc.leaf("language", lang)
    others = [i for i in identifiers if i["scheme"] != "doi"]  # DataCite takes only the registered DOI, as InvenioRDM
    if others:
        doc.start("alternateIdentifiers")
        for identifier in others:
            doc.leaf("alternateIdentifier", bare(identifier["scheme"], identifier["value"]),
                     attr("alternateIdentifierType", IDENTIFIER_TYPES[identifier["scheme"]]))
        doc.end()
    doc.start("relatedIdentifiers")
    doc.leaf("relatedIdentifier", source["url"], attr("relatedIdentifierType", "URL")
             + attr("relationType", "IsDerivedFrom"))
    for relation in record.get("relations", []):
        relation_type = RELATION_TYPES.get(relation["type"])
        uri_type = _uri_type(relation["uri"]) if "uri" in relation else None
        if relation_type and uri_type:
            doc.leaf("relatedIdentifier", relation["uri"], attr("relatedIdentifierType", uri_type)
                     + attr("relationType", relation_type))
    doc.end()
    doc.start("formats")
    doc.leaf("format", record["retrieval"]["media_type"])
    doc.end()
    doc.start("sizes")
    doc.leaf("size", f"{record['retrieval']['byte_size']} bytes")
    doc.end()
    rights = record.get("rights", {})
    if "statement" in rights or "uri" in rights:
        doc.start("rightsList")
        doc.leaf("rights", rights.get("statement", rights.get("uri")), _attrs({"rightsURI": rights.get("uri", "")}))
        doc.end()
    notes = list(record.get("notes", []))
    if from_capture:
        notes.append(f"publicationYear is the year of the capture ({year}): the record gives no date of "
                     "publication, so this is the earliest year the archived copy can have been made available.")
    if "description" in record or notes:
        doc.start("descriptions")
        if "description" in record:
            doc.leaf("description", record["description"], attr("descriptionType", "Abstract") + in_lang)
        for note in notes:
            doc.leaf("description", note, attr("descriptionType", "Other"))
        doc.end()
    doc.end()


def export(record: Record) -> bytes:
    """The record as a DataCite 4.6 XML document, UTF-8, indented (written as text: as lxml would write it)."""
    doc = Markup(XML_DECLARATION)
    write(doc, record)
    return doc.data()


EXPORTER = Exporter(
    name="datacite",
    extension=".datacite.xml",
    media_type="application/vnd.datacite.datacite+xml",
    description="DataCite Metadata Schema 4.6 XML",
    export=export,
)

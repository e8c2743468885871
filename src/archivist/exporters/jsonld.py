"""JSON-LD (schema.org plus DCMI terms) with its context embedded, and the way back to a record.

Every record field has a place in the graph, so :func:`import_record` rebuilds the record exactly.
Lists whose order matters are JSON-LD lists; fields with no schema.org or DCMI home use the
``arch:`` vocabulary (``urn:x-archivist:vocab:``).
"""

from __future__ import annotations

import json
from typing import Any

from .._errors import ArchivistError
from .._jsonout import indented
from ._base import Exporter, Record

ID_PREFIX = "urn:x-archivist:record:"

CONTEXT: dict[str, Any] = {
    "@version": 1.1,
    "@vocab": "https://schema.org/",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "spdx": "http://spdx.org/rdf/terms#",
    "prov": "http://www.w3.org/ns/prov#",
    "arch": "urn:x-archivist:vocab:",
    "alternateName": {"@id": "schema:alternateName", "@container": "@list"},
    "about": {"@id": "schema:about", "@container": "@list"},
    "keywords": {"@id": "schema:keywords", "@container": "@list"},
    "creator": {"@id": "schema:creator", "@container": "@list"},
    "contributor": {"@id": "schema:contributor", "@container": "@list"},
    "identifier": {"@id": "schema:identifier", "@container": "@list"},
    "hasPart": {"@id": "schema:hasPart", "@container": "@list"},
    "spatialCoverage": {"@id": "schema:spatialCoverage", "@container": "@list"},
    "temporalCoverage": {"@id": "schema:temporalCoverage", "@container": "@list"},
    "associatedMedia": {"@id": "schema:associatedMedia", "@container": "@list"},
    "isBasedOn": {"@id": "schema:isBasedOn", "@type": "@id"},
    "url": {"@id": "schema:url", "@type": "@id"},
    "dcterms:type": {"@type": "@id"},
    "dcterms:rights": {"@type": "@id"},
    "dcterms:provenance": {"@container": "@list"},
    "arch:dates": {"@container": "@list"},
    "arch:notes": {"@container": "@list"},
    "arch:paragraphs": {"@container": "@list"},
    "arch:removed": {"@container": "@list"},
    "arch:relations": {"@container": "@list"},
    "arch:level": {"@type": "xsd:integer"},
    "arch:line": {"@type": "xsd:integer"},
    "contentSize": {"@id": "schema:contentSize", "@type": "xsd:integer"},
    "spdx:algorithm": {"@type": "@id"},
}

SCHEME_SETS = {
    "lcsh": "http://id.loc.gov/authorities/subjects",
    "fast": "http://id.worldcat.org/fast",
    "wikidata": "http://www.wikidata.org/entity/",
    "aat": "http://vocab.getty.edu/aat/",
    "local": "urn:x-archivist:scheme:local",
    "keyword": "urn:x-archivist:scheme:keyword",
}
_SCHEME_BY_SET = {v: k for k, v in SCHEME_SETS.items()}

_DATE_PROPERTIES = {"created": "dateCreated", "issued": "datePublished", "modified": "dateModified"}


def _lang(value: str, lang: str) -> dict[str, str]:
    return {"@value": value, "@language": lang}


def _stamp(value: str) -> dict[str, str]:
    return {"@value": value, "@type": "xsd:dateTime" if "T" in value else "xsd:date"}


def _checksum(hexdigest: str) -> dict[str, Any]:
    return {"@type": "spdx:Checksum", "spdx:algorithm": "spdx:checksumAlgorithm_sha256", "spdx:checksumValue": hexdigest}


def _agent(agent: dict[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "Person" if agent["kind"] == "person" else "Organization", "name": agent["name"]}
    if "uri" in agent:
        node["@id"] = agent["uri"]
    if "role" in agent:
        node["roleName"] = agent["role"]
    return node


def _subject(subject: dict[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "DefinedTerm", "name": subject["term"],
                            "inDefinedTermSet": {"@id": SCHEME_SETS[subject["scheme"]]}}
    if "uri" in subject:
        node["@id"] = subject["uri"]
    return node


def _section(section: dict[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "WebPageElement"}
    if section["heading"] is not None:
        node["name"] = section["heading"]
    if "level" in section:
        node["arch:level"] = section["level"]
    node["arch:paragraphs"] = list(section["paragraphs"])
    if section["paragraphs"]:
        node["text"] = "\n\n".join(section["paragraphs"])
    return node


def _retrieval(record: Record) -> dict[str, Any]:
    r = record["retrieval"]
    node: dict[str, Any] = {
        "@type": "prov:Activity",
        "arch:method": r["method"],
        "prov:endedAtTime": _stamp(r["retrieved_at"]),
        "encodingFormat": r["media_type"],
        "contentSize": r["byte_size"],
        "spdx:checksum": _checksum(r["sha256"]),
    }
    if "agent" in r:
        agent = {"@type": "SoftwareApplication", "name": r["agent"]["name"]}
        if "version" in r["agent"]:
            agent["softwareVersion"] = r["agent"]["version"]
        node["prov:wasAssociatedWith"] = agent
    if "warc_record_id" in r:
        node["arch:warcRecordId"] = r["warc_record_id"]
    return node


def document(record: Record) -> dict[str, Any]:
    """The JSON-LD document (a dict) for a record."""
    lang = record["language"]
    source = record["source"]
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": ID_PREFIX + record["id"],
        "@type": "WebPage",
        "identifier": [{"@type": "PropertyValue", "propertyID": "archivist", "value": record["id"]}]
        + [{"@type": "PropertyValue", "propertyID": i["scheme"], "value": i["value"]} for i in record.get("identifiers", [])],
        "schemaVersion": record["schema_version"],
        "name": _lang(record["title"], lang),
    }
    if "alternative_titles" in record:
        doc["alternateName"] = [_lang(t, lang) for t in record["alternative_titles"]]
    doc["inLanguage"] = lang
    doc["dcterms:type"] = "dcmitype:" + record["type"]
    doc["url"] = source["url"]
    doc["isBasedOn"] = source["url"]
    if "page_title" in source:
        doc["headline"] = _lang(source["page_title"], lang)
    if "publisher" in source:
        doc["publisher"] = {"@type": "Organization", "name": source["publisher"]}
    if "site_name" in source:
        doc["isPartOf"] = {"@type": "WebSite", "name": source["site_name"]}
    doc["sdDatePublished"] = _stamp(record["retrieval"]["retrieved_at"])
    doc["arch:retrieval"] = _retrieval(record)
    doc["about"] = [_subject(s) for s in record["subjects"]]
    keywords = [s["term"] for s in record["subjects"] if s["scheme"] == "keyword"]
    if keywords:
        doc["keywords"] = keywords
    for key in ("creators", "contributors"):
        if key in record:
            doc[key[:-1]] = [_agent(a) for a in record[key]]
    if "dates" in record:
        doc["arch:dates"] = [{"arch:dateType": d["type"], "arch:value": d["value"]} for d in record["dates"]]
        for d in record["dates"]:
            if d["type"] in _DATE_PROPERTIES:
                doc.setdefault(_DATE_PROPERTIES[d["type"]], d["value"])
    if "description" in record:
        doc["description"] = _lang(record["description"], lang)
    rights = record.get("rights")
    if rights:
        doc["arch:rights"] = {k: v for k, v in rights.items() if k != "uri"}
        if "statement" in rights:
            doc["copyrightNotice"] = rights["statement"]
        if "uri" in rights:
            doc["dcterms:rights"] = rights["uri"]
        if "holder" in rights:
            doc["copyrightHolder"] = {"name": rights["holder"]}
    coverage = record.get("coverage")
    if coverage is not None:
        doc["arch:coverage"] = {"arch:present": sorted(coverage)}
        if "spatial" in coverage:
            doc["spatialCoverage"] = [{"@type": "Place", "name": p} for p in coverage["spatial"]]
        if "temporal" in coverage:
            doc["temporalCoverage"] = list(coverage["temporal"])
    if "relations" in record:
        doc["arch:relations"] = [
            {"arch:relationType": r["type"], "name": r["target"], **({"url": r["uri"]} if "uri" in r else {})}
            for r in record["relations"]
        ]
    if "notes" in record:
        doc["arch:notes"] = list(record["notes"])
    doc["hasPart"] = [_section(s) for s in record["content"]["sections"]]
    if "removed" in record:
        doc["arch:removed"] = [
            {"text": r["text"], **({"arch:line": r["line"]} if "line" in r else {}),
             **({"arch:rule": r["rule"]} if "rule" in r else {}),
             **({"arch:element": r["element"]} if "element" in r else {})}
            for r in record["removed"]
        ]
    if "files" in record:
        doc["associatedMedia"] = [
            {"@type": "MediaObject", "arch:path": f["path"], "encodingFormat": f["media_type"],
             "contentSize": f["byte_size"], "spdx:checksum": _checksum(f["sha256"]),
             **({"arch:role": f["role"]} if "role" in f else {})}
            for f in record["files"]
        ]
    if "provenance" in record:
        doc["dcterms:provenance"] = [
            {"@type": "prov:Activity", "name": e["action"], "prov:atTime": _stamp(e["at"]),
             "prov:wasAssociatedWith": {"name": e["agent"]}, **({"description": e["note"]} if "note" in e else {})}
            for e in record["provenance"]
        ]
    return doc


def export(record: Record) -> bytes:
    """The record as a JSON-LD document: UTF-8, indented, keys in a fixed order."""
    return indented(document(record))


def _value(node: Any) -> Any:
    return node["@value"] if isinstance(node, dict) and "@value" in node else node


def import_record(data: bytes | str | dict[str, Any]) -> Record:
    """Rebuild the record from a JSON-LD document written by :func:`export`."""
    doc = json.loads(data) if isinstance(data, (bytes, str)) else data
    if doc.get("@context") != CONTEXT:
        raise ArchivistError("not an archivist JSON-LD document: its @context differs from archivist's")
    ids = doc["identifier"]
    record: Record = {"id": ids[0]["value"], "schema_version": doc["schemaVersion"], "title": _value(doc["name"])}
    if "alternateName" in doc:
        record["alternative_titles"] = [_value(t) for t in doc["alternateName"]]
    record["language"] = doc["inLanguage"]
    record["type"] = doc["dcterms:type"].removeprefix("dcmitype:")
    source: dict[str, Any] = {"url": doc["url"]}
    if "publisher" in doc:
        source["publisher"] = doc["publisher"]["name"]
    if "isPartOf" in doc:
        source["site_name"] = doc["isPartOf"]["name"]
    if "headline" in doc:
        source["page_title"] = _value(doc["headline"])
    record["source"] = source
    r = doc["arch:retrieval"]
    retrieval: dict[str, Any] = {
        "retrieved_at": _value(r["prov:endedAtTime"]), "method": r["arch:method"],
        "sha256": r["spdx:checksum"]["spdx:checksumValue"], "media_type": r["encodingFormat"],
        "byte_size": r["contentSize"],
    }
    if "prov:wasAssociatedWith" in r:
        agent = r["prov:wasAssociatedWith"]
        retrieval["agent"] = {"name": agent["name"], **({"version": agent["softwareVersion"]} if "softwareVersion" in agent else {})}
    if "arch:warcRecordId" in r:
        retrieval["warc_record_id"] = r["arch:warcRecordId"]
    record["retrieval"] = retrieval
    record["subjects"] = [
        {"term": s["name"], "scheme": _SCHEME_BY_SET[s["inDefinedTermSet"]["@id"]], **({"uri": s["@id"]} if "@id" in s else {})}
        for s in doc["about"]
    ]
    for key in ("creator", "contributor"):
        if key in doc:
            record[key + "s"] = [
                {"name": a["name"], "kind": "person" if a["@type"] == "Person" else "organization",
                 **({"role": a["roleName"]} if "roleName" in a else {}), **({"uri": a["@id"]} if "@id" in a else {})}
                for a in doc[key]
            ]
    if "arch:dates" in doc:
        record["dates"] = [{"type": d["arch:dateType"], "value": d["arch:value"]} for d in doc["arch:dates"]]
    if "description" in doc:
        record["description"] = _value(doc["description"])
    if "arch:rights" in doc:
        rights = dict(doc["arch:rights"])
        if "dcterms:rights" in doc:
            rights["uri"] = doc["dcterms:rights"]
        record["rights"] = rights
    if "arch:coverage" in doc:
        coverage: dict[str, Any] = {}
        present = doc["arch:coverage"]["arch:present"]
        if "spatial" in present:
            coverage["spatial"] = [p["name"] for p in doc.get("spatialCoverage", [])]
        if "temporal" in present:
            coverage["temporal"] = list(doc.get("temporalCoverage", []))
        record["coverage"] = coverage
    if "arch:relations" in doc:
        record["relations"] = [
            {"type": r["arch:relationType"], "target": r["name"], **({"uri": r["url"]} if "url" in r else {})}
            for r in doc["arch:relations"]
        ]
    if len(ids) > 1:
        record["identifiers"] = [{"scheme": i["propertyID"], "value": i["value"]} for i in ids[1:]]
    if "arch:notes" in doc:
        record["notes"] = list(doc["arch:notes"])
    sections = []
    for part in doc["hasPart"]:
        section: dict[str, Any] = {"heading": part.get("name")}
        if "arch:level" in part:
            section["level"] = part["arch:level"]
        section["paragraphs"] = list(part["arch:paragraphs"])
        sections.append(section)
    record["content"] = {"sections": sections}
    if "arch:removed" in doc:
        record["removed"] = [
            {"text": r["text"], **({"line": r["arch:line"]} if "arch:line" in r else {}),
             **({"rule": r["arch:rule"]} if "arch:rule" in r else {}),
             **({"element": r["arch:element"]} if "arch:element" in r else {})}
            for r in doc["arch:removed"]
        ]
    if "associatedMedia" in doc:
        record["files"] = [
            {"path": f["arch:path"], "media_type": f["encodingFormat"], "byte_size": f["contentSize"],
             "sha256": f["spdx:checksum"]["spdx:checksumValue"], **({"role": f["arch:role"]} if "arch:role" in f else {})}
            for f in doc["associatedMedia"]
        ]
    if "dcterms:provenance" in doc:
        record["provenance"] = [
            {"action": e["name"], "at": _value(e["prov:atTime"]), "agent": e["prov:wasAssociatedWith"]["name"],
             **({"note": e["description"]} if "description" in e else {})}
            for e in doc["dcterms:provenance"]
        ]
    return record


EXPORTER = Exporter(
    name="jsonld",
    extension=".jsonld",
    media_type="application/ld+json",
    description="JSON-LD (schema.org + DCMI terms, context embedded)",
    export=export,
)

"""JSON-LD (schema.org plus DCMI terms) with its context embedded, and the way back to a record.

Every record field has a place in the graph, in schema.org and DCMI terms only (tests check each term against the
schema.org release and DCMI's schema), and every text once. Nodes have an ``@id`` where they have a URI of their own,
and the record's parts (sections, paragraphs, credits, the capture, its removed lines, events) get one under the
record's (``urn:x-archivist:record:<id>#section-1``…). Where order is meaning (sections, paragraphs, creators,
titles) the graph holds an RDF list, and only of distinct IRIs or unique titles: a list of blank nodes or repeated
values costs RDF canonicalization (RDFC-1.0) more than implementations allow by default. :func:`import_record` rebuilds
the record exactly: where one record list is spread over several properties (dates, relations) each value's
``@index`` (which JSON-LD keeps out of the graph) gives its place.
"""

from __future__ import annotations

import json
from typing import Any

from .._errors import ArchivistError
from .._jsonout import indented
from ._base import Exporter, Record
from ._identifiers import RECORD_URN_PREFIX

CONTEXT: dict[str, Any] = {
    "@version": 1.1,
    "@vocab": "https://schema.org/",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "alternateName": {"@id": "schema:alternateName", "@container": "@list"},
    "creator": {"@id": "schema:creator", "@container": "@list"},
    "contributor": {"@id": "schema:contributor", "@container": "@list"},
    "hasPart": {"@id": "schema:hasPart", "@container": "@list"},
    "isBasedOn": {"@id": "schema:isBasedOn", "@type": "@id"},
    "objectOf": {"@reverse": "schema:object"},
    "resultOf": {"@reverse": "schema:result"},
    "dcterms:type": {"@type": "@id"},
    "dcterms:rights": {"@type": "@id"},
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

#: DCMI's property for each record date type; the types DCMI has no property for (collected, captured) use dcterms:date.
_DATE_TERMS = {"created": "dcterms:created", "issued": "dcterms:issued", "modified": "dcterms:modified",
               "valid": "dcterms:valid", "available": "dcterms:available", "copyrighted": "dcterms:dateCopyrighted",
               "accepted": "dcterms:dateAccepted", "submitted": "dcterms:dateSubmitted"}
_RELATION_TYPES = ("relation", "isPartOf", "hasPart", "isVersionOf", "hasVersion", "isFormatOf", "hasFormat",
                   "references", "isReferencedBy", "replaces", "isReplacedBy", "requires", "isRequiredBy",
                   "conformsTo", "source")


def _lang(value: str, lang: str) -> dict[str, str]:
    return {"@value": value, "@language": lang}


def _stamp(value: str) -> dict[str, str]:
    return {"@value": value, "@type": "xsd:dateTime" if "T" in value else "xsd:date"}


def _agent(agent: dict[str, Any], prop: str, credit: str) -> dict[str, Any]:
    """A Person or Organization (``@id``: its URI, else ``credit``, the IRI of this credit in the record); with a role,
    wrapped in a schema:Role (``@id`` ``credit``) that names it, as schema.org's Role pattern does."""
    kind = "Person" if agent["kind"] == "person" else "Organization"
    if "role" in agent:
        node = {"@type": kind, "name": agent["name"], **({"@id": agent["uri"]} if "uri" in agent else {})}
        return {"@id": credit, "@type": "Role", "roleName": agent["role"], f"schema:{prop}": node}
    return {"@id": agent.get("uri", credit), "@type": kind, "name": agent["name"]}


#: Prefix of the additionalType IRI that names a heading's subdivision types, in order (one IRI, so that a list
#: with a type repeated, such as general, general, is not needed).
_SUBDIVISIONS = "urn:x-archivist:subdivisions:"

#: Heading kind → the schema.org type the subject also has (it stays a DefinedTerm of its scheme).
KIND_TYPES = {"personal-name": "Person", "corporate-name": "Organization", "meeting-name": "Event",
              "uniform-title": "CreativeWork", "geographic": "Place"}


def _subject(subject: dict[str, Any]) -> dict[str, Any]:
    """A subject as a DefinedTerm of its scheme, also a Person, Organization, Event, CreativeWork or Place by its
    kind. The kind (a text) and the types of its subdivisions in order (an IRI) are its ``additionalType`` (schema.org
    has no property for either); the subdivisions' own text is the end of the heading's name, not written twice."""
    kind = subject.get("kind")
    node: dict[str, Any] = {"@type": ["DefinedTerm", KIND_TYPES[kind]] if kind in KIND_TYPES else "DefinedTerm",
                            "name": subject["term"], "inDefinedTermSet": {"@id": SCHEME_SETS[subject["scheme"]]}}
    if "uri" in subject:
        node["@id"] = subject["uri"]
    kinds: list[Any] = [kind] if kind else []
    if "subdivisions" in subject:
        kinds.append({"@id": _SUBDIVISIONS + ",".join(s["type"] for s in subject["subdivisions"])})
    if kinds:
        node["additionalType"] = kinds[0] if len(kinds) == 1 else kinds
    return node


def _import_subject(node: dict[str, Any]) -> dict[str, Any]:
    """The subject :func:`_subject` wrote."""
    subject: dict[str, Any] = {"term": node["name"], "scheme": _SCHEME_BY_SET[node["inDefinedTermSet"]["@id"]]}
    if "@id" in node:
        subject["uri"] = node["@id"]
    kinds = node.get("additionalType", [])
    for value in [kinds] if isinstance(kinds, str) else kinds:
        if isinstance(value, dict):
            types = value["@id"].removeprefix(_SUBDIVISIONS).split(",")
            terms = subject["term"].split("--")[-len(types):]
            subject["subdivisions"] = [{"type": t, "term": term} for t, term in zip(types, terms, strict=True)]
        else:
            subject["kind"] = value
    return subject


def _section(rid: str, number: int, section: dict[str, Any]) -> dict[str, Any]:
    """A section as a WebPageElement with its paragraphs as parts, in order."""
    node: dict[str, Any] = {"@id": f"{rid}#section-{number}", "@type": "WebPageElement"}
    if section["heading"] is not None:
        node["name"] = section["heading"]
    if "level" in section:
        node["additionalType"] = f"h{section['level']}"  # the HTML heading element it was
    node["hasPart"] = [{"@id": f"{rid}#section-{number}-{n}", "text": text}
                       for n, text in enumerate(section["paragraphs"], start=1)]
    return node


def _capture(record: Record, rid: str) -> dict[str, Any]:
    """The retrieved bytes as a MediaObject, the retrieval as the Action whose result it is, and the lines removed
    from it as site chrome as its parts."""
    r = record["retrieval"]
    action: dict[str, Any] = {"@id": f"{rid}#retrieval", "@type": "Action", "name": r["method"],
                              "endTime": _stamp(r["retrieved_at"])}
    if "agent" in r:
        software = {"@type": "SoftwareApplication", "name": r["agent"]["name"]}
        if "version" in r["agent"]:
            software["softwareVersion"] = r["agent"]["version"]
        action["instrument"] = software
    node: dict[str, Any] = {"@id": f"{rid}#capture", "@type": "MediaObject", "encodingFormat": r["media_type"],
                            "contentSize": r["byte_size"], "sha256": r["sha256"], "resultOf": action}
    if "warc_record_id" in r:
        node["identifier"] = r["warc_record_id"]
    if "removed" in record:
        node["schema:hasPart"] = [
            {"@id": f"{rid}#removed-{n}", "@type": "WebPageElement", "text": item["text"],
             **({"position": item["line"]} if "line" in item else {}),
             **({"genre": item["rule"]} if "rule" in item else {}),
             **({"xpath": item["element"]} if "element" in item else {})}
            for n, item in enumerate(record["removed"], start=1)]
    return node


def _indexed(items: list[tuple[str, dict[str, Any], str]]) -> dict[str, list[dict[str, Any]]]:
    """Values grouped by property, each keeping its place in the record's list (and, where the property does not
    tell it, its record type) as ``@index``, which JSON-LD keeps out of the graph."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for place, (prop, value, kind) in enumerate(items):
        grouped.setdefault(prop, []).append({**value, "@index": f"{place} {kind}".rstrip()})
    return grouped


def document(record: Record) -> dict[str, Any]:
    """The JSON-LD document (a dict) for a record."""
    lang = record["language"]
    source = record["source"]
    rid = RECORD_URN_PREFIX + record["id"]
    doc: dict[str, Any] = {"@context": CONTEXT, "@id": rid, "@type": "WebPage",
                           "schemaVersion": record["schema_version"], "name": _lang(record["title"], lang)}
    if "alternative_titles" in record:
        doc["alternateName"] = [_lang(t, lang) for t in record["alternative_titles"]]
    doc["inLanguage"] = lang
    doc["dcterms:type"] = "dcmitype:" + record["type"]
    doc["isBasedOn"] = source["url"]
    if "page_title" in source:
        doc["headline"] = _lang(source["page_title"], lang)
    if "publisher" in source:
        doc["publisher"] = {"@type": "Organization", "name": source["publisher"]}
    if "site_name" in source:
        doc["isPartOf"] = {"@type": "WebSite", "name": source["site_name"]}
    if "identifiers" in record:
        doc["identifier"] = [{"@type": "PropertyValue", "propertyID": i["scheme"], "value": i["value"]}
                             for i in record["identifiers"]]
    doc["encoding"] = _capture(record, rid)
    doc["about"] = [_subject(s) for s in record["subjects"]]
    for key in ("creators", "contributors"):
        if key in record:
            doc[key[:-1]] = [_agent(a, key[:-1], f"{rid}#{key[:-1]}-{n}") for n, a in enumerate(record[key], start=1)]
    if "dates" in record:
        doc["dcterms:date"] = []  # present even when empty, so an empty list comes back
        doc.update(_indexed([(_DATE_TERMS.get(d["type"], "dcterms:date"), {"@value": d["value"]},
                              "" if d["type"] in _DATE_TERMS else d["type"]) for d in record["dates"]]))
    if "description" in record:
        doc["description"] = _lang(record["description"], lang)
    rights = record.get("rights", {})
    if "statement" in rights:
        doc["copyrightNotice"] = rights["statement"]
    if "uri" in rights:
        doc["dcterms:rights"] = rights["uri"]
    if "holder" in rights:
        doc["copyrightHolder"] = {"name": rights["holder"]}
    coverage = record.get("coverage", {})
    if "spatial" in coverage:
        doc["spatialCoverage"] = [{"@type": "Place", "name": p} for p in coverage["spatial"]]
    if "temporal" in coverage:
        doc["temporalCoverage"] = list(coverage["temporal"])
    if "relations" in record:
        doc["dcterms:relation"] = []
        doc.update(_indexed([(f"dcterms:{r['type']}", {**({"@id": r["uri"]} if "uri" in r else {}),
                                                        "name": r["target"]}, "")
                             for r in record["relations"]]))
    if "notes" in record:
        doc["dcterms:description"] = list(record["notes"])
    doc["hasPart"] = [_section(rid, n, s) for n, s in enumerate(record["content"]["sections"], start=1)]
    if "files" in record:
        doc["associatedMedia"] = [
            {"@type": "MediaObject", "contentUrl": f["path"], "encodingFormat": f["media_type"],
             "contentSize": f["byte_size"], "sha256": f["sha256"],
             **({"additionalType": f["role"]} if "role" in f else {})}
            for f in record["files"]]
    if "provenance" in record:
        doc["objectOf"] = [
            {"@id": f"{rid}#event-{n}", "@type": "Action", "name": e["action"], "endTime": _stamp(e["at"]),
             "agent": {"name": e["agent"]}, **({"description": e["note"]} if "note" in e else {})}
            for n, e in enumerate(record["provenance"], start=1)]
    return doc


def export(record: Record) -> bytes:
    """The record as a JSON-LD document: UTF-8, indented, keys in a fixed order."""
    return indented(document(record))


def _value(node: Any) -> Any:
    return node["@value"] if isinstance(node, dict) and "@value" in node else node


def _agent_back(node: dict[str, Any], prop: str, credit: str) -> dict[str, Any]:
    """The record's agent from what :func:`_agent` wrote (an ``@id`` equal to ``credit`` is no URI of the agent)."""
    role = node.get("roleName")
    person = node[f"schema:{prop}"] if node["@type"] == "Role" else node
    uri = person.get("@id", credit)
    return {"name": person["name"], "kind": "person" if person["@type"] == "Person" else "organization",
            **({"role": role} if role is not None else {}), **({"uri": uri} if uri != credit else {})}


def _unindexed(doc: dict[str, Any], props: list[str]) -> list[tuple[str, dict[str, Any], str]]:
    """The values of ``props`` back in the order of their ``@index``, each with its property and the type the index
    names (empty when the property tells it)."""
    found = []
    for prop in props:
        for value in doc.get(prop, []):
            place, _, kind = value["@index"].partition(" ")
            found.append((int(place), prop, value, kind))
    return [(prop, value, kind) for _, prop, value, kind in sorted(found, key=lambda item: item[0])]


def import_record(data: bytes | str | dict[str, Any]) -> Record:
    """Rebuild the record from a JSON-LD document written by :func:`export`."""
    doc = json.loads(data) if isinstance(data, (bytes, str)) else data
    if doc.get("@context") != CONTEXT:
        raise ArchivistError("not an archivist JSON-LD document: its @context differs from archivist's")
    rid = doc["@id"]
    record: Record = {"id": rid.removeprefix(RECORD_URN_PREFIX), "schema_version": doc["schemaVersion"],
                      "title": _value(doc["name"])}
    if "alternateName" in doc:
        record["alternative_titles"] = [_value(t) for t in doc["alternateName"]]
    record["language"] = doc["inLanguage"]
    record["type"] = doc["dcterms:type"].removeprefix("dcmitype:")
    source: dict[str, Any] = {"url": doc["isBasedOn"]}
    if "publisher" in doc:
        source["publisher"] = doc["publisher"]["name"]
    if "isPartOf" in doc:
        source["site_name"] = doc["isPartOf"]["name"]
    if "headline" in doc:
        source["page_title"] = _value(doc["headline"])
    record["source"] = source
    capture = doc["encoding"]
    action = capture["resultOf"]
    retrieval: dict[str, Any] = {"retrieved_at": _value(action["endTime"]), "method": action["name"],
                                 "sha256": capture["sha256"], "media_type": capture["encodingFormat"],
                                 "byte_size": capture["contentSize"]}
    if "instrument" in action:
        software = action["instrument"]
        retrieval["agent"] = {"name": software["name"],
                              **({"version": software["softwareVersion"]} if "softwareVersion" in software else {})}
    if "identifier" in capture:
        retrieval["warc_record_id"] = capture["identifier"]
    record["retrieval"] = retrieval
    record["subjects"] = [_import_subject(s) for s in doc["about"]]
    for key in ("creator", "contributor"):
        if key in doc:
            record[key + "s"] = [_agent_back(a, key, f"{rid}#{key}-{n}") for n, a in enumerate(doc[key], start=1)]
    if "dcterms:date" in doc:
        by_term = {term: kind for kind, term in _DATE_TERMS.items()}
        record["dates"] = [{"type": kind or by_term[prop], "value": value["@value"]}
                           for prop, value, kind in _unindexed(doc, ["dcterms:date", *_DATE_TERMS.values()])]
    if "description" in doc:
        record["description"] = _value(doc["description"])
    rights = {key: doc[prop] for key, prop in (("statement", "copyrightNotice"), ("uri", "dcterms:rights"))
              if prop in doc}
    if "copyrightHolder" in doc:
        rights["holder"] = doc["copyrightHolder"]["name"]
    if rights:
        record["rights"] = rights
    coverage: dict[str, Any] = {}
    if "spatialCoverage" in doc:
        coverage["spatial"] = [p["name"] for p in doc["spatialCoverage"]]
    if "temporalCoverage" in doc:
        coverage["temporal"] = list(doc["temporalCoverage"])
    if coverage:
        record["coverage"] = coverage
    if "dcterms:relation" in doc:
        record["relations"] = [
            {"type": prop.removeprefix("dcterms:"), "target": node["name"],
             **({"uri": node["@id"]} if "@id" in node else {})}
            for prop, node, _ in _unindexed(doc, [f"dcterms:{t}" for t in _RELATION_TYPES])]
    if "identifier" in doc:
        record["identifiers"] = [{"scheme": i["propertyID"], "value": i["value"]} for i in doc["identifier"]]
    if "dcterms:description" in doc:
        record["notes"] = list(doc["dcterms:description"])
    sections = []
    for part in doc["hasPart"]:
        section: dict[str, Any] = {"heading": part.get("name")}
        if "additionalType" in part:
            section["level"] = int(part["additionalType"].removeprefix("h"))
        section["paragraphs"] = [paragraph["text"] for paragraph in part["hasPart"]]
        sections.append(section)
    record["content"] = {"sections": sections}
    if "schema:hasPart" in capture:
        record["removed"] = [
            {"text": r["text"], **({"line": r["position"]} if "position" in r else {}),
             **({"rule": r["genre"]} if "genre" in r else {}),
             **({"element": r["xpath"]} if "xpath" in r else {})}
            for r in capture["schema:hasPart"]]
    if "associatedMedia" in doc:
        record["files"] = [
            {"path": f["contentUrl"], "media_type": f["encodingFormat"], "byte_size": f["contentSize"],
             "sha256": f["sha256"], **({"role": f["additionalType"]} if "additionalType" in f else {})}
            for f in doc["associatedMedia"]]
    if "objectOf" in doc:
        record["provenance"] = [
            {"action": e["name"], "at": _value(e["endTime"]), "agent": e["agent"]["name"],
             **({"note": e["description"]} if "description" in e else {})}
            for e in doc["objectOf"]]
    return record


EXPORTER = Exporter(
    name="jsonld",
    extension=".jsonld",
    media_type="application/ld+json",
    description="JSON-LD (schema.org + DCMI terms, context embedded)",
    export=export,
)

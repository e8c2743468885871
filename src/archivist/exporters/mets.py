"""METS 1.12.1 with PREMIS 3: one record's archival information package, as Archivematica lays out its AIP METS.

Descriptive metadata: MODS and qualified DC (``dmdSec``). One ``amdSec`` per file, as Archivematica's
``create_mets_v2.py`` writes them: the file's PREMIS object (SHA-256 fixity, size, format with its PRONOM id), the
events that concern it and their agents; the record's own amdSec holds the rights. Files: the original captures the
record lists, the record's JSON and every export written for it before this one in the same run; locations are
relative to the METS file, in archivist's output layout (exports beside it; the record and its originals under
``records/<id>/``, where a bag puts them). Identifiers are UUID v5 from the record id and what they name; dates come
from the record, and export-time events take SOURCE_DATE_EPOCH, else the EDTF unspecified date ``XXXX-XX-XX``:
the same record gives the same bytes, and no date is invented.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from .. import __version__
from .._constants import XSI
from ._base import Context, Exporter, Record
from ._dc import serialize
from ._formats import OUTPUT_FORMATS, Format, identify
from ._identifiers import RECORD_URN_PREFIX
from .dcterms import element as dc_element
from .mods import MODS_XSD, XLINK
from .mods import element as mods_element

METS = "http://www.loc.gov/METS/"
PREMIS = "http://www.loc.gov/premis/v3"
METS_XSD = "http://www.loc.gov/standards/mets/version1121/mets.xsd"
PREMIS_XSD = "http://www.loc.gov/standards/premis/v3/premis.xsd"
SCHEMA_LOCATION = f"{METS} {METS_XSD} {PREMIS} {PREMIS_XSD} http://www.loc.gov/mods/v3 {MODS_XSD}"
NSMAP = {"mets": METS, "premis": PREMIS, "xlink": XLINK, "xsi": XSI}
#: How an event time that the record does not give is written: EDTF's unspecified date (eventDateTime is a string).
UNKNOWN_DATE = "XXXX-XX-XX"
#: Record provenance actions that name a PREMIS event type (id.loc.gov/vocabulary/preservation/eventType).
EVENT_TYPES = {"ingested": "ingestion", "captured": "capture", "validated": "validation"}
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:x-archivist:")  # the namespace of every UUID v5 archivist makes


def uuid_for(record_id: str, *what: str) -> str:
    """A UUID v5 from the record id and what it names: the same on every run and machine."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join([record_id, *what])))


def export_date() -> str:
    """When the export happens, as far as it may be said without the clock: SOURCE_DATE_EPOCH, else unknown."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return UNKNOWN_DATE
    return datetime.fromtimestamp(int(epoch), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class _Agent:
    kind: str  # PREMIS agentIdentifierType
    value: str
    name: str
    type: str
    version: str | None = None


@dataclass
class _Event:
    key: str
    type: str
    date: str
    detail: str | None = None
    outcome: str | None = None
    outcome_note: str | None = None
    agents: list[_Agent] = field(default_factory=list)
    objects: list[tuple[str, str]] = field(default_factory=list)  # (object uuid, role)


@dataclass
class _Object:
    key: str
    use: str
    href: str
    sha256: str
    size: int
    media_type: str
    format: Format
    original_name: str
    sources: list[tuple[str, str]] = field(default_factory=list)  # (object uuid, event uuid): derivation
    events: list[_Event] = field(default_factory=list)

    @property
    def uuid(self) -> str:
        return self.key


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _originals(record: Record, base: Path | None) -> list[_Object]:
    """The record's listed files, fixity and size as the record states them; the format found by FIDO in the file
    (read once) when it is at hand, else named by the record's media type."""
    from ..packages import original_files

    present = {entry["path"]: path for entry, path in original_files(record, base)}
    found = []
    for entry in record.get("files", []):
        path = present.get(entry["path"])
        fmt = identify(path.read_bytes(), entry["media_type"]) if path is not None else \
            Format(entry["media_type"].split(";")[0].strip())
        role = entry.get("role", "original")
        found.append(_Object(uuid_for(record["id"], "file", entry["sha256"], entry["path"]),
                             "original" if role == "original" else role, f"records/{record['id']}/{entry['path']}",
                             entry["sha256"], entry["byte_size"], entry["media_type"], fmt, entry["path"]))
    return found


def _objects(record: Record, context: Context) -> tuple[list[_Object], _Object]:
    from ..records import record_bytes

    rid = record["id"]
    originals = _originals(record, context.base)
    data = record_bytes(record)
    sha = _sha(data)
    own = _Object(uuid_for(rid, "record", sha), "metadata", f"records/{rid}/{rid}.json", sha, len(data),
                  "application/json", OUTPUT_FORMATS["record"], f"{rid}.json")
    objects = [*originals, own]
    for written in context.written:
        sha = _sha(written.data)
        fmt = OUTPUT_FORMATS.get(written.name) or identify(written.data, written.media_type)
        objects.append(_Object(uuid_for(rid, "export", written.name, sha), "derivative", written.filename, sha,
                               len(written.data), written.media_type, fmt, written.filename))
    return objects, own


def _removal_note(record: Record) -> str | None:
    removed = record.get("removed", [])
    if not removed:
        return None
    rules: dict[str, int] = {}
    for item in removed:
        rule = item.get("rule", "no rule named")
        rules[rule] = rules.get(rule, 0) + 1
    lines = [str(item["line"]) for item in removed if "line" in item]
    where = f" (lines {', '.join(lines)})" if lines else ""
    by = ", ".join(f"{rule}: {count}" for rule, count in rules.items())
    return f"{len(removed)} passage(s) removed as site chrome{where}, by rule: {by}."


def _events(record: Record, objects: list[_Object], own: _Object, context: Context) -> None:
    """Attach every event to the object it concerns most (the capture to the originals, the record's history to
    the record, each export's creation to the export)."""
    rid = record["id"]
    archivist = _Agent("software", f"archivist {__version__}", "archivist", "software", __version__)
    organization = [_Agent("organization name", context.organization, context.organization, "organization")] \
        if context.organization else []
    retrieval = record["retrieval"]
    capturer = []
    if "agent" in retrieval:
        tool = retrieval["agent"]
        capturer = [_Agent("software", " ".join(filter(None, [tool["name"], tool.get("version")])), tool["name"],
                           "software", tool.get("version"))]
    originals = [o for o in objects if o.use == "original"]
    captured = originals[0] if originals else own
    detail = f"{retrieval['method']} of {record['source']['url']}"
    if "warc_record_id" in retrieval:
        detail += f" (WARC-Record-ID {retrieval['warc_record_id']})"
    captured.events.append(_Event(uuid_for(rid, "event", "capture"), "capture", retrieval["retrieved_at"], detail,
                                  agents=capturer + organization,
                                  objects=[(o.uuid, "outcome") for o in originals] or [(own.uuid, "source")]))
    removal = _removal_note(record)
    for index, event in enumerate(record.get("provenance", [])):
        kind = EVENT_TYPES.get(event["action"], event["action"])
        note = removal if kind == "ingestion" else None
        if note:
            removal = None
        own.events.append(_Event(uuid_for(rid, "event", "provenance", str(index)), kind, event["at"],
                                 event.get("note"), "success" if note else None, note,
                                 [_Agent("name", event["agent"], event["agent"], "other")],
                                 [(o.uuid, "source") for o in originals] + [(own.uuid, "outcome")]))
    if removal:  # chrome was removed, but the record does not say when its ingest ran
        own.events.append(_Event(uuid_for(rid, "event", "ingestion"), "ingestion", UNKNOWN_DATE,
                                 "site chrome removed from the capture's text", "success", removal, [],
                                 [(o.uuid, "source") for o in originals] + [(own.uuid, "outcome")]))
    when = export_date()
    own.events.append(_Event(uuid_for(rid, "event", "validation", own.sha256), "validation", when,
                             f"archivist record schema {record['schema_version']} (JSON Schema 2020-12)", "pass",
                             None, [archivist, *organization], [(own.uuid, "source")]))
    for obj in objects:
        if obj.use != "derivative":
            continue
        event = _Event(uuid_for(rid, "event", "creation", obj.href, obj.sha256), "creation", when,
                       f"{obj.href} derived from the record by archivist", "success", None,
                       [archivist, *organization], [(own.uuid, "source"), (obj.uuid, "outcome")])
        obj.events.append(event)
        obj.sources.append((own.uuid, event.key))


def _p(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{PREMIS}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def _identifier(parent: etree._Element, kind: str, type_: str, value: str) -> None:
    ident = _p(parent, f"{kind}Identifier")
    _p(ident, f"{kind}IdentifierType", type_)
    _p(ident, f"{kind}IdentifierValue", value)


def _wrap(parent: etree._Element, section: str, ident: str, mdtype: str) -> etree._Element:
    sec = etree.SubElement(parent, f"{{{METS}}}{section}", ID=ident)
    wrap = etree.SubElement(sec, f"{{{METS}}}mdWrap", MDTYPE=mdtype)
    return etree.SubElement(wrap, f"{{{METS}}}xmlData")


def _premis_root(parent: etree._Element, name: str) -> etree._Element:
    """A PREMIS 3 element naming its schema (Archivematica's Schematron asks every wrapped document for one)."""
    root = _p(parent, name, version="3.0")
    root.set(f"{{{XSI}}}schemaLocation", f"{PREMIS} {PREMIS_XSD}")
    return root


def _premis_object(parent: etree._Element, obj: _Object) -> None:
    root = _premis_root(parent, "object")
    root.set(f"{{{XSI}}}type", "premis:file")
    _identifier(root, "object", "UUID", obj.uuid)
    chars = _p(root, "objectCharacteristics")
    _p(chars, "compositionLevel", "0")
    fixity = _p(chars, "fixity")
    _p(fixity, "messageDigestAlgorithm", "SHA-256", authority="cryptographicHashFunctions",
       authorityURI="http://id.loc.gov/vocabulary/preservation/cryptographicHashFunctions",
       valueURI="http://id.loc.gov/vocabulary/preservation/cryptographicHashFunctions/sha256")
    _p(fixity, "messageDigest", obj.sha256)
    _p(chars, "size", str(obj.size))
    fmt = _p(chars, "format")
    designation = _p(fmt, "formatDesignation")
    _p(designation, "formatName", obj.format.name)
    if obj.format.puid:
        registry = _p(fmt, "formatRegistry")
        _p(registry, "formatRegistryName", "PRONOM")
        _p(registry, "formatRegistryKey", obj.format.puid)
        _p(registry, "formatRegistryRole", "identification", authority="formatRegistryRole",
           authorityURI="http://id.loc.gov/vocabulary/preservation/formatRegistryRole")
    _p(root, "originalName", obj.original_name)
    for source, event in obj.sources:
        relation = _p(root, "relationship")
        _p(relation, "relationshipType", "derivation", authority="relationshipType")
        _p(relation, "relationshipSubType", "has source", authority="relationshipSubType")
        related = _p(relation, "relatedObjectIdentifier")
        _p(related, "relatedObjectIdentifierType", "UUID")
        _p(related, "relatedObjectIdentifierValue", source)
        linked = _p(relation, "relatedEventIdentifier")
        _p(linked, "relatedEventIdentifierType", "UUID")
        _p(linked, "relatedEventIdentifierValue", event)


def _premis_event(parent: etree._Element, event: _Event) -> None:
    root = _premis_root(parent, "event")
    _identifier(root, "event", "UUID", event.key)
    _p(root, "eventType", event.type)
    _p(root, "eventDateTime", event.date)
    if event.detail:
        _p(_p(root, "eventDetailInformation"), "eventDetail", event.detail)
    if event.outcome or event.outcome_note:
        outcome = _p(root, "eventOutcomeInformation")
        if event.outcome:
            _p(outcome, "eventOutcome", event.outcome)
        if event.outcome_note:
            _p(_p(outcome, "eventOutcomeDetail"), "eventOutcomeDetailNote", event.outcome_note)
    for agent in event.agents:
        link = _p(root, "linkingAgentIdentifier")
        _p(link, "linkingAgentIdentifierType", agent.kind)
        _p(link, "linkingAgentIdentifierValue", agent.value)
    for key, role in event.objects:
        link = _p(root, "linkingObjectIdentifier")
        _p(link, "linkingObjectIdentifierType", "UUID")
        _p(link, "linkingObjectIdentifierValue", key)
        _p(link, "linkingObjectRole", role)


def _premis_agent(parent: etree._Element, agent: _Agent) -> None:
    root = _premis_root(parent, "agent")
    _identifier(root, "agent", agent.kind, agent.value)
    _p(root, "agentName", agent.name)
    _p(root, "agentType", agent.type)
    if agent.version:
        _p(root, "agentVersion", agent.version)


def _premis_rights(parent: etree._Element, record: Record, own: _Object) -> None:
    rights = record["rights"]
    root = _premis_root(parent, "rights")
    statement = _p(root, "rightsStatement")
    _identifier(statement, "rightsStatement", "UUID", uuid_for(record["id"], "rights"))
    _p(statement, "rightsBasis", "Other")
    other = _p(statement, "otherRightsInformation")
    if "uri" in rights:
        _identifier(other, "otherRightsDocumentation", "URI", rights["uri"])
    _p(other, "otherRightsBasis", "Rights statement")
    for note in (rights.get("statement"), f"Rights holder: {rights['holder']}" if "holder" in rights else None):
        if note:
            _p(other, "otherRightsNote", note)
    link = _p(statement, "linkingObjectIdentifier")
    _p(link, "linkingObjectIdentifierType", "UUID")
    _p(link, "linkingObjectIdentifierValue", own.uuid)


def _m(parent: etree._Element, name: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{METS}}}{name}", attrs)


def _amd_sections(root: etree._Element, record: Record, objects: list[_Object], own: _Object) -> dict[str, str]:
    """One amdSec per file: its object, its events, their agents (and the rights in the record's). Returns each
    object's amdSec id."""
    ids = {}
    for number, obj in enumerate(objects, start=1):
        amd = _m(root, "amdSec", ID=f"amd-{number}")
        ids[obj.uuid] = f"amd-{number}"
        _premis_object(_wrap(amd, "techMD", f"techMD-{number}", "PREMIS:OBJECT"), obj)
        if obj is own and "rights" in record:
            _premis_rights(_wrap(amd, "rightsMD", f"rightsMD-{number}", "PREMIS:RIGHTS"), record, own)
        agents: dict[tuple[str, str], _Agent] = {}
        for index, event in enumerate(obj.events, start=1):
            _premis_event(_wrap(amd, "digiprovMD", f"digiprovMD-{number}-event-{index}", "PREMIS:EVENT"), event)
            agents.update({(a.kind, a.value): a for a in event.agents})
        for index, agent in enumerate(agents.values(), start=1):
            _premis_agent(_wrap(amd, "digiprovMD", f"digiprovMD-{number}-agent-{index}", "PREMIS:AGENT"), agent)
    return ids


def tree(record: Record, context: Context) -> etree._Element:
    """The METS document of one record, as an element."""
    rid = record["id"]
    objects, own = _objects(record, context)
    _events(record, objects, own, context)
    root = etree.Element(f"{{{METS}}}mets", nsmap=NSMAP,
                         OBJID=RECORD_URN_PREFIX + rid, LABEL=record["title"], TYPE="archivist record")
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    _header(root, context.organization)
    _wrap(root, "dmdSec", "dmdSec-mods", "MODS").append(mods_element(record))
    _wrap(root, "dmdSec", "dmdSec-dc", "DC").append(dc_element(record))
    amd = _amd_sections(root, record, objects, own)
    files = _m(root, "fileSec")
    groups: dict[str, etree._Element] = {}
    for obj in objects:
        if obj.use not in groups:
            groups[obj.use] = _m(files, "fileGrp", USE=obj.use)
        # As Archivematica: file-<object UUID>; an original or metadata file is a group of its own, a derivative
        # is in the group of its source (the record).
        group = own.uuid if obj.use == "derivative" else obj.uuid
        entry = _m(groups[obj.use], "file", ID=f"file-{obj.uuid}", MIMETYPE=obj.media_type.split(";")[0].strip(),
                   SIZE=str(obj.size), CHECKSUM=obj.sha256, CHECKSUMTYPE="SHA-256", ADMID=amd[obj.uuid],
                   GROUPID=f"Group-{group}")
        location = _m(entry, "FLocat", LOCTYPE="URL")
        location.set(f"{{{XLINK}}}type", "simple")
        location.set(f"{{{XLINK}}}href", obj.href)
    structure = _m(root, "structMap", ID="structMap-1", TYPE="physical", LABEL="archivist record")
    top = _m(structure, "div", TYPE="Directory", LABEL=rid, DMDID="dmdSec-mods dmdSec-dc")
    for obj in objects:
        item = _m(top, "div", TYPE="Item", LABEL=obj.href)
        _m(item, "fptr", FILEID=f"file-{obj.uuid}")
    return root


def _header(root: etree._Element, organization: str | None) -> None:
    header = _m(root, "metsHdr")
    if os.environ.get("SOURCE_DATE_EPOCH"):
        header.set("CREATEDATE", export_date())
    creator = _m(header, "agent", ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    etree.SubElement(creator, f"{{{METS}}}name").text = f"archivist {__version__}"
    if organization:
        agent = _m(header, "agent", ROLE="CUSTODIAN", TYPE="ORGANIZATION")
        etree.SubElement(agent, f"{{{METS}}}name").text = organization


def collection(records: Iterable[tuple[str, str, int]], label: str, organization: str | None = None) -> bytes:
    """A METS document listing every record's METS file ((file name, SHA-256, size) each, in order): the fileSec
    gives each one's fixity, the structMap points to each with ``mptr``."""
    root = etree.Element(f"{{{METS}}}mets", nsmap={"mets": METS, "xlink": XLINK, "xsi": XSI},
                         LABEL=label, TYPE="archivist collection")
    root.set(f"{{{XSI}}}schemaLocation", f"{METS} {METS_XSD}")
    _header(root, organization)
    group = _m(_m(root, "fileSec"), "fileGrp", USE="metadata")
    top = _m(_m(root, "structMap", TYPE="physical", LABEL="archivist collection"), "div", TYPE="Directory",
             LABEL=label)
    for number, (name, sha256, size) in enumerate(records, start=1):
        entry = _m(group, "file", ID=f"file-{number}", MIMETYPE="application/xml", SIZE=str(size), CHECKSUM=sha256,
                   CHECKSUMTYPE="SHA-256")
        div = _m(top, "div", TYPE="Item", LABEL=name.removesuffix(EXPORTER_EXTENSION))
        for parent, tag in ((entry, "FLocat"), (div, "mptr")):  # the file, and the pointer to it as a METS
            location = _m(parent, tag, LOCTYPE="URL")
            location.set(f"{{{XLINK}}}type", "simple")
            location.set(f"{{{XLINK}}}href", name)
        _m(div, "fptr", FILEID=f"file-{number}")
    return serialize(root)


def describe(record: Record, context: Context) -> bytes:
    """The METS document of a record and the files written for it (``context``)."""
    return serialize(tree(record, context))


def export(record: Record) -> bytes:
    """The METS document of a record alone (no exports written beside it)."""
    return describe(record, Context())


def objects_of(record: Record, context: Context) -> Iterable[Any]:
    """(href, sha256, size) of each file the record's METS lists (for cross-checks)."""
    objects, _ = _objects(record, context)
    return [(o.href, o.sha256, o.size) for o in objects]


EXPORTER_EXTENSION = ".mets.xml"
EXPORTER = Exporter(
    name="mets",
    extension=EXPORTER_EXTENSION,
    media_type="application/xml",
    description="METS 1.12.1 with MODS, qualified DC and PREMIS 3 (fixity, PRONOM formats, events, agents, rights)",
    export=export,
    describe=describe,
    order=1,
)

__all__ = ["EXPORTER", "SCHEMA_LOCATION", "UNKNOWN_DATE", "collection", "describe", "export", "export_date", "tree",
           "uuid_for"]

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
import uuid  # the namespace of archivist's UUIDs
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .. import __version__
from .._constants import XML_DECLARATION, XSI
from .._paths import UnsafePath, inside
from ._base import Context, Exporter, Record
from ._formats import OUTPUT_FORMATS, Format, identify
from ._identifiers import RECORD_URN_PREFIX
from ._markup import PADS, Markup, attr, text
from .dcterms import write as write_dc
from .mods import MODS_XSD, XLINK
from .mods import write as write_mods

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
    """A UUID v5 from the record id and what it names: the same on every run and machine (RFC 9562 section 5.5,
    what ``uuid.uuid5`` gives, without building UUID objects: a METS names a few dozen)."""
    digest = bytearray(hashlib.sha1(_NAMESPACE.bytes + "\x1f".join([record_id, *what]).encode("utf-8"),
                                    usedforsecurity=False).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


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


def _listed(base: Path | None, relative: str) -> Path | None:
    """A listed file that is a regular file inside ``base``; None otherwise (validation reports it; never read)."""
    if base is None or not (base / relative).is_file():  # not there: nothing to check (the check costs more)
        return None
    try:
        path = inside(base, relative)
    except UnsafePath:
        return None
    return path if path.is_file() else None


def _originals(record: Record, base: Path | None) -> list[_Object]:
    """The record's listed files, fixity and size as the record states them; the format found by FIDO in the file
    (read once) when it is at hand, else named by the record's media type."""
    found = []
    for entry in record.get("files", []):
        path = _listed(base, entry["path"])
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
        sha = written.sha256
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


_PREMIS_ROOT = attr("version", "3.0") + attr("xsi:schemaLocation", f"{PREMIS} {PREMIS_XSD}")
_ROOT_NAMESPACES = "".join(attr(f"xmlns:{prefix}", uri) for prefix, uri in NSMAP.items())


def _identifier(doc: Markup, kind: str, type_: str, value: str) -> None:
    doc.start(f"premis:{kind}Identifier")
    doc.leaf(f"premis:{kind}IdentifierType", type_)
    doc.leaf(f"premis:{kind}IdentifierValue", value)
    doc.end()


def _wrap(doc: Markup, section: str, ident: str, mdtype: str) -> None:
    """Open ``section/mdWrap/xmlData``; the caller writes the wrapped document and closes the three."""
    doc.start(f"mets:{section}", attr("ID", ident))
    doc.start("mets:mdWrap", attr("MDTYPE", mdtype))
    doc.start("mets:xmlData")


def _close(doc: Markup, count: int) -> None:
    for _ in range(count):
        doc.end()


_SHA256 = (attr("authority", "cryptographicHashFunctions")
           + attr("authorityURI", "http://id.loc.gov/vocabulary/preservation/cryptographicHashFunctions")
           + attr("valueURI", "http://id.loc.gov/vocabulary/preservation/cryptographicHashFunctions/sha256"))
_IDENTIFICATION = (attr("authority", "formatRegistryRole")
                   + attr("authorityURI", "http://id.loc.gov/vocabulary/preservation/formatRegistryRole"))
_RELATION = attr("authority", "relationshipType")
_SUBTYPE = attr("authority", "relationshipSubType")


def _leaf(depth: int, tag: str, value: str, attrs: str = "") -> str:
    return f"{PADS[depth]}<premis:{tag}{attrs}>{text(value)}</premis:{tag}>"


def _ident(depth: int, kind: str, type_: str, value: str) -> str:
    pad = PADS[depth]
    return (f"{pad}<premis:{kind}Identifier>{_leaf(depth + 1, f'{kind}IdentifierType', type_)}"
            f"{_leaf(depth + 1, f'{kind}IdentifierValue', value)}{pad}</premis:{kind}Identifier>")


# The PREMIS documents are written as text in one piece each (most of a METS is PREMIS: element by element it cost
# several times what the EPUB does); tests/exporters/test_mets.py validates them against PREMIS 3 with two engines.

def _premis_object(depth: int, obj: _Object) -> str:
    d, pad = depth, PADS
    registry = ""
    if obj.format.puid:
        registry = (f"{pad[d + 3]}<premis:formatRegistry>{_leaf(d + 4, 'formatRegistryName', 'PRONOM')}"
                    f"{_leaf(d + 4, 'formatRegistryKey', obj.format.puid)}"
                    f"{_leaf(d + 4, 'formatRegistryRole', 'identification', _IDENTIFICATION)}"
                    f"{pad[d + 3]}</premis:formatRegistry>")
    relations = "".join(
        f"{pad[d + 1]}<premis:relationship>{_leaf(d + 2, 'relationshipType', 'derivation', _RELATION)}"
        f"{_leaf(d + 2, 'relationshipSubType', 'has source', _SUBTYPE)}"
        f"{pad[d + 2]}<premis:relatedObjectIdentifier>{_leaf(d + 3, 'relatedObjectIdentifierType', 'UUID')}"
        f"{_leaf(d + 3, 'relatedObjectIdentifierValue', source)}{pad[d + 2]}</premis:relatedObjectIdentifier>"
        f"{pad[d + 2]}<premis:relatedEventIdentifier>{_leaf(d + 3, 'relatedEventIdentifierType', 'UUID')}"
        f"{_leaf(d + 3, 'relatedEventIdentifierValue', event)}{pad[d + 2]}</premis:relatedEventIdentifier>"
        f"{pad[d + 1]}</premis:relationship>" for source, event in obj.sources)
    return (f'<premis:object xsi:type="premis:file"{_PREMIS_ROOT}>{_ident(d + 1, "object", "UUID", obj.uuid)}'
            f"{pad[d + 1]}<premis:objectCharacteristics>{_leaf(d + 2, 'compositionLevel', '0')}"
            f"{pad[d + 2]}<premis:fixity>{_leaf(d + 3, 'messageDigestAlgorithm', 'SHA-256', _SHA256)}"
            f"{_leaf(d + 3, 'messageDigest', obj.sha256)}{pad[d + 2]}</premis:fixity>"
            f"{_leaf(d + 2, 'size', str(obj.size))}"
            f"{pad[d + 2]}<premis:format>{pad[d + 3]}<premis:formatDesignation>"
            f"{_leaf(d + 4, 'formatName', obj.format.name)}{pad[d + 3]}</premis:formatDesignation>{registry}"
            f"{pad[d + 2]}</premis:format>{pad[d + 1]}</premis:objectCharacteristics>"
            f"{_leaf(d + 1, 'originalName', obj.original_name)}{relations}{pad[d]}</premis:object>")


def _premis_event(depth: int, event: _Event) -> str:
    d, pad = depth, PADS
    parts = [f"<premis:event{_PREMIS_ROOT}>", _ident(d + 1, "event", "UUID", event.key),
             _leaf(d + 1, "eventType", event.type), _leaf(d + 1, "eventDateTime", event.date)]
    if event.detail:
        parts.append(f"{pad[d + 1]}<premis:eventDetailInformation>{_leaf(d + 2, 'eventDetail', event.detail)}"
                     f"{pad[d + 1]}</premis:eventDetailInformation>")
    if event.outcome or event.outcome_note:
        parts.append(f"{pad[d + 1]}<premis:eventOutcomeInformation>")
        if event.outcome:
            parts.append(_leaf(d + 2, "eventOutcome", event.outcome))
        if event.outcome_note:
            parts.append(f"{pad[d + 2]}<premis:eventOutcomeDetail>"
                         f"{_leaf(d + 3, 'eventOutcomeDetailNote', event.outcome_note)}"
                         f"{pad[d + 2]}</premis:eventOutcomeDetail>")
        parts.append(f"{pad[d + 1]}</premis:eventOutcomeInformation>")
    parts += [f"{pad[d + 1]}<premis:linkingAgentIdentifier>{_leaf(d + 2, 'linkingAgentIdentifierType', agent.kind)}"
              f"{_leaf(d + 2, 'linkingAgentIdentifierValue', agent.value)}{pad[d + 1]}</premis:linkingAgentIdentifier>"
              for agent in event.agents]
    parts += [f"{pad[d + 1]}<premis:linkingObjectIdentifier>{_leaf(d + 2, 'linkingObjectIdentifierType', 'UUID')}"
              f"{_leaf(d + 2, 'linkingObjectIdentifierValue', key)}{_leaf(d + 2, 'linkingObjectRole', role)}"
              f"{pad[d + 1]}</premis:linkingObjectIdentifier>" for key, role in event.objects]
    parts.append(f"{pad[d]}</premis:event>")
    return "".join(parts)


def _premis_agent(depth: int, agent: _Agent) -> str:
    d = depth
    version = _leaf(d + 1, "agentVersion", agent.version) if agent.version else ""
    return (f"<premis:agent{_PREMIS_ROOT}>{_ident(d + 1, 'agent', agent.kind, agent.value)}"
            f"{_leaf(d + 1, 'agentName', agent.name)}{_leaf(d + 1, 'agentType', agent.type)}{version}"
            f"{PADS[d]}</premis:agent>")


def _premis_rights(doc: Markup, record: Record, own: _Object) -> None:
    rights = record["rights"]
    doc.start("premis:rights", _PREMIS_ROOT)
    doc.start("premis:rightsStatement")
    _identifier(doc, "rightsStatement", "UUID", uuid_for(record["id"], "rights"))
    doc.leaf("premis:rightsBasis", "Other")
    doc.start("premis:otherRightsInformation")
    if "uri" in rights:
        _identifier(doc, "otherRightsDocumentation", "URI", rights["uri"])
    doc.leaf("premis:otherRightsBasis", "Rights statement")
    for note in (rights.get("statement"), f"Rights holder: {rights['holder']}" if "holder" in rights else None):
        if note:
            doc.leaf("premis:otherRightsNote", note)
    doc.end()
    doc.start("premis:linkingObjectIdentifier")
    doc.leaf("premis:linkingObjectIdentifierType", "UUID")
    doc.leaf("premis:linkingObjectIdentifierValue", own.uuid)
    _close(doc, 3)


def _md(section: str, ident: str, mdtype: str, document: str) -> str:
    """``section/mdWrap/xmlData`` around a PREMIS document written for depth 5, as it stands in an amdSec."""
    pad = PADS
    return (f'{pad[2]}<mets:{section} ID="{ident}">{pad[3]}<mets:mdWrap MDTYPE="{mdtype}">{pad[4]}<mets:xmlData>'
            f"{pad[5]}{document}{pad[4]}</mets:xmlData>{pad[3]}</mets:mdWrap>{pad[2]}</mets:{section}>")


def _amd_sections(doc: Markup, record: Record, objects: list[_Object], own: _Object) -> dict[str, str]:
    """One amdSec per file: its object, its events, their agents (and the rights in the record's). Returns each
    object's amdSec id. (IDs are ASCII names: written as they are.)"""
    ids = {}
    for number, obj in enumerate(objects, start=1):
        ids[obj.uuid] = f"amd-{number}"
        parts = [f'<mets:amdSec ID="amd-{number}">', _md("techMD", f"techMD-{number}", "PREMIS:OBJECT",
                                                          _premis_object(5, obj))]
        if obj is own and "rights" in record:
            rights = Markup("", inside=("mets:mets", "mets:amdSec", "mets:rightsMD", "mets:mdWrap", "mets:xmlData"))
            _premis_rights(rights, record, own)
            parts.append(_md("rightsMD", f"rightsMD-{number}", "PREMIS:RIGHTS",
                             rights.fragment().decode("utf-8").strip()))
        agents: dict[tuple[str, str], _Agent] = {}
        for index, event in enumerate(obj.events, start=1):
            parts.append(_md("digiprovMD", f"digiprovMD-{number}-event-{index}", "PREMIS:EVENT",
                             _premis_event(5, event)))
            agents.update({(a.kind, a.value): a for a in event.agents})
        for index, agent in enumerate(agents.values(), start=1):
            parts.append(_md("digiprovMD", f"digiprovMD-{number}-agent-{index}", "PREMIS:AGENT",
                             _premis_agent(5, agent)))
        parts.append(f"{PADS[1]}</mets:amdSec>")
        doc.block("".join(parts))
    return ids


def _header(doc: Markup, organization: str | None) -> None:
    created = attr("CREATEDATE", export_date()) if os.environ.get("SOURCE_DATE_EPOCH") else ""
    doc.start("mets:metsHdr", created)
    doc.start("mets:agent", attr("ROLE", "CREATOR") + attr("TYPE", "OTHER") + attr("OTHERTYPE", "SOFTWARE"))
    doc.leaf("mets:name", f"archivist {__version__}")
    doc.end()
    if organization:
        doc.start("mets:agent", attr("ROLE", "CUSTODIAN") + attr("TYPE", "ORGANIZATION"))
        doc.leaf("mets:name", organization)
        doc.end()
    doc.end()


def _location(doc: Markup, tag: str, href: str) -> None:
    doc.leaf(tag, None, attr("LOCTYPE", "URL") + attr("xlink:type", "simple") + attr("xlink:href", href))


def describe(record: Record, context: Context) -> bytes:
    """The METS document of a record and the files written for it (``context``)."""
    rid = record["id"]
    objects, own = _objects(record, context)
    _events(record, objects, own, context)
    doc = Markup(XML_DECLARATION)
    doc.start("mets:mets", _ROOT_NAMESPACES + attr("OBJID", RECORD_URN_PREFIX + rid) + attr("LABEL", record["title"])
              + attr("TYPE", "archivist record") + attr("xsi:schemaLocation", SCHEMA_LOCATION))
    _header(doc, context.organization)
    _wrap(doc, "dmdSec", "dmdSec-mods", "MODS")
    write_mods(doc, record)
    _close(doc, 3)
    _wrap(doc, "dmdSec", "dmdSec-dc", "DC")
    write_dc(doc, record)
    _close(doc, 3)
    amd = _amd_sections(doc, record, objects, own)
    doc.start("mets:fileSec")
    for use in dict.fromkeys(obj.use for obj in objects):
        doc.start("mets:fileGrp", attr("USE", use))
        for obj in (o for o in objects if o.use == use):
            # As Archivematica: file-<object UUID>; an original or metadata file is a group of its own, a
            # derivative is in the group of its source (the record).
            group = own.uuid if obj.use == "derivative" else obj.uuid
            doc.start("mets:file", attr("ID", f"file-{obj.uuid}") + attr("GROUPID", f"Group-{group}")
                      + attr("MIMETYPE", obj.media_type.split(";")[0].strip()) + attr("SIZE", str(obj.size))
                      + attr("CHECKSUM", obj.sha256) + attr("CHECKSUMTYPE", "SHA-256") + attr("ADMID", amd[obj.uuid]))
            _location(doc, "mets:FLocat", obj.href)
            doc.end()
        doc.end()
    doc.end()
    doc.start("mets:structMap", attr("ID", "structMap-1") + attr("TYPE", "physical")
              + attr("LABEL", "archivist record"))
    doc.start("mets:div", attr("TYPE", "Directory") + attr("LABEL", rid) + attr("DMDID", "dmdSec-mods dmdSec-dc"))
    for obj in objects:
        doc.start("mets:div", attr("TYPE", "Item") + attr("LABEL", obj.href))
        doc.leaf("mets:fptr", None, attr("FILEID", f"file-{obj.uuid}"))
        doc.end()
    return doc.data()


def collection(records: Iterable[tuple[str, str, int]], label: str, organization: str | None = None) -> bytes:
    """A METS document listing every record's METS file ((file name, SHA-256, size) each, in order): the fileSec
    gives each one's fixity, the structMap points to each with ``mptr``."""
    listed = list(records)
    doc = Markup(XML_DECLARATION)
    doc.start("mets:mets", attr("xmlns:mets", METS) + attr("xmlns:xlink", XLINK) + attr("xmlns:xsi", XSI)
              + attr("LABEL", label) + attr("TYPE", "archivist collection")
              + attr("xsi:schemaLocation", f"{METS} {METS_XSD}"))
    _header(doc, organization)
    doc.start("mets:fileSec")
    doc.start("mets:fileGrp", attr("USE", "metadata"))
    for number, (name, sha256, size) in enumerate(listed, start=1):
        doc.start("mets:file", attr("ID", f"file-{number}") + attr("MIMETYPE", "application/xml")
                  + attr("SIZE", str(size)) + attr("CHECKSUM", sha256) + attr("CHECKSUMTYPE", "SHA-256"))
        _location(doc, "mets:FLocat", name)
        doc.end()
    _close(doc, 2)
    doc.start("mets:structMap", attr("ID", "structMap-1") + attr("TYPE", "physical")
              + attr("LABEL", "archivist collection"))
    doc.start("mets:div", attr("TYPE", "Directory") + attr("LABEL", label))
    for number, (name, _, _) in enumerate(listed, start=1):  # the pointer to each METS, and its file
        doc.start("mets:div", attr("TYPE", "Item") + attr("LABEL", name.removesuffix(EXPORTER_EXTENSION)))
        _location(doc, "mets:mptr", name)
        doc.leaf("mets:fptr", None, attr("FILEID", f"file-{number}"))
        doc.end()
    return doc.data()


def export(record: Record) -> bytes:
    """The METS document of a record alone (no exports written beside it)."""
    return describe(record, Context())


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

__all__ = ["EXPORTER", "SCHEMA_LOCATION", "UNKNOWN_DATE", "collection", "describe", "export", "export_date",
           "uuid_for"]

"""METS 1.12.1 with PREMIS 3: one record's archival information package, as Archivematica lays out its AIP METS.

Descriptive metadata: MODS and qualified DC (``dmdSec``). One ``amdSec`` per file, as Archivematica's
``create_mets_v2.py`` writes them: the file's PREMIS object (SHA-256 fixity, size, format with its PRONOM id), the
events that concern it and their agents; the record's own amdSec holds the rights. Files: the original captures the
record lists, the record's JSON and every export written for it before this one in the same run; locations are
relative to the METS file, in archivist's output layout (exports beside it; the record and its originals under
``records/<id>/``, where a bag puts them). Identifiers are UUID v5 from the record id and what they name; dates come
from the record, and export-time events take SOURCE_DATE_EPOCH, else the EDTF unspecified date ``XXXX-XX-XX``:
the same record gives the same bytes, and no date is invented.

Written as bytes from templates made once per process (``_premis.py``; an export's whole amdSec is one), so only
what a record adds is escaped, checked and encoded. The dmdSecs take the MODS and DC the run wrote for the record
when it did, indented deeper, instead of writing them again.
"""

from __future__ import annotations

import hashlib
import os
import uuid  # the namespace of archivist's UUIDs
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

from .. import __version__
from .._constants import XML_DECLARATION, XSI
from .._paths import UnsafePath, inside
from ._base import Context, Exporter, Record
from ._formats import OUTPUT_FORMATS, Format, identify
from ._identifiers import RECORD_URN_PREFIX
from ._markup import PADS, Markup, attr
from ._premis import (
    AGENT,
    AGENT_VERSIONED,
    EVENT_DETAIL,
    EVENT_END,
    EVENT_HEAD,
    LINKED_AGENT,
    LINKED_OBJECT,
    OUTCOME,
    OUTCOME_END,
    OUTCOME_NOTE,
    OUTCOME_START,
    PREMIS,
    PREMIS_XSD,
    attribute,
    compile_template,
    content,
    object_template,
    wrapper,
)
from .dcterms import write as write_dc
from .mods import MODS_XSD, XLINK
from .mods import write as write_mods

METS = "http://www.loc.gov/METS/"
METS_XSD = "http://www.loc.gov/standards/mets/version1121/mets.xsd"
SCHEMA_LOCATION = f"{METS} {METS_XSD} {PREMIS} {PREMIS_XSD} http://www.loc.gov/mods/v3 {MODS_XSD}"
NSMAP = {"mets": METS, "premis": PREMIS, "xlink": XLINK, "xsi": XSI}
#: How an event time that the record does not give is written: EDTF's unspecified date (eventDateTime is a string).
UNKNOWN_DATE = "XXXX-XX-XX"
#: Record provenance actions that name a PREMIS event type (id.loc.gov/vocabulary/preservation/eventType).
EVENT_TYPES = {"ingested": "ingestion", "captured": "capture", "validated": "validation"}
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:x-archivist:")  # the namespace of every UUID v5 archivist makes


_NAMESPACE_SHA1 = hashlib.sha1(_NAMESPACE.bytes, usedforsecurity=False)


def uuid_for(record_id: str, *what: str) -> str:
    """A UUID v5 from the record id and what it names: the same on every run and machine (RFC 9562 section 5.5,
    what ``uuid.uuid5`` gives, without building UUID objects: a METS names a few dozen)."""
    sha1 = _NAMESPACE_SHA1.copy()
    sha1.update("\x1f".join((record_id, *what)).encode("utf-8"))
    h = sha1.hexdigest()
    # the version (5) in place of the 13th hex digit, the RFC 4122 variant (10xx) in the 17th
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


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


def _objects(record: Record, context: Context, data: bytes) -> tuple[list[_Object], _Object]:
    """The files of the record's package: its originals, its JSON (``data``), and what was written for it."""
    rid = record["id"]
    originals = _originals(record, context.base)
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


_ROOT_NAMESPACES = "".join(attr(f"xmlns:{prefix}", uri) for prefix, uri in NSMAP.items())


def _identifier(doc: Markup, kind: str, type_: str, value: str) -> None:
    doc.start(f"premis:{kind}Identifier")
    doc.leaf(f"premis:{kind}IdentifierType", type_)
    doc.leaf(f"premis:{kind}IdentifierValue", value)
    doc.end()


def _close(doc: Markup, count: int) -> None:
    for _ in range(count):
        doc.end()


def _ascii(value: str) -> bytes:
    """A value archivist makes that needs no escaping (UUIDs, digests, numbers, IDs)."""
    return value.encode("ascii")


def _premis_object(obj: _Object, encode: Callable[[str], bytes] = content) -> bytes:
    values = [encode(obj.uuid), encode(obj.sha256), encode(str(obj.size)), encode(obj.original_name)]
    for source, event in obj.sources:
        values += (encode(source), encode(event))
    return object_template(obj.format, len(obj.sources)) % tuple(values)


def _premis_event(event: _Event, links: dict[tuple[str, str], bytes],
                  encode: Callable[[str], bytes] = content) -> bytes:
    """A PREMIS event; ``links`` keeps each agent's linkingAgentIdentifier, written once per METS."""
    parts = [EVENT_HEAD % (encode(event.key), content(event.type), content(event.date))]
    if event.detail:
        parts.append(EVENT_DETAIL % encode(event.detail))
    if event.outcome or event.outcome_note:
        parts.append(OUTCOME_START)
        if event.outcome:
            parts.append(OUTCOME % content(event.outcome))
        if event.outcome_note:
            parts.append(OUTCOME_NOTE % content(event.outcome_note))
        parts.append(OUTCOME_END)
    for agent in event.agents:
        key = (agent.kind, agent.value)
        if key not in links:
            links[key] = LINKED_AGENT % (content(agent.kind), content(agent.value))
        parts.append(links[key])
    parts += [LINKED_OBJECT % (encode(key), _ascii(role)) for key, role in event.objects]  # roles: archivist's own
    parts.append(EVENT_END)
    return b"".join(parts)


def _premis_agent(agent: _Agent) -> bytes:
    return _agent_document(agent.kind, agent.value, agent.name, agent.type, agent.version)


@lru_cache(maxsize=256)
def _agent_document(kind: str, value: str, name: str, type_: str, version: str | None) -> bytes:
    """A PREMIS agent: the same few (archivist, the organization, the capturing tool) in every METS of a run."""
    values = (content(kind), content(value), content(name), content(type_))
    return AGENT_VERSIONED % (*values, content(version)) if version else AGENT % values


def _premis_rights(doc: Markup, record: Record, own: _Object) -> None:
    rights = record["rights"]
    doc.start("premis:rights", attr("version", "3.0") + attr("xsi:schemaLocation", f"{PREMIS} {PREMIS_XSD}"))
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


_AMD_START = compile_template(f'{PADS[1]}<mets:amdSec ID="amd-\x00">')
_AMD_END = f"{PADS[1]}</mets:amdSec>".encode()


def _amd_section(n: str, obj: _Object, record: Record, own: _Object, written: dict[tuple[str, str], bytes],
                 links: dict[tuple[str, str], bytes], encode: Callable[[str], bytes] = content) -> list[bytes]:
    """The amdSec of one file (number ``n``): its object, its events, their agents (and the rights in the record's).
    ``written`` and ``links`` keep each agent's document and link, written once per METS."""
    number = encode(n)
    parts = [_AMD_START % number, _TECH_MD % (b"techMD-" + number, _premis_object(obj, encode))]
    if obj is own and "rights" in record:
        rights = Markup("", inside=("mets:mets", "mets:amdSec", "mets:rightsMD", "mets:mdWrap", "mets:xmlData"))
        _premis_rights(rights, record, own)
        parts.append(wrapper("rightsMD", "PREMIS:RIGHTS") % (b"rightsMD-" + number, rights.fragment().strip()))
    agents: dict[tuple[str, str], _Agent] = {}
    for index, event in enumerate(obj.events, start=1):
        parts.append(_EVENT_MD % (b"digiprovMD-%b-event-%d" % (number, index), _premis_event(event, links, encode)))
        agents.update({(a.kind, a.value): a for a in event.agents})
    for index, (key, agent) in enumerate(agents.items(), start=1):
        if key not in written:
            written[key] = _premis_agent(agent)
        parts.append(_AGENT_MD % (b"digiprovMD-%b-agent-%d" % (number, index), written[key]))
    parts.append(_AMD_END)
    return parts


_TECH_MD, _EVENT_MD = wrapper("techMD", "PREMIS:OBJECT"), wrapper("digiprovMD", "PREMIS:EVENT")
_AGENT_MD = wrapper("digiprovMD", "PREMIS:AGENT")
#: The values that differ between two exports' amdSecs, by the mark a derivative's template holds for each.
_MARKS = {"number": "\x00n", "uuid": "\x00u", "sha256": "\x00s", "size": "\x00z", "name": "\x00m",
          "record": "\x00r", "event": "\x00e", "detail": "\x00d"}


def _marked(value: str) -> bytes:
    """A mark as it stands in a template being made; any other value as content."""
    return value.encode("ascii") if value in _MARK_SET else content(value)


_MARK_SET = frozenset(_MARKS.values())


_Pick = Callable[[tuple[bytes, ...]], tuple[bytes, ...]]  # the values of a template's holes, in order


@lru_cache(maxsize=64)
def _derivative(fmt: Format, event_type: str, date: str, outcome: str | None,
                agents: tuple[tuple[str, str, str, str, str | None], ...]) -> tuple[bytes, _Pick]:
    """The amdSec of an export whose format, creation event and agents are these, as a template, and what picks
    the value of each of its holes, in order, from the values of ``_MARKS`` in their order: most of a METS is such
    amdSecs, the same for every record but a few values."""
    m = _MARKS
    obj = _Object(m["uuid"], "derivative", "", m["sha256"], 0, "", fmt, m["name"], [(m["record"], m["event"])])
    obj.events.append(_Event(m["event"], event_type, date, m["detail"], outcome, None,
                             [_Agent(*agent) for agent in agents], [(m["record"], "source"), (m["uuid"], "outcome")]))
    size = m["size"]

    def encode(value: str) -> bytes:  # the size is the one int: 0 here, its mark in the template
        return _marked(size if value == "0" else value)

    xml = b"".join(_amd_section(m["number"], obj, {}, obj, {}, {}, encode)).decode("utf-8")
    place = {mark: index for index, mark in enumerate(_MARKS.values())}
    order = [place[xml[i:i + 2]] for i in range(len(xml)) if xml[i] == "\x00"]
    for mark in _MARKS.values():
        xml = xml.replace(mark, "\x00")
    return compile_template(xml), itemgetter(*order) if len(order) > 1 else lambda row: (row[order[0]],)


def _amd_sections(record: Record, objects: list[_Object], own: _Object) -> list[bytes]:
    """One amdSec per file; an export's is filled into the template of its kind."""
    parts: list[bytes] = []
    written: dict[tuple[str, str], bytes] = {}
    links: dict[tuple[str, str], bytes] = {}
    own_uuid = own.uuid.encode("ascii")
    for number, obj in enumerate(objects, start=1):
        event = obj.events[0] if len(obj.events) == 1 else None
        if obj.use != "derivative" or event is None or not event.detail or event.outcome_note \
                or obj.sources != [(own.uuid, event.key)] \
                or event.objects != [(own.uuid, "source"), (obj.uuid, "outcome")]:  # not the shape of an export
            parts += _amd_section(str(number), obj, record, own, written, links)
            continue
        template, pick = _derivative(obj.format, event.type, event.date, event.outcome,
                                     tuple((a.kind, a.value, a.name, a.type, a.version) for a in event.agents))
        # in the order of _MARKS: number, uuid, sha256, size, name, record, event, detail
        parts.append(template % pick((b"%d" % number, obj.uuid.encode("ascii"), obj.sha256.encode("ascii"),
                                      b"%d" % obj.size, content(obj.original_name), own_uuid,
                                      event.key.encode("ascii"), content(event.detail))))
    return parts


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


_DMD_DEPTH = 4  # where a dmdSec's document stands: mets/dmdSec/mdWrap/xmlData
_HEAD = XML_DECLARATION.encode("ascii")


def _embedded(document: bytes | None, plain: bool, write: Callable[[Markup, Record], None], record: Record) -> bytes:
    """A description (MODS, DC) as a dmdSec holds it: the document the run already wrote for the record, indented
    deeper, when ``plain`` (no string of the record holds a line break, so every one in the document is
    indentation); else written again at that depth."""
    if plain and document is not None and document.startswith(_HEAD) and document.endswith(b">\n"):
        return document[len(_HEAD):-1].replace(b"\n", PADS[_DMD_DEPTH].encode("ascii"))
    doc = Markup("", inside=("mets:mets", "mets:dmdSec", "mets:mdWrap", "mets:xmlData"))
    write(doc, record)
    return doc.fragment()[:-1]


def _dmd_section(ident: str, mdtype: str, document: bytes) -> bytes:
    pad = PADS
    return (f'{pad[1]}<mets:dmdSec ID="{ident}">{pad[2]}<mets:mdWrap MDTYPE="{mdtype}">{pad[3]}<mets:xmlData>'
            ).encode("ascii") + document + f"{pad[3]}</mets:xmlData>{pad[2]}</mets:mdWrap>{pad[1]}</mets:dmdSec>" \
        .encode("ascii")


_FILE_GROUP = compile_template(f'{PADS[2]}<mets:fileGrp USE="\x00">')
_FILE = compile_template(f'{PADS[3]}<mets:file ID="file-\x00" GROUPID="Group-\x00" MIMETYPE="\x00" SIZE="\x00" '
                         f'CHECKSUM="\x00" CHECKSUMTYPE="SHA-256" ADMID="\x00">{PADS[4]}<mets:FLocat LOCTYPE="URL" '
                         f'xlink:type="simple" xlink:href="\x00"/>{PADS[3]}</mets:file>')
_ITEM = compile_template(f'{PADS[3]}<mets:div TYPE="Item" LABEL="\x00">{PADS[4]}<mets:fptr FILEID="file-\x00"/>'
                         f"{PADS[3]}</mets:div>")


@lru_cache(maxsize=64)
def _mime(media_type: str) -> bytes:
    """A file's MIMETYPE attribute: its media type without parameters."""
    return attribute(media_type.split(";")[0].strip())


def _files(objects: list[_Object], own: _Object, amd: dict[str, bytes]) -> list[bytes]:
    """The fileSec (by use, in order of first appearance) and the physical structMap's items."""
    parts = [f"{PADS[1]}<mets:fileSec>".encode()]
    for use in dict.fromkeys(obj.use for obj in objects):
        parts.append(_FILE_GROUP % attribute(use))
        for obj in (o for o in objects if o.use == use):
            # As Archivematica: file-<object UUID>; an original or metadata file is a group of its own, a
            # derivative is in the group of its source (the record).
            group = own.uuid if obj.use == "derivative" else obj.uuid
            parts.append(_FILE % (_ascii(obj.uuid), _ascii(group), _mime(obj.media_type),
                                  _ascii(str(obj.size)), _ascii(obj.sha256), amd[obj.uuid], attribute(obj.href)))
        parts.append(f"{PADS[2]}</mets:fileGrp>".encode())
    parts.append(f"{PADS[1]}</mets:fileSec>".encode())
    return parts


def describe(record: Record, context: Context) -> bytes:
    """The METS document of a record and the files written for it (``context``)."""
    from ..records import record_bytes

    rid = record["id"]
    data = record_bytes(record)
    objects, own = _objects(record, context, data)
    _events(record, objects, own, context)
    earlier = {written.name: written.data for written in context.written}
    plain = b"\\n" not in data  # JSON writes a line break in a string as \n
    header = Markup("", inside=("mets:mets",))
    _header(header, context.organization)
    parts = [_HEAD, b"\n<mets:mets", _ROOT_NAMESPACES.encode("ascii"), b' OBJID="',
             attribute(RECORD_URN_PREFIX + rid), b'" LABEL="', attribute(record["title"]),
             f'" TYPE="archivist record"{attr("xsi:schemaLocation", SCHEMA_LOCATION)}>'.encode("ascii"),
             header.fragment()[:-1],
             _dmd_section("dmdSec-mods", "MODS", _embedded(earlier.get("mods"), plain, write_mods, record)),
             _dmd_section("dmdSec-dc", "DC", _embedded(earlier.get("dcterms"), plain, write_dc, record))]
    sections = _amd_sections(record, objects, own)
    parts += sections
    amd = {obj.uuid: b"amd-%d" % number for number, obj in enumerate(objects, start=1)}
    parts += _files(objects, own, amd)
    parts.append(f'{PADS[1]}<mets:structMap ID="structMap-1" TYPE="physical" LABEL="archivist record">{PADS[2]}'
                 f'<mets:div TYPE="Directory" LABEL="'.encode("ascii"))
    parts.append(attribute(rid))
    parts.append(b'" DMDID="dmdSec-mods dmdSec-dc">')
    parts += [_ITEM % (attribute(obj.href), _ascii(obj.uuid)) for obj in objects]
    parts.append(f"{PADS[2]}</mets:div>{PADS[1]}</mets:structMap>\n</mets:mets>\n".encode("ascii"))
    return b"".join(parts)


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

"""The OAI-PMH 2.0 protocol: one request's arguments in, one response document out.

Every verb, argument rule and error code of the specification is handled here; the HTTP server only moves
bytes. Records come from a :class:`RecordIndex`; metadata formats are oai_dc, dcterms and marcxml.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from .._clock import wall_clock
from .._constants import XSI
from .._defaults import ADMIN_EMAIL, PAGE_SIZE, PLACEHOLDER_REPOSITORY_ID, REPOSITORY_BASE_URL, REPOSITORY_NAME
from .._errors import ArchivistError
from .._oai_vocabulary import (
    OAI,
    OAI_SCHEMA_LOCATION,
    REPOSITORY_ID,
    deleted_record_xml,
    header_xml,
    oai_identifier,
    payload,
    record_xml,
)
from ..exporters import dcterms, marcxml, oai_dc
from ._index import PAYLOAD, RecordIndex, Render
from ._rows import record_specs

OAI_IDENTIFIER = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_IDENTIFIER_SCHEMA = f"{OAI_IDENTIFIER} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SECOND = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
#: What OAI-PMH.xsd allows in the request element's attributes (and the identifier syntax of RFC 3986).
_SYNTAX = {
    "metadataPrefix": re.compile(r"[A-Za-z0-9\-_.!~*'()]+"),
    "set": re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*"),
    "identifier": re.compile(r"{c}+(?:#{c}*)?".replace("{c}", r"(?:[A-Za-z0-9\-._~:/?@!$&'()*+,;=]|%[0-9A-Fa-f]{2})")),
    "resumptionToken": re.compile(r"[A-Za-z0-9_-]+"),
}
_EMAIL = re.compile(r"[^\s@]+@([^\s@.]+\.)+[^\s@.]+")
_NOT_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
MAX_ARGUMENT = 2048
#: Where a response's records (or headers) go: they are written as text, which is faster than element trees.
_MARK = "archivist: records"
_ITEMS = f"<!--{_MARK}-->".encode()


@dataclass(frozen=True)
class MetadataFormat:
    """A format the provider disseminates: its prefix, schema URL, namespace, and the payload writer (given the
    record and the provider's base URL, under which the schemas it names are served)."""

    prefix: str
    schema: str
    namespace: str
    payload: Callable[[dict[str, Any], str], bytes]


FORMATS = {f.prefix: f for f in (
    MetadataFormat("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", oai_dc.OAI_DC,
                   lambda record, base: payload(oai_dc.export(record))),
    MetadataFormat("dcterms", "{base}/schemas/archivist-qdc.xsd", dcterms.CONTAINER_NS,
                   lambda record, base: payload(dcterms.export(record, schema_base=f"{base}/schemas/"))),
    MetadataFormat("marcxml", "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd", marcxml.MARC,
                   lambda record, base: marcxml.record_bytes(record)),
)}

_ARGUMENTS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}


class OAIError(Exception):
    """An OAI-PMH protocol error: its code (badArgument, …) and a message for the harvester."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Repository:
    """What Identify says: the name, base URL, admin email and the prefix of OAI identifiers."""

    name: str = REPOSITORY_NAME
    base_url: str = REPOSITORY_BASE_URL
    admin_email: str = ADMIN_EMAIL
    repository_id: str = PLACEHOLDER_REPOSITORY_ID
    page_size: int = PAGE_SIZE

    def check(self) -> None:
        """Raise ArchivistError naming the first value OAI-PMH and its schemas do not allow."""
        if not REPOSITORY_ID.fullmatch(self.repository_id):
            raise ArchivistError(f"repository id {self.repository_id!r} is not a domain name such as "
                                 "archive.example.org (letters, digits and hyphens, in dot-separated parts)")
        if not _EMAIL.fullmatch(self.admin_email):
            raise ArchivistError(f"admin email {self.admin_email!r} is not an email address")
        url = urlsplit(self.base_url)
        if url.scheme not in ("http", "https") or not url.hostname or _NOT_TEXT.search(self.base_url):
            raise ArchivistError(f"base URL {self.base_url!r} is not an http or https URL")
        if not self.name.strip() or _NOT_TEXT.search(self.name):
            raise ArchivistError(f"repository name {self.name!r} is empty or holds control characters")
        if self.page_size < 1:
            raise ArchivistError(f"page size {self.page_size} is not a positive number")


class Provider:
    """Answer OAI-PMH requests from a record index."""

    def __init__(self, index: RecordIndex, repository: Repository | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.index = index
        self.repo = repository or Repository()
        self.repo.check()
        self.clock = clock or wall_clock

    def respond(self, arguments: Mapping[str, Sequence[str]]) -> bytes:
        """The response document for a request's arguments (each name with all its values)."""
        return self.answer(arguments)[0]

    def refuse(self, code: str, message: str) -> bytes:
        """An error response for a request whose arguments could not even be read (e.g. too many of them)."""
        return self.answer({}, OAIError(code, message))[0]

    def answer(self, arguments: Mapping[str, Sequence[str]], refusal: OAIError | None = None
               ) -> tuple[bytes, str | None]:
        """The response document and the OAI error code it reports (None when it reports none)."""
        code = None
        items: list[bytes] = []  # records or headers, written as text where the list holds _ITEMS
        # lxml-stubs types nsmap keys as str; lxml takes None for the default namespace
        root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})  # type: ignore[dict-item]
        root.set(f"{{{XSI}}}schemaLocation", OAI_SCHEMA_LOCATION)
        etree.SubElement(root, f"{{{OAI}}}responseDate").text = self.clock().strftime("%Y-%m-%dT%H:%M:%SZ")
        request = etree.SubElement(root, f"{{{OAI}}}request")
        request.text = self.repo.base_url
        try:
            if refusal is not None:
                raise refusal
            verb, args = _check(arguments)
            for name, value in sorted(args.items()):
                request.set(name, value)
            request.set("verb", verb)
            root.append(getattr(self, f"_{verb}")(args, items))
        except OAIError as error:
            if error.code in ("badVerb", "badArgument"):
                request.attrib.clear()
            element = etree.SubElement(root, f"{{{OAI}}}error", code=error.code)
            element.text = error.message
            code = error.code
        etree.indent(root, space=" ")
        document = etree.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"
        return (document.replace(_ITEMS, b"\n".join(items), 1) if items else document), code

    def _Identify(self, args: dict[str, str], items: list[bytes]) -> etree._Element:
        identify = etree.Element(f"{{{OAI}}}Identify")
        for name, value in (("repositoryName", self.repo.name), ("baseURL", self.repo.base_url),
                            ("protocolVersion", "2.0"), ("adminEmail", self.repo.admin_email),
                            ("earliestDatestamp", self.index.earliest() or "1970-01-01T00:00:00Z"),
                            ("deletedRecord", "persistent"), ("granularity", "YYYY-MM-DDThh:mm:ssZ")):
            etree.SubElement(identify, f"{{{OAI}}}{name}").text = value
        description = etree.SubElement(identify, f"{{{OAI}}}description")
        # lxml-stubs types nsmap keys as str; lxml takes None for the default namespace
        scheme = etree.SubElement(description, f"{{{OAI_IDENTIFIER}}}oai-identifier",
                                  nsmap={None: OAI_IDENTIFIER})  # type: ignore[dict-item]
        scheme.set(f"{{{XSI}}}schemaLocation", OAI_IDENTIFIER_SCHEMA)
        sample = oai_identifier({"id": self.index.first_id() or "record-id"}, self.repo.repository_id)
        for name, value in (("scheme", "oai"), ("repositoryIdentifier", self.repo.repository_id),
                            ("delimiter", ":"), ("sampleIdentifier", sample)):
            etree.SubElement(scheme, f"{{{OAI_IDENTIFIER}}}{name}").text = value
        return identify

    def _find(self, identifier: str) -> tuple[str, dict[str, Any] | None, str]:
        """The record id, record and datestamp an identifier names (the record None when it was withdrawn: the
        datestamp is then the withdrawal's); idDoesNotExist if none, saying what identifiers here look like."""
        prefix = f"oai:{self.repo.repository_id}:"
        record_id = identifier[len(prefix):] if identifier.startswith(prefix) else None
        found = self.index.get(record_id) if record_id is not None else None
        if found is None and record_id is not None and (gone := self.index.deleted(record_id)) is not None:
            return record_id, None, gone
        if found is None or record_id is None:
            tail = identifier.rsplit(":", 1)[-1] if identifier.startswith("oai:") else identifier
            shape = "" if identifier.startswith(prefix) else (
                f"; identifiers here look like {prefix}<record id>, such as {_shown(prefix + tail)}")
            raise OAIError("idDoesNotExist", f"no item has the identifier {_shown(identifier)}{shape}")
        return record_id, *found

    def _ListMetadataFormats(self, args: dict[str, str], items: list[bytes]) -> etree._Element:
        if "identifier" in args:
            self._find(args["identifier"])
        element = etree.Element(f"{{{OAI}}}ListMetadataFormats")
        for fmt in FORMATS.values():
            item = etree.SubElement(element, f"{{{OAI}}}metadataFormat")
            etree.SubElement(item, f"{{{OAI}}}metadataPrefix").text = fmt.prefix
            etree.SubElement(item, f"{{{OAI}}}schema").text = fmt.schema.format(base=self.repo.base_url.rstrip("/"))
            etree.SubElement(item, f"{{{OAI}}}metadataNamespace").text = fmt.namespace
        return element

    def _ListSets(self, args: dict[str, str], items: list[bytes]) -> etree._Element:
        if "resumptionToken" in args:
            raise OAIError("badResumptionToken", "ListSets is answered in one response; this token is not valid")
        sets = self.index.sets()
        if not sets:
            raise OAIError("noSetHierarchy", "this repository has no sets (its records have no subjects)")
        element = etree.Element(f"{{{OAI}}}ListSets")
        for spec, name in sets:
            item = etree.SubElement(element, f"{{{OAI}}}set")
            etree.SubElement(item, f"{{{OAI}}}setSpec").text = spec
            etree.SubElement(item, f"{{{OAI}}}setName").text = name
        return element

    def _GetRecord(self, args: dict[str, str], items: list[bytes]) -> etree._Element:
        fmt = _format(args["metadataPrefix"])
        record_id, record, stamp = self._find(args["identifier"])
        element = etree.Element(f"{{{OAI}}}GetRecord")
        element.append(etree.Comment(_MARK))
        if record is None:
            items.append(deleted_record_xml(record_id, stamp, self.repo.repository_id,
                                            self.index.deleted_sets(record_id)))
            return element
        items.append(record_xml(record, stamp, self.repo.repository_id, record_specs(record),
                                fmt.payload(record, self.repo.base_url.rstrip("/"))))
        return element

    def _render(self, fmt: MetadataFormat) -> Render:
        base = self.repo.base_url.rstrip("/")
        return fmt.prefix, lambda record: fmt.payload(record, base)

    def keep_payloads(self, stop: Callable[[], bool], batch: int = 500) -> int:
        """Make and keep every record's payload in every format (those kept already are only checked), until
        done or ``stop()``; how many records were gone through."""
        done = 0
        for fmt in FORMATS.values():
            after, done = "", 0
            while not stop():
                rows, _ = self.index.select(after=after, limit=batch, render=self._render(fmt), wait=2.0)
                done += len(rows)
                if len(rows) < batch:
                    break
                after = rows[-1][0]["id"]
        return done

    def _ListIdentifiers(self, args: dict[str, str], items: list[bytes]) -> etree._Element:
        return self._list(args, items, records=False)

    def _ListRecords(self, args: dict[str, str], items: list[bytes]) -> etree._Element:
        return self._list(args, items, records=True)

    def _list(self, args: dict[str, str], items: list[bytes], *, records: bool) -> etree._Element:
        if "resumptionToken" in args:
            query, after, cursor, total = _decode_token(args["resumptionToken"])
        else:
            query = {k: args[k] for k in ("metadataPrefix", "from", "until", "set") if k in args}
            after, cursor, total = "", 0, None
        fmt = _format(query["metadataPrefix"])
        start, end = _range(query.get("from"), query.get("until"))
        if "set" in query and not self.index.has_sets():
            raise OAIError("noSetHierarchy", "this repository has no sets")
        rows, counted = _with_deleted(self.index, after=after, start=start, end=end, spec=query.get("set"),
                                      limit=self.repo.page_size + 1, count=total is None, records=records,
                                      render=self._render(fmt))
        total = counted if total is None else total
        if not rows:
            if after:
                raise OAIError("badResumptionToken", "the token no longer matches the records (they changed)")
            raise OAIError("noRecordsMatch", "no records match the arguments")
        more = len(rows) > self.repo.page_size
        rows = rows[:self.repo.page_size]
        element = etree.Element(f"{{{OAI}}}{'ListRecords' if records else 'ListIdentifiers'}")
        element.append(etree.Comment(_MARK))
        for record, stamp, specs in rows:
            if DELETED in record:
                item = header_xml(record, stamp, self.repo.repository_id, specs, deleted=True)
                items.append(b"<record>" + item + b"</record>" if records else item)
            elif records:
                items.append(record_xml(record, stamp, self.repo.repository_id, specs, record[PAYLOAD]))
            else:
                items.append(header_xml(record, stamp, self.repo.repository_id, specs))
        if more or after:
            size = max(total or 0, cursor + len(rows) + more)
            token = etree.SubElement(element, f"{{{OAI}}}resumptionToken", completeListSize=str(size),
                                     cursor=str(cursor))
            if more:
                token.text = _encode_token(query, rows[-1][0]["id"], cursor + len(rows), size)
        return element


DELETED = "archivist:deleted"  # the key marking a withdrawn record's row in a list (no record field is named so)


def _with_deleted(index: RecordIndex, *, limit: int, count: bool, records: bool = True, render: Render | None = None,
                  **query: Any) -> tuple[list[tuple[dict[str, Any], str, list[str]]], int | None]:
    """The records (headers only without ``records``) and the withdrawn records of a list request, merged in id
    order (paging is by id), up to ``limit``; a withdrawn one stands as ``{"id": …, DELETED: True}``. The count
    covers both."""
    rows, counted = index.select(limit=limit, count=count, records=records, render=render, **query)
    gone, gone_count = index.select_deleted(limit=limit, count=count, **query)
    if gone:
        rows = sorted([*rows, *(({"id": rid, DELETED: True}, stamp, specs) for rid, stamp, specs in gone)],
                      key=lambda row: row[0]["id"])[:limit]
    return rows, (None if counted is None else counted + gone_count)


def _check(arguments: Mapping[str, Sequence[str]]) -> tuple[str, dict[str, str]]:
    """The verb and its arguments, after the rules of OAI-PMH 3.1 and the syntax of each argument."""
    verbs = arguments.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in _ARGUMENTS:
        raise OAIError("badVerb", "missing, repeated or unknown verb; valid verbs: " + ", ".join(_ARGUMENTS))
    verb = verbs[0]
    required, optional = _ARGUMENTS[verb]
    args: dict[str, str] = {}
    for name, values in arguments.items():
        if name == "verb":
            continue
        if name not in required | optional:
            raise OAIError("badArgument", f"{verb} does not take the argument {_shown(name)}")
        if len(values) != 1:
            raise OAIError("badArgument", f"the argument {name} is repeated")
        args[name] = _argument(name, values[0])
    if "resumptionToken" in args:
        if len(args) > 1:
            raise OAIError("badArgument", "resumptionToken is an exclusive argument")
        return verb, args
    missing = sorted(required - set(args))
    if missing:
        raise OAIError("badArgument", f"{verb} requires {', '.join(missing)}")
    _range(args.get("from"), args.get("until"))
    return verb, args


def _argument(name: str, value: str) -> str:
    """``value`` if it has the syntax of argument ``name``; badArgument (badResumptionToken for a token) else."""
    code = "badResumptionToken" if name == "resumptionToken" else "badArgument"
    if not value:
        raise OAIError("badArgument", f"the argument {name} is empty")
    if len(value) > MAX_ARGUMENT or _NOT_TEXT.search(value):
        raise OAIError(code, f"the argument {name} is too long or holds control characters")
    syntax = _SYNTAX.get(name)
    if syntax is not None and not syntax.fullmatch(value):
        raise OAIError(code, f"the argument {name} has an illegal syntax: {_shown(value)}")
    return value


def _shown(value: str) -> str:
    """A value as it may appear in a message: quoted, escaped, and cut short."""
    return ascii(value[:80] + ("…" if len(value) > 80 else ""))


def _format(prefix: str) -> MetadataFormat:
    if prefix not in FORMATS:
        raise OAIError("cannotDisseminateFormat", f"unknown metadataPrefix {prefix!r}; available: "
                                                  + ", ".join(FORMATS))
    return FORMATS[prefix]


def _range(start: str | None, end: str | None) -> tuple[str | None, str | None]:
    """The ``from``/``until`` bounds as seconds-granularity datestamps; badArgument for anything but the
    OAI-PMH forms YYYY-MM-DD and YYYY-MM-DDThh:mm:ssZ (ASCII digits, nothing after)."""
    for value in (start, end):
        if value is None:
            continue
        if not (_DAY.fullmatch(value) or _SECOND.fullmatch(value)):
            raise OAIError("badArgument", f"{_shown(value)} is not a UTC datestamp (YYYY-MM-DD or "
                                          "YYYY-MM-DDThh:mm:ssZ)")
        try:
            datetime.strptime(value, "%Y-%m-%d" if len(value) == 10 else "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            raise OAIError("badArgument", f"{value!r} is not a real date and time") from None
    if start and end and len(start) != len(end):
        raise OAIError("badArgument", "from and until must have the same granularity")
    low = f"{start}T00:00:00Z" if start and len(start) == 10 else start
    high = f"{end}T23:59:59Z" if end and len(end) == 10 else end
    if low and high and low > high:
        raise OAIError("badArgument", "from is later than until")
    return low, high


def _encode_token(query: dict[str, str], after: str, cursor: int, total: int) -> str:
    text = json.dumps({"q": query, "a": after, "c": cursor, "n": total}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _decode_token(token: str) -> tuple[dict[str, str], str, int, int]:
    """The query, last id, cursor and list size a token carries; badResumptionToken for anything this
    repository did not issue (wrong shape, nested data, arguments a request could not carry)."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        query, after, cursor, total = data["q"], data["a"], data["c"], data["n"]
        if not (isinstance(query, dict) and isinstance(after, str) and type(cursor) is int and type(total) is int
                and 0 <= cursor <= total and set(query) <= {"metadataPrefix", "from", "until", "set"}
                and "metadataPrefix" in query and all(isinstance(v, str) for v in query.values())):
            raise ValueError
        for name, value in query.items():
            _argument(name, value)
        _range(query.get("from"), query.get("until"))
        return query, after, cursor, total
    except (ValueError, KeyError, TypeError, RecursionError, OAIError, binascii.Error, UnicodeDecodeError):
        raise OAIError("badResumptionToken", "the resumptionToken is not one this repository issued") from None

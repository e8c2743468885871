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
from datetime import datetime, timezone
from typing import Any

from lxml import etree

from ..exporters import dcterms, marcxml, oai_dc
from ..packages._oai import OAI, OAI_SCHEMA_LOCATION, header, record_element
from ._index import RecordIndex

XSI = "http://www.w3.org/2001/XMLSchema-instance"
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str
    element: Callable[[dict[str, Any]], etree._Element]


FORMATS = {f.prefix: f for f in (
    MetadataFormat("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", oai_dc.OAI_DC, oai_dc.element),
    MetadataFormat("dcterms", "{base}/schemas/archivist-qdc.xsd", dcterms.CONTAINER_NS, dcterms.element),
    MetadataFormat("marcxml", "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd", marcxml.MARC,
                   marcxml.record_element),
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
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Repository:
    """What Identify says: the name, base URL, admin email and the prefix of OAI identifiers."""

    name: str = "archivist repository"
    base_url: str = "http://localhost:8080/oai"
    admin_email: str = "admin@example.invalid"
    repository_id: str = "archivist.invalid"
    page_size: int = 100


class Provider:
    """Answer OAI-PMH requests from a record index."""

    def __init__(self, index: RecordIndex, repository: Repository | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.index = index
        self.repo = repository or Repository()
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def respond(self, arguments: Mapping[str, Sequence[str]]) -> bytes:
        """The response document for a request's arguments (each name with all its values)."""
        root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
        root.set(f"{{{XSI}}}schemaLocation", OAI_SCHEMA_LOCATION)
        etree.SubElement(root, f"{{{OAI}}}responseDate").text = self.clock().strftime("%Y-%m-%dT%H:%M:%SZ")
        request = etree.SubElement(root, f"{{{OAI}}}request")
        request.text = self.repo.base_url
        try:
            verb, args = self._check(arguments)
            for name, value in sorted(args.items()):
                request.set(name, value)
            request.set("verb", verb)
            root.append(getattr(self, f"_{verb}")(args))
        except OAIError as error:
            if error.code in ("badVerb", "badArgument"):
                request.attrib.clear()
            element = etree.SubElement(root, f"{{{OAI}}}error", code=error.code)
            element.text = error.message
        etree.indent(root, space=" ")
        return etree.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"

    def _check(self, arguments: Mapping[str, Sequence[str]]) -> tuple[str, dict[str, str]]:
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
                raise OAIError("badArgument", f"{verb} does not take the argument {name!r}")
            if len(values) != 1:
                raise OAIError("badArgument", f"the argument {name!r} is repeated")
            args[name] = values[0]
        if "resumptionToken" in args:
            if len(args) > 1:
                raise OAIError("badArgument", "resumptionToken is an exclusive argument")
            return verb, args
        missing = sorted(required - set(args))
        if missing:
            raise OAIError("badArgument", f"{verb} requires {', '.join(missing)}")
        return verb, args

    def _Identify(self, args: dict[str, str]) -> etree._Element:
        identify = etree.Element(f"{{{OAI}}}Identify")
        for name, value in (("repositoryName", self.repo.name), ("baseURL", self.repo.base_url),
                            ("protocolVersion", "2.0"), ("adminEmail", self.repo.admin_email),
                            ("earliestDatestamp", self.index.earliest() or "1970-01-01T00:00:00Z"),
                            ("deletedRecord", "no"), ("granularity", "YYYY-MM-DDThh:mm:ssZ")):
            etree.SubElement(identify, f"{{{OAI}}}{name}").text = value
        return identify

    def _record_id(self, identifier: str) -> str:
        prefix = f"oai:{self.repo.repository_id}:"
        if not identifier.startswith(prefix) or self.index.get(identifier[len(prefix):]) is None:
            raise OAIError("idDoesNotExist", f"no item has the identifier {identifier!r}")
        return identifier[len(prefix):]

    def _ListMetadataFormats(self, args: dict[str, str]) -> etree._Element:
        if "identifier" in args:
            self._record_id(args["identifier"])
        element = etree.Element(f"{{{OAI}}}ListMetadataFormats")
        for fmt in FORMATS.values():
            item = etree.SubElement(element, f"{{{OAI}}}metadataFormat")
            etree.SubElement(item, f"{{{OAI}}}metadataPrefix").text = fmt.prefix
            etree.SubElement(item, f"{{{OAI}}}schema").text = fmt.schema.format(base=self.repo.base_url.rstrip("/"))
            etree.SubElement(item, f"{{{OAI}}}metadataNamespace").text = fmt.namespace
        return element

    def _ListSets(self, args: dict[str, str]) -> etree._Element:
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

    def _format(self, prefix: str) -> MetadataFormat:
        if prefix not in FORMATS:
            raise OAIError("cannotDisseminateFormat", f"unknown metadataPrefix {prefix!r}; available: "
                                                      + ", ".join(FORMATS))
        return FORMATS[prefix]

    def _header(self, record: dict[str, Any], stamp: str) -> etree._Element:
        return header(record, stamp, self.repo.repository_id, self.index.sets_of(record["id"]))

    def _record(self, record: dict[str, Any], stamp: str, fmt: MetadataFormat) -> etree._Element:
        return record_element(record, stamp, self.repo.repository_id, self.index.sets_of(record["id"]),
                              fmt.element(record))

    def _GetRecord(self, args: dict[str, str]) -> etree._Element:
        fmt = self._format(args["metadataPrefix"])
        found = self.index.get(self._record_id(args["identifier"]))
        assert found is not None
        element = etree.Element(f"{{{OAI}}}GetRecord")
        element.append(self._record(*found, fmt))
        return element

    def _ListIdentifiers(self, args: dict[str, str]) -> etree._Element:
        return self._list(args, records=False)

    def _ListRecords(self, args: dict[str, str]) -> etree._Element:
        return self._list(args, records=True)

    def _list(self, args: dict[str, str], *, records: bool) -> etree._Element:
        if "resumptionToken" in args:
            query, after, cursor = _decode_token(args["resumptionToken"])
        else:
            query = {k: args[k] for k in ("metadataPrefix", "from", "until", "set") if k in args}
            after, cursor = "", 0
        fmt = self._format(query["metadataPrefix"])
        start, end = _range(query.get("from"), query.get("until"))
        if "set" in query and not self.index.sets():
            raise OAIError("noSetHierarchy", "this repository has no sets")
        rows, total = self.index.select(after=after, start=start, end=end, spec=query.get("set"),
                                        limit=self.repo.page_size)
        if not rows:
            if after:
                raise OAIError("badResumptionToken", "the token no longer matches the records (they changed)")
            raise OAIError("noRecordsMatch", "no records match the arguments")
        element = etree.Element(f"{{{OAI}}}{'ListRecords' if records else 'ListIdentifiers'}")
        for record, stamp in rows:
            element.append(self._record(record, stamp, fmt) if records else self._header(record, stamp))
        if cursor + len(rows) < total or after:
            token = etree.SubElement(element, f"{{{OAI}}}resumptionToken", completeListSize=str(total),
                                     cursor=str(cursor))
            if cursor + len(rows) < total:
                token.text = _encode_token(query, rows[-1][0]["id"], cursor + len(rows))
        return element


def _range(start: str | None, end: str | None) -> tuple[str | None, str | None]:
    for value in (start, end):
        if value is not None and not (_DAY.match(value) or _SECOND.match(value)):
            raise OAIError("badArgument", f"{value!r} is not a UTC datestamp (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)")
        if value is not None:
            try:
                datetime.strptime(value[:10], "%Y-%m-%d")
            except ValueError:
                raise OAIError("badArgument", f"{value!r} is not a real date") from None
    if start and end and len(start) != len(end):
        raise OAIError("badArgument", "from and until must have the same granularity")
    low = f"{start}T00:00:00Z" if start and len(start) == 10 else start
    high = f"{end}T23:59:59Z" if end and len(end) == 10 else end
    if low and high and low > high:
        raise OAIError("badArgument", "from is later than until")
    return low, high


def _encode_token(query: dict[str, str], after: str, cursor: int) -> str:
    text = json.dumps({"q": query, "a": after, "c": cursor}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _decode_token(token: str) -> tuple[dict[str, str], str, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        query, after, cursor = data["q"], data["a"], data["c"]
        if not (isinstance(query, dict) and "metadataPrefix" in query and isinstance(after, str)
                and isinstance(cursor, int) and cursor >= 0):
            raise ValueError
        return {str(k): str(v) for k, v in query.items()}, after, cursor
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise OAIError("badResumptionToken", "the resumptionToken is not one this repository issued") from None

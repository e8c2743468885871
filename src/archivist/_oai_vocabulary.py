"""The OAI-PMH vocabulary the static ListRecords package and the data provider share: identifiers, datestamps,
sets, placeholder names, and the header and record elements."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA_LOCATION = f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
_SET_CHARS = re.compile(r"[^A-Za-z0-9_.!~*'()-]+")
#: A repository identifier as oai-identifier.xsd allows it: a domain name.
REPOSITORY_ID = re.compile(r"[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+")
#: Names reserved for examples, tests and documentation (RFC 2606, RFC 6761): nobody can be reached there.
_RESERVED_TLDS = ("invalid", "example", "test", "localhost")
_EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org")


def oai_identifier(record: dict[str, Any], repository_id: str) -> str:
    """``oai:<repository id>:<record id>`` (record ids are already restricted to safe characters)."""
    return f"oai:{repository_id}:{record['id']}"


def _instant(value: str) -> str:
    """A schema timestamp as an OAI UTCdatetime at seconds granularity (a day alone is taken at 00:00:00Z)."""
    if len(value) == 10:
        return f"{value}T00:00:00Z"
    return value[:19] + "Z"


def datestamp(record: dict[str, Any]) -> str:
    """When the record last changed: its latest provenance event, else its retrieval time."""
    moments = [_instant(e["at"]) for e in record.get("provenance", [])]
    moments.append(_instant(record["retrieval"]["retrieved_at"]))
    return max(moments)


def subject_sets(record: dict[str, Any]) -> list[tuple[str, str]]:
    """``(setSpec, setName)`` for each subject: ``subject:<scheme>:<term>``; a term with characters a setSpec
    cannot hold is named by a short hash of it instead."""
    sets = []
    for subject in record.get("subjects", []):
        term = subject["term"]
        spec = _SET_CHARS.sub("-", term).strip("-")
        if not term.isascii() or not spec:
            spec = "h" + hashlib.sha1(term.encode("utf-8")).hexdigest()[:16]
        pair = (f"subject:{subject['scheme']}:{spec}", f"{term} ({subject['scheme']})")
        if pair not in sets:
            sets.append(pair)
    return sets


def is_placeholder_host(host: str) -> bool:
    """Whether a domain name or address cannot name a real repository: a reserved example or test name
    (``*.invalid``, ``example.org``, ``localhost``…) or a loopback or unspecified address."""
    name = host.strip("[]").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return name.rsplit(".", 1)[-1] in _RESERVED_TLDS or any(
            name == domain or name.endswith("." + domain) for domain in _EXAMPLE_DOMAINS)
    return address.is_loopback or address.is_unspecified


def placeholders(base_url: str, repository_id: str, admin_email: str | None = None) -> dict[str, str]:
    """A sentence for each of these values (by name) that is a placeholder rather than the repository's own."""
    found = {}
    if is_placeholder_host(repository_id):
        found["repository_id"] = (f"the repository id {repository_id} is a placeholder: identifiers "
                                  f"oai:{repository_id}:… name no real repository")
    if is_placeholder_host(urlsplit(base_url).hostname or ""):
        found["base_url"] = (f"the base URL {base_url} is a placeholder (a reserved example name or a loopback "
                             "address no harvester elsewhere can reach)")
    if admin_email is not None and is_placeholder_host(admin_email.rpartition("@")[2]):
        found["admin_email"] = f"the admin email {admin_email} is a placeholder"
    return found


def header_xml(record: dict[str, Any], stamp: str, repository_id: str, specs: Iterable[str], *,
               deleted: bool = False) -> bytes:
    """The OAI-PMH ``header`` of a record (identifier, datestamp, set memberships), as XML text in the OAI
    namespace's default scope; for a ``deleted`` record (only its id is needed) with ``status="deleted"``."""
    start = '<header status="deleted">' if deleted else "<header>"
    parts = [f"{start}<identifier>{escape(oai_identifier(record, repository_id))}</identifier>",
             f"<datestamp>{escape(stamp)}</datestamp>"]
    parts += [f"<setSpec>{escape(spec)}</setSpec>" for spec in specs]
    parts.append("</header>")
    return "".join(parts).encode("utf-8")


def record_xml(record: dict[str, Any], stamp: str, repository_id: str, specs: Iterable[str], payload: bytes) -> bytes:
    """The OAI-PMH ``record``: its header and ``payload`` (one XML element, no declaration) as metadata."""
    return b"<record>" + header_xml(record, stamp, repository_id, specs) + b"<metadata>" + payload + \
        b"</metadata></record>"


def deleted_record_xml(record_id: str, stamp: str, repository_id: str, specs: Iterable[str]) -> bytes:
    """The OAI-PMH ``record`` of a withdrawn record: its header with ``status="deleted"`` and no metadata (the
    datestamp is when it was withdrawn)."""
    return b"<record>" + header_xml({"id": record_id}, stamp, repository_id, specs, deleted=True) + b"</record>"


def payload(document: bytes) -> bytes:
    """An exported XML document as a payload to embed: without its XML declaration and final newline."""
    if document.startswith(b"<?xml"):
        document = document[document.index(b"?>") + 2:]
    return document.strip()

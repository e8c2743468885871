"""OAI-PMH facts shared by the static ListRecords package and the data provider: identifiers, datestamps, sets."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from lxml import etree

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA_LOCATION = f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
_SET_CHARS = re.compile(r"[^A-Za-z0-9_.!~*'()-]+")


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


def header(record: dict[str, Any], stamp: str, repository_id: str, specs: Iterable[str]) -> etree._Element:
    """The OAI-PMH ``header`` of a record: identifier, datestamp and set memberships."""
    head = etree.Element(f"{{{OAI}}}header", nsmap={None: OAI})
    etree.SubElement(head, f"{{{OAI}}}identifier").text = oai_identifier(record, repository_id)
    etree.SubElement(head, f"{{{OAI}}}datestamp").text = stamp
    for spec in specs:
        etree.SubElement(head, f"{{{OAI}}}setSpec").text = spec
    return head


def record_element(record: dict[str, Any], stamp: str, repository_id: str, specs: Iterable[str],
                   metadata: etree._Element) -> etree._Element:
    """The OAI-PMH ``record``: its header and the given metadata payload."""
    element = etree.Element(f"{{{OAI}}}record", nsmap={None: OAI})
    element.append(header(record, stamp, repository_id, specs))
    etree.SubElement(element, f"{{{OAI}}}metadata").append(metadata)
    return element

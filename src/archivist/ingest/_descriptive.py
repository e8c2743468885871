"""Descriptive metadata a person gives (dates, creators, contributors, description, rights, publisher), checked and
applied to a record dict: the one vocabulary of ingest's options, its manifest columns and later edits.

Values are keyed by the names the options and columns use (:data:`DESCRIPTIVE`); a creator or contributor is
written ``KIND:NAME[|ROLE][|URI]``, KIND ``person`` or ``organization``, ROLE a MARC relator code or term.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._errors import IngestError
from ..records import record_validator, relator

#: Each descriptive name and where it goes in a record.
DESCRIPTIVE = {"issued": "/dates (type issued)", "created": "/dates (type created)",
               "modified": "/dates (type modified)", "creators": "/creators", "contributors": "/contributors",
               "description": "/description", "rights": "/rights/statement", "rights_uri": "/rights/uri",
               "publisher": "/source/publisher"}
DATE_TYPES = ("issued", "created", "modified")
AGENT_KINDS = ("person", "organization")


#: Where in the record schema each kind of value is defined (the validator's schema has its references inlined).
_SCHEMA_PATHS = {"date": ("dates", "items", "value"), "uri": ("rights", "uri"), "text": ("description",)}


def _check(kind: str, value: str, label: str) -> str:
    """``value`` if the record schema accepts it as a ``kind`` (date, uri, text), else IngestError saying what it
    expects."""
    validator = record_validator()
    schema: Any = validator.schema
    for key in _SCHEMA_PATHS[kind]:
        schema = schema["items"] if key == "items" else schema["properties"][key]
    if not validator.evolve(schema=schema).is_valid(value):
        expected = schema.get("x-expected") or schema["allOf"][-1].get("x-expected", "a value the schema accepts")
        raise IngestError(label, f"expected {expected}")
    return value


def parse_date(value: str) -> str:
    """A date as the record keeps it (W3CDTF or EDTF: 2024, 2024-03-03, 2024-03-03T10:00:00Z, 1980/2015, 19XX)."""
    return _check("date", value.strip(), value)


def parse_agent(value: str) -> dict[str, Any]:
    """``KIND:NAME[|ROLE][|URI]`` to a record agent; ROLE is a MARC relator code or term (kept as the list's term),
    URI an absolute URI (an authority record for the name)."""
    kind, sep, rest = value.strip().partition(":")
    if not sep or kind.strip().lower() not in AGENT_KINDS:
        raise IngestError(value, "expected KIND:NAME[|ROLE][|URI] with KIND person or organization (e.g. "
                                 "'person:Smith, Jane|editor' or 'organization:Instituto de Defensa Legal')")
    name, *extra = (part.strip() for part in rest.split("|"))
    if not name:
        raise IngestError(value, "the name is empty")
    agent: dict[str, Any] = {"name": name, "kind": kind.strip().lower()}
    for part in extra:
        if not part:
            continue
        if "://" in part or part.lower().startswith(("urn:", "info:")):
            agent["uri"] = _check("uri", part, value)
            continue
        found = relator(part)
        if found is None:
            raise IngestError(value, f"role {part!r} is not in the MARC relator list: give a code (aut, edt, ctb, "
                                     "pbl...) or a term (author, editor...) from id.loc.gov/vocabulary/relators")
        agent["role"] = found.term.lower()
    return agent


def parse_description(given: Mapping[str, Any]) -> dict[str, Any]:
    """Checked values from option or column text (names from :data:`DESCRIPTIVE`; None or empty: not given).
    Agents are lists of ``KIND:NAME[|ROLE][|URI]`` strings. Raises IngestError naming the field."""
    values: dict[str, Any] = {}
    for name, value in given.items():
        if name not in DESCRIPTIVE:
            raise IngestError(name, f"not a descriptive field; expected one of {', '.join(DESCRIPTIVE)}")
        if value is None or value == "" or value == []:
            continue
        try:
            if name in DATE_TYPES:
                values[name] = parse_date(value)
            elif name in ("creators", "contributors"):
                values[name] = [parse_agent(v) for v in value]
            elif name == "rights_uri":
                values[name] = _check("uri", value.strip(), value)
            else:
                values[name] = _check("text", value.strip(), value)
        except IngestError as exc:
            raise IngestError(f"{name} {exc.path!r}", exc.reason) from None
    return values


def is_valid_value(name: str, value: Any) -> bool:
    """Whether a value already in record form (agents as dicts) is one the record schema accepts for ``name``."""
    try:
        if name in DATE_TYPES:
            parse_date(value)
        elif name in ("creators", "contributors"):
            for agent in value:
                _check("text", agent["name"], agent["name"])
                if "uri" in agent:
                    _check("uri", agent["uri"], agent["uri"])
        else:
            _check("uri" if name == "rights_uri" else "text", value, name)
    except IngestError:
        return False
    return True


def apply_description(record: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Put checked descriptive ``values`` into ``record`` (in place, and returned): a given date replaces the record's
    date of that type, given agents replace the record's list; fields not given are left as they are."""
    dates = list(record.get("dates", []))
    for kind in DATE_TYPES:
        if kind in values:
            new = {"type": kind, "value": values[kind]}
            at = next((i for i, d in enumerate(dates) if d["type"] == kind), None)
            dates = [*dates[:at], new, *dates[at + 1:]] if at is not None else [*dates, new]
    if dates:
        record["dates"] = dates
    for kind in ("creators", "contributors"):
        if kind in values:
            record[kind] = [dict(agent) for agent in values[kind]]
    if "description" in values:
        record["description"] = values["description"]
    if "rights" in values or "rights_uri" in values:
        rights = record.setdefault("rights", {})
        if "rights" in values:
            rights["statement"] = values["rights"]
        if "rights_uri" in values:
            rights["uri"] = values["rights_uri"]
    if "publisher" in values:
        record["source"]["publisher"] = values["publisher"]
    return record


__all__ = ["AGENT_KINDS", "DATE_TYPES", "DESCRIPTIVE", "apply_description", "is_valid_value", "parse_agent",
           "parse_date", "parse_description"]

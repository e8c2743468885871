"""What the citation formats (CSL-JSON, BibTeX, RIS, DataCite) read from a record, decided once for all of them.

A retrieval date is only ever an access date: the publication date is the record's ``issued`` date and nothing else.
Dates are taken apart only where their form is plain (a year, month, day, an uncertain ``?``/``~`` year, a closed
range of two such); any other EDTF value is passed on as written, never rounded to a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._base import Record

_SPACES = re.compile(r"[ \t\r\n]+")
_PLAIN = re.compile(r"(-?\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01])(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?)?)?"
                    r"([?~%]?)")


def one_line(text: str) -> str:
    """``text`` on one line: each run of spaces, tabs and line breaks one space (as BibTeX reads them; RIS values
    are one line each), no space of any kind at either end; other spaces, such as no-break spaces, are kept."""
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class Parts:
    """A date taken apart: year, then month and day where known; ``circa`` for an EDTF ``?``, ``~`` or ``%``."""

    ymd: tuple[int, ...]
    circa: bool = False


def date_parts(value: str) -> list[Parts] | None:
    """One Parts (a date) or two (a closed range) for a plainly written date; None for any other form."""
    pieces = value.split("/")
    if len(pieces) > 2:
        return None
    found = []
    for piece in pieces:
        match = _PLAIN.fullmatch(piece)
        if match is None:
            return None
        found.append(Parts(tuple(int(g) for g in match.groups()[:3] if g is not None), bool(match.group(4))))
    return found


def access_date(record: Record) -> Parts:
    """The day the capture was retrieved (a date-time in UTC or a date: the day is what a citation gives)."""
    year, month, day = record["retrieval"]["retrieved_at"][:10].split("-")
    return Parts((int(year), int(month), int(day)))


def issued(record: Record) -> str | None:
    """The record's first ``issued`` date as written, or None: the only date a citation may give as published."""
    return next((d["value"] for d in record.get("dates", []) if d["type"] == "issued"), None)


def identifiers(record: Record, scheme: str) -> list[str]:
    """The record's identifiers of one scheme, each without the prefix or resolver written in front of it."""
    from ._identifiers import bare

    return [bare(scheme, i["value"]) for i in record.get("identifiers", []) if i["scheme"] == scheme]


def keywords(record: Record) -> list[str]:
    """The subject terms, each once, in the record's order."""
    return list(dict.fromkeys(s["term"] for s in record["subjects"]))


@dataclass(frozen=True)
class Name:
    """An agent's name for a citation: ``family`` and ``given`` only where the record wrote "Family, Given" for a
    person; otherwise (an organization, or a person's name in any other form) the name whole, as ``literal``."""

    literal: str
    family: str | None = None
    given: str | None = None


def name(agent: dict[str, Any]) -> Name:
    """The agent's name, split only where the record itself split it (never guessing which word is the family)."""
    text = agent["name"].strip()
    if agent["kind"] == "person" and text.count(",") == 1:
        family, given = (part.strip() for part in text.split(","))
        if family and given:
            return Name(text, family, given)
    return Name(text)


def role(agent: dict[str, Any]) -> str:
    """The agent's role, lower-cased ("" when the record gives none)."""
    return str(agent.get("role", "")).strip().lower()

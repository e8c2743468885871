"""MARC dates from the record's own dates, never the clock: 008/00-05 (date entered), and 008/06-14 (type of
date, Date1, Date2) agreeing with 260 $c, both made from the same publication date.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

_SINGLE = re.compile(r"(\d{2}[\dX]{2})(?:-[\dX]{2}(?:-[\dX]{2})?)?(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?([?~%]?)")
_YEAR = re.compile(r"(\d{2}[\dX]{2})(?:-[\dX]{2}(?:-[\dX]{2})?)?[?~%]?")


class Publication(NamedTuple):
    """008/06 type of date, Date1, Date2, and the matching 260 $c text."""

    date_type: str
    date1: str
    date2: str
    text: str


#: When the record has no issued or created date that MARC can state.
NO_DATE = Publication("n", "uuuu", "uuuu", "")


def entered(record: dict[str, Any]) -> str:
    """008/00-05 (YYMMDD): the day the record was first made — its earliest provenance event, or the retrieval
    day when it lists none (every record has one)."""
    days: list[str] = ([event["at"][:10] for event in record.get("provenance", [])]
                       or [record["retrieval"]["retrieved_at"][:10]])
    day = min(days)
    return day[2:4] + day[5:7] + day[8:10]


def _shown(year: str) -> str:
    """A year as 260 $c shows it: unknown digits as '-', and then, being a guess, in brackets (``[19--]``)."""
    return f"[{year.replace('X', '-')}]" if "X" in year else year


def _single(value: str) -> Publication | None:
    """A single W3CDTF/EDTF date: its year (X digits as u, shown as -), uncertain or approximate in brackets."""
    match = _SINGLE.fullmatch(value)
    if not match:
        return None
    year, qualifier = match.groups()
    shown = year.replace("X", "-")
    if "X" in year or qualifier:
        about = "ca. " if qualifier in ("~", "%") else ""
        shown = f"[{about}{shown}{'?' if qualifier in ('?', '%') else ''}]"
    return Publication("s", year.replace("X", "u"), "    ", shown)


def _interval(value: str) -> Publication | None:
    """An EDTF interval: multiple dates (m) from its first and last years, open ends unknown (uuuu) or 9999."""
    start, _, stop = value.partition("/")
    first, last = _YEAR.fullmatch(start), _YEAR.fullmatch(stop)
    if (start not in ("", "..") and not first) or (stop not in ("", "..") and not last) or not (first or last):
        return None
    date1 = first.group(1).replace("X", "u") if first else "uuuu"
    date2 = last.group(1).replace("X", "u") if last else ("9999" if stop == ".." else "uuuu")
    if date1 == date2 and first is not None:
        return Publication("s", date1, "    ", _shown(first.group(1)))
    text = (_shown(first.group(1)) if first else "") + "-" + (_shown(last.group(1)) if last else "")
    return Publication("m", date1, date2, text)


def publication(record: dict[str, Any]) -> Publication:
    """The publication date (``issued``, else ``created``) as 008 and 260 $c state it; :data:`NO_DATE` when the
    record has none, or only one MARC cannot state (not a four-digit year, such as a year after 9999)."""
    for kind in ("issued", "created"):
        value = next((d["value"] for d in record.get("dates", []) if d["type"] == kind), None)
        if value is not None:
            found = _interval(value) if "/" in value else _single(value)
            return found or NO_DATE
    return NO_DATE


__all__ = ["NO_DATE", "Publication", "entered", "publication"]

"""RIS: the record as one reference, type ``ELEC`` (web page), lines ending CR LF as the RIS specification asks.

The retrieval date is ``Y2`` (access date); ``PY`` and ``DA`` are written only from the record's ``issued`` date.
Names keep the form the record gives them (``Family, Given`` or whole); each value is one line.
"""

from __future__ import annotations

from ._base import Exporter, Record
from ._citation import access_date, date_parts, identifiers, issued, keywords, name, one_line, role

#: DCMI type → RIS reference type where RIS has the same kind; anything else was captured from the web: ``ELEC``.
REFERENCE_TYPES = {"Dataset": "DATA", "Software": "COMP"}

#: RIS name tags by role: a creator with another role (or none) is an author (AU); a contributor with another role
#: is left out.
_ROLE_TAGS = {"author": "AU", "editor": "A2", "translator": "A4"}


def _dates(value: str) -> list[tuple[str, str]]:
    """``PY`` (the year) and ``DA`` (YYYY/MM/DD/other, the EDTF value as "other" where it says more than the
    parts) for a plainly written date; for any other form, ``DA`` with the value as "other" only."""
    parts = date_parts(value)
    if parts is None:
        return [("DA", f"///{value}")]
    first = parts[0].ymd
    ymd = "/".join(f"{n:02d}" if place else f"{n:04d}" for place, n in enumerate(first))
    plain = len(parts) == 1 and not parts[0].circa and "T" not in value
    pieces = ymd.count("/")
    return [("PY", f"{first[0]:04d}"), ("DA", ymd + "/" * (3 - pieces) + ("" if plain else value))]


def lines(record: Record) -> list[tuple[str, str]]:
    """The reference's tags and values, in order."""
    out = [("TY", REFERENCE_TYPES.get(record["type"], "ELEC")), ("ID", record["id"]),
           ("TI", one_line(record["title"]))]
    for key, default in (("creators", "AU"), ("contributors", None)):
        for agent in record.get(key, []):
            tag = _ROLE_TAGS.get(role(agent), default)
            if tag is not None:
                out.append((tag, one_line(name(agent).literal)))
    source = record["source"]
    if "site_name" in source:
        out.append(("T2", one_line(source["site_name"])))
    if "publisher" in source:
        out.append(("PB", one_line(source["publisher"])))
    published = issued(record)
    if published is not None:
        out.extend(_dates(published))
    out.append(("Y2", "{:04d}/{:02d}/{:02d}/".format(*access_date(record).ymd)))
    out.append(("UR", source["url"]))
    for scheme, tag in (("doi", "DO"), ("isbn", "SN"), ("issn", "SN")):
        values = identifiers(record, scheme)
        if values and all(t != tag for t, _ in out):
            out.append((tag, one_line(values[0])))
    out.append(("LA", record["language"]))
    if "description" in record:
        out.append(("AB", one_line(record["description"])))
    out.extend(("KW", one_line(term)) for term in keywords(record))
    return out


def export(record: Record) -> bytes:
    """The record as a RIS file holding one reference, UTF-8, lines ending CR LF."""
    body = "".join(f"{tag}  - {value}\r\n" for tag, value in [*lines(record), ("ER", "")])
    return body.encode()


EXPORTER = Exporter(
    name="ris",
    extension=".ris",
    media_type="application/x-research-info-systems",
    description="RIS reference (TY ELEC, Y2 access date)",
    export=export,
)

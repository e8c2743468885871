"""MARCXML (MARC 21 slim) built with pymarc, following the Library of Congress Dublin Core-to-MARC crosswalk.

One record exports as a ``<collection>`` of one; :func:`write_collection` streams many into one file.
Nothing is invented: no 003 (no MARC organization code is known), no 005 (no clock), and 008 positions that the
record cannot fill are fill characters (``|``).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from lxml import etree
from pymarc import Field, Indicators, Record as MarcRecord, Subfield
from pymarc.marcxml import record_to_xml

from ._base import Exporter, Record
from ._dc import _event, _retrieval_summary

MARC = "http://www.loc.gov/MARC21/slim"
#: n = new, a = language material, m = monograph, a = UCS/Unicode, u u = encoding level and form unknown.
LEADER = "00000nam a2200000uu 4500"
_SUBJECT_SOURCE = {"fast": "fast", "wikidata": "wikidata", "aat": "aat"}
_IDENTIFIER_FIELD = {"isbn": ("020", " ", " ", None), "issn": ("022", " ", " ", None), "lccn": ("010", " ", " ", None),
                     "doi": ("024", "7", " ", "doi"), "handle": ("024", "7", " ", "hdl"), "urn": ("024", "7", " ", "urn"),
                     "uri": ("024", "7", " ", "uri"), "ark": ("024", "7", " ", "ark")}


def marc_language(tag: str) -> str | None:
    """The MARC (ISO 639-2/B) code for a BCP 47 tag's language, or None when it has none."""
    import langcodes

    try:
        code = langcodes.Language.get(tag).to_alpha3(variant="B")
    except (LookupError, ValueError):
        return None
    return code if len(code) == 3 and code.isalpha() else None


def _f(tag: str, ind: str, *subfields: tuple[str, str | None]) -> Field:
    return Field(tag, Indicators(ind[0], ind[1]), [Subfield(c, v) for c, v in subfields if v])


def _control_008(record: Record, lang: str | None) -> str:
    events = [e["at"] for e in record.get("provenance", []) if e["action"] == "ingested"]
    entered = events[0][2:10].replace("-", "") if events else "||||||"
    issued = next((d["value"] for d in record.get("dates", []) if d["type"] in ("issued", "created")), None)
    year = issued[:4] if issued and issued[:4].isdigit() else None
    dates = f"s{year}    " if year else "nuuuuuuuu"
    return f"{entered}{dates}xx |||||o|||||||||||{lang or 'und'} d"


def to_marc(record: Record) -> MarcRecord:
    """The pymarc Record for an archivist record."""
    marc = MarcRecord(leader=LEADER, force_utf8=True)
    lang = marc_language(record["language"])
    fields: list[Field] = [Field("001", data=record["id"]), Field("008", data=_control_008(record, lang))]
    for ident in record.get("identifiers", []):
        if ident["scheme"] in ("oclc", "local"):
            fields.append(_f("035", "  ", ("a", ("(OCoLC)" if ident["scheme"] == "oclc" else "") + ident["value"])))
        else:
            tag, i1, i2, source = _IDENTIFIER_FIELD[ident["scheme"]]
            fields.append(_f(tag, i1 + i2, ("a", ident["value"]), ("2", source)))
    if lang:
        fields.append(_f("041", "0 ", ("a", lang)))
    fields.append(_f("245", "00", ("a", record["title"])))
    for alt in record.get("alternative_titles", []) + ([record["source"]["page_title"]]
                                                       if "page_title" in record["source"] else []):
        fields.append(_f("246", "3 ", ("a", alt)))
    issued = next((d["value"] for d in record.get("dates", []) if d["type"] == "issued"), None)
    if record["source"].get("publisher") or issued:
        fields.append(_f("260", "  ", ("b", record["source"].get("publisher")), ("c", issued)))
    for note in record.get("notes", []):
        fields.append(_f("500", "  ", ("a", note)))
    for date in record.get("dates", []):
        if date["type"] != "issued":
            fields.append(_f("500", "  ", ("a", f"Date {date['type']}: {date['value']}")))
    headings = [s["heading"] for s in record.get("content", {}).get("sections", []) if s.get("heading")]
    if headings:
        fields.append(_f("505", "0 ", ("a", " -- ".join(headings))))
    for period in record.get("coverage", {}).get("temporal", []):
        fields.append(_f("513", "  ", ("b", period)))
    if "description" in record:
        fields.append(_f("520", "  ", ("a", record["description"])))
    for place in record.get("coverage", {}).get("spatial", []):
        fields.append(_f("522", "  ", ("a", place)))
    rights = record.get("rights", {})
    if rights.get("statement") or rights.get("uri"):
        fields.append(_f("540", "  ", ("a", rights.get("statement")), ("u", rights.get("uri"))))
    if rights.get("holder"):
        fields.append(_f("542", "1 ", ("d", rights["holder"])))
    fields.append(_f("546", "  ", ("a", f"Language: {record['language']} (BCP 47).")))
    fields.append(_f("561", "  ", ("a", _retrieval_summary(record))))
    for event in record.get("provenance", []):
        fields.append(_f("561", "  ", ("a", _event(event))))
    fields.extend(_subject_fields(record))
    for kind, people in (("creator", record.get("creators", [])), ("contributor", record.get("contributors", []))):
        for agent in people:
            fields.append(_f("720", ("1" if agent.get("kind") == "person" else "2") + " ",
                             ("a", agent["name"]), ("e", agent.get("role") or kind), ("0", agent.get("uri"))))
    if record["source"].get("site_name"):
        fields.append(_f("773", "0 ", ("t", record["source"]["site_name"])))
    fields.append(_f("786", "0 ", ("o", record["source"]["url"])))
    for relation in record.get("relations", []):
        fields.append(_f("787", "08", ("i", relation["type"]), ("t", relation.get("target")), ("o", relation.get("uri"))))
    fields.append(_f("856", "40", ("u", record["source"]["url"]), ("q", record["retrieval"]["media_type"])))
    for field in fields:
        marc.add_ordered_field(field)
    return marc


def _subject_fields(record: Record) -> Iterator[Field]:
    for subject in record.get("subjects", []):
        scheme = subject["scheme"]
        if scheme == "lcsh":
            yield _f("650", " 0", ("a", subject["term"]), ("0", subject.get("uri")))
        elif scheme in _SUBJECT_SOURCE:
            yield _f("650", " 7", ("a", subject["term"]), ("2", _SUBJECT_SOURCE[scheme]), ("0", subject.get("uri")))
        else:
            yield _f("653", "  ", ("a", subject["term"]))


def record_element(record: Record) -> etree._Element:
    """The ``marc:record`` element (an lxml element) for a record."""
    return etree.fromstring(record_to_xml(to_marc(record), namespace=True))


@contextmanager
def collection_writer(stream: BinaryIO) -> Iterator[Any]:
    """Stream a MARCXML ``<collection>``: ``with collection_writer(f) as add: add(record)``; closed on exit."""
    with etree.xmlfile(stream, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{MARC}}}collection", nsmap={"marc": MARC}):
            def add(record: Record) -> None:
                xf.write(record_element(record))
                xf.write("\n")
            xf.write("\n")
            yield add


def write_collection(records: Iterable[Record], stream: BinaryIO) -> int:
    """Write records as one MARCXML collection; returns how many."""
    count = 0
    with collection_writer(stream) as add:
        for record in records:
            add(record)
            count += 1
    return count


def export(record: Record) -> bytes:
    """A MARCXML collection holding this one record."""
    buffer = io.BytesIO()
    write_collection([record], buffer)
    return buffer.getvalue() + b"\n"


EXPORTER = Exporter(
    name="marcxml",
    extension=".marc.xml",
    media_type="application/marcxml+xml",
    description="MARC 21 slim XML (LoC DC-to-MARC crosswalk), via pymarc",
    export=export,
)

__all__ = ["EXPORTER", "LEADER", "collection_writer", "export", "marc_language", "record_element", "to_marc",
           "write_collection"]

"""One archivist record as a MARC 21 bibliographic record (pymarc), shared by the MARCXML and binary exporters.

It follows the Library of Congress Dublin Core-to-MARC crosswalk, with what a catalog's loader checks: a Leader
and 008 built from the record (type of record from the DCMI type, dates from the record's own dates, never the
clock), ISBD punctuation (Leader/18 ``i``), nonfiling indicators for initial articles, names in 100/110 and
700/710 (every agent says whether it is a person or an organization), typed subject fields, text on one line,
and notes longer than one field can hold (9,999 bytes) cut at word boundaries into repeated fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from pymarc import Field, Indicators, Subfield
from pymarc import Record as MarcRecord

from ..records import relator
from ._marc_dates import entered, publication
from ._marc_languages import MARC_LANGUAGES
from ._marc_notes import acquisition, coverage_notes, event_fields, language_note, retrieval_action
from ._marc_subjects import subject_field
from ._marc_text import (
    FINAL_MARKS,
    clean,
    end,
    heading_end,
    isbn,
    issn,
    nonfiling,
    split_text,
)

#: ISO 2709 limits: a field's length has four digits, a record's five.
FIELD_LIMIT = 9_999
RECORD_LIMIT = 99_999

#: DCMI type → Leader/06 (type of record). MARC has no type for an event or a service: a capture of one is
#: described by what it holds, taken here as language material (a) and computer file (m).
RECORD_TYPES = {"Text": "a", "Event": "a", "StillImage": "k", "Image": "k", "MovingImage": "g", "Sound": "i",
                "Dataset": "m", "Software": "m", "InteractiveResource": "m", "Service": "m", "PhysicalObject": "r",
                "Collection": "p"}
#: Leader/06 values whose 008 has form of item at position 29 (visual materials, maps); the others have it at 23.
_FORM_AT_29 = frozenset("efgkor")

_IDENTIFIER_FIELDS = {"lccn": ("010", "  ", None), "doi": ("024", "7 ", "doi"), "handle": ("024", "7 ", "hdl"),
                      "urn": ("024", "7 ", "urn"), "uri": ("024", "7 ", "uri"), "ark": ("024", "7 ", "ark")}


@cache
def marc_language(tag: str) -> str | None:
    """The MARC code for a BCP 47 tag's language (ISO 639-2/B, a macrolanguage for its members where langcodes
    knows it), or None when the MARC list has none."""
    import langcodes

    try:
        code = langcodes.Language.get(langcodes.standardize_tag(tag, macro=True)).to_alpha3(variant="B")
    except (LookupError, ValueError):
        return None
    return code if code in MARC_LANGUAGES else None


def leader(record: dict[str, Any]) -> str:
    """Leader: new record, type from the DCMI type, monograph (collection for a Collection), UCS/Unicode,
    abbreviated encoding level (3), ISBD punctuation (i); lengths and base address are filled in when written."""
    level = "c" if record["type"] == "Collection" else "m"
    return f"00000n{RECORD_TYPES[record['type']]}{level} a22000003i 4500"


def control_008(record: dict[str, Any], record_type: str, language: str | None) -> str:
    """008: date entered and publication dates from the record, no place (xx), online (o), the language."""
    pub = publication(record)
    material = ["|"] * 17
    material[29 - 18 if record_type in _FORM_AT_29 else 23 - 18] = "o"
    return (entered(record) + pub.date_type + pub.date1 + pub.date2 + "xx " + "".join(material)
            + (language or "und") + " d")


def _f(tag: str, ind: str, *parts: tuple[str, str | None]) -> Field:
    """A data field of the non-empty parts, each made one clean line (URIs and codes included)."""
    return Field(tag, Indicators(ind[0], ind[1]), [Subfield(code, clean(value)) for code, value in parts if value])


def note_fields(tag: str, ind: str, code: str, text: str, continued: str | None = None) -> list[Field]:
    """A one-subfield note, cut at word boundaries into repeated fields when it would pass 9,999 bytes; the
    fields after the first take the ``continued`` indicators (e.g. ``8`` = no display constant)."""
    pieces = split_text(text, FIELD_LIMIT - 5)  # two indicators, delimiter and code, field terminator
    return [_f(tag, ind if i == 0 else (continued or ind), (code, piece)) for i, piece in enumerate(pieces)]


def _name(tag: str, agent: dict[str, Any], default: str) -> Field:
    """A 1XX/7XX name: inverted personal names (with a comma) are surnames, organizations in direct order; the role
    as relator term ($e) and, when it is on the MARC relator list, code ($4); no role: ``default``'s."""
    name = clean(agent["name"])
    person = agent["kind"] == "person"
    ind1 = ("1" if "," in name else "0") if person else "2"
    uri = agent.get("uri")
    link = ("0" if uri and uri.split("//", 1)[-1].startswith("id.loc.gov/") else "1", uri)
    role = agent.get("role") or default
    found = relator(role)
    term = found.term.lower() if found is not None else role
    return _f(tag, ind1 + " ", ("a", name + ","), ("e", heading_end(clean(term))),
              ("4", found.code if found is not None else None), link)


def _names(record: dict[str, Any]) -> Iterator[Field]:
    """The first creator as the main entry (100/110), the other creators and the contributors as 700/710."""
    creators = record.get("creators", [])
    for index, agent in enumerate(creators):
        main = index == 0
        tag = ("1" if main else "7") + ("00" if agent["kind"] == "person" else "10")
        yield _name(tag, agent, "creator")
    for agent in record.get("contributors", []):
        yield _name("700" if agent["kind"] == "person" else "710", agent, "contributor")


def _identifiers(record: dict[str, Any]) -> Iterator[Field]:
    """020 ISBN, 022 ISSN, 035 OCLC and local numbers, 010 LCCN, 024 the others with their source in $2."""
    for ident in record.get("identifiers", []):
        scheme, value = ident["scheme"], clean(ident["value"])
        if scheme == "isbn":
            yield _f("020", "  ", *isbn(value))
        elif scheme == "issn":
            yield _f("022", "  ", *issn(value))
        elif scheme in ("oclc", "local"):
            yield _f("035", "  ", ("a", ("(OCoLC)" if scheme == "oclc" else "") + value))
        else:
            tag, ind, source = _IDENTIFIER_FIELDS[scheme]
            yield _f(tag, ind, ("a", value), ("2", source))


def _imprint(record: dict[str, Any], date: str) -> Field | None:
    """260 with ISBD punctuation: ``$b Publisher, $c date.`` (None when neither is known)."""
    publisher = record["source"].get("publisher")
    if publisher and date:
        return _f("260", "  ", ("b", clean(publisher) + ","), ("c", end(date, FINAL_MARKS + "-")))
    if publisher:
        return _f("260", "  ", ("b", end(clean(publisher))))
    if date:
        return _f("260", "  ", ("c", end(date, FINAL_MARKS + "-")))
    return None


def to_marc(record: dict[str, Any]) -> MarcRecord:
    """The pymarc Record for an archivist record."""
    record_type = RECORD_TYPES[record["type"]]
    marc = MarcRecord(leader=leader(record), force_utf8=True)
    language = marc_language(record["language"])
    lang = record["language"]
    pub = publication(record)
    fields: list[Field] = [Field("001", data=record["id"]),
                           Field("008", data=control_008(record, record_type, language))]
    fields.extend(_identifiers(record))
    if language:
        fields.append(_f("041", "0 ", ("a", language)))
    names = list(_names(record))
    fields.extend(names)
    title = clean(record["title"])
    has_main_entry = any(f.tag.startswith("1") for f in names)
    fields.append(_f("245", ("1" if has_main_entry else "0") + str(nonfiling(title, lang)), ("a", end(title, "."))))
    for alt in record.get("alternative_titles", []) + ([record["source"]["page_title"]]
                                                       if "page_title" in record["source"] else []):
        fields.append(_f("246", "3 ", ("a", clean(alt))))
    imprint = _imprint(record, pub.text)
    if imprint is not None:
        fields.append(imprint)
    for note in record.get("notes", []):
        fields.extend(note_fields("500", "  ", "a", end(clean(note))))
    used = next((d for kind in ("issued", "created") for d in record.get("dates", []) if d["type"] == kind), None)
    for date in record.get("dates", []):
        if date is not used or not pub.text:
            fields.append(_f("500", "  ", ("a", f"Date {date['type']}: {date['value']}.")))
    headings = [clean(s["heading"]) for s in record["content"]["sections"] if s.get("heading")]
    if headings:
        fields.extend(note_fields("505", "0 ", "a", end(" -- ".join(headings)), "8 "))
    fields.extend(coverage_notes(record))
    if "description" in record:
        fields.extend(note_fields("520", "  ", "a", end(clean(record["description"])), "8 "))
    for place in record.get("coverage", {}).get("spatial", []):
        fields.extend(note_fields("522", "  ", "a", end(clean(place)), "8 "))
    rights = record.get("rights", {})
    if rights.get("statement") or rights.get("uri"):
        statement = end(clean(rights["statement"])) if rights.get("statement") else None
        fields.append(_f("540", "  ", ("a", statement), ("u", rights.get("uri"))))
    if rights.get("holder"):
        fields.append(_f("542", "1 ", ("d", end(clean(rights["holder"])))))
    fields.append(acquisition(record))
    spoken = language_note(lang)
    if spoken:
        fields.append(_f("546", "  ", ("a", spoken)))
    fields.append(retrieval_action(record))
    fields.extend(event_fields(record))
    fields.extend(subject_field(subject, lang) for subject in record["subjects"])
    if record["source"].get("site_name"):
        fields.append(_f("773", "0 ", ("t", clean(record["source"]["site_name"]))))
    fields.append(_f("786", "0 ", ("o", record["source"]["url"])))
    for relation in record.get("relations", []):
        fields.append(_f("787", "08", ("i", relation["type"]), ("t", relation["target"]), ("o", relation.get("uri"))))
    fields.append(_f("856", "40", ("u", record["source"]["url"]), ("q", record["retrieval"]["media_type"])))
    # In tag order, as pymarc's add_ordered_field puts them (a stable sort: same-tag fields keep their order), but
    # sorted once: adding them one by one re-scans the list each time (a third of the MARCXML export's time).
    marc.fields.extend(sorted(fields, key=lambda field: field.tag))
    return marc


__all__ = ["FIELD_LIMIT", "RECORD_LIMIT", "RECORD_TYPES", "control_008", "leader", "marc_language", "note_fields",
           "to_marc"]

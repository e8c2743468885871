"""MARCXML: valid against MARC21slim.xsd, read back by pymarc with no warnings, fields per the LoC crosswalk."""

from __future__ import annotations

import copy
import io
import warnings
from typing import Any

import pytest
from pymarc.marcxml import parse_xml_to_array

from archivist.exporters.marcxml import EXPORTER, marc_language, write_collection
from tests.exporters.conftest import edge_cases
from tests.xsd import validation_errors

CASES = ["seed", "minimal", "no-subjects", "one-section", "empty-sections", "no-sections", "long-title",
         "rtl-arabic", "cjk-full"]


def read_back(data: bytes) -> list[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return parse_xml_to_array(io.BytesIO(data), strict=True)


@pytest.mark.parametrize("case", CASES)
def test_valid_against_marc21slim_and_pymarc_reads_it(seed: dict[str, Any], case: str) -> None:
    record = edge_cases(seed)[case]
    data = EXPORTER.export(record)
    assert validation_errors(data, "marcxml") == []
    (marc,) = read_back(data)
    assert marc["245"]["a"] == " ".join(record["title"].split()) + "." and marc["001"].data == record["id"]
    assert tuple(marc["856"].indicators) == ("4", "0") and marc["856"]["u"] == record["source"]["url"]
    assert len(str(marc.leader)) == 24 and str(marc.leader)[6:8] == "am" and len(marc["008"].data) == 40
    assert "|" not in marc["008"].data[:15]  # date entered, type of date, Date1, Date2: never fill characters


def test_schema_check_can_fail(seed: dict[str, Any]) -> None:
    data = EXPORTER.export(seed).replace(b'ind1="0" ind2="0" tag="245"', b'ind1="00" ind2="0" tag="245"')
    assert validation_errors(data, "marcxml") != []


def test_crosswalk_fields(seed: dict[str, Any]) -> None:
    record = edge_cases(seed)["cjk-full"]
    record = copy.deepcopy(record)
    record["subjects"].append({"term": "Insurgency", "scheme": "fast", "uri": "http://id.worldcat.org/fast/973243"})
    record["subjects"].append({"term": "rebels", "scheme": "local"})
    record["coverage"] = {"spatial": ["Peru"], "temporal": ["1980/2015"]}
    record["description"] = "About it."
    (marc,) = read_back(EXPORTER.export(record))
    lcsh = [f for f in marc.get_fields("650") if tuple(f.indicators) == (" ", "0")]
    assert [(f["a"], f["0"]) for f in lcsh] == [("Terrorism.", "http://id.loc.gov/authorities/subjects/sh85133880")]
    fast = [f for f in marc.get_fields("650") if f.get("2") == "fast"]
    assert tuple(fast[0].indicators) == (" ", "7") and fast[0]["0"] == "http://id.worldcat.org/fast/973243"
    wikidata = [f for f in marc.get_fields("650") if f.get("2") == "wikidata"]
    assert wikidata[0]["1"] == "http://www.wikidata.org/entity/Q7283"  # a real-world thing, not an authority
    assert [f["a"] for f in marc.get_fields("653")] == ["rebels"]
    assert marc["041"]["a"] == "chi" and marc["546"]["a"] == "In Chinese (Simplified)."
    assert marc["260"]["c"] == "2015." and marc["008"].data[6:15] == "s2015    "
    assert marc["520"]["a"] == "About it." and marc["522"]["a"] == "Peru." and marc.get("513") is None
    assert "Period covered: 1980/2015." in [f["a"] for f in marc.get_fields("500")]
    assert marc["786"]["o"] == record["source"]["url"] and marc["024"]["2"] == "doi"
    assert marc["100"]["a"] == "李明," and marc["100"]["e"] == "author." and marc["542"]["d"] == "Example Org."
    assert marc.get_fields("720") == [] and tuple(marc["245"].indicators) == ("1", "0")
    assert marc.get_fields("561") == [] and marc["541"]["a"].startswith(record["source"]["url"])


def test_unknown_language_is_not_guessed() -> None:
    assert marc_language("en") == "eng" and marc_language("pt-BR") == "por"
    assert marc_language("x-private") is None
    assert marc_language("cmn") == "chi"  # a member of a macrolanguage MARC codes
    assert marc_language("yue") is None  # an ISO 639-3 code with no MARC code: not passed on as one


def test_collection_of_many(seed: dict[str, Any]) -> None:
    records = list(edge_cases(seed).values())
    buffer = io.BytesIO()
    assert write_collection(records, buffer) == len(records)
    assert validation_errors(buffer.getvalue(), "marcxml") == []
    assert [m["001"].data for m in read_back(buffer.getvalue())] == [r["id"] for r in records]


_MARKUP = "Tom & Jerry <b>\"bold\"</b> 'q' > x\r\n\tend 😀 ]]> --"
_FREE_TEXT = {"title", "description", "notes", "name", "statement", "holder", "publisher", "site_name", "page_title",
              "heading", "alternative_titles", "spatial", "term", "role"}


@pytest.mark.parametrize("case", CASES)
def test_the_text_writer_writes_the_bytes_lxml_writes(seed: dict[str, Any], case: str) -> None:
    """record_bytes (the exporter's and the server's writer) against lxml serialising record_element, also with
    every character either escapes (in text and attributes) in every string field."""
    from lxml import etree

    from archivist.exporters.marcxml import record_bytes, record_element

    def marked(value: Any, free: bool = False) -> Any:
        if isinstance(value, dict):
            return {k: marked(v, k in _FREE_TEXT) for k, v in value.items()}
        if isinstance(value, list):
            return [marked(v, free) for v in value]
        return value + _MARKUP if free and isinstance(value, str) else value

    record = edge_cases(seed)[case]
    for variant in (record, marked(copy.deepcopy(record))):
        written = record_bytes(variant)
        assert written == etree.tostring(record_element(variant), encoding="UTF-8")
    assert b"Tom &amp; Jerry &lt;b&gt;" in written  # the marked strings reached the XML, escaped


def test_text_xml_cannot_hold_is_refused_as_lxml_refuses_it(seed: dict[str, Any]) -> None:
    from archivist.exporters.marcxml import record_bytes

    with pytest.raises(ValueError, match="XML compatible"):
        record_bytes(dict(seed, id="a\x0bb"))

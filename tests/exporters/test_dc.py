"""Dublin Core exports: valid against the official XSDs, complete per the mapping, equal to the golden files."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from archivist.exporters import dcterms, oai_dc
from archivist.exporters._dc import MAPPING
from tests.exporters.conftest import all_cases, edge_cases
from tests.xsd import validation_errors

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"
NS = {"dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
      "xsi": "http://www.w3.org/2001/XMLSchema-instance"}


def _c14n(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n2")


@pytest.mark.parametrize("case", ["seed", "minimal", "no-subjects", "one-section", "empty-sections", "no-sections",
                                  "long-title", "rtl-arabic", "cjk-full", "deep-headings", "every-field"])
def test_valid_against_official_schemas(seed: dict[str, Any], case: str) -> None:
    record = all_cases(seed)[case]
    assert validation_errors(oai_dc.export(record), "oai_dc") == []
    assert validation_errors(dcterms.export(record), "dcterms") == []


def test_schema_check_can_fail() -> None:
    bad = b'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"><title/></oai_dc:dc>'
    assert validation_errors(bad, "oai_dc")


def test_golden_files(seed: dict[str, Any]) -> None:
    assert _c14n(oai_dc.export(seed)) == _c14n((GOLDEN / "mrta-globalsecurity.oai_dc.xml").read_bytes())
    assert _c14n(dcterms.export(seed)) == _c14n((GOLDEN / "mrta-globalsecurity.dcterms.xml").read_bytes())


def test_oai_dc_shape(seed: dict[str, Any]) -> None:
    root = etree.fromstring(oai_dc.export(seed))
    assert root.tag == "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
    assert "http://www.openarchives.org/OAI/2.0/oai_dc.xsd" in root.get(f"{{{NS['xsi']}}}schemaLocation")
    title = root.find("dc:title", NS)
    assert title.text == seed["title"] and title.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    subjects = [e.text for e in root.findall("dc:subject", NS)]
    assert "Terrorism--Peru" in subjects  # the LCSH double hyphen is kept, not turned into a dash


def test_dcterms_types(seed: dict[str, Any]) -> None:
    record = edge_cases(seed)["cjk-full"]
    root = etree.fromstring(dcterms.export(record))
    typed = {(etree.QName(e).localname, e.get(f"{{{NS['xsi']}}}type"), e.text) for e in root}
    assert ("subject", "dcterms:LCSH", "Terrorism") in typed
    assert ("subject", "dcterms:URI", "http://id.loc.gov/authorities/subjects/sh85133880") in typed
    assert ("type", "dcterms:DCMIType", "Text") in typed
    assert ("issued", "dcterms:W3CDTF", "2015-11-30") in typed
    assert ("created", None, "1983?") in typed  # EDTF is not W3CDTF: no false type claim
    assert ("isPartOf", "dcterms:URI", "https://example.org/series") in typed
    assert ("rightsHolder", None, "Example Org") in typed


def _leaf_values(record: dict[str, Any], dotted: str) -> list[str]:
    path = dotted.split(" ")[0]
    values: list[Any] = [record]
    for part in path.split("."):
        many = part.endswith("[]")
        key = part.removesuffix("[]")
        next_values = []
        for value in values:
            if isinstance(value, dict) and key in value:
                item = value[key]
                next_values.extend(item if many else [item])
            elif key == "" and isinstance(value, list):
                next_values.extend(value)
        values = next_values
    return [v for v in values if isinstance(v, (str, int))]


def test_every_mapped_field_appears_in_the_output(seed: dict[str, Any]) -> None:
    record = copy.deepcopy(edge_cases(seed)["cjk-full"])
    record["source"].update(publisher="Pub", site_name="Site", page_title="Page title")
    record["alternative_titles"] = ["Alt"]
    record["contributors"] = [{"name": "Helper", "kind": "organization"}]
    record["description"] = "Summary."
    record["coverage"] = {"spatial": ["Lima"], "temporal": ["1980/2015"]}
    record["rights"] = {"statement": "All rights reserved.", "uri": "http://rightsstatements.org/vocab/InC/1.0/",
                        "holder": "Org"}
    record["notes"] = ["A note."]
    record["provenance"] = [{"action": "encoded", "at": "2026-11-24", "agent": "tester"}]
    record["content"]["sections"][0]["heading"] = "Heading"
    simple = b"".join(etree.fromstring(oai_dc.export(record)).itertext(with_tail=False) and
                      [e.text.encode() for e in etree.fromstring(oai_dc.export(record)) if e.text])
    qualified = b"".join(e.text.encode() for e in etree.fromstring(dcterms.export(record)) if e.text)
    for field, simple_home, _ in MAPPING:
        for value in _leaf_values(record, field):
            assert str(value).encode() in qualified, (field, value)
            if simple_home != "—":
                assert str(value).encode() in simple, (field, value)
    assert b"2026-11-24" in qualified and b"SHA-256 " + b"0" * 64 in qualified


@pytest.mark.parametrize("bad", ["\x00", "\x08", "\x0b", "\ufffe"])
def test_characters_xml_cannot_hold_are_rejected_before_export(minimal: dict[str, Any], bad: str) -> None:
    from archivist.records import iter_errors

    minimal["title"] = f"bad{bad}title"
    (problem,) = iter_errors(minimal)
    assert problem.pointer == "/title" and f"U+{ord(bad):04X}" in problem.message


def test_oai_dc_carries_every_date_of_the_record(seed: dict[str, Any]) -> None:
    record = all_cases(seed)["every-field"]
    root = etree.fromstring(oai_dc.export(record))
    assert [e.text for e in root.findall("dc:date", NS)] == [d["value"] for d in record["dates"]]


def test_identifier_is_the_records_and_source_is_where_it_came_from(seed: dict[str, Any]) -> None:
    record = all_cases(seed)["every-field"]
    expected = [
        ("urn:x-archivist:record:every-field", "dcterms:URI"), ("urn:isbn:978-0-306-40615-7", "dcterms:URI"),
        ("https://doi.org/10.1234/ABC.5", "dcterms:URI"), ("urn:issn:0317-8471", "dcterms:URI"),
        ("2001012345", None), ("123456789", None), ("https://hdl.handle.net/2027/mdp.39015012345678", "dcterms:URI"),
        ("ark:/12148/btv1b8449691v", "dcterms:URI"), ("urn:nbn:de:101:1-2014012345", "dcterms:URI"),
        ("MRTA-box-3/17", None), ("https://archive.example.org/items/17", "dcterms:URI")]
    simple = etree.fromstring(oai_dc.export(record))
    assert [e.text for e in simple.findall("dc:identifier", NS)] == [value for value, _ in expected]
    assert [e.text for e in simple.findall("dc:source", NS)] == [record["source"]["url"]]
    qualified = etree.fromstring(dcterms.export(record))
    assert [(e.text, e.get(f"{{{NS['xsi']}}}type")) for e in qualified.findall("dcterms:identifier", NS)] == expected
    assert [e.text for e in qualified.findall("dcterms:source", NS)] == [record["source"]["url"]]


def test_a_value_two_fields_give_the_same_element_is_written_once(seed: dict[str, Any]) -> None:
    # The seed's place heading "Peru" (geographic: dc:coverage) is also in coverage.spatial: one dc:coverage "Peru".
    assert any(s.get("kind") == "geographic" and s["term"] == "Peru" for s in seed["subjects"])
    assert "Peru" in seed["coverage"]["spatial"]
    coverage = etree.fromstring(oai_dc.export(seed)).findall("dc:coverage", NS)
    values = [element.text for element in coverage]
    assert values.count("Peru") == 1
    assert len(values) == len(set(values))
    assert set(seed["coverage"]["spatial"]) | set(seed["coverage"]["temporal"]) <= set(values)
    # Qualified DC keeps both: the LCSH-typed heading and the plain coverage value are different statements.
    spatial = etree.fromstring(dcterms.export(seed)).findall("dcterms:spatial", NS)
    assert [element.text for element in spatial].count("Peru") == 2

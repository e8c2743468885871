"""MODS 3.8: valid against the official XSD with two engines, read by pymods, converted by bibutils with title, URL
and dates intact, and agreeing with MARC 6XX and Dublin Core heading by heading."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pymods import MODSReader

from archivist.exporters import dcterms, get, marcxml, mods
from tests.exporters.conftest import all_cases
from tests.tools import need
from tests.xsd import second_engine_errors, validation_errors

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"
NS = {"mods": mods.MODS, "marc": marcxml.MARC, "dcterms": "http://purl.org/dc/terms/"}
CASES = ["seed", "minimal", "no-subjects", "empty-sections", "no-sections", "long-title", "rtl-arabic", "cjk-full",
         "deep-headings", "every-field"]


@pytest.mark.parametrize("case", CASES)
def test_valid_with_two_engines(seed: dict[str, Any], case: str) -> None:
    data = mods.export(all_cases(seed)[case])
    assert validation_errors(data, "mods") == []
    assert second_engine_errors(data, "mods") == []


def test_check_can_fail(seed: dict[str, Any]) -> None:
    bad = mods.export(seed).replace(b'usage="primary"', b'usage="main"')
    assert validation_errors(bad, "mods") and second_engine_errors(bad, "mods")


def test_registered_and_golden(seed: dict[str, Any]) -> None:
    assert get("mods") is mods.EXPORTER
    assert mods.export(seed) == (GOLDEN / "mrta-globalsecurity.mods.xml").read_bytes()


def test_collection_valid_and_read_by_pymods(seed: dict[str, Any], tmp_path: Path) -> None:
    records = [all_cases(seed)[case] for case in CASES]
    path = tmp_path / "c.xml"
    path.write_bytes(mods.collection(records))
    assert validation_errors(path.read_bytes(), "mods") == []
    assert second_engine_errors(path.read_bytes(), "mods") == []
    read = list(MODSReader(str(path)))
    assert [r.titles[0] for r in read] == [r["title"] for r in records]
    for record, found in zip(records, read, strict=True):
        assert found.purl == [record["source"]["url"]] or record["source"]["url"] in _urls(found)
        assert found.language == [{"text": None, "code": record["language"], "authority": "rfc5646"}] or \
            record["language"] in str(found.language)
        assert [s.text for s in found.subjects][:len(record["subjects"])] == [s["term"] for s in record["subjects"]]


def _urls(found: Any) -> list[str]:
    return [e.text for e in found.findall(".//mods:location/mods:url", NS)]


@pytest.mark.parametrize("program", ["xml2bib", "xml2ris"])
@pytest.mark.parametrize("case", ["seed", "cjk-full", "every-field"])
def test_bibutils_keeps_title_url_and_dates(seed: dict[str, Any], program: str, case: str, tmp_path: Path) -> None:
    need("bibutils")
    record = all_cases(seed)[case]
    path = tmp_path / "r.mods.xml"
    path.write_bytes(mods.export(record))
    options = ["-nl", "-nb"] if program == "xml2bib" else []  # characters as they are, not LaTeX escapes
    result = subprocess.run([program, *options, str(path)], capture_output=True, check=True, timeout=60)
    out = result.stdout.decode("utf-8").lstrip("\ufeff")
    assert b"Processed 1 references" in result.stderr
    assert " ".join(record["title"].split()) in out
    assert record["source"]["url"] in out
    issued = next((d["value"] for d in record.get("dates", []) if d["type"] == "issued"), None)
    if issued:  # the publication date: year (and day) as BibTeX and RIS write them
        assert issued[:4] in out and (program == "xml2bib" or issued[:10].replace("-", "/") in out)


def _marc_headings(record: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Each 6XX as (tag, [main heading, subdivisions...]) with ISBD final punctuation dropped."""
    root = etree.fromstring(marcxml.export(record))
    found = []
    for field in root.iterfind(".//marc:datafield", NS):
        if field.get("tag", "").startswith("6"):
            parts = [s.text.rstrip(".") for s in field.iterfind("marc:subfield", NS)
                     if s.get("code") in "avxyz"]
            found.append((field.get("tag"), parts))
    return found


_TAG_OF_CHILD = {"topic": "650", "geographic": "651", "temporal": "648", "genre": "655", "titleInfo": "630"}
_TAG_OF_NAME = {"personal": "600", "corporate": "610", "conference": "611"}


def _mods_headings(record: dict[str, Any]) -> list[tuple[str, list[str]]]:
    root = etree.fromstring(mods.export(record))
    found = []
    for subject in root.iterfind("mods:subject", NS):
        first = subject[0]
        local = etree.QName(first).localname
        tag = _TAG_OF_NAME[first.get("type")] if local == "name" else _TAG_OF_CHILD[local]
        found.append((tag, [" ".join(e.itertext()).strip() for e in subject]))
    return found


@pytest.mark.parametrize("case", ["seed", "cjk-full", "every-field", "rtl-arabic"])
def test_subjects_agree_with_marc_and_dc(seed: dict[str, Any], case: str) -> None:
    record = all_cases(seed)[case]
    in_mods = _mods_headings(record)
    headings = in_mods[:len(record["subjects"])]
    coverage = in_mods[len(record["subjects"]):]
    # MARC writes its fields in tag order: heading by heading, as sorted lists. Each controlled heading has the
    # same kind (tag) and the same parts in the same order; an uncontrolled 653 term is one whole MODS heading.
    in_marc = sorted((p, t) for t, p in _marc_headings(record))
    in_mods = sorted(([p.rstrip(".") for p in parts], tag) for tag, parts in headings)
    assert len(in_mods) == len(in_marc) == len(record["subjects"])
    for (mods_parts, mods_tag), (marc_parts, marc_tag) in zip(in_mods, in_marc, strict=True):
        assert mods_parts == marc_parts
        assert marc_tag == "653" or mods_tag == marc_tag
    # DC: each heading's label is a dcterms:subject/spatial/temporal; coverage is dcterms:spatial/temporal
    dc = etree.fromstring(dcterms.export(record))
    dc_values = {(etree.QName(e).localname, e.text) for e in dc}
    for subject, (tag, _) in zip(record["subjects"], headings, strict=True):
        element = {"651": "spatial", "648": "temporal"}.get(tag, "subject") if subject.get("kind") else "subject"
        assert (element, subject["term"]) in dc_values
    for tag, (value,) in coverage:
        assert ({"651": "spatial", "648": "temporal"}[tag], value) in dc_values


def test_subject_shape(seed: dict[str, Any]) -> None:
    record = all_cases(seed)["every-field"]
    record["subjects"] = [{"term": "Berenson, Lori--Trials, litigation, etc.", "scheme": "lcsh",
                           "kind": "personal-name", "uri": "http://id.loc.gov/authorities/names/n96089325",
                           "subdivisions": [{"type": "general", "term": "Trials, litigation, etc."}]}]
    subject = etree.fromstring(mods.export(record)).find("mods:subject", NS)
    assert subject.get("authority") == "lcsh" and subject.get("valueURI").endswith("n96089325")
    assert [etree.QName(e).localname for e in subject] == ["name", "topic"]
    assert subject[0].get("type") == "personal" and subject[0][0].text == "Berenson, Lori"


def test_capture_date_and_no_invented_dates(seed: dict[str, Any]) -> None:
    root = etree.fromstring(mods.export(seed))
    origin = root.find("mods:originInfo", NS)
    assert [(etree.QName(e).localname, e.text) for e in origin] == [
        ("publisher", "GlobalSecurity.org"), ("dateCaptured", "2026-11-24")]
    assert root.find("mods:recordInfo/mods:recordCreationDate", NS) is None




def test_schema_location_is_resolved_offline() -> None:
    from tests.xsd import catalog

    namespace, url = mods.SCHEMA_LOCATION.split()
    assert namespace == mods.MODS and catalog()[url].name == "mods-3-8.xsd"


@pytest.mark.parametrize(("folder", "files"), [
    ("mods", ["mods-3-8.xsd", "xml.xsd", "xlink.xsd"]),
    ("mets", ["version1121/mets.xsd"]),
    ("premis", ["premis-v3-0.xsd"]),
])
def test_shipped_schemas_are_the_official_files_unmodified(folder: str, files: list[str]) -> None:
    import hashlib
    import re

    shipped = Path(mods.__file__).resolve().parent.parent / "schemas" / folder
    source = (shipped / "SOURCE.txt").read_text(encoding="utf-8")
    listed = dict((name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", source, re.MULTILINE))
    for name in files:
        assert hashlib.sha256((shipped / name).read_bytes()).hexdigest() == listed[name], name

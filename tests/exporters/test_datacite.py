"""DataCite 4.6: every record valid against the official XSD (shipped unmodified) with lxml and xmlschema, in the
same run as DataCite's own 4.6 examples; nothing DataCite requires is invented."""

from __future__ import annotations

import copy
import hashlib
import re
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from lxml import etree

from archivist.exporters import get
from archivist.exporters.datacite import DATACITE, export
from tests.conftest import ROOT
from tests.exporters.conftest import all_cases

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"
SHIPPED = Path(str(files("archivist.schemas"))) / "datacite" / "kernel-4.6"
ORACLE = ROOT.parent / "shared" / "oracles" / "xsd" / "datacite" / "kernel-4.6"
EXAMPLES = ROOT / "tests" / "data" / "datacite-4.6-examples"
NS = {"d": DATACITE}


@cache
def _lxml_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(SHIPPED / "metadata.xsd"), parser))


@cache
def _xmlschema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SHIPPED / "metadata.xsd"), allow="local")  # no network


def datacite_errors(data: bytes) -> list[str]:
    """What libxml2 and xmlschema find wrong with a DataCite document against the shipped 4.6 XSD."""
    schema = _lxml_schema()
    doc = etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))
    errors = [] if schema.validate(doc) else [f"lxml: {e.message}" for e in schema.error_log]
    return errors + [f"xmlschema: {e.reason}" for e in _xmlschema().iter_errors(data.decode("utf-8"))]


def test_the_shipped_schema_is_the_official_one_unmodified() -> None:
    """Every shipped XSD has the SHA-256 its SOURCE.txt gives for the official file (and equals the oracle
    folder's copy when that folder is beside the repository)."""
    listed = dict(reversed(line.split("  ", 1)) for line in (SHIPPED.parent / "SOURCE.txt").read_text(
        encoding="utf-8").splitlines() if re.fullmatch(r"[0-9a-f]{64}  kernel-4\.6/\S+\.xsd", line))
    shipped = sorted(SHIPPED.rglob("*.xsd"))
    assert len(shipped) == len(listed) > 1
    for path in shipped:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == listed[f"kernel-4.6/{path.relative_to(SHIPPED)}"]
        if ORACLE.is_dir():
            assert path.read_bytes() == (ORACLE / path.relative_to(SHIPPED)).read_bytes(), path


def test_the_official_examples_validate_so_the_check_works() -> None:
    examples = sorted(EXAMPLES.glob("*.xml"))
    sums = dict(reversed(line.split("  ", 1)) for line in (EXAMPLES / "SHA256SUMS").read_text().splitlines())
    assert len(examples) == len(sums) > 5  # the official examples, unmodified
    for example in examples:
        assert hashlib.sha256(example.read_bytes()).hexdigest() == sums[example.name], example.name
    for example in examples:
        assert datacite_errors(example.read_bytes()) == [], example.name
    broken = examples[0].read_bytes().replace(b"<publicationYear>", b"<publicationYear>year ", 1)
    assert any(e.startswith("lxml") for e in datacite_errors(broken))
    assert any(e.startswith("xmlschema") for e in datacite_errors(broken))


@pytest.mark.parametrize("case", ["seed", "minimal", "no-subjects", "one-section", "long-title", "rtl-arabic",
                                  "cjk-full", "deep-headings", "every-field"])
def test_every_case_is_valid_datacite_4_6(seed: dict[str, Any], case: str) -> None:
    assert datacite_errors(export(all_cases(seed)[case])) == []


def test_the_seed_matches_its_golden_file(seed: dict[str, Any]) -> None:
    exporter = get("datacite")
    assert exporter.export(seed) == (GOLDEN / exporter.filename(seed)).read_bytes()


def _doc(record: dict[str, Any]) -> etree._Element:
    return etree.fromstring(export(record))


def test_nothing_required_is_invented_for_the_seed(seed: dict[str, Any]) -> None:
    doc = _doc(seed)
    identifier = doc.find("d:identifier", NS)
    assert (identifier.get("identifierType"), identifier.text) == ("URN", "urn:x-archivist:record:mrta-globalsecurity")
    assert [e.text for e in doc.iterfind("d:creators/d:creator/d:creatorName", NS)] == ["(:unav)"]
    assert doc.findtext("d:publisher", namespaces=NS) == "GlobalSecurity.org"
    assert doc.find("d:dates/d:date[@dateType='Issued']", NS) is None
    (collected,) = doc.iterfind("d:dates/d:date[@dateType='Collected']", NS)
    assert collected.text == "2026-11-24"
    assert doc.findtext("d:publicationYear", namespaces=NS) == "2026"
    assert any("publicationYear is the year of the capture" in (e.text or "")
               for e in doc.iterfind("d:descriptions/d:description[@descriptionType='Other']", NS))
    related = doc.find("d:relatedIdentifiers/d:relatedIdentifier", NS)
    assert (related.text, related.get("relatedIdentifierType"), related.get("relationType")) == (
        seed["source"]["url"], "URL", "IsDerivedFrom")
    rights = doc.find("d:rightsList/d:rights", NS)
    assert rights.get("rightsURI") == "http://rightsstatements.org/vocab/CNE/1.0/"
    assert doc.findtext("d:language", namespaces=NS) == "en"
    assert doc.find("d:resourceType", NS).get("resourceTypeGeneral") == "Text"


def test_an_issued_date_gives_the_publication_year_and_a_doi_the_identifier(seed: dict[str, Any]) -> None:
    doc = _doc(all_cases(seed)["every-field"])
    identifier = doc.find("d:identifier", NS)
    assert (identifier.get("identifierType"), identifier.text) == ("DOI", "10.1234/ABC.5")
    assert doc.findtext("d:publicationYear", namespaces=NS) == "2005"
    assert doc.findtext("d:dates/d:date[@dateType='Issued']", namespaces=NS) == "2005-04-27T09:30:00Z"
    assert not any("publicationYear is" in (e.text or "") for e in doc.iterfind(".//d:description", NS))
    creator = doc.find("d:creators/d:creator", NS)
    assert creator.find("d:creatorName", NS).get("nameType") == "Personal"
    assert (creator.findtext("d:familyName", namespaces=NS), creator.findtext("d:givenName", namespaces=NS)) == (
        "Pike", "John")
    alternate = {e.get("alternateIdentifierType") for e in doc.iterfind(".//d:alternateIdentifier", NS)}
    assert {"ISBN", "ISSN", "Handle", "ARK", "URN", "URL", "OCLC", "LCCN", "local"} <= alternate
    assert doc.find(".//d:relatedIdentifier[@relationType='IsPartOf']", NS).text == (
        "https://www.globalsecurity.org/military/world/para/")


def test_subjects_carry_their_scheme_and_value_uris(seed: dict[str, Any]) -> None:
    doc = _doc(all_cases(seed)["cjk-full"])
    wikidata, lcsh = doc.iterfind("d:subjects/d:subject", NS)
    assert (wikidata.get("subjectScheme"), wikidata.get("schemeURI"), wikidata.get("valueURI")) == (
        "Wikidata", "http://www.wikidata.org/entity/", "http://www.wikidata.org/entity/Q7283")
    assert (lcsh.get("subjectScheme"), lcsh.get("valueURI")) == (
        "LCSH", "http://id.loc.gov/authorities/subjects/sh85133880")


def test_no_creator_and_no_publisher_are_the_standard_unavailable_value(minimal: dict[str, Any]) -> None:
    record = copy.deepcopy(minimal)
    doc = _doc(record)
    assert doc.findtext("d:publisher", namespaces=NS) == "(:unav)"
    assert doc.findtext("d:creators/d:creator/d:creatorName", namespaces=NS) == "(:unav)"
    record["dates"] = [{"type": "available", "value": "2019-05"}, {"type": "created", "value": "1999"}]
    assert _doc(record).findtext("d:publicationYear", namespaces=NS) == "2019"


def test_only_the_first_doi_is_written_as_datacite_takes_only_the_registered_one(seed: dict[str, Any]) -> None:
    record = copy.deepcopy(seed)
    record["identifiers"] = [{"scheme": "doi", "value": "doi:10.1/first"}, {"scheme": "doi", "value": "10.1/second"},
                             {"scheme": "handle", "value": "hdl:2027/x"}]
    doc = _doc(record)
    assert doc.findtext("d:identifier", namespaces=NS) == "10.1/first"
    assert [(e.get("alternateIdentifierType"), e.text) for e in doc.iterfind(".//d:alternateIdentifier", NS)] == [
        ("Handle", "2027/x")]

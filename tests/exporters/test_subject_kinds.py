"""Heading kinds in the other formats: places and periods are DC coverage (dcterms:spatial / temporal), names
are schema.org Person / Organization / Event / CreativeWork / Place, EPUB keeps dc:subject; each still valid
against its schema and the JSON-LD still gives the record back."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import rdflib
from lxml import etree

from archivist.exporters import dcterms, epub, jsonld, oai_dc
from tests.conftest import MINIMAL
from tests.exporters.marc_cases import EVERY_KIND
from tests.oracles import epubcheck_messages
from tests.xsd import validation_errors

SDO = "https://schema.org/"


def _record() -> dict[str, Any]:
    record = copy.deepcopy(MINIMAL)
    record.update(schema_version="1.1", subjects=copy.deepcopy(EVERY_KIND))
    return record


def _elements(data: bytes) -> list[tuple[str, str | None, str]]:
    xsi = "{http://www.w3.org/2001/XMLSchema-instance}type"
    return [(etree.QName(e).localname, e.get(xsi), e.text or "") for e in etree.fromstring(data)]


def test_places_and_periods_are_coverage_in_dublin_core() -> None:
    record = _record()
    qualified, simple = dcterms.export(record), oai_dc.export(record)
    assert validation_errors(qualified, "dcterms") == [] and validation_errors(simple, "oai_dc") == []
    assert ("spatial", "dcterms:LCSH", "Peru--Politics and government") in _elements(qualified)
    assert ("temporal", None, "Twentieth century") in _elements(qualified)
    assert ("subject", "dcterms:LCSH", "Movimiento Revolucionario Túpac Amaru") in _elements(qualified)
    assert ("coverage", None, "Peru--Politics and government") in _elements(simple)
    assert ("subject", None, "Berenson, Lori") in _elements(simple)


def test_schema_org_types_follow_the_kind_and_the_record_comes_back() -> None:
    record = _record()
    data = jsonld.export(record)
    assert jsonld.import_record(json.loads(data)) == record
    graph = rdflib.Graph().parse(data=data, format="json-ld")
    types = {str(graph.value(node, rdflib.URIRef(SDO + "name"))): {str(t) for t in graph.objects(node, rdflib.RDF.type)}
             for node in graph.subjects(rdflib.URIRef(SDO + "inDefinedTermSet"), None)}
    assert types["Berenson, Lori"] == {SDO + "DefinedTerm", SDO + "Person"}
    assert types["Movimiento Revolucionario Túpac Amaru"] == {SDO + "DefinedTerm", SDO + "Organization"}
    assert types["Example Conference on Archives"] == {SDO + "DefinedTerm", SDO + "Event"}
    assert types["The example charter"] == {SDO + "DefinedTerm", SDO + "CreativeWork"}
    assert types["Peru--Politics and government"] == {SDO + "DefinedTerm", SDO + "Place"}
    assert types["Terrorism--Peru"] == {SDO + "DefinedTerm"}


def test_epub_keeps_every_kind_as_dc_subject_and_is_epubcheck_clean(tmp_path: Path) -> None:
    record = _record()
    data = epub.export(record)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        opf = book.read("OEBPS/content.opf")
    subjects = [e.text for e in etree.fromstring(opf).iter("{http://purl.org/dc/elements/1.1/}subject")]
    assert subjects == [s["term"] for s in record["subjects"]]
    (tmp_path / "kinds.epub").write_bytes(data)
    assert epubcheck_messages(tmp_path / "kinds.epub") == []

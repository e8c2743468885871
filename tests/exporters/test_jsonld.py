"""JSON-LD: offline PyLD expansion and URDNA2015 normalisation agree with rdflib, and the record round-trips."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import rdflib
from pyld import jsonld as pyld

from archivist.exporters import jsonld
from tests.exporters.conftest import edge_cases

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"
SDO = rdflib.Namespace("https://schema.org/")


def _no_network(url: str, options: Any = None) -> Any:
    raise pyld.JsonLdError(f"network access attempted: {url}", "loading document failed")


@pytest.fixture(autouse=True)
def offline_pyld() -> Any:
    """PyLD may not load anything; rdflib keeps literals' lexical forms (2026-01-02T03:04:05Z stays Z)."""
    previous = pyld._default_document_loader
    previous_normalize = rdflib.NORMALIZE_LITERALS
    pyld.set_document_loader(_no_network)
    rdflib.NORMALIZE_LITERALS = False
    yield
    pyld.set_document_loader(previous)
    rdflib.NORMALIZE_LITERALS = previous_normalize


URDNA2015 = {"algorithm": "URDNA2015", "format": "application/n-quads"}


def _graphs(data: bytes) -> tuple[rdflib.Graph, rdflib.Graph]:
    doc = json.loads(data)
    expanded = pyld.expand(doc)
    assert expanded, "expansion produced nothing"
    nquads = pyld.normalize(doc, URDNA2015)
    from_pyld = rdflib.Graph().parse(data=nquads, format="nquads")
    from_rdflib = rdflib.Graph().parse(data=data, format="json-ld")
    return from_pyld, from_rdflib


@pytest.mark.parametrize("case", ["seed", "minimal", "no-sections", "rtl-arabic", "cjk-full"])
def test_pyld_and_rdflib_give_the_same_triples(seed: dict[str, Any], case: str) -> None:
    data = jsonld.export(edge_cases(seed)[case])
    from_pyld, from_rdflib = _graphs(data)
    assert len(from_pyld) > 20 and len(from_pyld) == len(from_rdflib)
    # Both graphs brought to URDNA2015 canonical N-Quads: equal strings mean the same triples.
    canonical_pyld = pyld.normalize(json.loads(data), URDNA2015)
    # RDF compares language tags case-insensitively; PyLD lower-cases them, rdflib keeps them as written.
    rdflib_nquads = re.sub(r'"@([A-Za-z0-9-]+) ', lambda m: f'"@{m.group(1).lower()} ', from_rdflib.serialize(format="nt"))
    canonical_rdflib = pyld.normalize(rdflib_nquads, {**URDNA2015, "inputFormat": "application/n-quads"})
    assert canonical_pyld == canonical_rdflib


def test_triples_hold_title_source_subjects_and_retrieval(seed: dict[str, Any]) -> None:
    graph, _ = _graphs(jsonld.export(seed))
    node = rdflib.URIRef(jsonld.ID_PREFIX + seed["id"])
    assert (node, SDO.name, rdflib.Literal(seed["title"], lang="en")) in graph
    assert (node, SDO.isBasedOn, rdflib.URIRef(seed["source"]["url"])) in graph
    names = {str(o) for o in graph.objects(None, SDO.name)}
    assert {s["term"] for s in seed["subjects"]} <= names
    retrieved = rdflib.Literal("2026-11-24", datatype=rdflib.XSD.date)
    assert (node, SDO.sdDatePublished, retrieved) in graph


def test_context_is_embedded_and_nothing_is_fetched(seed: dict[str, Any]) -> None:
    doc = json.loads(jsonld.export(seed))
    assert isinstance(doc["@context"], dict)
    pyld.expand(doc)  # the loader raises if anything remote is asked for


@pytest.mark.parametrize("case", ["seed", "minimal", "no-subjects", "empty-sections", "no-sections", "rtl-arabic", "cjk-full"])
def test_round_trip(seed: dict[str, Any], case: str) -> None:
    record = edge_cases(seed)[case]
    assert jsonld.import_record(jsonld.export(record)) == record


def test_golden_file(seed: dict[str, Any]) -> None:
    assert json.loads(jsonld.export(seed)) == json.loads((GOLDEN / "mrta-globalsecurity.jsonld").read_bytes())


def test_foreign_document_is_refused() -> None:
    from archivist import ArchivistError

    with pytest.raises(ArchivistError, match="context"):
        jsonld.import_record({"@context": "https://schema.org/", "name": "x"})

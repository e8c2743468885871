"""JSON-LD: offline PyLD expansion and URDNA2015 normalisation agree with rdflib, and the record round-trips."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import rdflib
from pyld import jsonld as pyld

from archivist.exporters import RECORD_URN_PREFIX, jsonld
from tests.conftest import MINIMAL, SEED
from tests.exporters.conftest import all_cases
from tests.oracles import jsonld_js_canonical, known_terms, rdf_quads, unknown_terms

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


@pytest.mark.parametrize("case", ["seed", "minimal", "no-sections", "rtl-arabic", "cjk-full", "deep-headings",
                                  "every-field"])
def test_pyld_and_rdflib_give_the_same_triples(seed: dict[str, Any], case: str) -> None:
    data = jsonld.export(all_cases(seed)[case])
    from_pyld, from_rdflib = _graphs(data)
    assert len(from_pyld) > 10 and len(from_pyld) == len(from_rdflib)
    # Both graphs brought to URDNA2015 canonical N-Quads: equal strings mean the same triples.
    canonical_pyld = pyld.normalize(json.loads(data), URDNA2015)
    # RDF compares language tags case-insensitively; PyLD lower-cases them, rdflib keeps them as written.
    rdflib_nquads = re.sub(r'"@([A-Za-z0-9-]+) ', lambda m: f'"@{m.group(1).lower()} ',
                           from_rdflib.serialize(format="nt"))
    canonical_rdflib = pyld.normalize(rdflib_nquads, {**URDNA2015, "inputFormat": "application/n-quads"})
    assert canonical_pyld == canonical_rdflib


def test_triples_hold_title_source_subjects_and_retrieval(seed: dict[str, Any]) -> None:
    graph, _ = _graphs(jsonld.export(seed))
    node = rdflib.URIRef(RECORD_URN_PREFIX + seed["id"])
    assert (node, SDO.name, rdflib.Literal(seed["title"], lang="en")) in graph
    assert (node, SDO.isBasedOn, rdflib.URIRef(seed["source"]["url"])) in graph
    names = {str(o) for o in graph.objects(None, SDO.name)}
    assert {s["term"] for s in seed["subjects"]} <= names
    capture = rdflib.URIRef(f"{node}#capture")
    retrieval = rdflib.URIRef(f"{node}#retrieval")
    assert (node, SDO.encoding, capture) in graph and (retrieval, SDO.result, capture) in graph
    assert (retrieval, SDO.endTime, rdflib.Literal("2026-11-24", datatype=rdflib.XSD.date)) in graph
    assert (capture, SDO.sha256, rdflib.Literal(seed["retrieval"]["sha256"])) in graph


def test_context_is_embedded_and_nothing_is_fetched(seed: dict[str, Any]) -> None:
    doc = json.loads(jsonld.export(seed))
    assert isinstance(doc["@context"], dict)
    pyld.expand(doc)  # the loader raises if anything remote is asked for


ALL = ["seed", "minimal", "no-subjects", "one-section", "empty-sections", "no-sections", "long-title", "rtl-arabic",
       "cjk-full", "deep-headings", "every-field"]


@pytest.mark.parametrize("case", ALL)
def test_round_trip(seed: dict[str, Any], case: str) -> None:
    record = all_cases(seed)[case]
    assert jsonld.import_record(jsonld.export(record)) == record


def test_golden_file(seed: dict[str, Any]) -> None:
    assert json.loads(jsonld.export(seed)) == json.loads((GOLDEN / "mrta-globalsecurity.jsonld").read_bytes())


def test_foreign_document_is_refused() -> None:
    from archivist import ArchivistError

    with pytest.raises(ArchivistError, match="context"):
        jsonld.import_record({"@context": "https://schema.org/", "name": "x"})


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.fixture(scope="module")
def vocabulary() -> frozenset[str]:
    return known_terms()


def _quads(data: bytes) -> list[tuple[str, str, str]]:
    return rdf_quads(json.loads(data))


def _unknown_terms(data: bytes, vocabulary: frozenset[str]) -> set[str]:
    return unknown_terms(json.loads(data), vocabulary)


@pytest.mark.parametrize("case", ALL)
def test_only_schema_org_and_dcmi_terms(seed: dict[str, Any], case: str, vocabulary: frozenset[str]) -> None:
    assert _unknown_terms(jsonld.export(all_cases(seed)[case]), vocabulary) == set()


def test_term_check_can_fail(seed: dict[str, Any], vocabulary: frozenset[str]) -> None:
    doc = jsonld.document(seed)
    doc["holder"] = "x"
    doc["dcterms:statement"] = "x"
    assert _unknown_terms(json.dumps(doc).encode(), vocabulary) == {"https://schema.org/holder",
                                                                    "http://purl.org/dc/terms/statement"}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("case", ALL)
def test_no_text_twice(seed: dict[str, Any], case: str) -> None:
    from collections import Counter

    record = all_cases(seed)[case]
    in_record = Counter(_strings(record))
    literals = Counter(json.loads(f"[{obj[:obj.rindex(chr(34)) + 1]}]")[0]
                       for _, _, obj in _quads(jsonld.export(record)) if obj.startswith('"') and '"^^<' not in obj)
    twice = {text: count for text, count in literals.items() if len(text) > 3 and count > in_record[text]}
    assert twice == {}


def test_roles_and_uris(seed: dict[str, Any]) -> None:
    record = all_cases(seed)["every-field"]
    quads = _quads(jsonld.export(record))
    types = {(s, o) for s, p, o in quads if p == f"{RDF}type"}
    for subject, predicate, _ in quads:
        if predicate == "https://schema.org/roleName":
            assert (subject, "<https://schema.org/Role>") in types
    iri_objects = {o for _, _, o in quads if o.startswith("<")}
    uris = [record["source"]["url"], *(a["uri"] for a in record["creators"] if "uri" in a),
            *(s["uri"] for s in record["subjects"] if "uri" in s),
            *(r["uri"] for r in record["relations"] if "uri" in r)]
    assert {f"<{u}>" for u in uris} <= iri_objects | {s for s, _, _ in quads}


@pytest.mark.parametrize("case", ["every-field", "repeats"])
def test_lists_hold_only_distinct_iris_or_values(seed: dict[str, Any], case: str) -> None:
    quads = _quads(jsonld.export({**all_cases(seed), "repeats": _repeats()}[case]))
    rest = {s: o for s, p, o in quads if p == f"{RDF}rest"}
    heads = {o: p for _, p, o in quads if p != f"{RDF}rest" and o.startswith("_:") and o in rest}
    for head, predicate in heads.items():
        node, items = head, []
        while node.startswith("_:"):
            items += [o for s, p, o in quads if s == node and p == f"{RDF}first"]
            node = rest[node]
        assert not any(item.startswith("_:") for item in items), predicate
        assert len(set(items)) == len(items), predicate


def _repeats() -> dict[str, Any]:
    """A record whose lists repeat themselves: the same paragraph, creator, subject, place and identifier 30 times."""
    record = copy.deepcopy(MINIMAL)
    record["content"]["sections"] = [{"heading": None, "paragraphs": ["* * *"] * 30},
                                     {"heading": None, "paragraphs": []}]
    record["creators"] = [{"name": "Anonymous", "kind": "person"}] * 30
    record["contributors"] = [{"name": "Editor", "kind": "person", "role": "editor"}] * 30
    record["subjects"] = [{"term": "Peru", "scheme": "keyword"}] * 30
    record["coverage"] = {"spatial": ["Peru"] * 30}
    record["identifiers"] = [{"scheme": "local", "value": "1"}] * 30
    return record


@pytest.fixture(scope="module")
def jsonld_js(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """jsonld.js's canonical N-Quads for every case, from one Node process."""
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    folder = tmp_path_factory.mktemp("jsonld-js")
    cases = {**all_cases(seed), "repeats": _repeats()}
    paths = {case: folder / f"{case}.jsonld" for case in [*ALL, "repeats"]}
    for case, path in paths.items():
        path.write_bytes(jsonld.export(cases[case]))
    canonical = jsonld_js_canonical(list(paths.values()))
    return {case: canonical[path] for case, path in paths.items()}


@pytest.mark.parametrize("case", [*ALL, "repeats"])
def test_jsonld_js_canonicalizes_at_default_limits_like_pyld(seed: dict[str, Any], case: str,
                                                              jsonld_js: dict[str, str]) -> None:
    record = {**all_cases(seed), "repeats": _repeats()}[case]
    assert jsonld.import_record(jsonld.export(record)) == record
    assert jsonld_js[case] == pyld.normalize(json.loads(jsonld.export(record)), URDNA2015)


def test_jsonld_js_check_can_fail(tmp_path: Path) -> None:
    # eight alike blank nodes in a list: more work than jsonld.js allows by default
    doc = {"@context": {"@vocab": "https://schema.org/", "hasPart": {"@container": "@list"}}, "@id": "urn:x",
           "hasPart": [{"name": "x"}] * 8}
    path = tmp_path / "alike.jsonld"
    path.write_text(json.dumps(doc))
    with pytest.raises(AssertionError, match="deep iterations"):
        jsonld_js_canonical([path])

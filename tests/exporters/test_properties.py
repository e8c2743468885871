"""Property tests: any valid record exports to XSD-valid Dublin Core and JSON-LD that parses and round-trips."""

from __future__ import annotations

import copy
import json
from typing import Any

import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from archivist.exporters import dcterms, jsonld, oai_dc
from archivist.exporters._dc import serialize
from archivist.records import iter_errors
from tests.conftest import MINIMAL
from tests.oracles import jsonld_js_canonical, known_terms, unknown_terms
from tests.xsd import validation_errors

# Any Unicode text XML 1.0 can hold, with at least one non-space character.
_xml_char = st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff",
                          min_codepoint=0x20) | st.sampled_from(["\t", "\n", "\r"])
text = st.text(_xml_char, min_size=1, max_size=40).filter(lambda s: bool(s.strip()))
languages = st.sampled_from(["en", "es", "pt-BR", "ar", "he", "zh-Hans", "ja", "ru", "hi", "sr-Latn", "x-local"])
subjects = st.one_of(
    st.builds(lambda t, s: {"term": t, "scheme": s}, text,
              st.sampled_from(["lcsh", "fast", "wikidata", "aat", "local", "keyword"])),
    st.builds(lambda t, n: {"term": t, "scheme": "lcsh", "uri": f"http://id.loc.gov/authorities/subjects/sh{n}"},
              text, st.integers(1, 10**9)),
    st.builds(lambda t, n: {"term": t, "scheme": "wikidata", "uri": f"http://www.wikidata.org/entity/Q{n}"},
              text, st.integers(1, 10**9)),
)
sections = st.lists(st.builds(lambda h, p: {"heading": h, "paragraphs": p}, st.none() | text,
                              st.lists(text, max_size=3)),
                    max_size=4)
dates = st.lists(st.builds(lambda t, v: {"type": t, "value": v},
                           st.sampled_from(["created", "issued", "modified", "collected"]),
                           st.sampled_from(["2015", "2015-11", "2015-11-30", "1980/2015", "1983?",
                                            "2015-11-30T12:00:00Z"])),
                 max_size=3)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    record = copy.deepcopy(MINIMAL)
    record["title"] = draw(text)
    record["language"] = draw(languages)
    record["subjects"] = draw(st.lists(subjects, max_size=4))
    record["content"] = {"sections": draw(sections)}
    found = draw(dates)
    if found:
        record["dates"] = found
    if draw(st.booleans()):
        record["description"] = draw(text)
        record["source"]["publisher"] = draw(text)
        record["coverage"] = {"spatial": [draw(text)]}
    return record


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_valid_records_export_to_valid_dublin_core(record: dict[str, Any]) -> None:
    assert list(iter_errors(record)) == []
    assert validation_errors(oai_dc.export(record), "oai_dc") == []
    assert validation_errors(dcterms.export(record), "dcterms") == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_dublin_core_written_as_text_is_what_lxml_writes_for_the_same_elements(record: dict[str, Any]) -> None:
    # The OAI-PMH provider embeds element(); the exporters write text: both must say the same.
    assert oai_dc.export(record) == serialize(oai_dc.element(record))
    assert dcterms.export(record) == serialize(dcterms.element(record))


@settings(max_examples=60, deadline=None)
@given(records())
def test_valid_records_export_to_parseable_json_ld_that_round_trips(record: dict[str, Any]) -> None:
    data = jsonld.export(record)
    graph = rdflib.Graph().parse(data=data, format="json-ld")
    assert (None, rdflib.URIRef("https://schema.org/name"), None) in graph
    assert jsonld.import_record(json.loads(data)) == record
    assert unknown_terms(json.loads(data), known_terms()) == set()


@settings(max_examples=60, deadline=None)
@given(records())
def test_valid_records_export_to_valid_csl_json_that_citeproc_renders_in_each_style(record: dict[str, Any]) -> None:
    from archivist.exporters import csl_json
    from tests.exporters.citation_oracles import STYLES, csl_errors, render

    data = json.loads(csl_json.export(record))
    assert csl_errors(data) == []
    for style in STYLES:
        render(data[0], style)
    assert ("issued" in data[0]) == any(d["type"] == "issued" for d in record.get("dates", []))


@settings(max_examples=100, deadline=None)
@given(records(), st.text(_xml_char, min_size=1, max_size=40).filter(lambda s: bool(s.strip())))
def test_valid_records_export_to_bibtex_and_ris_that_read_back(record: dict[str, Any], hostile: str) -> None:
    import rispy

    from archivist.exporters import bibtex, ris
    from archivist.exporters._citation import one_line
    from tests.exporters.citation_oracles import bibtex_entries, bibtex_raw

    record["title"] = hostile + "{}\\%$#&_^~--''"  # any text, and every character LaTeX gives a meaning
    data = bibtex.export(record)
    written = bibtex.fields(record)
    assert [f.value for f in bibtex_raw(data)[0].fields] == [value for _, value in written]
    title = next(f.value for f in bibtex_entries(data)[0].fields if f.key == "title")
    expected = one_line(record["title"])
    if "\\textbrace" in bibtex.escape(expected):  # unbalanced braces are \textbraceleft{}, \textbraceright{}:
        expected = expected.replace("{", "").replace("}", "")  # LaTeX prints them, pylatexenc drops them
    assert title.replace("\u02c6", "^") == expected.replace("\u02c6", "^")
    (reference,) = rispy.loads(ris.export(record).decode("utf-8"))
    assert reference["title"] == one_line(record["title"])


@settings(max_examples=60, deadline=None)
@given(records())
def test_valid_records_export_to_valid_datacite(record: dict[str, Any]) -> None:
    from archivist.exporters import datacite
    from tests.exporters.test_datacite import datacite_errors

    assert datacite_errors(datacite.export(record)) == []


_levels = st.none() | st.integers(1, 6)
_outline = st.lists(st.tuples(st.none() | st.just("Heading"), _levels), max_size=12)


@settings(max_examples=100, deadline=None)
@given(_outline)
def test_epub_nav_lists_every_section_once_in_reading_order_nested_below_higher_levels(
        shape: list[tuple[str | None, int | None]]) -> None:
    import io
    import zipfile

    from lxml import etree

    from archivist.exporters import epub

    record = copy.deepcopy(MINIMAL)
    record["content"]["sections"] = [
        {"heading": heading, "paragraphs": ["Text."], **({} if level is None else {"level": level})}
        for heading, level in shape]
    with zipfile.ZipFile(io.BytesIO(epub.export(record))) as archive:
        nav = etree.fromstring(archive.read("OEBPS/nav.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    hrefs = [a.get("href") for a in nav.find(".//x:nav[@id='toc']", ns).iter("{http://www.w3.org/1999/xhtml}a")]
    expected = [f"section-{n:04d}.xhtml" for n in range(1, len(shape) + 1)]
    assert hrefs == ["title.xhtml", *expected, "colophon.xhtml"]
    for li in nav.iterfind(".//x:nav[@id='toc']//x:li/x:ol/x:li", ns):  # a nested entry: its heading ranks below
        child, parent = (int(e.find("x:a", ns).get("href")[8:12]) - 1 for e in (li, li.getparent().getparent()))
        child_heading, child_level = shape[child]
        parent_heading, parent_level = shape[parent]
        if child_heading is not None and parent_heading is not None:
            assert (child_level or 2) > (parent_level or 2)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(records(), min_size=12, max_size=12))
def test_jsonld_js_canonicalizes_any_record_at_default_limits_like_pyld(batch: list[dict[str, Any]]) -> None:
    import tempfile
    from pathlib import Path

    from pyld import jsonld as pyld

    with tempfile.TemporaryDirectory() as folder:  # one Node process for the twelve documents
        paths = [Path(folder) / f"{n}.jsonld" for n in range(len(batch))]
        for path, record in zip(paths, batch, strict=True):
            path.write_bytes(jsonld.export(record))
        canonical = jsonld_js_canonical(paths)
    for path, record in zip(paths, batch, strict=True):
        # jsonld.js escapes as RDFC-1.0 says (U+007F as \u007F), PyLD as URDNA2015 did: compare the graphs
        expected = pyld.normalize(json.loads(jsonld.export(record)), {"algorithm": "URDNA2015",
                                                                      "format": "application/n-quads"})
        ours, theirs = (rdflib.Graph().parse(data=text, format="nquads") for text in (canonical[path], expected))
        assert len(ours) == len(theirs) and isomorphic(ours, theirs)

"""Descriptive metadata at ingest (#25 item 1): what the user gives, what the page states (marked inferred, with
where it came from), what is never invented, and every format carrying it to its real consumer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from archivist.cli import app
from archivist.exporters import get as exporter
from archivist.ingest import Facts, apply_description, ingest_file, ingest_manifest, parse_description
from archivist.records import iter_errors, relator, relators
from tests.exporters.marc_cases import lint
from tests.oracles import epubcheck_messages, rdf_quads
from tests.tools import need
from tests.xsd import validation_errors

runner = CliRunner()
RETRIEVED = "2026-11-24T10:00:00Z"
PAGE = """<!doctype html><html lang="en"><head><title>Rebels in Lima | Example News</title>
<meta name="citation_author" content="Quispe, Ana"><meta name="citation_author" content="Mamani, Luis">
<meta name="citation_publication_date" content="2024/03/03">
<meta name="DC.rights" content="© 2024 Example News"><link rel="license" href="https://creativecommons.org/licenses/by/4.0/">
<meta name="description" content="How the rebels took the embassy.">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Rebels in Lima", "dateModified": "2024-03-05T08:00:00Z",
 "publisher": {"@type": "Organization", "name": "Example News Ltd"}}</script>
</head><body><article><h1>Rebels in Lima</h1>
<p>The rebels held the residence for four months, and the talks that followed went nowhere for weeks.</p>
<p>Later accounts differ on what was said in those talks and by whom, and the archive keeps them all.</p>
</article></body></html>"""
#: A page that states no date of its own: a year in the text, and in an infobox a founding date that a hidden
#: microformat marks "published" (as Wikipedia's infoboxes do), which htmldate takes for the page's date.
UNDATED = """<!doctype html><html lang="en"><head><title>The Mozilla project</title></head><body>
<table class="infobox"><tr><th>Founded</th><td>February 28, 1998<span style="display:none">(<span
class="bday dtstart published updated">1998-02-28</span>)</span></td></tr></table>
<p>Mozilla is a free-software community created in 1998 by members of Netscape, and it grew quickly.</p>
<p>Its code base came from Netscape's, and many volunteers joined it over the following years.</p></body></html>"""


def _inferred(record: dict[str, Any]) -> list[str]:
    return [e["note"] for e in record["provenance"] if e["action"] == "inferred"]


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "rebels.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_what_the_page_states_is_taken_and_marked_with_its_source(page: Path) -> None:
    record = ingest_file(page, Facts(retrieved=RETRIEVED, url="https://news.example.org/rebels"))
    assert list(iter_errors(record)) == []
    assert record["dates"] == [{"type": "issued", "value": "2024-03-03"},
                               {"type": "modified", "value": "2024-03-05T08:00:00Z"}]
    assert record["creators"] == [{"name": "Quispe, Ana", "kind": "person", "role": "author"},
                                  {"name": "Mamani, Luis", "kind": "person", "role": "author"}]
    assert record["description"] == "How the rebels took the embassy."
    assert record["rights"] == {"statement": "© 2024 Example News",
                                "uri": "https://creativecommons.org/licenses/by/4.0/"}
    assert record["source"]["publisher"] == "Example News Ltd"
    notes = _inferred(record)
    for note in ("dates issued from the page's <meta name='citation_publication_date'>",
                 "dates modified from the page's schema.org JSON-LD dateModified",
                 "creators from the page's <meta name='citation_author'>",
                 "rights.statement from the page's <meta name='DC.rights'>",
                 "rights.uri from the page's rel=license link",
                 "source.publisher from the page's schema.org JSON-LD publisher",
                 "description from the page's <meta name='description'>"):
        assert note in notes


def test_a_value_the_user_gives_wins_and_is_not_marked_inferred(page: Path) -> None:
    facts = Facts(retrieved=RETRIEVED, url="https://news.example.org/rebels", issued="2024-03-02",
                  creators=["organization:Example News Ltd|aut"], rights="In copyright", publisher="Example News")
    record = ingest_file(page, facts)
    assert record["dates"][0] == {"type": "issued", "value": "2024-03-02"}
    assert record["creators"] == [{"name": "Example News Ltd", "kind": "organization", "role": "author"}]
    assert record["rights"] == {"statement": "In copyright"}  # the page's licence URI does not join a given statement
    assert record["source"]["publisher"] == "Example News"
    notes = " ".join(_inferred(record))
    assert "dates issued" not in notes and "creators" not in notes and "rights" not in notes
    assert "source.publisher" not in notes and "dates modified" in notes


def test_a_date_the_page_does_not_state_stays_absent(tmp_path: Path) -> None:
    path = tmp_path / "undated.html"
    path.write_text(UNDATED, encoding="utf-8")
    record = ingest_file(path, Facts(retrieved="2026-11-24", url="https://example.org/mozilla"))
    assert "dates" not in record  # not the infobox's 1998, not the text's year, never the retrieval day
    assert not any(n.startswith("dates") for n in _inferred(record))
    marked = path.read_text(encoding="utf-8").replace(
        "<p>Mozilla", '<p class="byline">By Jo Roe, <time datetime="2019-11-21">21 November 2019</time></p><p>Mozilla')
    path.write_text(marked, encoding="utf-8")
    record = ingest_file(path, Facts(retrieved="2026-11-24", url="https://example.org/mozilla"))
    assert record["dates"] == [{"type": "issued", "value": "2019-11-21"}]
    assert record["creators"] == [{"name": "Jo Roe", "kind": "person", "role": "author"}]
    assert any(n.startswith("dates issued from the page's <time> markup") for n in _inferred(record))
    assert "creators from the page's byline (read by trafilatura)" in _inferred(record)


def test_a_text_capture_takes_every_option(tmp_path: Path) -> None:
    capture = tmp_path / "memo.txt"
    capture.write_text("A memo\n\nThe memo's only paragraph.\n", encoding="utf-8")
    result = runner.invoke(app, [
        "ingest", str(capture), "--url", "https://example.org/memo", "--retrieved", "2026-11-24", "--out", "-",
        "--language", "es",
        "--issued", "1997-04-22", "--created", "1997~", "--modified", "1997-05-01T09:30:00Z",
        "--creator", "person:Cipriani, Juan Luis|aut|https://id.loc.gov/authorities/names/n00000001",
        "--contributor", "organization:Comité Internacional de la Cruz Roja|Sponsor",
        "--description", "An internal memo.", "--rights", "Public domain in Peru.",
        "--rights-uri", "http://rightsstatements.org/vocab/NoC-US/1.0/", "--publisher", "Embassy press office"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["dates"] == [{"type": "issued", "value": "1997-04-22"}, {"type": "created", "value": "1997~"},
                               {"type": "modified", "value": "1997-05-01T09:30:00Z"}]
    assert record["creators"] == [{"name": "Cipriani, Juan Luis", "kind": "person", "role": "author",
                                   "uri": "https://id.loc.gov/authorities/names/n00000001"}]
    assert record["contributors"] == [{"name": "Comité Internacional de la Cruz Roja", "kind": "organization",
                                       "role": "sponsor"}]
    assert record["rights"] == {"statement": "Public domain in Peru.",
                                "uri": "http://rightsstatements.org/vocab/NoC-US/1.0/"}
    assert record["source"]["publisher"] == "Embassy press office" and _inferred(record) == [
        "title from the capture's title line"]


@pytest.mark.parametrize(("option", "value", "expected"), [
    ("--issued", "March 3, 2024", "expected a W3CDTF or EDTF date"),
    ("--creator", "Smith, Jane", "expected KIND:NAME[|ROLE][|URI]"),
    ("--contributor", "person:Roe, Jane|boss", "role 'boss' is not in the MARC relator list"),
    ("--rights-uri", "javascript:alert(1)", "expected an absolute URI"),
])
def test_a_bad_value_is_one_error_line_naming_the_option(tmp_path: Path, option: str, value: str,
                                                          expected: str) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "x.txt"), option, value, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and result.stderr.startswith(f"error: {option} {value!r}")
    assert expected in result.stderr and not (tmp_path / "o").exists()


def test_manifest_columns_fill_the_same_fields_and_a_bad_cell_names_row_and_column(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"Title {name}\n\nSome text.\n", encoding="utf-8")
    (tmp_path / "m.csv").write_text(
        "file,url,retrieved,issued,creators,contributors,description,rights,rights_uri\n"
        "a.txt,https://example.org/a,2026-11-24,2024-03,\"person:Roe, Jane|edt; organization:MRTA\",,Notes.,Open,"
        "https://creativecommons.org/publicdomain/zero/1.0/\n"
        "b.txt,https://example.org/b,2026-11-24,last spring,,,,,\n", encoding="utf-8")
    outcomes = list(ingest_manifest(tmp_path / "m.csv", tmp_path / "out"))
    assert [o.ok for o in outcomes] == [True, False]
    record = json.loads((tmp_path / "out" / "a.json").read_text(encoding="utf-8"))
    assert record["dates"] == [{"type": "issued", "value": "2024-03"}]
    assert record["creators"] == [{"name": "Roe, Jane", "kind": "person", "role": "editor"},
                                  {"name": "MRTA", "kind": "organization"}]
    assert record["description"] == "Notes." and record["rights"]["statement"] == "Open"
    assert str(outcomes[1].error).startswith(f"{tmp_path / 'm.csv'} row 3: /issued: 'last spring': expected")


def test_apply_description_replaces_what_is_given_and_keeps_the_rest() -> None:
    record: dict[str, Any] = {"source": {"url": "https://example.org/"}, "creators": [{"name": "A", "kind": "person"}],
                              "dates": [{"type": "captured", "value": "2020"}, {"type": "issued", "value": "2019"}]}
    apply_description(record, parse_description({"issued": "2018-05", "modified": "2021", "rights_uri": None}))
    assert record["dates"] == [{"type": "captured", "value": "2020"}, {"type": "issued", "value": "2018-05"},
                               {"type": "modified", "value": "2021"}]
    assert record["creators"] == [{"name": "A", "kind": "person"}] and "rights" not in record


def test_the_relator_list_is_the_library_of_congress_list() -> None:
    codes = {r.code for r in relators().values()}
    assert len(codes) > 250 and {"aut", "edt", "ctb", "cre", "pbl", "ths", "trl"} <= codes
    assert "clb" not in codes and "voc" not in codes  # discontinued codes are left out
    assert relator("Author") == relator("aut") == relator("http://id.loc.gov/vocabulary/relators/aut")
    assert relator("author").uri == "http://id.loc.gov/vocabulary/relators/aut"  # type: ignore[union-attr]


def test_every_format_carries_it_to_its_real_consumer(page: Path, tmp_path: Path) -> None:
    need("marc-lint")
    need("java")
    facts = Facts(retrieved=RETRIEVED, url="https://news.example.org/rebels", record_id="rebels",
                  contributors=["person:Roe, Jane|edt", "organization:Instituto de Defensa Legal|spn"])
    record = ingest_file(page, facts)
    marcxml = exporter("marcxml").export(record)
    (tmp_path / "r.marc.xml").write_bytes(marcxml)
    assert validation_errors(marcxml, "marcxml") == [] and lint([tmp_path / "r.marc.xml"]) == []
    from pymarc.marcxml import parse_xml_to_array

    (marc,) = parse_xml_to_array(str(tmp_path / "r.marc.xml"), strict=True)
    assert marc["008"].data[6:15] == "s2024    " and marc["260"]["c"] == "2024."
    assert [(f.tag, f["a"], f["e"], f["4"]) for f in marc.get_fields("100", "700", "710")] == [
        ("100", "Quispe, Ana,", "author.", "aut"), ("700", "Mamani, Luis,", "author.", "aut"),
        ("700", "Roe, Jane,", "editor.", "edt"), ("710", "Instituto de Defensa Legal,", "sponsor.", "spn")]
    assert marc["540"]["u"] == "https://creativecommons.org/licenses/by/4.0/"
    oai_dc, dcterms = exporter("oai_dc").export(record), exporter("dcterms").export(record)
    assert validation_errors(oai_dc, "oai_dc") == [] and validation_errors(dcterms, "dcterms") == []
    assert b"<dc:date>2024-03-03</dc:date>" in oai_dc and b"<dc:creator>Quispe, Ana</dc:creator>" in oai_dc
    assert b"<dc:contributor>Roe, Jane</dc:contributor>" in oai_dc and b"<dc:publisher>Example News Ltd<" in oai_dc
    assert b'<dcterms:issued xsi:type="dcterms:W3CDTF">2024-03-03</dcterms:issued>' in dcterms
    (tmp_path / "r.epub").write_bytes(exporter("epub").export(record))
    assert epubcheck_messages(tmp_path / "r.epub") == []
    quads = rdf_quads(json.loads(exporter("jsonld").export(record)))
    assert any(p == "http://purl.org/dc/terms/issued" and o.startswith('"2024-03-03"') for _, p, o in quads)
    assert any(p == "https://schema.org/roleName" and o.startswith('"editor"') for _, p, o in quads)


def test_json_ld_references_in_a_graph_are_followed_to_the_items_they_name() -> None:
    from archivist.ingest import describe_page

    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "@id": "https://ex.org/#website", "name": "Ex"},
        {"@type": "Organization", "@id": "https://ex.org/#org", "name": "Ex Media"},
        {"@type": "Article", "@id": "https://ex.org/a#article", "headline": "A", "datePublished": "2023-01-02",
         "author": {"@id": "https://ex.org/#/schema/person/1"}, "publisher": {"@id": "https://ex.org/#org"}},
        {"@type": "Person", "@id": "https://ex.org/#/schema/person/1", "name": "Jo Roe"}]}
    page = describe_page(f'<html><head><script type="application/ld+json">{json.dumps(graph)}</script></head>'
                         "<body><p>Text.</p></body></html>")
    assert page.values == {"issued": "2023-01-02", "publisher": "Ex Media",
                           "creators": [{"name": "Jo Roe", "kind": "person", "role": "author"}]}
    assert page.sources["creators"] == "the page's schema.org JSON-LD author"

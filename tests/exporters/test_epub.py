"""EPUB 3: EPUBCheck clean (no errors, no warnings), reproducible, faithful to the record."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from archivist.exporters import epub
from tests.conftest import SEED
from tests.exporters.conftest import all_cases
from tests.oracles import ace_violations, epubcheck_batch

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden" / "mrta-globalsecurity.epub.d"
CASES = ["seed", "minimal", "no-subjects", "one-section", "empty-sections", "no-sections", "long-title",
         "rtl-arabic", "cjk-full", "deep-headings", "every-field"]
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XHTML = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
COLLECTION = ["seed", "rtl-arabic", "cjk-full"]


def _rewritten(data: bytes, suffix: str, old: bytes, new: bytes) -> bytes:
    """An EPUB with ``old`` replaced by ``new`` in every entry whose name ends with ``suffix``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item)
            dst.writestr(item, content.replace(old, new) if item.filename.endswith(suffix) else content)
    return out.getvalue()


@pytest.fixture(scope="module")
def epubcheck_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """EPUBCheck's findings for every edge case, a collection and a broken EPUB, checked in one Java process."""
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    cases = all_cases(seed)
    books = {case: epub.export(cases[case]) for case in CASES}
    books["collection"] = epub.export_collection([cases[c] for c in COLLECTION], "Three records")
    books["every-case collection"] = epub.export_collection([cases[c] for c in CASES], "Every edge case")
    books["broken"] = _rewritten(epub.export(seed), "content.opf", b"dcterms:modified", b"dcterms:created")
    folder = tmp_path_factory.mktemp("epubcheck")
    paths = {name: folder / f"{name.replace(' ', '-')}.epub" for name in books}
    for name, data in books.items():
        paths[name].write_bytes(data)
    reports = epubcheck_batch(list(paths.values()))
    return {name: reports[path] for name, path in paths.items()}


@pytest.mark.parametrize("case", [*CASES, "collection", "every-case collection"])
def test_epubcheck_reports_nothing(epubcheck_reports: dict[str, list[str]], case: str) -> None:
    assert epubcheck_reports[case] == []


def test_epubcheck_oracle_can_fail(epubcheck_reports: dict[str, list[str]]) -> None:
    assert any("dcterms:modified" in message for message in epubcheck_reports["broken"])


def test_collection_nests_each_record(seed: dict[str, Any]) -> None:
    cases = all_cases(seed)
    nav = _entries(epub.export_collection([cases[c] for c in COLLECTION], "Three records"))["OEBPS/nav.xhtml"]
    assert nav.count(b"<ol>") >= 4  # the collection list plus one nested list per record


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_zip_layout_mimetype_first_and_stored(seed: dict[str, Any]) -> None:
    with zipfile.ZipFile(io.BytesIO(epub.export(seed))) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read(first) == b"application/epub+zip"
        assert {info.date_time for info in archive.infolist()} == {epub.ZIP_TIME}
    assert epub.export(seed)[30:38] == b"mimetype"


def test_golden_unzipped(seed: dict[str, Any]) -> None:
    entries = _entries(epub.export(seed))
    golden = {str(p.relative_to(GOLDEN)): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(entries) == sorted(golden)
    for name, data in entries.items():
        if name.endswith((".xhtml", ".opf", ".ncx", ".xml")):
            assert etree.tostring(etree.fromstring(data), method="c14n2") == \
                etree.tostring(etree.fromstring(golden[name]), method="c14n2"), name
        else:
            assert data == golden[name], name


def test_metadata_comes_from_the_record(seed: dict[str, Any]) -> None:
    record = all_cases(seed)["cjk-full"]
    opf = etree.fromstring(_entries(epub.export(record))["OEBPS/content.opf"])
    assert opf.findtext("opf:metadata/dc:language", namespaces=OPF) == "zh-Hans"
    assert opf.findtext("opf:metadata/dc:identifier", namespaces=OPF) == "urn:x-archivist:record:chinese"
    assert opf.findtext("opf:metadata/dc:date", namespaces=OPF) == "2015-11-30"
    modified = opf.find("opf:metadata/opf:meta[@property='dcterms:modified']", OPF).text
    assert modified == "2026-01-02T03:04:05Z"  # the retrieval time, not the clock
    refines = {(m.get("refines"), m.get("property"), m.text)
               for m in opf.findall("opf:metadata/opf:meta[@refines]", OPF)}
    assert ("#subject1", "term", "http://www.wikidata.org/entity/Q7283") in refines
    assert ("#subject2", "authority", "LCSH") in refines
    a11y = {m.get("property") for m in opf.findall("opf:metadata/opf:meta", OPF)}
    assert {"schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
            "schema:accessibilityHazard", "schema:accessibilitySummary"} <= a11y


def test_subject_without_uri_has_no_authority_refinement(seed: dict[str, Any]) -> None:
    opf = _entries(epub.export(seed))["OEBPS/content.opf"]
    assert b'property="authority"' not in opf and b'property="term"' not in opf


def test_paragraphs_survive_byte_for_byte(seed: dict[str, Any]) -> None:
    entries = _entries(epub.export(seed))
    texts: list[str] = []
    for number in range(1, len(seed["content"]["sections"]) + 1):
        doc = etree.fromstring(entries[f"OEBPS/section-{number:04d}.xhtml"])
        texts += [p.text for p in doc.iter("{http://www.w3.org/1999/xhtml}p")]
    assert texts == [p for s in seed["content"]["sections"] for p in s["paragraphs"]]


def test_rtl_language_sets_direction(seed: dict[str, Any]) -> None:
    entries = _entries(epub.export(all_cases(seed)["rtl-arabic"]))
    assert b'page-progression-direction="rtl"' in entries["OEBPS/content.opf"]
    assert b'dir="rtl"' in entries["OEBPS/section-0001.xhtml"]
    assert epub.text_direction("az-Latn") == "ltr" and epub.text_direction("pa-Arab") == "rtl"


@pytest.mark.parametrize(("tag", "direction"), [
    ("ks", "rtl"), ("ar", "rtl"), ("he", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("yi", "rtl"), ("dv", "rtl"),
    ("en", "ltr"), ("az-Arab", "rtl"), ("az", "ltr"), ("ku-Arab", "rtl"), ("und", "ltr"), ("x-private", "ltr")])
def test_text_direction_is_the_direction_of_the_tags_likeliest_script(tag: str, direction: str) -> None:
    assert epub.text_direction(tag) == direction


def test_kashmiri_in_its_likeliest_script_reads_right_to_left(seed: dict[str, Any]) -> None:
    entries = _entries(epub.export(dict(seed, language="ks")))
    assert b'page-progression-direction="rtl"' in entries["OEBPS/content.opf"]


def _opf(record: dict[str, Any]) -> etree._Element:
    """The parsed package document of the record's EPUB."""
    return etree.fromstring(_entries(epub.export(record))["OEBPS/content.opf"])


def test_package_lists_every_identifier_in_forms_calibre_reads(seed: dict[str, Any]) -> None:
    opf = _opf(all_cases(seed)["every-field"])
    identifiers = [e.text for e in opf.findall("opf:metadata/dc:identifier", OPF)]
    assert identifiers == [
        "urn:x-archivist:record:every-field", "urn:isbn:978-0-306-40615-7", "urn:doi:10.1234/ABC.5",
        "urn:issn:0317-8471", "lccn:2001012345", "oclc:123456789", "hdl:2027/mdp.39015012345678",
        "ark:/12148/btv1b8449691v", "urn:nbn:de:101:1-2014012345", "MRTA-box-3/17",
        "https://archive.example.org/items/17"]
    assert opf.get("unique-identifier") == "uid" and opf.find("opf:metadata/dc:identifier", OPF).get("id") == "uid"
    colophon = _entries(epub.export(all_cases(seed)["every-field"]))["OEBPS/colophon.xhtml"].decode()
    assert "<li>ISBN 978-0-306-40615-7</li>" in colophon and "<li>Local MRTA-box-3/17</li>" in colophon


@pytest.mark.parametrize(("dates", "expected"), [
    ([("created", "2001"), ("modified", "2003"), ("issued", "2002-05")], "2002-05"),
    ([("modified", "2003"), ("created", "2001"), ("copyrighted", "2000")], "2000"),
    ([("created", "2001"), ("available", "2002-01-01")], "2002-01-01"),
    ([("issued", "1983?"), ("created", "1983")], "1983"),  # EDTF is no EPUB date: the next candidate
    ([("modified", "2003"), ("captured", "2026-11-24")], None),  # neither is a publication date
])
def test_date_is_the_publication_date(minimal: dict[str, Any], dates: list[tuple[str, str]],
                                      expected: str | None) -> None:
    minimal["dates"] = [{"type": kind, "value": value} for kind, value in dates]
    assert [e.text for e in _opf(minimal).findall("opf:metadata/dc:date", OPF)] == ([expected] if expected else [])


def _nav_tree(ol: etree._Element) -> list[tuple[str, list]]:  # type: ignore[type-arg]
    """The nav list as nested (href, children) pairs."""
    tree = []
    for li in ol.findall("x:li", XHTML):
        nested = li.find("x:ol", XHTML)
        tree.append((li.find("x:a", XHTML).get("href"), [] if nested is None else _nav_tree(nested)))
    return tree


def _ncx_tree(parent: etree._Element) -> list[tuple[str, list]]:  # type: ignore[type-arg]
    """The NCX navMap as nested (src, children) pairs."""
    ncx = "{http://www.daisy.org/z3986/2005/ncx/}"
    return [(p.find(f"{ncx}content").get("src"), _ncx_tree(p)) for p in parent.findall(f"{ncx}navPoint")]


def test_nav_and_ncx_nest_by_heading_level(seed: dict[str, Any]) -> None:
    entries = _entries(epub.export(all_cases(seed)["deep-headings"]))
    nav = etree.fromstring(entries["OEBPS/nav.xhtml"]).find(".//x:nav[@id='toc']/x:ol", XHTML)

    def s(number: int, *children: tuple[str, list]) -> tuple[str, list]:  # type: ignore[type-arg]
        return (f"section-{number:04d}.xhtml", list(children))

    # levels: untitled lead, h1, h2, h3, h4, h5, h6, untitled, h2, h1, h3 (skips h2), untitled, h2
    expected = [("title.xhtml", []), s(1),
                s(2, s(3, s(4, s(5, s(6, s(7, s(8)))))), s(9)),
                s(10, s(11, s(12)), s(13)),
                ("colophon.xhtml", [])]
    assert _nav_tree(nav) == expected
    ncx = etree.fromstring(entries["OEBPS/toc.ncx"])
    assert _ncx_tree(ncx.find("{http://www.daisy.org/z3986/2005/ncx/}navMap")) == expected
    depth = ncx.find(".//{http://www.daisy.org/z3986/2005/ncx/}meta[@name='dtb:depth']").get("content")
    assert depth == "7"


def test_every_epub_type_has_its_aria_role(seed: dict[str, Any]) -> None:
    roles = {"chapter": "doc-chapter", "colophon": "doc-colophon", "toc": "doc-toc"}
    for name, data in _entries(epub.export(seed)).items():
        if name.endswith(".xhtml"):
            for element in etree.fromstring(data).iterfind(".//*[@epub:type]", XHTML):
                kind = element.get(f"{{{XHTML['epub']}}}type")
                assert element.get("role") == roles.get(kind), (name, kind)


_UNROLED = f"r{len(CASES) + 1:04d}-section-0001.xhtml"  # the last record of the Ace collection, stripped of its role


@pytest.fixture(scope="module")
def ace_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Ace by DAISY's violations for the seed and for one collection holding every edge case, whose last record's
    section lacks its ARIA role (Ace must find that, and nothing else). Ace starts a browser per EPUB (6-9 s), so
    the edge cases are checked together as one book."""
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    cases = all_cases(seed)
    collection = epub.export_collection([*(cases[c] for c in CASES), cases["minimal"]], "Every edge case")
    books = {"seed": epub.export(seed),
             "every-case collection": _rewritten(collection, _UNROLED, b' role="doc-chapter"', b"")}
    folder = tmp_path_factory.mktemp("ace")
    paths = {name: folder / f"{name.replace(' ', '-')}.epub" for name in books}
    for name, data in books.items():
        paths[name].write_bytes(data)
    reports = ace_violations(list(paths.values()), folder)
    return {name: reports[path] for name, path in paths.items()}


def test_ace_reports_no_violation_on_the_seed(ace_reports: dict[str, list[str]]) -> None:
    assert ace_reports["seed"] == []


def test_ace_reports_only_the_stripped_role_in_the_edge_cases(ace_reports: dict[str, list[str]]) -> None:
    found = ace_reports["every-case collection"]
    assert [v for v in found if _UNROLED not in v] == []
    assert any("epub-type-has-matching-role" in v for v in found)  # the oracle can fail


@pytest.mark.parametrize(("scheme", "value", "epub_form", "dc_form"), [
    ("isbn", "ISBN 978-0-306-40615-7", "urn:isbn:978-0-306-40615-7", "urn:isbn:978-0-306-40615-7"),
    ("isbn", "urn:isbn:0306406152", "urn:isbn:0306406152", "urn:isbn:0306406152"),
    ("doi", "doi:10.1000/182", "urn:doi:10.1000/182", "https://doi.org/10.1000/182"),
    ("doi", "http://dx.doi.org/10.1000/182", "urn:doi:10.1000/182", "https://doi.org/10.1000/182"),
    ("handle", "https://hdl.handle.net/2027/x", "hdl:2027/x", "https://hdl.handle.net/2027/x"),
    ("urn", "nbn:de:101-1", "urn:nbn:de:101-1", "urn:nbn:de:101-1"),
    ("doi", "doi:", "urn:doi:doi:", "https://doi.org/doi:"),  # nothing after the prefix: kept as written
])
def test_identifier_forms(scheme: str, value: str, epub_form: str, dc_form: str) -> None:
    from archivist.exporters import _identifiers

    assert _identifiers.epub_form({"scheme": scheme, "value": value}) == epub_form
    assert _identifiers.uri_form({"scheme": scheme, "value": value})[0] == dc_form


def test_a_creator_or_contributor_with_a_relator_role_is_refined_with_its_code(seed: dict[str, Any]) -> None:
    record = dict(all_cases(seed)["every-field"])
    record["contributors"] = [*record["contributors"], {"name": "No Role", "kind": "person"},
                              {"name": "Odd Role", "kind": "person", "role": "chief scribbler"}]
    metadata = _opf(record).find("opf:metadata", OPF)
    roles = {m.get("refines"): (m.text, m.get("scheme")) for m in metadata.findall("opf:meta[@property='role']", OPF)}
    creator = metadata.find("dc:creator", OPF)
    assert roles[f"#{creator.get('id')}"] == ("aut", "marc:relators")
    contributors = metadata.findall("dc:contributor", OPF)
    assert [(c.text, roles.get(f"#{c.get('id')}")) for c in contributors] == [
        ("Example Archive", ("edt", "marc:relators")), ("No Role", None), ("Odd Role", None)]
    assert [c.get("id") for c in contributors[1:]] == [None, None]

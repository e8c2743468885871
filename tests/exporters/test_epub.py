"""EPUB 3: EPUBCheck clean (no errors, no warnings), reproducible, faithful to the record."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from archivist.exporters import epub
from tests.exporters.conftest import edge_cases
from tests.oracles import epubcheck_messages

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden" / "mrta-globalsecurity.epub.d"
CASES = ["seed", "minimal", "no-subjects", "one-section", "empty-sections", "no-sections", "long-title",
         "rtl-arabic", "cjk-full"]
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


@pytest.mark.parametrize("case", CASES)
def test_epubcheck_reports_nothing(tmp_path: Path, seed: dict[str, Any], case: str) -> None:
    path = tmp_path / f"{case}.epub"
    path.write_bytes(epub.export(edge_cases(seed)[case]))
    assert epubcheck_messages(path) == []


def test_epubcheck_oracle_can_fail(tmp_path: Path, seed: dict[str, Any]) -> None:
    data = epub.export(seed)
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            content = src.read(item)
            if item.filename.endswith("content.opf"):
                content = content.replace(b"dcterms:modified", b"dcterms:created")
            dst.writestr(item, content)
    path = tmp_path / "broken.epub"
    path.write_bytes(broken.getvalue())
    assert epubcheck_messages(path)


def test_collection_is_epubcheck_clean(tmp_path: Path, seed: dict[str, Any]) -> None:
    cases = edge_cases(seed)
    path = tmp_path / "collection.epub"
    path.write_bytes(epub.export_collection([cases["seed"], cases["rtl-arabic"], cases["cjk-full"]], "Three records"))
    assert epubcheck_messages(path) == []
    with zipfile.ZipFile(path) as archive:
        nav = archive.read("OEBPS/nav.xhtml").decode()
    assert nav.count("<ol>") >= 4  # the collection list plus one nested list per record


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
    record = edge_cases(seed)["cjk-full"]
    opf = etree.fromstring(_entries(epub.export(record))["OEBPS/content.opf"])
    assert opf.findtext("opf:metadata/dc:language", namespaces=OPF) == "zh-Hans"
    assert opf.findtext("opf:metadata/dc:identifier", namespaces=OPF) == "urn:x-archivist:record:chinese"
    assert opf.findtext("opf:metadata/dc:date", namespaces=OPF) == "2015-11-30"
    modified = opf.find("opf:metadata/opf:meta[@property='dcterms:modified']", OPF).text
    assert modified == "2026-01-02T03:04:05Z"  # the retrieval time, not the clock
    refines = {(m.get("refines"), m.get("property"), m.text) for m in opf.findall("opf:metadata/opf:meta[@refines]", OPF)}
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
    entries = _entries(epub.export(edge_cases(seed)["rtl-arabic"]))
    assert b'page-progression-direction="rtl"' in entries["OEBPS/content.opf"]
    assert b'dir="rtl"' in entries["OEBPS/section-0001.xhtml"]
    assert epub.text_direction("az-Latn") == "ltr" and epub.text_direction("pa-Arab") == "rtl"

"""What a cataloger checks field by field: typed headings in their 6XX fields, Leader and 008 from the record,
ISBD punctuation, nonfiling articles, names, normalised numbers, one-line text, long notes cut into fields that
fit ISO 2709, and a record too long for ISO 2709 reported by name while its MARCXML is still written."""

from __future__ import annotations

import copy
import io
import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from pymarc import Field, MARCReader, Record
from pymarc.marcxml import parse_xml_to_array
from typer.testing import CliRunner

from archivist import ExportError
from archivist.batch import BatchOptions, run_batch
from archivist.cli import app
from archivist.exporters import marc21, marcxml
from archivist.exporters._marc_text import clean, end
from tests.conftest import MINIMAL, SEED, write_json
from tests.exporters.marc_cases import marc_cases, words


@pytest.fixture(scope="module")
def cases() -> dict[str, dict[str, Any]]:
    return marc_cases(json.loads(SEED.read_text(encoding="utf-8")))


def read(record: dict[str, Any]) -> Record:
    """The record as MARCXML, read back by pymarc (warnings are errors)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (marc,) = parse_xml_to_array(io.BytesIO(marcxml.export(record)), strict=True)
    return marc


def shape(field: Field) -> tuple[str, str, list[tuple[str, str]]]:
    return field.tag, "".join(field.indicators), [(s.code, s.value) for s in field.subfields]


def test_seed_headings_land_in_610_650_651_with_subdivisions_in_subfields(cases: dict[str, dict[str, Any]]) -> None:
    marc = read(cases["seed"])
    subjects = [shape(f) for f in marc.fields if f.tag.startswith("6")]
    assert subjects == [
        ("610", "20", [("a", "Movimiento Revolucionario Túpac Amaru.")]),
        ("650", " 0", [("a", "Terrorism"), ("z", "Peru.")]),
        ("650", " 0", [("a", "Guerrillas"), ("z", "Peru.")]),
        ("651", " 0", [("a", "Peru.")]),
        ("653", "  ", [("a", "Hostage crisis at the Japanese ambassador's residence, Lima, 1996-1997")]),
        ("653", " 1", [("a", "Lori Berenson")]),
    ]


def test_every_heading_kind_and_scheme(cases: dict[str, dict[str, Any]]) -> None:
    subjects = [shape(f) for f in read(cases["every-kind"]).fields if f.tag.startswith("6")]
    assert subjects == [
        ("600", "10", [("a", "Berenson, Lori.")]),
        ("610", "20", [("a", "Movimiento Revolucionario Túpac Amaru.")]),
        ("611", "24", [("a", "Example Conference on Archives.")]),
        ("630", "44", [("a", "The example charter.")]),
        ("648", " 7", [("a", "Twentieth century."), ("2", "fast")]),
        ("650", " 0", [("a", "Terrorism"), ("z", "Peru"), ("x", "History"), ("y", "20th century"), ("v", "Sources.")]),
        ("650", " 7", [("a", "Insurgency."), ("2", "fast"), ("0", "http://id.worldcat.org/fast/973243")]),
        ("650", " 7", [("a", "Terrorism."), ("2", "wikidata"), ("1", "http://www.wikidata.org/entity/Q7283")]),
        ("650", " 7", [("a", "guerrillas."), ("2", "aat")]),
        ("650", " 0", [("a", "Terrorism--Peru.")]),  # subdivisions not typed: the heading stays whole
        ("651", " 0", [("a", "Peru"), ("x", "Politics and government.")]),
        ("653", " 1", [("a", "Lori Berenson")]),
        ("653", " 5", [("a", "Lima")]),
        ("653", "  ", [("a", "rebels")]),
        ("655", " 7", [("a", "Web sites."), ("2", "lcgft"), ("0", "http://id.loc.gov/authorities/genreForms/gf2014026181")]),
    ]


def test_a_names_uri_without_a_kind_is_not_put_in_650() -> None:
    record = copy.deepcopy(MINIMAL)  # schema 1.0: no kinds yet
    record["subjects"] = [{"term": "Example body", "scheme": "lcsh", "uri": "http://id.loc.gov/authorities/names/n00000001"}]
    assert [shape(f) for f in read(record).get_fields("650", "653")] == [("653", "  ", [("a", "Example body")])]


@pytest.mark.parametrize(("key", "leader", "form_at"), [
    ("minimal-1.0", "am", 23), ("type-StillImage", "km", 29), ("type-Dataset", "mm", 23), ("type-Collection", "pc", 23),
    ("type-Sound", "im", 23), ("type-MovingImage", "gm", 29), ("type-PhysicalObject", "rm", 29),
    ("type-Software", "mm", 23)])
def test_leader_and_008_follow_the_dcmi_type(cases: dict[str, dict[str, Any]], key: str, leader: str,
                                             form_at: int) -> None:
    marc = read(cases[key])
    assert str(marc.leader)[6:8] == leader and str(marc.leader)[17:20] == "3i "
    assert marc["008"].data[form_at] == "o" and len(marc["008"].data) == 40


def test_008_date_entered_comes_from_the_record_not_the_clock(cases: dict[str, dict[str, Any]]) -> None:
    assert read(cases["seed"])["008"].data[:6] == "261124"  # its earliest provenance event
    assert read(cases["minimal-1.0"])["008"].data[:6] == "260102"  # no provenance: the retrieval day
    later = copy.deepcopy(MINIMAL)
    later["provenance"] = [{"action": "ingested", "at": "2027-03-04T00:00:00Z", "agent": "x"},
                           {"action": "received", "at": "2025-12-31", "agent": "y"}]
    assert read(later)["008"].data[:6] == "251231"


@pytest.mark.parametrize(("value", "fixed", "imprint"), [
    ("2015-11-30T12:00:00Z", "s2015    ", "2015."), ("1983?", "s1983    ", "[1983?]."),
    ("198X", "s198u    ", "[198-]."),
    ("1980/2015", "m19802015", "1980-2015."), ("1980/..", "m19809999", "1980-"), (None, "nuuuuuuuu", None)])
def test_008_dates_agree_with_260(value: str | None, fixed: str, imprint: str | None) -> None:
    record = copy.deepcopy(MINIMAL)
    if value:
        record["dates"] = [{"type": "issued", "value": value}]
    marc = read(record)
    assert marc["008"].data[6:15] == fixed
    assert (marc["260"]["c"] if marc.get("260") else None) == imprint


def test_a_language_marc_has_no_code_for_is_undetermined(cases: dict[str, dict[str, Any]]) -> None:
    marc = read(cases["no-marc-code"])
    assert marc["008"].data[35:38] == "und" and marc.get("041") is None
    assert marc["546"]["a"] == "In Cantonese."  # the only place the language is stated: in words


def test_a_date_marc_cannot_state_is_kept_in_a_note() -> None:
    record = copy.deepcopy(MINIMAL)
    record["dates"] = [{"type": "issued", "value": "-0500"}]
    marc = read(record)
    assert marc["008"].data[6:15] == "nuuuuuuuu" and marc.get("260") is None
    assert [f["a"] for f in marc.get_fields("500")] == ["Date issued: -0500."]


@pytest.mark.parametrize(("language", "title", "skip"), [
    ("en", "The Tupac Amaru movement", 4), ("en", "An account", 3), ("en", "A priori reasoning", 0),
    ("en", "La Jolla stories", 0), ("fr", "L'homme révolté", 2), ("fr", "Les guérillas", 4), ("es", "El movimiento", 3),
    ("es", "El Salvador hoy", 0), ("es", "Los rehenes", 4), ("de", "Der Prozess", 4), ("de", "Die Verwandlung", 4),
    ("en", "\"The\" quoted", 6), ("ar", "The Arabic record", 0), ("en", "Theory", 0)])
def test_nonfiling_indicator_by_language(language: str, title: str, skip: int) -> None:
    record = dict(copy.deepcopy(MINIMAL), language=language, title=title)
    field = read(record)["245"]
    assert field.indicators[1] == str(skip) and field["a"] == title + "."


def test_isbd_punctuation_and_names(cases: dict[str, dict[str, Any]]) -> None:
    marc = read(cases["names-and-numbers"])
    assert shape(marc["100"]) == ("100", "1 ", [("a", "Berenson, Lori,"), ("e", "author."), ("4", "aut"),
                                                ("0", "http://id.loc.gov/authorities/names/n00000001")])
    assert [shape(f) for f in marc.get_fields("700", "710")] == [
        ("700", "0 ", [("a", "Ana Pérez,"), ("e", "contributor."), ("4", "ctb")]),
        ("710", "2 ", [("a", "Example Org,"), ("e", "creator."), ("4", "cre"), ("1", "https://example.org/org")])]
    assert marc.get_fields("720") == [] and marc["245"].indicators[0] == "1"
    assert shape(marc["245"]) == ("245", "12", [("a", "A report with a tab.")])
    assert shape(marc["260"]) == ("260", "  ", [("c", "[1983?].")])
    assert [f["a"] for f in marc.get_fields("500")] == [
        "Line one. Line two. Tabbed.", "Ends with a question?", "A noncharacter \ufffd here.",
        "Date modified: 2015-11-30T12:00:00Z.", "Period covered: 1980/2015."]


def test_isbn_and_issn_are_normalised(cases: dict[str, dict[str, Any]]) -> None:
    marc = read(cases["names-and-numbers"])
    assert [shape(f)[2] for f in marc.get_fields("020")] == [
        [("a", "9780306406157")], [("a", "0306406152"), ("q", "pbk.")], [("z", "9780306406158")]]
    assert shape(marc["022"])[2] == [("a", "0378-5955")]


def test_no_control_characters_in_any_subfield(cases: dict[str, dict[str, Any]]) -> None:
    for record in cases.values():
        for field in read(record).fields:
            values = [field.data] if field.is_control_field() else [s.value for s in field.subfields]
            bad = [c for v in values for c in v if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F]
            assert bad == [], (record["id"], field.tag)


def _field_sizes(record: dict[str, Any]) -> list[int]:
    return [len(f.as_marc(encoding="utf-8")) for f in read(record).fields]


def test_a_30k_abstract_is_cut_at_word_boundaries_into_520s_that_fit(cases: dict[str, dict[str, Any]]) -> None:
    record = cases["abstract-30k"]
    fields = read(record).get_fields("520")
    assert len(fields) == 4 and [f.indicators[0] for f in fields] == [" ", "8", "8", "8"]
    assert " ".join(f["a"] for f in fields) == end(clean(record["description"]))
    assert max(_field_sizes(record)) <= 9_999


def test_text_without_spaces_is_cut_between_characters(cases: dict[str, dict[str, Any]]) -> None:
    record = cases["cjk-abstract-30k"]
    fields = read(record).get_fields("520")
    assert len(fields) == 4 and "".join(f["a"] for f in fields) == record["description"]
    assert max(_field_sizes(record)) <= 9_999


def test_200_headings(cases: dict[str, dict[str, Any]]) -> None:
    data = marc21.export(cases["headings-200"])
    (marc,) = MARCReader(io.BytesIO(data), to_unicode=True, force_utf8=True)
    assert len(marc.get_fields("650")) == 200 and marc.get_fields("650")[199]["z"] == "Peru."


def _too_long() -> dict[str, Any]:
    return dict(copy.deepcopy(MINIMAL), id="too-long", description=words(120_000))


def test_a_record_over_99999_bytes_is_a_clear_error_and_its_marcxml_is_written() -> None:
    record = _too_long()
    with pytest.raises(ExportError, match=r"record 'too-long' is 12\d,\d{3} bytes as MARC 21 .* limit of 99,999"):
        marc21.export(record)
    assert len(read(record).get_fields("520")) == 13


def test_a_field_that_cannot_repeat_over_9999_bytes_is_a_clear_error() -> None:
    record = dict(copy.deepcopy(MINIMAL), title=words(12_000))
    with pytest.raises(ExportError, match=r"record 'minimal': field 245 is 12,\d{3} bytes"):
        marc21.export(record)


@pytest.mark.parametrize("to", ["marcxml,marc21", "marc21,marcxml"])
def test_batch_names_the_record_too_long_and_still_writes_its_marcxml(tmp_path: Path, to: str) -> None:
    records = tmp_path / "records"
    records.mkdir()
    write_json(records / "ok.json", MINIMAL)
    write_json(records / "too-long.json", _too_long())
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["export", str(records), "--to", to, "--out", str(out)])
    assert result.exit_code == 1
    assert "too-long" in result.output and "99,999" in result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "minimal.marc.xml", "minimal.mrc", "too-long.marc.xml"]


def test_collection_packages(cases: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    for key in ("seed", "every-kind", "abstract-30k"):
        write_json(records / f"{key}.json", cases[key])
    write_json(records / "too-long.json", _too_long())
    options = BatchOptions(formats=["marcxml"], packages=["marc21-collection", "marcxml-collection"])
    said: list[str] = []
    report = run_batch([records], tmp_path / "out", options, on_warning=said.append)
    assert len(said) == 1 and "'too-long'" in said[0] and said[0].endswith("left out of marc21-collection.mrc")
    assert report.warnings == said
    with open(tmp_path / "out" / "marc21-collection.mrc", "rb") as stream:
        binary = [r["001"].data for r in MARCReader(stream, to_unicode=True, force_utf8=True)]
    xml = [r["001"].data for r in parse_xml_to_array(str(tmp_path / "out" / "marcxml-collection.xml"), strict=True)]
    assert sorted(binary) == ["abstract-30k", "every-kind", "mrta-globalsecurity"]
    assert sorted(xml) == sorted([*binary, "too-long"])


def test_seed_equals_the_golden_files(cases: dict[str, dict[str, Any]]) -> None:
    golden = SEED.parent.parent / "tests" / "data" / "golden"
    assert marcxml.export(cases["seed"]) == (golden / "mrta-globalsecurity.marc.xml").read_bytes()
    assert marc21.export(cases["seed"]) == (golden / "mrta-globalsecurity.mrc").read_bytes()


def test_a_relator_role_gives_its_term_and_code_and_any_other_role_its_words(cases: dict[str, dict[str, Any]]) -> None:
    record = copy.deepcopy(cases["names-and-numbers"])
    record["contributors"] = [{"name": "Roe, Jane", "kind": "person", "role": "edt"},
                              {"name": "Instituto X", "kind": "organization", "role": "sponsor"},
                              {"name": "Doe, John", "kind": "person", "role": "Chief scribbler"}]
    fields = [shape(f) for f in read(record).get_fields("700", "710")]
    assert fields == [("700", "1 ", [("a", "Roe, Jane,"), ("e", "editor."), ("4", "edt")]),
                      ("700", "1 ", [("a", "Doe, John,"), ("e", "Chief scribbler.")]),
                      ("710", "2 ", [("a", "Example Org,"), ("e", "creator."), ("4", "cre"),
                                     ("1", "https://example.org/org")]),
                      ("710", "2 ", [("a", "Instituto X,"), ("e", "sponsor."), ("4", "spn")])]


def test_notes_are_in_the_fields_marc_defines_for_them(seed: dict[str, Any]) -> None:
    """#27: the 5XX review. Where the capture came from is the immediate source of acquisition (541), the capture
    and every processing event are actions (583, with date and agent), what archivist inferred is the source of
    the description (588), the language note is words (546), a period covered is a general note (500): no 561
    (ownership history), no 513 (type of report), no "(BCP 47)"."""
    record = copy.deepcopy(seed)
    record["provenance"].append({"action": "inferred", "at": "2026-11-25T10:00:00Z", "agent": "archivist 0.2.0",
                                 "note": "title from the page"})
    marc = read(record)
    assert marc.get_fields("561", "513") == []
    assert shape(marc["541"]) == ("541", "1 ", [("a", f"{seed['source']['url']};"), ("c", "manual copy;"),
                                                ("d", "2026-11-24.")])
    actions = [(f["a"], f["c"], f.get("k")) for f in marc.get_fields("583")]
    assert actions[0] == ("retrieved", "2026-11-24", None) and marc.get_fields("583")[0].indicators[0] == "1"
    assert f"SHA-256 {seed['retrieval']['sha256']}" in marc.get_fields("583")[0]["z"]
    assert actions[1:] == [(e["action"], e["at"], e["agent"]) for e in seed["provenance"]]
    assert [f["a"] for f in marc.get_fields("588")] == [
        "Title from the page (inferred by archivist 0.2.0, 2026-11-25T10:00:00Z)."]
    assert [f["a"] for f in marc.get_fields("546")] == ["In English."]
    assert "Period covered: 1980/2015." in [f["a"] for f in marc.get_fields("500")]
    assert read(dict(record, language="und")).get_fields("546") == []  # nothing known to say

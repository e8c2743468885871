"""BibTeX and RIS: bibtexparser and rispy read every field back; bibutils turns both into MODS with the title, URL
and dates intact; the retrieval date is only ever the access date."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import rispy

from archivist.exporters import bibtex, get, ris
from archivist.exporters._citation import one_line
from tests.exporters.citation_oracles import bibtex_entries, bibtex_raw, bibutils_mods
from tests.exporters.conftest import all_cases

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"
CASES = ["seed", "minimal", "no-subjects", "long-title", "rtl-arabic", "cjk-full", "deep-headings", "every-field"]
MODS = {"m": "http://www.loc.gov/mods/v3"}


def _text(value: str) -> str:
    """A text compared as a reader of the entry sees it: white space as one space, and U+02C6 as ``^`` (pylatexenc
    decodes LaTeX's \\textasciicircum to that modifier letter, the one character it gives back as another)."""
    return one_line(value).replace("ˆ", "^")


@pytest.mark.parametrize("name", ["bibtex", "ris"])
def test_the_seed_matches_its_golden_file(seed: dict[str, Any], name: str) -> None:
    exporter = get(name)
    assert exporter.export(seed) == (GOLDEN / exporter.filename(seed)).read_bytes()


@pytest.mark.parametrize("case", CASES)
def test_bibtexparser_reads_back_every_field(seed: dict[str, Any], case: str) -> None:
    record = all_cases(seed)[case]
    data = bibtex.export(record)
    (entry,) = bibtex_entries(data)
    (raw,) = bibtex_raw(data)
    written = bibtex.fields(record)
    assert (entry.entry_type, entry.key) == ("online", record["id"])
    assert [f.key for f in entry.fields] == [key for key, _ in written]
    assert [f.value for f in raw.fields] == [value for _, value in written]
    decoded = {f.key: f.value for f in entry.fields}
    assert _text(decoded["title"]) == _text(record["title"]) and decoded["url"] == record["source"]["url"]
    assert decoded["urldate"] == record["retrieval"]["retrieved_at"][:10]
    assert "year" not in decoded and ("date" in decoded) == any(d["type"] == "issued" for d in record.get("dates", []))
    if "description" in record:
        assert _text(decoded["abstract"]) == _text(record["description"])


def test_latex_specials_and_braces_are_escaped_and_non_ascii_kept(seed: dict[str, Any]) -> None:
    record = copy.deepcopy(seed)
    hostile = "50% of {R&D} costs $5 #1 a_b c^d ~e \\f -- ``q'' ?` Túpac 李明 حركة"
    record["title"] = hostile
    record["description"] = "an unbalanced { brace and } another }"
    data = bibtex.export(record)
    assert "Túpac 李明 حركة".encode() in data  # UTF-8, not LaTeX accents
    (entry,) = bibtex_entries(data)
    values = {f.key: f.value for f in entry.fields}
    assert _text(values["title"]) == _text(hostile) and "ˆ" not in hostile
    # BibTeX counts every brace, escaped or not: unbalanced ones are written as commands
    (raw,) = bibtex_raw(data)
    abstract = {f.key: f.value for f in raw.fields}["abstract"]
    assert abstract.count("{") == abstract.count("}") and r"\textbraceleft{}" in abstract


def test_names_keep_the_form_the_record_gives_them(seed: dict[str, Any]) -> None:
    record = copy.deepcopy(seed)
    record["creators"] = [{"name": "Pike, John", "kind": "person"}, {"name": "John Pike", "kind": "person"},
                          {"name": "Smith, Jones, and Co.", "kind": "organization"}]
    record["contributors"] = [{"name": "Doe, Jane", "kind": "person", "role": "editor"},
                              {"name": "Example Archive", "kind": "organization", "role": "host"}]
    values = {f.key: f.value for f in bibtex_raw(bibtex.export(record))[0].fields}
    assert values["author"] == "Pike, John and {John Pike} and {Smith, Jones, and Co.}"
    assert values["editor"] == "Doe, Jane" and "Example Archive" not in str(values)
    (reference,) = rispy.loads(ris.export(record).decode("utf-8"))
    assert reference["authors"] == ["Pike, John", "John Pike", "Smith, Jones, and Co."]
    assert reference["secondary_authors"] == ["Doe, Jane"]


def test_the_retrieval_date_is_never_a_publication_date(seed: dict[str, Any]) -> None:
    (reference,) = rispy.loads(ris.export(seed).decode("utf-8"))
    assert reference["access_date"] == "2026/11/24/" and "year" not in reference and "date" not in reference
    mods, _ = bibutils_mods("biblatex2xml", bibtex.export(seed), ".bib")
    assert mods.findtext(".//m:dateCaptured", namespaces=MODS) == "2026-11-24"
    assert mods.find(".//m:dateIssued", MODS) is None
    mods, _ = bibutils_mods("ris2xml", ris.export(seed), ".ris")
    assert not mods.findtext(".//m:dateIssued", namespaces=MODS)  # ris2xml writes it empty for an ELEC without PY


@pytest.mark.parametrize(("value", "year", "date"), [
    ("2005-04-27", "2005", "2005/04/27/"), ("2015-11", "2015", "2015/11//"), ("2015", "2015", "2015///"),
    ("1983?", "1983", "1983///1983?"), ("1980/2015", "1980", "1980///1980/2015"), ("19XX", None, "///19XX"),
])
def test_an_issued_date_gives_py_and_da(seed: dict[str, Any], value: str, year: str | None, date: str) -> None:
    record = copy.deepcopy(seed)
    record["dates"] = [{"type": "created", "value": "1970"}, {"type": "issued", "value": value}]
    (reference,) = rispy.loads(ris.export(record).decode("utf-8"))
    assert reference.get("year") == year and reference["date"] == date
    values = {f.key: f.value for f in bibtex_entries(bibtex.export(record))[0].fields}
    assert values["date"] == value


@pytest.mark.parametrize("case", CASES)
def test_rispy_reads_back_every_tag(seed: dict[str, Any], case: str) -> None:
    record = all_cases(seed)[case]
    data = ris.export(record)
    assert data.endswith(b"ER  - \r\n") and b"\n" not in data.replace(b"\r\n", b"")
    (reference,) = rispy.loads(data.decode("utf-8"))
    written = ris.lines(record)
    by_tag: dict[str, list[str]] = {}
    for tag, value in written:
        by_tag.setdefault(tag, []).append(value)
    for tag, values in by_tag.items():
        read = reference[rispy.TAG_KEY_MAPPING[tag]]
        assert (read if tag in rispy.LIST_TYPE_TAGS else [read]) == values
    assert reference["title"] == _text(record["title"]) and reference["urls"] == [record["source"]["url"]]


@pytest.mark.parametrize("case", ["seed", "every-field", "cjk-full", "rtl-arabic"])
def test_bibutils_read_title_url_and_dates(seed: dict[str, Any], case: str) -> None:
    record = all_cases(seed)[case]
    published = next((d["value"] for d in record.get("dates", []) if d["type"] == "issued"), None)
    for program, data, suffix in (("biblatex2xml", bibtex.export(record), ".bib"),
                                  ("ris2xml", ris.export(record), ".ris")):
        mods, _ = bibutils_mods(program, data, suffix)
        assert mods.findtext(".//m:titleInfo/m:title", namespaces=MODS) == _text(record["title"])
        assert mods.findtext(".//m:location/m:url", namespaces=MODS) == record["source"]["url"]
        issued = mods.findtext(".//m:dateIssued", namespaces=MODS)
        assert not issued if published is None else published.startswith(issued[:10].replace("/", "-"))
    mods, _ = bibutils_mods("biblatex2xml", bibtex.export(record), ".bib")
    assert mods.findtext(".//m:dateCaptured", namespaces=MODS) == record["retrieval"]["retrieved_at"][:10]


def test_a_url_with_an_unbalanced_brace_is_percent_encoded(seed: dict[str, Any]) -> None:
    record = copy.deepcopy(seed)
    record["source"]["url"] = "https://example.org/a{b"
    (entry,) = bibtex_raw(bibtex.export(record))
    assert {f.key: f.value for f in entry.fields}["url"] == "https://example.org/a%7Bb"

"""CSL-JSON: valid against the CSL 1.0.2 data schema, rendered by citeproc-py in APA, MLA and Chicago without a
warning, and never giving the retrieval date as a publication date."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from archivist.exporters import get
from archivist.exporters.csl_json import csl_item, export
from tests.exporters.citation_oracles import STYLES, csl_errors, render
from tests.exporters.conftest import all_cases

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"
CASES = ["seed", "minimal", "no-subjects", "long-title", "rtl-arabic", "cjk-full", "deep-headings", "every-field"]


@pytest.mark.parametrize("case", CASES)
def test_every_case_is_valid_csl_json_and_renders_in_each_style(seed: dict[str, Any], case: str) -> None:
    record = all_cases(seed)[case]
    data = json.loads(export(record))
    assert csl_errors(data) == []
    assert data == [csl_item(record)]
    for style in STYLES:
        cited, entry = render(data[0], style)
        assert cited.strip() and record["title"][:40].lower() in entry.lower()


def test_the_seed_matches_its_golden_file(seed: dict[str, Any]) -> None:
    exporter = get("csl-json")
    assert exporter.export(seed) == (GOLDEN / exporter.filename(seed)).read_bytes()


def test_a_web_page_is_cited_with_its_site_url_and_access_date_and_no_date_of_publication(
        seed: dict[str, Any]) -> None:
    item = csl_item(seed)
    assert item["type"] == "webpage" and item["container-title"] == "GlobalSecurity.org"
    assert item["URL"] == seed["source"]["url"] and item["accessed"] == {"date-parts": [[2026, 11, 24]]}
    assert "issued" not in item and "author" not in item  # the publisher is not made an author
    assert "publisher" not in item  # the same as the site name: named once
    cited, entry = render(item, "apa")
    assert "n.d." in cited and "2026" not in cited and "Retrieved November 24, 2026" in entry


def test_only_an_issued_date_is_a_publication_date(seed: dict[str, Any]) -> None:
    record = copy.deepcopy(seed)
    record["dates"] = [{"type": "created", "value": "1999"}, {"type": "modified", "value": "2011-07-11"},
                       {"type": "collected", "value": "2026"}, {"type": "captured", "value": "2026-11-24"}]
    assert "issued" not in csl_item(record)
    record["dates"].append({"type": "issued", "value": "2005-04-27T09:30:00Z"})
    item = csl_item(record)
    assert item["issued"] == {"date-parts": [[2005, 4, 27]]}
    assert render(item, "apa")[0] == "(Tupac Amaru Revolutionary Movement (MRTA), 2005)"  # no author: the title


@pytest.mark.parametrize(("value", "expected"), [
    ("2015", {"date-parts": [[2015]]}), ("2015-11", {"date-parts": [[2015, 11]]}),
    ("1983?", {"date-parts": [[1983]], "circa": True}), ("1980/2015", {"date-parts": [[1980], [2015]]}),
    ("19XX", {"literal": "19XX"}), ("2015/..", {"literal": "2015/.."}), ("2015-21", {"literal": "2015-21"}),
])
def test_issued_dates_are_taken_apart_only_where_plainly_written(seed: dict[str, Any], value: str,
                                                                 expected: dict[str, Any]) -> None:
    record = copy.deepcopy(seed)
    record["dates"] = [{"type": "issued", "value": value}]
    item = csl_item(record)
    assert item["issued"] == expected and csl_errors([item]) == []
    for style in STYLES:
        render(item, style)


def test_names_are_split_only_where_the_record_split_them(seed: dict[str, Any]) -> None:
    record = copy.deepcopy(seed)
    record["creators"] = [{"name": "Pike, John", "kind": "person"}, {"name": "John Pike", "kind": "person"},
                          {"name": "李明", "kind": "person", "role": "author"},
                          {"name": "Smith, Jones, and Co.", "kind": "organization"},
                          {"name": "Doe, Jane", "kind": "person", "role": "Editor"}]
    record["contributors"] = [{"name": "Roe, Richard", "kind": "person", "role": "translator"},
                              {"name": "Example Archive", "kind": "organization", "role": "host institution"}]
    item = csl_item(record)
    assert item["author"] == [{"family": "Pike", "given": "John"}, {"literal": "John Pike"}, {"literal": "李明"},
                              {"literal": "Smith, Jones, and Co."}]
    assert item["editor"] == [{"family": "Doe", "given": "Jane"}]
    assert item["translator"] == [{"family": "Roe", "given": "Richard"}]
    assert "contributor" not in item and "Example Archive" not in json.dumps(item)
    for style in STYLES:
        render(item, style)


def test_identifiers_language_abstract_and_keywords(seed: dict[str, Any]) -> None:
    item = csl_item(all_cases(seed)["every-field"])
    assert (item["DOI"], item["ISBN"], item["ISSN"]) == ("10.1234/ABC.5", "978-0-306-40615-7", "0317-8471")
    assert item["language"] == "en" and item["abstract"] == seed["description"]
    assert item["keyword"].split("; ")[:2] == ["Movimiento Revolucionario Túpac Amaru", "Terrorism--Peru"]
    cjk = csl_item(all_cases(seed)["cjk-full"])
    assert cjk["keyword"] == "Terrorism" and cjk["language"] == "zh-Hans"  # one term under two schemes, once


@pytest.mark.parametrize(("dcmi", "csl"), [("Text", "webpage"), ("Collection", "webpage"), ("Dataset", "dataset"),
                                           ("StillImage", "graphic"), ("Software", "software")])
def test_item_type_follows_the_dcmi_type(seed: dict[str, Any], dcmi: str, csl: str) -> None:
    record = copy.deepcopy(seed)
    record["type"] = dcmi
    item = csl_item(record)
    assert item["type"] == csl and csl_errors([item]) == []
    for style in STYLES:
        render(item, style)

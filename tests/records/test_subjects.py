"""Typed subject headings in the record model: schema 1.1 adds kind and typed subdivisions, 1.0 records stay
valid, and the rules that tie a heading's parts to its label and URI are enforced with clear pointers."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from archivist.records import is_valid, iter_errors, label_parts, main_heading
from tests.conftest import MINIMAL

PERU = [{"type": "geographic", "term": "Peru"}]


def _with(subject: dict[str, Any], version: str = "1.1") -> dict[str, Any]:
    record = copy.deepcopy(MINIMAL)
    record["schema_version"] = version
    record["subjects"] = [subject]
    return record


def _problems(record: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.pointer, p.message) for p in iter_errors(record)]


def test_old_records_stay_valid() -> None:
    assert is_valid(MINIMAL) and MINIMAL["schema_version"] == "1.0"
    assert is_valid(_with({"term": "Terrorism--Peru", "scheme": "lcsh"}, "1.0"))


def test_typed_heading_is_valid_in_1_1() -> None:
    record = _with({"term": "Terrorism -- Peru", "scheme": "lcsh", "kind": "topical", "subdivisions": PERU})
    assert _problems(record) == [] and is_valid(record)
    assert main_heading(record["subjects"][0]) == "Terrorism" and label_parts("A -- B--C") == ["A", "B", "C"]


def test_a_1_0_record_cannot_use_typed_headings() -> None:
    ((pointer, message),) = _problems(_with({"term": "Peru", "scheme": "lcsh", "kind": "geographic"}, "1.0"))
    assert pointer == "/subjects/0" and "need schema_version \"1.1\"" in message


@pytest.mark.parametrize("subdivisions", [[{"type": "geographic", "term": "Lima"}], PERU + PERU,
                                          [{"type": "general", "term": "Terrorism--Peru"}]])
def test_subdivisions_must_end_the_label(subdivisions: list[dict[str, str]]) -> None:
    record = _with({"term": "Terrorism--Peru", "scheme": "lcsh", "kind": "topical", "subdivisions": subdivisions})
    ((pointer, message),) = _problems(record)
    assert pointer == "/subjects/0/subdivisions" and "are not the last '--' parts of term" in message
    assert not is_valid(record)


def test_an_lc_names_uri_needs_a_name_kind() -> None:
    uri = "http://id.loc.gov/authorities/names/n00000001"
    missing = [("/subjects/0/kind", "required field is missing")]
    assert _problems(_with({"term": "X", "scheme": "lcsh", "uri": uri})) == missing
    ((pointer, message),) = _problems(_with({"term": "X", "scheme": "lcsh", "uri": uri, "kind": "topical"}))
    assert pointer == "/subjects/0/kind" and "'topical' is not one of: 'personal-name'" in message
    assert is_valid(_with({"term": "X", "scheme": "lcsh", "uri": uri, "kind": "corporate-name"}))
    assert is_valid(_with({"term": "X", "scheme": "lcsh", "uri": uri}, "1.0"))  # written before kinds existed


def test_an_lc_genre_uri_is_a_genre_form() -> None:
    uri = "http://id.loc.gov/authorities/genreForms/gf2014026181"
    ((pointer, _),) = _problems(_with({"term": "Web sites", "scheme": "lcsh", "uri": uri, "kind": "topical"}))
    assert pointer == "/subjects/0/kind"


@pytest.mark.parametrize(("field", "value"), [("kind", "place"), ("subdivisions", []),
                                              ("subdivisions", [{"type": "period", "term": "Peru"}])])
def test_unknown_kinds_and_types_are_refused(field: str, value: Any) -> None:
    record = _with({"term": "Terrorism--Peru", "scheme": "lcsh", field: value})
    assert not is_valid(record) and all(p.startswith(f"/subjects/0/{field}") for p, _ in _problems(record))

"""MARC subject fields and dates in the cases a mutation run (#29) found unchecked: the exact 6XX indicators and
subfields, 008/06-14 and 260 $c a cataloguer reads."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from archivist.exporters import marc21
from tests.conftest import MINIMAL
from tests.exporters.test_marc_fields import read, shape


def _with(**fields: Any) -> dict[str, Any]:
    record = copy.deepcopy(MINIMAL)
    record.update(fields)
    return record


def _subjects(*subjects: dict[str, Any]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    marc = read(_with(schema_version="1.1", subjects=list(subjects)))
    return [shape(field) for field in marc.fields if field.tag.startswith("6")]


def test_a_keyword_whose_kind_has_no_653_type_has_a_blank_second_indicator() -> None:
    # 653 has no "type of term" for a uniform title: the indicator says nothing rather than something wrong.
    assert _subjects({"term": "The example charter", "scheme": "keyword", "kind": "uniform-title"}) == [
        ("653", "  ", [("a", "The example charter")])]


def test_an_untyped_lcsh_heading_with_a_genre_form_uri_is_655_from_lcgft() -> None:
    uri = "http://id.loc.gov/authorities/genreForms/gf2014026181"
    assert _subjects({"term": "Web sites", "scheme": "lcsh", "uri": uri}) == [
        ("655", " 7", [("a", "Web sites."), ("2", "lcgft"), ("0", uri)])]


def test_a_personal_name_without_a_comma_is_600_in_direct_order() -> None:
    # First indicator 0: a forename or a name in direct order (no "Surname, Forename").
    assert _subjects({"term": "Sting", "scheme": "lcsh", "kind": "personal-name"}) == [
        ("600", "00", [("a", "Sting.")])]


@pytest.mark.parametrize(("dates", "fixed", "imprint"), [
    # Approximate (~) and uncertain-and-approximate (%): "ca." in brackets, "?" when uncertain too.
    ([("issued", "1990~")], "s1990    ", "[ca. 1990]."),
    ([("issued", "1990%")], "s1990    ", "[ca. 1990?]."),
    ([("issued", "199X~")], "s199u    ", "[ca. 199-]."),
    ([("issued", "1990-05-17")], "s1990    ", "1990."),
    ([("issued", "1990-05-17T10:00:00+02:00")], "s1990    ", "1990."),
    # Intervals: an open or unknown end, unspecified digits, and one year given twice.
    ([("issued", "1990/20XX")], "m199020uu", "1990-[20--]."),
    ([("issued", "19XX/2000")], "m19uu2000", "[19--]-2000."),
    ([("issued", "19XX/19XX")], "s19uu    ", "[19--]."),
    ([("issued", "../1995")], "muuuu1995", "-1995."),
    ([("issued", "1990/")], "m1990uuuu", "1990-"),
    ([("issued", "/1995")], "muuuu1995", "-1995."),
    ([("issued", "1990-05/1990-08")], "s1990    ", "1990."),
    # Without issued, the creation date; issued wins when both are there.
    ([("created", "1985")], "s1985    ", "1985."),
    ([("created", "1985"), ("issued", "1990")], "s1990    ", "1990."),
    ([("modified", "1985")], "nuuuuuuuu", None),
])
def test_dates_in_008_and_260(dates: list[tuple[str, str]], fixed: str, imprint: str | None) -> None:
    marc = read(_with(dates=[{"type": kind, "value": value} for kind, value in dates]))
    assert marc["008"].data[6:15] == fixed
    assert (marc["260"]["c"] if marc.get("260") else None) == imprint


def test_unspecified_digits_in_an_interval_start_are_u_in_008() -> None:
    assert read(_with(dates=[{"type": "issued", "value": "19XX/2000"}]))["008"].data[6:15] == "m19uu2000"


@pytest.mark.parametrize("value", ["../..", "XXXX/1990", "1990/Y12345", "-0500/1990"])
def test_an_interval_with_a_half_marc_cannot_state_gives_no_date_in_008(value: str) -> None:
    marc = read(_with(dates=[{"type": "issued", "value": value}]))
    assert marc["008"].data[6:15] == "nuuuuuuuu"
    assert marc.get("260") is None or marc["260"]["c"] is None


def test_the_date_entered_is_the_day_of_a_timestamp() -> None:
    record = _with(provenance=[{"action": "ingested", "at": "2027-03-04T05:06:07Z", "agent": "x"}])
    assert read(record)["008"].data[:6] == "270304"


def test_the_binary_marc_carries_the_same_008_dates() -> None:
    data = marc21.export(_with(dates=[{"type": "issued", "value": "1990%"}]))
    assert b"s1990    " in data and b"[ca. 1990?]." in data

"""Counted nouns in messages."""

from __future__ import annotations

from archivist import RecordInvalid
from archivist._words import counted
from archivist.records import Problem


def test_counted() -> None:
    assert [counted(n, "record") for n in (0, 1, 2)] == ["0 records", "1 record", "2 records"]


def test_an_invalid_record_counts_its_other_problems() -> None:
    problems = [Problem("is missing", "/title")] * 3
    assert str(RecordInvalid(problems[:2])).endswith("(and 1 more problem)")
    assert str(RecordInvalid(problems)).endswith("(and 2 more problems)")

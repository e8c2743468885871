"""The subject syntax of --subject and the manifest's subjects column: SCHEME[/KIND]:HEADING[--TYPE:SUB]...[=URI].
A subdivision's type is what the user wrote, never guessed: untyped parts keep the heading whole."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from archivist import IngestError
from archivist.ingest import Captured, Facts, build_record, ingest_manifest, parse_subject
from archivist.records import is_valid
from tests.conftest import SEED_CAPTURE

PERU = {"type": "geographic", "term": "Peru"}


@pytest.mark.parametrize(("text", "subject"), [
    ("lcsh:Terrorism--Peru", {"term": "Terrorism--Peru", "scheme": "lcsh"}),  # as before: kept whole
    ("lcsh/topical:Terrorism--geographic:Peru",
     {"term": "Terrorism--Peru", "scheme": "lcsh", "kind": "topical", "subdivisions": [PERU]}),
    ("lcsh:Peru--x:History--y:1980-2000--v:Sources",
     {"term": "Peru--History--1980-2000--Sources", "scheme": "lcsh", "subdivisions": [
         {"type": "general", "term": "History"}, {"type": "chronological", "term": "1980-2000"},
         {"type": "form", "term": "Sources"}]}),
    ("lcsh/corporate-name:Movimiento Revolucionario Túpac Amaru",
     {"term": "Movimiento Revolucionario Túpac Amaru", "scheme": "lcsh", "kind": "corporate-name"}),
    ("fast/geographic:Peru=http://id.worldcat.org/fast/1205000",
     {"term": "Peru", "scheme": "fast", "kind": "geographic", "uri": "http://id.worldcat.org/fast/1205000"}),
    ("keyword/personal-name:Lori Berenson", {"term": "Lori Berenson", "scheme": "keyword", "kind": "personal-name"}),
    ("lcsh:Pre-Columbian art--Peru", {"term": "Pre-Columbian art--Peru", "scheme": "lcsh"}),  # '-' in a word
    ("lcsh:Peru--general:Bible: commentaries",
     {"term": "Peru--Bible: commentaries", "scheme": "lcsh", "subdivisions": [
         {"type": "general", "term": "Bible: commentaries"}]}),
])
def test_subject_syntax(text: str, subject: dict[str, object]) -> None:
    assert parse_subject(text) == subject


@pytest.mark.parametrize(("text", "message"), [
    ("lcsh:Peru--History--y:1980-", "subdivision 'History' has no type"),
    ("lcsh/place:Peru", "unknown heading kind 'place'"),
    ("nonsense", "SCHEME:TERM"),
    ("lcsh/topical:Paper mills--geographc:Massachusetts",
     "'geographc' is not a subdivision type; expected one of general, form, chronological, geographic"),
    ("lcsh:Peru--Histroy:1980", "'Histroy' is not a subdivision type"),
    ("lcsh/topical:Paper mills-geographic:Massachusetts", "joins a subdivision with '-': write '--geographic:'"),
])
def test_bad_subjects_are_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        parse_subject(text)


def _facts(*subjects: str) -> Facts:
    return Facts(url="https://example.org/x", retrieved="2026-11-24", language="en", subjects=list(subjects))


def test_typed_subjects_make_a_valid_1_1_record() -> None:
    record = build_record(Captured(SEED_CAPTURE.read_bytes(), "mrta.txt"), _facts("lcsh/topical:Terrorism--z:Peru"))
    assert record["schema_version"] == "1.1" and is_valid(record)
    assert record["subjects"] == [
        {"term": "Terrorism--Peru", "scheme": "lcsh", "kind": "topical", "subdivisions": [PERU]}]


def test_a_names_uri_without_a_kind_is_refused() -> None:
    with pytest.raises(IngestError, match="names URI needs the heading's kind: write lcsh/KIND:"):
        build_record(Captured(SEED_CAPTURE.read_bytes(), "mrta.txt"),
                     _facts("lcsh:Example body=http://id.loc.gov/authorities/names/n00000001"))
    record = build_record(Captured(SEED_CAPTURE.read_bytes(), "mrta.txt"),
                          _facts("lcsh/corporate-name:Example body=http://id.loc.gov/authorities/names/n00000001"))
    assert record["subjects"][0]["kind"] == "corporate-name"


def test_manifest_cells_use_the_same_syntax(tmp_path: Path) -> None:
    (tmp_path / "mrta.txt").write_bytes(SEED_CAPTURE.read_bytes())
    with open(tmp_path / "m.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "url", "retrieved", "language", "subjects"])
        writer.writerow(["mrta.txt", "https://example.org/x", "2026-11-24", "en",
                         "lcsh/geographic:Peru; lcsh/topical:Guerrillas--geographic:Peru; keyword:MRTA"])
    (outcome,) = list(ingest_manifest(tmp_path / "m.csv", tmp_path / "out"))
    assert outcome.ok and outcome.written is not None
    subjects = json.loads(outcome.written.read_text(encoding="utf-8"))["subjects"]
    assert subjects == [{"term": "Peru", "scheme": "lcsh", "kind": "geographic"},
                        {"term": "Guerrillas--Peru", "scheme": "lcsh", "kind": "topical", "subdivisions": [PERU]},
                        {"term": "MRTA", "scheme": "keyword"}]

"""Validation API: every error at once, raised as one RecordInvalid, and fixity of listed files."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest

from archivist import ArchivistError, RecordInvalid
from archivist.records import FileProblem, check_entry, read_records, validate
from tests.conftest import SEED, SEED_CAPTURE, write_json


def test_validate_raises_with_all_problems(minimal: dict[str, Any]) -> None:
    minimal["language"] = "?"
    minimal["type"] = "Book"
    with pytest.raises(RecordInvalid) as info:
        validate(minimal)
    assert isinstance(info.value, ArchivistError)
    assert [p.pointer for p in info.value.problems] == ["/language", "/type"]
    assert all(p.record_id == "minimal" for p in info.value.problems)
    assert "and 1 more problem" in str(info.value)


def _with_capture(tmp_path: Path, record: dict[str, Any]) -> Path:
    shutil.copytree(SEED.parent, tmp_path / "records")
    return write_json(tmp_path / "records" / SEED.name, record)


def test_listed_files_pass_their_fixity_check(tmp_path: Path, seed: dict[str, Any]) -> None:
    (entry,) = read_records(_with_capture(tmp_path, seed))
    assert check_entry(entry) == []


def test_changed_file_fails_fixity(tmp_path: Path, seed: dict[str, Any]) -> None:
    path = _with_capture(tmp_path, seed)
    capture = tmp_path / "records" / "originals" / SEED_CAPTURE.name
    capture.write_bytes(capture.read_bytes().replace(b"MRTA", b"MRTX", 1))
    (entry,) = read_records(path)
    problems = check_entry(entry)
    assert [p.pointer for p in problems] == ["/files/0/sha256"]
    (problem,) = problems
    assert isinstance(problem, FileProblem)
    assert problem.expected == seed["files"][0]["sha256"]
    assert problem.found == hashlib.sha256(capture.read_bytes()).hexdigest()


def test_missing_file_is_reported_and_check_can_be_skipped(tmp_path: Path, seed: dict[str, Any]) -> None:
    path = _with_capture(tmp_path, seed)
    (tmp_path / "records" / "originals" / SEED_CAPTURE.name).unlink()
    (entry,) = read_records(path)
    assert [p.pointer for p in check_entry(entry)] == ["/files/0/path"]
    assert check_entry(entry, check_files=False) == []

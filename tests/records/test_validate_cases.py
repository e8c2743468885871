"""Validation and fixity in the cases a mutation run (#29) found unchecked: the exact problem a user is shown (its
message, JSON Pointer, path, expected and found values) for each listed file, and records that are not objects."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from archivist.records import (
    FileProblem,
    check_entry,
    is_valid,
    iter_errors,
    iter_file_problems,
    read_records,
    sha256_file,
)
from tests.conftest import write_json


def _listed(path: str, data: bytes) -> dict[str, Any]:
    digest = hashlib.sha256(data).hexdigest()
    return {"path": path, "media_type": "text/plain", "byte_size": len(data), "sha256": digest}


def _shape(problem: FileProblem) -> tuple[str, str, str | None, str | None, str | None]:
    return problem.message, problem.pointer, problem.path, problem.expected, problem.found


@pytest.mark.parametrize("record", [[], "a record", 7, None])
def test_a_record_that_is_not_an_object_is_one_violation_at_the_root(record: Any) -> None:
    problems = list(iter_errors(record))
    assert [(p.pointer, p.record_id) for p in problems] == [("", None)]
    assert not is_valid(record)


def test_violations_name_the_record_only_when_its_id_is_a_string(minimal: dict[str, Any]) -> None:
    minimal["language"] = "?"
    assert {p.record_id for p in iter_errors(minimal)} == {"minimal"}
    minimal["id"] = 7
    problems = list(iter_errors(minimal))
    assert {p.record_id for p in problems} == {None} and "/id" in {p.pointer for p in problems}


def test_a_heading_whose_subdivisions_do_not_end_it_is_invalid(minimal: dict[str, Any]) -> None:
    minimal.update(schema_version="1.1", subjects=[{"term": "Terrorism", "scheme": "lcsh", "kind": "topical",
                                                    "subdivisions": [{"type": "geographic", "term": "Peru"}]}])
    assert not is_valid(minimal)
    assert [p.pointer for p in iter_errors(minimal)] == ["/subjects/0/subdivisions"]
    assert {p.record_id for p in iter_errors(minimal)} == {"minimal"}


def test_every_listed_file_is_checked_and_each_problem_is_exact(tmp_path: Path, minimal: dict[str, Any]) -> None:
    good, short, changed = b"good\n", b"short\n", b"changed\n"
    for name, data in (("good.txt", good), ("short.txt", short), ("changed.txt", changed)):
        (tmp_path / name).write_bytes(data)
    wrong = _listed("changed.txt", b"original\n")
    minimal["files"] = [_listed("../out.txt", good), _listed("gone.txt", good), _listed("short.txt", short + b"x"),
                        dict(wrong, byte_size=len(changed)), _listed("good.txt", good)]
    problems = [_shape(p) for p in iter_file_problems(minimal, tmp_path)]
    changed_sha = hashlib.sha256(changed).hexdigest()
    assert problems == [
        ("listed file '../out.txt' is not a plain relative path (a '..' segment or an absolute path); a listed file "
         "must be inside the record's folder", "/files/0/path", "../out.txt", None, None),
        (f"listed file 'gone.txt' is missing (looked in {tmp_path})", "/files/1/path", "gone.txt", None, None),
        ("'short.txt' has 6 bytes, the record says 7", "/files/2/byte_size", "short.txt", "7", "6"),
        ("'short.txt' fails its fixity check: sha256 is "
         f"{hashlib.sha256(short).hexdigest()}, the record says {hashlib.sha256(short + b'x').hexdigest()}",
         "/files/2/sha256", "short.txt", hashlib.sha256(short + b"x").hexdigest(), hashlib.sha256(short).hexdigest()),
        (f"'changed.txt' fails its fixity check: sha256 is {changed_sha}, the record says {wrong['sha256']}",
         "/files/3/sha256", "changed.txt", wrong["sha256"], changed_sha),
    ]
    # Without fixity only where a path leads is checked: the missing and changed files pass.
    assert [p.pointer for p in iter_file_problems(minimal, tmp_path, fixity=False)] == ["/files/0/path"]


def test_a_listed_special_file_is_refused_and_the_next_still_checked(tmp_path: Path, minimal: dict[str, Any]) -> None:
    os.mkfifo(tmp_path / "pipe")
    minimal["files"] = [_listed("pipe", b""), _listed("gone.txt", b"")]
    assert [_shape(p) for p in iter_file_problems(minimal, tmp_path, fixity=False)] == [
        ("listed file 'pipe' is a FIFO (named pipe), not a regular file", "/files/0/path", "pipe", None, None)]
    assert [p.pointer for p in iter_file_problems(minimal, tmp_path)] == ["/files/0/path", "/files/1/path"]


def test_a_valid_record_is_valid_and_has_no_violations(minimal: dict[str, Any]) -> None:
    assert is_valid(minimal) and list(iter_errors(minimal)) == []


def test_a_record_without_files_has_no_file_problems(tmp_path: Path, minimal: dict[str, Any]) -> None:
    assert list(iter_file_problems(minimal, tmp_path)) == []
    assert list(iter_file_problems(minimal, tmp_path, fixity=False)) == []


def test_without_fixity_every_path_is_still_checked(tmp_path: Path, minimal: dict[str, Any]) -> None:
    minimal["files"] = [_listed("fine.txt", b""), _listed("../out.txt", b"")]
    assert [p.pointer for p in iter_file_problems(minimal, tmp_path, fixity=False)] == ["/files/1/path"]


def test_a_listed_file_that_cannot_be_opened_says_why_and_the_next_is_checked(tmp_path: Path,
                                                                            minimal: dict[str, Any]) -> None:
    # Out of file descriptors (EMFILE): the file is there, but opening it fails.
    resource = pytest.importorskip("resource")  # POSIX
    (tmp_path / "there.txt").write_bytes(b"x")
    minimal["files"] = [_listed("there.txt", b"x"), _listed("gone.txt", b"")]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    held: list[int] = []
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(256, hard), hard))
    try:
        try:
            while True:
                held.append(os.open(os.devnull, os.O_RDONLY))
        except OSError:
            pass
        problems = [_shape(p) for p in iter_file_problems(minimal, tmp_path)]
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert problems == [
        (f"listed file 'there.txt' cannot be read: {os.strerror(errno.EMFILE)}", "/files/0/path", "there.txt", None,
         None),
        (f"listed file 'gone.txt' is missing (looked in {tmp_path})", "/files/1/path", "gone.txt", None, None)]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_a_listed_file_that_cannot_be_read_says_why(tmp_path: Path, minimal: dict[str, Any]) -> None:
    (tmp_path / "locked.txt").write_bytes(b"x")
    (tmp_path / "locked.txt").chmod(0)
    minimal["files"] = [_listed("locked.txt", b"x"), _listed("gone.txt", b"")]
    assert [_shape(p) for p in iter_file_problems(minimal, tmp_path)] == [
        ("listed file 'locked.txt' cannot be read: Permission denied", "/files/0/path", "locked.txt", None, None),
        (f"listed file 'gone.txt' is missing (looked in {tmp_path})", "/files/1/path", "gone.txt", None, None)]


def test_a_file_larger_than_one_read_is_hashed_whole(tmp_path: Path, minimal: dict[str, Any]) -> None:
    data = bytes(range(256)) * 8193  # a little over 2 MiB: several reads
    (tmp_path / "big.bin").write_bytes(data)
    assert sha256_file(tmp_path / "big.bin") == (hashlib.sha256(data).hexdigest(), len(data))
    minimal["files"] = [_listed("big.bin", data)]
    assert list(iter_file_problems(minimal, tmp_path)) == []


def test_check_entry_locates_each_problem_and_skips_files_of_an_invalid_record(tmp_path: Path,
                                                                             minimal: dict[str, Any]) -> None:
    minimal["files"] = [_listed("gone.txt", b"")]
    path = write_json(tmp_path / "r.json", minimal)
    (entry,) = read_records(path)
    (problem,) = check_entry(entry)
    assert (problem.file, problem.record_id, problem.pointer) == (str(path), "minimal", "/files/0/path")
    assert check_entry(entry, check_files=False) == []
    minimal["language"] = "?"
    write_json(path, minimal)
    (entry,) = read_records(path)
    assert [p.pointer for p in check_entry(entry)] == ["/language"]  # the file is not looked for
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    (entry,) = read_records(tmp_path / "broken.json")
    assert [(p.kind, p.file) for p in check_entry(entry)] == [("json", str(tmp_path / "broken.json"))]

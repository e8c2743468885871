"""Reading records: JSON, JSON Lines, directories, stdin, and every kind of unreadable input."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from archivist import RecordInvalid, SourceError
from archivist.records import EmptyInput, MalformedJSON, UndecodableText, check_entry, load_record, read_records
from tests.conftest import write_json


def test_json_file_gives_one_entry(tmp_path: Path, minimal: dict[str, Any]) -> None:
    (entry,) = read_records(write_json(tmp_path / "r.json", minimal))
    assert entry.data == minimal and entry.problems == () and entry.line is None


def test_jsonl_bad_line_among_good_ones(tmp_path: Path, minimal: dict[str, Any]) -> None:
    other = dict(minimal, id="second")
    path = tmp_path / "batch.jsonl"
    path.write_text(json.dumps(minimal) + "\n{not json\n\n" + json.dumps(other) + "\n", encoding="utf-8")
    entries = list(read_records(path))
    assert [e.line for e in entries] == [1, 2, 4]
    assert [check_entry(e) for e in (entries[0], entries[2])] == [[], []]
    (problem,) = check_entry(entries[1])
    assert isinstance(problem, MalformedJSON)
    assert (problem.line, problem.column) == (2, 2)
    assert str(problem).startswith(f"{path}:2:2: malformed JSON")


def test_malformed_json_has_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "id": "x",\n  "title": oops\n}\n', encoding="utf-8")
    (entry,) = read_records(path)
    (problem,) = entry.problems
    assert isinstance(problem, MalformedJSON) and (problem.line, problem.column) == (3, 12)


def test_non_utf8_file_names_the_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"title": "caf\u00e9"}'.encode("latin-1"))
    (entry,) = read_records(path)
    (problem,) = entry.problems
    assert isinstance(problem, UndecodableText) and problem.byte_offset == 14
    assert "0xe9" in problem.message


def test_empty_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    (entry,) = read_records(path)
    assert isinstance(entry.problems[0], EmptyInput)


def test_utf8_bom_is_accepted(tmp_path: Path, minimal: dict[str, Any]) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(minimal).encode())
    (entry,) = read_records(path)
    assert entry.problems == () and entry.data == minimal


def test_duplicate_keys_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    path.write_text('{"id": "a", "source": {"url": "https://a.org/", "url": "https://b.org/"}}', encoding="utf-8")
    (entry,) = read_records(path)
    assert [(p.pointer, p.validator) for p in entry.problems] == [("/source/url", "duplicateKey")]


def test_nan_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "nan.json"
    path.write_text('{"byte_size": NaN}', encoding="utf-8")
    (entry,) = read_records(path)
    assert isinstance(entry.problems[0], MalformedJSON)


@pytest.mark.parametrize("number", ["1e999", "-1e400", "1" + "0" * 400 + ".0"])
def test_a_number_too_large_for_a_float_is_refused_not_made_infinite(tmp_path: Path, number: str) -> None:
    path = tmp_path / "big.json"
    path.write_text(f'{{"id": "a", "extent": {number}}}', encoding="utf-8")
    (entry,) = read_records(path)
    assert isinstance(entry.problems[0], MalformedJSON)
    assert "too large" in entry.problems[0].message and entry.data is None


def test_top_level_array_is_explained(tmp_path: Path, minimal: dict[str, Any]) -> None:
    (entry,) = read_records(write_json(tmp_path / "arr.json", [minimal]))
    assert "JSON object" in entry.problems[0].message and ".jsonl" in entry.problems[0].message


def test_directory_is_walked_recursively_in_sorted_order(tmp_path: Path, minimal: dict[str, Any]) -> None:
    (tmp_path / "b" / "c").mkdir(parents=True)
    write_json(tmp_path / "b" / "c" / "z.json", dict(minimal, id="z"))
    write_json(tmp_path / "a.json", dict(minimal, id="a"))
    (tmp_path / "b" / "notes.txt").write_text("ignored")
    (tmp_path / "b" / "m.jsonl").write_text(json.dumps(dict(minimal, id="m")) + "\n")
    assert [e.record_id for e in read_records(tmp_path)] == ["a", "m", "z"]


def test_missing_path_and_empty_directory_raise_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        list(read_records(tmp_path / "nope.json"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError, match="no record files"):
        list(read_records(tmp_path / "empty"))


def test_stdin_single_record_and_json_lines(minimal: dict[str, Any]) -> None:
    (one,) = read_records("-", stdin=io.BytesIO(json.dumps(minimal, indent=2).encode()))
    assert one.data == minimal and one.file == "-"
    lines = (json.dumps(minimal) + "\n" + json.dumps(dict(minimal, id="b")) + "\n").encode()
    assert [(e.line, e.record_id) for e in read_records("-", stdin=io.BytesIO(lines))] == [(1, "minimal"), (2, "b")]


def test_load_record_raises_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(RecordInvalid) as info:
        load_record(path)
    assert isinstance(info.value.problems[0], MalformedJSON)


MAX_DEPTH = 32  # the nesting the loader allows (no field of a record goes nearly this deep)


@pytest.mark.parametrize("top", ["a string", 7, None, [[["x"]]]])
def test_a_record_nested_past_the_limit_is_refused_with_the_path_to_it(tmp_path: Path, minimal: dict[str, Any],
                                                                       top: Any) -> None:
    deep: Any = "x"
    for _ in range(MAX_DEPTH):
        deep = [deep]
    path = tmp_path / "r.jsonl"
    lines = [dict(minimal, notes=[{"a": deep}]), dict(minimal, id="fine", notes=[{"a": deep[0][0]}]), top]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    too_deep, fine, other = read_records(path)
    (problem,) = too_deep.problems
    assert problem.validator == "maxDepth" and problem.pointer == "/notes/0/a" + "/0" * (MAX_DEPTH - 2)
    assert fine.problems == () and not any(p.validator == "maxDepth" for p in check_entry(other))

"""The resume journal on its own: what it says is current, what a damaged line does, what compact() keeps."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from archivist.batch._journal import JOURNAL, Journal, record_hash

DIGEST = "a" * 64


def _written(root: Path, relative: str, data: bytes) -> tuple[str, str]:
    (root / relative).write_bytes(data)
    return relative, hashlib.sha256(data).hexdigest()


def _lines(root: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (root / JOURNAL).read_text(encoding="utf-8").splitlines()]


def test_a_recorded_record_is_current_while_its_outputs_are_unchanged(tmp_path: Path) -> None:
    journal = Journal(tmp_path, resume=False)
    journal.add("r1", DIGEST, {"oai_dc": _written(tmp_path, "r1.xml", b"<x/>")})
    journal.close()
    again = Journal(tmp_path, resume=True)
    try:
        assert again.outputs_if_current("r1", DIGEST, ["oai_dc"], tmp_path) == {"oai_dc": tmp_path / "r1.xml"}
        assert again.outputs_if_current("r1", "b" * 64, ["oai_dc"], tmp_path) is None  # the record changed
        assert again.outputs_if_current("r1", DIGEST, ["oai_dc", "jsonld"], tmp_path) is None  # other formats asked
        assert again.outputs_if_current("r2", DIGEST, ["oai_dc"], tmp_path) is None  # never exported
        (tmp_path / "r1.xml").write_bytes(b"<changed/>")
        assert again.outputs_if_current("r1", DIGEST, ["oai_dc"], tmp_path) is None  # its file changed
        (tmp_path / "r1.xml").unlink()
        assert again.outputs_if_current("r1", DIGEST, ["oai_dc"], tmp_path) is None  # its file is gone
    finally:
        again.close()


def test_without_resume_the_previous_journal_is_not_read_and_is_replaced(tmp_path: Path) -> None:
    journal = Journal(tmp_path, resume=False)
    journal.add("r1", DIGEST, {"oai_dc": _written(tmp_path, "r1.xml", b"<x/>")})
    journal.close()
    fresh = Journal(tmp_path, resume=False)
    assert fresh.outputs_if_current("r1", DIGEST, ["oai_dc"], tmp_path) is None
    fresh.close()
    assert (tmp_path / JOURNAL).read_bytes() == b""


@pytest.mark.parametrize(("line", "reason"), [
    ("{not json\n", "not JSON"),
    ('["r1"]\n', "not a JSON object"),
    ('{"id": "r1", "record": "' + DIGEST + '"}\n', "no 'outputs' field"),
    ('{"id": 7, "record": "' + DIGEST + '", "outputs": {}}\n', "wrong type"),
    ('{"id": "r1", "record": "short", "outputs": {}}\n', "wrong type"),
    ('{"id": "r1", "record": "' + DIGEST + '", "outputs": {"oai_dc": ["../r1.xml", "' + DIGEST + '"]}}\n',
     "leads out of the output folder"),
    ('{"id": "r1", "record": "' + DIGEST + '", "outputs": {"oai_dc": "r1.xml"}}\n', "[path, sha256] pair"),
])
def test_a_damaged_line_is_a_warning_and_its_record_is_not_current(tmp_path: Path, line: str, reason: str) -> None:
    relative, sha = _written(tmp_path, "r1.xml", b"<x/>")
    good = json.dumps({"id": "r0", "record": DIGEST, "outputs": {"oai_dc": [relative, sha]}}) + "\n"
    (tmp_path / JOURNAL).write_text(good + line, encoding="utf-8")
    warnings: list[str] = []
    journal = Journal(tmp_path, resume=True, warn=warnings.append)
    try:
        assert journal.outputs_if_current("r0", DIGEST, ["oai_dc"], tmp_path) is not None
        assert journal.outputs_if_current("r1", DIGEST, ["oai_dc"], tmp_path) is None
    finally:
        journal.close()
    assert len(warnings) == 1 and "line 2 is damaged" in warnings[0] and reason in warnings[0]


def test_a_line_cut_short_is_cut_off_so_the_next_line_starts_clean(tmp_path: Path) -> None:
    relative, sha = _written(tmp_path, "r0.xml", b"<x/>")
    good = json.dumps({"id": "r0", "record": DIGEST, "outputs": {"oai_dc": [relative, sha]}}) + "\n"
    (tmp_path / JOURNAL).write_text(good + '{"id": "r1", "rec', encoding="utf-8")
    warnings: list[str] = []
    journal = Journal(tmp_path, resume=True, warn=warnings.append)
    journal.add("r2", DIGEST, {})
    journal.close()
    assert [entry["id"] for entry in _lines(tmp_path)] == ["r0", "r2"]
    assert len(warnings) == 1 and "line 2 is cut short" in warnings[0]


def test_compact_keeps_the_last_entry_of_each_id_in_the_order_of_those_entries(tmp_path: Path) -> None:
    journal = Journal(tmp_path, resume=False)
    for record_id, digest in [("a", "1"), ("b", "2"), ("a", "3"), ("c", "4")]:
        journal.add(record_id, digest * 64, {})
    journal.compact()
    assert [(entry["id"], entry["record"]) for entry in _lines(tmp_path)] == [("b", "2" * 64), ("a", "3" * 64),
                                                                             ("c", "4" * 64)]


def test_keep_writes_a_current_record_again_in_this_runs_order(tmp_path: Path) -> None:
    first = Journal(tmp_path, resume=False)
    first.add("a", DIGEST, {})
    first.add("b", DIGEST, {})
    first.close()
    second = Journal(tmp_path, resume=True)
    second.keep("b")
    second.keep("missing")  # a record the previous run never wrote adds nothing
    second.compact()
    assert [entry["id"] for entry in _lines(tmp_path)] == ["a", "b"]
    third = Journal(tmp_path, resume=True)
    third.add("c", DIGEST, {})
    third.keep("a")
    third.compact()
    assert [entry["id"] for entry in _lines(tmp_path)] == ["b", "c", "a"]


def test_the_record_hash_ignores_key_order_and_formatting() -> None:
    assert record_hash({"id": "x", "title": "T"}) == record_hash({"title": "T", "id": "x"})
    assert record_hash({"id": "x", "title": "T"}) != record_hash({"id": "x", "title": "U"})

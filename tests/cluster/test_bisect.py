"""The halving of a partition whose task kills its worker, without a cluster: the pieces run here, and a piece that
holds a poison record fails as its task would on a cluster."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from archivist.cluster._bisect import Bisection
from archivist.cluster._partition import Job, Partition, PartitionResult, entries, plan, run_partition
from archivist.records import Status


class Killed(Exception):
    """What a task whose worker died every time gives."""


def halved(part: Partition, job: Job, poison: set[str], duplicates: dict[int, str]) -> tuple[PartitionResult, int]:
    """The partition's result when the records ``poison`` kill every task that holds them, and the tasks run."""
    bisection = Bisection(part, duplicates, {})
    todo = bisection.start(Killed())
    tasks = 0
    while todo:
        piece = todo.pop(0)
        tasks += 1
        args = bisection.task(piece, job)
        held = {entry.record_id for _, entry, _ in entries(args[0])}
        todo += bisection.settle(piece, Killed() if held & poison else run_partition(*args))
    assert bisection.finished
    return bisection.result(), tasks


def source(tmp_path: Path, seed: dict[str, Any], count: int) -> Path:
    lines = [json.dumps(dict(seed, id=f"r{n:03d}", title=f"{seed['title']} {n}")) + "\n" for n in range(count)]
    lines[3] = "\n"
    lines[4] = "  \n"
    lines[9] = "{not json\n"
    lines[12] = json.dumps(dict(seed, id="r012", language=7)) + "\n"
    path = tmp_path / "b.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("poison", [{"r040"}, {"r000"}, {"r099"}, {"r013", "r070"}])
def test_only_the_poison_records_fail_and_the_others_are_as_the_whole_partition_gives(
        tmp_path: Path, seed: dict[str, Any], poison: set[str]) -> None:
    path = source(tmp_path, seed, 100)
    job = Job(("oai_dc",), str(tmp_path / "out"), False, False, False, None)
    (part,) = plan([str(path)], job, 1 << 30)
    duplicates = {20: "b.jsonl:5", 77: "b.jsonl:6"}  # by position in the partition
    whole = run_partition(part, job, duplicates)
    result, tasks = halved(part, job, poison, duplicates)
    assert result.lines == whole.lines == 100
    assert [(i.line, i.offset, i.raw_id) for i in result.items] == [(i.line, i.offset, i.raw_id) for i in whole.items]
    failed = {i.raw_id for i in result.items if i.result.status is Status.CRASHED}
    assert [i.result for i in result.items if i.raw_id not in failed] == [
        i.result for i in whole.items if i.raw_id not in failed]  # problems' lines too, duplicates in place
    assert tasks <= 2 * math.ceil(math.log2(98)) + 1  # the cap: enough to halve down to one record, try it alone
    if len(poison) == 1:
        assert failed == poison
        assert "with this record alone" in next(i for i in result.items if i.raw_id in poison).result.message
    else:  # the cap finds one poison record; a second is reported with the few records next to it
        assert poison <= failed and len(failed) < 98 // 4  # most of the partition is still exported


def test_a_partition_of_poison_stops_at_the_cap_and_reports_every_record(tmp_path: Path, seed: dict[str, Any]) -> None:
    path = source(tmp_path, seed, 100)
    job = Job(("oai_dc",), str(tmp_path / "out"), False, False, False, None)
    (part,) = plan([str(path)], job, 1 << 30)
    everything = {f"r{n:03d}" for n in range(100)}
    result, tasks = halved(part, job, everything, {})
    assert 2 * math.ceil(math.log2(98)) <= tasks <= 2 * math.ceil(math.log2(98)) + 1
    assert len(result.items) == 98 and {i.result.status for i in result.items} == {Status.CRASHED}
    assert [i.line for i in result.items] == [n + 1 for n in range(100) if n not in (3, 4)]
    assert any("the search for the record at fault stopped after" in i.result.message for i in result.items)


def test_a_list_of_files_is_cut_by_files(tmp_path: Path, seed: dict[str, Any]) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    for n in range(9):
        (folder / f"f{n}.json").write_text(json.dumps(dict(seed, id=f"f{n}")), encoding="utf-8")
    job = Job(("oai_dc",), str(tmp_path / "out"), False, False, False, None)
    (part,) = plan([str(folder)], job, 1 << 30)
    whole = run_partition(part, job, {})
    result, _ = halved(part, job, {"f6"}, {})
    assert [(i.file, i.raw_id) for i in result.items] == [(i.file, i.raw_id) for i in whole.items]
    assert [i.raw_id for i in result.items if i.result.status is Status.CRASHED] == ["f6"]

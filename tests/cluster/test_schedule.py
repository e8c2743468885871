"""The cluster export's task order, driven here without a cluster: tasks run in this process, finished in whatever
order a cluster might finish them, failing or killing their worker where a test says so."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from archivist._diskmap import DiskMap
from archivist.cluster._partition import Job, Partition, PartitionResult, entries, plan
from archivist.cluster._schedule import CLIENT_TRIES, Schedule, Task
from archivist.records import Status
from tests.conftest import MINIMAL

PARTITION = 2_500  # bytes: a handful of records each, so the input is many partitions


class Killed(Exception):
    """What a task whose worker died every time gives (Dask's KilledWorker)."""


class Failed(Exception):
    """What a task that raised on every try gives."""


def source(tmp_path: Path, count: int, ids: Callable[[int], str] = lambda n: f"r{n:03d}") -> Path:
    lines = [json.dumps(dict(MINIMAL, id=ids(n))) + "\n" for n in range(count)]
    path = tmp_path / "b.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def drive(schedule: Schedule, *, order: random.Random | None = None, ahead: int = 4,
          outcome: Callable[[Task], Any] | None = None) -> tuple[list[tuple[Partition, Any]], list[Task]]:
    """Run the schedule to its end: the partitions merged, in the order merged, and every task sent."""
    pending = schedule.more(ahead)
    sent = list(pending)
    merged = []
    while pending:
        task = pending.pop(order.randrange(len(pending)) if order else 0)
        value = outcome(task) if outcome is not None else None
        if value is None:
            value = task.function(*task.args)
        new = schedule.settle(task, value)
        merged += list(schedule.ready())
        new += schedule.more(ahead)
        sent += new
        pending += new
    return merged, sent


def schedule_for(path: Path, job: Job, ids: DiskMap) -> Schedule:
    return Schedule(plan([str(path)], job, PARTITION), job, ids, None, resuming=False,
                    killed=lambda value: isinstance(value, Killed))


@pytest.fixture
def job(tmp_path: Path) -> Job:
    return Job(("oai_dc",), str(tmp_path / "out"), False, True, False, None)  # a dry run: nothing written


@pytest.mark.parametrize("seed_order", [0, 1, 2])
def test_partitions_are_merged_in_input_order_whatever_order_tasks_finish(
        tmp_path: Path, seed: dict[str, Any], job: Job, seed_order: int) -> None:
    path = source(tmp_path, 60)
    with DiskMap() as ids:
        merged, sent = drive(schedule_for(path, job, ids), order=random.Random(seed_order))
    indexes = [part.index for part, _ in merged]
    assert len(indexes) > 5 and indexes == sorted(indexes) == list(range(len(indexes)))
    assert [item.raw_id for _, result in merged for item in result.items] == [f"r{n:03d}" for n in range(60)]
    assert {task.kind for task in sent} == {"ids", "work"} and len(sent) == 2 * len(merged)


def test_no_more_partitions_are_planned_than_the_window(tmp_path: Path, seed: dict[str, Any], job: Job) -> None:
    path = source(tmp_path, 60)
    with DiskMap() as ids:
        schedule = schedule_for(path, job, ids)
        first = schedule.more(3)
        assert [task.index for task in first] == [0, 1, 2] and len(schedule.parts) == 3
        assert schedule.more(3) == []  # none merged yet: none more planned
        for task in first:
            assert schedule.settle(task, task.function(*task.args))[0].kind == "work"
        assert list(schedule.ready()) == []  # ids known, no work done: nothing to merge yet


def test_a_repeated_id_is_named_to_the_later_partition(tmp_path: Path, seed: dict[str, Any], job: Job) -> None:
    path = source(tmp_path, 60, ids=lambda n: "same" if n in (2, 50) else f"r{n:03d}")
    with DiskMap() as ids:
        merged, sent = drive(schedule_for(path, job, ids), order=random.Random(7))
    items = [item for _, result in merged for item in result.items]
    first, second = (item for item in items if item.raw_id == "same")
    assert first.result.status is Status.CHECKED
    assert second.result.status is Status.INVALID
    assert [p.message for p in second.result.problems] == [
        f"duplicate record id 'same': {path}:3 has it too; this one is skipped so nothing is overwritten"]
    named = [task.args[2] for task in sent if task.kind == "work" and task.args[2]]
    assert [list(duplicates.values()) for duplicates in named] == [[f"{path}:3"]]  # to the later partition only


def test_a_failed_task_is_sent_once_more_then_reported(tmp_path: Path, seed: dict[str, Any], job: Job) -> None:
    path = source(tmp_path, 60)
    tries: list[Task] = []

    def outcome(task: Task) -> Any:
        if task.kind == "work" and task.index == 1:
            tries.append(task)
            return Failed("boom")
        return None

    with DiskMap() as ids:
        merged, _ = drive(schedule_for(path, job, ids), outcome=outcome)
    assert [task.attempt for task in tries] == list(range(CLIENT_TRIES + 1))
    results = dict((part.index, result) for part, result in merged)
    assert isinstance(results[1], Failed)
    assert all(isinstance(result, PartitionResult) for index, result in results.items() if index != 1)


def test_a_task_that_succeeds_when_sent_again_is_merged(tmp_path: Path, seed: dict[str, Any], job: Job) -> None:
    path = source(tmp_path, 60)
    failed: set[int] = set()

    def outcome(task: Task) -> Any:
        if task.kind == "work" and task.index not in failed:
            failed.add(task.index)
            return Failed("a worker died beside it")
        return None

    with DiskMap() as ids:
        merged, _ = drive(schedule_for(path, job, ids), order=random.Random(3))
        assert failed == set()
        again, _ = drive(schedule_for(path, job, ids), outcome=outcome)
    assert failed == {part.index for part, _ in again}
    assert [item.raw_id for _, result in again for item in result.items] == [
        item.raw_id for _, result in merged for item in result.items]


def test_a_partition_that_kills_its_worker_is_cut_down_to_the_record(tmp_path: Path, seed: dict[str, Any],
                                                                      job: Job) -> None:
    path = source(tmp_path, 60)

    def outcome(task: Task) -> Any:
        if task.kind != "ids" and "r031" in {entry.record_id for _, entry, _ in entries(task.args[0])}:
            return Killed("worker died")
        return None

    with DiskMap() as ids:
        merged, sent = drive(schedule_for(path, job, ids), order=random.Random(5), outcome=outcome)
    pieces = [task for task in sent if task.kind not in ("ids", "work")]
    assert pieces and all(task.piece is not None for task in pieces)
    items = [item for _, result in merged for item in result.items]
    assert [item.raw_id for item in items] == [f"r{n:03d}" for n in range(60)]
    assert [item.raw_id for item in items if item.result.status is Status.CRASHED] == ["r031"]


def test_a_partition_whose_ids_cannot_be_read_is_reported_and_the_rest_go_on(
        tmp_path: Path, seed: dict[str, Any], job: Job) -> None:
    path = source(tmp_path, 60, ids=lambda n: "same" if n in (40, 50) else f"r{n:03d}")

    def outcome(task: Task) -> Any:
        return Failed("unreadable") if task.kind == "ids" and task.index == 2 else None

    with DiskMap() as ids:
        merged, sent = drive(schedule_for(path, job, ids), outcome=outcome)
    results = dict((part.index, result) for part, result in merged)
    assert isinstance(results[2], Failed)
    assert not any(task.kind == "work" and task.index == 2 for task in sent)
    assert sorted(results) == list(range(len(results)))
    named = [task.args[2] for task in sent if task.kind == "work" and task.args[2]]
    assert [list(duplicates.values()) for duplicates in named] == [[f"{path}:41"]]  # its lines still counted

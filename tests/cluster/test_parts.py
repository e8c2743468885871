"""Package parts: written per partition, joined in order, they give the bytes of a package built record by record;
a part given up leaves nothing, and a part written twice (a task run again) is one folder."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from archivist.batch._work import RecordResult
from archivist.cluster._parts import PartJoiner, PartWriters, parts_job
from archivist.packages import Package, PackageSettings
from archivist.packages import get as get_package
from archivist.records import Status

SPLIT = ["oai-static", "dspace-saf", "marc21-collection", "marcxml-collection", "bagit"]
SETTINGS = PackageSettings(base_url="https://archive.example.org/oai", repository_id="archive.example.org",
                           dspace_collection="123456789/2")
EXPORTED = RecordResult(Status.EXPORTED, digest="0" * 64)


def records(seed: dict[str, Any]) -> list[dict[str, Any]]:
    """Seven records, one too long for ISO 2709 (the marc21 collection leaves it out with a warning)."""
    found = [dict(seed, id=f"r{n}", title=f"{seed['title']} {n}") for n in range(7)]
    found[4] = dict(seed, id="too-long", description=" ".join(["lorem"] * 24_000))
    return found


def tree(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def build(out: Path, names: list[str], said: list[str] | None = None) -> list[Package]:
    settings = SETTINGS if said is None else replace(SETTINGS, warn=said.append)
    return [get_package(name)(out, settings) for name in names]


@pytest.mark.parametrize("name", SPLIT)
def test_parts_joined_in_order_give_the_bytes_of_one_package(name: str, seed: dict[str, Any], tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the bag's date
    found = records(seed)
    said_once: list[str] = []
    (package,) = build(tmp_path / "one", [name], said_once)
    for record in found:
        package.add(record, {}, None)
    package.finish()
    said_joined: list[str] = []
    joined = build(tmp_path / "parts", [name], said_joined)
    job = parts_job(joined, tmp_path / "work")
    assert job is not None and job.names == (name,)
    summaries = []
    for key, share in (("k0", found[:3]), ("k1", []), ("k2", found[3:])):
        writers = PartWriters(job, key)
        for record in share:
            writers.add(record, EXPORTED, (), str(tmp_path / "parts"), str(tmp_path / "in.jsonl"))
        summaries.append((key, writers.close()))
    assert sorted(p.name for p in (tmp_path / "work" / "parts").iterdir()) == ["k0", "k1", "k2"]
    joiner = PartJoiner(joined, job)
    for key, summary in summaries:
        joiner.join(key, summary)
    joined[0].finish()
    assert tree(tmp_path / "parts") == tree(tmp_path / "one") != {}
    assert said_joined == said_once  # the parts' warnings, said by the client in input order
    if name == "marc21-collection":
        (said,) = said_once
        assert said.startswith("marc21-collection: record 'too-long' is ") and said.endswith(
            " bytes as MARC 21 (ISO 2709), over the format's limit of 99,999 bytes (MARCXML has no such limit); left "
            "out of marc21-collection.mrc")
    elif name == "oai-static":  # said once, when the package opens, not once per part
        assert [m.split(" is a placeholder")[0] for m in said_once] == [
            "oai-static: the repository id archive.example.org", "oai-static: the base URL https://archive.example.org/oai"]
    else:
        assert said_once == []
    assert not list((tmp_path / "work" / "parts").iterdir())  # each part removed once joined


def test_a_part_given_up_leaves_nothing(seed: dict[str, Any], tmp_path: Path) -> None:
    job = parts_job(build(tmp_path / "out", SPLIT[:-1]), tmp_path / "work")
    writers = PartWriters(job, "k0")
    for record in records(seed)[:2]:
        writers.add(record, EXPORTED, (), str(tmp_path / "out"), str(tmp_path / "in.jsonl"))
    writers.abort()
    assert list((tmp_path / "work" / "parts").iterdir()) == []


def test_a_part_written_again_replaces_the_first(seed: dict[str, Any], tmp_path: Path) -> None:
    job = parts_job(build(tmp_path / "out", SPLIT[:-1]), tmp_path / "work")
    written = []
    for _ in range(2):
        writers = PartWriters(job, "k0")
        for record in records(seed)[:2]:
            writers.add(record, EXPORTED, (), str(tmp_path / "out"), str(tmp_path / "in.jsonl"))
        writers.add(seed, RecordResult(Status.INVALID), (), str(tmp_path / "out"), str(tmp_path / "in.jsonl"))
        written.append((writers.close(), tree(tmp_path / "work")))
    assert written[0] == written[1]
    assert [p.name for p in (tmp_path / "work" / "parts").iterdir()] == ["k0"]
    assert written[0][0]["oai-static"][1] == 2  # the invalid record is not in the part


def test_a_package_from_outside_is_not_split(tmp_path: Path) -> None:
    class Outside(Package):
        name = "outside"
        description = "a plugin that knows nothing of parts"

        def add(self, record: dict[str, Any], exports: Any, base: Path | None) -> None: ...
        def finish(self) -> list[Path]: return []
        def abort(self) -> None: ...

    assert parts_job([Outside(tmp_path, SETTINGS)], tmp_path / "work") is None
    assert not Outside.splits and all(get_package(name).splits for name in SPLIT)

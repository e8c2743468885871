"""The ``archivematica`` transfer written on a Dask cluster (``local:2``): the workers write their records'
folders, rows and checksum lines, the client joins them, and the transfer is byte for byte the one a single
process writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")

from archivist.batch import BatchOptions, run_batch, split_formats
from tests.conftest import SEED_CAPTURE, write_json
from tests.packages.test_archivematica import sums, tree

TO = "dcterms,mets,archivematica"


def test_a_cluster_writes_the_transfer_one_process_writes(tmp_path: Path, seed: dict[str, Any]) -> None:
    folder = tmp_path / "in"
    (folder / "originals").mkdir(parents=True)
    (folder / "originals" / SEED_CAPTURE.name).write_bytes(SEED_CAPTURE.read_bytes())
    write_json(folder / "seed.json", seed)
    lines = [json.dumps(dict(seed, id=f"r{n:03d}", title=f"{seed['title']} {n}", files=[]), ensure_ascii=False)
             for n in range(40)]
    (folder / "more.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    formats, packages = split_formats(TO)
    one = run_batch([folder], tmp_path / "one", BatchOptions(formats=formats, packages=packages))
    many = run_batch([folder], tmp_path / "many", BatchOptions(formats=formats, packages=packages, cluster="local:2",
                                                                partition_bytes=20_000))
    assert (one.exported, many.exported) == (41, 41)
    transfer = tree(tmp_path / "many" / "archivematica")
    assert transfer == tree(tmp_path / "one" / "archivematica")
    assert len(sums(tmp_path / "many" / "archivematica")) == 41 * 2 + 1  # JSON + dcterms each, the seed's original
    assert sum(1 for name in transfer if name.endswith(".mets.xml")) == 41

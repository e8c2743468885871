"""Kept payloads (#27): a record's rendered metadata is made once per run and format, then served while its file
still holds the same bytes; a kept payload this run did not sign (planted, edited, swapped) is never served."""

from __future__ import annotations

import re
import sqlite3
import zlib
from pathlib import Path
from typing import Any

import pytest

from archivist.exporters import oai_dc
from archivist.oaipmh import RecordIndex
from archivist.oaipmh._index import PAYLOAD
from tests.oracles import oai_errors

from .conftest import REPO, fetch, six_records, start, stop

_DATE = re.compile(rb"<responseDate>[^<]*</responseDate>")


@pytest.fixture
def folder(tmp_path: Path, seed: dict[str, Any]) -> Path:
    return six_records(tmp_path, seed)


def test_a_payload_is_made_once_and_made_again_when_its_record_changes(folder: Path, tmp_path: Path) -> None:
    made: list[str] = []

    def write(record: dict[str, Any]) -> bytes:
        made.append(record["id"])
        return oai_dc.export(record)

    index = RecordIndex([folder], tmp_path / "i.sqlite")
    try:
        first, _ = index.select(limit=100, render=("oai_dc", write))
        assert len(made) == 6
        again, _ = index.select(limit=100, render=("oai_dc", write))
        assert len(made) == 6 and again == first  # nothing made twice: the kept payloads, byte for byte
        target = folder / "doc-02.json"
        target.write_text(target.read_text(encoding="utf-8").replace("Document 2", "Document two"), encoding="utf-8")
        index.refresh()
        changed, _ = index.select(limit=100, render=("oai_dc", write))
        assert made[6:] == ["doc-02"]
        assert b"Document two" in dict((r["id"], r[PAYLOAD]) for r, _, _ in changed)["doc-02"]
    finally:
        index.close()


def _harvest(base: str) -> dict[str, bytes]:
    pages = {}
    for prefix in ("oai_dc", "dcterms", "marcxml"):
        page = fetch(base, verb="ListRecords", metadataPrefix=prefix)
        assert oai_errors(page) == [] and page.count(b"<record>") == 6
        pages[prefix] = _DATE.sub(b"", page).replace(base.encode(), b"BASE")  # a new port each start
    return pages


def _plant(database: Path) -> int:
    """Write other words into every kept payload (compressed as they are kept), and swap two records' payloads."""
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT rowid, body FROM fragments").fetchall()
        for rowid, body in rows:
            text = zlib.decompress(body).replace(b"Document", b"Planted")
            db.execute("UPDATE fragments SET body = ? WHERE rowid = ?", (zlib.compress(text), rowid))
        pair = db.execute("SELECT sha256 FROM fragments WHERE format = 'marcxml' LIMIT 2").fetchall()
        db.execute("UPDATE fragments SET sha256 = X'00' WHERE sha256 = ?", pair[0])
        db.execute("UPDATE fragments SET sha256 = ? WHERE sha256 = ?", (pair[0][0], pair[1][0]))
        db.execute("UPDATE fragments SET sha256 = ? WHERE sha256 = X'00'", pair[1])
    return len(rows)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_kept_payloads_edited_while_serving_or_left_by_another_run_are_never_served(folder: Path, tmp_path: Path,
                                                                                     workers: str) -> None:
    database = tmp_path / "i.sqlite"
    served = start(folder, "--repository-id", REPO, "--index", str(database), "--workers", workers)
    try:
        first = _harvest(served.base)
        assert b"Document 3" in first["marcxml"]
        assert _plant(database) == 18  # the server kept every payload it made: six records, three formats
        assert _harvest(served.base) == first
    finally:
        assert stop(served) == 0
    _plant(database)
    served = start(folder, "--repository-id", REPO, "--index", str(database), "--workers", workers)
    try:
        assert _harvest(served.base) == first
    finally:
        assert stop(served) == 0
    assert "Traceback" not in served.log()


def test_with_worker_processes_every_payload_is_made_ahead(folder: Path, tmp_path: Path) -> None:
    """A process at the lowest priority makes and keeps every record's payload in every format, then ends; the
    pages are those made on demand."""
    database = tmp_path / "i.sqlite"
    served = start(folder, "--repository-id", REPO, "--index", str(database), "--workers", "2")
    try:
        line = served.wait_for("payloads of ", timeout=60)
        assert "payloads of 6 records kept in oai_dc, dcterms, marcxml" in line
        with sqlite3.connect(database) as db:
            assert db.execute("SELECT format, COUNT(*) FROM fragments GROUP BY format ORDER BY format").fetchall() \
                == [("dcterms", 6), ("marcxml", 6), ("oai_dc", 6)]
        ahead = _harvest(served.base)
    finally:
        assert stop(served) == 0
    with sqlite3.connect(database) as db:
        db.execute("DELETE FROM fragments")
    served = start(folder, "--repository-id", REPO, "--index", str(database), "--workers", "1")
    try:
        assert _harvest(served.base) == ahead
    finally:
        assert stop(served) == 0

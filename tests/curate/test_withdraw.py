"""Withdrawn records: a tombstone in the folder, and harvesters told of the deletion, by ``serve`` (Sickle over
loopback, every response valid against OAI-PMH.xsd) and by the static OAI-PMH file."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sickle import Sickle

from archivist.curate import CurationError, tombstones, withdraw, withdrawn
from archivist.oaipmh import RecordIndex, Repository, make_server
from tests.curate.folders import make_folder, snapshot
from tests.oaipmh.test_provider import fetch
from tests.oracles import oai_errors

OAI = "{http://www.openarchives.org/OAI/2.0/}"
REPO = "archive.example.org"


@pytest.fixture
def folder(tmp_path: Path, seed: dict[str, Any]) -> Path:
    base = make_folder(tmp_path / "records", seed, count=5)
    odd = json.loads((base / "doc-03.json").read_text(encoding="utf-8"))
    odd["subjects"] = [{"term": "Odd", "scheme": "local"}]
    (base / "doc-03.json").write_text(json.dumps(odd), encoding="utf-8")
    return base


@contextmanager
def serving(folder: Path, index: Path) -> Iterator[tuple[str, RecordIndex]]:
    """The records of ``folder`` served over loopback (two records a page): the base URL and the index."""
    records = RecordIndex([folder], index)
    httpd = make_server(records, Repository(base_url="", repository_id=REPO, page_size=2), "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield httpd.provider.repo.base_url, records
    finally:
        httpd.shutdown()
        assert httpd.wait_stopped(10)
        records.close()


@pytest.fixture
def served(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01T00:00:00Z
    withdraw(folder, ["doc-01", "doc-03"], "Removed at the rights holder's request")
    with serving(folder, tmp_path / "index.sqlite") as (base, _):
        yield base


def test_withdrawing_moves_the_record_to_its_history_and_leaves_a_tombstone(folder: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")
    old = (folder / "doc-02.json").read_bytes()
    (stone,) = withdraw(folder, ["doc-02"], "  Duplicate of doc-00  ")
    assert not (folder / "doc-02.json").exists()
    assert (folder / ".archivist-history" / "doc-02" / "v1" / "doc-02.json").read_bytes() == old
    assert withdrawn(folder, "doc-02") == stone
    assert (stone.id, stone.withdrawn_at, stone.reason) == ("doc-02", "2026-12-01T00:00:00Z", "Duplicate of doc-00")
    assert stone.last_record() == json.loads(old)
    assert withdrawn(folder, "doc-00") is None
    assert [s.id for s in tombstones([folder])] == ["doc-02"]
    (folder / "doc-02.json").write_bytes(old)  # the record is back: its tombstone no longer stands
    assert withdrawn(folder, "doc-02") is None and list(tombstones([folder])) == []


def test_an_unknown_id_withdraws_nothing(folder: Path) -> None:
    before = snapshot(folder)
    with pytest.raises(CurationError, match=r"nope\.json: no such record; nothing was withdrawn"):
        withdraw(folder, ["doc-00", "nope"], "a reason")
    with pytest.raises(CurationError, match="needs a reason"):
        withdraw(folder, ["doc-00"], " ")
    assert snapshot(folder) == before


def test_sickle_harvests_the_deletion(served: str) -> None:
    sickle = Sickle(served)
    assert sickle.Identify().deletedRecord == "persistent"
    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc"))
    assert [(h.identifier.rsplit(":", 1)[1], h.deleted) for h in headers] == [
        ("doc-00", False), ("doc-01", True), ("doc-02", False), ("doc-03", True), ("doc-04", False)]
    assert {h.datestamp for h in headers if h.deleted} == {"2026-12-01T00:00:00Z"}
    records = list(sickle.ListRecords(metadataPrefix="dcterms"))
    assert [r.deleted for r in records] == [False, True, False, True, False]
    assert all(not hasattr(r, "metadata") for r in records if r.deleted)  # Sickle reads no metadata for them
    gone = sickle.GetRecord(identifier=f"oai:{REPO}:doc-03", metadataPrefix="marcxml")
    assert gone.deleted and gone.header.datestamp == "2026-12-01T00:00:00Z"
    assert "subject:local:Odd" in gone.header.setSpecs
    odd = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="subject:local:Odd"))
    assert [(h.identifier, h.deleted) for h in odd] == [(f"oai:{REPO}:doc-03", True)]
    since = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", **{"from": "2026-12-01"}))
    assert [h.identifier for h in since] == [f"oai:{REPO}:doc-01", f"oai:{REPO}:doc-03"]


def test_every_answer_about_a_deletion_is_schema_valid(served: str) -> None:
    identify = fetch(served, verb="Identify")
    assert oai_errors(identify) == [] and etree.fromstring(identify).findtext(f".//{OAI}deletedRecord") == "persistent"
    for params in ({"verb": "GetRecord", "identifier": f"oai:{REPO}:doc-01", "metadataPrefix": "oai_dc"},
                   {"verb": "ListMetadataFormats", "identifier": f"oai:{REPO}:doc-01"},
                   {"verb": "ListRecords", "metadataPrefix": "marcxml", "from": "2026-12-01"},
                   {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "subject:local"}):
        data = fetch(served, **params)
        assert oai_errors(data) == [], params
        root = etree.fromstring(data)
        assert root.find(f"{OAI}error") is None, params
        assert all(h.get("status") in (None, "deleted") for h in root.iter(f"{OAI}header"))
    page = etree.fromstring(fetch(served, verb="ListRecords", metadataPrefix="oai_dc"))
    token = page.find(f".//{OAI}resumptionToken")
    assert token is not None and token.get("completeListSize") == "5"
    deleted = page.findall(f".//{OAI}record")[1]
    assert deleted.find(f"{OAI}header").get("status") == "deleted" and deleted.find(f"{OAI}metadata") is None


def test_a_running_server_learns_of_a_withdrawal(folder: Path, tmp_path: Path) -> None:
    with serving(folder, tmp_path / "index.sqlite") as (base, records):
        assert b'status="deleted"' not in fetch(base, verb="ListIdentifiers", metadataPrefix="oai_dc")
        withdraw(folder, ["doc-04"], "Withdrawn while served")
        assert records.refresh()
        record = fetch(base, verb="GetRecord", identifier=f"oai:{REPO}:doc-04", metadataPrefix="oai_dc")
        assert b'<header status="deleted">' in record and oai_errors(record) == []
        assert records.count() == 4


def test_the_static_oai_file_lists_withdrawn_records_as_deleted(folder: Path, tmp_path: Path,
                                                               archivist: Any) -> None:
    env = {"SOURCE_DATE_EPOCH": "1796083200"}
    result = archivist.run(["withdraw", str(folder), "doc-01", "--reason", "Out of scope"], env=env)
    assert result.returncode == 0 and result.stderr == f"1 record withdrawn from {folder} (doc-01)\n", result.stderr
    out = tmp_path / "out"
    result = archivist.run(["export", str(folder), "--to", "oai-static", "--repository-id", "oai.library.ac.uk",
                            "--base-url", "https://oai.library.ac.uk/oai", "--out", str(out), "-q"])
    assert result.returncode == 0, result.stderr
    data = (out / "oai-static.xml").read_bytes()
    assert oai_errors(data) == []
    root = etree.fromstring(data)
    headers = [(h.findtext(f"{OAI}identifier"), h.get("status")) for h in root.iter(f"{OAI}header")]
    assert sorted(headers) == [(f"oai:oai.library.ac.uk:doc-{n:02d}", "deleted" if n == 1 else None)
                               for n in range(5)]
    assert root.findtext(f"{OAI}responseDate") == "2026-12-01T00:00:00Z"
    result = archivist.run(["withdraw", str(folder), "doc-09", "--reason", "x"])
    assert result.returncode == 2 and result.stderr.startswith("error: ") and "doc-09.json: no such record" in \
        result.stderr


def test_a_withdrawn_records_original_files_go_with_it(tmp_path: Path, seed: dict[str, Any]) -> None:
    from tests.conftest import RECORDS

    folder = tmp_path / "records"
    shutil.copytree(RECORDS, folder)
    original = (folder / "originals" / "mrta-globalsecurity.txt").read_bytes()
    withdraw(folder, ["mrta-globalsecurity"], "Rights not cleared")
    version = folder / ".archivist-history" / "mrta-globalsecurity" / "v1"
    assert (version / "originals" / "mrta-globalsecurity.txt").read_bytes() == original
    assert not (folder / "originals" / "mrta-globalsecurity.txt").exists()
    assert json.loads((version / "mrta-globalsecurity.json").read_text(encoding="utf-8")) == seed

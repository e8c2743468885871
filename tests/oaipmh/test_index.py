"""The index: checked against the record files at start, never trusted blindly, never written over an input; a
folder that empties or changes under a scan leaves the last good index serving; pages are keyed; requests run
in parallel."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from archivist.oaipmh import RecordIndex, Repository, _index, make_server
from tests.oracles import oai_errors
from tests.warm import Warm

from .conftest import REPO, fetch, sample_records, six_records, start, stop

OAI = "{http://www.openarchives.org/OAI/2.0/}"


@pytest.fixture
def folder(tmp_path: Path, seed: dict[str, Any]) -> Path:
    return six_records(tmp_path, seed)


def _ids(index: RecordIndex) -> list[str]:
    """The ids the index lists (headers: proven in this process, so listed even while the files are away)."""
    rows, _ = index.select(limit=1000, records=False)
    return [record["id"] for record, _, _ in rows]


def test_a_prebuilt_index_is_checked_by_content_not_only_size_and_time(folder: Path) -> None:
    RecordIndex([folder], folder / ".archivist-oai.sqlite").close()
    target = folder / "doc-03.json"
    stat = target.stat()
    text = target.read_text(encoding="utf-8")
    forged = text.replace("Document 3", "Document X")
    assert len(forged) == len(text)
    target.write_text(forged, encoding="utf-8")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time: only the hash tells
    index = RecordIndex([folder], folder / ".archivist-oai.sqlite")
    assert index.get("doc-03")[0]["title"] == "Document X"
    index.close()


def test_a_prebuilt_index_from_another_version_or_another_folder_is_rebuilt(folder: Path, tmp_path: Path) -> None:
    database = tmp_path / "index.sqlite"
    RecordIndex([folder], database).close()
    with sqlite3.connect(database) as db:
        db.execute("UPDATE meta SET value = 'archivist-oai-index 0' WHERE key = 'format'")
        db.execute("DELETE FROM records WHERE id = 'doc-01'")
    index = RecordIndex([folder], database)
    assert index.get("doc-01") is not None
    index.close()
    other = tmp_path / "other"
    shutil.copytree(folder, other)
    (other / "doc-05.json").unlink()
    index = RecordIndex([other], database)  # the same index file, other records
    assert index.get("doc-05") is None and len(_ids(index)) == 5
    index.close()


def test_an_unchanged_index_is_reused_with_its_problems(folder: Path, tmp_path: Path) -> None:
    (folder / "bad.json").write_text('{"id": "bad"}', encoding="utf-8")
    first = RecordIndex([folder], tmp_path / "i.sqlite")
    assert {p.file for p in first.problems} == {str(folder / "bad.json")}
    first.close()
    again = RecordIndex([folder], tmp_path / "i.sqlite")
    assert {p.file for p in again.problems} == {str(folder / "bad.json")} and again.refresh() is False
    assert [str(p) for p in again.problems] == [str(p) for p in first.problems]
    again.close()


def test_a_folder_briefly_empty_keeps_the_last_good_index(folder: Path, tmp_path: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    index = RecordIndex([folder], tmp_path / "i.sqlite")
    aside = tmp_path / "aside"
    aside.mkdir()
    for file in folder.iterdir():
        file.rename(aside / file.name)
    with caplog.at_level("WARNING", logger="archivist.oaipmh"):
        assert index.refresh() is False
    assert len(_ids(index)) == 6 and "still serving the last good index" in caplog.text
    folder.rmdir()  # gone altogether (a swap by rename)
    assert index.refresh() is False and len(_ids(index)) == 6
    aside.rename(folder)
    (folder / "doc-00.json").unlink()
    assert index.refresh() is True and len(_ids(index)) == 5
    index.close()


def test_all_records_turning_invalid_at_once_keeps_the_last_good_index(folder: Path, tmp_path: Path) -> None:
    index = RecordIndex([folder], tmp_path / "i.sqlite")
    for file in folder.iterdir():
        file.write_text("{", encoding="utf-8")  # every file caught half-written
    assert index.refresh() is False and len(_ids(index)) == 6
    index.close()


def test_files_changing_during_a_rebuild_roll_it_back(folder: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    index = RecordIndex([folder], tmp_path / "i.sqlite")
    (folder / "doc-05.json").unlink()
    real = _index.validate_paths

    def racing(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for n, outcome in enumerate(real(*args, **kwargs)):
            if n == 1:  # an rsync rewrites a file the scan has already read
                changed = json.loads((folder / "doc-00.json").read_text(encoding="utf-8"))
                (folder / "doc-00.json").write_text(json.dumps(dict(changed, title="New")), encoding="utf-8")
            yield outcome

    monkeypatch.setattr(_index, "validate_paths", racing)
    assert index.refresh() is False and len(_ids(index)) == 6  # the half-seen state is not served
    monkeypatch.setattr(_index, "validate_paths", real)
    assert index.refresh() is True and len(_ids(index)) == 5 and index.get("doc-00")[0]["title"] == "New"
    index.close()


def test_the_server_answers_while_the_folder_is_swapped(folder: Path, tmp_path: Path) -> None:
    served = start(folder, "--repository-id", REPO, "--index", str(tmp_path / "i.sqlite"))
    try:
        aside = tmp_path / "aside"
        folder.rename(aside)  # the folder is gone...
        served.wait_for("still serving the last good index")
        for _ in range(5):
            data = fetch(served.base, verb="ListIdentifiers", metadataPrefix="oai_dc")
            assert oai_errors(data) == [] and data.count(b"<identifier>") == 6
        folder.mkdir()  # ... then back, empty ...
        time.sleep(2.5)
        assert fetch(served.base, verb="ListIdentifiers", metadataPrefix="oai_dc").count(b"<identifier>") == 6
        for file in sorted(aside.iterdir())[:3]:  # ... then partly filled
            shutil.copy2(file, folder / file.name)
        served.wait_for("index rebuilt with 3 records")
        assert fetch(served.base, verb="ListIdentifiers", metadataPrefix="oai_dc").count(b"<identifier>") == 3
    finally:
        assert stop(served) == 0
    assert "Traceback" not in served.log()


@pytest.fixture
def serve_error(archivist: Warm) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``archivist serve ARGS --port 0`` run to its (failing) end, forked from a warm interpreter (tests/warm.py)."""
    return lambda *args: archivist.run(["serve", *args, "--port", "0"], timeout=60)


def _one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_an_index_that_is_not_sqlite_is_refused_and_left_alone(folder: Path, tmp_path: Path, serve_error: Any) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    _one_line_error(serve_error(str(folder), "--index", str(notes)), "notes.txt", "not an SQLite database")
    assert notes.read_text(encoding="utf-8") == "my notes\n"


def test_an_sqlite_database_that_is_not_an_index_is_refused_and_left_alone(folder: Path, tmp_path: Path,
                                                                           serve_error: Any) -> None:
    other = tmp_path / "accounts.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE accounts (name TEXT)")
    before = other.read_bytes()
    _one_line_error(serve_error(str(folder), "--index", str(other)), "accounts.db", "not an archivist OAI index")
    assert other.read_bytes() == before


def test_an_index_on_an_input_is_refused(folder: Path, tmp_path: Path, serve_error: Any) -> None:
    record = folder / "doc-01.json"
    before = record.read_bytes()
    _one_line_error(serve_error(str(folder), "--index", str(record)), "doc-01.json", "inside the input folder")
    _one_line_error(serve_error(str(record), "--index", str(record)), "is the input")
    link = tmp_path / "link.sqlite"
    link.symlink_to(record)
    _one_line_error(serve_error(str(record), "--index", str(link)), "is the input")
    _one_line_error(serve_error(str(folder), "--index", str(link)), "inside the input folder")
    _one_line_error(serve_error(str(folder), "--index", str(folder / "index.sqlite")), "inside the input folder")
    _one_line_error(serve_error(str(folder), "--index", str(folder)), "is a folder")
    _one_line_error(serve_error(str(folder), "--index", str(tmp_path / "no" / "i.sqlite")), "does not exist")
    assert record.read_bytes() == before and sorted(p.name for p in folder.iterdir()) == [
        f"doc-{n:02d}.json" for n in range(6)]


def test_a_read_only_records_folder_is_a_clear_error(folder: Path, serve_error: Any) -> None:
    if os.geteuid() == 0:  # root writes through permissions; the immutable attribute stops it too
        made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True, check=False)
        if made.returncode != 0:  # a container without CAP_LINUX_IMMUTABLE: say so in the summary
            pytest.skip(f"running as root and chattr +i is refused ({made.stderr.strip()}): no read-only folder")
    else:
        folder.chmod(0o555)
    try:
        _one_line_error(serve_error(str(folder)), ".archivist-oai.sqlite", "read-only", "--index")
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def test_bad_repository_values_are_refused_at_start(folder: Path, tmp_path: Path, serve_error: Any) -> None:
    index = str(tmp_path / "i.sqlite")
    _one_line_error(serve_error(str(folder), "--index", index, "--repository-id", "not a domain"), "repository id")
    _one_line_error(serve_error(str(folder), "--index", index, "--admin-email", "nobody"), "admin email")
    _one_line_error(serve_error(str(folder), "--index", index, "--base-url", "ftp://x/oai"), "base URL")
    assert not Path(index).exists()  # refused before any work


def test_paging_is_by_key_so_a_record_added_mid_harvest_shifts_nothing(folder: Path, tmp_path: Path,
                                                                       seed: dict[str, Any]) -> None:
    index = RecordIndex([folder], tmp_path / "i.sqlite")
    server = make_server(index, Repository(base_url="", repository_id=REPO, page_size=2), port=0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        base = server.provider.repo.base_url
        page = etree.fromstring(fetch(base, verb="ListIdentifiers", metadataPrefix="oai_dc"))
        seen = [e.text for e in page.iter(f"{OAI}identifier")]
        token = page.findtext(f".//{OAI}resumptionToken")
        early = dict(sample_records(seed, 1)[0], id="doc-000")  # sorts before everything already harvested
        (folder / "doc-000.json").write_text(json.dumps(early), encoding="utf-8")
        assert index.refresh() is True
        while token:
            page = etree.fromstring(fetch(base, verb="ListIdentifiers", resumptionToken=token))
            seen += [e.text for e in page.iter(f"{OAI}identifier")]
            token = page.findtext(f".//{OAI}resumptionToken")
        assert seen == [f"oai:{REPO}:doc-{n:02d}" for n in range(6)]  # no repeat, no loss
    finally:
        server.shutdown()
        assert server.wait_stopped(10)
        index.close()


def test_requests_are_answered_in_parallel(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A slow ListRecords does not hold up other harvesters: no lock serialises requests."""
    index = RecordIndex([folder], tmp_path / "i.sqlite")
    release = threading.Event()
    real = index.select

    def slow(**kwargs: Any) -> Any:
        release.wait(20)
        return real(**kwargs)

    monkeypatch.setattr(index, "select", slow)
    server = make_server(index, Repository(base_url="", repository_id=REPO), port=0)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    base = server.provider.repo.base_url
    slow_ones: list[threading.Thread] = []
    try:
        slow_ones += [threading.Thread(target=fetch, args=(base,), kwargs={"verb": "ListRecords",
                                                                          "metadataPrefix": "oai_dc"})
                     for _ in range(3)]
        for thread in slow_ones:
            thread.start()
        time.sleep(0.3)
        began = time.monotonic()
        for _ in range(5):
            assert b"<Identify>" in fetch(base, verb="Identify")
            assert b"<GetRecord>" in fetch(base, verb="GetRecord", identifier=f"oai:{REPO}:doc-01",
                                           metadataPrefix="oai_dc")
        assert time.monotonic() - began < 5 and not release.is_set()
        assert all(thread.is_alive() for thread in slow_ones)  # still held, yet the others were answered
    finally:
        release.set()
        for thread in slow_ones:
            thread.join(20)
        server.shutdown()
        assert server.wait_stopped(10)
        index.close()


def test_a_port_in_use_is_a_clear_error(folder: Path, tmp_path: Path, archivist: Warm) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        result = archivist.run(["serve", str(folder), "--port", port, "--index", str(tmp_path / "i.sqlite"),
                                "--repository-id", REPO], timeout=60)
    _one_line_error(result, f"cannot listen on 127.0.0.1:{port}")


def test_a_locked_index_leaves_the_last_good_one_and_recovers(folder: Path, tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    index = RecordIndex([folder], tmp_path / "i.sqlite")
    (folder / "doc-05.json").unlink()
    other = sqlite3.connect(tmp_path / "i.sqlite", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the index
    with caplog.at_level("WARNING", logger="archivist.oaipmh"):
        assert index.refresh() is False
    assert "database is locked" in caplog.text and len(_ids(index)) == 6
    other.execute("ROLLBACK")
    other.close()
    assert index.refresh() is True and len(_ids(index)) == 5
    index.close()


def _plant(database: Path, old: str, new: str) -> int:
    """Edit every text a planted index holds, whatever its tables: ``old`` becomes ``new``; how many cells changed."""
    changed = 0
    with sqlite3.connect(database) as db:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'files'"):
            for column in [c[1] for c in db.execute(f"PRAGMA table_info({table})")]:
                changed += db.execute(f"UPDATE {table} SET {column} = replace({column}, ?, ?) "
                                      f"WHERE typeof({column}) = 'text' AND instr({column}, ?)",
                                      (old, new, old)).rowcount
    return changed


def test_a_planted_index_never_puts_words_in_a_record(folder: Path) -> None:
    """An index found beside the records whose file signatures all match but whose rows were edited (a title
    changed, a control character added) is not the source of what the real server serves."""
    database = folder / ".archivist-oai.sqlite"
    RecordIndex([folder], database).close()
    assert _plant(database, "Document 3", "Planted title") <= 1
    served = start(folder, "--repository-id", REPO)
    try:
        record = fetch(served.base, verb="GetRecord", identifier=f"oai:{REPO}:doc-03", metadataPrefix="oai_dc")
        assert oai_errors(record) == [] and b">Document 3</dc:title>" in record
        for prefix in ("oai_dc", "dcterms", "marcxml"):
            page = fetch(served.base, verb="ListRecords", metadataPrefix=prefix)
            assert oai_errors(page) == [] and b"Planted" not in page and page.count(b"<record>") == 6
    finally:
        assert stop(served) == 0


def test_index_rows_pointing_elsewhere_are_left_out_then_rebuilt(folder: Path, tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    """Rows redirected to another record's bytes, to an invalid record (hash and all), outside the folder, or
    given another datestamp are never served; the index is rebuilt at the next refresh and all is served again."""
    (folder / "bad.json").write_text(json.dumps({"id": "doc-02", "title": "Not a record"}), encoding="utf-8")
    database = tmp_path / "i.sqlite"
    RecordIndex([folder], database).close()
    bad = (folder / "bad.json").read_bytes()
    outside = tmp_path / "outside.json"
    outside.write_bytes((folder / "doc-01.json").read_bytes())
    with sqlite3.connect(database) as db:
        db.execute("UPDATE records SET (path, start, length, sha256) = (SELECT path, start, length, sha256 "
                   "FROM records WHERE id = 'doc-04') WHERE id = 'doc-03'")
        db.execute("UPDATE records SET path = ?, line = NULL, start = 0, length = ?, sha256 = ? WHERE id = 'doc-02'",
                   (str(folder / "bad.json"), len(bad), hashlib.sha256(bad).digest()))
        db.execute("UPDATE records SET path = ? WHERE id = 'doc-01'", (str(outside),))
        db.execute("UPDATE records SET datestamp = '2000-01-01T00:00:00Z' WHERE id = 'doc-05'")
    index = RecordIndex([folder], database)
    try:
        with caplog.at_level("WARNING", logger="archivist.oaipmh"):
            rows, _ = index.select(limit=100)
            assert [record["id"] for record, _, _ in rows] == ["doc-00", "doc-04"]
            assert _ids(index) == ["doc-00", "doc-04"]
            assert index.get("doc-03") is None and index.earliest() != "2000-01-01T00:00:00Z"
        assert "does not match" in caplog.text
        assert index.refresh() is True  # no file changed, yet the index is rebuilt
        rows, _ = index.select(limit=100)
        assert [(r["id"], r["title"]) for r, _, _ in rows] == [(f"doc-{n:02d}", f"Document {n}") for n in range(6)]
    finally:
        index.close()


def test_a_record_whose_id_no_windows_folder_can_hold_is_left_out(folder: Path, tmp_path: Path) -> None:
    """The id rule of validation holds for the server too: a device name Windows reserves is refused."""
    record = json.loads((folder / "doc-00.json").read_text(encoding="utf-8"))
    (folder / "aux.json").write_text(json.dumps(dict(record, id="aux")), encoding="utf-8")
    index = RecordIndex([folder], tmp_path / "i.sqlite")
    try:
        assert "aux" not in _ids(index) and len(_ids(index)) == 6
        assert [(p.pointer, "Windows reserves" in p.message) for p in index.problems] == [("/id", True)]
    finally:
        index.close()

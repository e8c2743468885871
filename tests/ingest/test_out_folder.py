"""Ingest into a folder: what the folder held before the run is never overwritten, one run at a time holds it,
and a run that writes nothing leaves no folder behind."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archivist._lock import LOCK, FolderLock, OutputRefused
from archivist.cli import app
from archivist.ingest import Facts, ingest_manifest, ingest_to_dir
from tests.ingest.test_manifest import write_manifest
from tests.ingest.warcs import html_page
from tests.warm import Warm

runner = CliRunner()
FACTS = Facts(url="https://example.org/lima", retrieved="2026-11-23T08:00:00Z")


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "lima.html"
    path.write_bytes(html_page("Lima", "Lima", "Capital of Peru, on the coast.", lang="es"))
    return path


def test_a_record_from_before_the_run_is_left_as_it_is(tmp_path: Path, page: Path) -> None:
    out = tmp_path / "records"
    first = list(ingest_to_dir([page], FACTS, out))
    assert [o.record_id for o in first if o.written] == ["lima"]
    edited = b'{"edited": "by a cataloger after the first ingest"}\n'
    (out / "lima.json").write_bytes(edited)

    again = list(ingest_to_dir([page], FACTS, out))

    assert len(again) == 1 and again[0].written is None
    assert "the record of another capture, and was left as it is" in str(again[0].error)
    assert str(out / "lima.json") in str(again[0].error)
    assert (out / "lima.json").read_bytes() == edited


def test_an_original_from_before_the_run_is_left_as_it_is(tmp_path: Path, page: Path) -> None:
    out = tmp_path / "records"
    (out / "originals").mkdir(parents=True)
    (out / "originals" / "lima.html").write_bytes(b"an older capture")

    outcomes = list(ingest_to_dir([page], FACTS, out, keep_original=True))

    assert "its original would overwrite" in str(outcomes[0].error)
    assert (out / "originals" / "lima.html").read_bytes() == b"an older capture"
    assert not (out / "lima.json").exists()


def test_a_new_record_is_added_beside_the_old_ones(tmp_path: Path, page: Path) -> None:
    out = tmp_path / "records"
    out.mkdir()
    (out / "older.json").write_bytes(b"{}")
    outcomes = list(ingest_to_dir([page], FACTS, out))
    assert [o.record_id for o in outcomes if o.written] == ["lima"]
    assert (out / "older.json").read_bytes() == b"{}"


def test_a_manifest_row_whose_record_exists_is_reported_by_row(tmp_path: Path, page: Path) -> None:
    out = tmp_path / "records"
    out.mkdir()
    (out / "lima.json").write_bytes(b"{}")
    manifest = write_manifest(tmp_path / "m.csv", [{"file": "lima.html", "url": "https://example.org/lima",
                                                    "retrieved": "2026-11-23"}])
    outcomes = list(ingest_manifest(manifest, out))
    assert str(outcomes[0].error).startswith(f"{manifest} row 2")
    assert "already there" in str(outcomes[0].error)
    assert (out / "lima.json").read_bytes() == b"{}"


def test_a_folder_another_run_holds_is_refused_naming_it(tmp_path: Path, page: Path) -> None:
    out = tmp_path / "records"
    with FolderLock(out):
        assert (out / LOCK).read_text().startswith(f"process {os.getpid()}")
        with pytest.raises(OutputRefused, match=f"in use by process {os.getpid()}"):
            list(ingest_to_dir([page], FACTS, out))
    assert not (out / "lima.json").exists()
    assert [o.record_id for o in ingest_to_dir([page], FACTS, out) if o.written] == ["lima"]
    assert not (out / LOCK).exists()


def test_the_folder_is_locked_while_records_are_written(tmp_path: Path, page: Path) -> None:
    out = tmp_path / "records"
    outcomes = ingest_to_dir([page, page], FACTS, out)
    next(outcomes)
    fd = os.open(out / LOCK, os.O_RDWR)
    try:
        with pytest.raises(BlockingIOError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)
    list(outcomes)
    assert not (out / LOCK).exists()


def test_a_run_that_writes_nothing_leaves_no_folder(tmp_path: Path) -> None:
    missing = tmp_path / "missing.html"
    out = tmp_path / "new" / "records"
    outcomes = list(ingest_to_dir([missing], FACTS, out))
    assert outcomes[0].error is not None
    assert not out.exists()


def test_a_file_given_as_the_folder_is_refused(tmp_path: Path, page: Path) -> None:
    out = tmp_path / "records"
    out.write_bytes(b"not a folder")
    with pytest.raises(OutputRefused, match="is a file: the output must be a folder"):
        list(ingest_to_dir([page], FACTS, out))
    assert out.read_bytes() == b"not a folder"


def test_the_same_capture_ingested_again_is_kept_not_rewritten(tmp_path: Path, page: Path) -> None:
    """Running an interrupted ingest again finishes it: what the first run wrote is kept, even if edited since."""
    out = tmp_path / "records"
    list(ingest_to_dir([page], FACTS, out))
    record = json.loads((out / "lima.json").read_bytes())
    record["title"] = "Lima (edited by a cataloger)"
    (out / "lima.json").write_text(json.dumps(record))
    edited = (out / "lima.json").read_bytes()

    again = list(ingest_to_dir([page], FACTS, out))

    assert [(o.existing, o.written, o.error) for o in again] == [(out / "lima.json", None, None)]
    assert (out / "lima.json").read_bytes() == edited


def test_another_capture_with_the_same_id_is_refused(tmp_path: Path, page: Path) -> None:
    out = tmp_path / "records"
    list(ingest_to_dir([page], FACTS, out))
    before = (out / "lima.json").read_bytes()
    page.write_bytes(html_page("Lima", "Lima", "A later version of the page.", lang="es"))

    again = list(ingest_to_dir([page], FACTS, out))

    assert "the record of another capture" in str(again[0].error)
    assert (out / "lima.json").read_bytes() == before


def test_cli_says_what_an_earlier_run_wrote_and_exits_zero(tmp_path: Path, page: Path) -> None:
    out = tmp_path / "records"
    args = ["ingest", str(page), "--url", "https://example.org/lima", "--retrieved", "2026-11-23", "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "0 records written, 0 failed, 1 already there from an earlier run (left as they are)" in result.stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_ingest_says_so_and_the_same_command_finishes_it(tmp_path: Path, archivist: Warm,
                                                                         signum: int) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for number in range(150):
        page = html_page(f"Page {number}", f"Page {number}", f"Text of page {number}, long enough to be kept.")
        canonical = f'<link rel="canonical" href="https://example.org/p{number}">'.encode()
        (pages / f"p{number:03d}.html").write_bytes(page.replace(b"</head>", canonical + b"</head>"))
    out = tmp_path / "records"
    args = ["ingest", *sorted(str(p) for p in pages.iterdir()), "--retrieved", "2026-11-23", "--out", str(out)]
    run = archivist.popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.json"))) < 20 and run.poll() is None:
        time.sleep(0.01)
    run.send_signal(signum)
    _, stderr = run.communicate(timeout=60)

    assert run.returncode == 128 + signum, stderr
    lines = stderr.strip().splitlines()
    assert lines[-2].startswith(f"stopped by {signal.Signals(signum).name} after ")
    assert lines[-1] == "To finish, run the same command again: the records already written are kept"
    assert "Traceback" not in stderr
    left = sorted(p.name for p in out.iterdir())
    assert left and all(name.endswith(".json") for name in left), left  # no lock, no partial file
    written = len(left)
    assert 0 < written < 150
    for path in out.iterdir():
        json.loads(path.read_bytes())  # every record written is whole

    again = archivist.run(args)
    assert again.returncode == 0, again.stderr
    assert f"{150 - written} records written, 0 failed, {written} already there" in again.stderr
    assert len(list(out.glob("*.json"))) == 150


def test_a_link_where_the_record_would_go_is_refused_and_not_followed(tmp_path: Path, page: Path) -> None:
    """A link in the folder may point outside it: it is not read, even to compare, and not replaced."""
    first = tmp_path / "first"
    list(ingest_to_dir([page], FACTS, first))
    outside = tmp_path / "outside.json"
    outside.write_bytes((first / "lima.json").read_bytes())  # the same capture's record, outside the folder
    out = tmp_path / "records"
    out.mkdir()
    (out / "lima.json").symlink_to(outside)

    outcomes = list(ingest_to_dir([page], FACTS, out))

    assert "the record of another capture, and was left as it is" in str(outcomes[0].error)
    assert (out / "lima.json").is_symlink() and outside.read_bytes() == (first / "lima.json").read_bytes()

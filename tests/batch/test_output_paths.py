"""Outputs never land on inputs (checked before anything is written), the output folder is used only when the
user means it (new, empty, --add or --resume), and one run at a time holds it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from archivist._paths import PathConflict, check_outputs
from archivist.batch import BatchOptions, run_batch
from archivist.batch._outdir import LOCK, OutputFolder, OutputRefused
from archivist.cli import app
from tests import warm
from tests.conftest import write_json

runner = CliRunner()


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def inputs(tmp_path: Path, seed: dict[str, Any]) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    write_json(folder / "a.json", dict(seed, id="a"))
    write_json(folder / "sub" / "b.json", dict(seed, id="b"))
    (folder / "c.jsonl").write_text(json.dumps(dict(seed, id="c")) + "\n", encoding="utf-8")
    return folder


def _export(*args: str) -> Any:
    return runner.invoke(app, ["export", *args])  # the summary, on stderr, is part of result.output


@pytest.mark.parametrize("where", ["a.json", "c.jsonl", "sub/b.json", "new-errors.jsonl", "sub/new.jsonl"])
def test_an_errors_file_that_is_or_lies_in_an_input_is_refused(inputs: Path, tmp_path: Path, where: str) -> None:
    before = snapshot(inputs)
    result = _export(str(inputs), "--to", "oai_dc", "--out", str(tmp_path / "out"), "--errors", str(inputs / where))
    assert result.exit_code == 2, result.output
    assert "the input" in result.output and "Traceback" not in result.output
    assert snapshot(inputs) == before and not (tmp_path / "out").exists()


def test_an_errors_file_naming_an_input_record_given_as_a_file_is_refused(inputs: Path, tmp_path: Path) -> None:
    record = inputs / "a.json"
    before = record.read_bytes()
    result = _export(str(record), "--to", "oai_dc", "--out", str(tmp_path / "out"), "--errors", str(record))
    assert result.exit_code == 2 and "is the input" in result.output
    assert record.read_bytes() == before


def test_the_same_file_by_another_name_is_the_same_file(inputs: Path, tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(inputs)
    os.link(inputs / "a.json", tmp_path / "hard.json")
    for errors in (tmp_path / "link" / "a.json", tmp_path / "hard.json", tmp_path / "link" / "sub" / ".." / "a.json"):
        with pytest.raises(PathConflict):
            check_outputs([inputs / "a.json"], {"the errors file": errors})


@pytest.mark.parametrize("where", [".", "sub", "exports", "sub/deeper/out"])
def test_an_output_folder_equal_to_or_inside_an_input_is_refused(inputs: Path, where: str) -> None:
    before = snapshot(inputs)
    for to in ("oai_dc", "all,oai-static,bagit"):
        result = _export(str(inputs), "--to", to, "--out", str(inputs / where))
        assert result.exit_code == 2, result.output
        assert "the input" in result.output and "Traceback" not in result.output
    assert snapshot(inputs) == before


def test_an_output_folder_that_contains_an_input_is_refused(inputs: Path) -> None:
    result = _export(str(inputs / "sub" / "b.json"), "--to", "oai_dc", "--out", str(inputs), "--add")
    assert result.exit_code == 2 and "contains the input" in result.output


def test_an_output_folder_reached_through_a_symlink_is_still_inside(inputs: Path, tmp_path: Path) -> None:
    (tmp_path / "alias").symlink_to(inputs / "sub")
    result = _export(str(inputs), "--to", "bagit", "--out", str(tmp_path / "alias" / "bag"))
    assert result.exit_code == 2 and "lies inside the input" in result.output
    assert not (inputs / "sub" / "bag").exists()


def test_a_collection_file_inside_the_input_is_refused(inputs: Path) -> None:
    result = runner.invoke(app, ["export", str(inputs), "--to", "epub", "--collection", "All",
                                 "--out", str(inputs)])
    assert result.exit_code == 2 and "the input" in result.output
    assert not (inputs / "collection.epub").exists()


def test_ingest_o_naming_the_capture_is_refused(tmp_path: Path) -> None:
    capture = tmp_path / "page.txt"
    capture.write_text("A title\n\nSome text.\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(capture), "--retrieved", "2026-11-24", "-o", str(capture)])
    assert result.exit_code == 2 and "is an existing file" in result.output  # -o names a folder
    assert capture.read_text(encoding="utf-8") == "A title\n\nSome text.\n"


def test_outputs_apart_from_the_inputs_are_fine(inputs: Path, tmp_path: Path) -> None:
    check_outputs([inputs, "-"], {"the output folder": tmp_path / "out", "the errors file": tmp_path / "e.jsonl",
                                  "standard output": "-", "none": None})
    result = _export(str(inputs), "--to", "oai_dc", "--out", str(tmp_path / "out"), "--errors",
                     str(tmp_path / "e.jsonl"))
    assert result.exit_code == 0, result.output


def test_a_non_empty_output_folder_is_refused_unless_asked(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"mine")
    result = _export(str(inputs), "--to", "oai_dc", "--out", str(out))
    assert result.exit_code == 2 and "is not empty (thesis.docx)" in result.output and "--add" in result.output
    assert [p.name for p in out.iterdir()] == ["thesis.docx"]
    result = _export(str(inputs), "--to", "oai_dc", "--out", str(out), "--resume")
    assert result.exit_code == 2 and "nothing to resume" in result.output
    result = _export(str(inputs), "--to", "oai_dc", "--out", str(out), "--add")
    assert result.exit_code == 0, result.output
    assert (out / "thesis.docx").read_bytes() == b"mine" and (out / "a.oai_dc.xml").is_file()
    again = _export(str(inputs), "--to", "oai_dc", "--out", str(out), "--resume")
    assert again.exit_code == 0 and "3 already current" in again.output


def test_an_output_that_is_a_file_is_refused(inputs: Path, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_bytes(b"x")
    result = _export(str(inputs), "--to", "oai_dc", "--out", str(target), "--add")
    assert result.exit_code == 2 and "is an existing file" in result.output and target.read_bytes() == b"x"


def test_an_errors_file_that_is_a_folder_is_refused_before_the_work(inputs: Path, tmp_path: Path) -> None:
    (tmp_path / "errs").mkdir()
    result = _export(str(inputs), "--to", "oai_dc", "--out", str(tmp_path / "out"), "--errors", str(tmp_path / "errs"))
    assert result.exit_code == 2 and "is a folder" in result.output and not (tmp_path / "out").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="advisory locks")
def test_a_second_run_into_the_same_folder_is_refused_naming_the_holder(inputs: Path, tmp_path: Path,
                                                                         seed: dict[str, Any]) -> None:
    lines = [json.dumps(dict(seed, id=f"r{n:04d}")) + "\n" for n in range(300)]
    big = tmp_path / "big.jsonl"
    big.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    args = ["export", "--to", "epub,oai_dc", "--out", str(out)]
    # The first run reads stdin, which stays open until the second run is over: it holds the folder all that time.
    first = warm.shared().popen([*args, "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
    assert first.stdin is not None
    first.stdin.write("".join(lines[:150]))
    first.stdin.flush()
    deadline = time.monotonic() + 60
    while not ((out / LOCK).exists() and (out / LOCK).stat().st_size) and time.monotonic() < deadline:
        time.sleep(0.01)  # the first run holds the lock (it writes who it is once it has it)
    second = warm.shared().run([*args, str(big), "--resume"])
    first.stdin.write("".join(lines[150:]))
    _stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert second.returncode == 2, second.stderr
    assert f"in use by process {first.pid}" in second.stderr and "Traceback" not in second.stderr
    assert "300 records read: 300 exported" in " ".join(stderr.split())
    assert not (out / LOCK).exists() and not [p for p in out.iterdir() if p.name.endswith(".part")]
    assert len(list(out.glob("*.epub"))) == 300


def test_the_lock_is_released_and_taken_again(tmp_path: Path) -> None:
    with OutputFolder(tmp_path / "out"):
        assert (tmp_path / "out" / LOCK).is_file()
        with pytest.raises(OutputRefused, match="in use by process"):
            OutputFolder(tmp_path / "out").__enter__()
    assert not (tmp_path / "out" / LOCK).exists()
    with OutputFolder(tmp_path / "out"):
        pass


def test_a_stale_lock_of_a_killed_run_does_not_block(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK).write_text("process 1 on elsewhere (archivist export)\n")
    assert run_batch([inputs], out, BatchOptions(formats=["oai_dc"])).exported == 3
    assert not (out / LOCK).exists()

"""The batch engine: every failure reported with its place, same output for any --jobs, resume after kill -9."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from archivist.batch import BatchOptions, run_batch
from archivist.batch._engine import _pack, _unpack
from archivist.cli import app
from archivist.exporters import Exporter, register, unregister
from archivist.records import Entry
from tests import warm

runner = CliRunner()


def _drawn(primary: int) -> bytes:
    """Everything written to a pseudo-terminal until the process on its other side has ended."""
    drawn = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed when the process ended
            break
        if not chunk:
            break
        drawn += chunk
    return drawn


def make_batch(path: Path, seed: dict[str, Any], count: int) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for n in range(count):
            record = dict(seed, id=f"r{n:05d}", title=f"{seed['title']} {n}")
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def tree(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file() and not p.name.startswith(".archivist-journal")}


def test_every_failure_is_reported_with_its_place_and_the_rest_exported(tmp_path: Path, seed: dict[str, Any]) -> None:
    batch = tmp_path / "batch.jsonl"
    lines = [json.dumps(dict(seed, id="good-1")),
             json.dumps(dict(seed, id="bad-1", language=7, title="")),
             "{not json",
             json.dumps(dict(seed, id="good-1", title="same id again")),
             json.dumps(dict(seed, id="good-2"))]
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = tmp_path / "errors.jsonl"
    result = runner.invoke(app, ["export", str(batch), "--to", "oai_dc", "--out", str(tmp_path / "out"),
                                 "--errors", str(errors)])
    assert result.exit_code == 1
    assert "5 records read: 2 exported, 3 failed" in " ".join(result.output.split())
    failures = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert [(f["id"], f["line"]) for f in failures] == [("bad-1", 2), (None, 3), ("good-1", 4)]
    assert {e["pointer"] for e in failures[0]["errors"]} == {"/language", "/title"}
    assert failures[1]["errors"][0]["kind"] == "json" and failures[2]["errors"][0]["kind"] == "duplicate-id"
    assert all(f["file"] == str(batch) for f in failures)
    assert sorted(p.name for p in (tmp_path / "out").glob("*.xml")) == ["good-1.oai_dc.xml", "good-2.oai_dc.xml"]
    first = (tmp_path / "out" / "good-1.oai_dc.xml").read_text(encoding="utf-8")
    assert "same id again" not in first


def test_output_is_the_same_for_any_number_of_jobs(tmp_path: Path, seed: dict[str, Any]) -> None:
    batch = make_batch(tmp_path / "b.jsonl", seed, 120)
    lines = batch.read_text(encoding="utf-8").splitlines()
    lines[30] = lines[30][:50]  # cut short
    lines[70] = json.dumps(dict(seed, id="r00070", language="not a tag"))
    lines[100] = lines[5]  # a duplicate id
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for jobs in (1, 2, 3, 0):
        result = runner.invoke(app, ["export", str(batch), "--to", "all,oai-static,dspace-saf", "--jobs", str(jobs),
                                     "--out", str(tmp_path / f"out{jobs}"), "--errors", str(tmp_path / f"errors{jobs}"),
                                     "--quiet"])
        assert result.exit_code == 1, result.output
    assert tree(tmp_path / "out1") == tree(tmp_path / "out2") == tree(tmp_path / "out3") == tree(tmp_path / "out0")
    assert len(tree(tmp_path / "out1")) > 117 * 5
    errors = {(tmp_path / f"errors{jobs}").read_text(encoding="utf-8") for jobs in (1, 2, 3, 0)}
    assert len(errors) == 1 and [json.loads(line)["line"] for line in errors.pop().splitlines()] == [31, 71, 101]


def test_with_jobs_this_process_exports_too_when_the_workers_are_busy(tmp_path: Path, seed: dict[str, Any],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import archivist.batch._engine as batch_module

    here = os.getpid()
    inline = []
    record_job = batch_module.record_job

    def counted(*args: Any) -> Any:
        if os.getpid() == here:
            inline.append(1)
        return record_job(*args)

    monkeypatch.setattr(batch_module, "record_job", counted)
    report = run_batch([make_batch(tmp_path / "b.jsonl", seed, 400)], tmp_path / "out",
                       BatchOptions(formats=["oai_dc", "epub"], jobs=2))
    assert report.exported == 400
    assert 0 < len(inline) < 400  # one worker process did the rest


def test_dry_run_writes_nothing(tmp_path: Path, seed: dict[str, Any]) -> None:
    batch = make_batch(tmp_path / "b.jsonl", seed, 3)
    result = runner.invoke(app, ["export", str(batch), "--dry-run", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0 and "3 records read: 3 valid (not exported)" in result.output
    assert "dry run" in result.output and "exported" not in result.output.replace("not exported", "")
    assert not (tmp_path / "out").exists()


def test_resume_skips_current_records_and_redoes_changed_ones(tmp_path: Path, seed: dict[str, Any]) -> None:
    batch = make_batch(tmp_path / "b.jsonl", seed, 6)
    out = tmp_path / "out"
    options = BatchOptions(formats=["oai_dc", "jsonld"], resume=True)
    assert run_batch([batch], out, options).exported == 6
    again = run_batch([batch], out, options)
    assert (again.exported, again.current) == (0, 6)
    lines = batch.read_text(encoding="utf-8").splitlines()
    lines[2] = json.dumps(dict(json.loads(lines[2]), title="Changed"))
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "r00004.jsonld").write_text("tampered", encoding="utf-8")
    third = run_batch([batch], out, options)
    assert (third.exported, third.current) == (2, 4)
    assert "Changed" in (out / "r00002.oai_dc.xml").read_text(encoding="utf-8")
    assert json.loads((out / "r00004.jsonld").read_text(encoding="utf-8"))["@id"]


def test_an_exporter_crash_fails_that_record_only(tmp_path: Path, seed: dict[str, Any]) -> None:
    def explode(record: dict[str, Any]) -> bytes:
        if record["id"] == "r00001":
            raise RuntimeError("boom")
        return b"ok"
    register(Exporter("explosive", ".x", "text/plain", "test", explode))
    try:
        report = run_batch([make_batch(tmp_path / "b.jsonl", seed, 3)], tmp_path / "out",
                           BatchOptions(formats=["explosive"], errors=tmp_path / "e.jsonl"))
    finally:
        unregister("explosive")
    assert (report.exported, report.failed) == (2, 1)
    (failure,) = [json.loads(x) for x in (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()]
    assert failure["id"] == "r00001" and "boom" in failure["errors"][0]["message"]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.x")) == ["r00000.x", "r00002.x"]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_resume_after_kill_9(tmp_path: Path, seed: dict[str, Any]) -> None:
    batch = make_batch(tmp_path / "b.jsonl", seed, 300)
    out = tmp_path / "out"
    args = ["export", str(batch), "--to", "epub,oai_dc,marcxml", "--out", str(out), "--quiet"]
    process = warm.shared().popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = out / ".archivist-journal.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if journal.exists() and journal.read_bytes().count(b"\n") >= 40:
            break
        time.sleep(0.01)
    assert process.poll() is None, "the batch finished before it could be killed: make it bigger"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done_before = journal.read_bytes().count(b"\n")
    assert 40 <= done_before < 300
    result = warm.shared().run([*args[:-1], "--resume"])  # not --quiet
    assert result.returncode == 0, result.stderr + result.stdout
    summary = " ".join(result.stderr.split())
    assert "300 records read" in summary and "already current (resumed)" in summary
    current = int(summary.split(" already current")[0].rsplit(" ", 1)[-1])
    assert current >= done_before
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]
    clean = tmp_path / "clean"
    subprocess.run([sys.executable, "-m", "archivist", *args[:-3], "--out", str(clean), "--quiet"], check=True,
                   capture_output=True)  # a fresh interpreter (its own hash seed) for the reference
    assert tree(out) == tree(clean) and len(tree(out)) == 900
    entries = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    assert len(entries) == len({e["id"] for e in entries}) == 300


def test_a_missing_path_writes_nothing_and_keeps_the_journal(tmp_path: Path, seed: dict[str, Any]) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", str(tmp_path / "absent.jsonl"), "--out", str(out)])
    assert result.exit_code == 2 and "absent.jsonl" in result.output and not out.exists()
    batch = make_batch(tmp_path / "b.jsonl", seed, 2)
    assert run_batch([batch], out, BatchOptions(formats=["oai_dc"])).exported == 2
    journal = (out / ".archivist-journal.jsonl").read_bytes()
    assert runner.invoke(app, ["export", str(batch), str(tmp_path / "typo"), "--to", "oai_dc",
                               "--out", str(out)]).exit_code == 2
    assert (out / ".archivist-journal.jsonl").read_bytes() == journal


def test_partial_files_of_an_interrupted_run_are_swept(tmp_path: Path, seed: dict[str, Any]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".r00000.oai_dc.xml.abc123.part").write_bytes(b"<half")
    (out / "keep.part").write_bytes(b"not ours: no leading dot")
    run_batch([make_batch(tmp_path / "b.jsonl", seed, 1)], out, BatchOptions(formats=["oai_dc"], add=True))
    assert sorted(p.name for p in out.iterdir()) == [".archivist-journal.jsonl", "keep.part", "r00000.oai_dc.xml"]


def test_progress_count_matches_the_records(tmp_path: Path, seed: dict[str, Any]) -> None:
    from archivist.batch._progress import count_records

    make_batch(tmp_path / "b.jsonl", seed, 5)
    (tmp_path / "one.json").write_text(json.dumps(seed), encoding="utf-8")
    (tmp_path / ".hidden.json").write_text("{}", encoding="utf-8")
    assert count_records([str(tmp_path)]) == 6
    assert count_records(["-"]) is None and count_records([str(tmp_path / "absent")]) is None


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminal")
@pytest.mark.parametrize("quiet", [False, True])
def test_progress_bar_is_drawn_on_a_terminal_only(tmp_path: Path, seed: dict[str, Any], quiet: bool) -> None:
    import pty

    batch = make_batch(tmp_path / "b.jsonl", seed, 150)
    primary, secondary = pty.openpty()
    args = ["export", str(batch), "--to", "epub", "--out", str(tmp_path / "out")]
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    process = warm.shared().popen(args + (["--quiet"] if quiet else []), stdout=subprocess.PIPE, stderr=secondary,
                                  env=env)
    os.close(secondary)
    drawn = _drawn(primary)
    stdout, _ = process.communicate(timeout=120)
    os.close(primary)
    assert process.returncode == 0
    text = drawn.decode("utf-8", "replace")
    assert stdout == b"" and ("150 records read: 150 exported" in " ".join(text.split())) is not quiet
    if quiet:
        assert "records/s" not in text and "exporting" not in text
    else:
        assert "exporting" in text and "150/150" in text and "records/s" in text


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path, seed: dict[str, Any]) -> None:
    batch = make_batch(tmp_path / "b.jsonl", seed, 20)
    result = warm.shared().run(["export", str(batch), "--to", "oai_dc", "--out", str(tmp_path / "out")],
                               env={**os.environ, "TERM": "xterm"})
    assert result.returncode == 0
    assert "records/s" not in result.stderr and "exporting" not in result.stderr


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3), max_leaves=20)


@settings(max_examples=300)
@given(st.dictionaries(st.text(), _json_values, max_size=5), st.none() | st.integers(1, 10**6))
def test_a_record_reaches_a_worker_exactly_as_it_was_read(data: dict[str, Any], line: int | None) -> None:
    entry = Entry("batch.jsonl", line, data)
    received = _unpack(pickle.loads(pickle.dumps(_pack(entry))))
    assert received == entry
    assert json.dumps(received.data, sort_keys=True) == json.dumps(data, sort_keys=True)  # 1 stays 1, 1.0 stays 1.0


def _screen(raw: str, width: int) -> list[str]:
    """What a terminal shows after ``raw``: enough of VT100 for rich's live display (CR, LF, cursor up, erase)."""
    import re

    rows: list[list[str]] = [[]]
    row = col = 0
    for token in re.findall(r"\x1b\[[0-9;?]*[A-Za-z]|\r|\n|[^\x1b\r\n]", raw):
        if token == "\r":
            col = 0
        elif token == "\n":
            row, col = row + 1, 0
        elif token.startswith("\x1b["):
            number = int(re.sub(r"\D", "", token[2:-1]) or 1) if token[-1] in "ABG" else 0
            if token[-1] == "A":
                row = max(row - number, 0)
            elif token[-1] == "G":
                col = number - 1
            elif token[-1] == "K":  # erase to the end of the line, or (2K) the whole line
                del rows[row][0 if token == "\x1b[2K" else col:]
            continue
        else:
            if col >= width:
                row, col = row + 1, 0
            while len(rows) <= row:  # a line that wrapped past the last row (a long path in the summary)
                rows.append([])
            while len(rows[row]) < col:
                rows[row].append(" ")
            rows[row][col:col + 1] = [token]
            col += 1
        while len(rows) <= row:
            rows.append([])
    return ["".join(r).rstrip() for r in rows]


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminal")
def test_problems_are_printed_above_the_live_bar_which_is_cleared_at_the_end(tmp_path: Path,
                                                                            seed: dict[str, Any]) -> None:
    import pty

    batch = make_batch(tmp_path / "b.jsonl", seed, 150)
    lines = batch.read_text(encoding="utf-8").splitlines()
    for n in (20, 75, 140):
        lines[n] = json.dumps(dict(seed, id=f"bad{n}", language="not a tag"))
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    primary, secondary = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "320"}  # no line wraps, even with the longer tmp paths of xdist
    env.pop("NO_COLOR", None)
    process = warm.shared().popen(["export", str(batch), "--to", "epub,oai_dc", "--jobs", "2", "--out",
                                   str(tmp_path / "out")], stdout=subprocess.PIPE, stderr=secondary, env=env)
    os.close(secondary)
    drawn = _drawn(primary)
    stdout, _ = process.communicate(timeout=120)
    os.close(primary)
    assert process.returncode == 1
    raw = drawn.decode("utf-8", "replace")
    assert "exporting" in raw  # the bar was drawn while the batch ran
    screen = [line for line in _screen(raw, 320) if line]
    assert "150 records read: 147 exported, 3 failed" in screen.pop(), screen  # the summary, last
    assert [line.split(":")[1] for line in screen] == ["21", "76", "141"], screen  # each problem on its own line
    assert all("/language: 'not a tag' is not a BCP 47 language tag" in line for line in screen)
    assert not [line for line in screen if "exporting" in line or "records/s" in line]  # no bar left behind
    assert stdout == b""  # messages and the summary go to stderr


def test_the_rate_is_shown_only_after_a_warm_up() -> None:
    from rich.progress import Progress

    from archivist.batch._progress import WARM_UP, _Rate

    now = [0.0]
    rate = _Rate()
    progress = Progress(rate, get_time=lambda: now[0], auto_refresh=False, disable=True)
    task = progress.add_task("export", total=10_000)
    now[0] = 0.5
    progress.advance(task, 5000)  # a first burst (records already current, say): 10,000 records/s
    assert str(rate.render(progress.tasks[0])).startswith("– records/s")
    now[0] = WARM_UP + 0.5
    assert str(rate.render(progress.tasks[0])).startswith("– records/s")  # the rate is measured from here
    now[0] = WARM_UP + 2.5
    progress.advance(task, 200)
    assert str(rate.render(progress.tasks[0])) == "100 records/s  ETA 0:00:48"

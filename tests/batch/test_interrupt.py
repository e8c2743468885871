"""Interruptions of a batch: Ctrl-C, SIGTERM and SIGKILL at any moment, damaged journals, records no worker can
take. Every interrupted run leaves no partial file and no process behind, and ``--resume`` then gives a tree
byte-identical to a clean run's, package files included.

The reference run is a fresh ``python -m archivist``; the interrupted and resumed runs are forked from a warm one
(tests/warm.py: the same program without a second of interpreter start-up each, so a kill lands in the work)."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import archivist.batch._engine as batch_module
from archivist.batch import BatchOptions, run_batch
from archivist.batch._outdir import LOCK
from archivist.cli import app
from tests.conftest import SEED, SEED_CAPTURE
from tests.packages.strict_bag import strict_bag_problems
from tests.warm import Warm

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals, /proc")
runner = CliRunner()
TO = "all,oai-static,dspace-saf,bagit"
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
BAD = 4  # bad records in the batch built below


def deep(levels: int) -> str:
    """A record nested ``levels`` deep: valid JSON, invalid record."""
    return '{"id": "deep", "title": ' + '{"a": [' * levels + "1" + "]}" * levels + "}"


def build(folder: Path, seed: dict[str, Any], count: int) -> Path:
    """``count`` good records (each with its original capture) and BAD bad ones, in a folder."""
    (folder / "originals").mkdir(parents=True)
    shutil.copy(SEED_CAPTURE, folder / "originals" / SEED_CAPTURE.name)
    lines = [json.dumps(dict(seed, id=f"r{n:04d}", title=f"{seed['title']} {n}")) for n in range(count)]
    lines[count // 5] = deep(400)
    lines[count // 3] = '{"id": "cut-short", "title": '
    lines[count // 2] = json.dumps(dict(seed, id="bad-link", rights={"uri": "javascript:alert(1)"}))
    lines[count - 2] = deep(100_000)
    (folder / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def command(records: Path, out: Path, errors: Path, *extra: str) -> list[str]:
    """The arguments after ``archivist``."""
    return ["export", str(records), "--to", TO, "--jobs", "2", "--out", str(out), "--errors", str(errors), "--quiet",
            *extra]


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def members(group: int) -> list[int]:
    """The live (not zombie) processes of a process group."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                found.append(int(entry))
    return found


def wait_gone(group: int, seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while members(group) and time.monotonic() < deadline:
        time.sleep(0.02)
    return members(group)


def partials(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".part")] if folder.exists() else []


def wait_for_progress(out: Path, process: Any, files: int = 40) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if out.exists() and sum(1 for _ in (out / "data").glob("*.epub")) >= files:
            return
        time.sleep(0.01)
    raise AssertionError("the batch finished (or hung) before it could be interrupted")


def clean_run(records: Path, base: Path) -> tuple[Path, dict[str, str], bytes]:
    """An uninterrupted run by a fresh ``python -m archivist``: the records, its tree and its errors file."""
    args = command(records, base / "clean", base / "errors.jsonl")
    result = subprocess.run([sys.executable, "-m", "archivist", *args], env=ENV, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 1, result.stderr
    assert strict_bag_problems(base / "clean") == []
    return records, tree(base / "clean"), (base / "errors.jsonl").read_bytes()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], bytes]:
    """200 records (enough for a signal to land mid-batch), the tree of an uninterrupted run and its errors file."""
    base = tmp_path_factory.mktemp("reference")
    return clean_run(build(base / "in", json.loads(SEED.read_text(encoding="utf-8")), 200), base)


def _finish(archivist: Warm, out: Path, errors: Path, reference: tuple[Path, dict[str, str], bytes]) -> None:
    result = archivist.run(command(reference[0], out, errors, "--resume"), env=ENV)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert tree(out) == reference[1]
    assert errors.read_bytes() == reference[2]


@pytest.mark.parametrize(("signum", "whom", "code"), [(signal.SIGINT, "group", 130), (signal.SIGTERM, "main", 143)])
def test_ctrl_c_or_sigterm_stops_cleanly_and_says_how_to_resume(tmp_path: Path, reference: Any, archivist: Warm,
                                                                 signum: int, whom: str, code: int) -> None:
    records = reference[0]
    out, errors = tmp_path / "out", tmp_path / "errors.jsonl"
    process = archivist.popen(command(records, out, errors), env=ENV, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    wait_for_progress(out, process)
    if whom == "group":  # what Ctrl-C in a terminal does
        os.killpg(process.pid, signum)
    else:  # what `kill PID` does: the workers are not told
        os.kill(process.pid, signum)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert "Traceback" not in stderr + stdout
    assert f"stopped by {signal.Signals(signum).name} after" in stderr
    assert wait_gone(process.pid) == [], "worker processes outlived the batch"
    assert partials(out) == [] and not (out / LOCK).exists() and not (out / "bagit.txt").exists()
    assert not errors.exists()  # no half-written errors file either
    resume = stderr.split("To finish, run: ", 1)[1].strip()
    args = shlex.split(resume)
    assert args[0] == "archivist" and args[-1] == "--resume" and args[1:-1] == command(records, out, errors)
    _finish(archivist, out, errors, reference)


def test_sigkill_of_the_main_process_takes_the_workers_and_their_temporaries(tmp_path: Path, reference: Any,
                                                                             archivist: Warm) -> None:
    records = reference[0]
    out, errors = tmp_path / "out", tmp_path / "errors.jsonl"
    process = archivist.popen(command(records, out, errors), env=ENV, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    wait_for_progress(out, process)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert wait_gone(process.pid) == [], "worker processes outlived the batch"
    left = [p.name for p in partials(out)]
    assert all(f".{process.pid}-" in name or name.startswith((".dspace-saf", ".oai-static")) for name in left), left
    _finish(archivist, out, errors, reference)


#: The moments the slow test kills a run at, one cycle each: while it starts (before any record is written), while
#: it writes records (twice), the moment the packages are finished, while the bag is written, after the bag is
#: complete (the run ending), and twice during a --resume over a finished bag.
MOMENTS = ("start", "records", "records", "packages", "bag", "ending", "resume", "resume")


def _phases(out: Path) -> dict[str, bool]:
    """Which phases a run writing ``out`` has reached, from the files it has written so far."""
    data = out / "data"
    names = os.listdir(data) if data.is_dir() else []
    top = os.listdir(out) if out.is_dir() else []
    return {"records": any(name.endswith(".epub") for name in names),
            "packages": any(name.startswith((".oai-static.xml.", "oai-static.xml")) for name in names),
            "bag": any(name.startswith((".bagit.txt.", "bagit.txt")) for name in top),
            "ending": "tagmanifest-sha512.txt" in top}


def _watch(process: Any, out: Path, until: str | None = None, seconds: float = 120) -> dict[str, float]:
    """The seconds after which the run ``process`` (writing ``out``) reached each phase, watched every few
    milliseconds until it ends or reaches phase ``until``."""
    began, reached = time.monotonic(), {}
    for look in range(int(seconds / 0.002)):
        if look % 20 == 0 and process.poll() is not None:  # asking is dearer than looking: every 20th look
            break
        for phase, there in _phases(out).items():
            if there:
                reached.setdefault(phase, time.monotonic() - began)
        if until in reached:
            break
        time.sleep(0.002)
    return reached


@pytest.mark.slow
def test_kill_9_at_random_moments_then_resume_gives_the_clean_tree(tmp_path: Path, archivist: Warm) -> None:
    """The 'resume is exact' check: SIGKILL at random moments (the seed is printed), then --resume, compared with
    a clean run every cycle. Each cycle kills at one of MOMENTS, found by watching the output folder (a random
    delay into that phase, as long as the phase took in a timed uninterrupted run), so start, records, packages,
    bag and the ending are all hit, and --resume over a finished bag too. ARCHIVIST_KILL_CYCLES sets the number of
    cycles (default: one per moment; more go round MOMENTS again), ARCHIVIST_KILL_SEED the seed."""
    records, _, _ = reference = clean_run(build(tmp_path / "in", json.loads(SEED.read_text(encoding="utf-8")), 40),
                                          tmp_path)
    out, errors = tmp_path / "out", tmp_path / "errors.jsonl"
    started = time.monotonic()
    timed = archivist.popen(command(records, out, errors), env=ENV, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    reached = _watch(timed, out)
    assert timed.wait() == 1
    took = time.monotonic() - started
    assert list(reached) == ["records", "packages", "bag", "ending"], reached  # the phases, in this order
    assert tree(out) == reference[1] and errors.read_bytes() == reference[2]  # a warm uninterrupted run: the same
    lasted = {"start": reached["records"], "records": reached["packages"] - reached["records"],
              "packages": 0.01, "bag": reached["ending"] - reached["bag"], "ending": took - reached["ending"],
              "resume": took}
    cycles = int(os.environ.get("ARCHIVIST_KILL_CYCLES", str(len(MOMENTS))))
    seed = int(os.environ.get("ARCHIVIST_KILL_SEED", str(random.SystemRandom().randrange(10**6))))
    print(f"kill/resume: {cycles} cycles, seed {seed}, uninterrupted run {took:.2f}s, phases {reached}")
    chance = random.Random(seed)
    moments = [(MOMENTS[k % len(MOMENTS)], chance.random()) for k in range(cycles)]
    chance.shuffle(moments)
    for cycle, (moment, fraction) in enumerate(moments):
        again = moment == "resume"
        if not again:
            shutil.rmtree(out, ignore_errors=True)
        process = archivist.popen(command(records, out, errors, *(["--resume"] if again else [])), env=ENV,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        if moment not in ("start", "resume"):
            _watch(process, out, until=moment)
        time.sleep(fraction * lasted[moment])
        process.send_signal(signal.SIGKILL)
        process.wait()
        where = f"cycle {cycle}, killed {fraction * lasted[moment]:.3f}s into {moment} (seed {seed})"
        assert wait_gone(process.pid) == [], f"{where}: workers outlived the batch"
        try:
            _finish(archivist, out, errors, reference)
        except AssertionError as exc:
            raise AssertionError(f"{where}: {exc}") from None


def test_a_damaged_journal_line_means_that_record_is_exported_again(tmp_path: Path, seed: dict[str, Any]) -> None:
    batch = tmp_path / "b.jsonl"
    batch.write_text("".join(json.dumps(dict(seed, id=f"r{n:02d}")) + "\n" for n in range(20)), encoding="utf-8")
    out, clean = tmp_path / "out", tmp_path / "clean"
    options = BatchOptions(formats=["oai_dc", "jsonld"], resume=True)
    run_batch([batch], clean, options)
    run_batch([batch], out, options)
    journal = out / ".archivist-journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    outputs = json.loads(lines[9])["outputs"]
    lines[1] = lines[1][:40] + b"\n"  # cut short
    lines[3] = lines[3].replace(b'"outputs":{', b'"outputs":{"x":"not a pair",', 1)  # wrong shape
    lines[5] = b"\xff\xfe not even text\n"
    lines[7] = lines[7].replace(b'"record":"', b'"record":7,"was":"', 1)  # wrong type
    lines[9] = json.dumps({"id": "r09", "record": json.loads(lines[9])["record"],
                           "outputs": {k: ["../../../../etc/hostname", v[1]] for k, v in outputs.items()}}
                          ).encode() + b"\n"  # a path out of the folder
    lines[11] = b"[1, 2, 3]\n"
    lines[13] = b'{"id": "r13"}\n'
    journal.write_bytes(b"".join(lines) + b'{"id": "r19", "rec')  # and a last line cut short by a kill
    warnings: list[str] = []
    report = run_batch([batch], out, options, on_warning=warnings.append)
    assert (report.exported, report.current, report.failed) == (7, 13, 0)
    assert [w.split(" line ", 1)[1].split(" ", 1)[0] for w in warnings] == ["2", "4", "6", "8", "10", "12", "14",
                                                                           "21"]
    assert all("exported again" in w for w in warnings)
    assert tree(out) == tree(clean)
    result = runner.invoke(app, ["export", str(batch), "--to", "oai_dc,jsonld", "--out", str(out), "--resume"])
    assert result.exit_code == 0 and "20 already current" in result.output and "warning" not in result.output
    journal.write_bytes(journal.read_bytes().replace(b'"id":"r03"', b'"id":3', 1))
    result = runner.invoke(app, ["export", str(batch), "--to", "oai_dc,jsonld", "--out", str(out), "--resume"])
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert "warning:" in result.output and "line 4 is damaged" in result.output and "1 exported" in result.output


@pytest.mark.parametrize("levels", [300, 600, 100_000])
def test_a_deeply_nested_record_fails_alone_and_the_batch_finishes(tmp_path: Path, seed: dict[str, Any],
                                                                   archivist: Warm, levels: int) -> None:
    batch = tmp_path / "b.jsonl"
    lines = [json.dumps(dict(seed, id=f"r{n:03d}")) for n in range(60)]
    lines[30] = deep(levels)
    lines[31] = json.dumps(dict(seed, id="r031", notes=[{"a": [[[[[[[[[["x"]]]]]]]]]]}]))  # deep, but not too
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = archivist.run(["export", str(batch), "--to", "oai_dc,epub", "--jobs", "2", "--out", str(tmp_path / "out"),
                            "--errors", str(tmp_path / "e.jsonl")], timeout=120)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout and "RecursionError" not in result.stderr
    assert "60 records read: 58 exported, 2 failed" in " ".join(result.stderr.split())
    failures = [json.loads(line) for line in (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [f["line"] for f in failures] == [31, 32]
    assert "nested" in failures[0]["errors"][0]["message"]
    assert failures[1]["errors"][0]["pointer"].startswith("/notes/0")


def test_a_record_that_cannot_reach_a_worker_is_handled_here(tmp_path: Path, seed: dict[str, Any],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    batch = tmp_path / "b.jsonl"
    batch.write_text("".join(json.dumps(dict(seed, id=f"r{n:03d}")) + "\n" for n in range(40)), encoding="utf-8")
    pack = batch_module._pack

    def unpicklable(entry: Any) -> Any:  # as a record pickle cannot copy would be
        return (lambda: None) if entry.line == 5 else pack(entry)

    monkeypatch.setattr(batch_module, "_pack", unpicklable)
    report = run_batch([batch], tmp_path / "out", BatchOptions(formats=["oai_dc"], jobs=2))
    assert (report.exported, report.failed) == (40, 0)
    assert len(list((tmp_path / "out").glob("*.xml"))) == 40

"""Several worker processes answer (#27): ``archivist serve`` forks one per core (``--workers``); harvesters
are served by all of them, and stopping the server stops every one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED

from .conftest import REPO, fetch, sample_records, start, stop

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes need fork (POSIX)")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    records = tmp_path / "records"
    records.mkdir()
    lines = [json.dumps(dict(r, id=f"{r['id']}-{n}")) for n in range(40) for r in sample_records(seed, 10)]
    (records / "r.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return records


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="counts processes through /proc (Linux)")
def test_harvesters_are_served_by_several_processes_and_all_stop(folder: Path, tmp_path: Path) -> None:
    served = start(folder, "--repository-id", REPO, "--workers", "2", "--index", str(tmp_path / "i.sqlite"),
                   "--page-size", "50")
    try:
        assert "; 2 processes)" in served.wait_for("OAI-PMH at ")
        served.wait_for("payloads of ", timeout=60)  # the process making payloads ahead has ended (or is ending)
        deadline = time.monotonic() + 60  # the workers are forked as the server starts serving, after that line
        while len(workers := _children(served.process.pid)) != 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) == 2
        before = {pid: _cpu(pid) for pid in workers}
        counts: list[int] = []

        def harvest() -> None:
            for _ in range(6):
                counts.append(fetch(served.base, verb="ListRecords", metadataPrefix="marcxml").count(b"<record>"))

        threads = [threading.Thread(target=harvest) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert counts == [50] * 24
        assert all(_cpu(pid) > before[pid] for pid in workers), "a worker answered nothing"
    finally:
        assert stop(served) == 0
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() and "Z" not in _state(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived the server"
        time.sleep(0.1)
    assert "Traceback" not in served.log()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "Z"


def test_one_process_when_asked(folder: Path, tmp_path: Path, seed: dict[str, Any]) -> None:
    served = start(folder, "--repository-id", REPO, "--workers", "1", "--index", str(tmp_path / "i.sqlite"))
    try:
        assert "; one process)" in served.wait_for("OAI-PMH at ")
        assert b"<Identify>" in fetch(served.base, verb="Identify")
    finally:
        assert stop(served) == 0


def test_where_the_system_cannot_fork_one_process_serves_and_says_so(folder: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from archivist.oaipmh import RecordIndex, Repository, server

    monkeypatch.setattr(server, "CAN_FORK", False)  # as on Windows
    index = RecordIndex([folder], tmp_path / "i.sqlite")
    try:
        oai = server.make_server(index, Repository(base_url="", repository_id=REPO), port=0, workers=4)
        assert oai.workers == 1 and "; one process)" in oai.describe()
        assert any("cannot fork" in warning for warning in oai.warnings())
        oai._close()
        oai._socket.close()
    finally:
        index.close()


_AS_FROM_A_TERMINAL = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                       "runpy.run_module('archivist', run_name='__main__', alter_sys=True)")


@pytest.mark.parametrize("whom", ["group", "server"])
def test_ctrl_c_while_the_workers_are_forked_stops_every_process(folder: Path, tmp_path: Path, whom: str) -> None:
    """Ctrl-C (SIGINT to the terminal's process group, or to the server alone) in the instants around the forks:
    every process ends, exit 0, no traceback. A KeyboardInterrupt between a fork and noting the new worker once
    left that worker serving, unseen, with the terminal's streams open."""
    from tests.conftest import ROOT

    index = tmp_path / "i.sqlite"
    for delay in (0.0, 0.005, 0.02, 0.1, 0.3):
        argv = [sys.executable, "-c", _AS_FROM_A_TERMINAL, "serve", str(folder), "--port", "0", "--workers", "2",
                "--repository-id", REPO, "--index", str(index)]
        with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                              start_new_session=True) as server:
            assert server.stderr is not None
            lines = [server.stderr.readline()]
            while "OAI-PMH at " not in lines[-1]:
                assert lines[-1], "".join(lines)
                lines.append(server.stderr.readline())
            time.sleep(delay)  # the line is written just before the workers are forked
            if whom == "group":
                os.killpg(server.pid, signal.SIGINT)
            else:
                server.send_signal(signal.SIGINT)
            try:
                # the streams close when the last process holding them ends; well before the server's own 10 s SIGKILL
                rest = server.communicate(timeout=8)[1]  # fallback, which would hide a lost SIGTERM
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                raise AssertionError(f"not every process ended {delay} s after the start-up line") from None
        assert server.returncode == 0, (delay, "".join(lines) + rest)
        assert "Traceback" not in rest and "error" not in rest.lower(), rest
        with pytest.raises(ProcessLookupError):
            os.killpg(server.pid, 0)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: one process either way")
def test_one_process_per_core_by_default(folder: Path, tmp_path: Path) -> None:
    served = start(folder, "--repository-id", REPO, "--index", str(tmp_path / "i.sqlite"))
    try:
        assert f"; {os.cpu_count()} processes)" in served.wait_for("OAI-PMH at ")
    finally:
        assert stop(served) == 0


def _established(pid: int, port: int) -> int:
    """How many established TCP connections to ``port`` the process ``pid`` holds (Linux /proc)."""
    inodes = set()
    for name in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{name}").read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                inodes.add(fields[9])
    held = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        held += target.startswith("socket:[") and target[8:-1] in inodes
    return held


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="counts connections through /proc (Linux)")
def test_kept_alive_harvesters_are_spread_over_the_workers(folder: Path, tmp_path: Path) -> None:
    """Eight harvesters, each on one kept-alive connection, opened one after another: four on each of two
    workers (the first worker to wake no longer takes them all, or six, leaving a core idle)."""
    import http.client
    from urllib.parse import urlsplit

    served = start(folder, "--repository-id", REPO, "--workers", "2", "--index", str(tmp_path / "i.sqlite"))
    connections = []
    try:
        served.wait_for("payloads of ", timeout=60)
        deadline = time.monotonic() + 30
        while len(workers := _children(served.process.pid)) != 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        url = urlsplit(served.base)
        assert url.port is not None
        for _ in range(8):
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=15)
            connection.request("GET", f"{url.path}?verb=Identify")
            assert b"<Identify>" in connection.getresponse().read()
            connections.append(connection)
            time.sleep(0.3)  # a worker counts its connections each time round its loop
        assert sorted(_established(pid, url.port) for pid in workers) == [4, 4]
    finally:
        for connection in connections:
            connection.close()
        assert stop(served) == 0

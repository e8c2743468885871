"""A running ``archivist serve`` (a real process, forked from a warm interpreter: tests/warm.py; its stderr kept)
over a few records, for the tests that attack it or read its log."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests import warm
from tests.conftest import SEED
from tests.warm import Run

REPO = "archive.example.org"


def sample_records(seed: dict[str, Any], count: int = 11) -> list[dict[str, Any]]:
    """``count`` valid records doc-00…: datestamps a day apart, odd ones in set subject:local:Odd."""
    records = []
    for n in range(count):
        record = dict(seed, id=f"doc-{n:02d}", title=f"Document {n}")
        record["retrieval"] = dict(seed["retrieval"], retrieved_at="2026-11-01")
        record["provenance"] = [{"action": "ingested", "at": f"2026-11-{10 + n:02d}T12:00:00Z", "agent": "test"}]
        record["subjects"] = ([{"term": "Odd", "scheme": "local"}] if n % 2
                              else [{"term": "Terrorism--Peru", "scheme": "lcsh"}])
        records.append(record)
    return records


@dataclass
class Served:
    """A served folder: its base URL, records folder, the process, and every stderr line so far."""

    base: str
    folder: Path
    process: subprocess.Popen[str] | Run
    lines: list[str] = field(default_factory=list)

    def log(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 15) -> str:
        """The first log line holding ``text`` (waiting for it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if text in line:
                    return line
            time.sleep(0.05)
        raise AssertionError(f"no log line with {text!r} in:\n{self.log()}")


def six_records(tmp_path: Path, seed: dict[str, Any]) -> Path:
    """A folder of six sample records, one JSON file each."""
    records = tmp_path / "records"
    records.mkdir()
    for record in sample_records(seed, 6):
        (records / f"{record['id']}.json").write_text(json.dumps(record), encoding="utf-8")
    return records


def start(folder: Path, *options: str) -> Served:
    """``archivist serve folder --port 0 options…``, once it announces its base URL."""
    process = warm.shared().popen(["serve", str(folder), "--port", "0", *options], stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    assert process.stderr is not None
    stream = process.stderr
    threading.Thread(target=lambda: [lines.append(line) for line in stream], daemon=True).start()
    served = Served("", folder, process, lines)
    try:
        line = served.wait_for("OAI-PMH at ", timeout=30)
    except AssertionError:
        process.kill()
        raise
    served.base = line.split("OAI-PMH at ")[1].split()[0]
    return served


def stop(served: Served) -> int:
    served.process.terminate()
    return served.process.wait(timeout=15)


def fetch(base: str, **params: str) -> bytes:
    with urllib.request.urlopen(f"{base}?{urllib.parse.urlencode(params)}", timeout=15) as response:
        return response.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    folder = tmp_path_factory.mktemp("served") / "records"
    folder.mkdir()
    for record in sample_records(seed):
        (folder / f"{record['id']}.json").write_text(json.dumps(record), encoding="utf-8")
    server = start(folder, "--repository-id", REPO, "--admin-email", "oai@archive.example.org", "--page-size", "4",
                   "--timeout", "2")
    yield server
    assert stop(server) == 0
    assert "Traceback" not in server.log(), server.log()

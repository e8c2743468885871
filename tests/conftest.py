"""Shared fixtures: the seed record, its capture, and a factory for valid records to mutate."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.warm import Warm, shared

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT / "records"
SEED = RECORDS / "mrta-globalsecurity.json"
SEED_CAPTURE = RECORDS / "originals" / "mrta-globalsecurity.txt"
SHARED_CAPTURE = ROOT.parent / "shared" / "documents" / "mrta-globalsecurity.txt"


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadfile``, except that the files running EPUBCheck share one worker: its one JVM (tests/oracles.py)
    then starts once per test run, not once per worker (5-9 s of CPU each)."""
    from xdist.scheduler import LoadFileScheduling

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = super()._split_scope(nodeid)
            return "(files running EPUBCheck)" if _runs_epubcheck(path) else path

    return Scheduling(config, log) if config.getvalue("dist") == "loadfile" else None


@cache
def _runs_epubcheck(path: str) -> bool:
    file = ROOT / path
    return file.suffix == ".py" and file.is_file() and "epubcheck_" in file.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def archivist() -> Warm:
    """Runs of ``python -m archivist`` as real processes, forked from one warm interpreter (see tests/warm.py)."""
    return shared()


@pytest.fixture
def seed() -> dict[str, Any]:
    return json.loads(SEED.read_text(encoding="utf-8"))


@pytest.fixture
def minimal() -> dict[str, Any]:
    """The smallest valid record."""
    return copy.deepcopy(MINIMAL)


MINIMAL: dict[str, Any] = {
    "id": "minimal",
    "schema_version": "1.0",
    "title": "A minimal record",
    "language": "en",
    "type": "Text",
    "source": {"url": "https://example.org/page"},
    "retrieval": {
        "retrieved_at": "2026-01-02T03:04:05Z",
        "method": "http-get",
        "sha256": "0" * 64,
        "media_type": "text/html",
        "byte_size": 10,
    },
    "subjects": [],
    "content": {"sections": [{"heading": None, "paragraphs": ["One paragraph."]}]},
}


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")
    return path

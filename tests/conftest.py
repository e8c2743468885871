"""Shared fixtures: the seed record, its capture, and a factory for valid records to mutate."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.warm import Warm, shared

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT / "records"
SEED = RECORDS / "mrta-globalsecurity.json"
SEED_CAPTURE = RECORDS / "originals" / "mrta-globalsecurity.txt"
SHARED_CAPTURE = ROOT.parent / "shared" / "documents" / "mrta-globalsecurity.txt"


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

"""Shared fixtures: the seed record, its capture, and a factory for valid records to mutate."""

from __future__ import annotations

import copy
import importlib
import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.tools import TOOLS, need
from tests.warm import Warm, shared

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT / "records"
SEED = RECORDS / "mrta-globalsecurity.json"
SEED_CAPTURE = RECORDS / "originals" / "mrta-globalsecurity.txt"


#: What marks a test file as long: it runs EPUBCheck or Ace by DAISY, or holds the slow test.
_LONG = ("epubcheck_", "ace_violations", "@pytest.mark.slow")


def _mutant() -> str:
    """The mutant mutmut runs (scripts/mutation.py): a mutant's name, "stats", "fail", or "" outside mutation tests."""
    return os.environ.get("MUTANT_UNDER_TEST", "")


def _fresh_archivist(*, reimport: bool) -> None:
    """Empty archivist's caches (compiled patterns, validators) and, with ``reimport``, build ``_ecma``'s character
    sets again, as a fresh process would, so that what they hold comes from the code under test."""
    for name, module in list(sys.modules.items()):
        if name.startswith("archivist"):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()
    if reimport and "archivist.records._ecma" in sys.modules:
        importlib.reload(sys.modules["archivist.records._ecma"])


def pytest_sessionstart(session: pytest.Session) -> None:
    """Mutation testing: mutmut forks each mutant's run from a process that already ran the tests unmutated, where
    caches and import-time values still hold what the unmutated code made; start each run as a fresh process would.
    The forced-failure run ("fail") only needs the caches emptied, so that the checked functions are called."""
    if "__mutmut_" in _mutant() or _mutant() == "fail":
        _fresh_archivist(reimport=_mutant() != "fail")
        _cap_memory()


def _cap_memory() -> None:
    """A mutant that grows a list without end fails with MemoryError past 2 GiB more than it started with, instead
    of taking the shared machine's memory until the kernel kills something."""
    try:
        import resource

        start = int(Path("/proc/self/status").read_text().split("VmSize:")[1].split()[0]) * 1024
    except (ImportError, OSError, IndexError, ValueError):
        return
    resource.setrlimit(resource.RLIMIT_AS, (start + (2 << 30), resource.getrlimit(resource.RLIMIT_AS)[1]))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Mutation testing: while mutmut records which tests call which functions ("stats"), each test starts fresh,
    so that a function whose result is cached, or that runs at import, is credited to every test that relies on it."""
    if _mutant() == "stats":
        _fresh_archivist(reimport=True)


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadfile``, except that the files running EPUBCheck share one worker (its one JVM, tests/oracles.py,
    then starts once per test run, not once per worker: 5-9 s of CPU each), and that files are handed out in
    collection order, where the long ones come first (see below), not largest-count first."""
    from xdist.scheduler import LoadFileScheduling

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = super()._split_scope(nodeid)
            return "(files running EPUBCheck)" if "epubcheck_" in _source(path) else path

    if config.getvalue("dist") != "loadfile":
        return None
    config.option.loadscopereorder = False
    return Scheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long files first (each file stays whole and in order): started early, they overlap the many short files on
    the other workers instead of running alone at the end."""
    items.sort(key=lambda item: not any(mark in _source(item.nodeid.split("::", 1)[0]) for mark in _LONG))


@cache
def _source(path: str) -> str:
    """The text of a test file named by a node id's path ("" for anything else)."""
    file = ROOT / path
    return file.read_text(encoding="utf-8") if file.suffix == ".py" and file.is_file() else ""


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


def _tool_fixture(name: str) -> Any:
    @pytest.fixture(name=f"tool_{name.replace('.', '_').replace('-', '_')}")
    def fixture() -> str:
        return need(name)
    return fixture


# One fixture per external tool (tests/tools.py), for ``pytestmark = needs("yaz")`` or a test's own argument.
for _name in TOOLS:
    globals()[f"tool_{_name.replace('.', '_').replace('-', '_')}"] = _tool_fixture(_name)

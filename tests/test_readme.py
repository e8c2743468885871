"""Every ``sh`` example in README.md and examples/README.md runs as written from a fresh clone.

Each block runs in its own copy of the clone's records/ and examples/, its lines in order, through bash. A line
with an ``archivist`` command must parse (every option known, every value accepted) and then exit 0, or the code
named by a trailing ``# exit N`` comment. ``archivist serve`` is only parsed (it runs until stopped); lines with
no ``archivist`` command (``pip install``, ``python -m pytest``, benchmarks) are left to CI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import warm
from tests.cli_examples import command_lines, invocations, parse_error, sh_blocks
from tests.conftest import ROOT

DOCUMENTS = [ROOT / "README.md", ROOT / "examples" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
COPIED = ("records", "examples")
_EXIT = re.compile(r"#\s*exit (\d+)\s*$")


def _blocks() -> list[tuple[str, int, str]]:
    found = []
    for document in DOCUMENTS:
        if document.exists():
            for index, block in enumerate(sh_blocks(document.read_text(encoding="utf-8"))):
                found.append((document.relative_to(ROOT).as_posix(), index, block))
    return found


BLOCKS = _blocks()


def _segments(line: str) -> list[str]:
    """The parts of a line joined by ``&&`` or ``;`` (a pipeline stays whole)."""
    return [part.strip() for part in re.split(r"\s(?:&&|;)\s", line) if part.strip()]


@pytest.fixture
def clone(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A fresh copy of what the examples read, and an environment whose ``archivist`` is this checkout's."""
    for name in COPIED:
        shutil.copytree(ROOT / name, tmp_path / "clone" / name)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    warm.shared().wrapper(bin_dir)  # `python -m archivist`, forked from a warm interpreter (tests/warm.py)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", COLUMNS="80")
    return tmp_path / "clone", env


def test_the_readme_has_examples_to_check() -> None:
    assert any(invocations(line) for _, _, block in BLOCKS for line in command_lines(block))


@pytest.mark.parametrize(("document", "index", "block"), BLOCKS, ids=[f"{d}#{i}" for d, i, _ in BLOCKS])
def test_every_example_runs_as_written(document: str, index: int, block: str, clone: tuple[Path, dict[str, str]],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    where, env = clone
    monkeypatch.chdir(where)
    for line in command_lines(block):
        for segment in _segments(line):
            calls = invocations(segment)
            if not calls:
                continue
            for call in calls:
                assert parse_error(call) is None, f"{document} block {index}: {parse_error(call)}"
            if any(call and call[0] == "serve" for call in calls):
                continue
            expected = int(match.group(1)) if (match := _EXIT.search(segment)) else 0
            done = subprocess.run(["bash", "-c", f"set -o pipefail; {segment}"], check=False, cwd=where, env=env,
                                  capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
            assert "Traceback" not in done.stderr, done.stderr
            assert done.returncode == expected, (
                f"{document} block {index}: `{segment}` exited {done.returncode}\n{done.stderr[-2000:]}")

"""Every ``sh`` example in README.md, examples/README.md and every page of docs/ runs as written from a fresh clone.

Each document is a walk-through: its blocks run in order, in its own fresh copy of the clone's records/ and
examples/, line by line, through bash. A line
with an ``archivist`` command must parse (every option known, every value accepted) and then exit 0, or the code
named by a trailing ``# exit N`` comment. ``archivist serve`` is only parsed (it runs until stopped). A line of
plain file utilities (``echo … > rules.json``, ``ls``, ``grep``: what shows an example's effect) runs too; other
lines (``pip install``, ``python -m pytest``, ``apt-get``, benchmarks) are left to CI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import warm
from tests.cli_examples import command_lines, invocations, parse_error
from tests.conftest import ROOT

DOCUMENTS = [ROOT / "README.md", ROOT / "examples" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
COPIED = ("records", "examples")
#: The first line of a python block that continues its page's shell walk-through, in the same folder.
CONTINUES = "# continues the shell example above"
_EXIT = re.compile(r"#\s*exit (\d+)\s*$")
#: Programs an example may use beside archivist to set up a file or show its effect; they read and write only
#: inside the example's folder.
UTILITIES = {"echo", "printf", "cat", "ls", "grep", "head", "tail", "wc", "cut", "sort", "test", "cmp", "diff", "mkdir"}


def _blocks() -> list[tuple[str, int, str]]:
    """Every sh block of every page, and the python blocks that continue a page's shell walk-through (they begin
    with :data:`CONTINUES` and run in the same folder, in order; tests/test_readme_python.py runs the others)."""
    found = []
    for document in DOCUMENTS:
        if document.exists():
            for index, block in enumerate(page_blocks(document.read_text(encoding="utf-8"))):
                found.append((document.relative_to(ROOT).as_posix(), index, block))
    return found


def page_blocks(markdown: str) -> list[str]:
    """The page's sh blocks and its continuing python blocks, in page order (a python block keeps its marker)."""
    blocks = []
    for match in re.finditer(r"^```(sh|bash|shell|python)[ \t]*\n(.*?)^```", markdown, flags=re.MULTILINE | re.DOTALL):
        kind, body = match.groups()
        if kind != "python" or body.startswith(CONTINUES):
            blocks.append(body)
    return blocks


BLOCKS = _blocks()


def _program(segment: str) -> str:
    """The program a shell segment starts with (its first word)."""
    return segment.split(maxsplit=1)[0] if segment.split() else ""


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
    assert {document for document, _, _ in BLOCKS} >= {"README.md", "docs/ingest.md", "docs/export.md"}


PAGES = sorted({document for document, _, _ in BLOCKS}, key=lambda d: (d != "README.md", d))


@pytest.mark.parametrize("document", PAGES)
def test_every_example_runs_as_written(document: str, clone: tuple[Path, dict[str, str]],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    where, env = clone
    monkeypatch.chdir(where)
    for index, block in ((i, b) for d, i, b in BLOCKS if d == document):
        _run_block(document, index, block, where, env)


def _run_block(document: str, index: int, block: str, where: Path, env: dict[str, str]) -> None:
    if block.startswith(CONTINUES):
        done = subprocess.run([sys.executable, "-c", block], check=False, cwd=where, env=env, capture_output=True,
                              text=True, timeout=300, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"{document} block {index}: {done.stderr[-2000:]}"
        return
    for line in command_lines(block):
        for segment in _segments(line):
            calls = invocations(segment)
            if not calls and _program(segment) not in UTILITIES:
                continue
            expected = int(match.group(1)) if (match := _EXIT.search(segment)) else 0
            for call in calls:  # an example of a usage mistake says so (`# exit 2`); every other one parses
                assert expected == 2 or parse_error(call) is None, f"{document} block {index}: {parse_error(call)}"
            if any(call and call[0] == "serve" for call in calls):
                continue
            done = subprocess.run(["bash", "-c", f"set -o pipefail; {segment}"], check=False, cwd=where, env=env,
                                  capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
            assert "Traceback" not in done.stderr, done.stderr
            assert done.returncode == expected, (
                f"{document} block {index}: `{segment}` exited {done.returncode}\n{done.stderr[-2000:]}")

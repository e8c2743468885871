"""Every ``python`` example in README.md and in every page of docs/ runs as written, in a fresh copy of the clone's
records/ and examples/.

A block runs in its own interpreter. A block that serves (``serve_forever()``) passes when the server it starts
answers an OAI-PMH Identify request at the address the block gives; it is then stopped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [(document.relative_to(ROOT).as_posix(), index, block) for document in DOCUMENTS
          for index, block in enumerate(re.findall(r"^```python[ \t]*\n(.*?)^```", document.read_text(encoding="utf-8"),
                                                   flags=re.MULTILINE | re.DOTALL))
          if not block.startswith("# continues the shell example above")]  # run with the page's sh blocks
_PORT = re.compile(r"port=(\d+)")


def test_the_readme_and_docs_have_python_examples() -> None:
    assert {document for document, _, _ in BLOCKS} >= {"README.md", "docs/export.md", "docs/oai-pmh.md"}


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    for name in ("records", "examples"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def _identify(port: int, process: subprocess.Popen[str], seconds: float = 60.0) -> str:
    """The Identify response of the server the block started, waiting for it to listen."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the example stopped before serving:\n{process.communicate()[1][-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/oai?verb=Identify", timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail(f"nothing answered on port {port} within {seconds:.0f} s")


@pytest.mark.parametrize(("document", "index", "block"), BLOCKS, ids=[f"{d}#{i}" for d, i, _ in BLOCKS])
def test_every_python_example_runs_as_written(document: str, index: int, block: str, clone: Path) -> None:
    if "serve_forever()" not in block:
        done = subprocess.run([sys.executable, "-c", block], cwd=clone, capture_output=True, text=True, timeout=300,
                              check=False, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"{document} block {index}: {done.stderr[-2000:]}"
        return
    port = int(match.group(1)) if (match := _PORT.search(block)) else 8080
    process = subprocess.Popen([sys.executable, "-c", block], cwd=clone, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        answer = _identify(port, process)
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert "<Identify>" in answer and "oai.example.edu" in answer, answer[:500]

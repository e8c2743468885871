"""tests/tools.py as a new user meets it: a missing tool skips its test with one line naming the tool and the
command that installs it, listed in the ``-ra`` summary; ``ARCHIVIST_REQUIRE_TOOLS=1`` makes the same line a failure;
a tool on PATH is used. Each case is a real pytest run in a new process whose PATH holds only what the case gives."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.tools import TOOLS

PROBE = '''
from tests.tools import need, needs


@needs("yaz")
def test_asks_by_mark():
    pass


def test_asks_by_call():
    assert need("yaz").endswith("yaz-marcdump")
'''

# The per-tool fixtures of tests/conftest.py, without its other hooks.
CONFTEST = "from tests.conftest import tool_yaz  # noqa: F401\n"


def _pytest(folder: Path, path: str, require: bool) -> subprocess.CompletedProcess[str]:
    """pytest run on the probe in ``folder``, in a new process whose PATH is ``path``."""
    (folder / "test_probe.py").write_text(PROBE, encoding="utf-8")
    (folder / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "ARCHIVIST_"))}
    env.update(PATH=path, PYTHONPATH=str(ROOT), **({"ARCHIVIST_REQUIRE_TOOLS": "1"} if require else {}))
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-ra",
                           "--rootdir", str(folder), str(folder)], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture
def empty_path(tmp_path: Path) -> str:
    (tmp_path / "bin").mkdir()
    return str(tmp_path / "bin")


def test_a_missing_tool_skips_with_one_line_naming_it_and_its_install_command(tmp_path: Path,
                                                                              empty_path: str) -> None:
    done = _pytest(tmp_path, empty_path, require=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 skipped" in done.stdout, done.stdout
    reason = "yaz-marcdump is not installed: sudo scripts/install-tools  (apt-get install yaz)"
    assert done.stdout.count("SKIPPED [1] ") == 2 and done.stdout.count(reason) == 2, done.stdout


def test_with_archivist_require_tools_a_missing_tool_fails_naming_it(tmp_path: Path, empty_path: str) -> None:
    done = _pytest(tmp_path, empty_path, require=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "skipped" not in done.stdout and "yaz-marcdump is not installed" in done.stdout, done.stdout
    assert "1 failed, 1 error" in done.stdout, done.stdout  # the call fails the test, the mark its set-up
    assert "Traceback" not in done.stdout


def test_a_tool_on_path_is_found_and_used(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "yaz-marcdump"
    fake.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    fake.chmod(0o755)
    done = _pytest(tmp_path, str(bin_dir), require=True)
    assert done.returncode == 0 and "2 passed" in done.stdout, done.stdout + done.stderr


def test_every_tool_says_what_installs_it_and_the_install_script_knows_it() -> None:
    script = (ROOT / "scripts" / "install-tools").read_text(encoding="utf-8")
    for name, tool in TOOLS.items():
        assert tool.installs.startswith("sudo scripts/install-tools  ("), name
        packages = tool.installs.partition("(")[2].rstrip(")")
        if packages.startswith("apt-get install "):
            assert all(package in script for package in packages.split()[2:]), (name, packages)
        else:
            assert "npm ci" in packages and "npm ci" in script, (name, packages)

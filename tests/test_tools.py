"""tests/tools.py as a new user meets it: a missing tool skips its test with one line naming the tool and the
command that installs it, listed in the ``-ra`` summary; ``ARCHIVIST_REQUIRE_TOOLS=1`` makes the same line a failure;
a tool on PATH is used. Each case is a real pytest run in a new process whose PATH holds only what the case gives."""

from __future__ import annotations

import ast
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
    assert done.stdout.count(reason) == 2, done.stdout
    lines = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED [1] ")]
    assert [line.split(": ", 1)[0].rsplit(":", 1)[0] for line in lines] == ["SKIPPED [1] test_probe.py"] * 2, lines


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


#: Programs every Debian or Ubuntu system has (essential packages), which tests may run by name.
ESSENTIAL = {"bash", "sh", "chattr"}
_RUNS = {"run", "Popen", "check_output", "check_call", "call"}


def _outside_programs(path: Path) -> list[str]:
    """Where a test file runs a program by a literal name, or looks one up with shutil.which, bypassing tools.py."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value.id if isinstance(node.func.value, ast.Name) else ""
        if (owner, node.func.attr) == ("shutil", "which"):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: shutil.which")
        elif owner == "subprocess" and node.func.attr in _RUNS and node.args and isinstance(node.args[0], ast.List):
            first = node.args[0].elts[0] if node.args[0].elts else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value not in ESSENTIAL:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {first.value}")
    return found


def test_every_outside_program_is_asked_of_tools_py() -> None:
    """A test that runs, say, ``["yaz-marcdump", ...]`` directly fails with a traceback where the tool is missing
    and is not required by CI; it must use ``need("yaz")`` (and a Tool entry) instead."""
    mine = {ROOT / "tests" / "tools.py", ROOT / "tests" / "test_tools.py"}
    files = [p for p in sorted((ROOT / "tests").rglob("*.py")) if p not in mine]
    assert [hit for path in files for hit in _outside_programs(path)] == []


def test_the_scan_finds_a_program_run_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    probe = tmp_path / "test_x.py"
    probe.write_text('import shutil, subprocess\nsubprocess.run(["yaz-marcdump", "x"])\nshutil.which("perl")\n'
                     'subprocess.run(["bash", "-c", "true"])\n', encoding="utf-8")
    assert _outside_programs(probe) == ["test_x.py:2: yaz-marcdump", "test_x.py:3: shutil.which"]

"""``-q`` prints nothing but errors, whatever the formats and packages: warnings reach the user through one channel
(the run's), as one ``warning:`` line each without ``-q`` and not at all with it — never as a Python warning with its
source line, nor as a log line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from archivist import exporters, packages
from tests.conftest import write_json
from tests.warm import Warm


@pytest.fixture
def folder(tmp_path: Path, seed: dict[str, Any]) -> Path:
    """The seed, a record too long for ISO 2709 (a package leaves it out with a warning) and an invalid record."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_json(folder / "seed.json", seed)
    write_json(folder / "long.json", dict(seed, id="long", description=" ".join(["lorem"] * 24_000)))
    write_json(folder / "bad.json", dict(seed, id="bad", language="??"))
    return folder


def _every_format_and_package() -> str:
    return ",".join([*exporters.available(), *packages.available()])


@pytest.mark.parametrize(("to", "warning"), [
    (_every_format_and_package(), "warning: oai-static: the base URL"),
    ("marcxml,marc21-collection", "warning: marc21-collection: record 'long' is"),  # not a raw UserWarning
])
def test_quiet_prints_only_the_errors(archivist: Warm, folder: Path, tmp_path: Path, to: str, warning: str) -> None:
    loud = archivist.run(["export", str(folder), "--to", to, "--out", str(tmp_path / "a")])
    quiet = archivist.run(["export", str(folder), "--to", to, "--out", str(tmp_path / "b"), "-q"])
    assert (loud.returncode, quiet.returncode) == (1, 1)
    errors = [line for line in loud.stderr.splitlines() if line.startswith(str(folder))]
    assert errors and quiet.stderr.splitlines() == errors and quiet.stdout == ""
    assert any(line.startswith(warning) for line in loud.stderr.splitlines())
    for said in (loud.stderr, quiet.stderr):
        assert "Warning:" not in said and "warnings.warn" not in said and "Traceback" not in said
        assert ".py:" not in said  # no source location of a Python warning or a log record


def test_a_library_warning_is_one_line_and_silenced_by_quiet() -> None:
    """A Python warning or a log record of a library the command runs goes through the command's one channel."""
    script = (
        "import logging, warnings, sys\n"
        "from archivist.cli._out import Say\n"
        "say = Say(quiet=sys.argv[1] == 'q')\n"
        "warnings.warn('a library noticed something')\n"
        "logging.getLogger('some.library').warning('a library logged something')\n"
    )
    for mode, expected in (("loud", ["warning: a library noticed something", "warning: a library logged something"]),
                           ("q", [])):
        done = subprocess.run([sys.executable, "-c", script, mode], capture_output=True, text=True, check=True)
        assert done.stderr.splitlines() == expected, done.stderr

"""One rule for output options: -o/--out DIR is a folder in every command, - is stdout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from archivist.cli import app
from tests.conftest import RECORDS, SEED_CAPTURE

runner = CliRunner()
FACTS = ["--url", "https://www.globalsecurity.org/military/world/para/mrta.htm", "--retrieved", "2026-11-24"]


def _ingest(*argv: str) -> Any:
    return runner.invoke(app, ["ingest", str(SEED_CAPTURE), *FACTS, *argv])


@pytest.mark.parametrize("flag", ["-o", "--out"])
def test_ingest_o_and_out_are_the_same_folder_option(tmp_path: Path, flag: str) -> None:
    result = _ingest(flag, str(tmp_path / "recs") + "/")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "recs" / "mrta-globalsecurity.json").is_file()


def test_out_is_a_folder_in_every_command_that_writes() -> None:
    group: Any = get_command(app)
    for name, command in group.commands.items():
        for param in command.params:
            if "--out" in param.opts or "-o" in param.opts:
                assert param.opts == ["--out", "-o"] or sorted(param.opts) == ["--out", "-o"], (name, param.opts)
                assert param.metavar == "DIR", (name, param.metavar)


def test_ingest_into_an_existing_folder_is_fine(tmp_path: Path) -> None:
    (tmp_path / "recs").mkdir()
    assert _ingest("-o", str(tmp_path / "recs")).exit_code == 0


def test_the_old_output_option_is_gone(tmp_path: Path) -> None:
    result = _ingest("--output", str(tmp_path / "one.json"))
    assert result.exit_code == 2 and "no such option: --output" in result.stderr
    assert not (tmp_path / "one.json").exists()
    assert "--output" not in runner.invoke(app, ["ingest", "--help"]).stdout


@pytest.mark.parametrize(("argv", "first"), [
    ([], "no capture given"),
    (["--out", "x"], "no capture given"),
    ([str(SEED_CAPTURE)], "no output folder given"),
])
def test_bare_ingest_says_what_is_missing_first(argv: list[str], first: str) -> None:
    result = runner.invoke(app, ["ingest", *argv])
    assert result.exit_code == 2 and result.stderr.startswith(f"error: {first}")


def test_export_out_accepts_a_trailing_slash_and_refuses_a_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(RECORDS), "--to", "oai_dc", "-o", f"{tmp_path}/new/"])
    assert result.exit_code == 0, result.output
    (tmp_path / "file").write_text("x")
    result = runner.invoke(app, ["export", str(RECORDS), "--to", "oai_dc", "-o", str(tmp_path / "file")])
    assert result.exit_code == 2 and "is an existing file" in result.stderr
    assert (tmp_path / "file").read_text() == "x"

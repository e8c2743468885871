"""The command line, driven through Typer's CliRunner: exit codes, output formats and help."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from archivist import __version__
from archivist.cli import app
from tests.conftest import RECORDS, write_json

runner = CliRunner()


def _commands() -> list[str]:
    return sorted(get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help(name: str) -> None:
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0
    command = get_command(app).commands[name]  # type: ignore[attr-defined]
    assert command.help and len(command.help.strip()) > 20, f"{name} has no help"


def test_the_installed_version_is_the_package_version() -> None:
    import importlib.metadata

    assert importlib.metadata.version("archivist") == __version__


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"archivist {__version__}"


def test_validate_bundled_records_exits_zero() -> None:
    result = runner.invoke(app, ["validate", str(RECORDS)])
    assert result.exit_code == 0, result.output
    assert "1 valid, 0 invalid" in result.output


def _broken(minimal: dict[str, Any]) -> dict[str, Any]:
    del minimal["title"]
    minimal["language"] = 7
    minimal["source"]["url"] = "relative/path"
    minimal["retrieval"]["sha256"] = "abc"
    minimal["subjects"] = [{"term": "T", "scheme": "lcsh", "uri": "http://example.org/x"}]
    return minimal


def test_validate_reports_all_five_mistakes(tmp_path: Path, minimal: dict[str, Any]) -> None:
    path = write_json(tmp_path / "bad.json", _broken(minimal))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert [line.split(": ")[1] for line in lines] == [
        "/language", "/retrieval/sha256", "/source/url", "/subjects/0/uri", "/title"]
    assert "0 valid, 1 invalid (5 errors)" in result.output


def test_validate_json_output_parses(tmp_path: Path, minimal: dict[str, Any]) -> None:
    good = write_json(tmp_path / "good.json", dict(minimal, id="good"))
    bad = write_json(tmp_path / "bad.json", _broken(minimal))
    result = runner.invoke(app, ["validate", "--format", "json", str(good), str(bad)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["summary"] == {"records": 2, "valid": 1, "invalid": 1, "errors": 5, "files": 2}
    assert {e["pointer"] for e in report["errors"]} == {
        "/title", "/language", "/source/url", "/retrieval/sha256", "/subjects/0/uri"}
    assert all(e["file"] == str(bad) and e["record_id"] == "minimal" for e in report["errors"])


def test_jsonl_good_lines_still_valid(tmp_path: Path, minimal: dict[str, Any]) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text(json.dumps(minimal) + "\n[1,\n" + json.dumps(dict(minimal, id="b")) + "\n")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2:" in result.output and "2 valid, 1 invalid" in result.output


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"", "empty input"), (b"\xff\xfe{}", "not UTF-8"), (b'{"id": }', "malformed JSON")],
)
def test_unreadable_files_exit_one_with_one_line(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert fragment in result.output.splitlines()[0]


def test_missing_path_and_empty_dir_exit_two(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "missing.json")])
    assert result.exit_code == 2 and "no such file or directory" in result.output
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["validate", str(tmp_path / "empty")])
    assert result.exit_code == 2 and "no record files" in result.output


def test_validate_stdin(minimal: dict[str, Any]) -> None:
    result = runner.invoke(app, ["validate", "-"], input=json.dumps(minimal))
    assert result.exit_code == 0, result.output


def test_no_colour_when_not_a_tty(tmp_path: Path, minimal: dict[str, Any]) -> None:
    path = write_json(tmp_path / "bad.json", _broken(minimal))
    result = runner.invoke(app, ["validate", str(path)])
    assert "\x1b[" not in result.output


def test_schema_command_prints_the_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"

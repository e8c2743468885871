"""Catalog-quality warnings (#27): a controlled heading whose subdivisions have no stated type is exported whole,
so validate and export warn once per heading with the typed form to write; --strict makes it an error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from archivist.cli import app
from tests.conftest import write_json

runner = CliRunner()
TYPED = "--subject 'lcsh/topical:Terrorism--TYPE:Peru'"


@pytest.fixture
def untyped(tmp_path: Path, minimal: dict[str, Any]) -> Path:
    subjects = [{"term": "Terrorism--Peru", "scheme": "lcsh"}, {"term": "Peru", "scheme": "lcsh", "kind": "geographic"},
                {"term": "a--b", "scheme": "keyword"},  # uncontrolled: whole in 653 anyway, nothing to say
                {"term": "Guerrillas--Peru", "scheme": "lcsh", "kind": "topical",
                 "subdivisions": [{"type": "geographic", "term": "Peru"}]}]
    return write_json(tmp_path / "r.json", dict(minimal, id="r", schema_version="1.1", subjects=subjects))


def _warnings(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("warning:")]


def test_validate_warns_once_per_untyped_heading_with_the_typed_form(untyped: Path) -> None:
    result = runner.invoke(app, ["validate", str(untyped)])
    assert result.exit_code == 0, result.output
    (warning,) = _warnings(result.stderr)
    assert f"{untyped}: /subjects/0/term:" in warning and "'Terrorism--Peru'" in warning and TYPED in warning
    assert "general, form, chronological, geographic" in warning


def test_strict_makes_the_warning_an_error(untyped: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(untyped), "--strict"])
    assert result.exit_code == 1 and f"{untyped}: /subjects/0/term:" in result.stdout and TYPED in result.stdout
    result = runner.invoke(app, ["export", str(untyped), "--to", "marcxml", "--strict", "--out", str(tmp_path / "s")])
    assert result.exit_code == 1 and TYPED in result.stderr
    assert not (tmp_path / "s" / "r.marc.xml").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_export_warns_and_still_exports(untyped: Path, tmp_path: Path, jobs: str) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", str(untyped), "--to", "marcxml,oai_dc", "--jobs", jobs, "--out", str(out)])
    assert result.exit_code == 0, result.output
    (warning,) = _warnings(result.stderr)  # once for the heading, not once per format
    assert "/subjects/0/term:" in warning and TYPED in warning
    assert (out / "r.marc.xml").exists()

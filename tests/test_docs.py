"""The documentation cannot drift: docs/cli.md and docs/schema.md are what scripts/gen_docs.py makes from the Typer
app and the shipped schema, and the README stays a front door whose links lead to pages that exist."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT


def _gen_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _gen_docs()


@pytest.mark.parametrize("name", sorted(GEN.PAGES))
def test_the_generated_page_is_current(name: str) -> None:
    committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert committed == GEN.PAGES[name](), f"docs/{name} is stale: run python scripts/gen_docs.py and commit it"


def test_the_check_names_a_stale_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    for name, make in GEN.PAGES.items():
        (tmp_path / name).write_text(make(), encoding="utf-8")
    monkeypatch.setattr(GEN, "DOCS", tmp_path)
    assert GEN.main(["--check"]) == 0
    (tmp_path / "cli.md").write_text((tmp_path / "cli.md").read_text().replace("--to", "--into"), encoding="utf-8")
    assert GEN.main(["--check"]) == 1
    assert "error: docs/cli.md is stale" in capsys.readouterr().err


def test_the_cli_page_holds_every_command_and_option() -> None:
    from typer.main import get_command

    from archivist.cli import app

    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    group = get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert f"## archivist {name}\n" in page
        for param in command.params:
            if param.param_type_name == "option" and not getattr(param, "hidden", False):
                assert all(option in page for option in param.opts), (name, param.opts)


def test_the_schema_page_holds_every_field_of_the_shipped_schema() -> None:
    from archivist.records import schema_text

    page = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    names = set(re.findall(r'"([a-z_]+)": \{', schema_text())) - {"properties", "items", "then", "if", "not"}
    assert [name for name in sorted(names) if f"/{name}`" not in page and f"`{name}`" not in page] == []


def test_the_readme_is_a_front_door_whose_links_lead_somewhere() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 150
    assert "scripts/install-tools" in readme and "python -m pytest" in readme
    targets = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme)
    assert [t for t in targets if not t.startswith("http") and not (ROOT / t).exists()] == []
    assert {"docs/cli.md", "docs/schema.md", "docs/testing.md"} <= set(targets)


def test_the_site_lists_every_page_once() -> None:
    """mkdocs.yml's nav names pages that exist; a page left out of it fails the strict build (CI), not this test."""
    nav = re.findall(r"^  - [^:\n]+: (\S+\.md)$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert len(nav) == len(set(nav)) and nav[0] == "index.md"
    assert [page for page in nav if not (ROOT / "docs" / page).is_file()] == []

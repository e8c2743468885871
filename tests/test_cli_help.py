"""Every command's --help reads like a Unix tool's: help for every option, readable metavars, runnable examples."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer
from typer.core import TyperArgument, TyperOption
from typer.main import get_command
from typer.testing import CliRunner

from archivist.cli import app
from tests.cli_examples import command_lines, invocations, parse_error
from tests.conftest import ROOT

runner = CliRunner()
GROUP: Any = get_command(app)
COMMANDS = sorted(GROUP.commands)
METAVAR = re.compile(r"^(?:[A-Z][A-Z0-9_]*(?:[:|=\[\]][A-Z0-9_\[\]=:]*)*|[a-z]+(?:\|[a-z]+)+)(?:\.\.\.)?$")


def _help(*argv: str) -> str:
    result = runner.invoke(app, [*argv, "--help"], env={"COLUMNS": "80", "TERM": "dumb"})
    assert result.exit_code == 0, result.output
    return result.stdout


def _examples(text: str) -> list[str]:
    _, found, tail = text.partition("\nExamples:\n")
    assert found, "no Examples section"
    return command_lines(tail)


def _params(name: str) -> list[Any]:
    return [p for p in GROUP.commands[name].params if not p.hidden]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_and_argument_has_help(name: str) -> None:
    missing = [p.name for p in _params(name) if not (p.help or "").strip()]
    assert not missing, f"{name}: no help for {missing}"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_value_has_a_metavar_a_person_reads(name: str) -> None:
    for param in _params(name):
        if isinstance(param, TyperOption) and param.is_flag:
            continue
        assert param.metavar and METAVAR.match(param.metavar), f"{name} {param.name}: metavar {param.metavar!r}"


@pytest.mark.parametrize("argv", [[]] + [[name] for name in COMMANDS], ids=["archivist", *COMMANDS])
def test_help_fits_80_columns_without_type_names_or_markup(argv: list[str]) -> None:
    text = _help(*argv)
    usage, summary = text.splitlines()[0], text.split("\n\n")[1].strip()
    assert usage.startswith("Usage: archivist"), usage
    assert summary and summary[0].isupper(), summary
    for line in text.splitlines():
        assert len(line) <= 80, line
    for bad in ("<list[", "<str>", "<bool>", "<path>", "<int", "{", "``", "\x1b[", "\b"):
        assert bad not in text, f"{bad!r} in help of archivist {' '.join(argv)}"


@pytest.mark.parametrize("argv", [[]] + [[name] for name in COMMANDS], ids=["archivist", *COMMANDS])
def test_help_has_examples_that_parse(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # examples name files of the repository (records/, examples/)
    lines = _examples(_help(*argv))
    calls = [call for line in lines for call in invocations(line)]
    assert len(calls) >= 2, f"fewer than two examples in archivist {' '.join(argv)} --help"
    if argv:
        assert all(call[0] == argv[0] for call in calls), calls
    for call in calls:
        if call and call[0] != "COMMAND":
            assert parse_error(call) is None, parse_error(call)


@pytest.mark.parametrize("name", COMMANDS)
def test_usage_line_names_arguments_by_metavar(name: str) -> None:
    usage = _help(name).splitlines()[0]
    for param in GROUP.commands[name].params:
        if isinstance(param, TyperArgument):
            assert param.metavar in usage, usage


def test_h_is_help_for_every_command() -> None:
    for name in COMMANDS:
        assert runner.invoke(app, [name, "-h"]).stdout == runner.invoke(app, [name, "--help"]).stdout


def test_a_wrong_option_in_an_example_is_caught() -> None:
    assert parse_error(["export", "records/", "--output", "x"]) is not None
    assert parse_error(["ingest", "--retrieved", "2026-13-45", "--out", "d"]) is not None
    assert parse_error(["export", "records/", "--to", "all", "--out", "exports/"]) is None


def test_a_command_added_later_gets_the_same_help_and_errors() -> None:
    from archivist.cli._help import HelpCommand, HelpGroup, HelpTyper, examples

    later = HelpTyper(cls=HelpGroup, add_completion=False)

    @later.command(epilog=examples("archivist migrate old/ --out new/", "archivist migrate -q old/ --out new/"))
    def migrate(source: str = typer.Argument(metavar="OLD", help="Old records.")) -> None:
        """Migrate records."""

    @later.command()
    def other() -> None:
        """Another command."""

    command: Any = get_command(later)
    assert all(isinstance(c, HelpCommand) for c in command.commands.values())
    shown = runner.invoke(later, ["migrate", "--help"]).stdout
    assert shown.startswith("Usage: ") and "OLD" in shown and "\nExamples:\n  archivist migrate old/" in shown
    result = runner.invoke(later, ["migrate"])
    assert result.exit_code == 2 and result.stderr.startswith("error: missing argument 'OLD'")


def test_export_help_lists_every_built_in_format_and_package_of_the_registries() -> None:
    from archivist import exporters, packages

    listed = re.sub(r"-\s+", "-", " ".join(_help("export").split()))  # a name click wrapped at its hyphen
    names = [*exporters.builtin_names(), *packages.builtin_names()]
    assert {"marc21", "marc21-collection", "marcxml-collection"} <= set(names)
    assert [name for name in names if not re.search(rf"[ (]{re.escape(name)}[,)]", listed)] == []

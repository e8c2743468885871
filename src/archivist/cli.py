"""The ``archivist`` command line: parse arguments, call the library, print, and set the exit code."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from . import __version__
from ._errors import ArchivistError, SourceError
from ._report import Summary, validate_paths
from .records import schema_text

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    name="archivist",
    help="Validate archival records, ingest captured documents, and export records to archive formats.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _out() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    _err().print(f"[bold red]error:[/] {message}", markup=True)
    return typer.Exit(code)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"archivist {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Show the version and exit.")] = None,
) -> None:
    """Validate archival records, ingest captured documents, and export records to archive formats."""


@app.command()
def validate(
    paths: Annotated[list[str], typer.Argument(help="Record files (*.json, *.jsonl), directories, or - for stdin.")],
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="text for people, json for machines.")] = OutputFormat.text,
    check_files: Annotated[bool, typer.Option("--check-files/--no-check-files",
                                              help="Check that files listed in a record exist with their size and SHA-256.")] = True,
) -> None:
    """Validate records against the schema and report every error with its file, line and JSON Pointer.

    Exit 0 when all records are valid, 1 when any is invalid, 2 for usage or I/O errors.
    """
    summary = Summary()
    out = _out()
    as_json = output is OutputFormat.json
    try:
        if as_json:
            sys.stdout.write('{"errors": [')
        first = True
        for outcome in validate_paths(paths, check_files=check_files):
            summary.add(outcome)
            for problem in outcome.problems:
                if as_json:
                    sys.stdout.write(("\n  " if first else ",\n  ") + json.dumps(problem.to_dict(), ensure_ascii=False))
                    first = False
                else:
                    out.print(f"[red]{problem.where()}:[/]{str(problem)[len(problem.where()) + 1:]}", markup=True)
    except SourceError as exc:
        if as_json:
            sys.stdout.write('\n], "summary": ' + json.dumps({**summary.to_dict(), "fatal": str(exc)}) + "}\n")
        raise _fail(str(exc)) from None
    if as_json:
        sys.stdout.write('\n], "summary": ' + json.dumps(summary.to_dict()) + "}\n")
    else:
        style = "green" if not summary.invalid else "red"
        out.print(f"[{style}]{summary}[/]", markup=True)
    raise typer.Exit(EXIT_INVALID if summary.invalid else EXIT_OK)


@app.command()
def schema() -> None:
    """Print the record JSON Schema (Draft 2020-12) that records are validated against."""
    sys.stdout.write(schema_text())


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except ArchivistError as exc:  # a library error no command turned into a message
        _err().print(f"error: {exc}", markup=False)
        sys.exit(EXIT_USAGE)

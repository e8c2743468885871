"""Command-line values checked while parsing, so that a mistake is a one-line usage error (exit 2) before any work.

One rule for paths: ``--out DIR`` always names a folder (``-`` where a command can write its one output to stdout);
an option that names a file says so in its metavar (``--errors FILE``) and refuses a folder or a trailing slash.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from .._errors import ArchivistError
from ._help import UsageMistake

#: Suffixes of the files archivist reads and writes: a folder named like this is almost surely a mistaken file name.
FILE_SUFFIXES = (".json", ".jsonl", ".jsonld", ".xml", ".epub", ".zip", ".csv", ".txt", ".html", ".htm", ".sqlite")


def _name(param: typer.CallbackParam) -> str:
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
    return opts[0] if opts else (param.metavar or param.name or "value")


def _os_reason(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return reason[0].lower() + reason[1:] if reason else reason


def out_folder(param: typer.CallbackParam, value: str | None) -> str | None:
    """``--out DIR``: a folder (new or existing), or ``-`` for stdout; never an existing file or a file-like name."""
    if value is None or value == "-":
        return value
    option = _name(param)
    if value.strip() == "":
        raise UsageMistake(f"{option}: empty; give a folder (DIR)")
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise UsageMistake(f"{option} {value}: is an existing file, but {option} names a folder (DIR)")
    if not path.exists() and not value.endswith(("/", os.sep)) and path.suffix.lower() in FILE_SUFFIXES:
        raise UsageMistake(f"{option} {value}: looks like a file name, but {option} names a folder (DIR); "
                           f"to write a single output to a file, use {option} - > FILE")
    return value


def out_file(param: typer.CallbackParam, value: str | None) -> str | None:
    """An option naming a file to write: refuse a trailing slash or an existing folder."""
    if value is None or value == "-":
        return value
    option, text = _name(param), value
    if text.endswith(("/", os.sep)) or Path(text).is_dir():
        raise UsageMistake(f"{option} {text}: is a folder, but {option} names a file (FILE)")
    return value


def in_file(param: typer.CallbackParam, value: Path | None) -> Path | None:
    """An option naming a file to read: it must exist, be a regular file and be readable."""
    if value is not None:
        readable_file(_name(param), value)
    return value


def in_files(param: typer.CallbackParam, values: list[Path] | None) -> list[Path]:
    """Input files given as arguments: each must exist, be a regular file and be readable."""
    for value in values or ():
        readable_file(None, value)
    return list(values or ())


def readable_file(option: str | None, value: str | os.PathLike[str]) -> None:
    """Raise UsageMistake unless ``value`` is a readable regular file (named with its option when there is one)."""
    text = os.fspath(value)
    label = f"{option} {text}" if option else text
    try:
        mode = os.stat(text).st_mode
    except OSError as exc:
        raise UsageMistake(f"{label}: {_os_reason(exc)}") from None
    if stat.S_ISDIR(mode):
        raise UsageMistake(f"{label}: is a folder; a file is expected here")
    if not stat.S_ISREG(mode):
        raise UsageMistake(f"{label}: not a regular file")
    try:
        with open(text, "rb"):
            pass
    except OSError as exc:
        raise UsageMistake(f"{label}: {_os_reason(exc)}") from None


def record_field(*path: str, stored: Callable[[str], str] | None = None,
                 ) -> Callable[[typer.CallbackParam, str | None], str | None]:
    """A callback checking a value against the record schema at ``path`` (e.g. retrieval, retrieved_at); with
    ``stored``, the form the library will store (``_clock.in_utc`` for a time with an offset) is checked.

    The records package and its validator are loaded on the first value to check: starting the program costs nothing."""

    def check(param: typer.CallbackParam, value: str | None) -> str | None:
        if value is None:
            return value
        from ..records import json_pointer, language_problems, meant, record_validator

        validator = record_validator()
        schema: Any = validator.schema
        for key in path:
            schema = schema["properties"][key]
        if not validator.evolve(schema=schema).is_valid(stored(value) if stored else value):
            expected = schema.get("x-expected") or (
                "one of " + ", ".join(map(str, schema["enum"])) if "enum" in schema else "a value the schema accepts")
            hint = f"; did you mean {meant(value)!r}?" if path == ("language",) and meant(value) else ""
            raise UsageMistake(f"{_name(param)} {value!r}: expected {expected} (record field {json_pointer(path)})"
                               + hint)
        for problem in language_problems({"language": value}, well_formed=True) if path == ("language",) else ():
            raise UsageMistake(f"{_name(param)}: {problem.message}")
        return value

    return check


def encoding_name(param: typer.CallbackParam, value: str | None) -> str | None:
    """``--encoding``: a codec Python knows."""
    if value is not None:
        try:
            codecs.lookup(value)
        except LookupError:
            raise UsageMistake(f"{_name(param)} {value!r}: unknown text encoding (e.g. utf-8, windows-1252, "
                               "iso-8859-1)") from None
    return value


def checked(parse: Callable[[str], object]) -> Callable[[typer.CallbackParam, str | None], str | None]:
    """A callback checking one value with the library's own parser ``parse`` (raises ArchivistError)."""

    def check(param: typer.CallbackParam, value: str | None) -> str | None:
        if value is not None:
            try:
                parse(value)
            except ArchivistError as exc:
                raise UsageMistake(f"{_name(param)} {value!r}: {getattr(exc, 'reason', exc)}") from None
        return value

    return check


def subjects(parse: Callable[[str], object]) -> Callable[[typer.CallbackParam, list[str] | None], list[str]]:
    """A callback checking each ``--subject`` (or other repeated value) with the library's own parser ``parse``
    (raises ArchivistError)."""

    def check(param: typer.CallbackParam, values: list[str] | None) -> list[str]:
        for value in values or ():
            try:
                parse(value)
            except ArchivistError as exc:
                raise UsageMistake(f"{_name(param)} {value!r}: {getattr(exc, 'reason', exc)}") from None
        return list(values or ())

    return check

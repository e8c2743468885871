"""Example command lines, as written in help epilogs and README ``sh`` blocks: split them, parse them with the
CLI."""

from __future__ import annotations

import re
import shlex
from typing import Any

from typer.main import get_command

from archivist.cli import app

_SEPARATORS = {"|", "||", "&&", ";", "&"}
_REDIRECTS = {">", ">>", "<", "2>", "2>>", "&>"}


def command_lines(text: str) -> list[str]:
    """Shell command lines in ``text``: backslash continuations joined, blank and comment-only lines dropped."""
    joined = re.sub(r"\\\n", " ", text)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def sh_blocks(markdown: str) -> list[str]:
    """The bodies of the fenced ```sh (or ```bash, ```shell) blocks of a Markdown text."""
    return re.findall(r"^```(?:sh|bash|shell)[ \t]*\n(.*?)^```", markdown, flags=re.MULTILINE | re.DOTALL)


def invocations(line: str) -> list[list[str]]:
    """The argument lists (after the program name) of every ``archivist`` command in one shell line."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    segments: list[list[str]] = [[]]
    tokens = list(lexer)
    skip = False
    for token in tokens:
        if skip:
            skip = False
        elif token in _SEPARATORS:
            segments.append([])
        elif token in _REDIRECTS:
            skip = True
        else:
            segments[-1].append(token)
    return [segment[1:] for segment in segments if segment and segment[0] == "archivist"]


def parse_error(argv: list[str]) -> str | None:
    """None when ``archivist argv`` parses (every option known, every value accepted), else the error message.

    Parsing runs the option callbacks, so input files named by options must exist relative to the working directory.
    """
    group: Any = get_command(app)
    try:
        with group.make_context("archivist", [], resilient_parsing=True) as parent:
            if not argv or argv[0].startswith("-"):
                return None if argv in ([], ["--version"], ["--help"], ["-h"]) else f"unexpected {argv}"
            name, *rest = argv
            command = group.get_command(parent, name)
            if command is None:
                return f"no such command {name!r}"
            command.make_context(name, rest, parent=parent).close()
    except Exception as exc:  # click's exceptions are not public in every Typer version
        if hasattr(exc, "format_message"):
            return f"archivist {shlex.join(argv)}: {exc.format_message()}"
        raise
    return None

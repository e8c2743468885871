"""Command-line help and usage errors as a Unix tool shows them.

Help is plain text that fits 80 columns: a usage line with the metavars a person reads (``RECORDS...``, ``DIR``),
the summary, the arguments and options with their defaults, and an Examples section from the command's epilog.
A mistake on the command line is one ``error:`` line on stderr and exit code 2, never a usage box or a traceback.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from enum import Enum
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

EXIT_USAGE = 2
EXAMPLES_HEADING = "Examples:"


class UsageMistake(typer.BadParameter):
    """A command-line value that cannot be right; its message already names the option and says what was expected."""

    def format_message(self) -> str:
        return self.message


def examples(*lines: str) -> str:
    """An epilog of examples: each item is a command line, optionally followed by ``  # what it does``."""
    return "\n".join([EXAMPLES_HEADING, *lines])


def usage_error_line(exc: Any) -> str:
    """The one line shown for a command-line mistake found while parsing (a click UsageError or ClickException)."""
    message = " ".join(str(exc.format_message()).split()).rstrip(".")
    if len(message) > 1 and message[0].isupper() and message[1].islower():
        message = message[0].lower() + message[1:]
    ctx = getattr(exc, "ctx", None)
    hint = f" (see: {ctx.command_path} --help)" if ctx is not None and not isinstance(exc, UsageMistake) else ""
    return f"error: {message}{hint}"


def _option_names(param: TyperOption) -> str:
    """``-o, --out DIR`` or ``--check-files / --no-check-files``: short names first, then the metavar."""
    short = [o for o in param.opts if not o.startswith("--")]
    names = ", ".join(short + [o for o in param.opts if o.startswith("--")])
    if param.secondary_opts:
        names += " / " + ", ".join(param.secondary_opts)
    if not param.is_flag:
        names += f" {_metavar(param)}"
    return names


def _metavar(param: TyperOption | TyperArgument) -> str:
    """The parameter's metavar (its name in capitals if it has none), with ``...`` when it takes many values."""
    name = param.metavar or (param.name or "value").upper()
    return name + ("..." if param.nargs != 1 and not name.endswith("...") else "")


def _default(param: TyperOption) -> str | None:
    """The default worth showing: a value, or the flag that is on by default; None for no value or a plain flag."""
    default = param.default
    if callable(default) or default is None or param.required or default == [] or default == ():
        return None
    if param.is_flag:
        if not param.secondary_opts:
            return None
        return (param.opts if default else param.secondary_opts)[-1]
    if isinstance(default, Enum):
        default = default.value
    return str(default) if str(default) != "" else None


def _off_when_absent(option: Any) -> Any:
    """The ``--help`` option, False rather than None when not given: typer takes a bool flag as it is but coerces a
    None through a pydantic adapter, which would import pydantic (about 0.1 s) for every ``COMMAND --help``."""
    if option is not None and option.default is None:
        option.default = False
    return option


class HelpCommand(TyperCommand):
    """A command whose ``--help`` is plain Unix-style text with an Examples section."""

    def get_help_option(self, ctx: Any) -> Any:
        """Click's ``--help``, False when not given (see ``_off_when_absent``)."""
        return _off_when_absent(super().get_help_option(ctx))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """``[OPTIONS] RECORDS...``: arguments by metavar, optional ones in brackets (no ``{}`` or type names)."""
        pieces = [self.options_metavar or "[OPTIONS]"]
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                pieces.append(_metavar(param) if param.required else f"[{_metavar(param)}]")
        return pieces

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Usage, the help text, Arguments, Options and the Examples epilog."""
        self.format_usage(ctx, formatter)
        _write_text(formatter, self.help)
        arguments = [(_metavar(p), p.help or "") for p in self.get_params(ctx)
                     if isinstance(p, TyperArgument) and not p.hidden]
        options = [(_option_names(p), _with_default(p)) for p in self.get_params(ctx)
                   if isinstance(p, TyperOption) and not p.hidden]
        for heading, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(heading):
                    formatter.write_dl(rows)
        _write_epilog(formatter, self.epilog)


class HelpGroup(TyperGroup):
    """The top-level command: plain help listing the commands, and one-line usage errors for every command."""

    def get_help_option(self, ctx: Any) -> Any:
        """Click's ``--help``, False when not given (see ``_off_when_absent``)."""
        return _off_when_absent(super().get_help_option(ctx))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Usage, the help text, Options, the commands with their summaries and the Examples epilog."""
        self.format_usage(ctx, formatter)
        _write_text(formatter, self.help)
        options = [(_option_names(p), _with_default(p)) for p in self.get_params(ctx)
                   if isinstance(p, TyperOption) and not p.hidden]
        commands = [(name, command.get_short_help_str(limit=200))
                    for name in self.list_commands(ctx)
                    if (command := self.get_command(ctx, name)) is not None and not command.hidden]
        for heading, rows in (("Options", options), ("Commands", commands)):
            if rows:
                with formatter.section(heading):
                    formatter.write_dl(rows)
        _write_epilog(formatter, self.epilog)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run the program, turning any usage error into one line (see ``_one_line_errors``)."""
        return _one_line_errors(super().main, *args, **kwargs)


class HelpTyper(typer.Typer):
    """A Typer app whose commands default to HelpCommand, so a command added later gets the same help and errors."""

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None,  # type: ignore[override]
                **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Typer's ``command`` decorator with HelpCommand as the default class."""
        return super().command(name, cls=cls or HelpCommand, **kwargs)


def _with_default(param: TyperOption) -> str:
    """The option's help followed by ``[default: …]`` when there is one to show."""
    default = _default(param)
    return (param.help or "") + (f"  [default: {default}]" if default is not None else "")


def _write_text(formatter: Any, text: str | None) -> None:
    """A help text as indented, rewrapped paragraphs."""
    if text:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(inspect.cleandoc(text))


def _write_epilog(formatter: Any, epilog: str | None) -> None:
    """The epilog line by line as written (example command lines must not be rewrapped)."""
    if not epilog:
        return
    lines = inspect.cleandoc(epilog).splitlines()
    formatter.write_paragraph()
    if lines and lines[0].strip() == EXAMPLES_HEADING:
        formatter.write_heading(EXAMPLES_HEADING.rstrip(":"))
        lines = lines[1:]
    with formatter.indentation():
        for line in lines:
            formatter.write(f"{'':>{formatter.current_indent}}{line}\n" if line.strip() else "\n")


def _one_line_errors(main: Callable[..., Any], *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
    """Run a click ``main`` so that a usage error prints one ``error:`` line and exits 2 (standalone mode)."""
    if not standalone_mode:
        return main(*args, standalone_mode=False, **kwargs)
    try:
        result = main(*args, standalone_mode=False, **kwargs)
    except Exception as exc:  # click's exception classes are not public in every Typer version: match by shape
        if type(exc).__name__ == "Abort":
            print("error: aborted", file=sys.stderr)
            sys.exit(1)
        if not (hasattr(exc, "exit_code") and hasattr(exc, "format_message")):
            raise
        if type(exc).__name__ == "NoArgsIsHelpError":
            print(exc.format_message(), file=sys.stderr)
        else:
            print(usage_error_line(exc), file=sys.stderr)
        sys.exit(exc.exit_code)
    sys.exit(result if isinstance(result, int) else 0)

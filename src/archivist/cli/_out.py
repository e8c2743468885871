"""What a command prints, and where: the one output policy every ``archivist`` command follows.

Data (a report, a record, a schema) goes to stdout; messages go to stderr. ``-q`` keeps only errors, the default
adds warnings and a summary, ``-v`` adds a line per file written or record checked. rich is imported when a
command first prints, not when the program starts (``--help`` does without it).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated

import typer

from ._help import UsageMistake

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

QUIET_HELP = "Print nothing but errors (check the exit code)."

Quiet = Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)]


class Say:
    """Prints for one command run: ``data`` to stdout always, ``error`` always, ``info`` and ``warn`` unless quiet,
    ``detail`` only when verbose."""

    def __init__(self, quiet: bool = False, verbose: bool = False) -> None:
        if quiet and verbose:
            raise UsageMistake("-q/--quiet and -v/--verbose contradict each other: give one of them")
        from rich.console import Console

        self.quiet, self.verbose = quiet, verbose
        self._out = Console(highlight=False, soft_wrap=True)
        self._err = Console(stderr=True, highlight=False, soft_wrap=True)
        self._take_library_warnings()

    def _take_library_warnings(self) -> None:
        """Make this the run's one warning channel: a Python warning or a library's log record (WARNING or more)
        is printed as one ``warning:`` line, and not at all with ``-q``; never as a source line or a traceback."""
        warnings.showwarning = lambda message, *_, **__: self.warn(str(message))
        root = logging.getLogger()
        for handler in [h for h in root.handlers if isinstance(h, _Warned)]:
            root.removeHandler(handler)
        root.addHandler(_Warned(self))

    @property
    def console(self) -> Console:
        """The stderr console messages go to (a progress bar drawn on it keeps them above itself)."""
        return self._err

    def data(self, text: str | Text) -> None:
        """A line of the command's data (its report or listing), on stdout."""
        self._out.print(text, markup=False)

    def error(self, message: str) -> None:
        """An error, on stderr, whatever the verbosity."""
        self._err.print(_labelled("error:", "bold red", message))

    def warn(self, message: str) -> None:
        """Something the user should know but that did not fail, on stderr unless quiet."""
        if not self.quiet:
            self._err.print(_labelled("warning:", "yellow", message))

    def info(self, message: str | Text) -> None:
        """A summary line, on stderr unless quiet."""
        if not self.quiet:
            self._err.print(message, markup=False)

    def detail(self, message: str) -> None:
        """A line per file or record, on stderr only with -v."""
        if self.verbose:
            self._err.print(message, markup=False)

    def problems(self, problems: Iterable[object], *, as_data: bool = False) -> None:
        """Record problems (``path[:line]: /pointer: message``), always shown: on stdout when they are the report."""
        from rich.text import Text

        console = self._out if as_data else self._err
        for problem in problems:
            text = str(problem)
            where = getattr(problem, "where", lambda: "")()
            if where and text.startswith(where):
                console.print(Text.assemble((where + ":", "red"), text[len(where) + 1:]))
            else:
                console.print(Text(text))


def styled(text: str, style: str) -> Text:
    """``text`` shown in ``style`` (``green``, ``bold red``) by ``Say``: a summary line coloured by the outcome."""
    from rich.text import Text

    return Text(text, style=style)


def _labelled(label: str, style: str, message: str) -> Text:
    """``label message`` with only the label styled (``error:`` in bold red)."""
    from rich.text import Text

    return Text.assemble((label, style), " ", message)


def verbose_option(more: str) -> object:
    """The ``-v/--verbose`` option, its help saying what this command adds."""
    return typer.Option("--verbose", "-v", help=f"Also print {more}.")



class _Warned(logging.Handler):
    """Libraries' log records of level WARNING or more, said through :meth:`Say.warn`."""

    def __init__(self, say: Say) -> None:
        super().__init__(logging.WARNING)
        self.say = say

    def emit(self, record: logging.LogRecord) -> None:
        self.say.warn(record.getMessage())

"""The program's entry point: the command line, with Ctrl-C while Python still loads it a clean stop too.

Loading the command line imports typer and archivist's small command-line modules (a tenth of a second, more on a
busy machine); a Ctrl-C in that time would otherwise end in a traceback, before typer's interruption handling (a
quiet exit 130, also while a command imports the library it calls) or the command's own exists.
"""

from __future__ import annotations

import signal
import sys


def main() -> None:
    """Load and run the command line; exit 130 with one line if interrupted while loading."""
    try:
        from ._app import main as run
    except BaseException as exc:
        if not _interrupted(exc):
            raise
        sys.stderr.write("stopped by SIGINT while starting; nothing was done\n")
        raise SystemExit(128 + signal.SIGINT) from None
    run()


def _interrupted(exc: BaseException | None) -> bool:
    """Whether ``exc`` is, or was raised because of, a KeyboardInterrupt (Python 3.11 wraps one raised while a
    class body is being set up in a RuntimeError)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, KeyboardInterrupt):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False

"""The ``archivist`` command line: each command parses its options, makes one library call and prints.

``app`` (the Typer application) and ``main`` (the console script) are imported on first use, so that the entry point
(:mod:`._entry`) can load the command line under its own Ctrl-C handling.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name in ("app", "main"):
        from . import _app

        return getattr(_app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main"]

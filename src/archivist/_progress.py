"""A progress bar on stderr (records/s and ETA) when stderr is a terminal; nothing otherwise."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ._errors import SourceError
from .records import record_files


def count_records(paths: Iterable[str]) -> int | None:
    """A quick count of the records under ``paths`` (JSON files count 1, JSON Lines their non-blank lines);
    None when it cannot be known in advance (stdin) or a path cannot be read."""
    total = 0
    try:
        for file in record_files(paths):
            if file == "-":
                return None
            if file.endswith(".jsonl"):
                with open(file, "rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            else:
                total += 1
    except (SourceError, OSError):
        return None
    return total


class _RateColumn(TextColumn):
    def __init__(self) -> None:
        super().__init__("")

    def render(self, task):  # type: ignore[no-untyped-def]
        speed = task.finished_speed or task.speed
        return f"{speed:,.0f} records/s" if speed else "– records/s"


@contextmanager
def progress_reporter(paths: list[str], *, enabled: bool = True) -> Iterator[Callable[[], None]]:
    """Yield a function to call once per record; draws a bar only when enabled and stderr is a TTY."""
    if not enabled or not sys.stderr.isatty() or os.environ.get("TERM") == "dumb":
        yield lambda: None
        return
    total = count_records(paths)
    columns = [TextColumn("exporting"), BarColumn(), MofNCompleteColumn(), _RateColumn(), TimeRemainingColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("export", total=total)
        yield lambda: progress.advance(task)

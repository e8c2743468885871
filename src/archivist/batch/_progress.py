"""The progress of a batch on stderr: a live bar (records/s and time left, once warmed up) when stderr is a
terminal, with every problem printed above it through the same console, so no line is drawn over the bar."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.text import Text

from .._errors import ArchivistError
from .._paths import open_regular
from ..records import record_files

WARM_UP = 2.0  # seconds before a rate is shown: the first records (already current, or the cheap ones) mislead


def count_records(paths: Iterable[str]) -> int | None:
    """A quick count of the records under ``paths`` (JSON files count 1, JSON Lines their non-blank lines);
    None when it cannot be known in advance (stdin) or a path cannot be read."""
    total = 0
    try:
        for file in record_files(paths):
            if file == "-":
                return None
            if file.endswith(".jsonl"):
                with open_regular(file) as handle:
                    total += sum(1 for line in handle if line.strip())
            else:
                total += 1
    except (ArchivistError, OSError):
        return None
    return total


class _Rate(ProgressColumn):
    """Records per second since the warm-up ended, and the time left at that rate; a dash until then."""

    def __init__(self) -> None:
        super().__init__()
        self._start: dict[TaskID, tuple[float, float]] = {}

    def speed(self, task: Task) -> float | None:
        elapsed = task.finished_time if task.finished else task.elapsed
        if elapsed is None or elapsed < WARM_UP:
            return None
        start = self._start.setdefault(task.id, (elapsed, task.completed))
        if elapsed - start[0] < 1.0:
            return None
        return (task.completed - start[1]) / (elapsed - start[0])

    def render(self, task: Task) -> Text:
        speed = self.speed(task)
        if speed is None:
            return Text("– records/s  ETA –:––:––", style="progress.data.speed")
        text = f"{speed:,.0f} records/s"
        if task.total is not None and speed > 0:
            seconds = int(max(task.total - task.completed, 0) / speed)
            text += f"  ETA {seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        return Text(text, style="progress.data.speed")


@dataclass
class Display:
    """Where a batch reports: ``console`` for problems (above the bar when one is drawn), ``advance()`` per record."""

    console: Console
    progress: Progress | None = None
    task: TaskID | None = None

    def advance(self) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task)


@contextmanager
def progress_reporter(paths: list[str], *, enabled: bool = True, console: Console | None = None) -> Iterator[Display]:
    """Yield the batch's display: a bar on ``console`` (stderr by default) when enabled and it is a terminal; the
    bar is cleared when the block ends, so the summary printed next stands alone."""
    console = console or Console(stderr=True)
    if not enabled or not console.is_terminal or os.environ.get("TERM") == "dumb":
        yield Display(console)
        return
    total = count_records(paths)
    columns = [TextColumn("exporting"), BarColumn(), MofNCompleteColumn(), _Rate()]
    with Progress(*columns, console=console, transient=True, redirect_stdout=False, redirect_stderr=False) as progress:
        yield Display(console, progress, progress.add_task("export", total=total))

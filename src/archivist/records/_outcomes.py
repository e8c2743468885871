"""Validation runs over many sources: per-record outcomes and a summary, shared by the CLI and batch code."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ._load import Entry, read_records
from ._problems import Problem
from ._validate import check_entry


@dataclass(frozen=True)
class Outcome:
    """One record's result: where it came from and its problems (none when valid)."""

    entry: Entry
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Summary:
    """Counts for a run over many records."""

    records: int = 0
    valid: int = 0
    invalid: int = 0
    problems: int = 0
    files: set[str] = field(default_factory=set)

    def add(self, outcome: Outcome) -> None:
        self.records += 1
        self.files.add(outcome.entry.file)
        if outcome.ok:
            self.valid += 1
        else:
            self.invalid += 1
            self.problems += len(outcome.problems)

    def to_dict(self) -> dict[str, Any]:
        return {"records": self.records, "valid": self.valid, "invalid": self.invalid,
                "errors": self.problems, "files": len(self.files)}

    def __str__(self) -> str:
        files = len(self.files)
        return (f"{self.records} record{'s' if self.records != 1 else ''} in {files} file{'s' if files != 1 else ''}: "
                f"{self.valid} valid, {self.invalid} invalid ({self.problems} error{'s' if self.problems != 1 else ''})")


def validate_paths(paths: Iterable[str | os.PathLike[str]], *, check_files: bool = True,
                   stdin: BinaryIO | None = None) -> Iterator[Outcome]:
    """Validate every record under ``paths`` lazily, one Outcome per record (SourceError for bad paths)."""
    for entry in read_records(*paths, stdin=stdin):
        yield Outcome(entry, tuple(check_entry(entry, check_files=check_files)))

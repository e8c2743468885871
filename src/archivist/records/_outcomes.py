"""Runs over many records: each record's outcome (with a typed status) and one summary that counts them, shared
by validation, the batch export and the CLI."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, BinaryIO

from .._words import counted
from ._load import Entry, read_records
from ._problems import Problem
from ._validate import check_entry


class Status(Enum):
    """What became of one record: valid (validation only), exported, checked (a dry run), already current (a
    resumed run), invalid (its problems say why) or crashed (an export raised)."""

    VALID = "valid"
    EXPORTED = "exported"
    CHECKED = "checked"
    CURRENT = "current"
    INVALID = "invalid"
    CRASHED = "crashed"


@dataclass(frozen=True)
class Outcome:
    """One record's result: where it came from, its problems (none when it went well) and its status."""

    entry: Entry
    problems: tuple[Problem, ...]
    status: Status = Status.VALID

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Summary:
    """Counts for a run over many records. A validation run counts valid and invalid records, their problems and
    files; a batch (``batch=True``) counts exported, checked, already current and failed records, the files per
    format, and the packages and warnings it wrote."""

    batch: bool = False
    records: int = 0
    invalid: int = 0
    problems: int = 0
    exported: int = 0
    checked: int = 0
    current: int = 0
    files: set[str] = field(default_factory=set)
    per_format: Counter[str] = field(default_factory=Counter)
    packages: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.records

    @property
    def valid(self) -> int:
        return self.records - self.invalid

    @property
    def failed(self) -> int:
        return self.invalid

    def add(self, outcome: Outcome) -> None:
        """Count one record's outcome (a batch does not keep the set of input files: it can be very long)."""
        self.records += 1
        if not self.batch:
            self.files.add(outcome.entry.file)
        if not outcome.ok:
            self.invalid += 1
            self.problems += len(outcome.problems)
        elif outcome.status is Status.EXPORTED:
            self.exported += 1
        elif outcome.status is Status.CHECKED:
            self.checked += 1
        elif outcome.status is Status.CURRENT:
            self.current += 1

    def to_dict(self) -> dict[str, Any]:
        if self.batch:
            return {"read": self.records, "exported": self.exported, "checked": self.checked,
                    "already_current": self.current, "failed": self.invalid, "per_format": dict(self.per_format),
                    "packages": [str(p) for p in self.packages], "warnings": list(self.warnings)}
        return {"records": self.records, "valid": self.valid, "invalid": self.invalid, "errors": self.problems,
                "files": len(self.files)}

    def __str__(self) -> str:
        if not self.batch:
            return (f"{counted(self.records, 'record')} in {counted(len(self.files), 'file')}: {self.valid} valid, "
                    f"{self.invalid} invalid ({counted(self.problems, 'error')})")
        text = f"{counted(self.records, 'record')} read: "
        text += f"{self.checked} valid (not exported)" if self.checked else f"{self.exported} exported"
        if self.current:
            text += f", {self.current} already current (resumed)"
        text += f", {self.invalid} failed"
        if self.per_format:
            text += " (" + ", ".join(f"{k} {v}" for k, v in self.per_format.items()) + ")"
        return text


def validate_paths(paths: Iterable[str | os.PathLike[str]], *, check_files: bool = True,
                   stdin: BinaryIO | None = None, strict: bool = False) -> Iterator[Outcome]:
    """Validate every record under ``paths`` lazily, one Outcome per record (SourceError for bad paths); with
    ``strict``, catalog-quality warnings are problems too."""
    for entry in read_records(*paths, stdin=stdin):
        problems = tuple(check_entry(entry, check_files=check_files, strict=strict))
        yield Outcome(entry, problems, Status.INVALID if problems else Status.VALID)

"""The exception hierarchy: every error archivist raises derives from ArchivistError."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ._words import counted

if TYPE_CHECKING:
    from .records import Problem


class ArchivistError(Exception):
    """Root of every exception archivist raises on purpose."""


class SourceError(ArchivistError):
    """A path cannot be read as record input (missing, unreadable, or holds no records)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class RecordInvalid(ArchivistError):
    """A record (or a record file) has problems; ``problems`` holds every one of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        if not self.problems:
            return "record is invalid"
        first = str(self.problems[0])
        more = len(self.problems) - 1
        return first if not more else f"{first} (and {counted(more, 'more problem')})"


class UnknownFormat(ArchivistError, KeyError):
    """An export format name that is not in the registry."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        self.known = tuple(sorted(known))
        super().__init__(f"unknown format {name!r}; valid formats: {', '.join(self.known)}")

    def __str__(self) -> str:
        return str(self.args[0])


class ExportError(ArchivistError):
    """A valid record could not be exported to a format."""


class IngestError(ArchivistError):
    """A capture could not be turned into a record."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")

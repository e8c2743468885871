"""The interface of catalog packages: writers that gather many records into one deliverable."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar

from .._defaults import PACKAGE_BASE_URL, PLACEHOLDER_REPOSITORY_ID
from .._paths import UnsafePath, inside

Record = dict[str, Any]
Warn = Callable[[str], None]
"""Where a package's warnings go: the run's one warning channel (the engine's ``warn``), never Python's warnings
module or logging, so ``-q`` silences them with everything else."""
Spread = Callable[[Callable[[Any], Any], Sequence[Any]], Sequence[Any]]
"""A parallel map: ``spread(function, items)`` runs a module-level ``function`` on each item, maybe on other
machines, and gives the results in order."""


@dataclass(frozen=True)
class PackageSettings:
    """What a package needs to know that records do not say; None means unknown (then it is left out)."""

    base_url: str = PACKAGE_BASE_URL  # a placeholder no one can reach (RFC 2606)
    repository_id: str = PLACEHOLDER_REPOSITORY_ID
    dspace_collection: str | None = None
    source_organization: str | None = None
    external_identifier: str | None = None
    sources: tuple[str, ...] = ()
    """The record paths the batch reads (the engine sets them): a package that lists withdrawn records (oai-static)
    finds their tombstones in those folders."""
    warn: Warn | None = field(default=None, compare=False, repr=False)
    """The run's warning channel (set by the engine; dropped when the settings travel to a cluster worker, whose
    package parts hand their warnings back to the client in :meth:`PackagePart.close`'s summary)."""

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "warn": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


class PackagePart(ABC):
    """A package's share of some consecutive records, written elsewhere (on a cluster worker) into a folder of its
    own, then joined to the package in input order by :meth:`Package.join`. It runs the package's own per-record
    code, so a package joined from parts has the bytes of one built record by record."""

    def __init__(self, folder: Path, root: Path, settings: PackageSettings) -> None:
        self.folder, self.root, self.settings = folder, root, settings

    @abstractmethod
    def add(self, record: Record, exports: Mapping[str, Path], base: Path | None) -> None:
        """Add a valid record, as :meth:`Package.add` does."""

    @abstractmethod
    def close(self) -> Any:
        """Finish the files in the folder; returns what the join needs besides them (small: it travels back to
        the client), e.g. a count. Called also when the part is given up (its folder is then removed)."""


class Package(ABC):
    """A writer for one package format. Use it as a context manager: ``finish()`` runs on success, ``abort()``
    (which removes partial output) on error, so nothing half written is left under its final name."""

    name: ClassVar[str]
    description: ClassVar[str]
    payload: ClassVar[str | None] = None
    """When the package wraps the output folder (bagit), the folder inside it that holds every other output."""
    order: ClassVar[int] = 0
    """Packages are built in ascending order; one that wraps the output folder goes last, to list the others."""

    def __init__(self, root: Path, settings: PackageSettings) -> None:
        self.root = Path(root)
        self.settings = settings

    def warn(self, message: str) -> None:
        """Tell the run's user something went less than right (through the engine's one channel, see :data:`Warn`)."""
        if self.settings.warn is not None:
            self.settings.warn(message)

    spread: Spread | None = None
    """A parallel map the engine gives when it has one (a cluster), for work in :meth:`finish` (bagit's hashing)."""
    splits: ClassVar[bool] = False
    """Whether the package can be built from parts (:meth:`part`, :meth:`join`); one that cannot is given every
    record by :meth:`add`, wherever the records were exported."""

    @classmethod
    def part(cls, folder: Path, root: Path, settings: PackageSettings) -> PackagePart:
        """A writer of this package's share of some records into the new, empty ``folder``; ``root`` is where
        the package itself is written."""
        raise NotImplementedError(f"{cls.name} cannot be built from parts")

    def join(self, folder: Path, summary: Any) -> None:
        """Append a part (its ``folder`` and what its :meth:`PackagePart.close` returned), parts in input order."""
        raise NotImplementedError(f"{self.name} cannot be built from parts")

    @classmethod
    def swept(cls, out: Path) -> list[tuple[Path, bool]]:
        """Folders of the output folder ``out``, besides itself, where the package leaves temporary files when
        interrupted, each with whether to sweep the folders under it too."""
        return []

    @abstractmethod
    def add(self, record: Record, exports: Mapping[str, Path], base: Path | None) -> None:
        """Add a valid record; ``exports`` are its per-record files already written, ``base`` the directory its
        ``files`` paths are relative to (None when unknown, e.g. stdin)."""

    @abstractmethod
    def finish(self) -> list[Path]:
        """Complete the package and return the paths it wrote."""

    @abstractmethod
    def abort(self) -> None:
        """Remove partial output."""

    def __enter__(self) -> Package:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.finish()
        else:
            self.abort()


def original_files(record: Record, base: Path | None) -> list[tuple[dict[str, Any], Path]]:
    """The record's listed files that exist on disk as regular files inside ``base`` (symbolic links resolved),
    with their real paths. Validation reports the others (``check_entry``); they are never read."""
    if base is None:
        return []
    found = []
    for entry in record.get("files", []):
        try:
            path = inside(base, entry["path"])
        except UnsafePath:
            continue
        if path.is_file():
            found.append((entry, path))
    return found

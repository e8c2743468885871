"""Packages built from parts on a cluster, so the client never reads the input a second time to build them.

Each partition task writes, for every package that can be split (:attr:`Package.splits`), its records' share of
the package with the package's own per-record code, into a folder named by the partition's key under the run's
work folder. The folder is written under a temporary name and renamed whole, so a task killed midway leaves no
half-written part and a task run twice leaves one. The client joins the parts to its packages in input order.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..batch._work import RecordResult
from ..packages import Package, PackagePart, PackageSettings, Spread
from ..packages import get as get_package
from ..records import Status

if TYPE_CHECKING:
    from distributed import Client

PARTS = "parts"  # in the run's work folder: one folder per partition, one folder per package in it
TASK_RETRIES = 2  # a task that raises is tried this many more times (as the partition tasks)


@dataclass(frozen=True)
class PartsJob:
    """What a partition task needs to write package parts: the packages' names and the folders they are written
    to, their settings, and the folder the parts go to."""

    names: tuple[str, ...]
    roots: tuple[str, ...]
    settings: PackageSettings
    folder: str


def parts_job(packages: Sequence[Package], work: Path) -> PartsJob | None:
    """The parts to write for the ``packages`` that can be split (None when none can), under ``work``."""
    split = [package for package in packages if package.splits]
    if not split:
        return None
    return PartsJob(tuple(p.name for p in split), tuple(str(p.root.resolve()) for p in split), split[0].settings,
                    str((work / PARTS).resolve()))


class PartWriters:
    """The package parts of one partition (on a worker): records are added in input order; :meth:`close` puts the
    folder in place and returns what each part tells the join; :meth:`abort` removes it. Does nothing without a
    job."""

    def __init__(self, job: PartsJob | None, key: str) -> None:
        self.job, self.key = job, key
        self._parts: dict[str, PackagePart] = {}
        self._temp: Path | None = None
        if job is None:
            return
        Path(job.folder).mkdir(parents=True, exist_ok=True)
        self._temp = Path(tempfile.mkdtemp(prefix=f".{key}.", suffix=".part", dir=job.folder))
        for name, root in zip(job.names, job.roots, strict=True):
            (self._temp / name).mkdir()
            self._parts[name] = get_package(name).part(self._temp / name, Path(root), job.settings)

    def add(self, record: Any, result: RecordResult, names: Sequence[str], root: str, path: str) -> None:
        """Add a record that is exported or current (its result says), read from the file at ``path``; ``names``
        are the formats, their files under ``root``."""
        if not self._parts or result.status not in (Status.EXPORTED, Status.CURRENT):
            return
        if result.outputs:
            exports = {name: Path(root) / result.outputs[name][0] for name in names}
        else:
            exports = dict(zip(names, result.current, strict=True))
        for part in self._parts.values():
            part.add(record, exports, Path(path).parent)

    def close(self) -> dict[str, Any]:
        """Finish every part and rename the folder to the partition's key (replacing what an earlier try of the
        same task left: the same bytes)."""
        summaries = {name: part.close() for name, part in self._parts.items()}
        self._parts = {}
        if self.job is not None and self._temp is not None:
            final = Path(self.job.folder) / self.key
            if final.exists():  # an earlier try of this task left it (the same bytes)
                shutil.rmtree(final, ignore_errors=True)
            os.rename(self._temp, final)
            self._temp = None
        return summaries

    def abort(self) -> None:
        """Give the parts up (the task failed): nothing of them is left."""
        for part in self._parts.values():
            with suppress(Exception):  # already failing: removing the folder is what matters
                part.close()
        self._parts = {}
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)
            self._temp = None


def spread_on(client: Client) -> Spread:
    """A parallel map on the cluster ``client`` is connected to, for the packages' work at the end of a run (a
    bag's hashing): one task per item, the results in order."""

    def spread(function: Callable[[Any], Any], items: Sequence[Any]) -> Sequence[Any]:
        token = uuid.uuid4().hex
        futures = client.map(function, items, key=[f"archivist-{token}-spread-{n}" for n in range(len(items))],
                             pure=False, retries=TASK_RETRIES)
        try:
            return list(client.gather(futures))
        except BaseException:
            with suppress(Exception):  # the cluster going away: nothing more to cancel
                client.cancel(futures)
            raise

    return spread


class PartJoiner:
    """On the client: joins each partition's parts, in input order, to the packages that were split."""

    def __init__(self, packages: Sequence[Package], job: PartsJob | None) -> None:
        self.packages = [package for package in packages if package.splits] if job is not None else []
        self.job = job

    def join(self, key: str, summaries: Mapping[str, Any]) -> None:
        """Append the parts of the partition ``key``, then remove its folder."""
        if self.job is None:
            return
        folder = Path(self.job.folder) / key
        for package in self.packages:
            package.join(folder / package.name, summaries[package.name])
        shutil.rmtree(folder, ignore_errors=True)


__all__ = ["PARTS", "PartJoiner", "PartWriters", "PartsJob", "parts_job", "spread_on"]

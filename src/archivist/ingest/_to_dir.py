"""Many captures to a directory of records: files, WARCs and CSV manifests, one outcome per record or failure.

A bad capture, WARC record or manifest row is reported and the others are still ingested. Two sources that
would give the same record id are an error for the second, never a silent overwrite; nor is a record (or an
original) whose file the folder held before the run, a record perhaps edited since. The folder is locked while a
run writes into it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from .._atomic import write_atomic
from .._diskmap import DiskMap
from .._errors import ArchivistError, IngestError
from .._lock import FolderLock
from .._paths import UnsafePath, read_regular
from ..curate import recover, replace_in_place
from ..records import record_bytes
from ._build import Captured, Facts, build_record
from ._chrome import ChromeRule
from ._files import check_regular_file
from ._manifest import read_manifest
from ._warc import DEFAULT_MAX_SIZE, is_warc, iter_warc

_RECORD_READ_LIMIT = 256 << 20  # a record file already in the folder larger than this is not read to compare

@dataclass(frozen=True)
class IngestOutcome:
    """One capture (or WARC record, or manifest row): the record written, an error, why it was skipped, or the
    record of the same capture that an earlier run wrote (``existing``, left as it is)."""

    source: str
    record_id: str | None = None
    written: Path | None = None
    error: IngestError | None = None
    skipped: str | None = None
    existing: Path | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


Writer = Callable[[dict[str, Any], str, dict[str, bytes]], "IngestOutcome"]


def read_capture(path: str | os.PathLike[str], facts: Facts, rules: tuple[ChromeRule, ...] | None = None,
                 original: str | None = None) -> tuple[dict[str, Any], bytes]:
    """A text or HTML capture's record and its bytes; ``original`` is the path to list it under in ``files``."""
    name = os.fspath(path)
    check_regular_file(name)
    try:
        raw = Path(name).read_bytes()
    except OSError as exc:
        raise IngestError(name, exc.strerror or str(exc)) from None
    return build_record(Captured(raw, name), facts, rules, original=original), raw


def ingest_to_dir(captures: Iterable[str | os.PathLike[str]], facts: Facts | None, out_dir: str | os.PathLike[str],
                  *, rules: tuple[ChromeRule, ...] | None = None, keep_original: bool = False,
                  max_size: int = DEFAULT_MAX_SIZE, replace: bool = False) -> Iterator[IngestOutcome]:
    """Ingest text, HTML and WARC captures with the same facts, writing ``<id>.json`` files into ``out_dir``.
    ``max_size`` bounds a WARC record's (inflated) payload in bytes; ``replace`` replaces a record already there,
    keeping its earlier version in the folder's history."""
    with FolderLock(out_dir), DiskMap() as seen:  # every id and original written: on disk, for crawls of millions
        recover(Path(out_dir))
        write = partial(write_record, out_dir=Path(out_dir), seen=seen, replace=replace)
        for capture in captures:
            yield from ingest_capture(Path(capture), facts or Facts(), os.fspath(capture), write, rules=rules,
                                      keep_original=keep_original, max_size=max_size)


def ingest_manifest(manifest: str | os.PathLike[str], out_dir: str | os.PathLike[str], *, defaults: Facts | None = None,
                    rules: tuple[ChromeRule, ...] | None = None, keep_original: bool = False,
                    base: str | os.PathLike[str] | None = None,
                    max_size: int = DEFAULT_MAX_SIZE, replace: bool = False) -> Iterator[IngestOutcome]:
    """Ingest every row of a CSV manifest into ``out_dir``; bad rows become failed outcomes naming the row. Files
    are read only from the manifest's folder, or from ``base`` when given. ``replace`` as for ingest_to_dir."""
    with FolderLock(out_dir), DiskMap() as seen:
        recover(Path(out_dir))
        write = partial(write_record, out_dir=Path(out_dir), seen=seen, replace=replace)
        for row in read_manifest(manifest, defaults, base=base):
            if isinstance(row, IngestError):
                yield IngestOutcome(row.path, error=row)
                continue
            label = f"{os.fspath(manifest)} row {row.row}"
            for outcome in ingest_capture(row.capture, row.facts, label, write, rules=rules,
                                          keep_original=keep_original, max_size=max_size):
                if outcome.error is not None and not outcome.error.path.startswith(label):
                    outcome = dataclasses.replace(outcome, error=IngestError(f"{label}: {outcome.error.path}",
                                                                 outcome.error.reason))
                yield outcome


def ingest_capture(capture: Path, facts: Facts, label: str, write: Writer, *, rules: tuple[ChromeRule, ...] | None,
                   keep_original: bool, max_size: int) -> Iterator[IngestOutcome]:
    """One capture's outcomes (a WARC gives many), each record handed to ``write(record, source, originals)``:
    :func:`write_record` here, a staging writer on a cluster's workers."""
    keep = keep_original
    if is_warc(capture):
        try:
            check_regular_file(capture)
            for item in iter_warc(capture, facts, rules=rules, keep_original=keep, max_size=max_size):
                source = f"{capture} (offset {item.offset})"
                if item.record is None:
                    yield IngestOutcome(source, error=item.error, skipped=item.skipped)
                    continue
                originals = {item.record["files"][0]["path"]: item.payload} if keep and item.payload is not None else {}
                yield write(item.record, source, originals)
        except IngestError as exc:
            yield IngestOutcome(label, error=exc)
        return
    original = f"originals/{capture.name}" if keep else None
    try:
        record, raw = read_capture(capture, facts, rules, original)
    except IngestError as exc:
        yield IngestOutcome(label, error=exc)
        return
    yield write(record, label, {original: raw} if original else {})


def _same_capture(path: Path, record: dict[str, Any]) -> bool:
    """Whether the record file at ``path`` describes the capture ``record`` comes from: the same URL and the same
    SHA-256 of the captured bytes (its other fields may have been edited since; it is never overwritten). A link
    is never followed (it may point outside the folder), nor a file too large to be a record read."""
    try:
        if path.is_symlink() or path.stat().st_size > _RECORD_READ_LIMIT:
            return False
        old = orjson.loads(read_regular(path))
    except (OSError, ValueError, UnsafePath):  # unreadable, not JSON, not a regular file: not the same
        return False
    return (isinstance(old, dict) and isinstance(old.get("retrieval"), dict) and isinstance(old.get("source"), dict)
            and old["retrieval"].get("sha256") == record["retrieval"]["sha256"]
            and old["source"].get("url") == record["source"]["url"])


def write_record(record: dict[str, Any], source: str, originals: dict[str, bytes], *, out_dir: Path,
                 seen: dict[str, str] | DiskMap, replace: bool = False) -> IngestOutcome:
    """Write a record (and its originals) into ``out_dir``, unless ``seen`` says an earlier source has its id or
    the name of one of its originals, or the folder held that record's (or original's) file before the run (with
    ``replace``, that record is replaced and its earlier version kept)."""
    record_id = record["id"]
    if record_id in seen:
        return IngestOutcome(source, record_id, error=IngestError(
            source, f"record id {record_id!r} was already written from {seen[record_id]}: give this one its own id"))
    target = out_dir / f"{record_id}.json"
    if replace and os.path.lexists(target):
        return _replace_record(record, source, originals, out_dir, seen, target)
    if os.path.lexists(target):
        if _same_capture(target, record):  # an earlier (perhaps interrupted) run of the same ingest
            seen[record_id] = source
            return IngestOutcome(source, record_id, existing=target)
        return IngestOutcome(source, record_id, error=IngestError(
            source, f"{target} is already there, the record of another capture, and was left as it is: give this "
                    "capture its own id, or move the old record away"))
    for relative in originals:
        if relative in seen and seen[relative] != source:
            return IngestOutcome(source, record_id, error=IngestError(
                source, f"its original would overwrite {relative}, kept for {seen[relative]}: rename the capture"))
        if relative not in seen and os.path.lexists(out_dir / relative):
            return IngestOutcome(source, record_id, error=IngestError(
                source, f"its original would overwrite {out_dir / relative}, there from before this run: rename the "
                        "capture or move the old file away"))
    seen[record_id] = source
    for relative, data in originals.items():
        seen[relative] = source
        write_atomic(out_dir / relative, data)
    write_atomic(target, record_bytes(record))
    return IngestOutcome(source, record_id, target)


def _replace_record(record: dict[str, Any], source: str, originals: dict[str, bytes], out_dir: Path,
                    seen: dict[str, str] | DiskMap, target: Path) -> IngestOutcome:
    """``ingest --replace`` of a record already in the folder: the earlier version goes to the folder's history
    and the new one says so; a record identical to the one there changes nothing."""
    record_id = record["id"]
    for relative in originals:
        if relative in seen and seen[relative] != source:
            return IngestOutcome(source, record_id, error=IngestError(
                source, f"its original would overwrite {relative}, kept for {seen[relative]}: rename the capture"))
    try:
        if read_regular(target) == record_bytes(record):
            seen[record_id] = source
            return IngestOutcome(source, record_id, existing=target)
        replace_in_place(out_dir, target, record, f"by a new ingest of {source}", originals)
    except (OSError, UnsafePath, ArchivistError) as exc:
        return IngestOutcome(source, record_id, error=IngestError(
            source, f"{target} could not be replaced: {getattr(exc, 'reason', None) or exc}"))
    seen[record_id] = source
    for relative in originals:
        seen[relative] = source
    return IngestOutcome(source, record_id, target)

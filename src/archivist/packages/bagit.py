"""``bagit``: make the output directory a BagIt 1.0 bag (RFC 8493) of the exports, packages and originals.

Everything the run writes goes under ``data/``; when the records were exported to METS, ``data/METS.xml`` lists
each record's METS with the SHA-256 the manifests give it. Each record's JSON and its listed original files are
copied to
``data/records/<id>/``, where the record's relative ``files`` paths still resolve (so ``archivist validate
--check-files data/records`` works inside the bag). Nothing is moved: inputs stay where they are. The tag files are
written last, so an interrupted run leaves no ``bagit.txt`` and is plainly not a finished bag. On a cluster the
copies are made by the workers, in their parts, and moved into the bag as the parts are joined; the manifests are
computed here when the bag is finished.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import __version__
from .._atomic import write_atomic
from .._clock import utc_now
from .._paths import read_regular
from ..records import record_bytes
from ._base import Package, PackagePart, PackageSettings, Record, Spread, original_files

ALGORITHMS = ("sha256", "sha512")
PAYLOAD = "data"


def bagging_date() -> str:
    """Today's UTC date, or the date of SOURCE_DATE_EPOCH when set (for reproducible bags)."""
    return utc_now().strftime("%Y-%m-%d")


def _encode(path: str) -> str:
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _digests(path: Path) -> tuple[dict[str, str], int]:
    hashes = {name: hashlib.new(name) for name in ALGORITHMS}
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            size += len(chunk)
            for h in hashes.values():
                h.update(chunk)
    return {name: h.hexdigest() for name, h in hashes.items()}, size


def _digests_of(paths: list[str]) -> list[tuple[dict[str, str], int]]:
    """The digests and size of each file (one task when the hashing is spread over a cluster)."""
    return [_digests(Path(path)) for path in paths]


_SPREAD_FILES = 500  # files hashed by one task when the hashing is spread


def write_tag_files(root: Path, settings: PackageSettings, spread: Spread | None = None) -> list[Path]:
    """Write the manifests, bag-info.txt and tag manifests for the payload under ``root/data`` (bagit.txt must
    exist already: the tag manifests list it); the files are hashed by ``spread`` when given (a cluster)."""
    paths: list[Path] = []
    for directory, dirs, files in os.walk(root / PAYLOAD):
        dirs.sort()
        paths += (Path(directory) / name for name in sorted(files))
    paths = [path for path in paths if path != root / PAYLOAD / COLLECTION_METS]  # written anew below
    if spread is None:
        found = [_digests(path) for path in paths]
    else:
        chunks = [[str(path) for path in paths[at:at + _SPREAD_FILES]] for at in range(0, len(paths), _SPREAD_FILES)]
        found = [result for chunk in spread(_digests_of, chunks) for result in chunk]
    collection = _collection_mets(root, paths, found, settings)
    if collection is not None:  # hashed from its bytes: no payload file is read here
        paths.append(root / PAYLOAD / COLLECTION_METS)
        found.append(({name: hashlib.new(name, collection).hexdigest() for name in ALGORITHMS}, len(collection)))
    entries = sorted((path.relative_to(root).as_posix(), digests) for path, (digests, _) in zip(paths, found,
                                                                                                strict=True))
    total, count = sum(size for _, size in found), len(found)
    written = []
    for algorithm in ALGORITHMS:
        lines = "".join(f"{d[algorithm]}  {_encode(p)}\n" for p, d in entries)
        write_atomic(root / f"manifest-{algorithm}.txt", lines.encode("utf-8"))
        written.append(root / f"manifest-{algorithm}.txt")
    info = []
    if settings.source_organization:
        info.append(("Source-Organization", settings.source_organization))
    if settings.external_identifier:
        info.append(("External-Identifier", settings.external_identifier))
    info += [("Bagging-Date", bagging_date()), ("Payload-Oxum", f"{total}.{count}"),
             ("Bag-Software-Agent", f"archivist {__version__}")]
    write_atomic(root / "bag-info.txt", "".join(f"{k}: {' '.join(v.split())}\n" for k, v in info).encode("utf-8"))
    tags = ["bag-info.txt"] + [f"manifest-{a}.txt" for a in ALGORITHMS]
    tag_digests = {t: _digests(root / t)[0] for t in sorted([*tags, "bagit.txt"])}
    for algorithm in ALGORITHMS:
        lines = "".join(f"{d[algorithm]}  {t}\n" for t, d in tag_digests.items())
        write_atomic(root / f"tagmanifest-{algorithm}.txt", lines.encode("utf-8"))
    written += [root / "bag-info.txt"] + [root / f"tagmanifest-{a}.txt" for a in ALGORITHMS]
    if collection is not None:
        written.insert(0, root / PAYLOAD / COLLECTION_METS)
    return written


COLLECTION_METS = "METS.xml"  # no record's file: record ids are lowercase


def _collection_mets(root: Path, paths: list[Path], found: list[tuple[dict[str, str], int]],
                     settings: PackageSettings) -> bytes | None:
    """Write ``data/METS.xml``, listing each record's METS (a record of the bag with ``<id>.mets.xml`` beside it)
    with the SHA-256 the manifests give it, and return its bytes; None (nothing written) when no record has its
    METS."""
    from ..exporters.mets import EXPORTER_EXTENSION, collection

    payload = root / PAYLOAD
    digests = dict(zip(paths, found, strict=True))
    records = sorted(p.name for p in (payload / "records").iterdir()) if (payload / "records").is_dir() else []
    listed = [(f"{rid}{EXPORTER_EXTENSION}", *digests[payload / f"{rid}{EXPORTER_EXTENSION}"]) for rid in records
              if payload / f"{rid}{EXPORTER_EXTENSION}" in digests]
    if not listed:
        return None
    label = settings.external_identifier or "archivist bag"
    data = collection([(name, d["sha256"], size) for name, d, size in listed], label, settings.source_organization)
    write_atomic(payload / COLLECTION_METS, data)
    return data


def _copy_record(root: Path, record: Record, base: Path | None) -> None:
    """Copy the record's JSON and its listed original files to ``data/records/<id>/`` of the bag at ``root``."""
    folder = root / PAYLOAD / "records" / record["id"]
    for entry, path in original_files(record, base):
        write_atomic(folder / entry["path"], read_regular(path))
    write_atomic(folder / f"{record['id']}.json", record_bytes(record))


class _Part(PackagePart):
    """The copies of some records, in ``data/records/`` of the part's folder; close() gives their ids in order."""

    def __init__(self, folder: Path, root: Path, settings: PackageSettings) -> None:
        super().__init__(folder, root, settings)
        self._ids: list[str] = []

    def add(self, record: Record, exports: Mapping[str, Path], base: Path | None) -> None:
        _copy_record(self.folder, record, base)
        self._ids.append(record["id"])

    def close(self) -> list[str]:
        return self._ids


class Bagit(Package):
    name = "bagit"
    description = "make the output directory a BagIt 1.0 bag (sha256 and sha512 manifests)"
    payload = PAYLOAD
    order = 1
    splits = True

    @classmethod
    def swept(cls, out: Path) -> list[tuple[Path, bool]]:
        return [(out / PAYLOAD, False), (out / PAYLOAD / "records", True)]

    def __init__(self, root: Path, settings: PackageSettings) -> None:
        super().__init__(root, settings)
        (self.root / "bagit.txt").unlink(missing_ok=True)

    def add(self, record: Record, exports: Mapping[str, Path], base: Path | None) -> None:
        _copy_record(self.root, record, base)

    @classmethod
    def part(cls, folder: Path, root: Path, settings: PackageSettings) -> PackagePart:
        return _Part(folder, root, settings)

    def join(self, folder: Path, summary: Any) -> None:
        records = self.root / PAYLOAD / "records"
        records.mkdir(parents=True, exist_ok=True)
        for record_id in summary:
            target = records / record_id
            if target.exists():  # copied by an interrupted run of this bag: the same files
                shutil.rmtree(target)
            (folder / PAYLOAD / "records" / record_id).rename(target)

    def finish(self) -> list[Path]:
        write_atomic(self.root / "bagit.txt", b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        return [*write_tag_files(self.root, self.settings, self.spread), self.root / "bagit.txt"]

    def abort(self) -> None:
        """The payload stays (a re-run with --resume reuses it); without bagit.txt it is not taken for a bag."""

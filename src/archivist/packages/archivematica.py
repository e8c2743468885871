"""``archivematica``: an Archivematica standard transfer (``archivematica/``) of the batch's records.

``objects/<id>/`` holds each record's JSON, its kept original captures (at their ``files`` paths, which still
resolve from the JSON) and its per-record exports; ``metadata/metadata.csv`` gives each record folder its Dublin
Core (the dcterms exporter's statements, one column per element, repeated columns for repeated elements, as
Archivematica's ``parseMetadataCSV`` reads them); ``metadata/checksum.sha256`` lists every file under
``objects/`` exactly once, as Archivematica's *Verify transfer checksums* demands; each record's METS, when the run
writes one, goes to ``metadata/<id>.mets.xml``, kept by Archivematica as metadata rather than as an object.
``logs/`` and ``metadata/submissionDocumentation/`` are there, empty, because Archivematica's compliance check
requires them.

The transfer is written under a temporary name and renamed when the batch completes. The CSV header can be known
only when every record is in (a column repeats as often as the record with most values of it needs), so each
record's row is kept in a side file until then; on a cluster the workers write their records' folders and rows,
joined here in input order.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from .._paths import read_regular
from ..exporters import statements
from ..records import record_bytes
from ._base import Package, PackagePart, PackageSettings, Record, Warn, original_files

FOLDER = "archivematica"
OBJECTS, METADATA = "objects", "metadata"
METADATA_CSV, CHECKSUMS = "metadata.csv", "checksum.sha256"
METS_FORMAT = "mets"
#: The folders Archivematica's verify_transfer_compliance.py requires of a transfer (it moves anything else into
#: objects/ first); archivist leaves logs/ and submissionDocumentation/ empty.
COMPLIANT = (OBJECTS, "logs", "logs/fileMeta", METADATA, f"{METADATA}/submissionDocumentation")
_ROWS, _SUMS = "rows.jsonl", "sums.txt"  # the side files of a part (beside its objects/) or of the package
#: The fifteen elements of the Dublin Core Metadata Element Set: ``dc.<name>`` columns; other terms ``dcterms.``.
DCMES = frozenset({"title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
                   "format", "identifier", "source", "language", "relation", "coverage", "rights"})

Row = list[list[str]]  # [column, value] pairs, in the order of the record's statements


def columns(record: Record) -> Row:
    """The record's Dublin Core as metadata.csv columns: the dcterms exporter's statements, the DCMES elements as
    ``dc.<element>`` and the other DCMI terms as ``dcterms.<term>`` (Archivematica's two documented prefixes). A CSV
    cell has no xml:lang or xsi:type, so a value the XML gives twice, typed and untyped, is one cell."""
    pairs = ((f"dc.{s.name}" if s.name in DCMES else f"dcterms.{s.name}", s.value)
             for s in statements(record, qualified=True))
    return [list(pair) for pair in dict.fromkeys(pairs)]  # a value twice (once typed, once not) says nothing more


def _checksum_line(digest: str, relative: str) -> bytes:
    """One line of checksum.sha256: paths are ``../objects/…``, which resolve both from ``metadata/`` and from
    ``objects/`` (where Archivematica runs ``sha256sum -c``); record ids and ``files`` paths hold no backslash or
    control character, so no line needs sha256sum's escaping."""
    return f"{digest}  ../{OBJECTS}/{relative}\n".encode()


def _put(folder: str, relative: str, data: bytes) -> str:
    """Write ``data`` to a new file at ``folder/relative`` (its own folders made when it has some); its SHA-256."""
    path = os.path.join(folder, relative)
    if "/" in relative:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)
    return hashlib.sha256(data).hexdigest()


def write_record(folder: Path, record: Record, exports: Mapping[str, Path], base: Path | None, rows: BinaryIO,
                 sums: BinaryIO, warn: Warn) -> None:
    """Write one record's ``objects/<id>/`` (and its METS in ``metadata/``) under ``folder``, its metadata.csv row
    to ``rows`` and its checksum lines to ``sums``."""
    rid = record["id"]
    own = os.path.join(folder, OBJECTS, rid)
    os.makedirs(own, exist_ok=True)
    written: dict[str, str] = {}  # path under objects/<id>/ -> SHA-256
    written[f"{rid}.json"] = _put(own, f"{rid}.json", record_bytes(record))
    for name, path in exports.items():
        if name == METS_FORMAT:
            os.makedirs(os.path.join(folder, METADATA), exist_ok=True)
            _put(os.path.join(folder, METADATA), path.name, read_regular(path))
        else:
            written[path.name] = _put(own, path.name, read_regular(path))
    for index, (entry, path) in enumerate(original_files(record, base)):
        if entry["path"] in written:
            warn(f"archivematica: record {rid}: /files/{index}/path: {entry['path']!r} is also the name of a file "
                 f"archivist writes for the record; the original is left out of objects/{rid}/")
            continue
        digest = written[entry["path"]] = _put(own, entry["path"], read_regular(path))
        if digest != entry["sha256"]:
            warn(f"archivematica: record {rid}: /files/{index}/sha256: the original {entry['path']!r} has SHA-256 "
                 f"{digest}, the record says {entry['sha256']}; checksum.sha256 gives the bytes' (check it with "
                 "--check-files)")
    for relative in sorted(written):
        sums.write(_checksum_line(written[relative], f"{rid}/{relative}"))
    rows.write(json.dumps([f"{OBJECTS}/{rid}", columns(record)], ensure_ascii=False).encode("utf-8") + b"\n")


def _read_rows(path: Path) -> Iterator[tuple[str, Row]]:
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            filename, row = json.loads(line)
            yield filename, row


def write_csv(rows: Path, target: Path) -> None:
    """metadata.csv from the side file of rows: ``filename`` first, then each column in the order it first
    appears, repeated as often as the record with most values of it needs (shorter rows leave cells empty, which
    Archivematica ignores). Two passes over the file: memory stays flat however many records there are."""
    width: dict[str, int] = {}
    for _, row in _read_rows(rows):
        counts: dict[str, int] = {}
        for column, _ in row:
            counts[column] = counts.get(column, 0) + 1
        for column, count in counts.items():
            width[column] = max(width.get(column, 0), count)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; Archivematica reads in universal newline mode
        writer.writerow(["filename", *(column for column, n in width.items() for _ in range(n))])
        for filename, row in _read_rows(rows):
            cells: dict[str, list[str]] = {column: [] for column in width}
            for column, value in row:
                cells[column].append(value)
            writer.writerow([filename, *(v for column, n in width.items()
                                         for v in cells[column] + [""] * (n - len(cells[column])))])


def _open_side(folder: Path) -> tuple[BinaryIO, BinaryIO]:
    """The side files a transfer's rows and checksum lines are appended to, until it is finished."""
    rows = open(folder / _ROWS, "wb")  # noqa: SIM115 closed by the writer's close()
    try:
        return rows, open(folder / _SUMS, "wb")
    except BaseException:
        rows.close()
        raise


class _Part(PackagePart):
    """Some records' folders, METS, rows and checksum lines; close() gives their ids and the warnings raised."""

    def __init__(self, folder: Path, root: Path, settings: PackageSettings) -> None:
        super().__init__(folder, root, settings)
        self._side = _open_side(folder)
        self._ids: list[str] = []
        self._warnings: list[str] = []

    def add(self, record: Record, exports: Mapping[str, Path], base: Path | None) -> None:
        write_record(self.folder, record, exports, base, *self._side, self._warnings.append)
        self._ids.append(record["id"])

    def close(self) -> tuple[list[str], list[str]]:
        for stream in self._side:
            stream.close()
        return self._ids, self._warnings


class Archivematica(Package):
    name = "archivematica"
    description = ("an Archivematica standard transfer: objects/<id>/, metadata/metadata.csv (Dublin Core) and "
                   "metadata/checksum.sha256")
    splits = True

    def __init__(self, root: Path, settings: PackageSettings) -> None:
        super().__init__(root, settings)
        self.final = self.root / FOLDER
        self.work = self.root / f".{FOLDER}.part"  # the transfer, until finish()
        self.side = self.root / f".{FOLDER}-side.part"  # its rows and checksum lines, until finish()
        for folder in (self.work, self.side):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        for name in COMPLIANT:
            (self.work / name).mkdir()
        self._side = _open_side(self.side)

    def add(self, record: Record, exports: Mapping[str, Path], base: Path | None) -> None:
        write_record(self.work, record, exports, base, *self._side, self.warn)

    @classmethod
    def part(cls, folder: Path, root: Path, settings: PackageSettings) -> PackagePart:
        return _Part(folder, root, settings)

    def join(self, folder: Path, summary: Any) -> None:
        ids, warnings = summary
        for rid in ids:
            (folder / OBJECTS / rid).rename(self.work / OBJECTS / rid)
        if (folder / METADATA).is_dir():
            for mets in sorted((folder / METADATA).iterdir()):
                mets.rename(self.work / METADATA / mets.name)
        for stream, name in zip(self._side, (_ROWS, _SUMS), strict=True):
            with open(folder / name, "rb") as lines:
                shutil.copyfileobj(lines, stream, 1 << 20)
        for message in warnings:
            self.warn(message)

    def finish(self) -> list[Path]:
        self._close()
        write_csv(self.side / _ROWS, self.work / METADATA / METADATA_CSV)
        (self.side / _SUMS).rename(self.work / METADATA / CHECKSUMS)
        shutil.rmtree(self.side)
        shutil.rmtree(self.final, ignore_errors=True)
        self.work.rename(self.final)
        return [self.final]

    def abort(self) -> None:
        self._close()
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.rmtree(self.side, ignore_errors=True)

    def _close(self) -> None:
        for stream in self._side:
            stream.close()


__all__ = ["CHECKSUMS", "DCMES", "FOLDER", "METADATA_CSV", "Archivematica", "columns", "write_csv", "write_record"]

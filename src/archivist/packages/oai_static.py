"""``oai-static``: every record as one OAI-PMH ListRecords response of oai_dc records (``oai-static.xml``).

The file is valid against the official OAI-PMH.xsd and oai_dc.xsd. Its responseDate is the latest record
datestamp, not the clock, so the same records give the same bytes. When the repository id or base URL is a
placeholder (the defaults are under ``.invalid``), the run warns and a comment in the file says so.
On a cluster, each partition's records are written by a worker and copied here in input order.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from .._atomic import atomic_writer
from .._constants import XML_HEAD, XSI
from .._errors import ArchivistError
from .._oai_vocabulary import (
    OAI,
    OAI_SCHEMA_LOCATION,
    REPOSITORY_ID,
    datestamp,
    deleted_record_xml,
    payload,
    placeholders,
    record_xml,
    subject_sets,
)
from ..curate import tombstones
from ..exporters.oai_dc import export as export_oai_dc
from ._base import Package, PackagePart, PackageSettings, Record


def _record(record: Record, settings: PackageSettings) -> tuple[bytes, str]:
    """One record as the response lists it, and its datestamp."""
    stamp = datestamp(record)
    specs = [spec for spec, _ in subject_sets(record)]
    return record_xml(record, stamp, settings.repository_id, specs, payload(export_oai_dc(record))) + b"\n", stamp


class _Body:
    """The records of the response, one after another in ``stream``, with their latest datestamp and their count."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.latest = ""
        self.count = 0

    def add(self, record: Record, settings: PackageSettings) -> None:
        data, stamp = _record(record, settings)
        self.stream.write(data)
        self.latest = max(self.latest, stamp)
        self.count += 1


class _Part(PackagePart):
    """Some records of the response in ``oai-static.body``; close() gives their latest datestamp and count."""

    def __init__(self, folder: Path, root: Path, settings: PackageSettings) -> None:
        super().__init__(folder, root, settings)
        self._body = _Body(open(folder / "oai-static.body", "wb"))  # noqa: SIM115 closed by close()

    def add(self, record: Record, exports: Mapping[str, Path], base: Path | None) -> None:
        self._body.add(record, self.settings)

    def close(self) -> tuple[str, int]:
        self._body.stream.close()
        return self._body.latest, self._body.count


class OaiStatic(Package):
    name = "oai-static"
    description = "one OAI-PMH ListRecords response (oai_dc) holding every record"
    splits = True

    def __init__(self, root: Path, settings: PackageSettings) -> None:
        super().__init__(root, settings)
        if not REPOSITORY_ID.fullmatch(settings.repository_id):
            raise ArchivistError(f"oai-static: repository id {settings.repository_id!r} is not a domain name such as "
                                 "archive.example.org")
        self._placeholders = list(placeholders(settings.base_url, settings.repository_id).values())
        for text in self._placeholders:
            self.warn(f"oai-static: {text}; name the repository with --repository-id and --base-url")
        self.target = self.root / "oai-static.xml"
        self.root.mkdir(parents=True, exist_ok=True)
        fd, self._body_path = tempfile.mkstemp(prefix=".oai-static.", suffix=".body.part", dir=self.root)
        self._body = _Body(os.fdopen(fd, "wb"))

    def add(self, record: Record, exports: Mapping[str, Path], base: Path | None) -> None:
        self._body.add(record, self.settings)

    @classmethod
    def part(cls, folder: Path, root: Path, settings: PackageSettings) -> PackagePart:
        return _Part(folder, root, settings)

    def join(self, folder: Path, summary: Any) -> None:
        latest, count = summary
        with open(folder / "oai-static.body", "rb") as body:
            shutil.copyfileobj(body, self._body.stream, 1 << 20)
        self._body.latest = max(self._body.latest, latest)
        self._body.count += count

    def _withdrawn(self) -> bytes:
        """The withdrawn records of the input folders, after the others: header ``status="deleted"``, datestamp
        the withdrawal, the sets the record was in."""
        parts = []
        for stone in tombstones(self.settings.sources):
            stamp = stone.withdrawn_at if "T" in stone.withdrawn_at else f"{stone.withdrawn_at}T00:00:00Z"
            specs = [spec for spec, _ in subject_sets(stone.last_record() or {})]
            parts.append(deleted_record_xml(stone.id, stamp, self.settings.repository_id, specs) + b"\n")
            self._body.latest = max(self._body.latest, stamp)
            self._body.count += 1
        return b"".join(parts)

    def finish(self) -> list[Path]:
        self._body.stream.close()
        withdrawn = self._withdrawn()
        try:
            with atomic_writer(self.target) as out:
                out.write(XML_HEAD)
                if self._placeholders:  # a comment cannot hold "--": say "the repository-id option"
                    note = "; ".join(self._placeholders).replace("--", "- -")
                    out.write(f"<!-- archivist: NOT A REAL REPOSITORY. {note}. Name it with the repository-id and "
                              "base-url options. -->\n".encode())
                out.write(f'<OAI-PMH xmlns="{OAI}" xmlns:xsi="{XSI}" xsi:schemaLocation="{OAI_SCHEMA_LOCATION}">\n'
                          .encode())
                out.write(f"  <responseDate>{self._body.latest or '1970-01-01T00:00:00Z'}</responseDate>\n".encode())
                # lxml-stubs types nsmap keys as str; lxml takes None for the default namespace
                request = etree.Element(f"{{{OAI}}}request", nsmap={None: OAI}, verb="ListRecords",  # type: ignore[dict-item]
                                        metadataPrefix="oai_dc")
                request.text = self.settings.base_url
                out.write(b"  " + etree.tostring(request, encoding="UTF-8") + b"\n")
                if self._body.count:
                    out.write(b"  <ListRecords>\n")
                    with open(self._body_path, "rb") as body:
                        shutil.copyfileobj(body, out)
                    out.write(withdrawn)
                    out.write(b"  </ListRecords>\n")
                else:
                    out.write(b'  <error code="noRecordsMatch">No valid records were exported.</error>\n')
                out.write(b"</OAI-PMH>\n")
        finally:
            os.unlink(self._body_path)
        return [self.target]

    def abort(self) -> None:
        self._body.stream.close()
        if os.path.exists(self._body_path):
            os.unlink(self._body_path)

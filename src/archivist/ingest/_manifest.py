"""CSV manifests: one row per capture, its file (read only inside the manifest's folder, or the base folder named)
and the facts the row gives, which win over the defaults. A bad row is an error naming it; the others go on."""

from __future__ import annotations

import csv
import dataclasses
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._errors import IngestError, SourceError
from ._build import Facts
from ._descriptive import DESCRIPTIVE, parse_description
from ._files import check_regular_file

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: Manifest columns and the Facts field each fills; "file" names the capture (relative to the manifest).
MANIFEST_COLUMNS = {"file": "file", "url": "url", "retrieved": "retrieved", "title": "title", "language": "language",
                    "subjects": "subjects", "publisher": "publisher", "id": "record_id", "method": "method",
                    "encoding": "encoding", **{name: name for name in DESCRIPTIVE}}
#: Columns that hold a list, its items separated by ``;``.
LIST_COLUMNS = ("subjects", "creators", "contributors")


@dataclass(frozen=True)
class ManifestRow:
    """One data row of a manifest: its row number (the header is row 1), the capture path and its facts."""

    row: int
    capture: Path
    facts: Facts


def _contained(capture: Path, base: Path, label: str, explicit: bool) -> IngestError | None:
    """None when ``capture`` resolves (symlinks followed) to a place inside ``base``, else the row's error."""
    try:
        real = capture.resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        return IngestError(label, f"file {os.fspath(capture)!r} cannot be resolved: {exc}")
    if real == base or base in real.parents:
        return None
    where = "the base folder given" if explicit else "the manifest's folder"
    hint = "" if explicit else " (name another base folder explicitly to read files elsewhere)"
    return IngestError(label, f"/file: {os.fspath(capture)!r} resolves to {os.fspath(real)!r}, outside {where} "
                              f"{os.fspath(base)!r}{hint}")


def read_manifest(path: str | os.PathLike[str], defaults: Facts | None = None, *,
                  base: str | os.PathLike[str] | None = None) -> Iterator[ManifestRow | IngestError]:
    """Rows of a CSV manifest as facts (row values win over ``defaults``), or an IngestError naming the bad row.

    A row's file is read relative to, and must resolve (symlinks followed) inside, the manifest's own folder, or
    ``base`` when the user names one. A cell holding a NUL or other control character is a row error. Raises
    SourceError when the manifest itself cannot be read or has no ``file`` column or unknown columns."""
    name = os.fspath(path)
    defaults = defaults or Facts()
    try:
        check_regular_file(name)
    except IngestError as exc:
        raise SourceError(name, exc.reason) from None
    try:
        handle = open(name, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by the `with` below
    except OSError as exc:
        raise SourceError(name, exc.strerror or str(exc)) from None
    with handle:
        try:
            reader = csv.DictReader(handle)
            columns = [c.strip().lower() for c in reader.fieldnames or []]
        except (UnicodeDecodeError, csv.Error) as exc:
            raise SourceError(name, f"not a UTF-8 CSV file: {exc}") from None
        unknown = [c for c in columns if c not in MANIFEST_COLUMNS]
        if "file" not in columns or unknown:
            raise SourceError(name, (f"unknown column(s) {', '.join(map(repr, unknown))}; " if unknown else
                                     "no 'file' column; ") + f"valid columns: {', '.join(MANIFEST_COLUMNS)}")
        folder = Path(base) if base is not None else Path(name).parent
        try:
            real_base = folder.resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            raise SourceError(os.fspath(folder), f"base folder cannot be resolved: {exc}") from None
        row = 1
        while True:
            try:
                raw = next(reader, None)
            except (UnicodeDecodeError, csv.Error) as exc:
                raise SourceError(name, f"row {row + 1}: {exc}") from None
            if raw is None:
                return
            row += 1
            values = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
            label = f"{name} row {row}"
            if None in raw:
                yield IngestError(label, f"{len(raw[None])} more cell(s) than the header has columns")
                continue
            bad = next((c for c, v in values.items() if _CONTROL.search(v)), None)
            if bad is not None:
                char = _CONTROL.search(values[bad]).group()  # type: ignore[union-attr]
                yield IngestError(label, f"/{bad}: the cell holds the control character U+{ord(char):04X}; "
                                         "expected plain text")
                continue
            if not any(values.values()):
                continue
            if not values.get("file"):
                yield IngestError(label, "the 'file' cell is empty")
                continue
            capture = folder / values["file"]
            outside = _contained(capture, real_base, label, base is not None)
            if outside is not None:
                yield outside
                continue
            given: dict[str, Any] = {}
            for column, value in values.items():
                if column == "file" or not value:
                    continue
                if column in LIST_COLUMNS:
                    given[column] = [s.strip() for s in value.split(";") if s.strip()]
                else:
                    given[MANIFEST_COLUMNS[column]] = value
            try:
                parse_description({k: v for k, v in given.items() if k in DESCRIPTIVE})
            except IngestError as exc:
                column = exc.path.split(" ", 1)[0]
                yield IngestError(label, f"/{column}: {exc.path.split(' ', 1)[1]}: {exc.reason}")
                continue
            yield ManifestRow(row, capture, dataclasses.replace(defaults, **given))


__all__ = ["LIST_COLUMNS", "MANIFEST_COLUMNS", "ManifestRow", "read_manifest"]

"""``metadata export`` and ``metadata import``: a records folder's descriptive metadata as a spreadsheet (CSV), one
row per record and one column per field, and the edited sheet applied back, all of it or nothing.

The sheet is UTF-8 with a byte order mark and CRLF line ends (what Excel needs to read it as UTF-8); a sheet saved
by LibreOffice or Excel is read with or without the mark, with CRLF or LF, and with ``,``, ``;`` or tab between
cells. Only cells whose text differs from what export would write are read, so an untouched row changes nothing.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from .._atomic import atomic_writer
from .._diskmap import DiskMap
from .._errors import ArchivistError
from ..records import Problem, iter_errors, read_records
from ._cells import BY_NAME, COLUMNS, KEY, CellError, Column, cell_text, current, field_value, guard, put, unguard
from ._commit import changes
from ._history import stage_replacement
from ._layout import CurationError, event, now, record_file

_MAX_ERRORS = 200
_DELIMITERS = (",", ";", "\t")


@dataclass
class SheetReport:
    """What an export or import did: rows, records changed, fields changed, and records left out (export)."""

    rows: int = 0
    changed: int = 0
    edits: int = 0
    problems: list[Problem] = field(default_factory=list)


class SheetInvalid(ArchivistError):
    """The sheet cannot be applied; ``errors`` names each bad row and column. Nothing was changed."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{errors[0]}" + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))


def export_sheet(paths: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str]) -> SheetReport:
    """Write every readable record of ``paths`` as a row of the CSV file ``out`` (atomically)."""
    with atomic_writer(out) as stream:
        return write_sheet(paths, stream)


def write_sheet(paths: Iterable[str | os.PathLike[str]], stream: BinaryIO) -> SheetReport:
    """Write the sheet of every readable record of ``paths`` to ``stream``; records that cannot be read (no id,
    not JSON) are left out and listed in the report's problems."""
    report = SheetReport()
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([KEY, *(c.name for c in COLUMNS)])
    for entry in read_records(*paths):
        record = entry.data
        if record is None or not isinstance(record.get("id"), str):
            report.problems.extend(entry.problems or (Problem("no record id: not in the sheet", "/id", entry.file,
                                                              entry.line),))
            continue
        writer.writerow([guard(record["id"]), *(guard(cell_text(current(record, c), c)) for c in COLUMNS)])
        report.rows += 1
    text.flush()
    text.detach()
    return report


def import_sheet(sheet: str | os.PathLike[str], folder: str | os.PathLike[str]) -> SheetReport:
    """Apply the edited cells of ``sheet`` to the records ``<id>.json`` of ``folder``: every changed record is
    validated, gets an ``edited`` provenance event per changed field and a ``replaced`` one (its earlier version is
    kept in the folder's history). Any bad row or cell raises SheetInvalid listing them all, and nothing changes."""
    name = os.fspath(sheet)
    base = Path(folder)
    report = SheetReport()
    errors: list[str] = []
    with changes(base) as change, DiskMap() as seen:
        at = now()
        for row, cells in _rows(name, errors):
            if len(errors) >= _MAX_ERRORS:
                errors.append(f"{name}: stopped at row {row} after {len(errors)} errors; the rows from there on were "
                              "not checked")
                break
            record_id = cells.pop(KEY)
            if not record_id:
                errors.append(f"{name} row {row}, column {KEY}: empty; expected the id of a record")
                continue
            if record_id in seen:
                errors.append(f"{name} row {row}, column {KEY}: {record_id!r} is also in row {seen[record_id]}; "
                              "expected one row per record")
                continue
            seen[record_id] = str(row)
            report.rows += 1
            try:
                found = record_file(base, record_id)
            except CurationError as exc:
                errors.append(f"{name} row {row}, column {KEY}: {exc}")
                continue
            if found is None:
                errors.append(f"{name} row {row}, column {KEY}: no record file {record_id}.json in {base}")
                continue
            path, record, old_bytes = found
            edited = _edits(record, cells, f"{name} row {row}", errors)
            if not edited:
                continue
            new = copy.deepcopy(record)
            for column, _, _, value in edited:
                put(new, column, value)
            problems = list(iter_errors(new))
            if problems:
                errors.extend(f"{name} row {row}, column {_column_of(p.pointer)}: {p.pointer}: {p.message}"
                              for p in problems)
                continue
            new["provenance"] = [*new.get("provenance", []), *(
                event("edited", f"{column.name}: {_shown(before)} -> {_shown(after)} (metadata import of {name} "
                                f"row {row})", at) for column, before, after, _ in edited)]
            if not errors:  # once the sheet is known to fail, stage nothing more
                stage_replacement(change, path, old_bytes, new, f"by metadata import of {name} row {row}")
            report.changed += 1
            report.edits += len(edited)
        if errors:
            raise SheetInvalid(errors)
        change.commit()
    return report


def _edits(record: dict[str, Any], cells: dict[str, str], where: str,
           errors: list[str]) -> list[tuple[Column, str, str, Any]]:
    """The changed cells of a row: (column, old text, new text, new value); a bad cell is added to ``errors``."""
    found = []
    for name, text in cells.items():
        column = BY_NAME[name]
        old = current(record, column)
        before = cell_text(old, column)
        if text == before:
            continue
        try:
            found.append((column, before, text, field_value(text, column, old)))
        except CellError as exc:
            errors.append(f"{where}, column {name}: {exc}")
    return found


def _rows(name: str, errors: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {column: cell}) for each non-empty data row; the header is row 1, as in a spreadsheet."""
    try:
        handle = open(name, encoding="utf-8-sig", newline="")  # noqa: SIM115 closed by the with below
    except OSError as exc:
        raise CurationError(f"{name}: {exc.strerror or exc}") from None
    with handle:
        try:
            first = handle.readline()
            handle.seek(0)
            delimiter = max(_DELIMITERS, key=first.count)
            reader = csv.reader(handle, delimiter=delimiter)
            header = [h.strip() for h in next(reader, [])]
            _check_header(name, header)
            for row, values in enumerate(reader, start=2):
                if not any(v.strip() for v in values):
                    continue
                if len(values) > len(header):
                    errors.append(f"{name} row {row}: {len(values)} cells, more than the {len(header)} columns")
                    continue
                yield row, {column: unguard(value) for column, value in zip(header, values, strict=False)}
        except UnicodeDecodeError as exc:
            raise CurationError(f"{name}: not UTF-8 (byte 0x{exc.object[exc.start]:02x}); save the sheet as CSV "
                                "with the character set UTF-8 (Excel: 'CSV UTF-8')") from None
        except csv.Error as exc:
            raise CurationError(f"{name}: not a CSV file ({exc})") from None


def _check_header(name: str, header: list[str]) -> None:
    if KEY not in header:
        raise CurationError(f"{name} row 1: no {KEY!r} column; expected {KEY} and any of: "
                            + ", ".join(c.name for c in COLUMNS))
    unknown = [h for h in header if h != KEY and h not in BY_NAME]
    if unknown:
        raise CurationError(f"{name} row 1: unknown column(s) {', '.join(map(repr, unknown))}; valid columns: "
                            f"{KEY}, " + ", ".join(c.name for c in COLUMNS))
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise CurationError(f"{name} row 1: column(s) {', '.join(map(repr, repeated))} appear more than once; "
                            f"repeated values go in one cell, separated by ||")


def _column_of(pointer: str) -> str:
    parts = pointer.split("/")[1:]
    for column in sorted(COLUMNS, key=lambda c: -len(c.path)):
        if tuple(parts[:len(column.path)]) == column.path:
            return column.name
    return KEY if parts[:1] == ["id"] else "(none: " + (parts[0] if parts else "record") + ")"


def _shown(text: str) -> str:
    return json.dumps(text, ensure_ascii=False) if text else "(empty)"

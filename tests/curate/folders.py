"""Records folders for the curation tests: copies of the seed with ids and titles of their own."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

from archivist.records import record_bytes


def make_folder(folder: Path, seed: dict[str, Any], count: int = 3) -> Path:
    """``count`` records ``doc-00``… of the seed (without its original file) as ``<id>.json`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        record = copy.deepcopy(seed)
        record.update(id=f"doc-{n:02d}", title=f"Document {n}")
        record.pop("files", None)
        (folder / f"doc-{n:02d}.json").write_bytes(record_bytes(record))
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) with the SHA-256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def read_sheet(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def write_sheet(path: Path, rows: list[list[str]], *, delimiter: str = ",", bom: bool = False,
                newline: str = "\r\n") -> Path:
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode("utf-8"))
    return path


def cell(rows: list[list[str]], record_id: str, column: str) -> str:
    return rows[[r[0] for r in rows].index(record_id)][rows[0].index(column)]


def set_cell(rows: list[list[str]], record_id: str, column: str, value: str) -> None:
    rows[[r[0] for r in rows].index(record_id)][rows[0].index(column)] = value


def load(folder: Path, record_id: str) -> dict[str, Any]:
    return json.loads((folder / f"{record_id}.json").read_text(encoding="utf-8"))

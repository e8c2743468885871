"""The sheet opened and saved again by a real spreadsheet program, LibreOffice Calc (headless), as an archivist's
edit would: nothing it does to an untouched sheet changes a record, nothing it is given runs as a formula, and
an edit made in the re-saved sheet is applied exactly."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from archivist.curate import export_sheet, import_sheet
from archivist.records import record_bytes
from tests.curate.folders import cell, load, make_folder, read_sheet, set_cell, snapshot, write_sheet
from tests.tools import need, needs

pytestmark = needs("libreoffice")

#: LibreOffice's CSV filter options: separator, text delimiter (as character codes), character set 76 = UTF-8,
#: first line 1. The same string names how a file is read (--infilter) and written (--convert-to).
_COMMA, _SEMICOLON = "44,34,76,1", "59,34,76,1"


def resave(sheet: Path, out_dir: Path, options: str, read_as: str = _COMMA) -> Path:
    """``sheet`` opened by LibreOffice Calc and saved again as CSV with ``options`` into ``out_dir``."""
    profile = out_dir / "profile"  # a profile of its own: no clash with another soffice on the machine
    result = subprocess.run(
        [need("libreoffice"), f"-env:UserInstallation=file://{profile}", "--headless", f"--infilter=CSV:{read_as}",
         "--convert-to", f"csv:Text - txt - csv (StarCalc):{options}", "--outdir", str(out_dir), str(sheet)],
        capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(out_dir)}, check=False)
    saved = out_dir / sheet.name
    assert result.returncode == 0 and saved.exists(), result.stdout + result.stderr
    return saved


@pytest.fixture
def folder(tmp_path: Path, seed: dict[str, Any]) -> Path:
    """Records whose values a spreadsheet is tempted to evaluate or convert."""
    base = make_folder(tmp_path / "records", seed)
    record = load(base, "doc-00")
    record.update(title='=HYPERLINK("http://evil.example","click")', alternative_titles=["@SUM(A1)", "+44 20"],
                  description="007", notes=["-1", "3.10", "Ünïcödé, «quotes» and \"quotes\"; semicolons",
                                                 "1,000", "1.5e3", "12345678901234567890", "12.5.2024", "1984"],
                  coverage={"temporal": ["-0500", "2015-11-30", "1980/2015"]})
    record["dates"] = [{"type": "issued", "value": "2015-11-30"}]
    record["rights"] = {"statement": "1.5e3", "holder": "1,000"}  # numbers LibreOffice would write back otherwise
    record["source"]["page_title"] = "12345678901234567890"
    (base / "doc-00.json").write_bytes(record_bytes(record))
    return base


@pytest.mark.parametrize("options", [_COMMA, _SEMICOLON], ids=["comma", "semicolon"])
def test_a_sheet_libreoffice_saved_again_changes_nothing(folder: Path, tmp_path: Path, options: str) -> None:
    before = snapshot(folder)
    sheet = tmp_path / "sheet.csv"
    export_sheet([folder], sheet)
    saved = resave(sheet, tmp_path / "saved", options)
    text = saved.read_text(encoding="utf-8-sig")
    assert "=HYPERLINK" in text and "click" in text  # written back as text: not run
    report = import_sheet(saved, folder)
    assert (report.rows, report.changed) == (3, 0)
    assert snapshot(folder) == before


def test_an_edit_in_a_libreoffice_sheet_is_applied_exactly(folder: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    export_sheet([folder], sheet)
    first = resave(sheet, tmp_path / "once", _SEMICOLON)
    rows = read_sheet(first) if b"," in first.read_bytes()[:20] else _semicolon_rows(first)
    set_cell(rows, "doc-01", "title", "'=1+2, a title")
    set_cell(rows, "doc-01", "creators", "Berenson, Lori (person, author)")
    edited = write_sheet(tmp_path / "edited.csv", rows, delimiter=";")
    saved = resave(edited, tmp_path / "twice", _SEMICOLON, read_as=_SEMICOLON)
    assert cell(_semicolon_rows(saved), "doc-01", "title") == "'=1+2, a title"
    import_sheet(saved, folder)
    record = load(folder, "doc-01")
    assert record["title"] == "=1+2, a title"
    assert record["creators"] == [{"name": "Berenson, Lori", "kind": "person", "role": "author"}]
    assert load(folder, "doc-00")["title"].startswith("=HYPERLINK")


def _semicolon_rows(path: Path) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""), delimiter=";"))

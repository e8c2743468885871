"""The spreadsheet round trip: metadata export, edits, metadata import all or nothing, with provenance and history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from archivist.curate import SheetInvalid, export_sheet, import_sheet
from archivist.curate._cells import guard
from archivist.curate._commit import PLAN, TXN, ChangeSet, recover
from archivist.records import is_valid, record_bytes
from tests.curate.folders import cell, load, make_folder, read_sheet, set_cell, snapshot, write_sheet


@pytest.fixture
def folder(tmp_path: Path, seed: dict[str, Any]) -> Path:
    return make_folder(tmp_path / "records", seed)


def _exported(folder: Path) -> tuple[Path, list[list[str]]]:
    sheet = folder.parent / "sheet.csv"
    report = export_sheet([folder], sheet)
    assert report.rows == 3 and not report.problems
    return sheet, read_sheet(sheet)


def test_the_sheet_is_one_row_per_record_utf8_with_bom_and_crlf(folder: Path) -> None:
    sheet, rows = _exported(folder)
    data = sheet.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,title,") and data.count(b"\r\n") == 4 and b"\n" not in data.replace(
        b"\r\n", b"")
    assert [r[0] for r in rows] == ["id", "doc-00", "doc-01", "doc-02"]
    assert cell(rows, "doc-01", "title") == "Document 1"
    assert cell(rows, "doc-01", "coverage.spatial") == "Peru||Lima (Peru)"
    assert cell(rows, "doc-01", "subjects").split("||")[1] == "lcsh/topical:Terrorism--geographic:Peru"


def test_an_untouched_sheet_changes_not_a_byte(folder: Path) -> None:
    before = snapshot(folder)
    sheet, _ = _exported(folder)
    report = import_sheet(sheet, folder)
    assert (report.rows, report.changed, report.edits) == (3, 0, 0)
    assert snapshot(folder) == before


def test_edits_are_applied_with_an_event_per_field_and_the_earlier_version_kept(folder: Path) -> None:
    old = (folder / "doc-01.json").read_bytes()
    others = {name: (folder / name).read_bytes() for name in ("doc-00.json", "doc-02.json")}
    sheet, rows = _exported(folder)
    set_cell(rows, "doc-01", "title", "Document one, revised")
    set_cell(rows, "doc-01", "creators", "Berenson, Lori (person, author)||GlobalSecurity.org (organization)")
    set_cell(rows, "doc-01", "subjects", cell(rows, "doc-01", "subjects") + "||local:Insurgency")
    set_cell(rows, "doc-01", "dates", "issued:2004||modified:2015-11-30")
    set_cell(rows, "doc-01", "notes", "")
    report = import_sheet(write_sheet(sheet, rows), folder)
    assert (report.changed, report.edits) == (1, 5)
    record = load(folder, "doc-01")
    assert is_valid(record)
    assert record["title"] == "Document one, revised"
    assert record["creators"] == [{"name": "Berenson, Lori", "kind": "person", "role": "author"},
                                  {"name": "GlobalSecurity.org", "kind": "organization"}]
    assert record["subjects"][-1] == {"term": "Insurgency", "scheme": "local"}
    assert record["subjects"][:-1] == json.loads(old)["subjects"]  # untouched values kept exactly
    assert record["dates"] == [{"type": "issued", "value": "2004"}, {"type": "modified", "value": "2015-11-30"}]
    assert "notes" not in record
    events = record["provenance"][-6:]
    assert [e["action"] for e in events] == ["edited"] * 5 + ["replaced"]
    assert events[0]["note"] == ('title: "Document 1" -> "Document one, revised" (metadata import of '
                                 f'{sheet} row 3)')
    assert events[4]["note"].startswith('notes: "The capture time is unknown') and " -> (empty) " in events[4]["note"]
    kept = folder / ".archivist-history" / "doc-01" / "v1" / "doc-01.json"
    assert kept.read_bytes() == old
    assert ".archivist-history/doc-01/v1/doc-01.json" in events[5]["note"]
    assert {name: (folder / name).read_bytes() for name in others} == others
    assert not (folder / TXN).exists() and not (folder / ".archivist-lock").exists()
    again, _ = _exported(folder)
    before = snapshot(folder)
    assert import_sheet(again, folder).changed == 0 and snapshot(folder) == before


def test_a_bad_cell_anywhere_in_the_sheet_changes_nothing(folder: Path) -> None:
    before = snapshot(folder)
    sheet, rows = _exported(folder)
    set_cell(rows, "doc-00", "title", "A good edit")
    set_cell(rows, "doc-01", "creators", "Someone")
    set_cell(rows, "doc-02", "language", "en_US")
    set_cell(rows, "doc-02", "rights.uri", "javascript:alert(1)")
    with pytest.raises(SheetInvalid) as caught:
        import_sheet(write_sheet(sheet, rows), folder)
    errors = caught.value.errors
    assert errors[0].startswith(f"{sheet} row 3, column creators: value 1: expected NAME (person) or NAME "
                                "(organization)")
    assert errors[1].startswith(f"{sheet} row 4, column language: /language: 'en_US' is not a BCP 47 language tag")
    assert errors[2].startswith(f"{sheet} row 4, column rights.uri: /rights/uri: 'javascript:alert(1)' is not an "
                                "absolute URI with a safe scheme")
    assert len(errors) == 3
    assert snapshot(folder) == before


@pytest.mark.parametrize(("delimiter", "bom", "newline"), [(";", True, "\r\n"), ("\t", False, "\n"),
                                                           (",", False, "\n"), (";", False, "\r\n")])
def test_sheets_saved_by_spreadsheets_read_right(folder: Path, delimiter: str, bom: bool, newline: str) -> None:
    sheet, rows = _exported(folder)
    set_cell(rows, "doc-02", "description", "Line one; line two,\r\nand a third")
    import_sheet(write_sheet(sheet, rows, delimiter=delimiter, bom=bom, newline=newline), folder)
    assert load(folder, "doc-02")["description"] == "Line one; line two,\r\nand a third"
    assert load(folder, "doc-00")["description"] == load(folder, "doc-01")["description"]  # the others untouched


def test_cells_a_spreadsheet_would_run_are_written_inert_and_read_back(folder: Path, seed: dict[str, Any]) -> None:
    record = load(folder, "doc-00")
    record.update(title='=HYPERLINK("http://evil.example","click")', alternative_titles=["@SUM(A1)", "'quoted"],
                  notes=["+1 555 0100", "-0500 BC"], coverage={"temporal": ["-0500"]}, description="007")
    (folder / "doc-00.json").write_bytes(record_bytes(record))
    before = snapshot(folder)
    sheet, rows = _exported(folder)
    assert cell(rows, "doc-00", "title") == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert cell(rows, "doc-00", "alternative_titles") == "'@SUM(A1)||'quoted"
    assert cell(rows, "doc-00", "notes") == "'+1 555 0100||-0500 BC"
    assert cell(rows, "doc-00", "coverage.temporal") == "'-0500"
    assert cell(rows, "doc-00", "description") == "'007"  # a spreadsheet would make it the number 7
    assert [guard(n) for n in ("1984", "0", "3.25", "1,000", "1.5e3", "3.10", "1" * 16, "12.5.2024")] == [
        "1984", "0", "3.25", "'1,000", "'1.5e3", "'3.10", "'" + "1" * 16, "'12.5.2024"]
    assert import_sheet(sheet, folder).changed == 0 and snapshot(folder) == before
    set_cell(rows, "doc-00", "title", "'=1+1")
    set_cell(rows, "doc-00", "alternative_titles", "'-x||'quoted")
    import_sheet(write_sheet(sheet, rows), folder)
    assert load(folder, "doc-00")["title"] == "=1+1"
    assert load(folder, "doc-00")["alternative_titles"] == ["-x", "'quoted"]


def test_values_holding_the_separator_are_escaped(folder: Path) -> None:
    record = load(folder, "doc-00")
    record["alternative_titles"] = ["A || B", "C | D \\ E"]
    (folder / "doc-00.json").write_bytes(record_bytes(record))
    before = snapshot(folder)
    sheet, rows = _exported(folder)
    assert cell(rows, "doc-00", "alternative_titles") == "A \\|\\| B||C \\| D \\\\ E"
    assert import_sheet(sheet, folder).changed == 0 and snapshot(folder) == before
    set_cell(rows, "doc-00", "alternative_titles", cell(rows, "doc-00", "alternative_titles") + "||F \\|\\| G")
    import_sheet(write_sheet(sheet, rows), folder)
    assert load(folder, "doc-00")["alternative_titles"] == ["A || B", "C | D \\ E", "F || G"]


def test_a_sheet_may_hold_only_some_rows_and_columns(folder: Path) -> None:
    sheet = write_sheet(folder.parent / "few.csv", [["title", "id"], ["Only this", "doc-02"]])
    report = import_sheet(sheet, folder)
    assert (report.rows, report.changed) == (1, 1)
    assert load(folder, "doc-02")["title"] == "Only this" and load(folder, "doc-01")["title"] == "Document 1"


@pytest.mark.parametrize(("rows", "expected"), [
    ([["id", "title"], ["nope", "x"]], "few.csv row 2, column id: no record file nope.json in "),
    ([["id", "title"], ["doc-00", "x"], ["doc-00", "y"]],
     "few.csv row 3, column id: 'doc-00' is also in row 2; expected one row per record"),
    ([["id", "title"], ["", "x"]], "few.csv row 2, column id: empty; expected the id of a record"),
    ([["id", "title"], ["doc-00", ""]], "few.csv row 2, column title: /title: required field is missing"),
    ([["id", "subjects"], ["doc-00", "lcsh:X||mesh:Y"]], "few.csv row 2, column subjects: value 2: expected "
                                                         "SCHEME:TERM[=URI]"),
    ([["id", "dates"], ["doc-00", "2004"]], "few.csv row 2, column dates: value 1: expected TYPE:VALUE"),
])
def test_each_bad_row_names_row_column_and_what_was_expected(folder: Path, rows: list[list[str]],
                                                             expected: str) -> None:
    before = snapshot(folder)
    with pytest.raises(SheetInvalid) as caught:
        import_sheet(write_sheet(folder.parent / "few.csv", rows), folder)
    assert any(e.startswith(str(folder.parent / expected)) for e in caught.value.errors), caught.value.errors
    assert snapshot(folder) == before


def test_a_change_killed_after_its_plan_was_written_is_finished_by_the_next_run(folder: Path) -> None:
    old = (folder / "doc-00.json").read_bytes()
    change = ChangeSet(folder)
    (folder / TXN).mkdir()
    change.put(folder / "doc-00.json", b"{}\n", folder / ".archivist-history" / "doc-00" / "v1" / "doc-00.json")
    change.put(folder / "new.json", b"[]\n")
    (folder / TXN / PLAN).write_bytes(json.dumps([[m.target, m.staged, m.history] for m in change.moves]).encode())
    (folder / ".archivist-history" / "doc-00" / "v1").mkdir(parents=True)
    (folder / ".archivist-history" / "doc-00" / "v1" / "doc-00.json").write_bytes(old)  # the first step was done
    assert recover(folder)
    assert (folder / "doc-00.json").read_bytes() == b"{}\n" and (folder / "new.json").read_bytes() == b"[]\n"
    assert not (folder / TXN).exists()


def test_staged_files_without_a_plan_are_removed(folder: Path) -> None:
    before = snapshot(folder)
    change = ChangeSet(folder)
    (folder / TXN).mkdir()
    change.put(folder / "doc-00.json", b"{}\n")
    assert not recover(folder) and snapshot(folder) == before


def test_the_command_line_reports_one_line_per_bad_cell(folder: Path, archivist: Any) -> None:
    sheet = folder.parent / "sheet.csv"
    result = archivist.run(["metadata", "export", str(folder), "--out", str(sheet)])
    assert result.returncode == 0 and result.stderr == f"wrote {sheet} (3 records)\n", result.stderr
    rows = read_sheet(sheet)
    set_cell(rows, "doc-01", "language", "english")
    write_sheet(sheet, rows)
    result = archivist.run(["metadata", "import", str(sheet), str(folder)])
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"error: {sheet} row 3, column language: /language: 'english' is not a BCP 47 language tag such as en, pt-BR "
        "or zh-Hant (primary language subtag of 2 or 3 letters)", f"nothing changed: 1 error in {sheet}"]
    set_cell(rows, "doc-01", "language", "es")
    write_sheet(sheet, rows)
    result = archivist.run(["metadata", "import", str(sheet), str(folder)])
    assert result.returncode == 0 and result.stderr == "1 record changed, 2 unchanged\n", result.stderr
    assert load(folder, "doc-01")["language"] == "es"
    result = archivist.run(["metadata", "export", str(folder), "--out", str(folder / "x.csv")])
    assert result.returncode == 2 and "lies inside the input" in result.stderr
    result = archivist.run(["metadata", "export", str(folder / "doc-00.json"), "--out", "-"])
    assert result.returncode == 0 and result.stdout.startswith("\ufeffid,title,") and result.stdout.count("\n") == 2


@pytest.mark.parametrize(("data", "expected"), [
    (b"id,title,colour\r\ndoc-00,x,red\r\n", "row 1: unknown column(s) 'colour'; valid columns: id, title, "),
    (b"title\r\nx\r\n", "row 1: no 'id' column; expected id and any of: title, "),
    (b"id,title,title\r\ndoc-00,x,y\r\n", "row 1: column(s) 'title' appear more than once; repeated values go in "
                                          "one cell, separated by ||"),
    ("id,title\r\ndoc-00,Café\r\n".encode("cp1252"), "not UTF-8 (byte 0xe9); save the sheet as CSV with the "
                                                     "character set UTF-8"),
])
def test_a_file_that_is_no_sheet_is_one_line_and_exit_2(folder: Path, archivist: Any, data: bytes,
                                                         expected: str) -> None:
    before = snapshot(folder)
    sheet = folder.parent / "sheet.csv"
    sheet.write_bytes(data)
    result = archivist.run(["metadata", "import", str(sheet), str(folder)])
    assert result.returncode == 2 and result.stderr.startswith(f"error: {sheet}") and expected in result.stderr, \
        result.stderr
    assert len(result.stderr.splitlines()) == 1 and snapshot(folder) == before


def test_a_sheet_of_errors_stops_at_two_hundred_and_says_so(folder: Path) -> None:
    sheet = write_sheet(folder.parent / "many.csv", [["id", "title"], *([f"nope-{n}", "x"] for n in range(300))])
    with pytest.raises(SheetInvalid) as caught:
        import_sheet(sheet, folder)
    assert len(caught.value.errors) == 201
    assert caught.value.errors[-1] == f"{sheet}: stopped at row 202 after 200 errors; the rows from there on were " \
                                      "not checked"


def test_a_failure_while_moving_files_is_finished_by_the_next_run(folder: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from archivist.curate import _commit

    sheet, rows = _exported(folder)
    for record_id in ("doc-00", "doc-01", "doc-02"):
        set_cell(rows, record_id, "title", f"{record_id} revised")
    write_sheet(sheet, rows)
    real_replace, calls = os.replace, []

    def failing(source: str, target: str) -> None:  # the disk fails at the second record moved into place
        if TXN in str(source) and TXN not in str(target):
            calls.append(target)
            if len(calls) == 2:
                raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(_commit.os, "replace", failing)
    with pytest.raises(OSError):
        import_sheet(sheet, folder)
    monkeypatch.setattr(_commit.os, "replace", real_replace)
    assert (folder / TXN / PLAN).exists() and load(folder, "doc-00")["title"] == "doc-00 revised"
    assert load(folder, "doc-01")["title"] == "Document 1"  # half done: the plan is kept to finish it
    assert import_sheet(sheet, folder).changed == 0  # the next run finishes the change first, then finds none
    assert [load(folder, f"doc-0{n}")["title"] for n in range(3)] == ["doc-00 revised", "doc-01 revised",
                                                                      "doc-02 revised"]
    assert not (folder / TXN).exists()

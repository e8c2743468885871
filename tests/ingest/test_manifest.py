"""Manifest CSV batch ingest: one record per row, bad rows reported by row number, the rest still ingested."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archivist import SourceError
from archivist.cli import app
from archivist.ingest import Facts, ManifestRow, ingest_manifest, read_manifest
from tests.conftest import SEED_CAPTURE
from tests.ingest.warcs import html_page, write_warc

runner = CliRunner()


def write_manifest(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def captures(tmp_path: Path) -> Path:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "mrta.txt").write_bytes(SEED_CAPTURE.read_bytes())
    (tmp_path / "pages" / "lima.html").write_bytes(html_page("Lima", "Lima", "Capital of Peru.", lang="es"))
    write_warc(tmp_path / "pages" / "crawl.warc", [("https://example.org/c", "200 OK",
                                                   [("Content-Type", "text/html")], html_page("C", "C", "Text."))])
    return tmp_path


def test_rows_become_records_and_bad_rows_are_reported(captures: Path) -> None:
    manifest = write_manifest(captures / "manifest.csv", [
        {"file": "pages/mrta.txt", "url": "https://www.globalsecurity.org/military/world/para/mrta.htm",
         "retrieved": "2026-11-24", "title": "", "language": "en",
         "subjects": "lcsh:Terrorism--Peru; wikidata:Peru=http://www.wikidata.org/entity/Q419"},
        {"file": "pages/missing.txt", "url": "https://example.org/m", "retrieved": "2026-11-24", "title": "",
         "language": "", "subjects": ""},
        {"file": "pages/lima.html", "url": "https://example.org/lima", "retrieved": "2026-11-23T08:00:00Z",
         "title": "Lima, Peru", "language": "", "subjects": "bad subject"},
        {"file": "pages/lima.html", "url": "https://example.org/lima", "retrieved": "2026-11-23T08:00:00Z",
         "title": "Lima, Peru", "language": "", "subjects": "local:Lima"},
        {"file": "pages/crawl.warc", "url": "", "retrieved": "", "title": "", "language": "",
         "subjects": "local:Crawl"},
    ])
    out = captures / "out"
    outcomes = list(ingest_manifest(manifest, out))
    failed = [str(o.error) for o in outcomes if not o.ok]
    assert len(failed) == 2
    assert f"{manifest} row 3" in failed[0] and "No such file" in failed[0]
    assert f"{manifest} row 4" in failed[1] and "SCHEME:TERM" in failed[1]
    assert [o.record_id for o in outcomes if o.written] == ["mrta", "lima", "example.org-c"]
    mrta = json.loads((out / "mrta.json").read_text(encoding="utf-8"))
    assert mrta["language"] == "en" and mrta["subjects"] == [
        {"term": "Terrorism--Peru", "scheme": "lcsh"},
        {"term": "Peru", "scheme": "wikidata", "uri": "http://www.wikidata.org/entity/Q419"}]
    lima = json.loads((out / "lima.json").read_text(encoding="utf-8"))
    assert lima["title"] == "Lima, Peru" and lima["language"] == "es"
    crawl = json.loads((out / "example.org-c.json").read_text(encoding="utf-8"))
    assert crawl["subjects"] == [{"term": "Crawl", "scheme": "local"}]


def test_cli_manifest_with_defaults(captures: Path) -> None:
    manifest = write_manifest(captures / "m.csv", [
        {"file": "pages/mrta.txt", "url": "https://www.globalsecurity.org/military/world/para/mrta.htm",
         "retrieved": ""},
        {"file": "pages/nope.txt", "url": "https://example.org/", "retrieved": ""},
    ])
    out = captures / "out"
    result = runner.invoke(app, ["ingest", "--manifest", str(manifest), "--retrieved", "2026-11-24",
                                 "--out", str(out)])
    assert result.exit_code == 1
    assert "row 3" in result.output and "1 record written, 1 failed" in result.output
    assert json.loads((out / "mrta.json").read_text(encoding="utf-8"))["retrieval"]["retrieved_at"] == "2026-11-24"
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 0


def test_two_rows_with_one_id_never_overwrite(captures: Path) -> None:
    manifest = write_manifest(captures / "m.csv", [
        {"file": "pages/mrta.txt", "url": "https://example.org/1", "retrieved": "2026-11-24", "id": "same"},
        {"file": "pages/lima.html", "url": "https://example.org/2", "retrieved": "2026-11-24", "id": "same"},
    ])
    outcomes = list(ingest_manifest(manifest, captures / "out"))
    assert outcomes[0].ok and not outcomes[1].ok and "already written" in str(outcomes[1].error)
    assert json.loads((captures / "out" / "same.json").read_text(encoding="utf-8"))["source"]["url"] == "https://example.org/1"


def test_bad_manifests_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="No such file"):
        list(read_manifest(tmp_path / "absent.csv"))
    unknown = write_manifest(tmp_path / "u.csv", [{"file": "a.txt", "colour": "red"}])
    with pytest.raises(SourceError, match=r"unknown column.*'colour'.*valid columns: file, url"):
        list(read_manifest(unknown))
    result = runner.invoke(app, ["ingest", "--manifest", str(tmp_path / "absent.csv"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "absent.csv" in result.output
    assert runner.invoke(app, ["ingest", "--manifest", str(unknown), "--out", str(tmp_path / "o")]).exit_code == 2


def test_row_values_win_over_defaults_and_ragged_rows_are_reported(tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,language\nA.txt,fr\nB.txt,\nC.txt,de,extra\n", encoding="utf-8")
    rows = list(read_manifest(manifest, Facts(language="en", retrieved="2026-01-01")))
    good = [r for r in rows[:2] if isinstance(r, ManifestRow)]
    assert [r.facts.language for r in good] == ["fr", "en"] and good[0].facts.retrieved == "2026-01-01"
    assert [r.row for r in good] == [2, 3] and good[0].capture == tmp_path / "A.txt"
    assert "row 4" in str(rows[2]) and "more cell" in str(rows[2])

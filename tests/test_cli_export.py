"""``archivist export`` and ``archivist formats`` through CliRunner."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from archivist.cli import app
from tests.conftest import RECORDS, write_json

runner = CliRunner()


def _sums(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_export_all_twice_gives_identical_files(tmp_path: Path) -> None:
    for run in ("a", "b"):
        result = runner.invoke(app, ["export", str(RECORDS), "--to", "all", "--out", str(tmp_path / run)])
        assert result.exit_code == 0, result.output
    names = [".archivist-journal.jsonl", "mrta-globalsecurity.bib", "mrta-globalsecurity.csl.json",
             "mrta-globalsecurity.datacite.xml", "mrta-globalsecurity.dcterms.xml", "mrta-globalsecurity.epub",
             "mrta-globalsecurity.jsonld", "mrta-globalsecurity.marc.xml", "mrta-globalsecurity.mets.xml",
             "mrta-globalsecurity.mods.xml", "mrta-globalsecurity.mrc", "mrta-globalsecurity.oai_dc.xml",
             "mrta-globalsecurity.ris"]
    assert sorted(_sums(tmp_path / "a")) == names
    assert _sums(tmp_path / "a") == _sums(tmp_path / "b")


def test_invalid_record_is_reported_and_others_still_exported(tmp_path: Path, minimal: dict[str, Any]) -> None:
    good = write_json(tmp_path / "good.json", minimal)
    bad = write_json(tmp_path / "bad.json", dict(minimal, id="bad", language="??"))
    result = runner.invoke(app, ["export", str(good), str(bad), "--to", "oai_dc,jsonld", "--out",
                                 str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{bad}: /language:" in result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".archivist-journal.jsonl", "minimal.jsonld",
                                                                  "minimal.oai_dc.xml"]


def test_out_dash_writes_one_format_to_stdout(minimal: dict[str, Any], tmp_path: Path) -> None:
    path = write_json(tmp_path / "r.json", minimal)
    result = runner.invoke(app, ["export", str(path), "--to", "jsonld", "--out", "-"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["name"]["@value"] == minimal["title"]
    result = runner.invoke(app, ["export", str(path), "--to", "jsonld,oai_dc", "--out", "-"])
    assert result.exit_code == 2 and "single format" in result.output


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(RECORDS), "--to", "pdf", "--out", str(tmp_path)])
    flat = " ".join(result.output.replace("│", " ").split())  # the error box may wrap the message
    assert result.exit_code == 2
    assert ("valid formats: archivematica, bagit, bibtex, csl-json, datacite, dcterms, dspace-saf, epub, jsonld, "
            "marc21, marc21-collection, marcxml, marcxml-collection, mets, mods, mods-collection, oai-static, "
            "oai_dc, ris") in flat
    assert list(tmp_path.iterdir()) == []


def test_collection(tmp_path: Path, minimal: dict[str, Any]) -> None:
    (tmp_path / "in").mkdir()
    write_json(tmp_path / "in" / "a.json", minimal)
    result = runner.invoke(app, ["export", str(RECORDS), str(tmp_path / "in"), "--to", "epub",
                                 "--collection", "Two records", "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c" / "collection.epub").read_bytes()[30:38] == b"mimetype"


def test_formats_lists_extensions_and_media_types() -> None:
    result = runner.invoke(app, ["formats"])
    assert result.exit_code == 0
    assert "epub" in result.output and "application/epub+zip" in result.output and ".oai_dc.xml" in result.output


def test_formats_lines_up_its_columns_for_the_longest_name() -> None:
    lines = runner.invoke(app, ["formats"]).output.splitlines()
    assert any(line.startswith("marcxml-collection ") for line in lines)
    # The second column starts at the same place on every line, however long the name.
    starts = set()
    for line in lines:
        rest = line[len(line.split()[0]):]
        starts.add(len(line) - len(rest.lstrip()))
    assert len(starts) == 1, lines

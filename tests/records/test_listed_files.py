"""A file listed in a record never leads outside the record's folder (after resolving links) and is never a
FIFO or a device; record sources found in a folder are not read through links out of it or from special files."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from archivist._paths import UnsafePath, inside, read_regular
from archivist.cli import app
from archivist.records import iter_errors, read_records
from tests import warm
from tests.conftest import SEED_CAPTURE, write_json

runner = CliRunner()
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links and FIFOs")
SECRET = b"secret outside the records folder\n"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "hostname").write_bytes(SECRET)
    return folder


def _listing(seed: dict[str, Any], record_id: str, path: str) -> dict[str, Any]:
    listed = dict(seed["files"][0], path=path, byte_size=len(SECRET))
    return dict(seed, id=record_id, files=[listed])


def _attacks(folder: Path, secret: Path, seed: dict[str, Any]) -> list[str]:
    """Records whose listed file tries to leave ``folder``, each a different way; returns their ids."""
    (folder / "originals").mkdir(parents=True, exist_ok=True)
    (folder / "originals" / "etc").symlink_to(secret)  # a symlinked directory inside the records folder
    (folder / "originals" / "leak.txt").symlink_to(secret / "hostname")  # a symlinked file
    (folder / "x\u2028").mkdir()
    os.mkfifo(folder / "originals" / "pipe")
    (folder / "originals" / "zero").symlink_to("/dev/zero")
    cases = {"via-dir-link": "originals/etc/hostname", "via-file-link": "originals/leak.txt",
             "line-separator": "x\u2028/../../elsewhere/hostname", "paragraph-sep": "a\u2029/../../elsewhere/hostname",
             "fifo": "originals/pipe", "dev-zero": "originals/zero", "a-folder": "originals",
             "absolute": str(secret / "hostname")}
    for record_id, path in cases.items():
        write_json(folder / f"{record_id}.json", _listing(seed, record_id, path))
    return list(cases)


@pytest.mark.parametrize("to", ["all,oai-static,dspace-saf,bagit", "epub,dspace-saf"])
def test_no_listed_file_leads_out_or_hangs(tmp_path: Path, secret: Path, seed: dict[str, Any], to: str) -> None:
    folder = tmp_path / "in"
    ids = _attacks(folder, secret, seed)
    write_json(folder / "good.json", dict(seed, id="good"))
    shutil_copy = (folder / "originals" / SEED_CAPTURE.name)
    shutil_copy.write_bytes(SEED_CAPTURE.read_bytes())
    out, errors = tmp_path / "out", tmp_path / "errors.jsonl"
    result = warm.shared().run(["export", str(folder), "--to", to, "--out", str(out), "--errors", str(errors),
                                "--jobs", "2", "--quiet"], timeout=120)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = errors.read_text(encoding="utf-8").split("\n")[:-1]  # not splitlines(): U+2028 is inside a line
    failures = {json.loads(line)["id"]: json.loads(line)["errors"] for line in lines}
    assert set(failures) == set(ids)
    assert all(e[0]["pointer"] == "/files/0/path" for e in failures.values()), failures
    leaked = [p for p in out.rglob("*") if p.is_file() and SECRET.strip() in p.read_bytes()]
    assert leaked == []
    assert (out / ("data" if "bagit" in to else ".") / "dspace-saf" / "good" / SEED_CAPTURE.name).is_file()


def test_validate_reports_each_escape_with_its_pointer(tmp_path: Path, secret: Path, seed: dict[str, Any]) -> None:
    folder = tmp_path / "in"
    ids = _attacks(folder, secret, seed)
    for check in ("--check-files", "--no-check-files"):  # containment is checked even without fixity
        result = runner.invoke(app, ["validate", check, str(folder)])
        assert result.exit_code == 1
        for record_id in ids:
            assert f"{record_id}.json: /files/0/path: " in result.output, (check, record_id)


def test_inside_resolves_links_and_refuses_special_files(tmp_path: Path, secret: Path) -> None:
    base = tmp_path / "base"
    (base / "real").mkdir(parents=True)
    (base / "real" / "f.txt").write_bytes(b"ok")
    (base / "alias").symlink_to(base / "real")
    (base / "out").symlink_to(secret)
    assert inside(base, "alias/f.txt") == (base / "real" / "f.txt").resolve()
    assert inside(base, "new/not-yet.txt") == base.resolve() / "new" / "not-yet.txt"
    for bad in ("out/hostname", "../elsewhere/hostname", "alias/../../elsewhere/hostname", str(secret / "hostname"),
                "a\u2028/../../x", "real"):
        with pytest.raises(UnsafePath):
            inside(base, bad)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(UnsafePath, match="FIFO"):
        read_regular(tmp_path / "fifo")  # returns at once instead of waiting for a writer
    with pytest.raises(UnsafePath, match="character device"):
        read_regular("/dev/zero")


def test_record_sources_that_are_special_or_lead_out_are_reported_not_read(tmp_path: Path, secret: Path,
                                                                           seed: dict[str, Any]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_json(folder / "good.json", dict(seed, id="good"))
    write_json(secret / "outside.json", dict(seed, id="outside"))
    (folder / "link.json").symlink_to(secret / "outside.json")
    (folder / "zero.jsonl").symlink_to("/dev/zero")
    os.mkfifo(folder / "fifo.json")
    (folder / "linked-dir").symlink_to(secret)  # not followed when walking
    entries = {Path(e.file).name: e for e in read_records(folder)}
    assert set(entries) == {"good.json", "link.json", "zero.jsonl", "fifo.json"}
    assert entries["good.json"].data is not None
    for name in ("link.json", "zero.jsonl", "fifo.json"):
        assert entries[name].data is None and entries[name].problems[0].kind == "source"
    assert "outside" in entries["link.json"].problems[0].message and "FIFO" in entries["fifo.json"].problems[0].message
    result = runner.invoke(app, ["export", str(folder), "--to", "oai_dc", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "1 exported, 3 failed" in " ".join(result.output.split())


def test_a_fifo_named_on_the_command_line_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.json")
    result = runner.invoke(app, ["validate", str(tmp_path / "pipe.json")])
    assert result.exit_code == 2 and "not a regular file" in result.output


@pytest.mark.parametrize("path", ["x\u2028/../../etc/hostname", "a\u2029/..", "x\u0085/..\\evil", "x\u2028\\..\\y",
                                  "../x", "a/../b", "/abs", "C:x", "a\\b"])
def test_the_schema_itself_refuses_paths_that_lead_out(minimal: dict[str, Any], path: str) -> None:
    # ECMA-262's "." stops at U+2028/U+2029, so a pattern written with ".*" let "x\u2028/../.." through.
    record = dict(minimal, files=[{"path": path, "media_type": "text/plain", "byte_size": 1, "sha256": "0" * 64}])
    assert any(p.pointer == "/files/0/path" for p in iter_errors(record)), path

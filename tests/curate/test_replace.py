"""``ingest --replace``: the record is replaced, its earlier version kept and named in provenance, and ``export
--resume`` then exports exactly the replaced records again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from archivist.batch import BatchOptions, run_batch
from archivist.batch._work import ExportOutcome
from archivist.records import Status
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples"
MRTA = ["--url", "https://www.globalsecurity.org/military/world/para/mrta.htm", "--retrieved", "2026-11-24",
        "--language", "en"]


def _ingest(archivist: Any, folder: Path, *args: str, epoch: str = "1796083200") -> Any:
    return archivist.run(["ingest", *args, "--out", str(folder)], env={"SOURCE_DATE_EPOCH": epoch})


def _exported(folder: Path, out: Path, *, resume: bool) -> dict[str, Status]:
    seen: dict[str, Status] = {}

    def note(outcome: ExportOutcome) -> None:
        seen[outcome.entry.record_id or "?"] = outcome.status

    run_batch([folder], out, BatchOptions(formats=["oai_dc", "marcxml"], resume=resume), on_outcome=note)
    return seen


def test_replace_keeps_the_earlier_version_and_resume_exports_only_it(tmp_path: Path, archivist: Any) -> None:
    folder, out = tmp_path / "records", tmp_path / "out"
    captures = tmp_path / "captures"
    captures.mkdir()
    for name in ("mrta-globalsecurity.txt", "web-page.html"):
        shutil.copy(EXAMPLES / name, captures / name)
    mrta, page = captures / "mrta-globalsecurity.txt", captures / "web-page.html"
    assert _ingest(archivist, folder, str(mrta), *MRTA).returncode == 0
    assert _ingest(archivist, folder, str(page), "--retrieved", "2026-11-25").returncode == 0
    old = (folder / "mrta-globalsecurity.json").read_bytes()
    assert _exported(folder, out, resume=False) == {"mrta-globalsecurity": Status.EXPORTED,
                                                    "web-page": Status.EXPORTED}
    page_files = {p.name: p.stat().st_ino for p in out.glob("web-page.*")}

    kept_as_is = _ingest(archivist, folder, str(mrta), *MRTA, "--subject", "lcsh:Terrorism--Peru")
    assert kept_as_is.returncode == 0 and "1 already there" in kept_as_is.stderr  # without --replace
    assert (folder / "mrta-globalsecurity.json").read_bytes() == old

    result = _ingest(archivist, folder, str(mrta), *MRTA, "--subject", "lcsh:Terrorism--Peru", "--replace",
                     epoch="1796169600")  # a day later
    assert result.returncode == 0 and "1 record written, 0 failed" in result.stderr, result.stderr
    kept = folder / ".archivist-history" / "mrta-globalsecurity" / "v1" / "mrta-globalsecurity.json"
    assert kept.read_bytes() == old
    record = json.loads((folder / "mrta-globalsecurity.json").read_text(encoding="utf-8"))
    assert record["subjects"] == [{"term": "Terrorism--Peru", "scheme": "lcsh"}]
    replaced = record["provenance"][-1]
    assert replaced["action"] == "replaced" and replaced["at"] == "2026-12-02T00:00:00Z"
    assert replaced["note"].startswith("replaced version 1 (SHA-256 ")
    assert ".archivist-history/mrta-globalsecurity/v1/mrta-globalsecurity.json) by a new ingest of " in \
        replaced["note"]

    assert _exported(folder, out, resume=True) == {"mrta-globalsecurity": Status.EXPORTED,
                                                   "web-page": Status.CURRENT}
    assert {p.name: p.stat().st_ino for p in out.glob("web-page.*")} == page_files  # not written again
    assert b"Terrorism--Peru" in (out / "mrta-globalsecurity.marc.xml").read_bytes()
    assert _exported(folder, out, resume=True) == {"mrta-globalsecurity": Status.CURRENT,
                                                   "web-page": Status.CURRENT}


def test_replacing_with_the_same_record_changes_nothing(tmp_path: Path, archivist: Any) -> None:
    folder = tmp_path / "records"
    capture = shutil.copy(EXAMPLES / "web-page.html", tmp_path / "web-page.html")
    assert _ingest(archivist, folder, str(capture), "--retrieved", "2026-11-25").returncode == 0
    before = (folder / "web-page.json").read_bytes()
    result = _ingest(archivist, folder, str(capture), "--retrieved", "2026-11-25", "--replace")
    assert result.returncode == 0 and "0 records written" in result.stderr and "1 already there" in result.stderr
    assert (folder / "web-page.json").read_bytes() == before and not (folder / ".archivist-history").exists()


def test_replace_with_a_kept_original_keeps_the_earlier_original(tmp_path: Path, archivist: Any) -> None:
    folder = tmp_path / "records"
    capture = tmp_path / "page.html"
    capture.write_text("<html lang='en'><head><title>First</title></head><body><p>First text of the page, "
                       "a sentence long enough to be kept.</p></body></html>", encoding="utf-8")
    assert _ingest(archivist, folder, str(capture), "--retrieved", "2026-11-25", "--keep-original",
                   "--url", "https://example.org/page").returncode == 0
    first = (folder / "originals" / "page.html").read_bytes()
    capture.write_text(capture.read_text(encoding="utf-8").replace("First", "Second"), encoding="utf-8")
    result = _ingest(archivist, folder, str(capture), "--retrieved", "2026-11-26", "--keep-original",
                     "--url", "https://example.org/page", "--replace")
    assert result.returncode == 0, result.stderr
    assert (folder / ".archivist-history" / "page" / "v1" / "originals" / "page.html").read_bytes() == first
    assert (folder / "originals" / "page.html").read_bytes() == capture.read_bytes()
    validated = archivist.run(["validate", "-q", str(folder)])
    assert validated.returncode == 0, validated.stdout


def test_replace_is_refused_where_it_cannot_keep_history(tmp_path: Path, archivist: Any) -> None:
    capture = EXAMPLES / "web-page.html"
    result = archivist.run(["ingest", str(capture), "--replace", "--out", "-"])
    assert result.returncode == 2 and result.stderr.startswith("error: --replace replaces records in --out DIR")
    result = archivist.run(["ingest", str(capture), "--replace", "--cluster", "local:1", "--out", str(tmp_path)])
    assert result.returncode == 2 and "not with --cluster" in result.stderr


def test_a_manifest_ingest_replaces_too(tmp_path: Path, archivist: Any) -> None:
    folder = tmp_path / "records"
    shutil.copy(EXAMPLES / "web-page.html", tmp_path / "web-page.html")
    manifest = tmp_path / "captures.csv"
    manifest.write_text("file,retrieved,title\r\nweb-page.html,2026-11-25,First title\r\n", encoding="utf-8")
    assert _ingest(archivist, folder, "--manifest", str(manifest)).returncode == 0
    old = (folder / "web-page.json").read_bytes()
    manifest.write_text("file,retrieved,title\r\nweb-page.html,2026-11-25,Second title\r\n", encoding="utf-8")
    result = _ingest(archivist, folder, "--manifest", str(manifest), "--replace")
    assert result.returncode == 0 and "1 record written" in result.stderr, result.stderr
    assert json.loads((folder / "web-page.json").read_text(encoding="utf-8"))["title"] == "Second title"
    assert (folder / ".archivist-history" / "web-page" / "v1" / "web-page.json").read_bytes() == old

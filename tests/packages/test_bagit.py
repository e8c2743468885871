"""BagIt: every bag passes bagit-python and the strict RFC 8493 check (nothing stray, every file in a manifest);
a bag is made only in a new or empty folder; the resume journal never ends up in a finished bag."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import bagit
import pytest
from typer.testing import CliRunner

from archivist.batch import BatchOptions, run_batch, split_formats
from archivist.cli import app
from tests.conftest import SEED_CAPTURE, write_json
from tests.packages.strict_bag import strict_bag_problems

runner = CliRunner()
TO = "all,oai-static,dspace-saf,bagit"


@pytest.fixture
def records(tmp_path: Path, seed: dict[str, Any]) -> Path:
    folder = tmp_path / "in"
    (folder / "originals").mkdir(parents=True)
    shutil.copy(SEED_CAPTURE, folder / "originals" / SEED_CAPTURE.name)
    write_json(folder / "seed.json", seed)
    (folder / "more.jsonl").write_text("".join(json.dumps(dict(seed, id=f"r{n}")) + "\n" for n in range(6)),
                                       encoding="utf-8")
    return folder


def _bag(records: Path, out: Path, *extra: str) -> Any:
    return runner.invoke(app, ["export", str(records), "--to", TO, "--out", str(out), *extra])


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_bag_passes_bagit_python_and_the_strict_check(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "bag"
    result = _bag(records, out)
    assert result.exit_code == 0, result.output
    bagit.Bag(str(out)).validate()
    assert strict_bag_problems(out) == []
    assert sorted(p.name for p in out.iterdir()) == ["bag-info.txt", "bagit.txt", "data", "manifest-sha256.txt",
                                                     "manifest-sha512.txt", "tagmanifest-sha256.txt",
                                                     "tagmanifest-sha512.txt"]


def test_the_strict_check_finds_what_bagit_python_lets_pass(records: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    assert _bag(records, clean).exit_code == 0

    def damaged(change: Any) -> list[str]:
        copy = tmp_path / "copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(clean, copy)
        change(copy)
        return strict_bag_problems(copy)

    # a stray file at the top level (what the journal used to be): bagit-python accepts the bag
    stray = damaged(lambda bag: (bag / ".archivist-journal.jsonl").write_text("{}\n"))
    assert any("stray" in p for p in stray)
    copy = tmp_path / "copy"
    bagit.Bag(str(copy)).validate()  # ... which is why the strict check exists
    assert any("thesis.docx" in p for p in damaged(lambda bag: (bag / "thesis.docx").write_bytes(b"x")))
    assert any("in no manifest" in p for p in damaged(lambda bag: (bag / "data" / ".x.part").write_bytes(b"x")))
    assert any("digest" in p for p in damaged(lambda bag: (bag / "data" / "r1.jsonld").write_bytes(b"{}")))
    assert any("Payload-Oxum" in p for p in damaged(
        lambda bag: (bag / "bag-info.txt").write_text(
            (bag / "bag-info.txt").read_text().replace("Payload-Oxum: ", "Payload-Oxum: 1"))))

    def drop_line(bag: Path) -> None:
        manifest = bag / "manifest-sha512.txt"
        manifest.write_text("".join(manifest.read_text().splitlines(keepends=True)[1:]))
    assert any("manifest-sha512.txt: payload file" in p for p in damaged(drop_line))
    assert any("not listed" in p for p in damaged(lambda bag: (bag / "bag-info.txt").write_text(
        (bag / "bag-info.txt").read_text() + "Extra: 1\n")) + damaged(
        lambda bag: (bag / "tagmanifest-sha256.txt").write_text("")))


@pytest.mark.parametrize("extra", [[], ["--add"], ["--resume"]])
def test_a_bag_is_made_only_in_a_new_or_empty_folder(records: Path, tmp_path: Path, extra: list[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"the user's own file")
    result = _bag(records, out, *extra)
    assert result.exit_code == 2, result.output
    assert "a bag is made only in a new or empty folder" in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert [p.name for p in out.iterdir()] == ["thesis.docx"]  # nothing written, nothing moved


def test_an_earlier_bag_is_not_bagged_again(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _bag(records, out).exit_code == 0
    before = _tree(out)
    result = _bag(records, out)
    assert result.exit_code == 2 and "not empty" in result.output
    assert _tree(out) == before


def test_an_empty_existing_folder_becomes_a_bag(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert _bag(records, out).exit_code == 0
    assert strict_bag_problems(out) == []


def test_an_interrupted_bag_is_finished_by_resume_and_equals_a_clean_one(records: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    clean, out = tmp_path / "clean", tmp_path / "out"
    assert _bag(records, clean).exit_code == 0
    formats, packages = split_formats(TO)
    seen: list[Any] = []

    def stop(outcome: Any) -> None:
        seen.append(outcome)
        if len(seen) == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch([records], out, BatchOptions(formats=formats, packages=packages), on_outcome=stop)
    assert not (out / "bagit.txt").exists()  # plainly not a finished bag
    assert (out / ".archivist-journal.jsonl").is_file()
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    result = _bag(records, out, "--resume")
    assert result.exit_code == 0, result.output
    assert "already current" in result.output
    assert strict_bag_problems(out) == []
    bagit.Bag(str(out)).validate()
    assert _tree(out) == _tree(clean)


def test_errors_file_inside_the_bag_is_refused(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _bag(records, out, "--errors", str(out / "errors.jsonl"))
    assert result.exit_code == 2 and "inside the bag" in result.output
    assert not out.exists()


def test_every_fixity_in_the_mets_equals_the_manifest_and_the_record(records: Path, tmp_path: Path) -> None:
    import metsrw

    from tests.xsd import second_engine_errors, validation_errors

    out = tmp_path / "bag"
    result = _bag(records, out, "--source-organization", "Example Archive")
    assert result.exit_code == 0, result.output
    manifest = {line.split("  ", 1)[1]: line.split("  ", 1)[0]
                for line in (out / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines()}
    collection = metsrw.METSDocument.fromfile(str(out / "data" / "METS.xml"))
    assert validation_errors((out / "data" / "METS.xml").read_bytes(), "mets") == []
    listed = {f.path: f.checksum for f in collection.all_files() if f.path}
    ids = sorted(p.name for p in (out / "data" / "records").iterdir())
    assert sorted(listed) == [f"{rid}.mets.xml" for rid in ids] and len(ids) == 7
    checked = 0
    for rid in ids:
        assert listed[f"{rid}.mets.xml"] == manifest[f"data/{rid}.mets.xml"]
        data = (out / "data" / f"{rid}.mets.xml").read_bytes()
        assert validation_errors(data, "mets") == [] and second_engine_errors(data, "mets") == []
        record = json.loads((out / "data" / "records" / rid / f"{rid}.json").read_text(encoding="utf-8"))
        for entry in metsrw.METSDocument.fromfile(str(out / "data" / f"{rid}.mets.xml")).all_files():
            if entry.type != "Item":
                continue
            assert entry.checksum == manifest[f"data/{entry.path}"], entry.path
            checked += 1
        for listed_file in record["files"]:  # the record's own SHA-256 of each original
            assert manifest[f"data/records/{rid}/{listed_file['path']}"] == listed_file["sha256"]
    from archivist.exporters import builtin_names

    assert checked == 7 * (len(builtin_names()) - 1 + 2)  # every export besides the METS, the record, its original
    assert "Example Archive" in (out / "data" / f"{ids[0]}.mets.xml").read_text(encoding="utf-8")

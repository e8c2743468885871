"""The ``archivematica`` package read back the way Archivematica reads a standard transfer: metadata.csv as its
``parseMetadataCSV`` parses it (and the header rules its code and manual set), checksum.sha256 as its *Verify
transfer checksums* job runs ``sha256sum -c --strict`` (every file under objects/ listed once), the METS beside them
agreeing with both, and the bytes the same on every run and when built from cluster parts."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from typer.testing import CliRunner

from archivist.batch import BatchOptions, run_batch, split_formats
from archivist.batch._work import RecordResult
from archivist.cli import app
from archivist.cluster._parts import PartJoiner, PartWriters, parts_job
from archivist.packages import PackageSettings
from archivist.packages import get as get_package
from archivist.packages.archivematica import columns
from archivist.records import Status
from tests.conftest import SEED_CAPTURE
from tests.exporters.conftest import edge_cases
from tests.packages.conftest import records_folder
from tests.tools import need

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden" / "archivematica-metadata.csv"
METS = "{http://www.loc.gov/METS/}"
XLINK = "{http://www.w3.org/1999/xlink}href"
TO = "dcterms,mods,epub,mets,archivematica"
runner = CliRunner()


@pytest.fixture
def many(tmp_path: Path, seed: dict[str, Any]) -> Path:
    """The seed with its original beside it, and the edge cases as JSON Lines."""
    return records_folder(tmp_path, seed)


def _run(paths: list[Path], out: Path, to: str = TO, **options: Any) -> Any:
    formats, packages = split_formats(to)
    return run_batch(paths, out, BatchOptions(formats=formats, packages=packages, **options))


def parse_metadata_csv(path: Path) -> dict[str, dict[str, list[str]]]:
    """What Archivematica's ``parseMetadataCSV`` makes of the file (archivematicaCreateMETSMetadataCSV.py): opened
    as text in universal newline mode, the header's first column dropped and the others stripped, the filename's
    trailing '/' dropped, empty cells ignored, a repeated column's values gathered in order."""
    found: dict[str, dict[str, list[str]]] = {}
    with open(path, encoding="utf-8") as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader)[1:]]
        for row in reader:
            if not row:
                continue
            values: dict[str, list[str]] = {}
            for column, value in zip(header, row[1:], strict=False):
                if value != "":
                    values.setdefault(column, []).append(value)
            assert row[0].rstrip("/") not in found, f"{row[0]} has two rows: Archivematica keeps the last"
            found[row[0].rstrip("/")] = values
    return found


def tree(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def sums(transfer: Path) -> dict[str, str]:
    """checksum.sha256 as path under objects/ -> SHA-256."""
    found = {}
    for line in (transfer / "metadata" / "checksum.sha256").read_text(encoding="utf-8").splitlines():
        digest, path = line.split("  ", 1)
        assert path.startswith("../objects/") and path not in found
        found[path.removeprefix("../objects/")] = digest
    return found


def test_transfer_as_archivematica_reads_it(many: Path, tmp_path: Path, seed: dict[str, Any]) -> None:
    before = tree(many)
    report = _run([many], tmp_path / "out")
    assert tree(many) == before  # inputs untouched
    transfer = tmp_path / "out" / "archivematica"
    # what verify_transfer_compliance.py requires: its folders, nothing else at the top level, some files
    assert sorted(p.name for p in transfer.iterdir()) == ["logs", "metadata", "objects"]
    for folder in ("objects", "logs", "logs/fileMeta", "metadata", "metadata/submissionDocumentation"):
        assert (transfer / folder).is_dir()
    empty = (transfer / "logs", transfer / "metadata" / "submissionDocumentation")
    assert not [p for folder in empty for p in folder.rglob("*") if p.is_file()]
    records = {r["id"]: r for r in [seed, *(json.loads(line) for line in
                                             (many / "cases.jsonl").read_text(encoding="utf-8").splitlines())]}
    assert report.exported == len(records) == len(list((transfer / "objects").iterdir()))

    # metadata.csv: the header rules of Archivematica's manual and code
    with open(transfer / "metadata" / "metadata.csv", encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header[0] == "filename"  # "the filename column must come first"
    for column in header[1:]:  # dc.<element> or dcterms.<term>, and no refinement its regex would cut short
        assert re.fullmatch(r"(dc|dcterms)\.[A-Za-z]+", column), column
        assert column == column.strip()
    assert [c for c in header[1:] if c.startswith("dc.")] and [c for c in header[1:] if c.startswith("dcterms.")]
    assert not (transfer / "metadata" / "metadata.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8, no BOM
    parsed = parse_metadata_csv(transfer / "metadata" / "metadata.csv")
    assert sorted(parsed) == sorted(f"objects/{rid}" for rid in records)  # one row per record folder
    for rid, record in records.items():
        assert (transfer / "objects" / rid).is_dir()
        expected: dict[str, list[str]] = {}
        for column, value in columns(record):
            expected.setdefault(column, []).append(value)
        assert parsed[f"objects/{rid}"] == expected
        # the values are the dcterms export's, element for element (each distinct value once)
        dcterms = etree.parse(str(tmp_path / "out" / f"{rid}.dcterms.xml")).getroot()
        from_xml = {(etree.QName(e).localname, e.text) for e in dcterms}
        from_csv = {(column.split(".", 1)[1], v) for column, values in parsed[f"objects/{rid}"].items()
                    for v in values}
        assert from_csv == from_xml
        assert sum(map(len, parsed[f"objects/{rid}"].values())) == len(from_csv)  # no value repeated
    assert parsed["objects/mrta-globalsecurity"]["dc.subject"][:2] == ["Movimiento Revolucionario Túpac Amaru",
                                                                       "Terrorism--Peru"]

    # checksum.sha256: what Archivematica runs (from objects/, --strict, one line per file), and from metadata/
    listed = sums(transfer)
    on_disk = sorted(p.relative_to(transfer / "objects").as_posix() for p in (transfer / "objects").rglob("*")
                     if p.is_file())
    assert sorted(listed) == on_disk
    assert len((transfer / "metadata" / "checksum.sha256").read_text(encoding="utf-8").splitlines()) == sum(
        len(files) for _, _, files in os.walk(transfer / "objects"))
    sha256sum = need("sha256sum")
    for cwd in ("objects", "metadata"):
        done = subprocess.run([sha256sum, "-c", "--strict", "../metadata/checksum.sha256" if cwd == "objects"
                               else "checksum.sha256"], cwd=transfer / cwd, capture_output=True, text=True)
        assert done.returncode == 0 and done.stderr == "", done.stdout + done.stderr
        assert done.stdout.count(": OK\n") == len(listed)

    # each record's files: its JSON, its exports but METS, its original at its files path (the record's SHA-256)
    rid = seed["id"]
    own = transfer / "objects" / rid
    assert json.loads((own / f"{rid}.json").read_text(encoding="utf-8")) == seed
    assert sorted(p.name for p in own.iterdir() if p.is_file()) == sorted(
        f"{rid}{ext}" for ext in (".json", ".dcterms.xml", ".mods.xml", ".epub"))
    (entry,) = seed["files"]
    assert (own / entry["path"]).read_bytes() == SEED_CAPTURE.read_bytes()
    assert listed[f"{rid}/{entry['path']}"] == entry["sha256"] == seed["retrieval"]["sha256"]
    for name in ("dcterms.xml", "mods.xml", "epub"):
        assert (own / f"{rid}.{name}").read_bytes() == (tmp_path / "out" / f"{rid}.{name}").read_bytes()

    # each record's METS is metadata: in metadata/, not an object, and its fixity agrees with checksum.sha256
    for rid in records:
        mets = transfer / "metadata" / f"{rid}.mets.xml"
        assert mets.read_bytes() == (tmp_path / "out" / f"{rid}.mets.xml").read_bytes()
        checked = 0
        for file in etree.parse(str(mets)).getroot().iter(f"{METS}file"):
            href = file.findall(f"{METS}FLocat")[0].get(XLINK, "")
            path = href.removeprefix(f"records/{rid}/") if href.startswith("records/") else href
            if f"{rid}/{path}" in listed:
                assert file.get("CHECKSUMTYPE") == "SHA-256" and file.get("CHECKSUM") == listed[f"{rid}/{path}"]
                checked += 1
        assert checked == len([p for p in listed if p.startswith(f"{rid}/")]) >= 4


def test_the_same_bytes_every_run_and_from_cluster_parts(many: Path, tmp_path: Path, seed: dict[str, Any]) -> None:
    _run([many], tmp_path / "a")
    _run([many], tmp_path / "b")
    first = tree(tmp_path / "a" / "archivematica")
    assert first == tree(tmp_path / "b" / "archivematica") != {}
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.endswith(".part")]
    # built from parts as a cluster's workers write them, joined in input order: the same files
    found = [dict(seed, id=f"r{n}", title=f"{seed['title']} {n}") for n in range(5)]
    found[2] = edge_cases(seed)["minimal"] | {"id": "r2"}
    base = tmp_path / "in" / "x.json"  # the seed's original resolves from here
    one = get_package("archivematica")(tmp_path / "one", PackageSettings())
    for record in found:
        one.add(record, {}, base.parent)
    one.finish()
    joined = [get_package("archivematica")(tmp_path / "parts", PackageSettings())]
    job = parts_job(joined, tmp_path / "work")
    assert job is not None
    summaries = []
    for key, share in (("k0", found[:2]), ("k1", []), ("k2", found[2:])):
        writers = PartWriters(job, key)
        for record in share:
            writers.add(record, RecordResult(Status.EXPORTED, digest="0" * 64), (), str(tmp_path / "parts"), str(base))
        summaries.append((key, writers.close()))
    joiner = PartJoiner(joined, job)
    for key, summary in summaries:
        joiner.join(key, summary)
    joined[0].finish()
    assert tree(tmp_path / "parts") == tree(tmp_path / "one")
    assert len(sums(tmp_path / "one" / "archivematica")) == 5 * 1 + 4  # every JSON, four originals


def test_golden_metadata_csv_of_the_seed(seed: dict[str, Any], tmp_path: Path) -> None:
    package = get_package("archivematica")(tmp_path, PackageSettings())
    package.add(seed, {}, None)
    package.finish()
    assert (tmp_path / "archivematica" / "metadata" / "metadata.csv").read_bytes() == GOLDEN.read_bytes()


def test_repeated_elements_are_repeated_columns_rows_padded(seed: dict[str, Any], tmp_path: Path) -> None:
    few = edge_cases(seed)["minimal"]
    package = get_package("archivematica")(tmp_path, PackageSettings())
    for record in (few, seed):
        package.add(record, {}, None)
    package.finish()
    path = tmp_path / "archivematica" / "metadata" / "metadata.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0].count("dc.subject") == len(parse_metadata_csv(path)["objects/mrta-globalsecurity"]["dc.subject"])
    assert len({len(row) for row in rows}) == 1  # every row as wide as the header
    expected: dict[str, list[str]] = {}
    for column, value in columns(few):
        expected.setdefault(column, []).append(value)
    assert parse_metadata_csv(path)[f"objects/{few['id']}"] == expected


def test_an_original_that_fails_its_fixity_is_said_and_the_checksum_follows_the_bytes(
        many: Path, tmp_path: Path) -> None:
    (many / "originals" / SEED_CAPTURE.name).write_bytes(b"not the capture\n")
    said: list[str] = []
    formats, packages = split_formats("archivematica")
    run_batch([many / "seed.json"], tmp_path / "out", BatchOptions(formats=formats, packages=packages),
              on_warning=said.append)
    transfer = tmp_path / "out" / "archivematica"
    (message,) = said
    assert message.startswith("archivematica: record mrta-globalsecurity: /files/0/sha256: the original "
                              "'originals/mrta-globalsecurity.txt' has SHA-256 ")
    assert sums(transfer)["mrta-globalsecurity/originals/mrta-globalsecurity.txt"] == hashlib.sha256(
        b"not the capture\n").hexdigest()


def test_bad_input_is_one_line_and_leaves_no_half_written_transfer(many: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x", "title": 3}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["export", str(bad), str(many / "seed.json"), "--to", "archivematica", "--out", "o"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"{bad}: /title: expected a string, got an integer 3" in result.output.splitlines()
    assert sorted(p.name for p in (tmp_path / "o" / "archivematica" / "objects").iterdir()) == ["mrta-globalsecurity"]
    # a package given up (the batch failed) leaves neither the transfer nor its side files
    package = get_package("archivematica")(tmp_path / "gone", PackageSettings())
    package.add(json.loads((many / "seed.json").read_text(encoding="utf-8")), {}, many)
    package.abort()
    assert list((tmp_path / "gone").iterdir()) == []


def main() -> None:
    """Rewrite the golden metadata.csv of the seed (run by hand, then review the diff)."""
    import tempfile

    from archivist.packages.archivematica import Archivematica

    seed = json.loads((Path(__file__).resolve().parents[2] / "records" / "mrta-globalsecurity.json").read_text(
        encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        package = Archivematica(Path(folder), PackageSettings())
        package.add(seed, {}, None)
        package.finish()
        GOLDEN.write_bytes((Path(folder) / "archivematica" / "metadata" / "metadata.csv").read_bytes())


if __name__ == "__main__":
    main()

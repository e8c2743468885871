"""Catalog packages, each checked the way its consumer checks it: OAI-PMH.xsd + oai_dc.xsd, DSpace's importer
layout rules, bagit-python's validator."""

from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path
from typing import Any

import bagit
import pytest
from lxml import etree
from typer.testing import CliRunner

from archivist._oai_vocabulary import datestamp, subject_sets
from archivist.batch import BatchOptions, run_batch, split_formats
from archivist.cli import app
from archivist.packages import PackageSettings
from tests.conftest import RECORDS, SEED_CAPTURE
from tests.oracles import oai_errors
from tests.packages.conftest import records_folder

runner = CliRunner()
OAI = "{http://www.openarchives.org/OAI/2.0/}"


@pytest.fixture
def many(tmp_path: Path, seed: dict[str, Any]) -> Path:
    """A folder of records: the seed (with its original beside it) and the edge cases as JSON Lines."""
    return records_folder(tmp_path, seed, leave_out=("no-subjects", "long-title"))


def _run(paths: list[Path], out: Path, to: str, **settings: Any) -> Any:
    formats, packages = split_formats(to)
    return run_batch(paths, out, BatchOptions(formats=formats, packages=packages, settings=PackageSettings(**settings)))


def test_oai_static_is_valid_oai_pmh_with_valid_oai_dc(many: Path, tmp_path: Path) -> None:
    report = _run([many], tmp_path / "out", "oai-static", repository_id="archive.example.org")
    data = (tmp_path / "out" / "oai-static.xml").read_bytes()
    assert oai_errors(data) == []
    root = etree.fromstring(data)
    ids = [e.text for e in root.iter(f"{OAI}identifier")]
    assert len(ids) == report.exported == 7 and "oai:archive.example.org:mrta-globalsecurity" in ids
    assert root.find(f"{OAI}request").get("verb") == "ListRecords"
    assert root.findtext(f"{OAI}responseDate") == max(e.text for e in root.iter(f"{OAI}datestamp"))


def test_oai_check_can_fail(many: Path, tmp_path: Path) -> None:
    _run([many], tmp_path / "out", "oai-static")
    data = (tmp_path / "out" / "oai-static.xml").read_bytes()
    assert oai_errors(data.replace(b"<dc:title", b"<dc:titel", 1).replace(b"</dc:title>", b"</dc:titel>", 1)) != []
    assert oai_errors(data.replace(b"<datestamp>", b"<datestamp>x", 1)) != []


def test_datestamps_and_sets(seed: dict[str, Any]) -> None:
    assert datestamp(seed) == "2026-11-24T00:00:00Z"
    record = copy.deepcopy(seed)
    record["provenance"].append({"action": "checked", "at": "2026-11-25T08:30:12.5Z", "agent": "x"})
    assert datestamp(record) == "2026-11-25T08:30:12Z"
    specs = [s for s, _ in subject_sets(seed)]
    assert "subject:lcsh:Terrorism--Peru" in specs and len(set(specs)) == len(specs)
    assert all(s.isascii() for s in specs)


def test_dspace_saf_as_the_importer_reads_it(many: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run([many], out, "epub,dspace-saf", dspace_collection="123456789/2")
    archive = out / "dspace-saf"
    items = sorted(p.name for p in archive.iterdir())
    assert len(items) == 7 and "mrta-globalsecurity" in items
    for item in archive.iterdir():
        assert (item / "collections").read_bytes() == b"123456789/2"  # DSpace reads it without a trailing newline
        for name, schema in (("dublin_core.xml", "dc"), ("metadata_dcterms.xml", "dcterms")):
            root = etree.parse(str(item / name)).getroot()
            assert root.tag == "dublin_core" and root.get("schema") == schema
            for value in root:
                assert value.tag == "dcvalue" and value.get("element") and value.get("qualifier")
                assert set(value.attrib) <= {"element", "qualifier", "language"} and value.text
        listed = []
        for line in (item / "contents").read_text(encoding="utf-8").splitlines():
            name, *options = line.split("\t")
            assert (item / name).is_file() and "bundle:ORIGINAL" in options
            assert all(o.split(":", 1)[0] in {"bundle", "description", "permissions", "primary"} for o in options)
            listed.append(name)
        assert f"{item.name}.epub" in listed
        saf_files = {"contents", "collections", "dublin_core.xml", "metadata_dcterms.xml"}
        on_disk = {p.name for p in item.iterdir()} - saf_files
        assert on_disk == set(listed)
    seed_item = archive / "mrta-globalsecurity"
    assert (seed_item / SEED_CAPTURE.name).read_bytes() == SEED_CAPTURE.read_bytes()
    dc = etree.parse(str(seed_item / "dublin_core.xml")).getroot()
    assert ("title", "none") in [(v.get("element"), v.get("qualifier")) for v in dc]
    assert ("subject", "lcsh") in [(v.get("element"), v.get("qualifier")) for v in dc]
    with zipfile.ZipFile(out / "dspace-saf.zip") as zipped:
        names = set(zipped.namelist())
        assert names == {p.relative_to(archive).as_posix() for p in archive.rglob("*") if p.is_file()}
        assert zipped.read("mrta-globalsecurity/contents") == (seed_item / "contents").read_bytes()


def test_bagit_bag_validates_and_inputs_stay(many: Path, tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in many.rglob("*") if p.is_file()}
    bag_dir = tmp_path / "bag"
    _run([many], bag_dir, "all,oai-static,bagit", source_organization="Example Archive",
         external_identifier="batch-2026-11-24")
    bag = bagit.Bag(str(bag_dir))
    bag.validate()
    assert bag.info["Source-Organization"] == "Example Archive"
    assert bag.info["External-Identifier"] == "batch-2026-11-24"
    assert bag.info["Payload-Oxum"].endswith(f".{len(list((bag_dir / 'data').rglob('*.*')))}")
    assert set(bag.algorithms) == {"sha256", "sha512"}
    assert (bag_dir / "data" / "oai-static.xml").is_file() and (bag_dir / "data" / "mrta-globalsecurity.epub").is_file()
    kept = bag_dir / "data" / "records" / "mrta-globalsecurity"
    assert (kept / "originals" / SEED_CAPTURE.name).read_bytes() == SEED_CAPTURE.read_bytes()
    assert runner.invoke(app, ["validate", "--check-files", str(bag_dir / "data" / "records")]).exit_code == 0
    assert {p: p.read_bytes() for p in many.rglob("*") if p.is_file()} == before
    (bag_dir / "data" / "mrta-globalsecurity.jsonld").write_text("{}")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag_dir)).validate()


def test_done_when_command(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", str(RECORDS), "--to", "all,oai-static,dspace-saf,marcxml,bagit",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    bagit.Bag(str(out)).validate()
    assert oai_errors((out / "data" / "oai-static.xml").read_bytes()) == []
    assert (out / "data" / "dspace-saf.zip").is_file() and (out / "data" / "mrta-globalsecurity.marc.xml").is_file()


def test_an_interrupted_run_leaves_no_partial_package(many: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    formats, packages = split_formats("epub,oai-static,dspace-saf")
    seen = []

    def stop_midway(outcome: Any) -> None:
        seen.append(outcome)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch([many], out, BatchOptions(formats=formats, packages=packages), on_outcome=stop_midway)
    names = {p.name for p in out.iterdir()}
    assert not names & {"oai-static.xml", "dspace-saf", "dspace-saf.zip", ".dspace-saf.part", ".dspace-saf.zip.part"}
    assert not [n for n in names if n.endswith(".part")]


def test_an_original_named_like_a_saf_file_is_renamed(tmp_path: Path, seed: dict[str, Any]) -> None:
    from archivist.packages.dspace_saf import item_files

    (tmp_path / "originals").mkdir()
    (tmp_path / "originals" / "contents").write_bytes(b"capture")
    record = dict(seed, files=[{"path": "originals/contents", "media_type": "text/plain", "byte_size": 7,
                                "sha256": "0" * 64, "role": "original"}])
    files = item_files(record, {}, tmp_path)
    assert files["original-contents"] == b"capture"
    assert files["contents"].decode().splitlines()[1].startswith("original-contents\tbundle:ORIGINAL")


def test_the_package_that_wraps_the_output_folder_goes_last() -> None:
    assert split_formats("bagit,all,oai-static") == (["oai_dc", "dcterms", "jsonld", "epub", "marcxml", "marc21",
                                                     "mods", "csl-json", "bibtex", "ris", "datacite", "mets"],
                                                    ["oai-static", "bagit"])
    assert split_formats("dspace-saf,bagit,oai-static")[1] == ["dspace-saf", "oai-static", "bagit"]


def test_dspace_names_dates_and_roles_land_in_the_default_registry_fields(seed: dict[str, Any]) -> None:
    from archivist.packages.dspace_saf import item_files

    record = dict(seed, dates=[{"type": "issued", "value": "2024-03-03"}],
                  creators=[{"name": "Quispe, Ana", "kind": "person", "role": "author"}],
                  contributors=[{"name": "Roe, Jane", "kind": "person", "role": "editor"},
                                {"name": "Doe, John", "kind": "person", "role": "ths"},
                                {"name": "Instituto X", "kind": "organization", "role": "sponsor"},
                                {"name": "Poe, Edgar", "kind": "person"}])
    dc = etree.fromstring(item_files(record, {}, None)["dublin_core.xml"])
    fields = [(v.get("element"), v.get("qualifier"), v.text) for v in dc]
    assert ("date", "issued", "2024-03-03") in fields and ("contributor", "author", "Quispe, Ana") in fields
    assert [f for f in fields if f[0] == "contributor" and f[2] != "Quispe, Ana"] == [
        ("contributor", "editor", "Roe, Jane"), ("contributor", "advisor", "Doe, John"),
        ("contributor", "none", "Instituto X"), ("contributor", "none", "Poe, Edgar")]


def test_mods_collection_package_equals_the_collection_of_its_records(tmp_path: Path) -> None:
    from archivist.exporters import mods

    seed = json.loads((Path(__file__).resolve().parent.parent.parent / "records" / "mrta-globalsecurity.json")
                      .read_text(encoding="utf-8"))
    records = [dict(seed, id=f"m{n}", title=f"Title {n}") for n in range(3)]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    run_batch([folder], tmp_path / "out", BatchOptions(formats=["mods"], packages=["mods-collection"]))
    assert (tmp_path / "out" / "mods-collection.xml").read_bytes() == mods.collection(records)

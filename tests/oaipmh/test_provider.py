"""The OAI-PMH data provider, harvested over loopback by Sickle; every response validated against OAI-PMH.xsd
(and each metadata payload against its own schema)."""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sickle import Sickle
from sickle.oaiexceptions import (
    BadArgument,
    BadResumptionToken,
    CannotDisseminateFormat,
    IdDoesNotExist,
    NoRecordsMatch,
)

from archivist.oaipmh import RecordIndex, Repository, make_server
from tests.oracles import oai_errors

OAI = "{http://www.openarchives.org/OAI/2.0/}"
REPO = "archive.example.org"


def _records(seed: dict[str, Any]) -> list[dict[str, Any]]:
    records = []
    for n in range(11):
        record = dict(seed, id=f"doc-{n:02d}", title=f"Document {n}")
        record["retrieval"] = dict(seed["retrieval"], retrieved_at="2026-11-01")
        record["provenance"] = [{"action": "ingested", "at": f"2026-11-{10 + n:02d}T12:00:00Z", "agent": "test"}]
        if n % 2:
            record["subjects"] = [{"term": "Odd", "scheme": "local"}]
        else:
            record["subjects"] = [{"term": "Terrorism--Peru", "scheme": "lcsh"}]
        records.append(record)
    return records


@pytest.fixture
def server(tmp_path: Path, seed: dict[str, Any]) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "records"
    folder.mkdir()
    batch = folder / "batch.jsonl"
    batch.write_text("".join(json.dumps(r) + "\n" for r in _records(seed)) + '{"id": "broken"}\n', encoding="utf-8")
    index = RecordIndex([folder], tmp_path / "index.sqlite")
    httpd = make_server(index, Repository(base_url="", repository_id=REPO, page_size=4), "127.0.0.1", 0)
    base = httpd.provider.repo.base_url
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield base, batch
    finally:
        httpd.shutdown()
        assert httpd.wait_stopped(10)
        index.close()


def fetch(base: str, **params: str) -> bytes:
    with urllib.request.urlopen(f"{base}?{urllib.parse.urlencode(params)}") as response:
        return response.read()


def test_harvest_every_format_with_sickle(server: tuple[str, Path]) -> None:
    base, _ = server
    sickle = Sickle(base)
    identify = sickle.Identify()
    assert identify.protocolVersion == "2.0" and identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert {f.metadataPrefix for f in sickle.ListMetadataFormats()} == {"oai_dc", "dcterms", "marcxml"}
    for prefix in ("oai_dc", "dcterms", "marcxml"):
        records = list(sickle.ListRecords(metadataPrefix=prefix))
        assert [r.header.identifier for r in records] == [f"oai:{REPO}:doc-{n:02d}" for n in range(11)]
    titles = [r.metadata["title"][0] for r in sickle.ListRecords(metadataPrefix="oai_dc")]
    assert titles == [f"Document {n}" for n in range(11)]
    assert len(list(sickle.ListIdentifiers(metadataPrefix="oai_dc"))) == 11
    record = sickle.GetRecord(identifier=f"oai:{REPO}:doc-03", metadataPrefix="oai_dc")
    assert record.metadata["title"][0] == "Document 3"
    sets = {s.setSpec for s in sickle.ListSets()}
    assert {"subject", "subject:local", "subject:local:Odd", "subject:lcsh:Terrorism--Peru"} <= sets


def test_selective_harvest(server: tuple[str, Path]) -> None:
    sickle = Sickle(server[0])
    odd = [h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", set="subject:local")]
    assert odd == [f"oai:{REPO}:doc-{n:02d}" for n in range(1, 11, 2)]
    window = [h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", **{"from": "2026-11-12",
                                                                                          "until": "2026-11-14"})]
    assert window == [f"oai:{REPO}:doc-{n:02d}" for n in (2, 3, 4)]
    exact = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", **{"from": "2026-11-12T12:00:01Z",
                                                                      "until": "2026-11-13T12:00:00Z"}))
    assert [h.identifier for h in exact] == [f"oai:{REPO}:doc-03"]


def test_every_response_is_schema_valid(server: tuple[str, Path]) -> None:
    base, _ = server
    requests = [
        {"verb": "Identify"}, {"verb": "ListMetadataFormats"}, {"verb": "ListSets"},
        {"verb": "ListMetadataFormats", "identifier": f"oai:{REPO}:doc-01"},
        {"verb": "GetRecord", "identifier": f"oai:{REPO}:doc-01", "metadataPrefix": "marcxml"},
        {"verb": "GetRecord", "identifier": f"oai:{REPO}:doc-01", "metadataPrefix": "dcterms"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "subject:lcsh"},
        {"verb": "ListIdentifiers", "metadataPrefix": "marcxml"},
    ]
    for params in requests:
        data = fetch(base, **params)
        assert oai_errors(data) == [], params
        assert etree.fromstring(data).find(f"{OAI}error") is None, params
    first = etree.fromstring(fetch(base, verb="ListRecords", metadataPrefix="oai_dc"))
    token = first.findtext(f".//{OAI}resumptionToken")
    pages = 1
    while token:
        data = fetch(base, verb="ListRecords", resumptionToken=token)
        assert oai_errors(data) == []
        token = etree.fromstring(data).findtext(f".//{OAI}resumptionToken")
        pages += 1
    assert pages == 3


@pytest.mark.parametrize(("params", "code"), [
    ({}, "badVerb"),
    ({"verb": "Dance"}, "badVerb"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "Identify", "extra": "1"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-11-12", "until": "2026-11-12T00:00:00Z"},
     "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-12-01", "until": "2026-11-01"}, "badArgument"),
    ({"verb": "ListRecords", "resumptionToken": "nonsense"}, "badResumptionToken"),
    ({"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "identifier": f"oai:{REPO}:nope", "metadataPrefix": "oai_dc"}, "idDoesNotExist"),
    ({"verb": "ListMetadataFormats", "identifier": "oai:other.org:doc-01"}, "idDoesNotExist"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2030-01-01"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "subject:fast"}, "noRecordsMatch"),
    ({"verb": "ListSets", "resumptionToken": "abc"}, "badResumptionToken"),
])
def test_errors_are_reported_with_their_codes(server: tuple[str, Path], params: dict[str, str], code: str) -> None:
    data = fetch(server[0], **params)
    assert oai_errors(data) == []
    root = etree.fromstring(data)
    assert root.find(f"{OAI}error").get("code") == code
    if code in ("badVerb", "badArgument"):
        assert root.find(f"{OAI}request").attrib == {}


@pytest.mark.parametrize(("identifier", "hint"), [
    ("doc-01", f"identifiers here look like oai:{REPO}:<record id>, such as 'oai:{REPO}:doc-01'"),
    ("oai:other.org:doc-01", f"such as 'oai:{REPO}:doc-01'"),
    (f"oai:{REPO}:nope", None),  # the right shape: nothing to add
])
def test_an_unknown_identifier_says_what_identifiers_look_like(server: tuple[str, Path], identifier: str,
                                                               hint: str | None) -> None:
    data = fetch(server[0], verb="GetRecord", identifier=identifier, metadataPrefix="oai_dc")
    assert oai_errors(data) == []
    error = etree.fromstring(data).find(f"{OAI}error")
    assert error.get("code") == "idDoesNotExist"
    assert (hint in error.text) if hint else ("look like" not in error.text), error.text


def test_sickle_raises_protocol_errors(server: tuple[str, Path]) -> None:
    sickle = Sickle(server[0])
    for call, error in ((lambda: sickle.GetRecord(identifier="oai:x:y", metadataPrefix="oai_dc"), IdDoesNotExist),
                        (lambda: list(sickle.ListRecords(metadataPrefix="mods")), CannotDisseminateFormat),
                        (lambda: list(sickle.ListRecords(metadataPrefix="oai_dc", set="nope")), NoRecordsMatch),
                        (lambda: list(sickle.ListRecords(resumptionToken="zz")), BadResumptionToken),
                        (lambda: list(sickle.ListRecords(metadataPrefix="oai_dc", **{"from": "bad"})), BadArgument)):
        with pytest.raises(error):
            call()


def test_post_is_answered_like_get(server: tuple[str, Path]) -> None:
    body = urllib.parse.urlencode({"verb": "GetRecord", "identifier": f"oai:{REPO}:doc-05", "metadataPrefix": "oai_dc"})
    with urllib.request.urlopen(urllib.request.Request(server[0], data=body.encode(), method="POST")) as response:
        data = response.read()
    assert oai_errors(data) == [] and b"Document 5" in data


def test_index_refreshes_when_records_change(tmp_path: Path, seed: dict[str, Any]) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(dict(seed, id="a")), encoding="utf-8")
    index = RecordIndex([folder], tmp_path / "i.sqlite")
    assert index.get("a") and not index.get("b") and index.refresh() is False
    (folder / "b.json").write_text(json.dumps(dict(seed, id="b")), encoding="utf-8")
    assert index.refresh() is True and index.get("b")
    index.close()
    again = RecordIndex([folder], tmp_path / "i.sqlite")
    assert again.get("b") and again.refresh() is False
    again.close()


def test_invalid_records_are_left_out_and_reported(server: tuple[str, Path], tmp_path: Path) -> None:
    index = RecordIndex([server[1]], tmp_path / "other.sqlite")
    assert [p.line for p in index.problems][:1] == [12]
    assert index.get("broken") is None
    index.close()


def test_cli_serve_is_harvested_end_to_end(tmp_path: Path) -> None:
    """``archivist serve`` as users run it, harvested by Sickle, then stopped."""
    import subprocess
    import sys

    from tests.conftest import RECORDS

    process = subprocess.Popen([sys.executable, "-m", "archivist", "serve", str(RECORDS), "--port", "0",
                                "--index", str(tmp_path / "i.sqlite"), "--repository-id", REPO],
                               stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        assert "OAI-PMH at " in line, line
        base = line.split("OAI-PMH at ")[1].split()[0]
        records = list(Sickle(base).ListRecords(metadataPrefix="marcxml"))
        assert [r.header.identifier for r in records] == [f"oai:{REPO}:mrta-globalsecurity"]
        assert oai_errors(fetch(base, verb="ListRecords", metadataPrefix="dcterms")) == []
        with urllib.request.urlopen(base.rsplit("/", 1)[0] + "/schemas/archivist-qdc.xsd") as response:
            assert b"qualifieddc" in response.read()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_cli_serve_missing_path_is_a_usage_error_and_creates_no_index(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from archivist.cli import app

    result = CliRunner().invoke(app, ["serve", str(tmp_path / "absent"), "--port", "0"])
    assert result.exit_code == 2 and "absent" in result.output
    assert list(tmp_path.iterdir()) == []

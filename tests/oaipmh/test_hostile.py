"""The server never drops a request: hostile arguments get a schema-valid OAI error, broken HTTP framing an HTTP
error, a stalled request a closed connection within the timeout; and the log never shows a traceback."""

from __future__ import annotations

import base64
import json
import socket
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from archivist.oaipmh import Provider, RecordIndex, Repository
from tests.oracles import oai_errors

from .conftest import REPO, Served, fetch, sample_records, start, stop

OAI = "{http://www.openarchives.org/OAI/2.0/}"


def _token(data: Any) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _error(data: bytes) -> str | None:
    assert oai_errors(data) == [], data[:2000]
    error = etree.fromstring(data).find(f"{OAI}error")
    return None if error is None else error.get("code")


GOOD = {"metadataPrefix": "oai_dc", "c": 0, "n": 11}


@pytest.mark.parametrize(("query", "code"), [
    ("verb=GetRecord&identifier=%00&metadataPrefix=oai_dc", "badArgument"),
    ("verb=GetRecord&identifier=oai:archive.example.org:doc-01%01&metadataPrefix=oai_dc", "badArgument"),
    ("verb=GetRecord&identifier=%25zz&metadataPrefix=oai_dc", "badArgument"),
    ("verb=GetRecord&identifier=a%23b%23c&metadataPrefix=oai_dc", "badArgument"),
    ("verb=GetRecord&identifier=http://[::1&metadataPrefix=oai_dc", "badArgument"),
    ("verb=GetRecord&identifier=oai:x:%C3%A9&metadataPrefix=oai_dc", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=%01", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2026-11-12%0A", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&until=2026-11-12T00:00:00Z%0A", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=%D9%A2%D9%A0%D9%A2%D9%A6-11-12", "badArgument"),  # Arabic digits
    ("verb=ListRecords&metadataPrefix=oai_dc&from=%EF%BC%92026-11-12", "badArgument"),  # a fullwidth 2
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2026-11-12T25:00:00Z", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2026-02-30", "badArgument"),
    ("verb=ListRecords&metadataPrefix=", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&set=", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai+dc", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&set=a%20b", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&set=subject::x", "badArgument"),
    ("verb=GetRecord&identifier=&metadataPrefix=oai_dc", "badArgument"),
    ("verb=ListMetadataFormats&identifier=", "badArgument"),
    ("verb=Identify&%00=1", "badArgument"),
    ("verb=%00", "badVerb"),
    ("verb=", "badVerb"),
    ("verb=Identify&verb=Identify", "badVerb"),
    ("verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc", "badArgument"),
    ("verb=ListRecords&metadataPrefix=" + "x" * 5000, "badArgument"),
    ("verb=ListRecords&resumptionToken=", "badArgument"),
    ("verb=ListRecords&resumptionToken=%00", "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=" + _token(b"[" * 1500), "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=" + _token(b'{"q":' * 300 + b"1" + b"}" * 300), "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=" + _token({"q": {"metadataPrefix": "oai_dc", "from": "\u0001"}, "a": "",
                                                   "c": 0, "n": 1}), "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=" + _token({"q": {"metadataPrefix": "oai_dc", "x": "1"}, "a": "", "c": 0,
                                                   "n": 1}), "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=" + _token({"q": {"metadataPrefix": "a b"}, "a": "", "c": 0, "n": 1}),
     "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=" + _token({"q": {"metadataPrefix": "oai_dc"}, "a": "", "c": True, "n": 1}),
     "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=" + _token({"q": {"metadataPrefix": "oai_dc"}, "a": "", "c": 5, "n": 1}),
     "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=" + _token({"q": {"metadataPrefix": "oai_dc"}, "a": [], "c": 0, "n": 1}),
     "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=" + _token(b"\xff\xfe"), "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=" + "A" * 3000, "badResumptionToken"),
    ("&".join(f"f{n}=1" for n in range(200)) + "&verb=Identify", "badArgument"),
    ("verb=Identify&%FF%FE=1", "badArgument"),
])
def test_hostile_arguments_get_a_schema_valid_error(served: Served, query: str, code: str) -> None:
    for method in ("GET", "POST"):
        if method == "GET":
            request = urllib.request.Request(f"{served.base}?{query}")
        else:
            request = urllib.request.Request(served.base, data=query.encode(), method="POST")
        with urllib.request.urlopen(request, timeout=15) as response:
            assert response.status == 200
            data = response.read()
        assert _error(data) == code, (method, query, data[-400:])
        if code in ("badVerb", "badArgument"):
            assert etree.fromstring(data).find(f"{OAI}request").attrib == {}


def test_a_token_within_the_protocol_still_works(served: Served) -> None:
    """The checks above do not refuse what the server issues itself."""
    first = fetch(served.base, verb="ListIdentifiers", metadataPrefix="oai_dc", set="subject:local:Odd")
    assert _error(first) is None
    token = etree.fromstring(first).findtext(f".//{OAI}resumptionToken")
    assert token and _error(fetch(served.base, verb="ListIdentifiers", resumptionToken=token)) is None


def _raw(served: Served, data: bytes, wait: float = 10) -> tuple[float, bytes]:
    """Send bytes on a new connection; the seconds until the server answered or closed, and what it sent."""
    url = urllib.parse.urlsplit(served.base)
    began = time.monotonic()
    with socket.create_connection((url.hostname, url.port), timeout=wait) as connection:
        connection.sendall(data)
        received = b""
        while True:
            try:
                chunk = connection.recv(65536)
            except ConnectionResetError:  # the server answered and closed while the request was still coming
                chunk = b""
            if not chunk:
                break
            received += chunk
    return time.monotonic() - began, received


@pytest.mark.parametrize(("head", "status"), [
    (b"Content-Length: abc\r\n", b"400"),
    (b"Content-Length: -1\r\n", b"400"),
    (b"Content-Length: 1e3\r\n", b"400"),
    (b"Content-Length: \xd9\xa1\r\n", b"400"),
    (b"Content-Length: 100000000000\r\n", b"413"),
    (b"Content-Length: 70000\r\n", b"413"),
    (b"Content-Length: 1\r\nContent-Length: 2\r\n", b"400"),
    (b"Transfer-Encoding: chunked\r\n\r\nzz\r\n", b"400"),
    (b"", b"411"),
    (b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", b"415"),
])
def test_malformed_post_framing_gets_an_http_error_at_once(served: Served, head: bytes, status: bytes) -> None:
    request = b"POST " + urllib.parse.urlsplit(served.base).path.encode() + b" HTTP/1.1\r\nHost: x\r\n"
    request += b"Connection: close\r\n" + head + (b"" if b"\r\n\r\n" in head else b"\r\n")
    seconds, answer = _raw(served, request)
    assert answer.split(b" ")[1] == status, answer[:200]
    assert seconds < 2


@pytest.mark.parametrize("data", [
    b"POST /oai HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n",  # promises a body it never sends
    b"POST /oai HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nverb",
    b"POST /oai HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nve",
    b"GET /oai?verb=Identify HTTP/1.1\r\nHost: x\r\n",  # headers never finished
    b"GET /oai?verb=Identify HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /oai HTTP/1.1\r\n",
])
def test_a_stalled_request_gets_408_within_the_timeout(served: Served, data: bytes) -> None:
    seconds, answer = _raw(served, data)
    assert answer.startswith((b"HTTP/1.1 200 ", b"HTTP/1.1 408 Request Timeout")), answer[:100]
    assert seconds < 6  # --timeout 2, checked every second
    if not answer.startswith(b"HTTP/1.1 200 "):
        assert answer.endswith(b"\r\n\r\nthe request was not complete in time\n")
        served.wait_for(" - - - 408 ")


def test_an_idle_connection_is_closed_within_the_timeout(served: Served) -> None:
    seconds, answer = _raw(served, b"")
    assert answer == b"" and seconds < 6


@pytest.mark.parametrize(("data", "status"), [
    (b"GARBAGE\r\n\r\n", b"400"),
    (b"\x00\x01\x02\r\n\r\n", b"400"),
    (b"GET /oai?verb=Identify HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 66000 + b"\r\n\r\n", b"431"),
    (b"GET / HTTP/9.9\r\n\r\n", b"200"),  # answered as HTTP/1.0
    (b"DELETE /oai HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", b"405"),
    (b"GET /oai/../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", b"404"),
])
def test_garbage_gets_an_http_answer_at_once(served: Served, data: bytes, status: bytes) -> None:
    seconds, answer = _raw(served, data)
    assert answer.startswith(b"HTTP/1.") and answer.split(b" ")[1] == status and seconds < 2, answer[:200]


def test_every_answer_was_logged_and_no_traceback(served: Served) -> None:
    fetch(served.base, verb="GetRecord", identifier="\x00", metadataPrefix="oai_dc")
    line = served.wait_for(" GET /oai GetRecord badArgument 200 ")
    assert line.split()[-1] == "ms" and float(line.split()[-2]) >= 0
    assert "Traceback" not in served.log() and "Exception" not in served.log()
    for line in served.lines:
        if line.startswith("127.0.0.1 "):  # a request's line: ASCII, whatever the request held
            assert line.isascii() and len(line.split()) in (7, 8), line


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Provider:
    from tests.conftest import SEED

    seed = json.loads(SEED.read_text(encoding="utf-8"))
    folder = tmp_path_factory.mktemp("provider")
    (folder / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in sample_records(seed)), encoding="utf-8")
    return Provider(RecordIndex([folder], folder / ".index.sqlite"),
                    Repository(base_url="http://archive.example.org/oai", repository_id=REPO, page_size=3))


NAMES = ["verb", "identifier", "metadataPrefix", "from", "until", "set", "resumptionToken", "other"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(NAMES), st.lists(st.text(max_size=30), min_size=1, max_size=2), max_size=5),
       st.sampled_from(["Identify", "ListMetadataFormats", "ListSets", "GetRecord", "ListIdentifiers",
                        "ListRecords"]))
def test_any_arguments_give_a_schema_valid_response(provider: Provider, arguments: dict[str, list[str]],
                                                    verb: str) -> None:
    arguments.setdefault("verb", [verb])
    data = provider.respond(arguments)
    assert oai_errors(data) == [], (arguments, data[-600:])


def test_concurrent_sickle_harvests_all_get_everything(served: Served) -> None:
    from sickle import Sickle

    results: list[list[str]] = []

    def harvest() -> None:
        results.append([r.header.identifier for r in Sickle(served.base, timeout=30).ListRecords(
            metadataPrefix="oai_dc")])

    threads = [threading.Thread(target=harvest) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == [[f"oai:{REPO}:doc-{n:02d}" for n in range(11)]] * 6


def test_a_broken_index_gives_a_500_and_one_log_line(tmp_path: Path, seed: dict[str, Any]) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(dict(seed, id="a")), encoding="utf-8")
    server = start(folder, "--index", str(tmp_path / "i.sqlite"), "--repository-id", REPO)
    try:
        with sqlite3.connect(tmp_path / "i.sqlite") as db:
            db.execute("DROP TABLE records")  # someone tampers with the index
        with pytest.raises(urllib.error.HTTPError) as error:
            fetch(server.base, verb="GetRecord", identifier=f"oai:{REPO}:a", metadataPrefix="oai_dc")
        assert error.value.code == 500 and error.value.read() == b"internal error; see the log\n"
        line = server.wait_for("error: OperationalError: no such table: records")
        assert "while answering GET /oai" in line
        assert b"<schema" in fetch(server.base.rsplit("/", 1)[0] + "/schemas/oai_dc.xsd")  # still serving
    finally:
        assert stop(server) == 0
    assert "Traceback" not in server.log()


def test_chunked_and_pipelined_requests_are_answered(served: Served) -> None:
    path = urllib.parse.urlsplit(served.base).path.encode()
    _, answer = _raw(served, b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     b"Transfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n"
                     b"d\r\nverb=Identify\r\n0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 ") and b"<Identify>" in answer
    _, answer = _raw(served, b"GET " + path + b"?verb=Identify HTTP/1.1\r\nHost: x\r\n\r\nGET " + path
                     + b"?verb=ListSets HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert answer.count(b"HTTP/1.1 200 OK") == 2 and b"<Identify>" in answer and b"<ListSets>" in answer


@pytest.mark.parametrize("head", [
    b"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 30\r\n\r\n0\r\n\r\n",
    b"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    b"POST {path} HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n"
    b"Content-Length: 5\r\n\r\n0\r\n\r\n",
])
def test_a_request_with_two_framings_gets_400_and_the_connection_closes(served: Served, head: bytes) -> None:
    """RFC 9112 §6.1: a request smuggled behind one with both Content-Length and Transfer-Encoding (or
    Transfer-Encoding in HTTP/1.0) is never answered; the server says 400 and closes."""
    path = urllib.parse.urlsplit(served.base).path.encode()
    smuggled = b"GET " + path + b"?verb=ListSets HTTP/1.1\r\nHost: x\r\n\r\n"
    seconds, answer = _raw(served, head.replace(b"{path}", path) + smuggled)
    assert answer.startswith((b"HTTP/1.1 400 ", b"HTTP/1.0 400 ")), answer[:200]
    assert answer.count(b"HTTP/1.") == 1 and b"ListSets" not in answer, answer
    assert b"\r\nConnection: close\r\n" in answer and b"Keep-Alive" not in answer
    assert seconds < 2  # closed at once, not left for the idle timeout


def test_slow_clients_do_not_hold_up_a_harvester(served: Served) -> None:
    """Slowloris: many connections trickling half a request; a harvester is still answered at once."""
    url = urllib.parse.urlsplit(served.base)
    slow = [socket.create_connection((url.hostname, url.port), timeout=10) for _ in range(50)]
    try:
        for connection in slow:
            connection.sendall(b"GET /oai?verb=Identify HTTP/1.1\r\nHost: x\r\nX-a: ")
        began = time.monotonic()
        for _ in range(3):
            assert _error(fetch(served.base, verb="ListRecords", metadataPrefix="oai_dc")) is None
        assert time.monotonic() - began < 3
    finally:
        for connection in slow:
            connection.close()

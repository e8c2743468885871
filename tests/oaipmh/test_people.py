"""The server for people and for schema-checking harvesters: a page at the root, every schema it points to
fetchable from it (or official) and compiling, a start-up message, placeholder warnings, one log line per request."""

from __future__ import annotations

import io
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from lxml import etree, html

from tests.conftest import RECORDS, ROOT
from tests.oracles import oai_errors

from .conftest import REPO, Served, fetch, start, stop

OAI = "{http://www.openarchives.org/OAI/2.0/}"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


def _official() -> dict[str, str]:
    """The official URL of each shipped schema, from the table in schemas/README.md."""
    text = (ROOT / "src" / "archivist" / "schemas" / "README.md").read_text(encoding="utf-8")
    return {url: name for name, url in re.findall(r"^\| `([^`]+\.xsd)` \| [^|]+ \| (\S+) \|$", text, re.MULTILINE)}


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=15) as response:
        assert response.status == 200
        return response.read()


class _Harvester(etree.Resolver):
    """Resolve a schema URL as a harvester would, offline: from the server over HTTP, or an official URL from
    the shipped copy of that very URL. Anything else fails the test."""

    def __init__(self, server: str, fetched: list[str]) -> None:
        super().__init__()
        self.server, self.fetched, self.official = server, fetched, _official()
        self.folder = ROOT / "src" / "archivist" / "schemas"

    def data(self, url: str) -> bytes:
        self.fetched.append(url)
        if url.startswith(self.server):
            return _get(url)
        name = url.rsplit("/", 1)[-1]
        hosts = {urllib.parse.urlsplit(u).hostname for u in self.official}  # an official schema's siblings too
        sibling = urllib.parse.urlsplit(url).hostname in hosts and name in self.official.values()
        assert url in self.official or sibling, f"{url} is neither served nor an official schema URL"
        return (self.folder / name).read_bytes()

    def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
        return self.resolve_string(self.data(url), context, base_url=url)


def _compile(url: str, server: str) -> tuple[etree.XMLSchema, list[str]]:
    fetched: list[str] = []
    harvester = _Harvester(server, fetched)
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(harvester)
    return etree.XMLSchema(etree.parse(io.BytesIO(harvester.data(url)), parser, base_url=url)), fetched


def test_every_advertised_schema_is_served_or_official_and_compiles(served: Served) -> None:
    origin = "{0.scheme}://{0.netloc}/".format(urllib.parse.urlsplit(served.base))
    formats = etree.fromstring(fetch(served.base, verb="ListMetadataFormats"))
    checked = 0
    for item in formats.iter(f"{OAI}metadataFormat"):
        prefix, url = item.findtext(f"{OAI}metadataPrefix"), item.findtext(f"{OAI}schema")
        schema, fetched = _compile(url, origin)
        checked += 1
        namespace = item.findtext(f"{OAI}metadataNamespace")
        record = etree.fromstring(fetch(served.base, verb="GetRecord", identifier=f"oai:{REPO}:doc-01",
                                        metadataPrefix=prefix))
        payload = record.find(f".//{OAI}metadata")[0]
        assert etree.QName(payload).namespace == namespace
        assert schema.validate(etree.fromstring(etree.tostring(payload))), (prefix, schema.error_log)
        if prefix == "dcterms":  # the container is archivist's schema, served; its import is served or official
            assert url.startswith(served.base + "/schemas/")
            assert any(u.endswith("/dcterms.xsd") for u in fetched), fetched
    assert checked == 3


def test_every_schema_location_in_a_response_is_served_or_official_and_compiles(served: Served) -> None:
    origin = "{0.scheme}://{0.netloc}/".format(urllib.parse.urlsplit(served.base))
    documents = [fetch(served.base, verb="Identify")]
    documents += [fetch(served.base, verb="GetRecord", identifier=f"oai:{REPO}:doc-02", metadataPrefix=p)
                  for p in ("oai_dc", "dcterms", "marcxml")]
    urls = set()
    for data in documents:
        for element in etree.fromstring(data).iter():
            pairs = (element.get(f"{XSI}schemaLocation") or "").split()
            urls.update(pairs[1::2])
    assert len(urls) >= 3
    for url in sorted(urls):
        _compile(url, origin)


def test_every_shipped_schema_is_served_under_the_base_url(served: Served) -> None:
    folder = ROOT / "src" / "archivist" / "schemas"
    schemas = {path.name: path.read_bytes() for path in folder.glob("*.xsd")}
    assert {"OAI-PMH.xsd", "oai-identifier.xsd", "archivist-qdc.xsd", "dcterms.xsd"} <= set(schemas)
    for name, data in schemas.items():
        assert _get(f"{served.base}/schemas/{name}") == data
    for missing in ("nope.xsd", "../pyproject.toml", "record.schema.json", "%2e%2e/README.md"):
        with pytest.raises(urllib.error.HTTPError) as error:
            _get(f"{served.base}/schemas/{missing}")
        assert error.value.code == 404


def test_identify_describes_the_identifier_scheme_strictly(served: Served) -> None:
    data = fetch(served.base, verb="Identify")
    assert oai_errors(data) == []
    scheme = etree.fromstring(data).find(f".//{OAI}description/{{http://www.openarchives.org/OAI/2.0/oai-identifier}}"
                                         "oai-identifier")
    assert [e.text for e in scheme] == ["oai", REPO, ":", f"oai:{REPO}:doc-00"]


def test_the_root_page_tells_a_person_what_this_is(served: Served) -> None:
    root = served.base.rsplit("/", 1)[0] + "/"
    with urllib.request.urlopen(root, timeout=15) as response:
        assert response.status == 200 and response.headers["Content-Type"].startswith("text/html")
        page = html.fromstring(response.read())
    text = page.text_content()
    assert "OAI-PMH" in text and "11 records" in text and served.base in text
    links = [urllib.parse.urljoin(root, a.get("href")) for a in page.iter("a")]
    assert served.base in links
    for link in links:
        if link.startswith(root):
            _get(link)  # every link on the page works
    identify = [link for link in links if "verb=Identify" in link]
    assert identify and oai_errors(_get(identify[0])) == []


def test_start_up_says_where_and_what_and_warns_about_placeholders(tmp_path: Path) -> None:
    served = start(RECORDS, "--index", str(tmp_path / "i.sqlite"))
    try:
        fetch(served.base, verb="Identify")
        served.wait_for(" GET /oai Identify 200 ")
    finally:
        assert stop(served) == 0
    log = served.log()
    first = log.splitlines()[0]
    assert f"OAI-PMH at {served.base}" in first and "serving 1 record from" in first and str(RECORDS) in first
    for option in ("--repository-id", "--admin-email", "--base-url"):
        assert re.search(rf"^warning: .*placeholder.*\({'set it with ' + option}\)$", log, re.MULTILINE), option


def test_a_base_url_made_from_the_machine_name_is_warned_about(tmp_path: Path) -> None:
    served = start(RECORDS, "--index", str(tmp_path / "i.sqlite"), "--host", "0.0.0.0", "--repository-id",
                   "oai.library.ac.uk", "--admin-email", "oai@library.ac.uk")
    assert stop(served) == 0
    warnings = [line for line in served.lines if line.startswith("warning:")]
    assert len(warnings) == 1 and "made from this machine's name" in warnings[0] and "--base-url" in warnings[0]


def test_no_warning_when_the_repository_is_named(tmp_path: Path) -> None:
    served = start(RECORDS, "--index", str(tmp_path / "i.sqlite"), "--repository-id", "oai.library.ac.uk",
                   "--admin-email", "oai@library.ac.uk", "--base-url", "https://oai.library.ac.uk/oai")
    try:
        local = served.log().split("listening on ")[1].split(")")[0]
        data = _get(f"http://{local}/oai?verb=Identify")
        assert b"<baseURL>https://oai.library.ac.uk/oai</baseURL>" in data and oai_errors(data) == []
    finally:
        assert stop(served) == 0
    assert "\nwarning:" not in served.log()


def test_one_log_line_per_request(served: Served) -> None:
    before = len(served.lines)
    fetch(served.base, verb="ListRecords", metadataPrefix="oai_dc")
    urllib.request.urlopen(urllib.request.Request(served.base, data=b"verb=Identify", method="POST"), timeout=15)
    with pytest.raises(urllib.error.HTTPError):
        _get(served.base.rsplit("/", 1)[0] + "/missing")
    served.wait_for(" GET /missing - 404 ")
    new = served.lines[before:]
    assert len(new) == 3, new
    assert re.fullmatch(r"127\.0\.0\.1 GET /oai ListRecords 200 \d+\.\d ms\n", new[0])
    assert re.fullmatch(r"127\.0\.0\.1 POST /oai Identify 200 \d+\.\d ms\n", new[1])
    assert re.fullmatch(r"127\.0\.0\.1 GET /missing - 404 \d+\.\d ms\n", new[2])


def test_head_is_answered_without_a_body(served: Served) -> None:
    for url in (served.base + "?verb=Identify", served.base.rsplit("/", 1)[0] + "/"):
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=15) as response:
            assert response.status == 200 and int(response.headers["Content-Length"]) > 0
            assert response.read() == b""

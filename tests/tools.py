"""The programs outside Python that the oracle tests run, found in one place.

A test asks ``need("yaz")`` for its tool. When the tool is missing the test is skipped with one line naming the tool
and the command that installs it (pytest's ``-ra`` summary lists every such skip); with ``ARCHIVIST_REQUIRE_TOOLS=1``
(set by ``.ci/run``) the same line fails the test instead, so no oracle can silently stop running in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / ".ci" / "node_modules"
INSTALL = "sudo scripts/install-tools"


@dataclass(frozen=True)
class Tool:
    """An external program: how to find it (a path, or None when missing) and what installs it."""

    what: str
    find: Callable[[], str | None]
    installs: str


def _program(*names: str) -> Callable[[], str | None]:
    return lambda: next((found for name in names if (found := shutil.which(name))), None)


def _node_module(relative: str) -> Callable[[], str | None]:
    def find() -> str | None:
        path = NODE_MODULES / relative
        return str(path) if path.is_file() and shutil.which("node") else None
    return find


def _perl_modules(*modules: str) -> Callable[[], str | None]:
    def find() -> str | None:
        perl = shutil.which("perl")
        if perl is None:
            return None
        args = [perl, *(f"-M{module}" for module in modules), "-e", "1"]
        return perl if subprocess.run(args, capture_output=True, check=False).returncode == 0 else None
    return find


def _chromium() -> str | None:
    return os.environ.get("PUPPETEER_EXECUTABLE_PATH") or _program("chromium", "chromium-browser")()


#: Every external tool a test may ask for. Add a line here (and to scripts/install-tools) for a new one.
TOOLS: dict[str, Tool] = {
    "java": Tool("a Java runtime", _program("java"),
                 f"{INSTALL}  (apt-get install openjdk-17-jdk-headless)"),
    "javac": Tool("the Java compiler", _program("javac"),
                  f"{INSTALL}  (apt-get install openjdk-17-jdk-headless)"),
    "chromium": Tool("Chromium (Ace by DAISY, Playwright)", _chromium, f"{INSTALL}  (apt-get install chromium)"),
    "ace": Tool("Ace by DAISY", _node_module("@daisy/ace-core/package.json"),
                f"{INSTALL}  (cd .ci && PUPPETEER_SKIP_DOWNLOAD=1 npm ci)"),
    "node": Tool("Node.js (runs Ace by DAISY and jsonld.js)", _program("node"),
                 f"{INSTALL}  (apt-get install nodejs npm)"),
    "jsonld.js": Tool("jsonld.js", _node_module("jsonld/package.json"),
                      f"{INSTALL}  (cd .ci && PUPPETEER_SKIP_DOWNLOAD=1 npm ci)"),
    "marc-lint": Tool("MARC::Lint with MARC::File::XML", _perl_modules("MARC::Lint", "MARC::File::XML"),
                      f"{INSTALL}  (apt-get install libmarc-lint-perl libmarc-xml-perl)"),
    "yaz": Tool("yaz-marcdump", _program("yaz-marcdump"), f"{INSTALL}  (apt-get install yaz)"),
    "vnu": Tool("the Nu HTML Checker (vnu-jar, with Java)",
                lambda: _node_module("vnu-jar/build/dist/vnu.jar")() if shutil.which("java") else None,
                f"{INSTALL}  (cd .ci && npm ci; apt-get install openjdk-17-jdk-headless)"),
    "axe-core": Tool("axe-core", _node_module("axe-core/axe.min.js"), f"{INSTALL}  (cd .ci && npm ci)"),
    "linkchecker": Tool("LinkChecker", _program("linkchecker"), f"{INSTALL}  (apt-get install linkchecker)"),
    "biblatex2xml": Tool("bibutils' biblatex2xml", _program("biblatex2xml"), f"{INSTALL}  (apt-get install bibutils)"),
    "ris2xml": Tool("bibutils' ris2xml", _program("ris2xml"), f"{INSTALL}  (apt-get install bibutils)"),
    "bibutils": Tool("bibutils (xml2bib, xml2ris)", lambda: shutil.which("xml2bib") and shutil.which("xml2ris"),
                     f"{INSTALL}  (apt-get install bibutils)"),
    "zip-tools": Tool("Info-ZIP (unzip and zipinfo)", lambda: shutil.which("zipinfo") and shutil.which("unzip"),
                      f"{INSTALL}  (apt-get install unzip)"),
    "unzip": Tool("Info-ZIP unzip", _program("unzip"), f"{INSTALL}  (apt-get install unzip)"),
    "zipinfo": Tool("Info-ZIP zipinfo", _program("zipinfo"), f"{INSTALL}  (apt-get install unzip)"),
    "sha256sum": Tool("GNU coreutils' sha256sum (Archivematica checks transfer checksums with it)",
                      _program("sha256sum"), f"{INSTALL}  (apt-get install coreutils)"),
    "libreoffice": Tool("LibreOffice Calc, headless (the spreadsheet round trip)", _program("soffice", "libreoffice"),
                        f"{INSTALL}  (apt-get install libreoffice-calc-nogui)"),
    "w3m": Tool("the w3m text browser (corpus dumps)", _program("w3m"), f"{INSTALL}  (apt-get install w3m)"),
    "lynx": Tool("the Lynx text browser (corpus dumps)", _program("lynx"), f"{INSTALL}  (apt-get install lynx)"),
    "elinks": Tool("the ELinks text browser (corpus dumps)", _program("elinks"),
                   f"{INSTALL}  (apt-get install elinks)"),
}


def required() -> bool:
    """True when a missing tool must fail the test (``ARCHIVIST_REQUIRE_TOOLS=1``, as CI sets it)."""
    return os.environ.get("ARCHIVIST_REQUIRE_TOOLS", "") not in ("", "0")


@cache
def _found(name: str) -> str | None:
    return TOOLS[name].find()


def missing(name: str) -> str | None:
    """The one-line reason the tool cannot run here, or None when it is installed."""
    tool = TOOLS[name]
    return None if _found(name) else f"{tool.what} is not installed: {tool.installs}"


def need(name: str) -> str:
    """The tool's path; skips the calling test when it is missing (fails it under ``ARCHIVIST_REQUIRE_TOOLS=1``)."""
    reason = missing(name)
    if reason is None:
        return _found(name)  # type: ignore[return-value]
    if required():
        pytest.fail(f"{reason} (ARCHIVIST_REQUIRE_TOOLS=1)", pytrace=False)
    skip = pytest.skip.Exception(reason)
    skip._use_item_location = True  # the summary names the test that needs the tool, not this line (as skipif does)
    raise skip


def needs(*names: str) -> pytest.MarkDecorator:
    """A mark for a whole test or module: ``pytestmark = needs("yaz")``. Honours ``ARCHIVIST_REQUIRE_TOOLS``."""
    return pytest.mark.usefixtures(*(f"tool_{name.replace('.', '_').replace('-', '_')}" for name in names))

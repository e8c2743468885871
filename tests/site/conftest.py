"""The test corpus (the seed and records in Arabic, Japanese and Russian with many subjects, and a hostile one),
its static site served by ``python -m http.server`` under a sub-path, and the same records served live by
``archivist serve``'s server (in a thread), both with the same base URL so their pages are the same bytes."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from archivist.oaipmh import Repository, make_server
from archivist.oaipmh._index import RecordIndex
from archivist.site import SiteSettings, build_site
from tests.conftest import RECORDS


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


DATA = Path(__file__).resolve().parent / "data"
CORPUS = [str(RECORDS), str(DATA)]
NAME = "Test archive"
LIVE_PORT = free_port()
OAI = f"http://127.0.0.1:{LIVE_PORT}/oai"  # the live server's OAI-PMH base URL, named on every page of both
IDS = ["ar-tahrir-museum", "hostile-title", "ja-tokyo-library", "mrta-globalsecurity", "ru-hermitage"]


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a GET (an HTTP error status is returned, not raised)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@dataclass(frozen=True)
class Site:
    """A static site on disk (``folder``) served at ``url`` (``http://127.0.0.1:PORT/sub/``)."""

    folder: Path
    url: str
    settings: SiteSettings


@pytest.fixture(scope="module")
def static_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The corpus built with a base URL and its search index under /sub/, served by ``python -m http.server`` from
    its parent."""
    port = free_port()
    parent = tmp_path_factory.mktemp("www")
    url = f"http://127.0.0.1:{port}/sub/"
    settings = SiteSettings(name=NAME, base_url=url, oai_url=OAI)
    build_site(CORPUS, parent / "sub", settings, search=True)  # with the static search (Pagefind)
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d",
                                str(parent)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                fetch(url)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield Site(parent / "sub", url, settings)
    finally:
        process.terminate()
        process.wait(10)


@dataclass(frozen=True)
class Live:
    """``archivist serve``'s server over the corpus at ``url`` (its root), its pages made for ``settings``."""

    url: str
    settings: SiteSettings


@pytest.fixture(scope="module")
def live_site(static_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The corpus served live, with the static site's settings (so the same routes give the same bytes)."""
    index = RecordIndex(CORPUS, tmp_path_factory.mktemp("index") / "index.sqlite")
    server = make_server(index, Repository(name=NAME, base_url=OAI), port=LIVE_PORT,
                         site=static_site.settings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Live(f"http://127.0.0.1:{server.port}/", static_site.settings)
    finally:
        server.shutdown()
        server.wait_stopped(10)
        index.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never a downloaded browser), one per test module."""
    from tests.tools import need

    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=need("chromium"), args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()

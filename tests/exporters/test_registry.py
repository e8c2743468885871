"""The exporter registry: built-in formats, unknown names, and plugins through entry points."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from archivist import UnknownFormat
from archivist.exporters import available, get, resolve
from tests.exporters.conftest import edge_cases

PLUGIN = Path(__file__).resolve().parent.parent / "data" / "plugin"


def test_builtins_are_registered() -> None:
    formats = available()
    assert {"oai_dc", "dcterms", "jsonld", "epub", "marcxml"} <= set(formats)
    assert formats["epub"].media_type == "application/epub+zip" and formats["jsonld"].extension == ".jsonld"


def test_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownFormat) as info:
        get("marc")
    assert "bibtex, csl-json, datacite, dcterms, epub, jsonld, marc21, marcxml, oai_dc, ris" in str(info.value)


def test_resolve_all_and_lists() -> None:
    assert [e.name for e in resolve("all")] == ["oai_dc", "dcterms", "jsonld", "epub", "marcxml", "marc21",
                                                "csl-json", "bibtex", "ris", "datacite"]
    assert [e.name for e in resolve("epub,oai_dc,epub")] == ["epub", "oai_dc"]


@pytest.mark.parametrize("name", ["oai_dc", "dcterms", "jsonld", "epub", "marcxml", "marc21", "csl-json", "bibtex",
                                  "ris", "datacite"])
def test_exports_are_byte_identical(seed: dict[str, Any], name: str) -> None:
    for record in edge_cases(seed).values():
        first = hashlib.sha256(get(name).export(record)).hexdigest()
        assert hashlib.sha256(get(name).export(record)).hexdigest() == first


def test_plugin_installed_from_tests_is_listed(tmp_path: Path) -> None:
    target = tmp_path / "site"
    source = shutil.copytree(PLUGIN, tmp_path / "plugin")  # pip builds in the source tree: keep tests/ clean
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(source)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), *sys.path])}
    listed = subprocess.run([sys.executable, "-m", "archivist", "formats"], env=env, capture_output=True, text=True,
                            check=True)
    assert "demo-title" in listed.stdout and ".title.txt" in listed.stdout
    assert "'epub' is a built-in format" in listed.stderr  # the plugin's second entry point takes a built-in name
    out = tmp_path / "out"
    seed = Path(__file__).resolve().parents[2] / "records" / "mrta-globalsecurity.json"
    subprocess.run([sys.executable, "-m", "archivist", "export", str(seed), "--to", "demo-title", "--out", str(out)],
                   env=env, check=True, capture_output=True)
    assert (out / "mrta-globalsecurity.title.txt").read_text() == "Tupac Amaru Revolutionary Movement (MRTA)\n"
    subprocess.run([sys.executable, "-m", "archivist", "export", str(seed), "--to", "epub,demo-title", "--out",
                    str(out), "--add"],
                   env=env, check=True, capture_output=True)
    assert zipfile.is_zipfile(out / "mrta-globalsecurity.epub")  # the built-in EPUB, not the plugin's text


def test_built_in_names_are_found_without_scanning_installed_packages() -> None:
    """In a fresh process (a fresh registry): built-in formats and packages never scan; another name does."""
    script = """
import importlib.metadata
def no_scan(**_):
    raise AssertionError("installed packages were scanned")
importlib.metadata.entry_points = no_scan
from archivist.batch import split_formats
from archivist.exporters import builtin_names, get, resolve
assert get("epub").name == "epub" and [e.name for e in resolve("all")] == list(builtin_names())
assert split_formats("all,bagit,oai-static") == (list(builtin_names()), ["oai-static", "bagit"])
try:
    get("demo-title")
except AssertionError as exc:
    print(exc)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout == "installed packages were scanned\n"

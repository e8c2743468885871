"""Start-up stays short: ``--help`` and a plain validate load no library they do not use (no timing involved).

Each run is a new interpreter (not the warm server of tests/warm.py, which has imported everything) that runs the
console script's entry point and then lists the modules it imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from typer.main import get_command

from archivist import _defaults
from archivist.cli import app
from archivist.ingest import DEFAULT_MAX_SIZE
from archivist.oaipmh import Repository
from archivist.oaipmh.server import TIMEOUT_SECONDS
from archivist.packages import PackageSettings
from tests.conftest import SEED

GROUP: Any = get_command(app)

#: Libraries a command's help never needs; each costs from 0.05 to 0.3 s to import (python -X importtime).
HEAVY = {"lxml", "jsonschema", "jsonschema_rs", "referencing", "pymarc", "warcio", "waitress", "trafilatura",
         "justext", "langcodes", "orjson", "regex", "rich", "pydantic", "dask", "distributed", "pyld", "rdflib"}
#: archivist's own library packages: help is the command line alone.
LIBRARY = {"archivist.records", "archivist.exporters", "archivist.ingest", "archivist.oaipmh", "archivist.batch",
           "archivist.packages"}
#: What validating a record needs (schema validators, rich for the report, pydantic for typer, langcodes for the
#: IANA language subtag registry, #27) is allowed; the writers, the ingest engines and the server are not.
NOT_FOR_VALIDATE = {"lxml", "pymarc", "warcio", "waitress", "trafilatura", "justext", "dask", "distributed"}

_RUN = """
import json, sys
sys.argv = ["archivist", *json.loads(sys.argv[1])]
from archivist.cli._entry import main
try:
    main()
except SystemExit as stop:
    code = stop.code
sys.stdout.flush()
print("\\n" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _imported(*argv: str) -> tuple[object, set[str]]:
    """The exit code of ``archivist ARGV`` run in a new interpreter, and every module it imported."""
    done = subprocess.run([sys.executable, "-c", _RUN, json.dumps(argv)], capture_output=True, text=True,
                          check=True, timeout=120)
    report = json.loads(done.stdout.splitlines()[-1])
    return report["code"], set(report["modules"])


def _top(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.mark.parametrize("argv", [["--help"], ["--version"], *[[name, "--help"] for name in sorted(GROUP.commands)]],
                         ids=lambda argv: " ".join(argv))
def test_help_imports_no_heavy_library_and_no_library_package(argv: list[str]) -> None:
    code, modules = _imported(*argv)
    assert code == 0
    assert not HEAVY & _top(modules), f"archivist {' '.join(argv)} imported {sorted(HEAVY & _top(modules))}"
    loaded = {m for m in modules if m.startswith("archivist.")}
    assert not LIBRARY & loaded, f"archivist {' '.join(argv)} imported {sorted(LIBRARY & loaded)}"


def test_validating_a_record_imports_no_writer_ingest_engine_or_server() -> None:
    code, modules = _imported("validate", "-q", str(SEED))
    assert code == 0
    assert "jsonschema" in _top(modules)  # the run did validate
    assert not NOT_FOR_VALIDATE & _top(modules), f"validate imported {sorted(NOT_FOR_VALIDATE & _top(modules))}"


@pytest.mark.parametrize(("package", "library"), [("archivist.records", "jsonschema"), ("archivist.exporters", "lxml")])
def test_a_package_imports_its_heavy_library_when_first_needed(package: str, library: str) -> None:
    """Reading records needs no schema validator, and the format registry no XML library."""
    script = f"import json, sys, {package}; print(json.dumps([*sys.modules]))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    assert library not in _top(set(json.loads(done.stdout)))


def _default(command: str, name: str) -> object:
    (param,) = [p for p in GROUP.commands[command].params if p.name == name]
    return param.default


def test_the_help_shows_the_defaults_the_library_uses() -> None:
    settings, repository = PackageSettings(), Repository()
    assert _default("export", "base_url") == settings.base_url
    assert _default("export", "repository_id") == settings.repository_id
    assert _default("serve", "name") == repository.name
    assert _default("serve", "admin_email") == repository.admin_email
    assert _default("serve", "repository_id") == repository.repository_id
    assert _default("serve", "page_size") == repository.page_size
    assert _default("serve", "timeout") == TIMEOUT_SECONDS == _defaults.TIMEOUT_SECONDS
    assert _default("ingest", "max_record_size") == DEFAULT_MAX_SIZE

"""The output policy of every command: data on stdout, messages on stderr; -q errors only; -v a line per file/record."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from archivist.cli import app
from tests.conftest import RECORDS, ROOT, SEED_CAPTURE, write_json
from tests.warm import Warm

runner = CliRunner()
URL = "https://www.globalsecurity.org/military/world/para/mrta.htm"


def _run(*argv: str, stdin: str | None = None) -> Any:
    return runner.invoke(app, list(argv), input=stdin, env={"COLUMNS": "80"})


@pytest.fixture
def mixed(tmp_path: Path, minimal: dict[str, Any]) -> tuple[Path, Path]:
    """A folder with one valid record and one whose language is wrong."""
    folder = tmp_path / "in"
    folder.mkdir()
    good = write_json(folder / "good.json", minimal)
    write_json(folder / "bad.json", dict(minimal, id="bad", language="??"))
    return folder, good


def test_validate_default_prints_the_report_on_stdout(mixed: tuple[Path, Path]) -> None:
    result = _run("validate", str(mixed[0]))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"{mixed[0] / 'bad.json'}: /language: ")
    assert lines[1] == "2 records in 2 files: 1 valid, 1 invalid (1 error)"
    assert result.stderr == ""


def test_validate_quiet_prints_problems_only_and_nothing_when_all_valid(mixed: tuple[Path, Path]) -> None:
    result = _run("validate", "-q", str(mixed[0]))
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1 and "/language" in result.stdout and result.stderr == ""
    result = _run("validate", "-q", str(mixed[1]))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_validate_verbose_adds_a_line_per_valid_record(mixed: tuple[Path, Path]) -> None:
    result = _run("validate", "-v", str(mixed[0]))
    assert f"{mixed[1]}: minimal: valid" in result.stdout.splitlines()
    assert len(result.stdout.splitlines()) == 3


def test_export_messages_go_to_stderr_and_quiet_keeps_only_errors(mixed: tuple[Path, Path], tmp_path: Path) -> None:
    result = _run("export", str(mixed[0]), "--to", "oai_dc", "--out", str(tmp_path / "a"))
    assert result.exit_code == 1 and result.stdout == ""
    assert "/language" in result.stderr and "2 records read: 1 exported, 1 failed" in result.stderr
    assert "wrote" not in result.stderr
    quiet = _run("export", str(mixed[0]), "--to", "oai_dc", "--out", str(tmp_path / "b"), "-q")
    assert quiet.exit_code == 1 and quiet.stdout == ""
    assert quiet.stderr.splitlines() == [line for line in result.stderr.splitlines() if "/language" in line]
    clean = _run("export", str(mixed[1]), "--to", "oai_dc", "--out", str(tmp_path / "c"), "-q")
    assert (clean.exit_code, clean.stdout, clean.stderr) == (0, "", "")
    assert (tmp_path / "c" / "minimal.oai_dc.xml").exists()


def test_export_verbose_names_every_file_written_and_only_verbose_does(tmp_path: Path) -> None:
    result = _run("export", str(RECORDS), "--to", "oai_dc,jsonld,oai-static", "--out", str(tmp_path / "v"), "-v")
    assert result.exit_code == 0 and result.stdout == ""
    wrote = sorted(line for line in result.stderr.splitlines() if line.startswith("wrote "))
    assert wrote == [f"wrote {tmp_path / 'v' / name}" for name in
                     ("mrta-globalsecurity.jsonld", "mrta-globalsecurity.oai_dc.xml", "oai-static.xml")]
    plain = _run("export", str(RECORDS), "--to", "oai_dc,jsonld,oai-static", "--out", str(tmp_path / "p"))
    assert plain.exit_code == 0 and (tmp_path / "p" / "oai-static.xml").is_file()
    assert "wrote" not in plain.stderr and "1 record read" in plain.stderr, plain.stderr


def test_export_to_stdout_is_data_only(tmp_path: Path) -> None:
    result = _run("export", str(RECORDS / "mrta-globalsecurity.json"), "--to", "jsonld", "--out", "-")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)["@context"]


def test_export_collection_to_a_folder_or_stdout(tmp_path: Path, archivist: Warm) -> None:
    result = _run("export", str(RECORDS), "--to", "epub", "--collection", "MRTA", "--out", str(tmp_path / "c"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c" / "collection.epub").read_bytes()[30:38] == b"mimetype"
    assert _run("export", str(RECORDS), "--to", "epub", "--collection", "MRTA", "--out", str(tmp_path / "q"),
                "-q").stderr == ""
    piped = archivist.run(["export", str(RECORDS), "--to", "epub", "--collection", "MRTA", "--out", "-"], timeout=60,
                          text=False)
    assert piped.returncode == 0 and piped.stderr == b""
    assert piped.stdout == (tmp_path / "c" / "collection.epub").read_bytes()


def _ingest(tmp_path: Path, *extra: str) -> Any:
    return _run("ingest", str(SEED_CAPTURE), "--url", URL, "--retrieved", "2026-11-24", "--language", "en", *extra)


def test_ingest_default_summary_quiet_nothing_verbose_each_file(tmp_path: Path) -> None:
    result = _ingest(tmp_path, "--out", str(tmp_path / "a"))
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == "1 record written, 0 failed\n"
    quiet = _ingest(tmp_path, "--out", str(tmp_path / "b"), "-q")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    assert (tmp_path / "b" / "mrta-globalsecurity.json").exists()
    verbose = _ingest(tmp_path, "--out", str(tmp_path / "c"), "-v")
    assert verbose.stderr.splitlines()[0] == f"wrote {tmp_path / 'c' / 'mrta-globalsecurity.json'}"


def test_ingest_failure_is_an_error_line_even_when_quiet(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = _run("ingest", str(empty), "--out", str(tmp_path / "o"), "-q")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


def test_ingest_to_stdout_prints_the_record_and_nothing_else(tmp_path: Path) -> None:
    result = _ingest(tmp_path, "--out", "-")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)["id"] == "mrta-globalsecurity"


def test_formats_and_schema_print_data_on_stdout_only() -> None:
    for argv in (["formats"], ["schema"]):
        result = _run(*argv)
        assert result.exit_code == 0 and result.stdout and result.stderr == ""
    assert json.loads(_run("schema").stdout)["$schema"].startswith("https://json-schema.org/")


_AS_FROM_A_TERMINAL = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                       "runpy.run_module('archivist', run_name='__main__', alter_sys=True)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("quiet", [False, True])
def test_serve_says_where_it_listens_unless_quiet(tmp_path: Path, quiet: bool) -> None:
    port = _free_port()
    # Started as from a terminal: Ctrl-C raises KeyboardInterrupt even when this test run was itself started with
    # SIGINT ignored (`pytest &` from a script), which a plain `python -m archivist` would inherit.
    argv = [sys.executable, "-c", _AS_FROM_A_TERMINAL, "serve", str(RECORDS), "--port", str(port),
            "--index", str(tmp_path / "index.sqlite"), *(["-q"] if quiet else [])]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT) as server:
        assert server.stderr is not None
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(server.stderr or ()), daemon=True)
        reader.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # listening (and, unless quiet, said so: the line follows the bind)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                if quiet or any("OAI-PMH at" in line for line in lines):
                    break
            except OSError:
                pass
            time.sleep(0.1)
        server.send_signal(signal.SIGINT)
        stdout = server.communicate(timeout=30)[0]
        reader.join(timeout=30)
    stderr = "".join(lines)
    assert stdout == ""
    if quiet:
        assert "OAI-PMH at" not in stderr
    else:
        assert f"OAI-PMH at http://127.0.0.1:{port}/oai" in stderr
    assert "error" not in stderr.lower() and "Traceback" not in stderr


def test_quiet_and_verbose_together_is_a_mistake() -> None:
    result = _run("validate", "-q", "-v", str(RECORDS))
    assert result.exit_code == 2 and "contradict" in result.stderr


def test_data_and_messages_are_separate_streams_through_the_real_program(tmp_path: Path, archivist: Warm) -> None:
    done = archivist.run(["ingest", str(SEED_CAPTURE), "--url", URL, "--retrieved", "2026-11-24", "--out", "-"],
                         timeout=60)
    assert done.returncode == 0 and done.stderr == ""
    assert json.loads(done.stdout)["source"]["url"] == URL


def test_file_names_are_printed_as_they_are_not_as_markup(tmp_path: Path, minimal: dict[str, Any]) -> None:
    bad = write_json(tmp_path / "[red]x.json", dict(minimal, language="??"))
    for argv in (["validate", str(bad)], ["export", str(bad), "--to", "oai_dc", "--out", str(tmp_path / "o")]):
        result = _run(*argv)
        assert result.exit_code == 1 and f"{bad}: /language:" in result.stdout + result.stderr

"""User mistakes through the real program (``python -m archivist`` in a process of its own, forked from a warm
interpreter: tests/warm.py): one ``error:`` line, exit 2.

Never a traceback, nothing on stdout, and nothing written where the output would have gone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import RECORDS, SEED_CAPTURE
from tests.warm import Warm

CAP = "capture.txt"
#: (command line after ``archivist``, a fragment the error line must hold). ``out`` is never to be created.
MISTAKES: list[tuple[list[str], str]] = [
    (["ingest"], "no capture given"),
    (["ingest", "--out", "out"], "no capture given"),
    (["ingest", CAP], "no output folder given"),
    (["ingest", CAP, "-o", "existing.json"], "is an existing file, but --out names a folder"),
    (["ingest", CAP, "-o", "out.json"], "looks like a file name"),
    (["ingest", CAP, "CAPTURE2.txt", "--out", "out"], "no such file"),
    (["ingest", "folder", "--out", "out"], "is a folder"),
    (["ingest", "missing.txt", "--out", "out"], "no such file"),
    (["ingest", "loop", "--out", "out"], "too many levels of symbolic links"),
    (["ingest", CAP, "--out", "out", "--retrieved", "2026-13-45"], "--retrieved '2026-13-45': expected"),
    (["ingest", CAP, "--out", "out", "--retrieved", "yesterday"], "--retrieved 'yesterday'"),
    (["ingest", CAP, "--out", "out", "--language", "english!"], "--language"),
    (["ingest", CAP, "--out", "out", "--language", "es_ES"], "did you mean 'es-ES'?"),
    (["ingest", CAP, "--out", "out", "--language", "xx"], "not in the IANA Language Subtag Registry"),
    (["ingest", CAP, "--out", "out", "--subject", "Peru"], "--subject 'Peru'"),
    (["ingest", CAP, "--out", "out", "--method", "fax"], "--method 'fax': expected one of"),
    (["ingest", CAP, "--out", "out", "--encoding", "klingon"], "unknown text encoding"),
    (["ingest", CAP, "--out", "out", "--url", "no scheme"], "--url 'no scheme'"),
    (["ingest", CAP, "--out", "out", "--id", "Bad Id"], "--id 'Bad Id'"),
    (["ingest", "--manifest", "folder", "--out", "out"], "--manifest folder: is a folder"),
    (["ingest", "--manifest", "missing.csv", "--out", "out"], "no such file"),
    (["ingest", "--manifest", "latin1.csv", "--out", "out"], "not a UTF-8 CSV file"),
    (["ingest", "--manifest", "extra.csv", "--out", "out"], "unknown column"),
    (["ingest", CAP, "--manifest", "extra.csv", "--out", "out"], "not both"),
    (["ingest", CAP, "--out", "out", "--chrome-rules", "folder"], "--chrome-rules folder: is a folder"),
    (["ingest", CAP, "--out", "out", "--chrome-rules", "existing.json"], "existing.json"),
    (["ingest", CAP, "--output", "one.json"], "no such option: --output"),
    (["ingest", CAP, CAP, "--out", "-"], "--out - writes one record"),
    (["ingest", CAP, "--out", "-", "--keep-original"], "--keep-original"),
    (["ingest", CAP, "--out", "out", "-q", "-v"], "contradict"),
    (["export", "missing.json", "--out", "out"], "no such file"),
    (["export", "folder", "--out", "out"], "holds no record files"),
    (["export", str(RECORDS), "--to", "pdf", "--out", "out"], "unknown format 'pdf'"),
    (["export", str(RECORDS), "--to", "pdf", "--out", "-"], "unknown format 'pdf'"),
    (["export", str(RECORDS), "--out", "existing.json"], "is an existing file"),
    (["export", str(RECORDS), "--to", "epub", "--collection", "T", "--out", "out.epub"], "looks like a file name"),
    (["export", str(RECORDS), "--to", "oai_dc", "--collection", "T", "--out", "out"], "--collection makes one EPUB"),
    (["export", str(RECORDS), "--errors", "folder", "--out", "out"], "--errors folder: is a folder"),
    (["export", str(RECORDS), "--errors", "new/", "--out", "out"], "--errors new/: is a folder"),
    (["export", str(RECORDS), "--jobs", "many", "--out", "out"], "--jobs"),
    (["export", str(RECORDS), "--jobs", "4", "--cluster", "local:2", "--out", "out"],
     "--cluster and --jobs contradict"),
    (["export", str(RECORDS), "--to", "epub", "--collection", "T", "--cluster", "local:2", "--out", "out"],
     "--cluster and --collection contradict"),
    (["export", str(RECORDS), "--cluster", "local:2", "--out", "-"], "--cluster and --out - contradict"),
    (["export", str(RECORDS), "--jobs", "-1", "--out", "out"], "--jobs"),
    (["export", str(RECORDS), "--to", "jsonld,oai_dc", "--out", "-"], "single format"),
    (["export", str(RECORDS), "--bogus", "--out", "out"], "no such option: --bogus"),
    (["validate"], "missing argument 'RECORDS...'"),
    (["validate", "--format", "xml", str(RECORDS)], "--format"),
    (["validate", "missing.json"], "no such file"),
    (["validate", "folder"], "holds no record files"),
    (["serve", str(RECORDS), "--index", "folder"], "--index folder: is a folder"),
    (["serve", "missing/"], "no such file"),
    (["serve", str(RECORDS), "--port", "http"], "--port"),
    (["frobnicate"], "no such command"),
    (["--bogus"], "no such option"),
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory,
         archivist: Warm) -> dict[int, tuple[subprocess.CompletedProcess[str], Path]]:
    """Run every mistake, each in its own folder holding a capture, a folder, a file and a symlink loop."""

    def run(index: int) -> tuple[subprocess.CompletedProcess[str], Path]:
        where = tmp_path_factory.mktemp(f"mistake{index}")
        shutil.copy(SEED_CAPTURE, where / CAP)
        (where / "folder").mkdir()
        (where / "existing.json").write_text("{}")
        (where / "latin1.csv").write_bytes("file,title\ncapture.txt,Caf\xe9\n".encode("latin-1"))
        (where / "extra.csv").write_text("file,colour\ncapture.txt,blue\n")
        os.symlink("loop", where / "loop")
        env = dict(os.environ, COLUMNS="80", TERM="dumb")
        done = archivist.run(MISTAKES[index][0], cwd=where, env=env, timeout=60)
        return done, where

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(enumerate(pool.map(run, range(len(MISTAKES)))))


@pytest.mark.parametrize("index", range(len(MISTAKES)), ids=[" ".join(argv) or "-" for argv, _ in MISTAKES])
def test_a_mistake_is_one_error_line_and_exit_2(runs: dict[int, tuple[subprocess.CompletedProcess[str], Path]],
                                                index: int) -> None:
    done, where = runs[index]
    fragment = MISTAKES[index][1]
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert fragment in lines[0], lines[0]
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    for never in ("out", "out.json", "out.epub", "new"):
        assert not (where / never).exists(), f"{never} was created"

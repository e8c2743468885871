"""Ingest is one library call (#28): the engine choice and the counts that the command line used to keep."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from archivist._errors import ArchivistError
from archivist.batch import IngestInterrupted, IngestOptions, run_ingest
from archivist.ingest import Facts, IngestOutcome
from tests.conftest import ROOT, SEED_CAPTURE

EXAMPLES = ROOT / "examples"
FACTS = Facts(url="https://www.globalsecurity.org/military/world/para/mrta.htm", retrieved="2026-11-24")


def test_captures_give_a_report_and_every_outcome(tmp_path: Path) -> None:
    seen: list[IngestOutcome] = []
    report = run_ingest([SEED_CAPTURE, tmp_path / "missing.txt"], tmp_path / "out", IngestOptions(facts=FACTS),
                        on_outcome=seen.append)
    assert (report.written, report.failed, report.kept, report.skipped) == (1, 1, 0, 0)
    assert [o.ok for o in seen] == [True, False]
    assert str(report) == "1 record written, 1 failed"
    again = run_ingest([SEED_CAPTURE], tmp_path / "out", IngestOptions(facts=FACTS))
    assert (again.written, again.kept) == (0, 1)
    assert "1 already there from an earlier run" in str(again)


def test_a_manifest_and_a_warc_go_through_the_same_call(tmp_path: Path) -> None:
    report = run_ingest([], tmp_path / "m", IngestOptions(), manifest=EXAMPLES / "captures.csv")
    assert (report.written, report.failed) == (2, 0)
    warc = run_ingest([EXAMPLES / "crawl.warc.gz"], tmp_path / "w", IngestOptions(facts=Facts(retrieved=None)))
    assert warc.written == len(list((tmp_path / "w").glob("*.json"))) > 0


def test_captures_and_a_manifest_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ArchivistError, match="not both"):
        run_ingest([SEED_CAPTURE], tmp_path / "out", IngestOptions(), manifest=EXAMPLES / "captures.csv")
    assert not (tmp_path / "out").exists()


def test_a_signal_between_records_stops_cleanly_with_the_counts(tmp_path: Path) -> None:
    def stop_after_first(outcome: IngestOutcome) -> None:
        os.kill(os.getpid(), signal.SIGTERM)

    second = tmp_path / "second.txt"
    second.write_text("Another title\n\nSome text of a second capture.\n", encoding="utf-8")
    with pytest.raises(IngestInterrupted) as stop:
        run_ingest([SEED_CAPTURE, second], tmp_path / "out", IngestOptions(facts=FACTS), on_outcome=stop_after_first)
    assert stop.value.signal == signal.SIGTERM and stop.value.report.written == 1
    assert [p.name for p in (tmp_path / "out").glob("*.json")] == ["mrta-globalsecurity.json"]
    assert not list((tmp_path / "out").glob(".*lock*"))

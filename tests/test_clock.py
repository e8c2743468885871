"""The clock: SOURCE_DATE_EPOCH fixes what archivist writes, never when an OAI-PMH answer says it was made."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from archivist._clock import utc_now, wall_clock
from archivist.oaipmh import Provider, RecordIndex, Repository
from tests.conftest import SEED


def test_source_date_epoch_fixes_utc_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert utc_now() == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert abs(utc_now().timestamp() - time.time()) < 60


def test_the_oai_response_date_is_the_real_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert abs(wall_clock().timestamp() - time.time()) < 60
    provider = Provider(RecordIndex([SEED], tmp_path / "index.sqlite"), Repository())
    answer = etree.fromstring(provider.respond({"verb": ["Identify"]}))
    stamp = answer.findtext("{http://www.openarchives.org/OAI/2.0/}responseDate")
    assert stamp is not None
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(moment.timestamp() - time.time()) < 60

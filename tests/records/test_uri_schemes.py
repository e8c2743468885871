"""Every URL a record carries that an export may turn into a link has a safe scheme; active content is refused."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from archivist.cli import app
from archivist.records import iter_errors

runner = CliRunner()

ACTIVE = ["javascript:alert(1)", "JavaScript:alert(document.domain)", "data:text/html,<script>alert(1)</script>",
          "vbscript:msgbox(1)", "file:///etc/passwd", "jar:http://x.org/a!/b", "ftp://example.org/a"]
SAFE = ["https://example.org/a?b=c#d", "HTTP://EXAMPLE.ORG/", "urn:isbn:0451450523", "doi:10.1000/182",
        "hdl:20.1000/100", "ark:/13030/tf5p30086k", "info:lccn/n79021395"]


def _places(record: dict[str, Any], value: str) -> dict[str, dict[str, Any]]:
    """The record with ``value`` put, in turn, in each field that can become a link; by JSON Pointer."""
    def put(pointer: str, change: Any) -> tuple[str, dict[str, Any]]:
        copied = copy.deepcopy(record)
        change(copied)
        return pointer, copied

    return dict([
        put("/source/url", lambda r: r["source"].update(url=value)),
        put("/rights/uri", lambda r: r.update(rights={"uri": value})),
        put("/relations/0/uri", lambda r: r.update(relations=[{"type": "references", "target": "x", "uri": value}])),
        put("/subjects/0/uri", lambda r: r.update(subjects=[{"term": "x", "scheme": "local", "uri": value}])),
        put("/identifiers/0/value", lambda r: r.update(identifiers=[{"scheme": "uri", "value": value}])),
        put("/creators/0/uri", lambda r: r.update(creators=[{"name": "A. Person", "kind": "person", "uri": value}])),
    ])


@pytest.mark.parametrize("value", ACTIVE)
def test_a_link_with_an_unsafe_scheme_is_refused_with_its_pointer(minimal: dict[str, Any], value: str) -> None:
    for pointer, record in _places(minimal, value).items():
        problems = list(iter_errors(record))
        assert problems, f"{value!r} at {pointer} was accepted"
        assert {p.pointer for p in problems} == {pointer}
        assert any("safe scheme" in p.message or "not a javascript:" in p.message for p in problems), problems


@pytest.mark.parametrize("value", SAFE)
def test_http_and_identifier_schemes_are_kept(minimal: dict[str, Any], value: str) -> None:
    for pointer, record in _places(minimal, value).items():
        if pointer != "/subjects/0/uri":  # a local subject URI may be any safe URI
            assert list(iter_errors(record)) == [], pointer
    record = copy.deepcopy(minimal)
    record["subjects"] = [{"term": "x", "scheme": "local", "uri": value}]
    assert list(iter_errors(record)) == []


@pytest.mark.parametrize("value", [" javascript:alert(1)", "DATA:,x", "javascript :x", "File:///etc/passwd"])
@pytest.mark.parametrize("scheme", ["doi", "handle", "ark", "urn", "isbn", "local"])
def test_no_identifier_value_is_active_content(minimal: dict[str, Any], value: str, scheme: str) -> None:
    minimal["identifiers"] = [{"scheme": scheme, "value": value}]
    problems = list(iter_errors(minimal))
    assert [p.pointer for p in problems] == ["/identifiers/0/value"]
    assert "not a javascript:" in problems[0].message


def test_plain_identifiers_stay_valid(minimal: dict[str, Any]) -> None:
    minimal["identifiers"] = [{"scheme": "doi", "value": "10.1000/182"},
                              {"scheme": "isbn", "value": "ISBN:978-0-00-000000-2"},
                              {"scheme": "local", "value": "box:12 folder:3"},
                              {"scheme": "handle", "value": "20.1000/100"}]
    assert list(iter_errors(minimal)) == []


def test_a_record_with_a_javascript_link_is_never_exported(tmp_path: Path, seed: dict[str, Any]) -> None:
    batch = tmp_path / "b.jsonl"
    good = dict(seed, id="good")
    bad = dict(seed, id="bad", rights={"statement": "Click", "uri": "javascript:alert(1)"})
    batch.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", str(batch), "--to", "all,oai-static,dspace-saf", "--out", str(out),
                                 "--errors", str(tmp_path / "errors.jsonl")])
    assert result.exit_code == 1
    assert "/rights/uri" in result.output and "traceback" not in result.output.lower()
    (failure,) = [json.loads(line) for line in (tmp_path / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert failure["id"] == "bad" and failure["errors"][0]["pointer"] == "/rights/uri"
    written = [p for p in out.rglob("*") if p.is_file()]
    assert written and not [p for p in written if b"javascript:" in p.read_bytes()]

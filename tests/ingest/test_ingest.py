"""Ingest: the seed capture gives the hand-checked record's content; HTML; every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from archivist import IngestError
from archivist.cli import app
from archivist.ingest import Facts, builtin_rules, ingest_file, load_rules, parse_text
from archivist.records import iter_errors
from tests.conftest import SEED_CAPTURE

runner = CliRunner()
SEED_URL = "https://www.globalsecurity.org/military/world/para/mrta.htm"
SEED_FACTS = Facts(url=SEED_URL, retrieved="2026-11-24", subjects=["lcsh:Terrorism--Peru"])


def test_seed_capture_gives_the_hand_checked_content(seed: dict[str, Any]) -> None:
    record = ingest_file(SEED_CAPTURE, SEED_FACTS)
    assert list(iter_errors(record)) == []
    assert record["content"] == seed["content"] and record["removed"] == seed["removed"]
    assert record["title"] == seed["title"]
    assert record["retrieval"]["sha256"] == seed["retrieval"]["sha256"]
    assert record["subjects"] == [{"term": "Terrorism--Peru", "scheme": "lcsh"}]
    notes = [e["note"] for e in record["provenance"] if e["action"] == "inferred"]
    assert any("title" in n for n in notes) and any("und" in n for n in notes)


def test_only_chrome_is_dropped_every_other_line_survives() -> None:
    text = SEED_CAPTURE.read_text(encoding="utf-8")
    parsed = parse_text(text, builtin_rules())
    kept = [parsed.title] + [p for s in parsed.sections[1:]
                             for p in ([s["heading"]] if s["heading"] else []) + s["paragraphs"]]
    kept[1:1] = parsed.sections[0]["paragraphs"]
    removed_lines = {r["line"] for r in parsed.removed}
    expected = [line for n, line in enumerate(text.split("\n"), 1) if line.strip() and n not in removed_lines]
    assert kept == expected and len(removed_lines) == 2


def test_cli_done_when_command(tmp_path: Path, seed: dict[str, Any]) -> None:
    out = tmp_path / "recs" / "mrta-globalsecurity.json"
    result = runner.invoke(app, ["ingest", str(SEED_CAPTURE), "--url", SEED_URL, "--retrieved", "2026-11-24",
                                 "--subject", "lcsh:Terrorism--Peru", "-o", str(out.parent)])
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["content"] == seed["content"] and record["removed"] == seed["removed"]
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 0


def test_user_chrome_rules(tmp_path: Path) -> None:
    rules_file = tmp_path / "rules.json"
    rules_file.write_text(json.dumps({"rules": [{"name": "promo", "pattern": "buy our book.*"}]}))
    capture = tmp_path / "c.txt"
    capture.write_text("A Title\n\nBuy our book today\n\nReal text.\n", encoding="utf-8")
    record = ingest_file(capture, Facts(url="https://ex.org/", retrieved="2026-01-01"),
                         rules=builtin_rules() + load_rules(rules_file))
    assert record["removed"] == [{"text": "Buy our book today", "line": 3, "rule": "promo"}]
    assert record["content"]["sections"][0]["paragraphs"] == ["Real text."]


HTML = """<!DOCTYPE html><html lang="pt-BR"><head><meta charset="iso-8859-1">
<title>Página de teste</title><link rel="canonical" href="https://example.org/pagina">
<meta name="description" content="Uma página."><meta property="article:published_time" content="2015-11-30">
</head><body><nav><a href="/">Início</a> &gt; <a href="/x">Notícias</a></nav>
<h1>Título principal</h1><p>Primeiro parágrafo com <em>ênfase</em>.</p>
<div>Texto solto num div.</div><h2>Seção vazia</h2><h2>Lista</h2><ul><li>um</li><li>dois</li></ul>
<footer>© 2024 Exemplo</footer><script>var x = 1;</script></body></html>"""


def test_html_capture(tmp_path: Path) -> None:
    capture = tmp_path / "page.html"
    capture.write_bytes(HTML.encode("iso-8859-1"))
    record = ingest_file(capture, Facts(retrieved="2026-11-24T10:00:00Z"))
    assert list(iter_errors(record)) == []
    assert record["source"]["url"] == "https://example.org/pagina" and record["language"] == "pt-BR"
    assert record["title"] == "Página de teste"
    assert record["retrieval"]["media_type"] == "text/html; charset=iso-8859-1"
    assert record["content"]["sections"] == [
        {"heading": "Título principal", "level": 1,
         "paragraphs": ["Primeiro parágrafo com ênfase.", "Texto solto num div."]},
        {"heading": "Seção vazia", "level": 2, "paragraphs": []},
        {"heading": "Lista", "level": 2, "paragraphs": ["um", "dois"]},
    ]
    assert {r["rule"] for r in record["removed"]} == {"html-nav", "html-footer"}
    assert record["dates"] == [{"type": "issued", "value": "2015-11-30"}]
    inferred = " ".join(e["note"] for e in record["provenance"] if e["action"] == "inferred")
    assert "canonical" in inferred and "lang" in inferred


@pytest.mark.parametrize(("name", "record_id"), [
    ("CON.html", "record-con"), ("aux.v2.txt", "record-aux.v2"), ("Report.HTML", "report"),
    ("Café.txt", "caf"), ("console.txt", "console"),
])
def test_an_id_from_a_file_name_is_one_name_on_every_file_system(tmp_path: Path, name: str, record_id: str) -> None:
    """Ids are lowercase ASCII (so no two differ only by case or Unicode normalization), never a device name
    Windows reserves: the record is valid and its files can be unpacked anywhere."""
    capture = tmp_path / name
    text = "<html><head><title>A title</title></head><body><p>Some text.</p></body></html>" \
        if name.lower().endswith(".html") else "A title\n\nSome text.\n"
    capture.write_text(text, encoding="utf-8")
    record = ingest_file(capture, Facts(url="https://example.org/x", retrieved="2026-11-24T10:00:00Z"))
    assert record["id"] == record_id and list(iter_errors(record)) == []


@pytest.mark.parametrize(
    ("content", "facts", "fragment"),
    [
        (b"", {}, "empty file"),
        (b"\x00\x01\x02binary\x00", {}, "binary file"),
        (b"this line ends with a full stop.\n\nAnd more text.\n", {}, "no title line"),
        (b"Join our mailing list\n\nShare this\n", {}, "every line is blank or site chrome"),
        (b"<html><head><title>T</title></head></html>", {}, "no body text"),
        ("Caf\u00e9 title\n\nText.".encode("latin-1"), {}, "byte offset 3"),
        (b"Title\n\nText.\n", {"subjects": ["nonsense"]}, "SCHEME:TERM"),
        (b"Title\n\nText.\n", {"url": "example.org/page"}, "/source/url"),
        (b"Title\n\nText.\n", {"url": None}, "--url"),
        (b"Title\n\nText.\n", {"retrieved": None}, "--retrieved"),
    ],
)
def test_bad_input_is_one_clear_error(tmp_path: Path, content: bytes, facts: dict[str, Any], fragment: str) -> None:
    capture = tmp_path / "capture.txt"
    capture.write_bytes(content)
    given = {"url": "https://example.org/", "retrieved": "2026-11-24", **facts}
    with pytest.raises(IngestError) as info:
        ingest_file(capture, Facts(**given))
    assert fragment in str(info.value) and str(capture) in str(info.value)
    out = tmp_path / "out"
    args = ["ingest", str(capture), "--out", str(out)]
    for key in ("url", "retrieved"):
        if given[key]:
            args += [f"--{key}", given[key]]
    for subject in given.get("subjects", []):
        args += ["--subject", subject]
    result = runner.invoke(app, args)
    given_on_the_command_line = fragment in ("SCHEME:TERM", "/source/url")  # a bad option value is a usage error
    assert result.exit_code == (2 if given_on_the_command_line else 1) and fragment in result.output
    assert not out.exists() or list(out.iterdir()) == []


def test_keep_original(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(SEED_CAPTURE), "--url", SEED_URL, "--retrieved", "2026-11-24",
                                 "--keep-original", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "originals" / SEED_CAPTURE.name).read_bytes() == SEED_CAPTURE.read_bytes()
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 0  # fixity of files checked too


@pytest.mark.parametrize(("given", "stored"), [
    ("2026-03-12T14:30:00+01:00", "2026-03-12T13:30:00Z"),
    ("2026-03-12T23:30:00.5-02:00", "2026-03-13T01:30:00.5Z"),
])
def test_a_retrieval_time_with_an_offset_is_stored_in_utc_and_noted(tmp_path: Path, given: str, stored: str) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(SEED_CAPTURE), "--url", SEED_URL, "--retrieved", given,
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    (written,) = out.glob("*.json")
    record = json.loads(written.read_text(encoding="utf-8"))
    assert record["retrieval"]["retrieved_at"] == stored
    notes = [e["note"] for e in record["provenance"] if e["action"] == "converted"]
    assert notes == [f"retrieval.retrieved_at given as {given}; recorded in UTC"]

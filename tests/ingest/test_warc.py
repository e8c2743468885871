"""WARC ingest: one record per HTML or text response, digests verified, truncation and corruption reported."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archivist import IngestError
from archivist.cli import app
from archivist.ingest import Facts, ingest_to_dir, iter_warc
from archivist.records import iter_errors
from tests.ingest.warcs import WARC_DATE, html_page, write_warc

runner = CliRunner()
HTML = [("Content-Type", "text/html; charset=utf-8")]
PAGE_A = html_page("First page", "Heading A", "Alpha paragraph.")
PAGE_B = "Segunda página\n\nTexto em português, com acentos.\n".encode()


def mixed_warc(path: Path, *, gzip_it: bool = False) -> Path:
    return write_warc(path, [
        ("https://example.org/a", "200 OK", HTML, PAGE_A),
        ("https://example.org/logo.png", "200 OK", [("Content-Type", "image/png")], b"\x89PNG\r\n\x1a\nfake"),
        ("https://example.org/missing", "404 Not Found", HTML, html_page("Not found", "404", "No such page.")),
        ("https://example.org/b.txt", "200 OK", [("Content-Type", "text/plain; charset=utf-8")], PAGE_B),
    ], gzip=gzip_it)


@pytest.mark.parametrize("gzip_it", [False, True], ids=["warc", "warc.gz"])
def test_each_text_response_becomes_a_valid_record(tmp_path: Path, gzip_it: bool) -> None:
    warc = mixed_warc(tmp_path / ("crawl.warc.gz" if gzip_it else "crawl.warc"), gzip_it=gzip_it)
    items = list(iter_warc(warc, Facts(subjects=["local:Test pages"], language="en")))
    assert [i.skipped for i in items] == [None, "payload is image/png", "HTTP status 404", None]
    records = [i.record for i in items if i.record]
    assert [r["id"] for r in records] == ["example.org-a", "example.org-b.txt"]
    for record, item, payload in zip(records, (items[0], items[3]), (PAGE_A, PAGE_B), strict=True):
        assert list(iter_errors(record)) == []
        assert record["source"]["url"] == item.target_uri
        retrieval = record["retrieval"]
        assert retrieval["retrieved_at"] == WARC_DATE and retrieval["method"] == "warc"
        assert retrieval["warc_record_id"] == item.warc_record_id
        assert (item.warc_record_id or "").startswith("<urn:uuid:")
        assert retrieval["sha256"] == hashlib.sha256(payload).hexdigest() and retrieval["byte_size"] == len(payload)
        assert record["subjects"] == [{"term": "Test pages", "scheme": "local"}]
    assert records[0]["title"] == "First page"
    assert records[0]["content"]["sections"] == [{"heading": "Heading A", "level": 1,
                                                  "paragraphs": ["Alpha paragraph."]}]
    assert records[0]["removed"][0]["rule"] == "html-nav"
    assert records[1]["content"]["sections"][0]["paragraphs"] == ["Texto em português, com acentos."]


def test_http_charset_and_content_encoding_are_honoured(tmp_path: Path) -> None:
    body = "<html><head><title>Café</title></head><body><p>Crème brûlée.</p></body></html>".encode("iso-8859-1")
    packed = gzip.compress(body, mtime=0)
    warc = write_warc(tmp_path / "c.warc", [
        ("https://example.org/latin", "200 OK", [("Content-Type", "text/html; charset=ISO-8859-1")], body),
        ("https://example.org/gz", "200 OK", [("Content-Type", "text/html; charset=ISO-8859-1"),
                                              ("Content-Encoding", "gzip")], packed),
    ])
    latin, packed_item = (i.record for i in iter_warc(warc))
    assert latin is not None and packed_item is not None
    assert latin["title"] == "Café" and latin["content"]["sections"][0]["paragraphs"] == ["Crème brûlée."]
    assert packed_item["content"] == latin["content"]
    assert packed_item["retrieval"]["sha256"] == hashlib.sha256(packed).hexdigest()


def test_same_url_twice_gets_distinct_ids(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "twice.warc", [("https://example.org/a", "200 OK", HTML, PAGE_A)] * 2)
    assert [(i.record or {}).get("id") for i in iter_warc(warc)] == ["example.org-a", "example.org-a-2"]


def test_digest_mismatch_fails_that_record_only(tmp_path: Path) -> None:
    warc = mixed_warc(tmp_path / "crawl.warc")
    data = warc.read_bytes()
    warc.write_bytes(data.replace(b"Alpha paragraph.", b"Alpha paragraph!"))
    items = list(iter_warc(warc))
    assert items[0].record is None and "digest mismatch" in str(items[0].error)
    assert "payload digest failed" in str(items[0].error) and "offset 0" in str(items[0].error)
    assert items[3].record is not None
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(warc), "--out", str(out)])
    assert result.exit_code == 1 and "digest mismatch" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["example.org-b.txt.json"]


@pytest.mark.parametrize("gzip_it", [False, True], ids=["warc", "warc.gz"])
@pytest.mark.parametrize("cut", [0.9, 0.75, 0.55], ids=["in-last-body", "in-last-headers", "mid-file"])
def test_truncated_warc_is_reported(tmp_path: Path, gzip_it: bool, cut: float) -> None:
    whole = mixed_warc(tmp_path / "whole.warc", gzip_it=gzip_it).read_bytes()
    warc = tmp_path / ("cut.warc.gz" if gzip_it else "cut.warc")
    warc.write_bytes(whole[: int(len(whole) * cut)])
    with pytest.raises(IngestError) as info:
        for item in iter_warc(warc):
            if item.error:
                raise item.error
    assert str(warc) in str(info.value) and ("truncated" in str(info.value) or "corrupt" in str(info.value))
    result = runner.invoke(app, ["ingest", str(warc), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "truncated" in result.output
    assert all(p.suffix == ".json" for p in (tmp_path / "out").glob("*"))


def test_not_a_warc_and_empty_warc(tmp_path: Path) -> None:
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    with pytest.raises(IngestError, match="empty"):
        list(iter_warc(empty))
    text = tmp_path / "text.warc"
    text.write_bytes(b"This is not a WARC file at all.\n" * 10)
    with pytest.raises(IngestError, match="WARC"):
        list(iter_warc(text))


def test_warc_is_read_as_a_stream(tmp_path: Path) -> None:
    pages = [(f"https://example.org/p{n}", "200 OK", HTML, html_page(f"Page {n}", "H", "x" * 2000)) for n in range(300)]
    warc = write_warc(tmp_path / "big.warc", pages)
    with open(warc, "rb") as handle:
        first = next(iter_warc(warc, stream=handle))
        assert first.record is not None and first.record["id"] == "example.org-p0"
        assert handle.tell() < warc.stat().st_size / 10


def test_cli_warc_with_keep_original(tmp_path: Path) -> None:
    warc = mixed_warc(tmp_path / "crawl.warc.gz", gzip_it=True)
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(warc), "--out", str(out), "--keep-original", "--language", "en"])
    assert result.exit_code == 0, result.output
    assert "2 records written, 0 failed, 2 WARC response(s) skipped" in result.output
    assert (out / "originals" / "example.org-a.html").read_bytes() == PAGE_A
    record = json.loads((out / "example.org-a.json").read_text(encoding="utf-8"))
    assert record["files"][0]["path"] == "originals/example.org-a.html"
    assert runner.invoke(app, ["validate", "--check-files", str(out)]).exit_code == 0


def test_cli_rejects_one_document_options_for_a_warc(tmp_path: Path) -> None:
    warc = mixed_warc(tmp_path / "crawl.warc")
    assert runner.invoke(app, ["ingest", str(warc), "-o", str(tmp_path / "x.json")]).exit_code == 2
    assert runner.invoke(app, ["ingest", str(warc), "--url", "https://x.org/", "--out", str(tmp_path)]).exit_code == 2


def test_ingest_to_dir_mixes_files_and_warcs(tmp_path: Path) -> None:
    text = tmp_path / "note.txt"
    text.write_text("A note\n\nSome text.\n", encoding="utf-8")
    warc = mixed_warc(tmp_path / "crawl.warc")
    outcomes = list(ingest_to_dir([text, warc], Facts(url="https://example.org/note", retrieved="2026-11-24"),
                                  tmp_path / "out"))
    assert [o.record_id for o in outcomes if o.written] == ["note", "example.org-a", "example.org-b.txt"]

"""Never truncate silently, never read outside: deep HTML, WARC inflation limits, manifest containment."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archivist import IngestError
from archivist.cli import app
from archivist.ingest import Facts, ingest_file, ingest_manifest, iter_warc
from tests.ingest.warcs import html_page, write_warc

runner = CliRunner()
FACTS = Facts(url="https://example.org/deep", retrieved="2026-11-24")


@pytest.mark.parametrize("depth", [300, 3000])
def test_deep_nesting_keeps_every_paragraph(tmp_path: Path, depth: int) -> None:
    page = tmp_path / "deep.html"
    body = "".join(f"<div><p>Paragraph number {i} of the deep page.</p>" for i in range(depth)) + "</div>" * depth
    page.write_text(f"<html><head><title>Deep</title></head><body>{body}<p>The last one.</p></body></html>",
                    encoding="utf-8")
    record = ingest_file(page, FACTS)
    paragraphs = [p for s in record["content"]["sections"] for p in s["paragraphs"]]
    assert len(paragraphs) == depth + 1 and paragraphs[-1] == "The last one."
    assert paragraphs[:3] == [f"Paragraph number {i} of the deep page." for i in range(3)]


def _gzip_bomb_page(size: int) -> bytes:
    return gzip.compress(b"<html><head><title>Bomb</title></head><body><p>" + b"a" * size + b"</p></body></html>")


def test_gzip_content_encoding_is_inflated_with_a_limit(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "bomb.warc", [
        ("https://example.org/bomb", "200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
         _gzip_bomb_page(5_000_000)),
        ("https://example.org/ok", "200 OK", [("Content-Type", "text/html")], html_page("OK", "OK", "Fine text.")),
    ])
    items = list(iter_warc(warc, max_size=1_000_000))
    assert items[0].record is None and "too large" in str(items[0].error) and "1,000,000" in str(items[0].error)
    assert items[1].record is not None  # the next record is still ingested
    assert all(i.record is not None for i in iter_warc(warc, max_size=10_000_000))


def test_gzipped_warc_member_over_the_limit_is_reported_not_read(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "big.warc.gz", [
        ("https://example.org/big", "200 OK", [("Content-Type", "text/html")],
         b"<html><body><p>" + b"b" * 3_000_000 + b"</p></body></html>"),
        ("https://example.org/ok", "200 OK", [("Content-Type", "text/html")], html_page("OK", "OK", "Fine text.")),
    ], gzip=True)
    assert os.path.getsize(warc) < 100_000
    items = list(iter_warc(warc, max_size=1_000_000))
    assert "record too large" in str(items[0].error) and items[1].record is not None
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(warc), "--retrieved", "2026-11-24", "--max-record-size", "1000000",
                                 "--out", str(out)])
    assert result.exit_code == 1 and "record too large" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["example.org-ok.json"]


def _manifest(folder: Path, files: list[str]) -> Path:
    manifest = folder / "m.csv"
    lines = ["file,url,retrieved"] + [f"{f},https://example.org/{i},2026-11-24" for i, f in enumerate(files)]
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    inside, outside = tmp_path / "captures", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    (inside / "good.txt").write_text("Good page\n\nSome text.\n", encoding="utf-8")
    (outside / "secret.txt").write_text("Secret\n\nPrivate text.\n", encoding="utf-8")
    (inside / "link.txt").symlink_to(outside / "secret.txt")
    (inside / "linkdir").symlink_to(outside)
    return inside, outside


def test_manifest_reads_only_under_its_own_folder(layout: tuple[Path, Path]) -> None:
    inside, outside = layout
    manifest = _manifest(inside, ["good.txt", "../elsewhere/secret.txt", "link.txt", "linkdir/secret.txt",
                                  str(outside / "secret.txt")])
    outcomes = list(ingest_manifest(manifest, inside / "out"))
    assert [o.ok for o in outcomes] == [True, False, False, False, False]
    for outcome in outcomes[1:]:
        assert "outside the manifest's folder" in str(outcome.error) and "/file" in str(outcome.error)
    assert sorted(p.name for p in (inside / "out").iterdir()) == ["good.json"]


def test_an_explicit_base_allows_other_folders(layout: tuple[Path, Path]) -> None:
    inside, outside = layout
    manifest = _manifest(inside, ["captures/good.txt", "elsewhere/secret.txt"])
    outcomes = list(ingest_manifest(manifest, inside / "out", base=inside.parent))
    assert all(o.ok for o in outcomes)
    result = runner.invoke(app, ["ingest", "--manifest", str(_manifest(inside, ["../captures/good.txt"])),
                                 "--manifest-base", str(outside), "--out", str(inside / "out2")])
    assert result.exit_code == 1 and "outside the base folder given" in result.output


def test_special_files_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    manifest = _manifest(tmp_path, ["pipe.txt", "dev/zero"])
    outcomes = list(ingest_manifest(manifest, tmp_path / "out"))
    assert "FIFO" in str(outcomes[0].error)
    devzero = list(ingest_manifest(_manifest(tmp_path, ["dev/zero"]), tmp_path / "out", base="/"))
    assert "a device" in str(devzero[0].error)
    with pytest.raises(IngestError, match="FIFO"):
        ingest_file(fifo, FACTS)
    result = runner.invoke(app, ["ingest", "/dev/zero", "--url", "https://example.org/", "--retrieved", "2026-11-24",
                                 "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "not a regular file" in result.output  # refused as the command line is read


def test_a_nul_byte_in_a_cell_is_a_row_error(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Good page\n\nSome text.\n", encoding="utf-8")
    manifest = tmp_path / "m.csv"
    manifest.write_bytes(b"file,url,retrieved\nbad\x00.txt,https://example.org/a,2026-11-24\n"
                         b"good.txt,https://example.org/b\x00,2026-11-24\ngood.txt,https://example.org/c,2026-11-24\n")
    outcomes = list(ingest_manifest(manifest, tmp_path / "out"))
    assert [o.ok for o in outcomes] == [False, False, True]
    error = str(outcomes[0].error)
    assert "row 2" in error and "/file" in error and "U+0000" in error
    assert "row 3" in str(outcomes[1].error) and "/url" in str(outcomes[1].error)
    assert json.loads((tmp_path / "out" / "good.json").read_text())["source"]["url"] == "https://example.org/c"

"""The seed record: valid, faithful to its capture line for line, and with exact fixity."""

from __future__ import annotations

import hashlib
from typing import Any

from archivist.records import iter_errors
from tests.conftest import ROOT, SEED_CAPTURE

#: The SHA-256 of the seed document as the project received it (the shared copy every checkout ships twice).
SEED_DIGEST = "8992b5b7c2215e513759813e81e9359e2fd486a01526130d8d3435652ab6807c"


def test_seed_is_valid(seed: dict[str, Any]) -> None:
    assert list(iter_errors(seed)) == []


def test_original_is_the_seed_document_byte_for_byte() -> None:
    """The record's original and the examples' copy (what the README ingests) are both the document received."""
    for copy in (SEED_CAPTURE, ROOT / "examples" / "mrta-globalsecurity.txt"):
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == SEED_DIGEST, copy


def test_fixity_recomputed(seed: dict[str, Any]) -> None:
    raw = SEED_CAPTURE.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    assert seed["retrieval"]["sha256"] == digest and seed["retrieval"]["byte_size"] == len(raw)
    (original,) = seed["files"]
    assert original["path"] == "originals/mrta-globalsecurity.txt"
    assert (original["sha256"], original["byte_size"]) == (digest, len(raw))


def test_every_non_chrome_line_survives_unchanged_in_order(seed: dict[str, Any]) -> None:
    lines = SEED_CAPTURE.read_text(encoding="utf-8").split("\n")
    removed = {r["line"]: r["text"] for r in seed["removed"]}
    for number, text in removed.items():
        assert lines[number - 1] == text
    expected = [line for number, line in enumerate(lines, start=1) if line.strip() and number not in removed]
    content: list[str] = []
    for section in seed["content"]["sections"]:
        if section["heading"] is not None:
            content.append(section["heading"])
        content.extend(section["paragraphs"])
    assert content == expected


def test_chrome_lines_are_in_removed_not_in_content(seed: dict[str, Any]) -> None:
    texts = [r["text"] for r in seed["removed"]]
    assert texts == ["UNITED24 - Make a charitable donation in support of Ukraine!",
                     "Join the GlobalSecurity.org mailing list"]
    body = "\n".join(p for s in seed["content"]["sections"] for p in s["paragraphs"])
    assert not any(t in body for t in texts)


def test_descriptive_metadata(seed: dict[str, Any]) -> None:
    assert seed["title"] == "Tupac Amaru Revolutionary Movement (MRTA)"
    assert seed["alternative_titles"] == ["TARM"]
    assert (seed["language"], seed["type"]) == ("en", "Text")
    assert seed["source"] == {"url": "https://www.globalsecurity.org/military/world/para/mrta.htm",
                              "publisher": "GlobalSecurity.org", "site_name": "GlobalSecurity.org"}
    assert seed["retrieval"]["retrieved_at"] == "2026-11-24" and seed["retrieval"]["method"] == "manual-copy"
    assert any("capture time is unknown" in note for note in seed["notes"])
    headings = [s["heading"] for s in seed["content"]["sections"]]
    assert "Location/Area of Operation" in headings and "External Aid" in headings
    location = seed["content"]["sections"][headings.index("Location/Area of Operation")]
    assert location["paragraphs"] == []
    assert seed["coverage"] == {"spatial": ["Peru", "Lima (Peru)"], "temporal": ["1980/2015"]}


def test_subjects_have_schemes_and_no_invented_uris(seed: dict[str, Any]) -> None:
    by_term = {s["term"]: s for s in seed["subjects"]}
    for term in ["Movimiento Revolucionario Túpac Amaru", "Terrorism--Peru", "Guerrillas--Peru", "Peru"]:
        assert by_term[term]["scheme"] == "lcsh"
    assert all("uri" not in s for s in seed["subjects"])
    keywords = [s["term"] for s in seed["subjects"] if s["scheme"] == "keyword"]
    assert any("Japanese ambassador" in k for k in keywords) and "Lori Berenson" in keywords

"""The ingest corpus and its scorer: the committed dumps are what the three browsers make of the saved pages, the
parts are split by domain, and a capture that gives no record earns no check."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.tools import need

BENCHMARKS = Path(__file__).parents[2] / "benchmarks"
sys.path[:0] = [str(BENCHMARKS), str(BENCHMARKS / "corpus")]
import make_dumps  # noqa: E402
import make_warcs  # noqa: E402

import ingest_eval  # noqa: E402

ITEMS = json.loads((BENCHMARKS / "corpus" / "expected.json").read_text(encoding="utf-8"))["items"]


@pytest.mark.parametrize("folder", ["text", "lynx", "elinks"])
def test_committed_dumps_are_what_the_browsers_make(folder: str) -> None:
    need({"text": "w3m"}.get(folder, folder))
    for page in ("mozilla-devedition", "th-prachatai-dna", "ko-w3c-text-size"):
        html = (BENCHMARKS / "corpus" / "html" / f"{page}.html").read_bytes()
        committed = (BENCHMARKS / "corpus" / folder / f"{page}.txt").read_text(encoding="utf-8")
        assert make_dumps.dump(html, folder) == committed, (folder, page)


def test_every_stored_html_page_has_three_dumps() -> None:
    stored = [i["id"] for i in ITEMS if i.get("stored", True) and (BENCHMARKS / "corpus" / "html" / f"{i['id']}.html")
              .exists()]
    assert len(stored) >= 19
    for folder in ("text", "lynx", "elinks"):
        assert all((BENCHMARKS / "corpus" / folder / f"{page}.txt").exists() for page in stored), folder


def test_every_page_is_kept_in_the_repository() -> None:
    for item in ITEMS:
        assert item.get("stored", True), item["id"]
        captures = [BENCHMARKS / "corpus" / "html" / f"{item['id']}.html", BENCHMARKS / "corpus" / "text" /
                    f"{item['id']}.txt"]
        assert any(path.exists() for path in captures), item["id"]


def test_a_page_with_no_canonical_link_is_wrapped_at_its_url() -> None:
    from warcio.archiveiterator import ArchiveIterator

    item = next(i for i in ITEMS if i["id"] == "hi-w3c-language")
    raw = (BENCHMARKS / "corpus" / "html" / "hi-w3c-language.html").read_bytes()
    assert b"canonical" not in raw
    assert make_warcs.target_uri(item["id"], raw) == item["url"]
    with (BENCHMARKS / "corpus" / "warc" / "hi-w3c-language.warc.gz").open("rb") as handle:
        records = list(ArchiveIterator(handle))
        assert len(records) == 1
    with (BENCHMARKS / "corpus" / "warc" / "hi-w3c-language.warc.gz").open("rb") as handle:
        record = next(iter(ArchiveIterator(handle)))
        assert record.rec_headers.get_header("WARC-Target-URI") == item["url"]
        assert record.content_stream().read() == raw


def test_parts_are_split_by_domain_and_both_hold_several_languages() -> None:
    parts: dict[str, set[str]] = {}
    for item in ITEMS:
        parts.setdefault(ingest_eval.domain(item["site"]), set()).add(ingest_eval.part(item["site"]))
    assert all(len(p) == 1 for p in parts.values())
    assert ingest_eval.domain("blog.nightly.mozilla.org") == ingest_eval.domain("www.mozilla.org") == "mozilla.org"
    assert ingest_eval.domain("www1.folha.uol.com.br") == "uol.com.br"
    languages = {name: {i["language"] for i in ITEMS if ingest_eval.part(i["site"]) == name}
                 for name in ("dev", "test")}
    assert len(languages["dev"]) >= 3 and len(languages["test"]) >= 3
    assert len(languages["dev"] | languages["test"]) >= 12
    assert {"ko", "hi"} <= languages["dev"] | languages["test"]


def test_a_capture_with_no_record_fails_every_check() -> None:
    item = ITEMS[0]
    scored = ingest_eval.failed(item)
    assert not any(scored[f] for f in ingest_eval.FIELDS if f != "chrome")
    assert scored["chrome"] == [False] * len(item["chrome"] + item["chrome_headings"])


def test_each_failed_check_says_what_was_expected_and_what_came() -> None:
    item = ITEMS[0]
    blocks = [("h", item["chrome_headings"][0]), ("p", "Too short."), ("p", item["chrome"][0])]
    output = ingest_eval.Output("Home", blocks)
    misses = ingest_eval._misses(ingest_eval.score(output, item), item)
    assert misses["title"] == {"expected": item["title"], "got": "Home"}
    assert misses["headings"]["got"] == [item["chrome_headings"][0]]
    assert misses["first_paragraph"] == {"expected": item["first_paragraph"], "got": "Too short."}
    assert misses["paragraphs"] == {"expected": item["paragraphs"], "got": 0}
    assert misses["chrome"] == {"kept": [item["chrome"][0], item["chrome_headings"][0]]}
    right = ingest_eval.Output(item["title"], [("h", h) for h in item["headings"]] + [("p", item["first_paragraph"])])
    assert set(ingest_eval._misses(ingest_eval.score(right, item), item)) == {"paragraphs"}

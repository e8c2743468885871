"""The static site's Pagefind index as ``archivist site`` writes it: what it holds (the record, not the page's
chrome), one language for the collection, the same bytes for the same records, kept right by re-runs, and gone
with ``--no-search``. The browser side is in test_pagefind.py."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from archivist.batch._journal import JOURNAL
from archivist.site import SiteSettings, build_site
from archivist.site import _search_static as search
from archivist.site._render import CSP, SEARCH_CSP
from tests.conftest import RECORDS
from tests.site.conftest import CORPUS, DATA, IDS

BASE = "https://archive.example.org/collection/"
SETTINGS = SiteSettings(name="Test archive", base_url=BASE)


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


#: What Pagefind 1.5.2 writes differently from run to run: the values inside each filter file come in the order of
#: a Rust HashMap, so the filter files' names (their hashes), the metadata file naming them and the entry file
#: naming that differ. Fixed upstream (Pagefind #1124), after 1.5.2.
def varies(name: str) -> bool:
    return name.startswith("pagefind/filter/") or name.endswith(".pf_meta") or name == "pagefind/pagefind-entry.json"


def steady(files: dict[str, bytes]) -> set[tuple[str, bytes]]:
    return {(name, data) for name, data in files.items() if not varies(name)}


def filter_contents(site: Path) -> list[bytes]:
    """Each filter file's bytes, unzipped and sorted: the same values whatever their order."""
    return sorted(bytes(sorted(gzip.decompress(p.read_bytes()))) for p in (site / "pagefind" / "filter").iterdir())


def fragments(site: Path) -> dict[str, dict[str, Any]]:
    """Pagefind's record of each page it indexed (the text it holds, its filters and metadata), by URL."""
    found = {}
    for path in (site / "pagefind" / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        fragment = json.loads(data[len(b"pagefind_dcd"):])
        found[fragment["url"]] = fragment
    return found


def words(fragment: dict[str, Any]) -> str:
    return " ".join(fragment["content"].replace("\u200b", "").split())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "out"
    report = build_site(CORPUS, out, SETTINGS, search=True)
    assert (report.search, report.search_indexed) == ("ja", True)
    return out


def test_every_record_page_and_nothing_else_is_indexed(built: Path) -> None:
    assert sorted(fragments(built)) == [f"/records/{record_id}/" for record_id in IDS]
    assert {p.name for p in (built / "pagefind").iterdir()} >= {"pagefind.js", "pagefind-entry.json", "fragment",
                                                                "index", "filter"}
    assert not any(name.startswith("pagefind-ui") or "component" in name for name in os_names(built / "pagefind"))
    assert (built / "search.js").read_bytes() == search.script()


def os_names(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir()]


def test_the_index_holds_the_record_not_the_pages_chrome(built: Path) -> None:
    record = json.loads((RECORDS / "mrta-globalsecurity.json").read_text("utf-8"))
    text = words(fragments(built)["/records/mrta-globalsecurity/"])
    assert text.startswith("Tupac Amaru Revolutionary Movement (MRTA)")
    assert "Lori Berenson was convicted" in text  # the record's text
    assert "Movimiento Revolucionario Túpac Amaru" in text  # its metadata
    for chrome in ("Skip to content", "Browse", "About this record", "Downloads", "Cite this record", "Provenance",
                   "Removed from the capture", "UNITED24", record["retrieval"]["sha256"], "Made with archivist",
                   "Publisher", "Subjects"):
        assert chrome not in text, chrome


def test_subjects_and_language_are_filters_and_the_language_is_shown(built: Path) -> None:
    fragment = fragments(built)["/records/ja-tokyo-library/"]
    assert fragment["filters"]["language"] == ["ja"]
    assert "東京" in fragment["filters"]["subject"] and len(fragment["filters"]["subject"]) == 8
    assert fragment["meta"] == {"title": "東京都立図書館の歴史", "language": "ja"}


def test_the_collection_is_indexed_in_one_language(built: Path) -> None:
    entry = json.loads((built / "pagefind" / "pagefind-entry.json").read_bytes())
    assert list(entry["languages"]) == ["ja"] and entry["languages"]["ja"]["page_count"] == len(IDS)
    assert search.index_language([("en", 3), ("ru", 1)]) == "en"
    assert search.index_language([("en", 9), ("zh-Hant", 1), ("ja", 1)]) == "ja"  # ties: the first by name
    assert search.index_language([("en", 9), ("zh-Hans", 1), ("zh-Hant", 1), ("ja", 1)]) == "zh"
    assert search.index_language([("EN-GB", 2), ("ar", 1)]) == "en"
    assert search.index_language([]) == "en"


def test_the_search_page_has_its_script_and_its_own_policy(built: Path) -> None:
    html = (built / "search" / "index.html").read_text("utf-8")
    assert f'<meta http-equiv="Content-Security-Policy" content="{SEARCH_CSP}">'.replace("'", "&#39;") in html
    assert '<script type="module" src="../search.js"></script>' in html
    assert '<form action="./" method="get" role="search">' in html  # the query stays on this page
    record = (built / "records" / "ru-hermitage" / "index.html").read_text("utf-8")
    assert f'content="{CSP}"'.replace("'", "&#39;") in record and "wasm" not in record


def test_same_records_same_bytes_index_included(built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_site(CORPUS, again, SETTINGS, search=True)
    assert steady(tree(again)) == steady(tree(built))  # the pages, the fragments, the word index, the script
    assert len(steady(tree(built))) > len(IDS) * 10
    assert filter_contents(again) == filter_contents(built)
    assert len([n for n in tree(again) if varies(n)]) == len([n for n in tree(built) if varies(n)])


def test_record_pages_are_the_same_with_or_without_search(built: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    report = build_site(CORPUS, plain, SETTINGS, search=False)
    assert report.search is None
    assert not (plain / "pagefind").exists() and not (plain / "search.js").exists()
    assert not (plain / search.STAMP).exists()
    with_search, without = tree(built), tree(plain)
    assert {k: v for k, v in without.items() if k.startswith("records/")} == \
        {k: v for k, v in with_search.items() if k.startswith("records/")}
    assert "archivist serve" in (plain / "search" / "index.html").read_text("utf-8")


def test_a_rerun_keeps_the_index_right(tmp_path: Path) -> None:
    corpus = tmp_path / "records"
    shutil.copytree(DATA, corpus)
    out = tmp_path / "site"
    build_site([corpus], out, SETTINGS, search=True)
    index = tree(out / "pagefind")
    report = build_site([corpus], out, SETTINGS, search=True)
    assert (report.search_indexed, report.pages_written) == (False, 0)  # nothing changed: the index is kept
    assert tree(out / "pagefind") == index

    record = json.loads((corpus / "ru-hermitage.json").read_text("utf-8"))
    record["content"]["sections"][0]["paragraphs"].append("Новое слово: квазиэрмитаж.")
    (corpus / "ru-hermitage.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    (corpus / "ja-tokyo-library.json").unlink()
    report = build_site([corpus], out, SETTINGS, search=True)
    assert (report.summary.exported, report.removed, report.search_indexed) == (1, 1, True)
    assert "квазиэрмитаж" in words(fragments(out)["/records/ru-hermitage/"])
    assert "/records/ja-tokyo-library/" not in fragments(out)
    assert report.search == "ar"  # no Japanese record is left: ar, en and ru have one each, the first by name
    fresh = tmp_path / "fresh"
    build_site([corpus], fresh, SETTINGS, search=True)
    def pages(site: Path) -> set[tuple[str, bytes]]:
        return {file for file in steady(tree(site)) if file[0] != JOURNAL}

    assert pages(out) == pages(fresh)  # the same index a clean build makes
    assert filter_contents(out) == filter_contents(fresh)

    report = build_site([corpus], out, SETTINGS, search=False)
    assert not (out / "pagefind").exists() and not (out / "search.js").exists()
    assert not (out / search.STAMP).exists()


def test_a_killed_index_leaves_no_stale_one(tmp_path: Path) -> None:
    """The stamp goes before the index is made: a build stopped in between indexes again the next time."""
    out = tmp_path / "site"
    build_site(CORPUS, out, SETTINGS, search=True)
    (out / search.STAMP).unlink()
    report = build_site(CORPUS, out, SETTINGS, search=True)
    assert report.search_indexed
    (out / search.STAMP).write_text("another index")
    assert build_site(CORPUS, out, SETTINGS, search=True).search_indexed


def test_the_cli_builds_and_drops_the_index(tmp_path: Path, archivist: Any) -> None:
    out = tmp_path / "site"
    run = archivist.run(["site", *CORPUS, "--out", str(out), "--no-citations"], text=True)
    assert run.returncode == 0, run.stderr
    assert "search index rebuilt (ja)" in run.stderr + run.stdout and (out / "pagefind" / "pagefind.js").is_file()
    run = archivist.run(["site", *CORPUS, "--out", str(out), "--no-citations", "--no-search"], text=True)
    assert run.returncode == 0, run.stderr
    assert "search index" not in run.stderr + run.stdout and not (out / "pagefind").exists()


def test_without_the_extra_the_default_site_has_no_search_and_search_is_an_error(tmp_path: Path) -> None:
    """As where the search extra is not installed: its binary cannot be imported."""
    def run(*flags: str) -> subprocess.CompletedProcess[str]:
        program = ("import sys; sys.modules['pagefind_bin_extended'] = None; "
                   "from archivist.cli._entry import main; sys.argv[0] = 'archivist'; main()")
        return subprocess.run([sys.executable, "-c", program, "site", *CORPUS, "--out", str(tmp_path / "site"),
                               "--no-citations", "--to", "oai_dc", *flags],
                              capture_output=True, text=True, timeout=300, check=False)

    refused = run("--search")
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.startswith("error: the site's search needs Pagefind and its extended binary: "
                                     "pip install 'archivist[search]'")
    assert not (tmp_path / "site").exists()  # refused before writing anything
    plain = run()
    assert plain.returncode == 0, plain.stderr
    assert "search index" not in plain.stderr + plain.stdout and not (tmp_path / "site" / "pagefind").exists()
    assert "archivist serve" in (tmp_path / "site" / "search" / "index.html").read_text("utf-8")

"""``archivist site``: the pages' content and safety, determinism, re-runs, the sitemap, and its errors."""

from __future__ import annotations

import copy
import json
import os
import shutil
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from archivist.batch import BatchOptions, run_batch
from archivist.batch._journal import JOURNAL
from archivist.exporters import builtin_names
from archivist.site import SiteSettings, build_site
from archivist.site import _render as render
from archivist.site._formats import Download
from archivist.site._record import JSONLD_LIMIT, record_page
from tests.conftest import RECORDS, SEED
from tests.site.conftest import CORPUS, DATA, IDS

BASE = "https://archive.example.org/collection/"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file of a site but its search index (test_pagefind_build.py compares that: Pagefind 1.5.2 writes the
    values in its filter files in an order that varies from run to run)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] != "pagefind"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "out"
    report = build_site(CORPUS, out, SiteSettings(name="Test archive", base_url=BASE))
    assert report.summary.exported == len(IDS) and report.summary.failed == 0
    return out


def page(built: Path, record_id: str) -> Any:
    return lxml.html.fromstring((built / "records" / record_id / "index.html").read_bytes())


def meta(doc: Any, name: str) -> list[str]:
    return [m.get("content") for m in doc.xpath(f"//meta[@name='{name}']")]


def test_every_record_has_its_page_and_listings(built: Path) -> None:
    assert sorted(p.name for p in (built / "records").iterdir()) == IDS
    index = lxml.html.fromstring((built / "index.html").read_bytes())
    assert index.xpath("string(//h1)") == "Test archive"
    assert "5 records" in index.xpath("string(//main/p[1])")
    links = index.xpath("//ol[@class='items']//a/@href")
    assert sorted(links) == sorted(f"./records/{i}/" for i in IDS)
    for folder in ("subjects", "languages", "years"):
        for href in index.xpath(f"//a[starts-with(@href, './{folder}/')]/@href"):
            assert (built / href / "index.html").is_file(), href
    about = "//section[@class='about']//a[contains(@href, '../../subjects/')]/@href"
    ru_subjects = page(built, "ru-hermitage").xpath(about)
    assert len(ru_subjects) == 10
    for href in ru_subjects:
        listing = lxml.html.fromstring((built / "records" / "ru-hermitage" / href / "index.html").read_bytes())
        assert "../../records/ru-hermitage/" in listing.xpath("//ol[@class='items']//a/@href")


def test_same_records_give_the_same_bytes(built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_site(CORPUS, again, SiteSettings(name="Test archive", base_url=BASE))
    assert tree(again) == tree(built)


def test_a_rerun_rebuilds_only_what_changed(tmp_path: Path) -> None:
    corpus = tmp_path / "records"
    shutil.copytree(DATA, corpus)
    out = tmp_path / "site"
    settings = SiteSettings(name="Test archive", base_url=BASE)
    build_site([corpus], out, settings)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != JOURNAL}
    report = build_site([corpus], out, settings)
    assert (report.summary.exported, report.summary.current, report.pages_written) == (0, 4, 0)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != JOURNAL} == before

    record = json.loads((corpus / "ru-hermitage.json").read_text("utf-8"))
    record["title"] = "Эрмитаж (новое название)"
    (corpus / "ru-hermitage.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    (corpus / "ja-tokyo-library.json").unlink()
    report = build_site([corpus], out, settings)
    assert (report.summary.exported, report.summary.current, report.removed) == (1, 2, 1)
    changed = {str(p.relative_to(out)) for p in out.rglob("*")
               if p.is_file() and before.get(p) != p.stat().st_mtime_ns}
    assert {c for c in changed if c.startswith("records/")} == {
        f"records/ru-hermitage/{name}" for name in os.listdir(out / "records" / "ru-hermitage")}
    assert not (out / "records" / "ja-tokyo-library").exists()
    assert "ja-tokyo-library" not in (out / "sitemap.xml").read_text("utf-8")
    assert "Эрмитаж (новое название)" in (out / "index.html").read_text("utf-8")
    fresh = tmp_path / "fresh"
    build_site([corpus], fresh, settings)
    def pages(folder: Path) -> dict[str, bytes]:
        return {k: v for k, v in tree(folder).items() if k != JOURNAL}

    assert pages(fresh) == pages(out)


def test_downloads_are_the_bytes_export_writes(built: Path, tmp_path: Path) -> None:
    exported = tmp_path / "exports"
    run_batch(CORPUS, exported, BatchOptions(formats=builtin_names()))
    files = [p for p in exported.iterdir() if not p.name.startswith(".")]
    assert len(files) == len(builtin_names()) * len(IDS)
    for file in files:
        record_id = next(i for i in IDS if file.name.startswith(i + "."))
        assert (built / "records" / record_id / file.name).read_bytes() == file.read_bytes(), file.name
        doc = page(built, record_id)
        [link] = doc.xpath(f"//section[@class='downloads']//a[@href='{file.name}']")
        assert f"{file.stat().st_size:,} bytes" in link.getparent().text_content()


def test_the_retrieval_date_is_never_a_publication_date(built: Path) -> None:
    doc = page(built, "mrta-globalsecurity")  # retrieved 2026-11-24; the record knows no publication date
    assert meta(doc, "citation_publication_date") == [] and meta(doc, "DC.date") == []
    assert doc.xpath("//time") == []
    script = json.loads(doc.xpath("string(//script[@type='application/ld+json'])"))
    assert not {"datePublished", "dateCreated", "dcterms:issued", "dcterms:created"} & set(script)
    assert meta(doc, "DC.type") == ["webpage"]
    assert "https://www.globalsecurity.org/military/world/para/mrta.htm" not in meta(doc, "DC.source")
    about = doc.xpath("string(//section[@class='about'])")
    assert "2026-11-24" not in about
    arabic = page(built, "ar-tahrir-museum")  # issued 2019-05-14, retrieved 2026-11-30
    assert meta(arabic, "citation_publication_date") == ["2019/05/14"]
    assert meta(arabic, "DC.date") == ["2019-05-14"]


def test_hostile_values_stay_text(built: Path) -> None:
    html = (built / "records" / "hostile-title" / "index.html").read_text("utf-8")
    doc = lxml.html.fromstring(html)
    assert doc.xpath("string(//h1)") == "</script><script>alert(1)</script>"
    assert doc.xpath("string(//title)").startswith("</script><script>alert(1)</script>")
    [script] = doc.xpath("//script")
    assert script.get("type") == "application/ld+json"
    assert "<" not in script.text and ">" not in script.text and "&" not in script.text
    assert json.loads(script.text)["name"]["@value"] == "</script><script>alert(1)</script>"
    assert not [a for e in doc.iter() if isinstance(e.tag, str) for a in e.attrib if a.startswith("on")]
    for href in doc.xpath("//a/@href"):
        assert href.startswith(("http://", "https://", "../", "./")) or "/" not in href, href
    assert "javascript:" not in " ".join(doc.xpath("//a/@href"))
    assert doc.xpath("//dd[bdi='javascript:alert(5)']")  # shown, never a link


def test_text_in_the_records_language_and_direction(built: Path) -> None:
    arabic = page(built, "ar-tahrir-museum")
    assert arabic.get("lang") == "en"
    [text] = arabic.xpath("//section[@class='text']")
    assert (text.get("lang"), text.get("dir")) == ("ar", "rtl")
    assert arabic.xpath("//h1/@dir") == ["rtl"] and arabic.xpath("//h1/@lang") == ["ar"]
    japanese = page(built, "ja-tokyo-library")
    assert japanese.xpath("//section[@class='text']/@lang") == ["ja"]
    assert japanese.xpath("//section[@class='text']/@dir") == ["ltr"]


def test_headings_follow_the_sections_without_skipping_a_level(built: Path) -> None:
    doc = page(built, "ru-hermitage")  # sections at levels 1 and 3
    headings = [(e.tag, e.text_content()) for e in doc.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
    text = headings[[t for _, t in headings].index("Text"):]
    assert text[:3] == [("h2", "Text"), ("h3", "Эрмитаж"), ("h4", "Здания")]
    assert len(doc.xpath("//h1")) == 1


def test_removed_chrome_and_provenance_are_shown(built: Path) -> None:
    doc = page(built, "mrta-globalsecurity")
    rows = doc.xpath("//section[@class='removed']//tbody/tr")
    assert [r.xpath("string(td[2])") for r in rows] == ["donation-banner", "mailing-list"]
    provenance = doc.xpath("string(//section[@class='provenance'])")
    for fact in ("8992b5b7c2215e513759813e81e9359e2fd486a01526130d8d3435652ab6807c", "manual-copy", "6,987 bytes",
                 "text/plain; charset=utf-8", "not when the page was published"):
        assert fact in provenance
    assert doc.xpath("//section[@class='provenance']//a/@href") == [
        "https://www.globalsecurity.org/military/world/para/mrta.htm"]


def test_a_record_page_without_its_text_is_small() -> None:
    record = json.loads(SEED.read_text("utf-8"))
    record["content"]["sections"] = []
    downloads = [Download("x", f"f{n}.xml", "application/xml", 1000, "describedby") for n in range(8)]
    html = render.record_html(record_page(record, downloads, site_name="Archive", root="../../", base_url=BASE),
                              SiteSettings(base_url=BASE))
    assert len(html) + len(render.static_files()["style.css"]) < 30 * 1024


def test_the_embedded_jsonld_is_capped() -> None:
    record = json.loads(SEED.read_text("utf-8"))
    record["subjects"] = [{"term": f"Subject number {n} " + "x" * 80, "scheme": "keyword"} for n in range(400)]
    record["notes"] = ["note " * 200] * 50
    doc = lxml.html.fromstring(render.record_html(record_page(record, [], site_name="A", root="../../",
                                                              base_url=None), SiteSettings()))
    script = doc.xpath("string(//script)")
    assert len(script.encode("utf-8")) <= JSONLD_LIMIT
    assert json.loads(script)["name"]["@value"] == record["title"]


def test_without_a_base_url_the_absolute_links_are_left_out(tmp_path: Path, archivist: Any) -> None:
    run = archivist.run(["site", str(DATA), "--out", str(tmp_path / "s")])
    assert run.returncode == 0, run.stderr
    assert "no --base-url" in run.stderr
    doc = lxml.html.fromstring((tmp_path / "s" / "records" / "ru-hermitage" / "index.html").read_bytes())
    assert doc.xpath("//link[@rel='canonical' or @rel='cite-as' or @rel='linkset']") == []
    assert not (tmp_path / "s" / "sitemap.xml").exists()
    assert not list((tmp_path / "s").rglob("linkset.json"))
    assert "Sitemap:" not in (tmp_path / "s" / "robots.txt").read_text("utf-8")


def test_a_sitemap_index_past_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "SITEMAP_LIMIT", 2)
    build_site(CORPUS, tmp_path / "s", SiteSettings(base_url=BASE))
    index = lxml.etree.parse(str(tmp_path / "s" / "sitemap.xml")).getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    locs = []
    for n in (1, 2, 3):
        part = lxml.etree.parse(str(tmp_path / "s" / "sitemaps" / f"{n}.xml")).getroot()
        locs += part.xpath("//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    assert sorted(locs) == [f"{BASE}records/{i}/" for i in IDS]


def test_a_smaller_sitemap_index_leaves_no_stale_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parts are written as they are made (never all in memory); a part no longer made is removed."""
    monkeypatch.setattr(render, "SITEMAP_LIMIT", 2)
    build_site(CORPUS, tmp_path / "s", SiteSettings(base_url=BASE))
    assert sorted(os.listdir(tmp_path / "s" / "sitemaps")) == ["1.xml", "2.xml", "3.xml"]
    monkeypatch.setattr(render, "SITEMAP_LIMIT", 3)
    build_site(CORPUS, tmp_path / "s", SiteSettings(base_url=BASE))
    assert sorted(os.listdir(tmp_path / "s" / "sitemaps")) == ["1.xml", "2.xml"]


def test_invalid_records_are_reported_as_export_reports_them(tmp_path: Path, archivist: Any) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    record = json.loads((DATA / "ru-hermitage.json").read_text("utf-8"))
    (folder / "good.json").write_text(json.dumps(record), "utf-8")
    bad = copy.deepcopy(record)
    bad["id"], bad["language"] = "bad-one", "not a tag"
    (folder / "bad.json").write_text(json.dumps(bad), "utf-8")
    site = archivist.run(["site", str(folder), "--out", str(tmp_path / "s")])
    export = archivist.run(["export", str(folder), "--out", str(tmp_path / "e"), "-q"])
    assert site.returncode == export.returncode == 1
    problem = [line for line in export.stderr.splitlines() if "bad.json" in line]
    assert problem and all(line in site.stderr.splitlines() for line in problem)
    assert sorted(os.listdir(tmp_path / "s" / "records")) == ["ru-hermitage"]


@pytest.mark.parametrize(("args", "expected"), [
    (["--base-url", "ftp://example.org/"], "error: --base-url: 'ftp://example.org/' is not an absolute"),
    (["--to", "bagit"], "error: --to: unknown format 'bagit'"),
    (["--name", " "], "error: --name: empty"),
])
def test_mistakes_are_one_line(tmp_path: Path, archivist: Any, args: list[str], expected: str) -> None:
    run = archivist.run(["site", str(DATA), "--out", str(tmp_path / "s"), *args])
    assert run.returncode == 2
    assert run.stderr.startswith(expected) and run.stderr.count("\n") == 1, run.stderr
    assert not (tmp_path / "s").exists()


def test_it_never_builds_into_a_folder_of_other_files_or_an_input(tmp_path: Path, archivist: Any) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", "utf-8")
    run = archivist.run(["site", str(DATA), "--out", str(tmp_path / "mine")])
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "is not a site archivist built" in run.stderr
    assert os.listdir(tmp_path / "mine") == ["notes.txt"]
    run = archivist.run(["site", str(RECORDS), "--out", str(RECORDS / "site")])
    assert run.returncode == 2 and "inside the input" in run.stderr and not (RECORDS / "site").exists()


def test_the_citation_box_renders_three_styles_from_the_csl_item(built: Path) -> None:
    doc = page(built, "mrta-globalsecurity")  # no publication date: "n.d.", and the retrieval date as accessed
    box = dict(zip(doc.xpath("//section[@class='cite']//dt/text()"),
                   [dd.text_content() for dd in doc.xpath("//section[@class='cite']//dd")], strict=True))
    assert set(box) == {"APA", "MLA", "Chicago"}
    assert "(n.d.)" in box["APA"] and "Retrieved November 24, 2026, from https://www.globalsecurity.org/" in box["APA"]
    assert "Accessed 24 Nov. 2026" in box["MLA"] and "GlobalSecurity.org" in box["Chicago"]
    item = json.loads((built / "records" / "mrta-globalsecurity" / "mrta-globalsecurity.csl.json").read_bytes())
    assert "issued" not in item[0] and item[0]["accessed"] == {"date-parts": [[2026, 11, 24]]}
    assert sorted(doc.xpath("//section[@class='cite']//a/@href")) == [
        "mrta-globalsecurity.bib", "mrta-globalsecurity.csl.json", "mrta-globalsecurity.ris"]
    arabic = page(built, "ar-tahrir-museum")  # issued 2019-05-14
    assert "(2019, May 14)" in arabic.xpath("string(//section[@class='cite']//dd[1])")


def test_the_404_page_works_at_any_depth(built: Path) -> None:
    doc = lxml.html.fromstring((built / "404.html").read_bytes())  # a host shows it at any path
    assert doc.xpath("//link[@rel='stylesheet']/@href") == ["/collection/style.css"]
    assert doc.xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_sigterm_stops_cleanly_and_the_same_command_finishes(tmp_path: Path, archivist: Any) -> None:
    import signal
    import subprocess

    seed = json.loads((DATA / "ru-hermitage.json").read_text("utf-8"))
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps(dict(seed, id=f"r{n:05d}"), ensure_ascii=False) + "\n"
                              for n in range(1500)), "utf-8")
    out = tmp_path / "site"
    args = ["site", str(source), "--out", str(out), "--to", "oai_dc", "--no-citations"]
    process = archivist.popen([*args, "-v"], stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    while "wrote" not in process.stderr.readline():
        pass
    process.send_signal(signal.SIGTERM)
    rest = process.stderr.read()
    assert process.wait(60) == 143
    [line] = [line for line in rest.splitlines() if not line.startswith("wrote")]
    assert line.startswith("error: stopped by SIGTERM; every page written is whole")
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [JOURNAL]
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    again = archivist.run(args)
    assert again.returncode == 0, again.stderr
    assert " unchanged, 0 failed" in again.stderr
    assert len(list((out / "records").iterdir())) == 1500

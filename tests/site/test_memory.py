"""What keeps ``archivist site``'s memory flat: the sitemap (50,000 URLs a part) is made and written in pieces,
never whole, and a part already holding the same bytes is compared piece by piece and left alone."""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path

import lxml.etree
import pytest

from archivist.site import SiteSettings
from archivist.site import _render as render
from archivist.site._build import _write_pieces
from archivist.site._catalog import Catalog
from tests.conftest import SEED

BASE = "https://archive.example.org/collection/"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """A catalog of 20,000 records (the seed, ids varied): a sitemap of some 2 MB."""
    seed = json.loads(SEED.read_text("utf-8"))
    found = Catalog(tmp_path_factory.mktemp("catalog") / "c.sqlite", searchable=False)
    found.begin()
    for n in range(20_000):
        found.add(dict(seed, id=f"r{n:05d}", subjects=[]))
    found.commit()
    return found


def test_the_sitemap_is_written_without_holding_it(catalog: Catalog, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """What is held is a piece of URLs (its text, joined, encoded), whatever the size of the sitemap."""
    monkeypatch.setattr(render, "_PIECE", 100)
    settings = SiteSettings(base_url=BASE)
    tracemalloc.start()
    try:
        assert _write_pieces(tmp_path / "sitemap.xml", render.sitemap_pieces(catalog, settings, "sitemap.xml"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    size = (tmp_path / "sitemap.xml").stat().st_size
    assert size > 1_000_000
    assert peak < size / 20, f"{peak} bytes held to write a sitemap of {size}"
    locs = lxml.etree.parse(str(tmp_path / "sitemap.xml")).xpath("//s:loc/text()", namespaces=NS)
    assert locs == [f"{BASE}records/r{n:05d}/" for n in range(20_000)]


def test_each_part_is_made_alone(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    """serve makes only the part asked for; the parts together are every record once, in id order."""
    monkeypatch.setattr(render, "SITEMAP_LIMIT", 7_000)
    settings = SiteSettings(base_url=BASE)
    paths = render.sitemap_paths(catalog, settings)
    assert paths == ["sitemap.xml", "sitemaps/1.xml", "sitemaps/2.xml", "sitemaps/3.xml"]
    index = lxml.etree.fromstring(b"".join(render.sitemap_pieces(catalog, settings, "sitemap.xml")))
    assert index.xpath("//s:loc/text()", namespaces=NS) == [f"{BASE}{p}" for p in paths[1:]]
    locs: list[str] = []
    for path in paths[1:]:
        pieces = list(render.sitemap_pieces(catalog, settings, path))
        assert len(pieces) > 5  # a thousand URLs a piece
        locs += lxml.etree.fromstring(b"".join(pieces)).xpath("//s:loc/text()", namespaces=NS)
    assert locs == [f"{BASE}records/r{n:05d}/" for n in range(20_000)]
    assert render.sitemap_paths(catalog, SiteSettings()) == []


@pytest.mark.parametrize("before", [b"", b"abc", b"abcdef", b"abcdefgh", b"abXdef", b"xyz"])
def test_a_file_is_rewritten_only_when_its_bytes_change(tmp_path: Path, before: bytes) -> None:
    path = tmp_path / "f.xml"
    path.write_bytes(before)
    stamp = os.stat(path).st_ino
    wrote = _write_pieces(path, [b"ab", b"cd", b"ef"])
    assert path.read_bytes() == b"abcdef"
    assert wrote is (before != b"abcdef")
    assert (os.stat(path).st_ino == stamp) is (before == b"abcdef")  # replaced whole, never edited in place
    assert sorted(os.listdir(tmp_path)) == ["f.xml"]


def test_a_new_file_is_written(tmp_path: Path) -> None:
    assert _write_pieces(tmp_path / "new" / "f.xml", iter([b"one", b"", b"two"]))
    assert (tmp_path / "new" / "f.xml").read_bytes() == b"onetwo"

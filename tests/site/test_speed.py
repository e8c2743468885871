"""What keeps the site fast: the METS beside every page never asks FIDO (~25 ms a file) about a file archivist
wrote itself (the format of each is known by construction); listing pages are read in one pass."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html

from archivist.exporters import builtin_names
from archivist.exporters._formats import OUTPUT_FORMATS
from archivist.site import SiteSettings
from archivist.site._build import _paged
from archivist.site._catalog import Catalog
from archivist.site._render import collection_html, listing_html
from tests.conftest import SEED


def test_every_built_in_export_has_its_format_known_to_mets() -> None:
    assert set(builtin_names()) <= set(OUTPUT_FORMATS)


def test_listing_pages_are_read_in_one_pass_each(tmp_path: Path) -> None:
    """The build reads each listing's records once for all its pages, not one OFFSET query per page (which grows
    with the square of the listing's size), and the pages are what serve renders one at a time."""
    catalog = Catalog(tmp_path / "c.sqlite", searchable=False)
    catalog.begin()
    for n in range(7):
        catalog.add(dict(json.loads(SEED.read_text("utf-8")), id=f"r{n}", title=f"Title {6 - n}"))
    catalog.commit()
    settings = SiteSettings(page_size=3)
    pages = list(_paged(catalog.ordered(), 3))
    assert [[item.id for item in page] for page in pages] == [["r6", "r5", "r4"], ["r3", "r2", "r1"], ["r0"]]
    for number, page in enumerate(pages, 1):
        assert collection_html(catalog, settings, number, total=7, items=page) == \
            collection_html(catalog, settings, number)
    facet = catalog.facets("language")[0]
    for number, page in enumerate(_paged(catalog.ordered("language", facet.key), 3), 1):
        assert listing_html(catalog, settings, "language", facet.key, number, facet=facet, items=page) == \
            listing_html(catalog, settings, "language", facet.key, number)
    assert [len(page) for page in _paged(iter([]), 3)] == [0]
    catalog.close()


def test_a_long_listing_says_how_many_pages_it_has(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite", searchable=False)
    catalog.begin()
    for n in range(30):
        catalog.add(dict(json.loads(SEED.read_text("utf-8")), id=f"r{n:02d}"))
    catalog.commit()
    page = lxml.html.fromstring(collection_html(catalog, SiteSettings(page_size=2), 12) or b"")
    assert "30 records, page 12 of 15." in page.text_content()  # not "of 9", the page links shown
    catalog.close()

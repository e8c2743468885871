"""The citation box is exactly what citeproc-py, as it ships, renders for each record's CSL item, although the box
remembers the style lookups citeproc-py would repeat for every record."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivist.exporters.csl_json import csl_item
from archivist.records import read_records
from archivist.site import _cite
from tests.exporters.test_properties import records
from tests.site.conftest import CORPUS

REFERENCE = Path(__file__).with_name("citeproc_reference.py")


def reference(items: list[dict[str, Any]]) -> list[list[tuple[str, str]]]:
    """What unpatched citeproc-py renders for each item, in a process that never imports archivist."""
    run = subprocess.run([sys.executable, str(REFERENCE), json.dumps(_cite.STYLES)], input=json.dumps(items),
                         capture_output=True, text=True, check=True, encoding="utf-8")
    return [[tuple(pair) for pair in found] for found in json.loads(run.stdout)]


def variants(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The record and versions of it whose titles and names meet citeproc-py's punctuation at its seams."""
    found = [record]
    for n, title in enumerate(["Ends with a full stop.", "Asks a question?", ".Starts with one", "  Spaced  out  ",
                               "ALL CAPITALS AND: A SUBTITLE", "1996"]):
        found.append(dict(copy.deepcopy(record), id=f"{record['id']}-t{n}", title=title))
    people = dict(copy.deepcopy(record), id=f"{record['id']}-people")
    people["creators"] = [{"name": "Doe, Jane", "kind": "person"}, {"name": "Ministry of Records", "kind":
                                                                    "organization"}]
    found.append(people)
    return found


def corpus() -> list[dict[str, Any]]:
    return [entry.data for entry in read_records(*CORPUS) if not entry.problems]


def test_the_box_is_what_citeproc_renders_for_every_corpus_record_and_its_variants() -> None:
    chosen = [v for record in corpus() for v in variants(record)]
    assert len(chosen) > 20
    expected = reference([csl_item(record) for record in chosen])
    assert [_cite.citations(record) for record in chosen] == expected
    assert all(len(found) == 3 for found in expected)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(records(), min_size=15, max_size=15))
def test_the_box_is_what_citeproc_renders_for_any_valid_record(batch: list[dict[str, Any]]) -> None:
    batch = [dict(record, id=f"r{n}") for n, record in enumerate(batch)]
    assert [_cite.citations(record) for record in batch] == reference([csl_item(record) for record in batch])


def test_style_lookups_are_made_once_not_for_every_record() -> None:
    first = dict(corpus()[0], id="first")
    _cite.citations(first)
    remembered = (len(_cite._FOUND), len(_cite._CALLS))
    assert remembered[0] > 0 and remembered[1] > 0
    _cite.citations(dict(first, title="Another title altogether", id="another"))
    assert (len(_cite._FOUND), len(_cite._CALLS)) == remembered


def test_serve_parses_the_styles_at_start_not_on_the_first_page(tmp_path: Path) -> None:
    script = ("import sys; from archivist.oaipmh._index import RecordIndex; from archivist.oaipmh._site import "
              "SitePages; from archivist.site import SiteSettings, _cite; "
              "pages = SitePages(RecordIndex(sys.argv[1:-1], sys.argv[-1]), SiteSettings()); "
              "print(_cite._style.cache_info().currsize)")
    run = subprocess.run([sys.executable, "-c", script, *CORPUS, str(tmp_path / "index.sqlite")],
                         capture_output=True, text=True, check=True)
    assert run.stdout.split() == [str(len(_cite.STYLES))]


def test_an_item_finds_its_reference_once() -> None:
    from citeproc import Citation, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    item = csl_item(corpus()[0])
    source = CiteProcJSON([item])
    bibliography = CitationStylesBibliography(_cite._style("apa"), source, formatter.plain)
    cited = _cite._item_kind()(item["id"])
    bibliography.register(Citation([cited]))
    first = str(bibliography.bibliography()[0])
    del source[cited.key]  # had the item looked it up again, the next rendering would fail
    assert cited.reference is not None and str(bibliography.bibliography()[0]) == first

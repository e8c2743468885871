"""Records for exporter tests: the seed and generated edge cases."""

from __future__ import annotations

import copy
from typing import Any

from tests.conftest import MINIMAL


def edge_cases(seed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Records that stress an exporter: empty and odd structures, long titles, other scripts."""
    cases: dict[str, dict[str, Any]] = {"seed": seed, "minimal": copy.deepcopy(MINIMAL)}
    no_subjects = copy.deepcopy(seed)
    no_subjects["subjects"] = []
    cases["no-subjects"] = no_subjects
    one = copy.deepcopy(MINIMAL)
    one["content"]["sections"] = [{"heading": "Only section", "level": 2, "paragraphs": ["Text."]}]
    cases["one-section"] = one
    empty = copy.deepcopy(MINIMAL)
    empty["content"]["sections"] = [{"heading": "Heading only", "paragraphs": []}, {"heading": None, "paragraphs": []}]
    cases["empty-sections"] = empty
    nothing = copy.deepcopy(MINIMAL)
    nothing["content"]["sections"] = []
    cases["no-sections"] = nothing
    long = copy.deepcopy(seed)
    long["title"] = "A very long title " * 60
    cases["long-title"] = long
    arabic = copy.deepcopy(MINIMAL)
    arabic.update(id="arabic", language="ar", title="حركة توباك أمارو الثورية")
    arabic["content"]["sections"] = [{"heading": "المقدمة", "paragraphs": ["هذه فقرة باللغة العربية.", "فقرة ثانية."]}]
    arabic["subjects"] = [{"term": "الإرهاب", "scheme": "local"}]
    cases["rtl-arabic"] = arabic
    chinese = copy.deepcopy(MINIMAL)
    chinese.update(id="chinese", language="zh-Hans", title="图帕克·阿马鲁革命运动")
    chinese["content"]["sections"] = [{"heading": None, "paragraphs": ["这是一个中文段落。"]}]
    chinese["subjects"] = [{"term": "Terrorism", "scheme": "wikidata", "uri": "http://www.wikidata.org/entity/Q7283"},
                           {"term": "Terrorism", "scheme": "lcsh", "uri": "http://id.loc.gov/authorities/subjects/sh85133880"}]
    chinese["dates"] = [{"type": "issued", "value": "2015-11-30"}, {"type": "created", "value": "1983?"}]
    chinese["creators"] = [{"name": "李明", "kind": "person", "role": "author"}]
    chinese["relations"] = [{"type": "isPartOf", "target": "A series", "uri": "https://example.org/series"}]
    chinese["identifiers"] = [{"scheme": "doi", "value": "10.1234/abc"}]
    chinese["rights"] = {"holder": "Example Org"}
    cases["cjk-full"] = chinese
    return cases


def all_cases(seed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The edge cases plus deep heading levels and a record with every optional field and identifier scheme."""
    return {**edge_cases(seed), "deep-headings": _deep_headings(), "every-field": _every_field(seed)}


#: One identifier of every scheme the record schema knows, written as people write them.
IDENTIFIERS = [
    {"scheme": "isbn", "value": "978-0-306-40615-7"}, {"scheme": "doi", "value": "https://doi.org/10.1234/ABC.5"},
    {"scheme": "issn", "value": "0317-8471"}, {"scheme": "lccn", "value": "2001012345"},
    {"scheme": "oclc", "value": "(OCoLC)123456789"}, {"scheme": "handle", "value": "2027/mdp.39015012345678"},
    {"scheme": "ark", "value": "https://n2t.net/ark:/12148/btv1b8449691v"},
    {"scheme": "urn", "value": "urn:nbn:de:101:1-2014012345"}, {"scheme": "local", "value": "MRTA-box-3/17"},
    {"scheme": "uri", "value": "https://archive.example.org/items/17"},
]


def _deep_headings() -> dict[str, Any]:
    """Headings h1 to h6, a skipped level (h1 then h3), untitled sections and a climb back to h2."""
    record = copy.deepcopy(MINIMAL)
    record["id"] = "deep-headings"
    levels = [None, 1, 2, 3, 4, 5, 6, None, 2, 1, 3, None, 2]
    record["content"]["sections"] = [
        {"heading": None if level is None else f"Heading {number} (h{level})", "paragraphs": [f"Text {number}."],
         **({} if level is None else {"level": level})}
        for number, level in enumerate(levels, start=1)]
    return record


def _every_field(seed: dict[str, Any]) -> dict[str, Any]:
    """Every optional field of the record schema filled in, with every identifier scheme and every date type."""
    record = copy.deepcopy(seed)
    record["id"] = "every-field"
    record["source"]["page_title"] = "MRTA | GlobalSecurity.org"
    record["retrieval"]["agent"] = {"name": "archivist", "version": "0.9"}
    record["retrieval"]["warc_record_id"] = "<urn:uuid:12345678-1234-5678-1234-567812345678>"
    record["subjects"].append({"term": "Terrorism", "scheme": "wikidata",
                               "uri": "http://www.wikidata.org/entity/Q7283"})
    record["creators"] = [{"name": "Pike, John", "kind": "person", "role": "author",
                           "uri": "https://example.org/people/pike"},
                          {"name": "GlobalSecurity.org", "kind": "organization"}]
    record["contributors"] = [{"name": "Example Archive", "kind": "organization", "role": "editor"}]
    record["dates"] = [{"type": kind, "value": value} for kind, value in (
        ("created", "1983?"), ("modified", "2011-07-11"), ("collected", "2026"), ("valid", "1980/2015"),
        ("available", "2005-04-27"), ("copyrighted", "2005"), ("accepted", "2005-04-01"), ("submitted", "2005-03"),
        ("captured", "2026-11-24"), ("issued", "2005-04-27T09:30:00Z"))]
    record["rights"]["holder"] = "GlobalSecurity.org"
    record["relations"] = [{"type": "isPartOf", "target": "GlobalSecurity.org: Para-military groups",
                            "uri": "https://www.globalsecurity.org/military/world/para/"},
                           {"type": "references", "target": "Lori Berenson"}]
    record["identifiers"] = copy.deepcopy(IDENTIFIERS)
    record["removed"].append({"text": "Home", "rule": "engine:trafilatura", "element": "/html/body/nav/ul/li[1]/a"})
    return record

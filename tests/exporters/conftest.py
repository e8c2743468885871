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

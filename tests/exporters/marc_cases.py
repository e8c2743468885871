"""Records that stress a MARC export: every heading kind, long text, many headings, other scripts, initial
articles, names, identifiers, dates and DCMI types; and runners for the catalogers' own tools."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import MINIMAL, ROOT
from tests.tools import need

LINT = ROOT / "tests" / "marc_lint.pl"
WORDS = ("insurgency", "archive", "capture", "record", "heading", "catalog", "subject", "field", "library", "patron",
         "document", "page", "text", "note", "summary", "abstract", "peru", "lima", "movement")


def words(size: int) -> str:
    """About ``size`` bytes of space-separated words, deterministic."""
    out, n = [], 0
    while n < size:
        word = WORDS[len(out) * 7 % len(WORDS)]
        out.append(word)
        n += len(word) + 1
    return " ".join(out)


def _record(record_id: str, **fields: Any) -> dict[str, Any]:
    record = copy.deepcopy(MINIMAL)
    record.update(id=record_id, schema_version="1.1", **fields)
    return record


EVERY_KIND = [
    {"term": "Terrorism--Peru--History--20th century--Sources", "scheme": "lcsh", "kind": "topical",
     "subdivisions": [{"type": "geographic", "term": "Peru"}, {"type": "general", "term": "History"},
                      {"type": "chronological", "term": "20th century"}, {"type": "form", "term": "Sources"}]},
    {"term": "Berenson, Lori", "scheme": "lcsh", "kind": "personal-name"},
    {"term": "Movimiento Revolucionario Túpac Amaru", "scheme": "lcsh", "kind": "corporate-name"},
    {"term": "Example Conference on Archives", "scheme": "local", "kind": "meeting-name"},
    {"term": "The example charter", "scheme": "local", "kind": "uniform-title"},
    {"term": "Peru--Politics and government", "scheme": "lcsh", "kind": "geographic",
     "subdivisions": [{"type": "general", "term": "Politics and government"}]},
    {"term": "Web sites", "scheme": "lcsh", "kind": "genre-form",
     "uri": "http://id.loc.gov/authorities/genreForms/gf2014026181"},
    {"term": "Twentieth century", "scheme": "fast", "kind": "chronological"},
    {"term": "Insurgency", "scheme": "fast", "kind": "topical", "uri": "http://id.worldcat.org/fast/973243"},
    {"term": "Terrorism", "scheme": "wikidata", "uri": "http://www.wikidata.org/entity/Q7283"},
    {"term": "guerrillas", "scheme": "aat", "kind": "topical"},
    {"term": "Lori Berenson", "scheme": "keyword", "kind": "personal-name"},
    {"term": "Lima", "scheme": "keyword", "kind": "geographic"},
    {"term": "rebels", "scheme": "local"},
    {"term": "Terrorism--Peru", "scheme": "lcsh"},
]


def marc_cases(seed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The records the MARC tests run the tools on, by name."""
    cases: dict[str, dict[str, Any]] = {"seed": seed, "minimal-1.0": copy.deepcopy(MINIMAL)}
    cases["no-subjects"] = dict(copy.deepcopy(seed), id="no-subjects", subjects=[])
    cases["every-kind"] = _record("every-kind", subjects=copy.deepcopy(EVERY_KIND))
    cases["abstract-30k"] = _record("abstract-30k", description=words(30_000))
    cases["cjk-abstract-30k"] = _record("cjk-abstract-30k", language="zh-Hans", title="图帕克·阿马鲁革命运动",
                                        description="这是一个中文段落。" * 1200)
    cases["headings-200"] = _record("headings-200", subjects=[
        {"term": f"Heading {n}--Peru", "scheme": "lcsh", "kind": "topical",
         "subdivisions": [{"type": "geographic", "term": "Peru"}]} for n in range(200)])
    cases["rtl-arabic"] = _record("rtl-arabic", language="ar", title="حركة توباك أمارو الثورية",
                                  subjects=[{"term": "الإرهاب", "scheme": "local", "kind": "topical"}])
    cases["rtl-hebrew"] = _record("rtl-hebrew", language="he", title="תנועת טופק אמרו המהפכנית")
    cases["cjk-title"] = _record("cjk-title", language="ja", title="トゥパク・アマル革命運動")
    cases["no-marc-code"] = _record("no-marc-code", language="yue", title="圖帕克·阿馬魯革命運動")
    for key, lang, title in (("the", "en", "The Tupac Amaru movement"), ("an", "en", "An account of Lima"),
                             ("l", "fr", "L'homme révolté"), ("les", "fr", "Les guérillas du Pérou"),
                             ("el", "es", "El movimiento"), ("los", "es", "Los rehenes de Lima"),
                             ("der", "de", "Der Prozess"), ("das", "de", "Das Archiv"),
                             ("quoted", "en", "\"The\" quoted article"), ("la", "en", "La Jolla stories"),
                             ("las", "es", "Las Vegas en la historia")):
        cases[f"article-{lang}-{key}"] = _record(f"article-{lang}-{key}", language=lang, title=title)
    cases["names-and-numbers"] = _record(
        "names-and-numbers", title="A report\twith a tab",
        notes=["Line one.\nLine two.\tTabbed.", "Ends with a question?", "A noncharacter \ufdd0 here"],
        creators=[{"name": "Berenson, Lori", "kind": "person", "role": "author",
                   "uri": "http://id.loc.gov/authorities/names/n00000001"},
                  {"name": "Example Org", "kind": "organization", "uri": "https://example.org/org"}],
        contributors=[{"name": "Ana Pérez", "kind": "person"}],
        identifiers=[{"scheme": "isbn", "value": "978-0-306-40615-7"},
                     {"scheme": "isbn", "value": "0-306-40615-2 (pbk.)"},
                     {"scheme": "isbn", "value": "978-0-306-40615-8"}, {"scheme": "issn", "value": "0378 5955"},
                     {"scheme": "doi", "value": "10.1234/abc"}, {"scheme": "oclc", "value": "12345"}],
        dates=[{"type": "issued", "value": "1983?"}, {"type": "modified", "value": "2015-11-30T12:00:00Z"}],
        rights={"statement": "In copyright", "holder": "Example Org"},
        coverage={"spatial": ["Peru"], "temporal": ["1980/2015"]},
        relations=[{"type": "isPartOf", "target": "A series", "uri": "https://example.org/series"}])
    for dcmi in ("StillImage", "Dataset", "Collection", "Sound", "MovingImage", "PhysicalObject", "Software"):
        cases[f"type-{dcmi}"] = _record(f"type-{dcmi.lower()}", type=dcmi,
                                        dates=[{"type": "created", "value": "1980/2015"}])
    return cases


def lint(paths: list[Path]) -> list[str]:
    """MARC::Lint's warnings (and reading problems) for every record in the files, one line each."""
    done = subprocess.run([need("marc-lint"), str(LINT), *map(str, paths)], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()

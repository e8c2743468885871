"""The citation box's templates give, byte for byte, what citeproc-py as it ships renders for the same CSL item:
items of one shape with different text (punctuation, quotes, stop words, mixed case, CJK, Arabic, particles, digits,
dates or none, no author or several), and every record in tests/data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivist.exporters.csl_json import csl_item
from archivist.records import read_records
from archivist.site import _cite
from archivist.site._cite_template import Templates, shape
from tests.site.conftest import CORPUS
from tests.site.test_cite import reference

DATA = Path(__file__).resolve().parent.parent / "data"

WORDS = ["the", "of", "and", "a", "on", "to", "via", "Peru", "movement", "iPhone", "McDonald", "NASA", "MRTA", "TUPAC",
         "amaru", "Éric", "état", "straße", "東京", "図書館", "المتحف", "Эрмитаж", "Музеи", "1996", "2nd", "IV", "x",
         "e.g", "U.S", "ǅemal", "İstanbul", '<span class="nocase">iPhone</span>', "<i>x</i>"]
MARKS = [" ", "  ", ". ", ", ", ": ", "; ", "? ", "! ", " (", ") ", "-", "–", "'", "’", "\"", "“", "”", "«", "»",
         "&", "/", " — ", "…", ".", "،", "。", "\n"]
EDGES = ["", "", "", ".", "?", "\"", "“", "(", ")", " ", "'", "[", "]", "…", "¡"]


@st.composite
def skeletons(draw: Any) -> tuple[str, list[str], str]:
    """Where a text's punctuation goes (shared by items of one shape): its start, the marks between words, its end."""
    marks = draw(st.lists(st.sampled_from(MARKS), max_size=4))
    return draw(st.sampled_from(EDGES)), marks, draw(st.sampled_from(EDGES))


@st.composite
def fill(draw: Any, skeleton: tuple[str, list[str], str]) -> str:
    start, marks, end = skeleton
    words = draw(st.lists(st.sampled_from(WORDS), min_size=len(marks) + 1, max_size=len(marks) + 1))
    text = words[0] + "".join(m + w for m, w in zip(marks, words[1:], strict=True))
    if draw(st.booleans()):
        text = draw(st.sampled_from([text.upper(), text.lower(), text.title(), text.swapcase()]))
    return start + text + end


FAMILIES = ["Doe", "van der Berg", "de la Cruz", "O'Brien", "Nguyen", "von Neumann", "García Márquez", "李", "الأحمد",
            "d'Alembert", "Smith Jr."]
GIVENS = ["Jane", "Jean-Paul", "J. R.", "ünal", "Mary Ann", "小明", "محمد", "a", "JOHN"]
LITERALS = ["Ministry of Records", "UNESCO", "The Hermitage", "東京都立図書館", "World Health Organization (WHO)"]


@st.composite
def names(draw: Any) -> list[dict[str, str]]:
    found = []
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.booleans()):
            found.append({"family": draw(st.sampled_from(FAMILIES)), "given": draw(st.sampled_from(GIVENS))})
        else:
            found.append({"literal": draw(st.sampled_from(LITERALS))})
    return found


DATES = st.one_of(st.none(), st.builds(lambda y: {"date-parts": [[y]]}, st.integers(1000, 2030)),
                  st.builds(lambda y, m: {"date-parts": [[y, m]]}, st.integers(1990, 2030), st.integers(1, 12)),
                  st.builds(lambda y, m, d: {"date-parts": [[y, m, d]]}, st.integers(1990, 2030), st.integers(1, 12),
                            st.integers(1, 28)),
                  st.just({"literal": "1996-12-17/1997-04-22"}), st.just({"date-parts": [[1996], [1997]]}))


@st.composite
def shaped_items(draw: Any) -> list[dict[str, Any]]:
    """Several CSL items of one shape or nearly (one skeleton per text variable), with their own words."""
    texts = {key: draw(skeletons()) for key in ("title", "container-title", "publisher", "abstract", "keyword")}
    present = {key: draw(st.booleans()) for key in ("container-title", "publisher", "abstract", "keyword", "DOI")}
    kind = draw(st.sampled_from(["webpage", "webpage", "dataset", "software", "graphic", "song"]))
    language = draw(st.sampled_from(["en", "en", "ar", "ja", "ru", "fr", "en-GB"]))
    issued = draw(DATES)
    items = []
    for n in range(draw(st.integers(2, 5))):
        item: dict[str, Any] = {"id": f"item-{n}", "type": kind, "title": draw(fill(texts["title"]))}
        for variable in ("author", "editor"):
            people = draw(names())
            if people:
                item[variable] = people
        for key in ("container-title", "publisher"):
            if present[key]:
                item[key] = draw(fill(texts[key]))
        if issued is not None:
            item["issued"] = issued
        item["accessed"] = {"date-parts": [[2026, 11, draw(st.integers(1, 30))]]}
        item["URL"] = f"https://example.org/{draw(st.sampled_from(['a', 'b.htm', 'c?d=1', 'π']))}"
        if present["DOI"]:
            item["DOI"] = f"10.1234/{draw(st.sampled_from(['abc', 'x.y', '5-6']))}"
        item["language"] = language
        for key in ("abstract", "keyword"):
            if present[key]:
                item[key] = draw(fill(texts[key]))
        items.append(item)
    return items


def corpus_items() -> list[dict[str, Any]]:
    """The CSL item of every valid record the tests use (the seed, the Arabic, Japanese and Russian records) and the
    golden ``csl-json`` export's."""
    found = [csl_item(entry.data) for entry in read_records(*CORPUS) if not entry.problems]
    found += json.loads((DATA / "golden" / "mrta-globalsecurity.csl.json").read_text("utf-8"))
    return found


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(shaped_items(), min_size=4, max_size=4))
def test_templates_render_what_citeproc_renders_for_any_item(groups: list[list[dict[str, Any]]]) -> None:
    items = [dict(item, id=f"g{g}-{item['id']}") for g, group in enumerate(groups) for item in group]
    assert [_cite.item_citations(item) for item in items] == reference(items)


def test_templates_render_what_citeproc_renders_for_every_record_in_the_test_data() -> None:
    items = corpus_items()
    assert len(items) >= 5
    variants = [dict(item, id=f"{item['id']}-{n}", title=f"{item['title']} {word}")
                for n, word in enumerate(["and the", "Of", "ÉTAT", "iPhone", "2nd ed.", "(1996)"]) for item in items]
    chosen = items + variants
    assert [_cite.item_citations(item) for item in chosen] == reference(chosen)


def test_an_item_of_a_known_shape_is_filled_in_without_citeproc() -> None:
    calls: list[str] = []

    def render(style: str, item: dict[str, Any]) -> str | None:
        calls.append(item["title"])
        return _cite._render(style, item)

    templates = Templates(render)
    first = csl_item(json.loads((DATA.parent.parent / "records" / "mrta-globalsecurity.json").read_text("utf-8")))
    second = dict(first, id="second", title="Sendero Luminoso (Shining Path)")
    for style in ("apa", "modern-language-association"):
        templates.entry(style, first, shape(first))
        probes = len(calls)
        assert probes > 1 and all("(MRTA)" not in title for title in calls)  # probes, never the record itself
        assert templates.entry(style, second, shape(second)) == _cite._render(style, second)
        assert len(calls) == probes
        calls.clear()


def test_the_box_renders_a_record_of_a_known_shape_without_citeproc(monkeypatch: Any) -> None:
    seed = json.loads((DATA.parent.parent / "records" / "mrta-globalsecurity.json").read_text("utf-8"))
    _cite.citations(seed)
    calls: list[str] = []

    def render(style: str, item: dict[str, Any]) -> str | None:
        calls.append(style)
        return _cite._render(style, item)

    monkeypatch.setattr(_cite._TEMPLATES, "_render", render)
    other = dict(seed, id="other", title="Sendero Luminoso (Shining Path)")
    assert _cite.citations(other) == reference([csl_item(other)])[0]
    assert calls == []


def test_templates_are_bounded() -> None:
    templates = Templates(_cite._render, limit=4)
    seed = csl_item(json.loads((DATA.parent.parent / "records" / "mrta-globalsecurity.json").read_text("utf-8")))
    for n, title in enumerate(["One", "Two, too", "Three: a", "Four (4)", "Five; five", "Six — six", "Seven/7"]):
        item = dict(seed, id=f"t{n}", title=title)
        assert templates.entry("apa", item, shape(item)) == _cite._render("apa", item)
        assert len(templates._known) <= 4

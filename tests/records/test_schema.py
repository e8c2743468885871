"""The shipped JSON Schema: well formed, versioned, strict, and rejecting each kind of bad field."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from archivist.records import SCHEMA_VERSION, is_valid, iter_errors, record_schema


def test_schema_is_valid_draft_2020_12_with_id_and_version() -> None:
    schema = record_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(SCHEMA_VERSION)
    assert schema["properties"]["schema_version"]["enum"] == ["1.0", SCHEMA_VERSION]  # 1.0 records stay valid


def _objects(node: Any, path: str = "#") -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "object":
            found.append((path, node))
        for key, value in node.items():
            found.extend(_objects(value, f"{path}/{key}"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.extend(_objects(value, f"{path}/{i}"))
    return found


def test_every_object_forbids_unknown_fields() -> None:
    objects = _objects(record_schema())
    assert len(objects) > 10
    for path, node in objects:
        assert node.get("additionalProperties") is False, path


def test_seed_and_minimal_are_valid(seed: dict[str, Any], minimal: dict[str, Any]) -> None:
    assert list(iter_errors(seed)) == []
    assert is_valid(minimal)


def _set(record: dict[str, Any], pointer: str, value: Any) -> None:
    parts = pointer.strip("/").split("/")
    target: Any = record
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last = parts[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


BAD_VALUES = [
    ("/id", "a/b", "lowercase letters"),
    ("/id", "..", "lowercase letters"),
    ("/id", "has space", "lowercase letters"),
    ("/id", "x..y", "'..'"),
    ("/id", "trailing\n", "lowercase letters"),
    ("/id", "UPPER", "lowercase letters"),
    ("/id", "café", "lowercase letters"),  # NFC
    ("/id", "cafe\u0301", "lowercase letters"),  # NFD: the same name on macOS, another on Linux
    ("/id", "con", "Windows reserves"),
    ("/id", "nul.txt", "Windows reserves"),
    ("/id", "com1.v2", "Windows reserves"),
    ("/id", "lpt9", "Windows reserves"),
    ("/title", "", "non-empty"),
    ("/title", "   ", "non-empty"),
    ("/title", 42, "expected a string"),
    ("/language", "english", "BCP 47"),
    ("/language", "xx", "not in the IANA Language Subtag Registry"),  # the shape of a tag, no language
    ("/language", "qq", "not in the IANA Language Subtag Registry"),
    ("/language", "es_ES", "did you mean 'es-ES'?"),
    ("/type", "text", "is not one of"),
    ("/source/url", "example.org/page", "absolute URI"),
    ("/source/url", "not a uri", "absolute URI"),
    ("/retrieval/retrieved_at", "2026-11-24T10:00:00+02:00", "in UTC"),
    ("/retrieval/retrieved_at", "2026-11-24T10:00:00", "in UTC"),
    ("/retrieval/retrieved_at", "2026-13-45", "full date"),
    ("/retrieval/retrieved_at", "24/11/2026", "full date"),
    ("/retrieval/sha256", "ab" * 31, "64 lowercase"),
    ("/retrieval/sha256", "AB" * 32, "64 lowercase"),
    ("/retrieval/byte_size", -1, "minimum"),
    ("/retrieval/method", "wget", "is not one of"),
    ("/retrieval/media_type", "text", "media type"),
    ("/content/sections/0/paragraphs/0", "bad \x00 byte", "U+0000"),
    ("/content/sections/0/paragraphs/0", "form\x0cfeed", "U+000C"),
    ("/content/sections/0/heading", "", "non-empty heading, or null"),
]


@pytest.mark.parametrize(("pointer", "value", "fragment"), BAD_VALUES)
def test_bad_value_is_reported_at_its_pointer(minimal: dict[str, Any], pointer: str, value: Any, fragment: str) -> None:
    _set(minimal, pointer, value)
    problems = list(iter_errors(minimal))
    assert problems, f"{value!r} at {pointer} was accepted"
    assert {p.pointer for p in problems} == {pointer}
    assert any(fragment in p.message for p in problems), [p.message for p in problems]


@pytest.mark.parametrize("tag", ["en", "pt-BR", "zh-Hant", "und", "qaa", "de-CH-1996", "x-private", "en-GB-oed"])
def test_registered_language_tags_are_valid(minimal: dict[str, Any], tag: str) -> None:
    assert list(iter_errors(dict(minimal, language=tag))) == []


@pytest.mark.parametrize("record_id", ["console", "icon", "com10", "x.con", "prn-1", "auxiliary", "a", "0"])
def test_ids_near_reserved_device_names_are_valid(minimal: dict[str, Any], record_id: str) -> None:
    assert list(iter_errors(dict(minimal, id=record_id))) == []


@pytest.mark.parametrize(
    ("scheme", "uri", "ok"),
    [
        ("lcsh", "http://id.loc.gov/authorities/subjects/sh85133880", True),
        ("lcsh", "https://id.loc.gov/authorities/names/n79021395", True),
        ("lcsh", "http://example.org/x", False),
        ("fast", "http://id.worldcat.org/fast/1148316", True),
        ("fast", "http://id.loc.gov/authorities/subjects/sh85133880", False),
        ("wikidata", "http://www.wikidata.org/entity/Q419", True),
        ("wikidata", "https://www.wikidata.org/wiki/Q419", False),
        ("aat", "http://vocab.getty.edu/aat/300027200", True),
        ("aat", "http://vocab.getty.edu/tgn/7005560", False),
        ("local", "https://example.org/terms/anything", True),
        ("keyword", "not a uri", False),
    ],
)
def test_subject_uri_must_match_its_scheme(minimal: dict[str, Any], scheme: str, uri: str, ok: bool) -> None:
    minimal["subjects"] = [{"term": "A term", "scheme": scheme, "uri": uri}]
    problems = list(iter_errors(minimal))
    assert (not problems) is ok, problems
    if not ok:
        assert problems[0].pointer == "/subjects/0/uri"
        assert repr(uri) in problems[0].message


def test_lcsh_uri_message_names_the_scheme(minimal: dict[str, Any]) -> None:
    minimal["subjects"] = [{"term": "x", "scheme": "local"}, {"term": "y", "scheme": "keyword"},
                           {"term": "Terrorism", "scheme": "lcsh", "uri": "http://example.org/x"}]
    (problem,) = iter_errors(minimal)
    assert str(problem).endswith("/subjects/2/uri: 'http://example.org/x' is not an id.loc.gov authority URI "
                                 "(https://id.loc.gov/authorities/subjects/sh…) for scheme lcsh")


@pytest.mark.parametrize("value", ["2015", "2015-11", "2015-11-30", "1980/2015", "1983?", "198X", "../2015",
                                   "2015-11-30T12:00:00Z", "2015-11-30T12:00+05:30", "1996-12/1997-04"])
def test_dates_accept_w3cdtf_and_edtf(minimal: dict[str, Any], value: str) -> None:
    minimal["dates"] = [{"type": "issued", "value": value}]
    minimal["coverage"] = {"temporal": [value]}
    assert list(iter_errors(minimal)) == []


@pytest.mark.parametrize("value", ["1980-2015", "30/11/2015", "2015-13", "Nov 2015", "2015-11-30 12:00"])
def test_dates_reject_other_forms(minimal: dict[str, Any], value: str) -> None:
    minimal["dates"] = [{"type": "issued", "value": value}]
    assert [p.pointer for p in iter_errors(minimal)] == ["/dates/0/value"]


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.txt", "a/../../b", "C:/x", "a\\b", "./a"])
def test_file_paths_must_stay_relative_and_inside(minimal: dict[str, Any], path: str) -> None:
    minimal["files"] = [{"path": path, "media_type": "text/plain", "byte_size": 1, "sha256": "0" * 64}]
    assert [p.pointer for p in iter_errors(minimal)] == ["/files/0/path"]


def test_empty_section_is_allowed(minimal: dict[str, Any]) -> None:
    minimal["content"]["sections"].append({"heading": "Location", "paragraphs": []})
    assert is_valid(minimal)


def test_unknown_fields_at_every_level_are_named(minimal: dict[str, Any]) -> None:
    minimal["titel"] = "typo"
    minimal["source"]["urll"] = "x"
    minimal["content"]["sections"][0]["paragraph"] = []
    pointers = [p.pointer for p in iter_errors(minimal)]
    assert pointers == ["/content/sections/0/paragraph", "/source/urll", "/titel"]


def test_five_mistakes_are_all_reported(minimal: dict[str, Any]) -> None:
    broken = copy.deepcopy(minimal)
    del broken["title"]
    broken["language"] = 7
    broken["source"]["url"] = "relative/path"
    broken["retrieval"]["sha256"] = "abc"
    broken["subjects"] = [{"term": "T", "scheme": "lcsh", "uri": "http://example.org/x"}]
    pointers = {p.pointer for p in iter_errors(broken)}
    assert pointers == {"/title", "/language", "/source/url", "/retrieval/sha256", "/subjects/0/uri"}

"""The compiled validator short-cut must agree with the jsonschema validator, and both must read patterns as
ECMA-262 does. jsonschema-rs (an ECMA-262 regex engine) is the oracle for the pattern translation."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivist.records import record_schema, record_validator
from archivist.records._ecma import ecma_compile
from archivist.records._fast import _SURROGATES, fast_validator

from ..conftest import MINIMAL, SEED

TRICKY = [
    "", " ", "a", "\x00", "\t", "\x1c", "\x85", "\ufeff", "\u00a0", "\u2028", "\u3000", "a\n", "\n", "\r", "Ω",
    "𝔘", "٣٤", "a" * 300, "0" * 64, "A" * 64, "2024-02-30", "2024-13-01", "2024-01-01", "٢٠٢٤-٠١-٠١",
    "2024-01-01T00:00:00Z", "2024-01-01T23:59:60Z", "2024-01-01t00:00:00z", "2024-01-01T00:00:00+01:00",
    "2024-01-01T00:00:00", "1999", "1999-XX", "1999/2001", "../2001", "Y-170000002", "2024-01-01T00:00:00.5Z",
    "http://x", "http://exa mple.org/", "https://example.org/a?b=c#d", "urn:isbn:0451450523", "mailto:a@b.c",
    "https://id.loc.gov/authorities/subjects/sh85133015", "http://www.wikidata.org/entity/Q42",
    "https://id.worldcat.org/fast/1204623", "http://vocab.getty.edu/aat/300028051", "http://[::1]/",
    "http://example.org/%zz", "en", "en-GB", "zh-Hant-TW", "x-private", "i-klingon", "EN", "en-", "sgn-BE-FR",
    "a/b", "../x", "a/../b", "C:\\x", "/abs", "a\\b", "originals/a.txt", "text/plain; charset=utf-8",
    "text/html", "TEXT/HTML", "<a@b>", "<a b>", "r0000001", "a.b-c_d", "-a", "a-", "1.0", "2.0",
]


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [leaf for k, v in node.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(node, list):
        return [leaf for i, v in enumerate(node) for leaf in _leaves(v, (*path, i))]
    return [path]


def _replaced(record: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    copied = copy.deepcopy(record)
    node = copied
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return copied


def _kinds(record: dict[str, Any]) -> list[tuple[Any, ...]]:
    """One leaf path per schema location (array indexes after the first are the same location)."""
    chosen: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for path in _leaves(record):
        chosen.setdefault(tuple(0 if isinstance(p, int) else p for p in path), path)
    return list(chosen.values())


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _rust_cannot_hold(node: Any) -> bool:
    """True when ``node`` holds what a Rust/serde value cannot: a lone surrogate or an integer beyond 64 bits."""
    if isinstance(node, str):
        return bool(_LONE_SURROGATE.search(node))
    if isinstance(node, bool):
        return False
    if isinstance(node, int):
        return not -(2**63) <= node < 2**64
    if isinstance(node, list):
        return any(_rust_cannot_hold(item) for item in node)
    if isinstance(node, dict):
        return any(_rust_cannot_hold(k) or _rust_cannot_hold(v) for k, v in node.items())
    return False


def _agree(record: Any) -> bool:
    """Assert both validators agree on ``record``; False when the compiled one declined it (for a known reason)."""
    expected = record_validator().is_valid(record)
    try:
        fast = fast_validator().is_valid(record)
    except Exception:  # it cannot take this instance: the jsonschema validator decides alone, as intended
        assert _rust_cannot_hold(record), "declined a record it should take: " + json.dumps(record)[:400]
        return False
    assert fast == expected, json.dumps(record, ensure_ascii=True)[:400]
    return True


def test_the_compiled_validator_is_available():
    validator = fast_validator()
    assert validator is not None
    assert validator.is_valid(json.loads(SEED.read_text(encoding="utf-8")))


@pytest.mark.parametrize("text", TRICKY)
def test_agrees_on_tricky_strings_in_every_field(text):
    base = json.loads(SEED.read_text(encoding="utf-8"))
    compared = [_agree(_replaced(base, path, text)) for path in _kinds(base)]
    assert any(compared) or _rust_cannot_hold(text), "the compiled validator declined every record"


@pytest.mark.parametrize("value", [None, 0, -1, 1.0, 1.5, True, 2**70, [], {}, ["a"], {"a": 1}])
def test_agrees_on_other_types_in_every_field(value):
    base = json.loads(SEED.read_text(encoding="utf-8"))
    compared = [_agree(_replaced(base, path, value)) for path in _kinds(base)]
    assert any(compared) or _rust_cannot_hold(value), "the compiled validator declined every record"


def test_agrees_when_any_field_is_removed_or_added():
    compared = 0
    for base in (json.loads(SEED.read_text(encoding="utf-8")), MINIMAL):
        for path in _kinds(base):
            for cut in range(1, len(path) + 1):
                copied = copy.deepcopy(base)
                node = copied
                for key in path[:cut - 1]:
                    node = node[key]
                if isinstance(node, dict):
                    del node[path[cut - 1]]
                    compared += _agree(copied)
                    node["unexpected_field"] = "x"
                    compared += _agree(copied)
    assert compared > 100, compared


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                           max_leaves=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_agrees_on_random_mutations(data):
    base = copy.deepcopy(MINIMAL if data.draw(st.booleans()) else json.loads(SEED.read_text(encoding="utf-8")))
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _leaves(base)
        path = data.draw(st.sampled_from(paths))
        value = data.draw(st.text() | json_values | st.sampled_from(TRICKY))
        base = _replaced(base, path, value) if path else value
    _agree(base)


PATTERNS = sorted({p for p in re.findall(r'"pattern":\s*("(?:[^"\\]|\\.)*")', json.dumps(record_schema()))})
EXTRA_PATTERNS = ["^a$", "^.$", r"\s", r"\S", r"^\d+$", r"^\w+$", r"\bx", r"^[^<>\s]+$", r"^[\S]+$", r"^[^\S]$",
                  r"^\D$", r"^\W$"]


@pytest.mark.parametrize("pattern", [json.loads(p) for p in PATTERNS] + EXTRA_PATTERNS)
def test_patterns_read_as_ecma_262(pattern):
    pattern = _SURROGATES.sub("", pattern)  # as the compiled validator is given it: Rust strings hold none
    oracle = jsonschema_rs.validator_for({"pattern": pattern})
    ours = ecma_compile(pattern)
    for text in [*TRICKY, "x", "a x", "ab", "é", "_", "\u2029", "\v", "\u180e", "\u200b", "\u1680", "\x1f"]:
        assert bool(ours.search(text)) == oracle.is_valid(text), (pattern, text)


def test_empty_classes_read_as_ecma_262():
    # jsonschema-rs refuses these two, so the expectations are ECMA-262's own (an empty class matches nothing).
    assert not ecma_compile("^[]$").search("]") and not ecma_compile("[]").search("")
    assert all(ecma_compile("^[^]$").search(c) for c in ("\n", "]", "a", "\u2028"))

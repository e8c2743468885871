"""The fast JSON writers give exactly the bytes of their json.dumps spelling, whichever library ran."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivist._jsonout import canonical, indented

TRICKY = ["", "\u0000\u0001\u001f\u007f", "\b\f\n\r\t", '"\\/', "\u2028\u2029", "é 漢字 😀", "\ufeff\ufffe"]

# Records hold integers only (the schema's one number type, which also admits 5.0), and JSON-LD adds 1.1.
numbers = (st.integers(min_value=-(2**70), max_value=2**70) | st.sampled_from([1.1, 0.5, -2.25])
           | st.integers(min_value=-(2**60), max_value=2**60).map(float))
scalars = st.none() | st.booleans() | numbers | st.text() | st.sampled_from(TRICKY)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text() | st.sampled_from(TRICKY), inner, max_size=4), max_leaves=30)


def _indented(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


@settings(max_examples=400)
@given(values)
def test_same_bytes_as_json_dumps(value: Any) -> None:
    assert indented(value) == _indented(value)
    assert canonical(value) == _canonical(value)


def test_the_seed_record_and_its_json_ld(seed: dict[str, Any]) -> None:
    from archivist.exporters.jsonld import document

    for value in (seed, document(seed)):
        assert indented(value) == _indented(value)
        assert canonical(value) == _canonical(value)


@pytest.mark.parametrize("value", [{"n": 2**64}, {"n": -(2**63) - 1}, [2**100]])
def test_integers_orjson_declines_are_written_by_json(value: Any) -> None:
    with pytest.raises(orjson.JSONEncodeError):
        orjson.dumps(value)
    assert indented(value) == _indented(value)
    assert canonical(value) == _canonical(value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_other_number_keeps_its_value(number: float) -> None:
    assert json.loads(indented([number])) == [number]
    assert json.loads(canonical({"n": number})) == {"n": number}


def test_a_lone_surrogate_fails_as_it_does_with_json() -> None:
    with pytest.raises(UnicodeEncodeError):
        indented({"title": "\ud800"})
    with pytest.raises(UnicodeEncodeError):
        canonical({"title": "\ud800"})


def test_keys_sort_by_code_point_beyond_the_basic_plane() -> None:
    value = {"\U0001f600": 1, "\uffff": 2, "z": 3, "é": 4}
    assert canonical(value) == _canonical(value)
    assert list(json.loads(canonical(value))) == ["z", "é", "\uffff", "\U0001f600"]

"""JSON text in the two shapes archivist writes, made by orjson when it can and by the standard library otherwise.

For JSON data (what ``json.loads`` returns), both functions give the same bytes as their ``json.dumps``
spelling (tested), with one exception records never meet: a fraction below 1e-4 is written in full
(``0.000069``, not ``6.9e-05``), the same number either way. What orjson declines (integers beyond 64 bits,
lone surrogates, subclasses of the JSON types) goes to ``json``, which decides.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_PLAIN = orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_INDENTED = _PLAIN | orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
_CANONICAL = _PLAIN | orjson.OPT_SORT_KEYS


def indented(value: Any) -> bytes:
    """UTF-8 JSON indented by two spaces, keys in insertion order, with a final newline."""
    try:
        return orjson.dumps(value, option=_INDENTED)
    except orjson.JSONEncodeError:
        return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def canonical(value: Any) -> bytes:
    """UTF-8 JSON with sorted keys and no spaces: the same data always gives the same bytes."""
    try:
        return orjson.dumps(value, option=_CANONICAL)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")

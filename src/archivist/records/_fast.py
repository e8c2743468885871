"""A compiled validator (jsonschema-rs) that answers "is this record valid?" about 35 times faster.

It only ever short-cuts the common case: when it says valid, the record is valid; in every other case
(invalid, or an instance it cannot take) the jsonschema validator decides and explains. Formats are checked
by the same functions the jsonschema validator uses, and both read patterns as ECMA-262 does, so the two
agree; ``tests/records/test_fast.py`` checks that they do.
"""

from __future__ import annotations

import re
from functools import cache, partial
from typing import Any

from ._schema import record_schema

# Rust strings cannot hold lone surrogates, so the compiled validator can't take a class that names them. An
# instance with a lone surrogate can't reach it either (it raises, and the jsonschema validator decides).
_SURROGATES = re.compile(r"\\u[dD][89aAbB][0-9a-fA-F]{2}-\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _for_rust(node: Any, formats: set[str]) -> Any:
    if isinstance(node, list):
        return [_for_rust(item, formats) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _for_rust(v, formats) for k, v in node.items()}
    if isinstance(node.get("pattern"), str):
        out["pattern"] = _SURROGATES.sub("", node["pattern"])
    if isinstance(node.get("format"), str):
        formats.add(node["format"])
    return out


@cache
def fast_validator() -> Any:
    """The compiled validator for the record schema, or None when jsonschema-rs is missing or can't take it."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    from jsonschema import Draft202012Validator

    formats: set[str] = set()
    schema = _for_rust(record_schema(), formats)
    checker = Draft202012Validator.FORMAT_CHECKER
    try:
        return jsonschema_rs.validator_for(
            schema, validate_formats=True, ignore_unknown_formats=True,
            formats={name: partial(_conforms, checker, name) for name in sorted(formats)})
    except Exception:  # a schema it can't compile: the jsonschema validator does all the work
        return None


def _conforms(checker: Any, name: str, instance: Any) -> bool:
    return bool(checker.conforms(instance, name))


def surely_valid(record: Any) -> bool:
    """True when the compiled validator accepts ``record``; False means "ask the jsonschema validator"."""
    validator = fast_validator()
    if validator is None:
        return False
    try:
        return bool(validator.is_valid(record))
    except Exception:  # e.g. a lone surrogate or an integer too large for it
        return False


__all__ = ["fast_validator", "surely_valid"]

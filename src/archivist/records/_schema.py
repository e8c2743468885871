"""The record JSON Schema shipped with the package, and a validator that reads it as ECMA-262 would.

jsonschema (with its format checkers, about 0.2 s to import) is loaded when the first validator is built, so that
reading records or printing the schema does without it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from ._ecma import ecma_compile

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

SCHEMA_RESOURCE = "record.schema.json"


def schema_text() -> str:
    """The record schema exactly as shipped (what ``archivist schema`` prints)."""
    return files("archivist.schemas").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")


@cache
def record_schema() -> dict[str, Any]:
    """The record schema, parsed."""
    schema: dict[str, Any] = json.loads(schema_text())
    return schema


SCHEMA_VERSION: str = "1.1"


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not ecma_compile(pattern).search(instance):
        from jsonschema.exceptions import ValidationError

        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every local ``#/$defs/...`` reference replaced by its target.

    Same meaning, same error paths and hints, but no reference lookups while validating: the validator
    spends most of its time resolving references otherwise. The record schema has no recursive references.
    """
    defs = schema.get("$defs", {})

    def walk(node: Any, depth: int = 0) -> Any:
        if depth > 50:
            raise ValueError("recursive $ref in the record schema")
        if isinstance(node, list):
            return [walk(item, depth) for item in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v, depth) for k, v in node.items() if k not in ("$ref", "$defs")}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            target = walk(defs[ref[len("#/$defs/"):]], depth + 1)
            if not out:
                return target
            out.setdefault("allOf", [])
            out["allOf"] = [target, *out["allOf"]]
        elif ref is not None:
            out["$ref"] = ref
        return out

    inlined: dict[str, Any] = walk(schema)
    for key in ("$schema", "$id"):
        if key in schema:
            inlined[key] = schema[key]
    return inlined


@cache
def record_validator() -> Any:
    """A Draft 2020-12 validator for the record schema that really checks formats."""
    from jsonschema import Draft202012Validator, validators

    schema = record_schema()
    Draft202012Validator.check_schema(schema)
    # types-jsonschema leaves validators.extend unannotated
    checker = validators.extend(Draft202012Validator, {"pattern": _pattern})  # type: ignore[no-untyped-call]
    return checker(_inline_refs(schema), format_checker=Draft202012Validator.FORMAT_CHECKER)


def compiled_pattern(pattern: str) -> re.Pattern[str]:
    """A schema pattern compiled with ECMA-262 anchoring (shared with the message builder)."""
    return ecma_compile(pattern)

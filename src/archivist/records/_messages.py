"""Turn jsonschema errors into problems a person understands, each with a JSON Pointer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ._problems import SchemaViolation
from ._schema import compiled_pattern

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_JSON_TYPES = {
    "string": "a string",
    "object": "an object",
    "array": "an array",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def json_pointer(parts: Iterable[Any]) -> str:
    """RFC 6901 pointer for a path of keys and indexes."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _show(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…'"


def _expected(error: ValidationError) -> str | None:
    schema = error.schema if isinstance(error.schema, dict) else {}
    return schema.get("x-expected")


def _violation(error: ValidationError, path: list[Any], message: str) -> SchemaViolation:
    return SchemaViolation(message=message, pointer=json_pointer(path), validator=str(error.validator))


def _property_names(schema: dict[str, Any]) -> set[str]:
    return set(schema.get("properties", {}))


def explain(error: ValidationError) -> Iterator[SchemaViolation]:
    """One or more readable violations for one jsonschema error."""
    path = list(error.absolute_path)
    kind = error.validator
    instance = error.instance
    rule: Any = error.validator_value  # typed "or unset" by jsonschema: set on every error validation yields
    expected = _expected(error)

    if kind == "required":
        for name in rule:
            if isinstance(instance, dict) and name not in instance:
                yield _violation(error, [*path, name], "required field is missing")
        return
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = _property_names(error.schema if isinstance(error.schema, dict) else {})
        for name in instance:
            if name not in known:
                allowed = ", ".join(sorted(known))
                yield _violation(error, [*path, name], f"unknown field {name!r}; allowed here: {allowed}")
        return
    if kind == "type":
        wanted = rule
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        want = " or ".join(_JSON_TYPES.get(n, n) for n in names)
        yield _violation(error, path, f"expected {want}, got {_type_name(instance)} {_show(instance, 40)}")
        return
    if kind == "enum":
        options = ", ".join(repr(v) for v in rule)
        yield _violation(error, path, f"{_show(instance)} is not one of: {options}")
        return
    if (kind == "not" and isinstance(instance, str) and isinstance(error.validator_value, dict)
            and "pattern" in error.validator_value):
        match = compiled_pattern(error.validator_value["pattern"]).search(instance)
        if match is not None:
            char = match.group()
            found = f"U+{ord(char[0]):04X}" if len(char) == 1 else repr(char)
            what = f"; expected {expected}" if expected else ""
            yield _violation(error, path, f"contains {found} at character {match.start()}{what}")
            return
    if expected and kind in {"pattern", "format", "not", "anyOf", "oneOf", "const", "minLength", "maxLength"}:
        yield _violation(error, path, f"{_show(instance)} is not {expected}")
        return
    if kind == "format":
        yield _violation(error, path, f"{_show(instance)} is not a valid {error.validator_value}")
        return
    if kind == "minLength" and error.validator_value == 1:
        yield _violation(error, path, "must not be empty")
        return
    if kind == "minProperties":
        yield _violation(error, path, "must not be empty: give at least one field or leave it out")
        return
    if kind == "uniqueItems":
        yield _violation(error, path, "has duplicate items")
        return
    if kind == "minimum":
        yield _violation(error, path, f"{_show(instance)} is less than the minimum {error.validator_value}")
        return
    if kind == "maximum":
        yield _violation(error, path, f"{_show(instance)} is more than the maximum {error.validator_value}")
        return
    yield _violation(error, path, error.message)


def _sort_key(problem: SchemaViolation) -> tuple[Any, ...]:
    parts = problem.pointer.split("/")[1:]
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def explain_all(errors: Iterable[ValidationError]) -> list[SchemaViolation]:
    """Every violation, deduplicated and ordered by where it is in the record."""
    seen: set[tuple[str, str]] = set()
    result: list[SchemaViolation] = []
    for error in errors:
        for violation in explain(error):
            key = (violation.pointer, violation.message)
            if key not in seen:
                seen.add(key)
                result.append(violation)
    result.sort(key=_sort_key)
    return result

"""What the schema's BCP 47 pattern cannot know: whether a language tag's subtags are in the IANA Language Subtag
Registry (``xx`` and ``qq`` have the shape but name no language), read through langcodes; and the tag meant by a
common mistake (``es_ES``: did you mean ``es-ES``)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from ._problems import SchemaViolation

POINTER = "/language"


@cache
def registered(tag: str) -> bool:
    """Whether every subtag of a well-formed tag is in the IANA registry (or in a private-use range)."""
    import langcodes

    try:
        return bool(langcodes.tag_is_valid(tag))
    except (ValueError, LookupError):
        return False


@cache
def meant(tag: str) -> str | None:
    """The registered tag a malformed one most likely meant (``es_ES`` → ``es-ES``), or None."""
    candidate = tag.strip().replace("_", "-")
    if candidate == tag or not candidate:
        return None
    return candidate if registered(candidate) else None


def language_problems(record: Any, well_formed: bool) -> Iterator[SchemaViolation]:
    """A violation when a well-formed language tag is not registered (the pattern check reports the others)."""
    tag = record.get("language") if isinstance(record, dict) else None
    if well_formed and isinstance(tag, str) and not registered(tag):
        yield SchemaViolation(
            message=f"{tag!r} is not a registered language tag: a subtag is not in the IANA Language Subtag "
                    "Registry; expected a tag such as en, pt-BR or zh-Hant (und when the language is unknown)",
            pointer=POINTER, validator="registry")


def with_suggestion(violation: SchemaViolation, record: Any) -> SchemaViolation:
    """A language violation with "did you mean" added when a registered tag is near."""
    tag = record.get("language") if isinstance(record, dict) else None
    suggestion = meant(tag) if violation.pointer == POINTER and isinstance(tag, str) else None
    if suggestion is None:
        return violation
    from dataclasses import replace

    return replace(violation, message=f"{violation.message}; did you mean {suggestion!r}?")

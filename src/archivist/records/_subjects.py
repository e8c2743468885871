"""Typed subject headings: a subject's main heading and subdivisions, and the rule JSON Schema cannot state.

A subject's ``term`` is its verbatim label, subdivisions joined by ``--`` (``Terrorism--Peru``). When the record
types the subdivisions, they must be the last ``--`` parts of ``term``, in order; the main heading is what comes
before them. When it does not, the heading is whole: nothing is split on a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ._messages import json_pointer
from ._problems import SchemaViolation

SEPARATOR = "--"
_SPLIT = re.compile(r"\s*--\s*")
_LC_NAMES = re.compile(r"^https?://id\.loc\.gov/authorities/names/")
_LC_GENRES = re.compile(r"^https?://id\.loc\.gov/authorities/genreForms/")


def is_lc_name(uri: str) -> bool:
    """True for an id.loc.gov *names* authority URI (a person, body, meeting, title or place: never 650)."""
    return bool(_LC_NAMES.match(uri))


def is_lc_genre(uri: str) -> bool:
    """True for an id.loc.gov *genreForms* authority URI (LCGFT)."""
    return bool(_LC_GENRES.match(uri))


def label_parts(term: str) -> list[str]:
    """The ``--`` parts of a verbatim label, spaces around each ``--`` dropped."""
    return _SPLIT.split(term.strip())


def main_heading(subject: dict[str, Any]) -> str:
    """The heading without its typed subdivisions (the whole term when none are typed)."""
    count = len(subject.get("subdivisions", ()))
    term: str = subject["term"]
    if not count:
        return term.strip()
    return SEPARATOR.join(label_parts(term)[:-count])


def _mismatch(subject: Any) -> str | None:
    """Why a subject's typed subdivisions do not end its term, or None (also for shapes the schema rejects)."""
    if not isinstance(subject, dict) or not isinstance(subject.get("term"), str):
        return None
    subdivisions = subject.get("subdivisions")
    if not isinstance(subdivisions, list) or not subdivisions:
        return None
    terms = [s.get("term") if isinstance(s, dict) else None for s in subdivisions]
    if not all(isinstance(t, str) for t in terms):
        return None
    parts = label_parts(subject["term"])
    given = [t.strip() for t in terms]  # type: ignore[union-attr]
    if len(parts) <= len(given) or parts[-len(given):] != given or not "".join(parts[:-len(given)]).strip():
        wanted = SEPARATOR.join(["<main heading>", *given])
        return (f"subdivisions {given!r} are not the last '--' parts of term {subject['term']!r}; "
                f"expected a term such as {wanted!r}")
    return None


def iter_subject_problems(record: Any) -> Iterator[SchemaViolation]:
    """A violation for each subject whose typed subdivisions do not end its term."""
    subjects = record.get("subjects") if isinstance(record, dict) else None
    if not isinstance(subjects, list):
        return
    for index, subject in enumerate(subjects):
        message = _mismatch(subject)
        if message:
            yield SchemaViolation(message=message, pointer=json_pointer(["subjects", index, "subdivisions"]),
                                  validator="subdivisions")

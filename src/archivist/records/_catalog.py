"""Catalog-quality warnings: what is valid but a catalog will read worse than the record could say it.

A controlled heading (LCSH, FAST) whose ``--`` parts have no stated type is kept whole (archivist never guesses a
subdivision's type), so MARC gets it in one ``$a``; the warning names the heading and the typed form to write.
``strict`` turns these warnings into errors (``validate --strict``, ``export --strict``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ._messages import json_pointer
from ._problems import SchemaViolation
from ._subjects import is_lc_name, label_parts

#: Schemes whose headings go to MARC 6XX with their subdivisions in $v $x $y $z when typed.
SUBDIVIDED_SCHEMES = ("lcsh", "fast")
SUBDIVISION_TYPES = ("general", "form", "chronological", "geographic")


def catalog_problems(record: Any) -> Iterator[SchemaViolation]:
    """A warning for each controlled heading with untyped subdivisions (a valid record is assumed)."""
    subjects = record.get("subjects") if isinstance(record, dict) else None
    for index, subject in enumerate(subjects if isinstance(subjects, list) else []):
        if not isinstance(subject, dict) or subject.get("scheme") not in SUBDIVIDED_SCHEMES:
            continue
        term, kind, uri = subject.get("term", ""), subject.get("kind"), subject.get("uri")
        parts = label_parts(term)
        if subject.get("subdivisions") or len(parts) < 2 or (kind is None and uri and is_lc_name(uri)):
            continue
        typed = "--".join([parts[0], *(f"TYPE:{part}" for part in parts[1:])])
        yield SchemaViolation(
            message=f"heading {term!r} has subdivisions of no stated type, so it is exported whole (MARC $a "
                    f"{term!r}); type them: --subject '{subject['scheme']}/{kind or 'topical'}:{typed}' or "
                    f"\"subdivisions\" in the record, TYPE one of {', '.join(SUBDIVISION_TYPES)}",
            pointer=json_pointer(["subjects", index, "term"]), validator="catalog")


__all__ = ["SUBDIVISION_TYPES", "catalog_problems"]

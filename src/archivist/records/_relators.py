"""MARC relator codes and terms (the Library of Congress list shipped in schemas/marc-relators.tsv): a role as a
record states it, by code or term, to the code and term MARC $4/$e, EPUB and DSpace need."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import NamedTuple

RELATORS_RESOURCE = "marc-relators.tsv"
#: Where every relator URI starts; the code follows.
RELATOR_BASE = "http://id.loc.gov/vocabulary/relators/"


class Relator(NamedTuple):
    """One relator: its three-letter code and its term as the list spells it."""

    code: str
    term: str

    @property
    def uri(self) -> str:
        return RELATOR_BASE + self.code


@cache
def relators() -> dict[str, Relator]:
    """Every current relator by code and by lower-cased term."""
    found: dict[str, Relator] = {}
    text = files("archivist.schemas").joinpath(RELATORS_RESOURCE).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, term = line.split("\t")
            found[code] = found[term.lower()] = Relator(code, term)
    return found


def relator(role: str | None) -> Relator | None:
    """The relator a role names (a code such as ``edt``, a term such as ``Editor``, or its URI), or None."""
    if not role:
        return None
    key = role.strip().removeprefix(RELATOR_BASE).removeprefix(RELATOR_BASE.replace("http:", "https:"))
    return relators().get(key.rstrip(".").strip().lower())


__all__ = ["RELATOR_BASE", "Relator", "relator", "relators"]

"""The notes (5XX) of a MARC record as a cataloger reads them, each in the field MARC 21 defines for it (and
that LC's MARC-to-MODS mapping carries over as the matching note type):

* 500 general notes: the record's notes, dates not used in 260, and the period a record covers (513 is the
  type-of-report note; its $b is for reports only);
* 541 immediate source of acquisition: where the capture came from, how and when;
* 546 language note, in words (``In English.``); the code is in 008 and 041;
* 583 action notes: what was done to the capture (retrieved, with its fixity; ingested; any other processing),
  when and by whom;
* 588 source of description: what archivist inferred or converted to describe it (``Title from the page``).

561 (ownership and custodial history) is not used: nothing archivist knows is a history of ownership.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from pymarc import Field, Indicators, Subfield

from ._marc_text import clean, end

#: Provenance actions that say how the description was made (588); every other action is processing (583).
DESCRIPTION_ACTIONS = frozenset({"inferred", "converted"})
#: Retrieval methods in words, for 541 $c (method of acquisition).
METHODS = {"http-get": "HTTP download", "browser-save": "saved from a web browser", "warc": "web archive (WARC)",
           "manual-copy": "manual copy", "api": "API download", "scan": "scan", "other": "capture"}


def _f(tag: str, ind: str, *parts: tuple[str, str | None]) -> Field:
    return Field(tag, Indicators(ind[0], ind[1]), [Subfield(code, clean(value)) for code, value in parts if value])


@cache
def language_note(tag: str) -> str | None:
    """``In Portuguese (Brazil).`` for ``pt-BR``; None when the tag names no known language (und, private use)."""
    import langcodes

    try:
        name = langcodes.Language.get(tag).display_name("en")
    except (LookupError, ValueError, ImportError):
        return None
    if name.startswith("Unknown language"):
        return None
    if tag in ("zxx", "mul"):
        return end(name)
    return f"In {name}."


def acquisition(record: dict[str, Any]) -> Field:
    """541 (not private): the source URL, the method and the date of the capture."""
    retrieval = record["retrieval"]
    return _f("541", "1 ", ("a", record["source"]["url"] + ";"), ("c", METHODS[retrieval["method"]] + ";"),
              ("d", end(retrieval["retrieved_at"])))


def retrieval_action(record: dict[str, Any]) -> Field:
    """583 (not private): the capture as an action, with its agent and its fixity as a public note."""
    retrieval = record["retrieval"]
    agent = retrieval.get("agent")
    fixity = [retrieval["media_type"], f"{retrieval['byte_size']} bytes", f"SHA-256 {retrieval['sha256']}"]
    if "warc_record_id" in retrieval:
        fixity.append(f"WARC-Record-ID {retrieval['warc_record_id']}")
    return _f("583", "1 ", ("a", "retrieved"), ("c", retrieval["retrieved_at"]),
              ("k", " ".join(filter(None, [agent["name"], agent.get("version")])) if agent else None),
              ("z", end("; ".join(fixity))))


def event_fields(record: dict[str, Any]) -> Iterator[Field]:
    """Each provenance event: 588 for how the description was made, 583 for everything done to the capture."""
    for event in record.get("provenance", []):
        if event["action"] in DESCRIPTION_ACTIONS:
            note = event.get("note", event["action"])
            yield _f("588", "  ", ("a", end(f"{note[:1].upper()}{note[1:]} ({event['action']} by {event['agent']}, "
                                            f"{event['at']})")))
        else:
            yield _f("583", "1 ", ("a", event["action"]), ("c", event["at"]), ("k", event["agent"]),
                     ("z", end(event["note"]) if "note" in event else None))


def coverage_notes(record: dict[str, Any]) -> Iterator[Field]:
    """500 for each period the record covers."""
    for period in record.get("coverage", {}).get("temporal", []):
        yield _f("500", "  ", ("a", end(f"Period covered: {clean(period)}")))


__all__ = ["DESCRIPTION_ACTIONS", "acquisition", "coverage_notes", "event_fields", "language_note", "retrieval_action"]

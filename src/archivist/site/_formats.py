"""How each per-record export is announced on a record page: as metadata about it (FAIR Signposting
``describedby``, with the profile it follows) or as the record's content (``item``)."""

from __future__ import annotations

from dataclasses import dataclass

#: The profile each built-in metadata format follows (a Signposting ``describedby`` link's ``profile``).
PROFILES = {
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "dcterms": "http://purl.org/dc/terms/",
    "jsonld": "https://schema.org/",
    "marcxml": "http://www.loc.gov/MARC21/slim",
    "marc21": "http://www.loc.gov/marc/bibliographic/",
    "mods": "http://www.loc.gov/mods/v3",
    "mets": "http://www.loc.gov/METS/",
    "csl-json": "https://citationstyles.org/",
    "datacite": "http://datacite.org/schema/kernel-4",
}
#: Exports that hold the record's text rather than describe it.
CONTENT_FORMATS = frozenset({"epub"})


@dataclass(frozen=True)
class Download:
    """One file beside a record page: what it is, its name (relative to the page), media type and size."""

    label: str
    name: str
    media_type: str
    size: int
    relation: str  # "describedby" (metadata about the record) or "item" (its content)
    profile: str | None = None


def relation_of(format_name: str) -> tuple[str, str | None]:
    """The Signposting relation and profile of an export format."""
    if format_name in CONTENT_FORMATS:
        return "item", None
    return "describedby", PROFILES.get(format_name)

"""CSL-JSON 1.0.2: the record as one citation item (a web page unless its DCMI type names another kind), in an array.

:func:`csl_item` gives the item as a dict for a caller that renders citations itself (citeproc-py, citeproc-js). The
retrieval date is ``accessed``; ``issued`` is written only from the record's own ``issued`` date; the publisher is
never made an author; a name is split into family and given only where the record wrote "Family, Given".
"""

from __future__ import annotations

from typing import Any

from .._jsonout import indented
from ._base import Exporter, Record
from ._citation import Parts, access_date, date_parts, identifiers, issued, keywords, name, role

#: DCMI type → CSL item type where CSL has the same kind; any other type is captured from the web: ``webpage``.
ITEM_TYPES = {"Dataset": "dataset", "Software": "software", "Image": "graphic", "StillImage": "graphic",
              "MovingImage": "motion_picture", "Sound": "song"}

#: The CSL name variables a record agent's role may name (those of CSL 1.0.1 too, which citeproc-py renders). A
#: creator with another role, or none, is an ``author``; a contributor with another role is left out (CSL 1.0.1 has
#: no variable for an unnamed contribution, and a citation does not list one).
NAME_VARIABLES = ("author", "editor", "translator", "illustrator", "composer", "interviewer", "recipient",
                  "editorial-director")

MEDIA_TYPE = "application/vnd.citationstyles.csl+json"


def _date(value: str) -> dict[str, Any]:
    """A CSL date: ``date-parts`` for a plainly written date or closed range, else the EDTF text as ``literal``."""
    parts = date_parts(value)
    if parts is None:
        return {"literal": value}
    date: dict[str, Any] = {"date-parts": [list(p.ymd) for p in parts]}
    if any(p.circa for p in parts):
        date["circa"] = True
    return date


def _parts(parts: Parts) -> dict[str, Any]:
    return {"date-parts": [list(parts.ymd)]}


def _names(record: Record) -> dict[str, list[dict[str, str]]]:
    names: dict[str, list[dict[str, str]]] = {}
    for key, default in (("creators", "author"), ("contributors", None)):
        for agent in record.get(key, []):
            variable = role(agent) if role(agent) in NAME_VARIABLES else default
            if variable is None:
                continue
            split = name(agent)
            entry = ({"family": split.family, "given": split.given} if split.family and split.given
                     else {"literal": split.literal})
            names.setdefault(variable, []).append(entry)
    return names


def csl_item(record: Record) -> dict[str, Any]:
    """The record as one CSL-JSON item (a dict, keys in a fixed order), valid against the CSL 1.0.2 data schema."""
    source = record["source"]
    item: dict[str, Any] = {"id": record["id"], "type": ITEM_TYPES.get(record["type"], "webpage"),
                            "title": record["title"]}
    item.update(_names(record))
    if "site_name" in source:
        item["container-title"] = source["site_name"]
    if "publisher" in source and source["publisher"] != source.get("site_name"):
        item["publisher"] = source["publisher"]  # a site that publishes itself is named once
    published = issued(record)
    if published is not None:
        item["issued"] = _date(published)
    item["accessed"] = _parts(access_date(record))
    item["URL"] = source["url"]
    for scheme, variable in (("doi", "DOI"), ("isbn", "ISBN"), ("issn", "ISSN")):
        values = identifiers(record, scheme)
        if values:
            item[variable] = values[0]
    item["language"] = record["language"]
    if "description" in record:
        item["abstract"] = record["description"]
    terms = keywords(record)
    if terms:
        item["keyword"] = "; ".join(terms)
    return item


def export(record: Record) -> bytes:
    """The record as a CSL-JSON document: an array holding its one item, UTF-8, indented."""
    return indented([csl_item(record)])


EXPORTER = Exporter(
    name="csl-json",
    extension=".csl.json",
    media_type=MEDIA_TYPE,
    description="CSL-JSON 1.0.2 citation item (Zotero, Pandoc, citeproc)",
    export=export,
)

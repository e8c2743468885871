"""Record fields as spreadsheet cells and back: one column per field, a repeatable field's values joined by
``||`` in one cell (as DSpace's batch metadata CSV does), and cells no spreadsheet will run as a formula."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..records import main_heading

SEPARATOR = "||"
#: A cell starting with one of these is a formula (or may become one) in Excel, LibreOffice or Google Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_GUARD = "'"
#: A cell a spreadsheet may read as a number (or a date of digits and dots), and a number it writes back as
#: written: no leading or trailing zeros to drop, no thousands separator or exponent, at most 15 digits.
_NUMBERISH = re.compile(r"[0-9][0-9.,]*(?:[eE][+-]?[0-9]+)?")
_KEPT_NUMBER = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?")
_AGENT = re.compile(r"(?P<name>.+?) \((?P<kind>person|organization)(?:, (?P<role>[^()]+))?\)(?: <(?P<uri>[^<>\s]+)>)?")
_RELATION = re.compile(r"(?P<type>[A-Za-z]+):(?P<target>.+?)(?: <(?P<uri>[^<>\s]+)>)?")


class CellError(ValueError):
    """A cell that cannot be read; the message says what was expected (``expected …``)."""


@dataclass(frozen=True)
class Column:
    """A field of the record as a column: its path in the record, whether it repeats, how one value is written and
    read, and what a cell must hold (for error messages)."""

    name: str
    path: tuple[str, ...]
    repeatable: bool
    expected: str
    write: Callable[[Any], str] = str
    read: Callable[[str], Any] = str


def _subject_text(subject: dict[str, Any]) -> str:
    head = subject["scheme"] + (f"/{subject['kind']}" if "kind" in subject else "") + ":"
    if subject.get("subdivisions"):
        head += main_heading(subject) + "".join(f"--{s['type']}:{s['term']}" for s in subject["subdivisions"])
    else:
        head += subject["term"]
    return str(head) + (f"={subject['uri']}" if "uri" in subject else "")


def _subject(text: str) -> dict[str, Any]:
    from .._errors import IngestError
    from ..ingest import parse_subject  # the ingest syntax, loaded only for a changed subjects cell

    try:
        return parse_subject(text)
    except IngestError as exc:
        raise CellError(exc.reason) from None


def _agent_text(agent: dict[str, Any]) -> str:
    kind = agent["kind"] + (f", {agent['role']}" if "role" in agent else "")
    return f"{agent['name']} ({kind})" + (f" <{agent['uri']}>" if "uri" in agent else "")


def _agent(text: str) -> dict[str, Any]:
    match = _AGENT.fullmatch(text.strip())
    if not match:
        raise CellError("expected NAME (person) or NAME (organization), optionally with a role and a URI: "
                        "'Berenson, Lori (person, author) <http://id.loc.gov/authorities/names/n…>'")
    return {k: v.strip() for k, v in match.groupdict().items() if v is not None}


def _pair(first: str, second: str) -> tuple[Callable[[Any], str], Callable[[str], Any]]:
    def write(item: dict[str, Any]) -> str:
        return f"{item[first]}:{item[second]}"

    def read(text: str) -> dict[str, Any]:
        key, colon, value = text.strip().partition(":")
        if not colon or not key or not value.strip():
            raise CellError(f"expected {first.upper()}:{second.upper()}")
        return {first: key.strip(), second: value.strip()}

    return write, read


def _relation_text(relation: dict[str, Any]) -> str:
    return f"{relation['type']}:{relation['target']}" + (f" <{relation['uri']}>" if "uri" in relation else "")


def _relation(text: str) -> dict[str, Any]:
    match = _RELATION.fullmatch(text.strip())
    if not match:
        raise CellError("expected TYPE:TARGET or TYPE:TARGET <URI>, e.g. isPartOf:Annual report <https://example.org/r>")
    return {k: v.strip() for k, v in match.groupdict().items() if v is not None}


_date_write, _date_read = _pair("type", "value")
_id_write, _id_read = _pair("scheme", "value")

COLUMNS: tuple[Column, ...] = (
    Column("title", ("title",), False, "the title"),
    Column("alternative_titles", ("alternative_titles",), True, "titles"),
    Column("creators", ("creators",), True, "agents", _agent_text, _agent),
    Column("contributors", ("contributors",), True, "agents", _agent_text, _agent),
    Column("dates", ("dates",), True, "TYPE:DATE values", _date_write, _date_read),
    Column("description", ("description",), False, "a description"),
    Column("subjects", ("subjects",), True, "subjects as SCHEME[/KIND]:HEADING[--TYPE:SUBDIVISION]...[=URI]",
           _subject_text, _subject),
    Column("language", ("language",), False, "a BCP 47 language tag"),
    Column("type", ("type",), False, "a DCMI type"),
    Column("source.url", ("source", "url"), False, "the source URL"),
    Column("source.publisher", ("source", "publisher"), False, "the publisher"),
    Column("source.site_name", ("source", "site_name"), False, "the site name"),
    Column("source.page_title", ("source", "page_title"), False, "the page's own title"),
    Column("rights.statement", ("rights", "statement"), False, "a rights statement"),
    Column("rights.uri", ("rights", "uri"), False, "a rights URI"),
    Column("rights.holder", ("rights", "holder"), False, "the rights holder"),
    Column("identifiers", ("identifiers",), True, "SCHEME:VALUE identifiers", _id_write, _id_read),
    Column("relations", ("relations",), True, "relations", _relation_text, _relation),
    Column("coverage.spatial", ("coverage", "spatial"), True, "places"),
    Column("coverage.temporal", ("coverage", "temporal"), True, "W3CDTF or EDTF dates"),
    Column("notes", ("notes",), True, "notes"),
)
BY_NAME = {c.name: c for c in COLUMNS}
KEY = "id"


def current(record: dict[str, Any], column: Column) -> Any:
    """The field's value in ``record`` (None when absent)."""
    value: Any = record
    for key in column.path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def cell_text(value: Any, column: Column) -> str:
    """The cell's text for a field value (before the formula guard); "" for an absent field."""
    if value is None:
        return ""
    if not column.repeatable:
        return column.write(value)
    return SEPARATOR.join(_escape(column.write(item)) for item in value)


def field_value(text: str, column: Column, old: Any) -> Any:
    """The field value a cell's text gives (None: remove the field). A repeatable field's items whose text is
    unchanged are kept exactly as they were; only new or edited items are read."""
    if not column.repeatable:
        return column.read(text) if text.strip() else None
    known = {_escape(column.write(item)): item for item in old or ()}
    items = []
    for number, piece in enumerate(_split(text), start=1):
        if piece in known:
            items.append(known[piece])
        elif piece.strip():
            try:
                items.append(column.read(_unescape(piece)))
            except CellError as exc:
                raise CellError(f"value {number}: {exc}") from None
    return items or None


def put(record: dict[str, Any], column: Column, value: Any) -> None:
    """Set (or, for None, remove) the field in ``record``; an object left empty (rights, coverage) is removed."""
    *parents, last = column.path
    holder = record
    for key in parents:
        holder = holder.setdefault(key, {})
    if value is None:
        holder.pop(last, None)
        if parents and not holder:
            record.pop(parents[0], None)
    else:
        holder[last] = value


def guard(text: str) -> str:
    """The cell as written: a leading apostrophe before what a spreadsheet would run as a formula or save back
    changed, as a number (LibreOffice and Excel keep the apostrophe, and :func:`unguard` takes it off again)."""
    if text.startswith(_FORMULA_START) or _fragile_number(text):
        return _GUARD + text
    return text


def _fragile_number(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a number and save it otherwise (``007``, ``3.10``, ``1,000``,
    ``1.5e3``, twenty digits), or as a date (``12.5.2024``)."""
    if not _NUMBERISH.fullmatch(text):
        return False
    return not (_KEPT_NUMBER.fullmatch(text) and sum(c.isdigit() for c in text) <= 15)


def unguard(text: str) -> str:
    return text[1:] if text.startswith(_GUARD) else text


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _split(text: str) -> list[str]:
    """A repeatable cell's values, as escaped text: split at every ``||`` not escaped."""
    pieces, start, i = [], 0, 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(SEPARATOR, i):
            pieces.append(text[start:i].strip())
            i += len(SEPARATOR)
            start = i
            continue
        i += 1
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]

"""Turn one captured file into a record: decode strictly, parse, add what the user knows, mark what was inferred."""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from .._clock import in_utc, utc_now
from .._errors import IngestError
from ..records import SCHEMA_VERSION, is_lc_name, iter_errors, label_parts
from ._chrome import ChromeRule, builtin_rules
from ._described import PageDescription, describe_page
from ._descriptive import DESCRIPTIVE, apply_description, parse_description
from ._html import parse_html
from ._text import parse_text

_SUBJECT = re.compile(r"^(lcsh|fast|wikidata|aat|local|keyword)(?:/([^:=]*))?:([^=]+?)(?:=(\S+))?$")
#: Heading kinds as the record names them (``--subject lcsh/geographic:Peru``).
SUBJECT_KINDS = ("topical", "personal-name", "corporate-name", "meeting-name", "uniform-title", "geographic",
                 "genre-form", "chronological")
#: Subdivision types, by the word or the MARC subfield code a user may write before a ``--`` part.
SUBDIVISION_TYPES = {"general": "general", "form": "form", "chronological": "chronological",
                     "geographic": "geographic", "x": "general", "v": "form", "y": "chronological", "z": "geographic"}
_TYPED_PART = re.compile(r"^(general|form|chronological|geographic|[xvyz]):\s*(\S.*)$")
_WORD_COLON = re.compile(r"^([A-Za-z]+)\s*:")  # a part that begins like a typed one: a word and a colon
_SINGLE_DASH = re.compile(r"(?<!-)-\s*(general|form|chronological|geographic)\s*:")
_TYPES = "general, form, chronological, geographic (or x, v, y, z)"
#: How a provenance note names each descriptive field (its place in the record).
_FIELD_NAMES = {"issued": "dates issued", "created": "dates created", "modified": "dates modified",
                "creators": "creators", "contributors": "contributors", "description": "description",
                "rights": "rights.statement", "rights_uri": "rights.uri", "publisher": "source.publisher"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass
class Facts:
    """What the user knows about a capture; None means not given."""

    url: str | None = None
    retrieved: str | None = None
    title: str | None = None
    language: str | None = None
    publisher: str | None = None
    subjects: list[str] = field(default_factory=list)
    method: str | None = None
    record_id: str | None = None
    encoding: str | None = None
    issued: str | None = None
    created: str | None = None
    modified: str | None = None
    creators: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    description: str | None = None
    rights: str | None = None
    rights_uri: str | None = None

    def descriptive(self) -> dict[str, Any]:
        """The descriptive metadata given, as text by the names of ``DESCRIPTIVE`` (checked when applied)."""
        return {name: getattr(self, name) for name in DESCRIPTIVE}


def parse_subject(value: str) -> dict[str, Any]:
    """``SCHEME[/KIND]:HEADING[--TYPE:SUBDIVISION]...[=URI]`` to a subject object.

    ``TYPE`` is general, form, chronological or geographic (or x, v, y, z). A ``--`` part with no type is never
    typed on a guess: when no part says its type the heading is kept whole; when only some do, it is an error."""
    match = _SUBJECT.match(value.strip())
    if not match:
        raise IngestError(value, "expected SCHEME:TERM[=URI] or SCHEME/KIND:TERM[=URI], with SCHEME one of "
                                 "lcsh, fast, wikidata, aat, local, keyword")
    scheme, kind, term, uri = match.groups()
    subject: dict[str, Any] = {"term": term.strip(), "scheme": scheme}
    if kind is not None:
        if kind not in SUBJECT_KINDS:
            raise IngestError(value, f"unknown heading kind {kind!r}; expected one of {', '.join(SUBJECT_KINDS)}")
        subject["kind"] = kind
    parts = label_parts(term)
    _check_typing(value, parts)
    typed = [_TYPED_PART.match(part) for part in parts[1:]]
    if any(typed):
        if not all(typed):
            untyped = next(p for p, t in zip(parts[1:], typed, strict=True) if t is None)
            raise IngestError(value, f"subdivision {untyped!r} has no type: write TYPE:{untyped} (TYPE one of "
                                     "general, form, chronological, geographic) or type no subdivision to keep "
                                     "the heading whole")
        subdivisions = [{"type": SUBDIVISION_TYPES[t.group(1)], "term": t.group(2).strip()}
                        for t in typed if t is not None]
        subject["term"] = "--".join([parts[0], *(s["term"] for s in subdivisions)])
        subject["subdivisions"] = subdivisions
    if uri:
        if scheme == "lcsh" and kind is None and is_lc_name(uri):
            raise IngestError(value, "an id.loc.gov names URI needs the heading's kind: write lcsh/KIND:…, KIND one "
                                     "of personal-name, corporate-name, meeting-name, uniform-title, geographic")
        subject["uri"] = uri
    return subject


def _check_typing(value: str, parts: list[str]) -> None:
    """IngestError for a subdivision type mistyped (``geographc:``) or joined with one '-' instead of '--'."""
    for part in parts:
        dash = _SINGLE_DASH.search(part)
        if dash:
            raise IngestError(value, f"{part!r} joins a subdivision with '-': write '--{dash.group(1)}:' (a heading "
                                     "and its subdivisions are joined by '--')")
    for part in parts[1:]:
        word = _WORD_COLON.match(part)
        if word and not _TYPED_PART.match(part):
            raise IngestError(value, f"subdivision {part!r}: {word.group(1)!r} is not a subdivision type; expected "
                                     f"one of {_TYPES}")


def slug(name: str) -> str:
    """A record id from a file name: lowercase letters, digits, '.', '_' and '-'; a name Windows reserves for a
    device (``con``, ``aux.v2``…), which the schema refuses as an id, gets ``record-`` in front."""
    text = re.sub(r"[^a-z0-9._-]+", "-", name.lower())
    text = re.sub(r"\.{2,}", ".", text).strip("._-")
    if _DEVICE.match(text):
        text = f"record-{text}"
    return text[:128].strip("._-") or "record"


#: The device names Windows reserves, alone or before a dot (the record schema's id refuses them too).
_DEVICE = re.compile(r"(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\.|$)")


def _now() -> str:
    """The ingest time for provenance."""
    return utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")


def detect_media_type(raw: bytes, path: str) -> str:
    """text/html or text/plain from the bytes (and the file name as a tie-breaker)."""
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or path.lower().endswith((".html", ".htm")):
        return "text/html"
    return "text/plain"


def decode(raw: bytes, path: str, encoding: str | None, media_type: str,
           declared: str | None = None) -> tuple[str, str]:
    """Decode strictly: ``encoding``, else the BOM, the charset declared by the transport (``declared``, e.g. an
    HTTP Content-Type), the HTML-declared charset, then UTF-8; never replace bad bytes."""
    if not raw:
        raise IngestError(path, "empty file: nothing to ingest")
    if b"\x00" in raw[:8192] and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise IngestError(path, "binary file (NUL bytes): not a text or HTML capture")
    name = encoding
    if name is None:
        for bom, bom_name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                              (codecs.BOM_UTF16_BE, "utf-16")):
            if raw.startswith(bom):
                name = bom_name
                break
    name = name or declared
    if name is None and media_type == "text/html":
        meta = _CHARSET.search(raw[:4096])
        name = meta.group(1).decode("ascii") if meta else None
    name = name or "utf-8"
    try:
        codecs.lookup(name)
    except LookupError:
        raise IngestError(path, f"unknown encoding {name!r}") from None
    try:
        return raw.decode(name), name
    except UnicodeDecodeError as exc:
        raise IngestError(path, f"not valid {name}: byte 0x{raw[exc.start]:02x} at byte offset {exc.start} "
                                "cannot be decoded (use --encoding to name the right one)") from None


@dataclass(frozen=True)
class Captured:
    """One captured document as its container gives it: ``raw``, the bytes as captured (their SHA-256 and size are
    the fixity), and ``path``, where it was read (named in errors). A container such as a WARC also gives ``body``
    (the payload with any content coding undone), the transport's ``media_type`` and ``charset``, the id to use when
    the user gave none, ``origin`` (where in the container, for provenance) and ``extra`` retrieval fields."""

    raw: bytes
    path: str
    body: bytes | None = None
    media_type: str | None = None
    charset: str | None = None
    default_id: str | None = None
    origin: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Read:
    """What a capture says of itself once decoded and parsed, before the user's facts are added."""

    parsed: Any
    media_type: str
    charset: str
    url: str | None
    language: str | None
    title: str | None
    page: PageDescription
    inferred: list[str]


def _read(captured: Captured, facts: Facts, rules: tuple[ChromeRule, ...], known: Collection[str]) -> _Read:
    """Decode the capture strictly and parse it (HTML or text); what the user did not give is taken from the page
    and noted in ``inferred``. ``known`` are the descriptive fields the user gave (never read from the page)."""
    path = captured.path
    body = captured.raw if captured.body is None else captured.body
    media_type = captured.media_type or detect_media_type(body, path)
    text, charset = decode(body, path, facts.encoding, media_type, captured.charset)
    found = _Read(None, media_type, charset, facts.url, facts.language, facts.title, PageDescription(), [])
    if media_type == "text/html":
        found.parsed, meta = parse_html(text, rules)
        if found.url is None and meta.url:
            found.url = meta.url
            found.inferred.append("source.url from the page's canonical link")
        if found.language is None and meta.language:
            found.language = meta.language
            found.inferred.append("language from the page's lang attribute")
        found.inferred += meta.notes
        found.page = describe_page(text, known=known)
        if not found.parsed.sections and not found.parsed.removed:
            raise IngestError(path, "HTML page has no body text")
    else:
        found.parsed = parse_text(text, rules, title_line=True, language=found.language)
    if not found.parsed.sections:
        raise IngestError(path, "no document text: every line is blank or site chrome")
    if found.title is None:
        if found.parsed.title is None:
            raise IngestError(path, "no title line found: give one with --title")
        found.title = found.parsed.title
        found.inferred += found.parsed.notes or ["title from the capture's title line" if media_type == "text/plain"
                                                 else "title from the page"]
    return found


def build_record(captured: Captured, facts: Facts, rules: tuple[ChromeRule, ...] | None = None, *,
                 original: str | None = None) -> dict[str, Any]:
    """A record for one capture; raises IngestError (naming the file) when it cannot be a valid record.
    ``original`` is the path the kept capture is listed under in ``files`` (None: not kept)."""
    path, raw = captured.path, captured.raw
    try:
        given = parse_description(facts.descriptive())
    except IngestError as exc:
        raise IngestError(path, f"{exc.path}: {exc.reason}") from None
    found = _read(captured, facts, builtin_rules() if rules is None else rules, given.keys())
    parsed, media_type, charset, page, inferred = found.parsed, found.media_type, found.charset, found.page, \
        found.inferred
    url, language, title = found.url, found.language, found.title
    if url is None:
        raise IngestError(path, "no source URL: give one with --url")
    if facts.retrieved is None:
        raise IngestError(path, "no retrieval time: give it with --retrieved (UTC date-time ending in Z, "
                                "or YYYY-MM-DD)")
    retrieved = in_utc(facts.retrieved)
    converted = [] if retrieved == facts.retrieved else \
        [f"retrieval.retrieved_at given as {facts.retrieved}; recorded in UTC"]  # a value given, in the schema's form
    if language is None:
        language = "und"
        inferred.append("language unknown: recorded as 'und' (undetermined)")
    try:
        subjects = [parse_subject(s) for s in facts.subjects]
    except IngestError as exc:
        raise IngestError(path, f"--subject {exc.path!r}: {exc.reason}") from None
    ingested_at = _now()
    record: dict[str, Any] = {
        "id": facts.record_id or captured.default_id or slug(Path(path).stem),
        "schema_version": SCHEMA_VERSION,
        "title": title,
        "language": language,
        "type": "Text",
        "source": {"url": url},
        "retrieval": {
            "retrieved_at": retrieved,
            "method": facts.method or "other",
            "sha256": hashlib.sha256(raw).hexdigest(),
            "media_type": f"{media_type}; charset={charset.removesuffix('-sig').lower()}",
            "byte_size": len(raw),
            "agent": {"name": "archivist", "version": __version__},
            **captured.extra,
        },
        "subjects": subjects,
    }
    values = dict(given)
    for name, value in page.values.items():
        if name not in values and not (name.startswith("rights") and {"rights", "rights_uri"} & given.keys()):
            values[name] = value  # a value the user gives wins; a rights statement and its URI go together
            inferred.append(f"{_FIELD_NAMES[name]} from {page.sources[name]}")
    apply_description(record, values)
    record["content"] = {"sections": parsed.sections}
    if parsed.removed:
        record["removed"] = parsed.removed
    if original is not None:
        record["files"] = [{"path": original, "media_type": record["retrieval"]["media_type"], "byte_size": len(raw),
                            "sha256": record["retrieval"]["sha256"], "role": "original"}]
    record["provenance"] = [{"action": "ingested", "at": ingested_at, "agent": f"archivist {__version__}",
                             "note": f"from {captured.origin or Path(path).name}; {len(parsed.removed)} chrome line(s) "
                                     "removed"}]
    record["provenance"] += [{"action": "inferred", "at": ingested_at, "agent": f"archivist {__version__}", "note": n}
                             for n in inferred]
    record["provenance"] += [{"action": "converted", "at": ingested_at, "agent": f"archivist {__version__}",
                              "note": n} for n in converted]
    problems = list(iter_errors(record))
    if problems:
        raise IngestError(path, "; ".join(f"{p.pointer}: {p.message}" for p in problems))
    return record

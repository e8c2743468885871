"""WARC files to records: one record per HTML or text ``response``, digests verified, read as a stream."""

from __future__ import annotations

import io
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataReader

from .._defaults import MAX_WARC_RECORD_SIZE
from .._errors import IngestError
from ._build import Captured, Facts, build_record, slug
from ._chrome import ChromeRule

_TEXT_TYPES = {"text/html": "text/html", "application/xhtml+xml": "text/html", "text/plain": "text/plain"}
_CHARSET = re.compile(r";\s*charset\s*=\s*\"?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_CHUNK = 1 << 16
#: The largest WARC record payload read into memory, in bytes (set in archivist._defaults, the CLI's default too).
DEFAULT_MAX_SIZE = MAX_WARC_RECORD_SIZE


class TooLarge(ValueError):
    """A payload that inflates (or is declared) past the size limit."""
_MANDATORY = ("WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length")


@dataclass(frozen=True)
class WarcItem:
    """What became of one WARC response: a ``record``, an ``error``, or ``skipped`` with the reason."""

    offset: int
    warc_record_id: str | None
    target_uri: str | None
    record: dict[str, Any] | None = None
    error: IngestError | None = None
    skipped: str | None = None
    payload: bytes | None = field(default=None, repr=False)


def is_warc(path: str | os.PathLike[str]) -> bool:
    """True for a file whose name says WARC (``.warc``, ``.warc.gz``)."""
    return os.fspath(path).lower().endswith((".warc", ".warc.gz"))


def warc_id(target_uri: str, taken: set[str]) -> str:
    """A record id from a URL (host and path), made unique among ``taken`` with a numeric suffix."""
    parts = urlsplit(target_uri)
    base = slug(f"{parts.hostname or ''}{parts.path}{'-' + parts.query if parts.query else ''}")
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base[:120]}-{n}"
    taken.add(candidate)
    return candidate


def _read_all(stream: Any, limit: int) -> bytes:
    """Read a stream to its end in chunks, raising TooLarge as soon as more than ``limit`` bytes come out."""
    out = bytearray()
    while chunk := stream.read(_CHUNK):
        out += chunk
        if len(out) > limit:
            raise TooLarge(f"more than {limit:,} bytes")
    return bytes(out)


def _undo_codings(raw: bytes, headers: Any, limit: int) -> bytes:
    """The HTTP payload with its chunked transfer coding and content coding undone, as warcio's
    ``ArcWarcRecord.content_stream()`` does (same readers), but from ``raw`` and at most ``limit`` bytes out.

    archivist needs the raw bytes as captured: their SHA-256 and size are the record's fixity and they are what
    ``--keep-original`` keeps; content_stream() yields only the decoded payload, so reading it would lose them (and
    it inflates without a limit)."""
    coding = (headers.get_header("content-encoding") or "").strip().lower() or None
    if coding in ("identity", None):
        coding = None
    elif coding not in BufferedReader.get_supported_decompressors():
        raise ValueError(f"unsupported Content-Encoding {coding!r}")
    if (headers.get_header("transfer-encoding") or "").lower() == "chunked":
        return _read_all(ChunkedDataReader(io.BytesIO(raw), decomp_type=coding), limit)
    if coding:
        return _read_all(BufferedReader(io.BytesIO(raw), decomp_type=coding), limit)
    return raw


def iter_warc(path: str | os.PathLike[str], facts: Facts | None = None, *, rules: tuple[ChromeRule, ...] | None = None,
              keep_original: bool = False, stream: BinaryIO | None = None,
              max_size: int = DEFAULT_MAX_SIZE) -> Iterator[WarcItem]:
    """Yield one item per ``response`` record in a WARC (gzipped or not), in file order, one payload in memory at a
    time. Raises IngestError when the file cannot be opened or read past a point (a truncated or corrupt WARC):
    items before that point have already been yielded. With ``keep_original`` each record lists its payload as
    ``originals/<id>.html`` (or ``.txt``) in ``files``, and the item carries the payload bytes to write there.
    A record whose content (inflated from a gzipped WARC member, then with any HTTP content coding undone) would
    exceed ``max_size`` bytes is an error item ("too large"), read no further than the limit."""
    name = os.fspath(path)
    facts = facts or Facts()
    try:
        handle = stream if stream is not None else open(name, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError as exc:
        raise IngestError(name, exc.strerror or str(exc)) from None
    try:
        yield from _walk(handle, name, facts, rules, keep_original, max_size)
    finally:
        if stream is None:
            handle.close()


def _walk(handle: BinaryIO, name: str, facts: Facts, rules: tuple[ChromeRule, ...] | None,
          keep: bool, max_size: int) -> Iterator[WarcItem]:
    taken: set[str] = set()
    end = 0
    iterator = ArchiveIterator(handle, check_digests=True)
    while True:
        try:
            warc = next(iterator, None)
            if warc is None:
                break
            lacking = [h for h in _MANDATORY if not warc.rec_headers.get_header(h)]
            wanted = warc.rec_type == "response" and not lacking
            declared = _declared_length(warc) if wanted else 0
            too_large = wanted and declared > max_size
            raw = _read_all(warc.raw_stream, max_size) if wanted and not too_large else b""
            missing = getattr(warc.raw_stream, "limit", 0) if wanted and not too_large else 0
            offset, length = iterator.get_record_offset(), iterator.get_record_length()
        except Exception as exc:  # warcio reports malformed input with assorted exception types
            raise _unreadable(name, end, exc) from None
        if lacking:
            raise IngestError(name, f"truncated or corrupt WARC: the record at offset {offset} lacks the mandatory "
                                    f"header(s) {', '.join(lacking)}")
        end = offset + length
        if too_large:
            record_id = warc.rec_headers.get_header("WARC-Record-ID")
            yield WarcItem(offset, record_id, warc.rec_headers.get_header("WARC-Target-URI"), error=IngestError(
                f"{name} (WARC record at offset {offset}, {record_id})",
                f"record too large: {declared:,} bytes of content, over the limit of {max_size:,}; not ingested"))
        elif warc.rec_type == "response":
            yield _item(warc, raw, missing, name, offset, facts, rules, taken, keep, max_size)
    _check_tail(handle, name, end)


def _unreadable(name: str, end: int, exc: Exception) -> IngestError:
    return IngestError(name, f"unreadable WARC record after offset {end} (truncated or corrupt): "
                             f"{type(exc).__name__}: {exc}")


def _declared_length(warc: Any) -> int:
    """The record's Content-Length (the size of its block once any gzip member is inflated)."""
    try:
        return int(warc.rec_headers.get_header("Content-Length") or 0)
    except ValueError:
        return 0


def _check_tail(handle: BinaryIO, name: str, end: int) -> None:
    """warcio stops quietly at a record whose headers were cut off; bytes left after the last record mean that."""
    try:
        size = os.fstat(handle.fileno()).st_size
        handle.seek(end)
        tail = handle.read(64)
    except (OSError, AttributeError, io.UnsupportedOperation):
        return
    if size == 0:
        raise IngestError(name, "empty file: no WARC records")
    if tail.strip(b"\r\n"):
        raise IngestError(name, f"truncated or corrupt WARC: the {size - end} byte(s) from offset {end} are not a "
                                "complete record")


def _item(warc: Any, raw: bytes, missing: int, name: str, offset: int, facts: Facts,
          rules: tuple[ChromeRule, ...] | None, taken: set[str], keep: bool, max_size: int) -> WarcItem:
    headers = warc.rec_headers
    record_id = headers.get_header("WARC-Record-ID")
    uri = headers.get_header("WARC-Target-URI")
    where = f"{name} (WARC record at offset {offset}{', ' + record_id if record_id else ''})"
    if missing > 0:
        return WarcItem(offset, record_id, uri, error=IngestError(
            where, f"truncated: Content-Length promises {missing} more byte(s) than the file holds"))
    if warc.digest_checker.passed is False:
        return WarcItem(offset, record_id, uri, error=IngestError(
            where, "digest mismatch: " + "; ".join(warc.digest_checker.problems)))
    http = warc.http_headers
    if http is None:
        return WarcItem(offset, record_id, uri, skipped="not an HTTP response")
    status = http.get_statuscode()
    if not (status or "").startswith("2"):
        return WarcItem(offset, record_id, uri, skipped=f"HTTP status {status}")
    content_type = http.get_header("content-type") or ""
    kind = _TEXT_TYPES.get(content_type.split(";")[0].strip().lower())
    if kind is None:
        return WarcItem(offset, record_id, uri, skipped=f"payload is {content_type or 'of no declared type'}")
    if not uri:
        return WarcItem(offset, record_id, uri, error=IngestError(where, "no WARC-Target-URI"))
    try:
        body = _undo_codings(raw, http, max_size)
    except TooLarge as exc:
        return WarcItem(offset, record_id, uri, error=IngestError(
            where, f"record too large: its payload inflates to {exc}, over the limit of {max_size:,}; not ingested"))
    except (ValueError, zlib.error, OSError) as exc:
        return WarcItem(offset, record_id, uri, error=IngestError(where, f"payload cannot be decoded: {exc}"))
    declared = _CHARSET.search(content_type)
    given = replace(facts, url=uri, retrieved=headers.get_header("WARC-Date"), method="warc", record_id=None)
    extra = {"warc_record_id": record_id} if record_id else {}
    new_id = warc_id(uri, taken)
    original = f"originals/{new_id}{'.html' if kind == 'text/html' else '.txt'}" if keep else None
    try:
        captured = Captured(raw, where, body=body, media_type=kind, charset=declared.group(1) if declared else None,
                            default_id=new_id, origin=f"{os.path.basename(name)} {record_id or ''}".strip(),
                            extra=extra)
        record = build_record(captured, given, rules, original=original)
    except IngestError as exc:
        return WarcItem(offset, record_id, uri, error=exc)
    return WarcItem(offset, record_id, uri, record=record, payload=raw if keep else None)

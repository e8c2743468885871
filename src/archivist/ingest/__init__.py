"""Captured documents (plain text, HTML, WARC) to valid records, with audited removal of site chrome."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .._atomic import write_atomic
from .._errors import IngestError
from ..records import record_bytes
from ._build import Captured, Facts, build_record, decode, detect_media_type, parse_subject, slug
from ._chrome import ChromeRule, builtin_rules, load_rules
from ._described import PageDescription, describe_page
from ._descriptive import DESCRIPTIVE, apply_description, parse_agent, parse_date, parse_description
from ._html import parse_html
from ._manifest import MANIFEST_COLUMNS, ManifestRow, read_manifest
from ._text import parse_text
from ._to_dir import IngestOutcome, ingest_capture, ingest_manifest, ingest_to_dir, read_capture, write_record
from ._warc import DEFAULT_MAX_SIZE, WarcItem, is_warc, iter_warc


def ingest_file(path: str | os.PathLike[str], facts: Facts | None = None, *,
                rules: tuple[ChromeRule, ...] | None = None, keep_original_in: str | os.PathLike[str] | None = None
                ) -> dict[str, Any]:
    """Read a text or HTML capture and return its record. With ``keep_original_in`` (the directory the record will
    be written to), the capture is copied to ``originals/`` there and listed in ``files``."""
    if is_warc(path):
        raise IngestError(os.fspath(path), "a WARC holds many records: use iter_warc() or ingest_to_dir()")
    original = f"originals/{Path(path).name}" if keep_original_in is not None else None
    record, raw = read_capture(path, facts or Facts(), rules, original)
    if keep_original_in is not None and original is not None:
        write_atomic(Path(keep_original_in) / original, raw)
    return record


__all__ = [
    "DEFAULT_MAX_SIZE",
    "DESCRIPTIVE",
    "MANIFEST_COLUMNS",
    "Captured",
    "ChromeRule",
    "Facts",
    "IngestOutcome",
    "ManifestRow",
    "PageDescription",
    "WarcItem",
    "apply_description",
    "build_record",
    "builtin_rules",
    "decode",
    "describe_page",
    "detect_media_type",
    "ingest_capture",
    "ingest_file",
    "ingest_manifest",
    "ingest_to_dir",
    "is_warc",
    "iter_warc",
    "load_rules",
    "parse_agent",
    "parse_date",
    "parse_description",
    "parse_html",
    "parse_subject",
    "parse_text",
    "read_manifest",
    "record_bytes",
    "slug",
    "write_record",
]

"""Captured documents (plain text, HTML) to valid records, with audited removal of site chrome."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .._atomic import write_atomic
from .._errors import IngestError
from ._build import Facts, build_record, decode, detect_media_type, parse_subject, slug
from ._chrome import ChromeRule, builtin_rules, load_rules
from ._html import parse_html
from ._text import parse_text


def ingest_file(path: str | os.PathLike[str], facts: Facts | None = None, *,
                rules: tuple[ChromeRule, ...] | None = None, keep_original_in: str | os.PathLike[str] | None = None
                ) -> dict[str, Any]:
    """Read a capture and return its record. With ``keep_original_in`` (the directory the record will be
    written to), the capture is copied to ``originals/`` there and listed in ``files``."""
    name = os.fspath(path)
    try:
        raw = Path(name).read_bytes()
    except OSError as exc:
        raise IngestError(name, exc.strerror or str(exc)) from None
    facts = facts or Facts()
    original = None
    if keep_original_in is not None:
        original = f"originals/{Path(name).name}"
    record = build_record(raw, name, facts, rules, original=original)
    if keep_original_in is not None:
        target = Path(keep_original_in) / "originals" / Path(name).name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, raw)
    return record


def record_bytes(record: dict[str, Any]) -> bytes:
    """A record as the JSON archivist writes: UTF-8, indented, ending in a newline."""
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


__all__ = ["ChromeRule", "Facts", "build_record", "builtin_rules", "decode", "detect_media_type", "ingest_file",
           "load_rules", "parse_html", "parse_subject", "parse_text", "record_bytes", "slug"]

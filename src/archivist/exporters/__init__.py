"""Export formats, found through a registry keyed by format name.

Built-in formats live one per module in this package and are imported when first asked for; other
packages add formats through the ``archivist.exporters`` entry-point group, each entry point naming an
:class:`Exporter`. Installed packages are scanned only for a name that is not built in, or to list every
format, and an entry point cannot take a built-in name (it is skipped with a warning).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeGuard

from .._registry import Registry, choose
from ._base import Exporter, Record
from ._dc import Statement, statements
from ._identifiers import RECORD_URN_PREFIX

ENTRY_POINT_GROUP = "archivist.exporters"


def _is_exporter(plugin: object) -> TypeGuard[Exporter]:
    return isinstance(plugin, Exporter)


REGISTRY: Registry[Exporter] = Registry(
    "format", ENTRY_POINT_GROUP,
    {name: f"{__name__}.{name.replace('-', '_')}:EXPORTER"
     for name in ("oai_dc", "dcterms", "jsonld", "epub", "marcxml", "marc21", "csl-json", "bibtex", "ris",
                 "datacite")},
    _is_exporter, lambda exporter: exporter.name)
available = REGISTRY.available
builtin_names = REGISTRY.builtin_names
get = REGISTRY.get
register = REGISTRY.register
unregister = REGISTRY.unregister


def resolve(names: str | Iterable[str]) -> list[Exporter]:
    """Exporters for a comma-separated list of names (``all`` = every built-in format), in order, once each."""
    (chosen,) = choose(names, [REGISTRY], builtin_names())
    return [get(name) for name in chosen]


__all__ = ["ENTRY_POINT_GROUP", "RECORD_URN_PREFIX", "REGISTRY", "Exporter", "Record", "Statement", "available",
           "builtin_names", "get", "register", "resolve", "statements", "unregister"]

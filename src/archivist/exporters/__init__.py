"""Export formats, found through a registry keyed by format name.

Built-in formats live one per module in this package; other packages add formats through the
``archivist.exporters`` entry-point group, each entry point naming an :class:`Exporter`.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import entry_points

from .._errors import UnknownFormat
from ._base import Exporter, Record

ENTRY_POINT_GROUP = "archivist.exporters"

_BUILTIN_MODULES = ("oai_dc", "dcterms", "jsonld", "epub", "marcxml")
_registry: dict[str, Exporter] = {}
_loaded = False


def register(exporter: Exporter) -> None:
    """Add (or replace) a format in the registry."""
    _registry[exporter.name] = exporter


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in _BUILTIN_MODULES:
        register(import_module(f"{__name__}.{module}").EXPORTER)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        exporter = entry.load()
        if not isinstance(exporter, Exporter):
            raise TypeError(f"entry point {entry.name!r} in {ENTRY_POINT_GROUP} is not an archivist Exporter")
        register(exporter)


def available() -> dict[str, Exporter]:
    """Every registered format, by name, sorted."""
    _load()
    return dict(sorted(_registry.items()))


def builtin_names() -> tuple[str, ...]:
    """The formats ``all`` stands for: the built-in ones."""
    return _BUILTIN_MODULES


def get(name: str) -> Exporter:
    """The exporter called ``name``; UnknownFormat lists the valid names otherwise."""
    _load()
    try:
        return _registry[name]
    except KeyError:
        raise UnknownFormat(name, _registry) from None


def resolve(names: str | list[str]) -> list[Exporter]:
    """Exporters for a comma-separated list of names (``all`` = every built-in format), in order, once each."""
    parts = names.split(",") if isinstance(names, str) else [p for n in names for p in n.split(",")]
    result: list[Exporter] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        for name in builtin_names() if part == "all" else (part,):
            exporter = get(name)
            if exporter not in result:
                result.append(exporter)
    if not result:
        raise UnknownFormat("", available())
    return result


__all__ = ["ENTRY_POINT_GROUP", "Exporter", "Record", "available", "builtin_names", "get", "register", "resolve"]

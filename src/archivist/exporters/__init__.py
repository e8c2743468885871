"""Export formats, found through a registry keyed by format name.

Built-in formats live one per module in this package and are imported when first asked for; other
packages add formats through the ``archivist.exporters`` entry-point group, each entry point naming an
:class:`Exporter`. Installed packages are scanned only for a name that is not built in, or to list every
format, and an entry point cannot take a built-in name (it is skipped with a warning).
"""

from __future__ import annotations

import warnings
from importlib import import_module

from .._errors import UnknownFormat
from ._base import Exporter, Record

ENTRY_POINT_GROUP = "archivist.exporters"

_BUILTIN_MODULES = ("oai_dc", "dcterms", "jsonld", "epub", "marcxml", "marc21")
_registry: dict[str, Exporter] = {}
_loaded = False


def register(exporter: Exporter) -> None:
    """Add (or replace) a format in the registry."""
    _registry[exporter.name] = exporter


def _builtin(name: str) -> Exporter:
    if name not in _registry:
        register(import_module(f"{__name__}.{name}").EXPORTER)
    return _registry[name]


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in _BUILTIN_MODULES:
        _builtin(module)
    from importlib.metadata import entry_points  # slow to import, and only needed here

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name in _BUILTIN_MODULES:
            warnings.warn(f"entry point {entry.value!r} in {ENTRY_POINT_GROUP} is ignored: {entry.name!r} is a "
                          "built-in format", stacklevel=2)
            continue
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
    if name in _registry:
        return _registry[name]
    if name in _BUILTIN_MODULES:
        return _builtin(name)
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

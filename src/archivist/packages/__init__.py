"""Catalog packages: writers that gather a batch of records into what a catalog ingests.

Built in: ``oai-static``, ``dspace-saf``, ``archivematica``, ``marc21-collection``, ``marcxml-collection``,
``mods-collection`` and ``bagit``, each imported
when first asked for; other packages add their own through the ``archivist.packages`` entry-point group, each entry
point naming a :class:`Package` subclass. Installed packages are scanned only for a name that is not built in, or to
list every format; a plugin cannot take a built-in name (it is skipped with a warning).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeGuard

from .._defaults import PACKAGES
from .._registry import Registry
from ._base import Package, PackagePart, PackageSettings, Spread, Warn, original_files

ENTRY_POINT_GROUP = "archivist.packages"


def _is_package(plugin: object) -> TypeGuard[type[Package]]:
    return isinstance(plugin, type) and issubclass(plugin, Package)


REGISTRY: Registry[type[Package]] = Registry("package", ENTRY_POINT_GROUP, PACKAGES, _is_package, lambda cls: cls.name,
                                             lambda cls: cls.order)
available = REGISTRY.available
builtin_names = REGISTRY.builtin_names
get = REGISTRY.get
register = REGISTRY.register
unregister = REGISTRY.unregister


def payload_folder(names: Iterable[str]) -> str | None:
    """The folder, inside the output folder, that holds every other output when one of the packages ``names``
    wraps the output folder (bagit: ``data``); None when none does."""
    return next((folder for name in names if (folder := get(name).payload) is not None), None)


__all__ = ["ENTRY_POINT_GROUP", "REGISTRY", "Package", "PackagePart", "PackageSettings", "Spread", "Warn", "available",
           "builtin_names", "get", "original_files", "payload_folder", "register", "unregister"]

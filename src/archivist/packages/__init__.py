"""Catalog packages: writers that gather a batch of records into what a catalog ingests.

Built in: ``oai-static``, ``dspace-saf``, ``marc21-collection``, ``marcxml-collection`` and ``bagit``; other packages add their own through the
``archivist.packages`` entry-point group, each entry point naming a :class:`Package` subclass. Installed
packages are scanned only for a name that is not built in, or to list every format; a plugin cannot take a
built-in name (it is skipped with a warning).
"""

from __future__ import annotations

import warnings

from .._errors import UnknownFormat
from ._base import Package, PackageSettings, original_files
from ._oai import datestamp, oai_identifier, subject_sets
from .bagit import Bagit, write_tag_files
from .dspace_saf import DspaceSaf
from .marc_collection import Marc21Collection, MarcxmlCollection
from .oai_static import OaiStatic

ENTRY_POINT_GROUP = "archivist.packages"
_BUILTIN: dict[str, type[Package]] = {cls.name: cls for cls in (OaiStatic, DspaceSaf, Marc21Collection,
                                                                 MarcxmlCollection, Bagit)}
_registry = dict(_BUILTIN)
_loaded = False


def available() -> dict[str, type[Package]]:
    """Every package format, by name, sorted."""
    global _loaded
    if not _loaded:
        _loaded = True
        from importlib.metadata import entry_points  # slow to import, and only needed here

        for entry in entry_points(group=ENTRY_POINT_GROUP):
            cls = entry.load()
            if not (isinstance(cls, type) and issubclass(cls, Package)):
                raise TypeError(f"entry point {entry.name!r} in {ENTRY_POINT_GROUP} is not an archivist Package")
            if cls.name in _BUILTIN:
                warnings.warn(f"entry point {entry.value!r} in {ENTRY_POINT_GROUP} is ignored: {cls.name!r} is a "
                              "built-in package", stacklevel=2)
                continue
            _registry[cls.name] = cls
    return dict(sorted(_registry.items()))


def builtin_names() -> tuple[str, ...]:
    """The package formats archivist ships."""
    return tuple(_BUILTIN)


def get(name: str) -> type[Package]:
    """The package class called ``name``; UnknownFormat lists the valid names otherwise."""
    if name in _BUILTIN:
        return _BUILTIN[name]
    packages = available()
    try:
        return packages[name]
    except KeyError:
        raise UnknownFormat(name, packages) from None


__all__ = ["ENTRY_POINT_GROUP", "Bagit", "DspaceSaf", "Marc21Collection", "MarcxmlCollection", "OaiStatic", "Package", "PackageSettings", "available",
           "builtin_names", "datestamp", "get", "oai_identifier", "original_files", "subject_sets", "write_tag_files"]

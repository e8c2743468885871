"""Catalog packages: writers that gather a batch of records into what a catalog ingests.

Built in: ``oai-static``, ``dspace-saf`` and ``bagit``; other packages add their own through the
``archivist.packages`` entry-point group, each entry point naming a :class:`Package` subclass.
"""

from __future__ import annotations

from importlib.metadata import entry_points

from .._errors import UnknownFormat
from ._base import Package, PackageSettings, original_files
from ._oai import datestamp, oai_identifier, subject_sets
from .bagit import Bagit, write_tag_files
from .dspace_saf import DspaceSaf
from .oai_static import OaiStatic

ENTRY_POINT_GROUP = "archivist.packages"
_registry: dict[str, type[Package]] = {cls.name: cls for cls in (OaiStatic, DspaceSaf, Bagit)}
_loaded = False


def available() -> dict[str, type[Package]]:
    """Every package format, by name, sorted."""
    global _loaded
    if not _loaded:
        _loaded = True
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            cls = entry.load()
            if not (isinstance(cls, type) and issubclass(cls, Package)):
                raise TypeError(f"entry point {entry.name!r} in {ENTRY_POINT_GROUP} is not an archivist Package")
            _registry[cls.name] = cls
    return dict(sorted(_registry.items()))


def get(name: str) -> type[Package]:
    """The package class called ``name``; UnknownFormat lists the valid names otherwise."""
    packages = available()
    try:
        return packages[name]
    except KeyError:
        raise UnknownFormat(name, packages) from None


__all__ = ["ENTRY_POINT_GROUP", "Bagit", "DspaceSaf", "OaiStatic", "Package", "PackageSettings", "available",
           "datestamp", "get", "oai_identifier", "original_files", "subject_sets", "write_tag_files"]

"""``dspace-saf``: a DSpace Simple Archive Format directory (``dspace-saf/``) and its zip (``dspace-saf.zip``).

One item directory per record (named by the record id) with ``dublin_core.xml`` (the fields of DSpace's
default ``dc`` registry), ``metadata_dcterms.xml`` (qualified terms with no ``dc`` field there: subject URIs,
provenance, other dates, rights holder…), the EPUB and the original captures as bitstreams listed in
``contents``, and ``collections`` when a collection handle is given.

The zip's entries are deflated once: on a cluster each partition's item folders and zip entries are written by a
worker, and here the folders are moved into place and the entries copied, in input order, without recompressing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from .._constants import XML_HEAD, ZIP_TIME
from .._paths import read_regular
from .._zip import ZipWriter
from ..exporters import Statement, statements
from ..exporters import get as get_exporter
from ..records import relator
from ._base import Package, PackagePart, PackageSettings, Record, original_files

_DC_FIELDS = {
    "title": ("title", None), "alternative": ("title", "alternative"), "creator": ("contributor", "author"),
    "contributor": ("contributor", None), "abstract": ("description", "abstract"),
    "tableOfContents": ("description", "tableofcontents"), "publisher": ("publisher", None),
    "created": ("date", "created"), "issued": ("date", "issued"), "type": ("type", None),
    "format": ("format", "mimetype"), "extent": ("format", "extent"), "language": ("language", "iso"),
    "isPartOf": ("relation", "ispartof"), "hasPart": ("relation", "haspart"),
    "isVersionOf": ("relation", "isversionof"), "hasVersion": ("relation", "hasversion"),
    "isReferencedBy": ("relation", "isreferencedby"), "requires": ("relation", "requires"),
    "replaces": ("relation", "replaces"), "isReplacedBy": ("relation", "isreplacedby"),
    "isFormatOf": ("relation", "isformatof"), "spatial": ("coverage", "spatial"), "temporal": ("coverage", "temporal"),
}


#: Relator codes with a qualifier of their own in DSpace's default Dublin Core registry (dc.contributor.editor...).
_CONTRIBUTOR_ROLES = {"edt": "editor", "ill": "illustrator", "ths": "advisor", "dgs": "advisor"}


def _split(record: Record) -> tuple[list[tuple[str, str | None, Statement]], list[Statement]]:
    dc: list[tuple[str, str | None, Statement]] = []
    dcterms: list[Statement] = []
    roles = iter([_CONTRIBUTOR_ROLES.get(getattr(relator(a.get("role")), "code", "")) for a in
                  record.get("contributors", [])])  # the contributors' statements come in the record's order
    for item in statements(record, qualified=True):
        if item.name == "contributor":
            dc.append(("contributor", next(roles, None), item))
        elif item.name == "subject":
            if item.xsi_type == "dcterms:URI":
                dcterms.append(item)
            else:
                dc.append(("subject", "lcsh" if item.xsi_type == "dcterms:LCSH" else None, item))
        elif item.name in ("identifier", "source", "rights"):
            qualifier = "uri" if item.xsi_type == "dcterms:URI" else None
            dc.append((item.name, qualifier, item))
        elif item.name in _DC_FIELDS:
            element, qualifier = _DC_FIELDS[item.name]
            dc.append((element, qualifier, item))
        else:
            dcterms.append(item)
    return dc, dcterms


def _document(schema: str, values: Iterator[tuple[str, str | None, Statement]]) -> bytes:
    root = etree.Element("dublin_core", schema=schema)
    for element, qualifier, item in values:
        value = etree.SubElement(root, "dcvalue", element=element, qualifier=qualifier or "none")
        if item.lang:
            value.set("language", item.lang)
        value.text = item.value
    etree.indent(root, space="  ")
    return XML_HEAD + etree.tostring(root, encoding="UTF-8") + b"\n"


def item_files(record: Record, exports: Mapping[str, Path], base: Path | None) -> dict[str, bytes]:
    """The files of one SAF item directory, by name."""
    dc, dcterms = _split(record)
    files = {"dublin_core.xml": _document("dc", iter(dc)),
             "metadata_dcterms.xml": _document("dcterms", ((s.name, None, s) for s in dcterms))}
    epub_name = f"{record['id']}.epub"
    epub = exports["epub"].read_bytes() if "epub" in exports else get_exporter("epub").export(record)
    bitstreams = [(epub_name, epub, f"EPUB 3 edition of {record['id']}")]
    taken = {"dublin_core.xml", "metadata_dcterms.xml", "contents", "collections", "handle", epub_name}
    for entry, path in original_files(record, base):
        name = Path(entry["path"]).name
        while name in taken:
            name = f"original-{name}"
        taken.add(name)
        bitstreams.append((name, read_regular(path), f"original capture ({entry['media_type']})"))
    lines = []
    for name, data, description in bitstreams:
        files[name] = data
        lines.append(f"{name}\tbundle:ORIGINAL\tdescription:{' '.join(description.split())}")
    files["contents"] = ("\n".join(lines) + "\n").encode("utf-8")
    return files


_ATTRIBUTES = 0o644 << 16  # rw-r--r--, as the archive has always had
_ENTRIES, _INDEX = "dspace-saf.zip.entries", "dspace-saf.zip.index"


def _write_item(folder: Path, archive: ZipWriter, record: Record, exports: Mapping[str, Path], base: Path | None,
                settings: PackageSettings) -> None:
    """Write one record's item folder under ``folder`` and its files into ``archive``."""
    files = item_files(record, exports, base)
    if settings.dspace_collection:
        files["collections"] = settings.dspace_collection.encode("utf-8")
    item = folder / record["id"]
    item.mkdir()
    for name in sorted(files):
        (item / name).write_bytes(files[name])
        archive.add(f"{record['id']}/{name}", files[name], attributes=_ATTRIBUTES)


def _open(entries: Path, index: Path) -> tuple[BinaryIO, BinaryIO]:
    """The files a ZipWriter writes its entries and its index to (the index is read back by finish())."""
    first = open(entries, "wb")  # noqa: SIM115 closed with the writer
    try:
        return first, open(index, "w+b")
    except BaseException:
        first.close()
        raise


class _Part(PackagePart):
    """Some records' item folders under ``items/`` and their zip entries (``dspace-saf.zip.entries`` and its
    index); close() gives the item names in order."""

    def __init__(self, folder: Path, root: Path, settings: PackageSettings) -> None:
        super().__init__(folder, root, settings)
        (folder / "items").mkdir()
        self._files = _open(folder / _ENTRIES, folder / _INDEX)
        self._zip = ZipWriter(*self._files, ZIP_TIME)
        self._items: list[str] = []

    def add(self, record: Record, exports: Mapping[str, Path], base: Path | None) -> None:
        _write_item(self.folder / "items", self._zip, record, exports, base, self.settings)
        self._items.append(record["id"])

    def close(self) -> list[str]:
        for stream in self._files:
            stream.close()
        return self._items


class DspaceSaf(Package):
    name = "dspace-saf"
    description = "DSpace Simple Archive Format: one item directory per record, plus a zip of the archive"
    splits = True

    def __init__(self, root: Path, settings: PackageSettings) -> None:
        super().__init__(root, settings)
        self.final = self.root / "dspace-saf"
        self.work = self.root / ".dspace-saf.part"
        self.zip_final = self.root / "dspace-saf.zip"
        self.zip_work = self.root / ".dspace-saf.zip.part"
        self.zip_index = self.root / ".dspace-saf.zip.index.part"  # the central directory, until finish()
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self._files = _open(self.zip_work, self.zip_index)
        self._zip = ZipWriter(*self._files, ZIP_TIME)

    def add(self, record: Record, exports: Mapping[str, Path], base: Path | None) -> None:
        _write_item(self.work, self._zip, record, exports, base, self.settings)

    @classmethod
    def part(cls, folder: Path, root: Path, settings: PackageSettings) -> PackagePart:
        return _Part(folder, root, settings)

    def join(self, folder: Path, summary: Any) -> None:
        for name in summary:
            (folder / "items" / name).rename(self.work / name)
        with open(folder / _ENTRIES, "rb") as entries, open(folder / _INDEX, "rb") as index:
            self._zip.append(entries, index)

    def finish(self) -> list[Path]:
        self._zip.finish()
        self._close()
        shutil.rmtree(self.final, ignore_errors=True)
        self.work.rename(self.final)
        self.zip_work.replace(self.zip_final)
        return [self.final, self.zip_final]

    def abort(self) -> None:
        self._close()
        shutil.rmtree(self.work, ignore_errors=True)
        self.zip_work.unlink(missing_ok=True)

    def _close(self) -> None:
        for stream in self._files:
            stream.close()
        self.zip_index.unlink(missing_ok=True)


__all__ = ["DspaceSaf", "item_files"]

"""Qualified Dublin Core (DCMI terms) in archivist's container element, valid against dcterms.xsd."""

from __future__ import annotations

from lxml import etree

from ._base import Exporter, Record
from ._dc import DC, DCTERMS, XSI, append_statements, serialize, statements

CONTAINER_NS = "urn:x-archivist:qdc:1"
SCHEMA_LOCATION = f"{DCTERMS} http://dublincore.org/schemas/xmls/qdc/2008/02/11/dcterms.xsd"


def element(record: Record) -> etree._Element:
    """The ``qualifieddc`` container of dcterms elements for a record."""
    root = etree.Element(f"{{{CONTAINER_NS}}}qualifieddc",
                         nsmap={None: CONTAINER_NS, "dc": DC, "dcterms": DCTERMS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    append_statements(root, statements(record, qualified=True))
    return root


def export(record: Record) -> bytes:
    """The record as a qualified Dublin Core XML document."""
    return serialize(element(record))


EXPORTER = Exporter(
    name="dcterms",
    extension=".dcterms.xml",
    media_type="application/xml",
    description="Qualified Dublin Core (DCMI Metadata Terms)",
    export=export,
)

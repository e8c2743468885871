"""Qualified Dublin Core (DCMI terms) in archivist's container element, valid against dcterms.xsd."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree


from ._base import Exporter, Record
from ._dc import DC, DCTERMS, XSI, container, document

CONTAINER_NS = "urn:x-archivist:qdc:1"
SCHEMA_LOCATION = f"{DCTERMS} http://dublincore.org/schemas/xmls/qdc/2008/02/11/dcterms.xsd"
_NAMESPACES = f' xmlns="{CONTAINER_NS}" xmlns:dc="{DC}" xmlns:dcterms="{DCTERMS}" xmlns:xsi="{XSI}"'


def element(record: Record) -> "etree._Element":
    """The ``qualifieddc`` container of dcterms elements for a record."""
    nsmap = {None: CONTAINER_NS, "dc": DC, "dcterms": DCTERMS, "xsi": XSI}
    return container(f"{{{CONTAINER_NS}}}qualifieddc", nsmap, SCHEMA_LOCATION, record, qualified=True)


def export(record: Record) -> bytes:
    """The record as a qualified Dublin Core XML document."""
    return document("qualifieddc", _NAMESPACES, SCHEMA_LOCATION, record, qualified=True)


EXPORTER = Exporter(
    name="dcterms",
    extension=".dcterms.xml",
    media_type="application/xml",
    description="Qualified Dublin Core (DCMI Metadata Terms)",
    export=export,
)

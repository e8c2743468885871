"""Qualified Dublin Core (DCMI terms) in archivist's container element, valid against archivist-qdc.xsd.

The container schema (``schemas/archivist-qdc.xsd``, which imports DCMI's dcterms.xsd by its official URL) is
served by ``archivist serve`` at ``<server>/schemas/archivist-qdc.xsd``; ``xsi:schemaLocation`` names it there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree


from .._constants import DC, DCTERMS, XSI
from ._base import Exporter, Record
from ._dc import container, document
from ._dc import write as write_container
from ._markup import Markup

CONTAINER_NS = "urn:x-archivist:qdc:1"
DCTERMS_XSD = "http://dublincore.org/schemas/xmls/qdc/2008/02/11/dcterms.xsd"
#: Where files name the container schema when no server address is given: `archivist serve` at its default address.
DEFAULT_SCHEMA_BASE = "http://localhost:8080/schemas/"
_NAMESPACES = f' xmlns="{CONTAINER_NS}" xmlns:dc="{DC}" xmlns:dcterms="{DCTERMS}" xmlns:xsi="{XSI}"'


def schema_location(schema_base: str = DEFAULT_SCHEMA_BASE) -> str:
    """``xsi:schemaLocation``: the container schema under ``schema_base`` (a URL ending in ``/``), and DCMI's."""
    return f"{CONTAINER_NS} {schema_base}archivist-qdc.xsd {DCTERMS} {DCTERMS_XSD}"


SCHEMA_LOCATION = schema_location()


def element(record: Record, schema_base: str = DEFAULT_SCHEMA_BASE) -> etree._Element:
    """The ``qualifieddc`` container of dcterms elements for a record (the OAI-PMH provider passes its own
    ``schema_base``)."""
    nsmap = {None: CONTAINER_NS, "dc": DC, "dcterms": DCTERMS, "xsi": XSI}
    return container(f"{{{CONTAINER_NS}}}qualifieddc", nsmap, schema_location(schema_base), record, qualified=True)


def write(doc: Markup, record: Record) -> None:
    """The ``qualifieddc`` container written where ``doc`` stands (a METS dmdSec)."""
    write_container(doc, "qualifieddc", _NAMESPACES, SCHEMA_LOCATION, record, qualified=True)


def export(record: Record, schema_base: str = DEFAULT_SCHEMA_BASE) -> bytes:
    """The record as a qualified Dublin Core XML document (naming the container schema under ``schema_base``)."""
    location = SCHEMA_LOCATION if schema_base == DEFAULT_SCHEMA_BASE else schema_location(schema_base)
    return document("qualifieddc", _NAMESPACES, location, record, qualified=True)


EXPORTER = Exporter(
    name="dcterms",
    extension=".dcterms.xml",
    media_type="application/xml",
    description="Qualified Dublin Core (DCMI Metadata Terms)",
    export=export,
)

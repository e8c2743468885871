"""Simple Dublin Core as ``oai_dc:dc``, valid against the OAI's oai_dc.xsd."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree


from .._constants import DC, XSI
from ._base import Exporter, Record
from ._dc import container, document

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
SCHEMA_LOCATION = f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
_NAMESPACES = f' xmlns:oai_dc="{OAI_DC}" xmlns:dc="{DC}" xmlns:xsi="{XSI}"'


def element(record: Record) -> etree._Element:
    """The ``oai_dc:dc`` element for a record (also embedded in OAI-PMH responses)."""
    return container(f"{{{OAI_DC}}}dc", {"oai_dc": OAI_DC, "dc": DC, "xsi": XSI}, SCHEMA_LOCATION, record,
                     qualified=False)


def export(record: Record) -> bytes:
    """The record as an oai_dc XML document."""
    return document("oai_dc:dc", _NAMESPACES, SCHEMA_LOCATION, record, qualified=False)


EXPORTER = Exporter(
    name="oai_dc",
    extension=".oai_dc.xml",
    media_type="application/xml",
    description="Simple Dublin Core (OAI-PMH oai_dc)",
    export=export,
)

"""Names and fixed values several writers share: XML namespaces, the XML declaration, the ZIP entry date."""

from __future__ import annotations

XSI = "http://www.w3.org/2001/XMLSchema-instance"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
#: The declaration as the first line of a UTF-8 file.
XML_HEAD = f"{XML_DECLARATION}\n".encode("ascii")
#: Every ZIP entry's date: the earliest a ZIP can hold, so archives never carry the clock.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

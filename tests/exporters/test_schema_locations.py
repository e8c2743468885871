"""Every xsi:schemaLocation an XML export names leads (through the shipped copies) to schemas that compile,
declare its root and validate it."""

from __future__ import annotations

from typing import Any

import pytest

from archivist.exporters import get
from tests.exporters.conftest import all_cases
from tests.oracles import schema_location_errors

XML_FORMATS = ["oai_dc", "dcterms", "marcxml"]


@pytest.mark.parametrize("case", ["seed", "minimal", "rtl-arabic", "cjk-full", "deep-headings", "every-field"])
@pytest.mark.parametrize("name", XML_FORMATS)
def test_schema_locations_compile_and_validate(seed: dict[str, Any], name: str, case: str) -> None:
    assert schema_location_errors(get(name).export(all_cases(seed)[case])) == []


def test_dcterms_container_schema_is_named() -> None:
    from archivist.exporters import dcterms

    assert "urn:x-archivist:qdc:1 http://localhost:8080/schemas/archivist-qdc.xsd" in dcterms.SCHEMA_LOCATION
    assert "archivist-qdc.xsd" in dcterms.schema_location("https://repo.example.org/schemas/")


@pytest.mark.parametrize(("location", "expected"), [
    # only DCMI's schema: it does not declare the container, the fault this check was written for
    ("http://purl.org/dc/terms/ http://dublincore.org/schemas/xmls/qdc/2008/02/11/dcterms.xsd",
     "No matching global declaration"),
    ("urn:x-archivist:qdc:1 https://elsewhere.example.org/archivist-qdc.xsd", "neither an official schema URL"),
    ("urn:x-archivist:qdc:1 http://dublincore.org/schemas/xmls/qdc/2008/02/11/dcterms.xsd", "declares namespace"),
])
def test_check_can_fail(minimal: dict[str, Any], location: str, expected: str) -> None:
    from archivist.exporters import dcterms

    xml = dcterms.export(minimal).replace(dcterms.SCHEMA_LOCATION.encode(), location.encode())
    assert any(expected in error for error in schema_location_errors(xml))

"""What keeps a record's page and files fast: the METS beside every page never asks FIDO (~25 ms a file) about
a file archivist wrote itself, since the format of each is known by construction."""

from __future__ import annotations

from archivist.exporters import builtin_names
from archivist.exporters._formats import OUTPUT_FORMATS


def test_every_built_in_export_has_its_format_known_to_mets() -> None:
    assert set(builtin_names()) <= set(OUTPUT_FORMATS)

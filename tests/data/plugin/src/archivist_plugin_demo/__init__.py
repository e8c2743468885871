"""A test plugin: exports a record's title as plain text."""

from archivist.exporters import Exporter

EXPORTER = Exporter(
    name="demo-title",
    extension=".title.txt",
    media_type="text/plain",
    description="The record title as plain text (test plugin)",
    export=lambda record: (record["title"] + "\n").encode("utf-8"),
)

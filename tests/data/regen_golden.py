"""Rewrite the golden exports of the seed record (run by hand, then review the diff by eye)."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

from archivist.exporters import available

HERE = Path(__file__).resolve().parent
SEED = HERE.parent.parent / "records" / "mrta-globalsecurity.json"
GOLDEN = HERE / "golden"


def main() -> None:
    record = json.loads(SEED.read_text(encoding="utf-8"))
    for name in ("oai_dc", "dcterms", "jsonld", "marcxml", "marc21", "csl-json", "bibtex", "ris",
                 "datacite"):
        exporter = available()[name]
        (GOLDEN / exporter.filename(record)).write_bytes(exporter.export(record))
    unpacked = GOLDEN / "mrta-globalsecurity.epub.d"
    shutil.rmtree(unpacked, ignore_errors=True)
    with zipfile.ZipFile(io.BytesIO(available()["epub"].export(record))) as archive:
        archive.extractall(unpacked)


if __name__ == "__main__":
    main()

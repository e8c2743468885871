"""MARCXML collections: archivist's writer against pymarc's ``XMLWriter``, on the same records.

    python benchmarks/marcxml_writer.py --records 2000

Builds N records from the seed record (ids and titles varied), then writes one MARCXML collection of them
with each writer, each building the pymarc records from the archivist records (best of three), and reports
records per second, whether the bytes are identical, and whether the files hold the same MARC records (read back
with pymarc). Issue #17 asked to use pymarc's writer if it gives the same bytes. The timings vary by machine.
"""

from __future__ import annotations

import argparse
import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pymarc import XMLWriter, parse_xml_to_array

from archivist.exporters.marcxml import to_marc, write_collection
from archivist.packages import PackageSettings
from archivist.packages.marc_collection import MarcxmlCollection

SEED = Path(__file__).resolve().parent.parent / "records" / "mrta-globalsecurity.json"


def ours(records: list[dict[str, Any]]) -> bytes:
    """archivist's exporter: one streamed ``<marc:collection>`` (records rebuilt from the archivist record)."""
    buffer = io.BytesIO()
    write_collection(records, buffer)
    return buffer.getvalue()


def ours_package(records: list[dict[str, Any]]) -> bytes:
    """The ``marcxml-collection`` package, as a batch writes it (into a temporary folder)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        package = MarcxmlCollection(Path(folder), PackageSettings())
        for record in records:
            package.add(record, {}, None)
        (target,) = package.finish()
        return target.read_bytes()


def pymarc_writer(records: list[dict[str, Any]]) -> bytes:
    """pymarc's ``XMLWriter`` over the pymarc records archivist builds (``to_marc``)."""
    buffer = io.BytesIO()
    writer = XMLWriter(buffer)
    for record in records:
        writer.write(to_marc(record))
    writer.close(close_fh=False)
    return buffer.getvalue()


def timed(write: Callable[[list[dict[str, Any]]], bytes], records: list[dict[str, Any]]) -> tuple[float, bytes]:
    best, data = float("inf"), b""
    for _ in range(3):
        start = time.perf_counter()
        data = write(records)
        best = min(best, time.perf_counter() - start)
    return best, data


def fields(data: bytes) -> list[list[str]]:
    """Each record's leader and fields as text: what a reader gets, whatever the markup."""
    marc = parse_xml_to_array(io.BytesIO(data))  # type: ignore[no-untyped-call]  # pymarc leaves it unannotated
    return [[str(r.leader)] + [str(f) for f in r.fields] for r in marc]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=2000)
    count = parser.parse_args().records
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    records = [dict(seed, id=f"r{n:07d}", title=f"{seed['title']} {n}") for n in range(count)]
    results = {name: timed(write, records) for name, write in
               (("archivist write_collection", ours), ("archivist marcxml-collection", ours_package),
                ("pymarc XMLWriter", pymarc_writer))}
    reference = results["archivist write_collection"][1]
    print(f"{count} records, best of 3")
    print(f"{'writer':32} {'records/s':>10} {'MB':>7}  same bytes  same MARC records")
    for name, (seconds, data) in results.items():
        print(f"{name:32} {count / seconds:10.0f} {len(data) / 1e6:7.2f}  {data == reference!s:10}  "
              f"{fields(data) == fields(reference)}")
    print("first bytes, archivist:", reference[:120])
    print("first bytes, pymarc:   ", results["pymarc XMLWriter"][1][:120])


if __name__ == "__main__":
    main()

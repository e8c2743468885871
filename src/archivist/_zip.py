"""ZIP archives written in one pass: stored or deflated entries, one fixed timestamp, ZIP64 where needed.

The bytes are those ``zipfile`` writes for the same entries (tested), without its per-entry seek-back. The
central directory waits in an index (a file: an archive may hold millions of entries), so an archive can also be
written in parts, on other machines, and joined in order without recompressing: a part's entries are copied
byte for byte and only the offsets in its index move.
"""

from __future__ import annotations

import io
import shutil
import struct
import zlib
from collections.abc import Iterator, Sequence
from typing import BinaryIO

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_END64 = struct.Struct("<4sQ2H2L4Q")
_LOCATOR64 = struct.Struct("<4sLQL")
_INDEX = struct.Struct("<L3Q4HLH")  # crc, compressed and real size, offset, flags, method, time, date, attributes, name
_VERSION = 20  # 2.0: what a reader needs for stored and deflated entries
_VERSION64 = 45  # 4.5: ZIP64
_UNIX = 3
_UTF8_NAME = 0x800
_LIMIT = (1 << 31) - 1  # past this, zipfile (and so this writer) uses ZIP64 fields
_MAX_COUNT = 0xFFFF
STORED, DEFLATED = 0, 8
REGULAR_FILE = 0o100644 << 16
"""The external attributes of a Unix regular file, rw-r--r--."""

DateTime = tuple[int, int, int, int, int, int]


class ZipWriter:
    """Entries written to ``out`` one after another, their central directory kept in ``index`` until
    :meth:`finish` writes it. Without ``finish``, ``out`` and ``index`` are a part that :meth:`append` joins
    to another writer."""

    def __init__(self, out: BinaryIO, index: BinaryIO, date_time: DateTime) -> None:
        self.out, self.index = out, index
        year, month, day, hour, minute, second = date_time
        self._date = (year - 1980) << 9 | month << 5 | day
        self._time = hour << 11 | minute << 5 | second // 2
        self.offset = 0  # bytes of entries written so far
        self.count = 0

    def add(self, name: str, data: bytes, *, method: int = DEFLATED, attributes: int = REGULAR_FILE) -> None:
        """Write one entry (deflated at zlib's default level, as zipfile does, or stored)."""
        encoded = name.encode("utf-8")
        flags = 0 if name.isascii() else _UTF8_NAME
        size = len(data)
        if method == DEFLATED:
            compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
            body = compressor.compress(data) + compressor.flush()
        else:
            body = data
        crc = zlib.crc32(data)
        extra, version, shown = b"", _VERSION, (len(body), size)
        if size * 1.05 > _LIMIT:  # zipfile's rule: the data might grow past 2 GiB
            extra = struct.pack("<HHQQ", 1, 16, size, len(body))
            if size > _LIMIT or len(body) > _LIMIT:
                version, shown = _VERSION64, (0xFFFFFFFF, 0xFFFFFFFF)
        self.out.write(_LOCAL.pack(b"PK\x03\x04", version, 0, flags, method, self._time, self._date, crc, *shown,
                                   len(encoded), len(extra)) + encoded + extra)
        self.out.write(body)
        self.index.write(_INDEX.pack(crc, len(body), size, self.offset, flags, method, self._time, self._date,
                                     attributes, len(encoded)) + encoded)
        self.offset += _LOCAL.size + len(encoded) + len(extra) + len(body)
        self.count += 1

    def append(self, entries: BinaryIO, index: BinaryIO) -> None:
        """Append a part: the ``entries`` and ``index`` another writer wrote (not finished), in its order. The
        entries are copied as they are; only the offsets the index holds move by where the part lands."""
        base, start = self.offset, entries.tell()
        shutil.copyfileobj(entries, self.out, 1 << 20)
        self.offset += entries.tell() - start
        for fields, name in _records(index):
            self.index.write(_INDEX.pack(*fields[:3], fields[3] + base, *fields[4:]) + name)
            self.count += 1

    def finish(self) -> None:
        """Write the central directory and the end records (ZIP64 ones past 65,535 entries or 2 GiB)."""
        start = self.offset
        self.index.flush()
        self.index.seek(0)
        size = 0
        for (crc, packed, real, offset, flags, method, time, date, attributes, _), name in _records(self.index):
            fields: list[int] = []
            if real > _LIMIT or packed > _LIMIT:
                fields += (real, packed)
                real = packed = 0xFFFFFFFF
            if offset > _LIMIT:
                fields.append(offset)
                offset = 0xFFFFFFFF
            extra = struct.pack(f"<HH{len(fields)}Q", 1, 8 * len(fields), *fields) if fields else b""
            version = _VERSION64 if fields else _VERSION
            record = _CENTRAL.pack(b"PK\x01\x02", version, _UNIX, version, 0, flags, method, time, date, crc,
                                   packed, real, len(name), len(extra), 0, 0, 0, attributes, offset) + name + extra
            self.out.write(record)
            size += len(record)
        count = self.count
        if count > _MAX_COUNT or start > _LIMIT or size > _LIMIT:
            self.out.write(_END64.pack(b"PK\x06\x06", 44, _VERSION64, _VERSION64, 0, 0, count, count, size, start))
            self.out.write(_LOCATOR64.pack(b"PK\x06\x07", 0, start + size, 1))
            count, size, start = min(count, _MAX_COUNT), min(size, 0xFFFFFFFF), min(start, 0xFFFFFFFF)
        self.out.write(_END.pack(b"PK\x05\x06", 0, 0, count, count, size, start, 0))


def _records(index: BinaryIO) -> Iterator[tuple[tuple[int, ...], bytes]]:
    """The entries of an index from where it is read: their fields, and the name as bytes."""
    while head := index.read(_INDEX.size):
        fields = _INDEX.unpack(head)
        yield fields, index.read(fields[-1])


def stored_zip(entries: Sequence[tuple[str, bytes]], date_time: DateTime) -> bytes:
    """The archive of ``(name, data)`` entries in order, each stored (not deflated), all dated ``date_time``."""
    out = io.BytesIO()
    writer = ZipWriter(out, io.BytesIO(), date_time)
    for name, data in entries:
        writer.add(name, data, method=STORED)
    writer.finish()
    return out.getvalue()

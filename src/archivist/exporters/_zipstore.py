"""A ZIP archive of uncompressed entries with one fixed timestamp, written in one pass.

The bytes are those ``zipfile`` writes for the same entries (tested), without its per-entry seek-back and
object overhead; nothing depends on the clock or on zlib's compressor, only on the entries.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20  # 2.0: what a reader needs for stored entries
_UNIX = 3
_REGULAR_FILE = 0o100644 << 16
_UTF8_NAME = 0x800
_ZIP32_LIMIT = (1 << 31) - 1


def stored_zip(entries: Sequence[tuple[str, bytes]], date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """The archive of ``(name, data)`` entries in order, each stored (not deflated), all dated ``date_time``."""
    year, month, day, hour, minute, second = date_time
    dos_date = (year - 1980) << 9 | month << 5 | day
    dos_time = hour << 11 | minute << 5 | second // 2
    parts: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data in entries:
        encoded = name.encode("utf-8")
        flags = 0 if name.isascii() else _UTF8_NAME
        size = len(data)
        if size > _ZIP32_LIMIT or offset > _ZIP32_LIMIT:
            raise ValueError(f"{name}: entries past 2 GiB need ZIP64, which this writer does not produce")
        crc = zlib.crc32(data)
        header = _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, flags, 0, dos_time, dos_date, crc, size, size,
                             len(encoded), 0)
        parts += (header, encoded, data)
        central.append(_CENTRAL.pack(b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, flags, 0, dos_time, dos_date,
                                     crc, size, size, len(encoded), 0, 0, 0, 0, _REGULAR_FILE, offset) + encoded)
        offset += len(header) + len(encoded) + size
    directory = b"".join(central)
    parts += (directory, _END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0))
    return b"".join(parts)

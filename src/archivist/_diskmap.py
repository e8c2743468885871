"""A string-to-string map kept in a temporary SQLite file, so a batch's memory stays flat at any size.

A batch must remember every record id it has seen (to refuse duplicates) and, when resuming, every entry of the
previous run's journal; an ingest every record id and original it wrote. In a dict these grow with the run, by
hundreds of megabytes at a million records.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from types import TracebackType

_COMMIT_EVERY = 2000


def _b(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # ids and file names may hold lone surrogates


def _s(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


class DiskMap:
    """Keys and values on disk; SQLite's page cache (2 MB by default) is all it holds in memory.

    The database is SQLite's private temporary one (an empty file name): its file is unlinked as soon as it is
    opened, so nothing is left in the temporary folder even when the process is killed."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE map (key BLOB PRIMARY KEY, value BLOB NOT NULL, seq INTEGER NOT NULL) "
                         "WITHOUT ROWID")
        self._db.execute("BEGIN")
        self._writes = 0
        self._seq = 0

    def _wrote(self) -> None:
        self._seq += 1
        self._writes += 1
        if self._writes >= _COMMIT_EVERY:
            self._db.execute("COMMIT")
            self._db.execute("BEGIN")
            self._writes = 0

    def get(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM map WHERE key = ?", (_b(key),)).fetchone()
        return _s(row[0]) if row else None

    def add(self, key: str, value: str) -> str | None:
        """Store ``value`` under a new ``key`` and return None; for a key already there, return its value."""
        if self._db.execute("INSERT OR IGNORE INTO map VALUES (?, ?, ?)", (_b(key), _b(value), self._seq)).rowcount:
            self._wrote()
            return None
        return self.get(key)

    def put(self, key: str, value: str, *, last: bool = False) -> None:
        """Store ``value`` under ``key``, replacing any value; the key keeps its first position, or with ``last``
        moves to the end."""
        update = "value = excluded.value, seq = excluded.seq" if last else "value = excluded.value"
        self._db.execute(f"INSERT INTO map VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET {update}",
                         (_b(key), _b(value), self._seq))
        self._wrote()

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key: str, value: str) -> None:
        self.put(key, value)

    def values(self) -> Iterator[str]:
        """Every value, in the order of its key's position."""
        yield from (_s(row[0]) for row in self._db.execute("SELECT value FROM map ORDER BY seq"))

    def __len__(self) -> int:
        count: int = self._db.execute("SELECT count(*) FROM map").fetchone()[0]
        return count

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> DiskMap:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

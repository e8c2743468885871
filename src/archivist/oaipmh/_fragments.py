"""Rendered metadata, kept: each record's payload in a format (its ``oai_dc``, ``dcterms`` or ``marcxml``
element), by the SHA-256 of the record's bytes, in a table of the index database, so that a page of records
already served reads their files and hashes them but neither parses, validates nor renders them again.

A fragment is served only if this run made it: each is signed (BLAKE2b with a key drawn when the index was
opened, held in memory only and inherited by the worker processes) over the record's SHA-256, the format, the
header digest of the record (id, datestamp, sets) and the payload. The table is emptied at start. So a table
planted in the index, or rows edited while it serves, are never served: they fail the signature and the record
is rendered from its file again. Writing is best effort: a busy database (an index rebuild) skips it."""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import threading
import zlib
from collections.abc import Sequence
from pathlib import Path

_SCHEMA = """CREATE TABLE IF NOT EXISTS fragments (sha256 BLOB NOT NULL, format TEXT NOT NULL, header BLOB NOT NULL,
             body BLOB NOT NULL, mac BLOB NOT NULL, PRIMARY KEY (sha256, format))"""

_LOG_LIMIT = 64 << 20
#: A fragment to keep: the record bytes' SHA-256, the header digest, the payload.
Fragment = tuple[bytes, bytes, bytes]


class Fragments:
    """The signed payload table of the index at ``database``; ``reset()`` (in the serving process, before any
    worker starts) empties it and draws the key."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self._key = b""
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def reset(self, connection: sqlite3.Connection) -> None:
        """A new key, and the table (made if absent) emptied: nothing of another run is ever served."""
        self._key = os.urandom(32)
        connection.execute(_SCHEMA)
        connection.execute("DELETE FROM fragments")

    def after_fork(self) -> None:
        """In a forked worker: open connections of its own (the parent's are left alone, never used here)."""
        self._local = threading.local()
        self._connections = []
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()

    def _sign(self, sha256: bytes, prefix: str, header: bytes, body: bytes) -> bytes:
        mac = hashlib.blake2b(key=self._key, digest_size=32)
        for part in (sha256, prefix.encode("ascii"), header, body):
            mac.update(len(part).to_bytes(8, "big"))
            mac.update(part)
        return mac.digest()

    def get(self, db: sqlite3.Connection, digests: Sequence[bytes], prefix: str) -> dict[bytes, tuple[bytes, bytes]]:
        """The kept fragments of these records in format ``prefix`` whose signature holds: header digest and
        payload, by SHA-256 (through ``db``, in the caller's read transaction)."""
        if not self._key or not digests:
            return {}
        marks = ",".join("?" * len(digests))
        found = {}
        for sha256, header, packed, mac in db.execute(
                f"SELECT sha256, header, body, mac FROM fragments WHERE format = ? AND sha256 IN ({marks})",
                [prefix, *digests]):
            try:
                body = zlib.decompress(packed)
            except zlib.error:
                continue
            if hmac.compare_digest(self._sign(sha256, prefix, header, body), mac):
                found[sha256] = (header, body)
        return found

    def put(self, fragments: Sequence[Fragment], prefix: str, wait: float = 0.05) -> None:
        """Keep these fragments, signed; skipped when the database stays busy ``wait`` seconds (a rebuild holds
        it) or fails."""
        if not self._key or not fragments:
            return
        rows = [(sha256, prefix, header, zlib.compress(body, 1), self._sign(sha256, prefix, header, body))
                for sha256, header, body in fragments]
        try:
            with self._writer() as db:
                db.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
                db.executemany("INSERT OR REPLACE INTO fragments VALUES (?, ?, ?, ?, ?)", rows)
        except sqlite3.Error:
            pass

    def _writer(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "writer", None)
        if connection is None:
            connection = sqlite3.connect(self.database, timeout=0.05, check_same_thread=False)
            connection.execute(f"PRAGMA journal_size_limit = {_LOG_LIMIT}")  # the log shrinks back once copied
            self._local.writer = connection
            with self._lock:
                self._connections.append(connection)
        return connection

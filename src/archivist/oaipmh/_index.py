"""The SQLite index an OAI-PMH data provider answers from: valid records by id, datestamp and set.

Built on first use and rebuilt when the record files change (their paths, sizes and modification times).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .._report import validate_paths
from ..packages import datestamp, subject_sets
from ..records import Problem, record_files

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, datestamp TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS records_datestamp ON records (datestamp, id);
CREATE TABLE IF NOT EXISTS sets (spec TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS record_sets (spec TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (spec, id));
"""


def _signature(paths: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for file in record_files(paths):
        stat = os.stat(file)
        digest.update(f"{file}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _parents(spec: str) -> Iterator[str]:
    parts = spec.split(":")
    for n in range(1, len(parts) + 1):
        yield ":".join(parts[:n])


class RecordIndex:
    """Valid records of ``paths`` in SQLite at ``database``; ``problems`` lists the records left out and why."""

    def __init__(self, paths: Iterable[str | os.PathLike[str]], database: str | os.PathLike[str]) -> None:
        self.paths = [os.fspath(p) for p in paths]
        self.database = Path(database)
        self.problems: list[Problem] = []
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(self.database, check_same_thread=False)
        self._connection.executescript(_SCHEMA)
        self.refresh()

    def refresh(self) -> bool:
        """Rebuild the index if the record files changed; True when it did."""
        signature = _signature(self.paths)
        with self._lock:
            row = self._connection.execute("SELECT value FROM meta WHERE key = 'signature'").fetchone()
            if row is not None and row[0] == signature:
                return False
            self._rebuild(signature)
            return True

    def _rebuild(self, signature: str) -> None:
        db = self._connection
        problems: list[Problem] = []
        with db:
            db.execute("DELETE FROM records")
            db.execute("DELETE FROM sets")
            db.execute("DELETE FROM record_sets")
            for outcome in validate_paths(self.paths, check_files=False):
                if not outcome.ok:
                    problems.extend(outcome.problems)
                    continue
                record = outcome.entry.data
                inserted = db.execute("INSERT OR IGNORE INTO records VALUES (?, ?, ?)",
                                      (record["id"], datestamp(record), json.dumps(record, ensure_ascii=False)))
                if inserted.rowcount == 0:
                    problems.append(Problem(f"duplicate record id {record['id']!r}: the first one is served",
                                            pointer="/id", file=outcome.entry.file, line=outcome.entry.line))
                    continue
                for spec, name in subject_sets(record):
                    for parent in _parents(spec):
                        label = name if parent == spec else parent.replace(":", " ")
                        db.execute("INSERT OR IGNORE INTO sets VALUES (?, ?)", (parent, label))
                        db.execute("INSERT OR IGNORE INTO record_sets VALUES (?, ?)", (parent, record["id"]))
            db.execute("INSERT OR REPLACE INTO meta VALUES ('signature', ?)", (signature,))
        self.problems = problems

    def get(self, record_id: str) -> tuple[dict[str, Any], str] | None:
        with self._lock:
            row = self._connection.execute("SELECT data, datestamp FROM records WHERE id = ?", (record_id,)).fetchone()
        return (json.loads(row[0]), row[1]) if row else None

    def sets_of(self, record_id: str) -> list[str]:
        with self._lock:
            rows = self._connection.execute("SELECT spec FROM record_sets WHERE id = ? ORDER BY spec", (record_id,))
            return [r[0] for r in rows]

    def sets(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._connection.execute("SELECT spec, name FROM sets ORDER BY spec"))

    def earliest(self) -> str | None:
        with self._lock:
            return self._connection.execute("SELECT MIN(datestamp) FROM records").fetchone()[0]

    def select(self, *, after: str = "", start: str | None = None, end: str | None = None, spec: str | None = None,
               limit: int = 100) -> tuple[list[tuple[dict[str, Any], str]], int]:
        """Records with id > ``after`` (ordered by id) in the datestamp range and set, at most ``limit``, and how
        many match in all."""
        where, args = ["1 = 1"], []
        if start:
            where.append("r.datestamp >= ?")
            args.append(start)
        if end:
            where.append("r.datestamp <= ?")
            args.append(end)
        join = ""
        if spec:
            join = "JOIN record_sets s ON s.id = r.id AND s.spec = ?"
            args.insert(0, spec)
        condition = " AND ".join(where)
        with self._lock:
            total = self._connection.execute(f"SELECT COUNT(*) FROM records r {join} WHERE {condition}", args).fetchone()[0]
            rows = self._connection.execute(
                f"SELECT r.data, r.datestamp FROM records r {join} WHERE {condition} AND r.id > ? ORDER BY r.id LIMIT ?",
                [*args, after, limit]).fetchall()
        return [(json.loads(d), s) for d, s in rows], total

    def close(self) -> None:
        self._connection.close()

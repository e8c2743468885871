"""The SQLite index an OAI-PMH data provider answers from: valid records by id, datestamp and set.

The index remembers each record file's size, modification time and SHA-256. An index found at start is
checked against the files (all three) and rebuilt on any difference; while serving, a change of size or time
triggers a rebuild. A rebuild that cannot be trusted (the folder emptied, files changing under the scan)
is rolled back and the last good index keeps answering. Each thread reads through its own connection.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from .. import __version__
from .._errors import ArchivistError
from .._oai_vocabulary import datestamp, subject_sets
from .._words import counted
from ..records import Problem, record_files, validate_paths
from . import _deleted

log = logging.getLogger("archivist.oaipmh")

#: Changes whenever what the index stores changes; an index with another value is rebuilt.
FORMAT = f"archivist-oai-index 3 ({__version__})"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                                  sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, datestamp TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS records_datestamp ON records (datestamp, id);
CREATE TABLE IF NOT EXISTS sets (spec TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS record_sets (spec TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (spec, id));
CREATE INDEX IF NOT EXISTS record_sets_id ON record_sets (id, spec);
"""

Stat = dict[str, tuple[int, int]]


class IndexUnusable(ArchivistError):
    """The index cannot be used: wrong place, not an archivist index, or not writable."""


def check_location(database: str | os.PathLike[str], paths: Iterable[str | os.PathLike[str]]) -> Path:
    """The index path, resolved, after refusing one that is an input, a folder, or inside an input folder where
    the records scan would read it (a visible name; hidden files such as ``.archivist-oai.sqlite`` are skipped).
    Not ``_paths.check_outputs``: that refuses anything inside an input, and the default index is a hidden file
    inside the records folder; this rule also covers SQLite's side files (-wal, -shm)."""
    given = os.fspath(database)
    real = Path(os.path.realpath(given))
    if real.is_dir():
        raise IndexUnusable(f"--index {given}: is a folder; name a file")
    if not real.parent.is_dir():
        raise IndexUnusable(f"--index {given}: the folder {real.parent} does not exist")
    sources = [(os.fspath(source), Path(os.path.realpath(os.fspath(source)))) for source in paths]
    for name, source_real in sources:
        if source_real in (real, *(Path(f"{real}{side}") for side in _SIDE_FILES)):
            raise IndexUnusable(f"--index {given}: is the input {name}; it would be overwritten")
    for name, source_real in sources:
        inside = source_real.is_dir() and real.is_relative_to(source_real)
        if inside and not any(part.startswith(".") for part in real.relative_to(source_real).parts):
            raise IndexUnusable(f"--index {given}: lies inside the input folder {name}; give a path outside it, or "
                                "a hidden name such as .archivist-oai.sqlite")
    return real


def _stat_files(paths: list[str]) -> Stat:
    """Every record file under ``paths`` (absolute path) with its size and modification time."""
    found: Stat = {}
    for file in record_files(paths):
        stat = os.stat(file)
        found[os.path.abspath(file)] = (stat.st_size, stat.st_mtime_ns)
    found.update(_deleted.stat_tombstones(paths))
    return found


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _parents(spec: str) -> Iterator[str]:
    parts = spec.split(":")
    for n in range(1, len(parts) + 1):
        yield ":".join(parts[:n])


def _open(database: Path) -> sqlite3.Connection:
    """A connection to an archivist index at ``database``, created if absent; IndexUnusable for anything else."""
    if database.exists():
        with open(database, "rb") as stream:
            head = stream.read(len(_SQLITE_MAGIC))
        if head and head != _SQLITE_MAGIC:
            raise IndexUnusable(f"--index {database}: is not an SQLite database; refusing to overwrite it")
    try:
        connection = sqlite3.connect(database, check_same_thread=False, isolation_level=None)
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "meta" not in tables:
            connection.close()
            raise IndexUnusable(f"--index {database}: is an SQLite database but not an archivist OAI index; "
                                "refusing to overwrite it")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.executescript(_SCHEMA + _deleted.SCHEMA)
    except sqlite3.DatabaseError as exc:
        raise IndexUnusable(f"--index {database}: cannot be used ({exc}); if the records folder is read-only, "
                            "give --index PATH in a writable folder") from None
    return connection


class RecordIndex:
    """Valid records of ``paths`` in SQLite at ``database``; ``problems`` lists the records left out and why."""

    def __init__(self, paths: Iterable[str | os.PathLike[str]], database: str | os.PathLike[str]) -> None:
        self.paths = [os.fspath(p) for p in paths]
        self.database = check_location(database, self.paths)
        self.problems: list[Problem] = []
        self._write = threading.Lock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._complaint = ""  # the last problem logged, so that a lasting one is logged once
        self._writer = _open(self.database)
        self._connections.append(self._writer)
        self._stat = _stat_files(self.paths)
        if not self._matches(self._stat, verify_hashes=True):
            failure = self._rebuild(self._stat)
            if failure:
                raise IndexUnusable(f"the index {self.database} could not be built: {failure}")
        else:
            self.problems = [Problem(*fields) for fields in json.loads(self._meta("problems") or "[]")]

    def _meta(self, key: str) -> str | None:
        row = self._writer.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _matches(self, stat: Stat, *, verify_hashes: bool) -> bool:
        """Whether the index was built by this version from exactly these files (sizes, times and, when asked,
        SHA-256 of each file)."""
        if self._meta("format") != FORMAT:
            return False
        rows = self._writer.execute("SELECT path, size, mtime_ns, sha256 FROM files").fetchall()
        if {path: (size, mtime) for path, size, mtime, _ in rows} != stat:
            return False
        return not verify_hashes or all(_sha256(path) == sha for path, _, _, sha in rows)

    def refresh(self) -> bool:
        """Rebuild the index if the record files changed; True when it did. Never raises for a problem with the
        records: it is logged and the last good index keeps answering."""
        with self._write:
            try:
                stat = _stat_files(self.paths)
            except (ArchivistError, OSError) as exc:
                self._complain(f"records unreadable ({exc})")
                return False
            if stat == self._stat:
                return False
            failure = self._rebuild(stat)
            if failure:
                self._complain(f"index not rebuilt ({failure})")
                return False
            self._stat = stat
        count = self.count()
        log.info("records changed: index rebuilt with %s (%d left out)", counted(count, "record"), len(self.problems))
        return True

    def _rebuild(self, stat: Stat) -> str | None:
        """Index every valid record of ``stat``'s files in one transaction. Roll back, and say why, if the files
        changed meanwhile, nothing valid was found where the index had records, or SQLite failed."""
        db = self._writer
        problems: list[Problem] = []
        try:
            hashes = {path: _sha256(path) for path in stat}
            db.execute("BEGIN IMMEDIATE")
            had = db.execute("SELECT COUNT(*) FROM records").fetchone()[0]
            for table in ("records", "sets", "record_sets", "files"):
                db.execute(f"DELETE FROM {table}")
            count = 0
            sets: dict[str, str] = {}
            memberships: set[tuple[str, str]] = set()
            for outcome in validate_paths(self.paths, check_files=False):
                if not outcome.ok:
                    problems.extend(outcome.problems)
                    continue
                record = outcome.entry.data
                assert record is not None  # a valid outcome holds its record
                inserted = db.execute("INSERT OR IGNORE INTO records VALUES (?, ?, ?)",
                                      (record["id"], datestamp(record), orjson.dumps(record).decode("utf-8")))
                if inserted.rowcount == 0:
                    problems.append(Problem(f"duplicate record id {record['id']!r}: the first one is served",
                                            pointer="/id", file=outcome.entry.file, line=outcome.entry.line))
                    continue
                count += 1
                for spec, name in subject_sets(record):
                    for parent in _parents(spec):
                        sets.setdefault(parent, name if parent == spec else parent.replace(":", " "))
                        memberships.add((parent, record["id"]))
            withdrawn = _deleted.index_deleted(db, self.paths, sets, memberships)
            db.executemany("INSERT INTO sets VALUES (?, ?)", sorted(sets.items()))
            db.executemany("INSERT INTO record_sets VALUES (?, ?)", sorted(memberships))
            if _stat_files(self.paths) != stat:  # a file written, added or removed during the scan
                raise _Unsettled("record files changed while they were indexed")
            if had and not count and not withdrawn:
                raise _Unsettled("no valid record found")
            db.executemany("INSERT INTO files VALUES (?, ?, ?, ?)",
                           [(path, size, mtime, hashes[path]) for path, (size, mtime) in stat.items()])
            db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (FORMAT,))
            db.execute("INSERT OR REPLACE INTO meta VALUES ('problems', ?)",
                       (json.dumps([(p.message, p.pointer, p.file, p.line, p.record_id) for p in problems]),))
            db.execute("COMMIT")
        except (_Unsettled, ArchivistError, OSError, sqlite3.Error) as exc:  # disk full, locked, …
            if db.in_transaction:
                db.execute("ROLLBACK")
            return str(exc)
        self.problems = problems
        self._complaint = ""
        return None

    def _complain(self, problem: str) -> None:
        """Log a problem with the records once, not at every check while it lasts."""
        if problem != self._complaint:
            log.warning("%s; still serving the last good index", problem)
            self._complaint = problem

    def _reader(self) -> sqlite3.Connection:
        """This thread's connection (SQLite connections are not shared between threads)."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.database, check_same_thread=False, isolation_level=None)
            self._local.connection = connection
            with self._write:
                self._connections.append(connection)
        return connection

    def fingerprint(self) -> str:
        """A digest of what the index was built from (each file's path, size, time and SHA-256): it changes
        whenever the index is rebuilt from other records (the site's catalog follows it)."""
        rows = self._reader().execute("SELECT path, size, mtime_ns, sha256 FROM files ORDER BY path").fetchall()
        return hashlib.sha256(json.dumps(rows).encode("utf-8")).hexdigest()

    def count(self) -> int:
        return int(self._reader().execute("SELECT COUNT(*) FROM records").fetchone()[0])

    def get(self, record_id: str) -> tuple[dict[str, Any], str] | None:
        row = self._reader().execute("SELECT data, datestamp FROM records WHERE id = ?", (record_id,)).fetchone()
        return (orjson.loads(row[0]), row[1]) if row else None

    def first_id(self) -> str | None:
        row = self._reader().execute("SELECT MIN(id) FROM records").fetchone()
        return row[0] if row else None

    def sets_of(self, record_id: str) -> list[str]:
        rows = self._reader().execute("SELECT spec FROM record_sets WHERE id = ? ORDER BY spec", (record_id,))
        return [r[0] for r in rows]

    def sets(self) -> list[tuple[str, str]]:
        return list(self._reader().execute("SELECT spec, name FROM sets ORDER BY spec"))

    def earliest(self) -> str | None:
        row = self._reader().execute("SELECT MIN(d) FROM (SELECT MIN(datestamp) AS d FROM records UNION ALL "
                                     "SELECT MIN(datestamp) FROM deleted)").fetchone()
        return row[0] if row else None

    def deleted(self, record_id: str) -> str | None:
        """When the record ``record_id`` was withdrawn (its datestamp), or None when it is not withdrawn."""
        stamp: str | None = _deleted.deleted_stamp(self._reader(), record_id)
        return stamp

    def select_deleted(self, *, after: str = "", start: str | None = None, end: str | None = None,
                       spec: str | None = None, limit: int = 100, count: bool = False
                       ) -> tuple[list[tuple[str, str, list[str]]], int]:
        """As :meth:`select`, for withdrawn records: (id, datestamp, sets) each, and how many match."""
        return _deleted.select_deleted(self._reader(), after=after, start=start, end=end, spec=spec, limit=limit,
                                       count=count)

    def select(self, *, after: str = "", start: str | None = None, end: str | None = None, spec: str | None = None,
               limit: int = 100, count: bool = False) -> tuple[list[tuple[dict[str, Any], str, list[str]]], int | None]:
        """Up to ``limit`` records with id > ``after`` (ordered by id: paging by key) in the datestamp range and
        set, each with its datestamp and sets; and, when ``count`` is asked, how many match in all."""
        where, args = [], []
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
        condition = " AND ".join(where) or "1 = 1"
        db = self._reader()
        db.execute("BEGIN")  # one read transaction: the page, its sets and the count see the same index
        try:
            rows = db.execute(f"SELECT r.id, r.data, r.datestamp FROM records r {join} WHERE {condition} "
                              "AND r.id > ? ORDER BY r.id LIMIT ?", [*args, after, limit]).fetchall()
            memberships: dict[str, list[str]] = {}
            ids = json.dumps([row[0] for row in rows])
            for record_id, set_spec in db.execute("SELECT id, spec FROM record_sets WHERE id IN "
                                                  "(SELECT value FROM json_each(?)) ORDER BY id, spec", (ids,)):
                memberships.setdefault(record_id, []).append(set_spec)
            total = None
            if count:
                total = db.execute(f"SELECT COUNT(*) FROM records r {join} WHERE {condition}", args).fetchone()[0]
        finally:
            db.execute("COMMIT")
        return [(orjson.loads(data), stamp, memberships.get(rid, [])) for rid, data, stamp in rows], total

    def close(self) -> None:
        with self._write:
            for connection in self._connections:
                connection.close()
            self._connections.clear()


class _Unsettled(Exception):
    """The records were not in a state worth indexing; the rebuild is rolled back."""

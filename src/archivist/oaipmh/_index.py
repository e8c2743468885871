"""The SQLite index an OAI-PMH data provider answers from: where each valid record lies, by id, datestamp and set.

The index holds no record content: a record is read back from its file and proven (``_rows``) before it is
served, so an index planted beside the records or edited later cannot change what a harvester gets. The index
remembers each record file's size, modification time and SHA-256. An index found at start is checked against the
files (all three) and rebuilt on any difference; while serving, a change of size or time, or a row that fails its
proof, triggers a rebuild. A rebuild that cannot be trusted (the folder emptied, files changing under the scan)
is rolled back and the last good index keeps answering. Each thread reads through its own connection.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .. import __version__
from .._errors import ArchivistError
from .._oai_vocabulary import datestamp, subject_sets
from .._words import counted
from ..records import Problem, record_files, validate_paths
from . import _deleted
from ._fragments import Fragment, Fragments
from ._rows import Proofs, Row, Sources, current_bytes, header_key, located, parents, record_specs, same_record

log = logging.getLogger("archivist.oaipmh")

#: Changes whenever what the index stores changes; an index with another value is rebuilt.
FORMAT = f"archivist-oai-index 4 ({__version__})"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                                  sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, datestamp TEXT NOT NULL, path TEXT NOT NULL, line INTEGER,
                                    start INTEGER NOT NULL, length INTEGER NOT NULL, sha256 BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS records_datestamp ON records (datestamp, id);
CREATE TABLE IF NOT EXISTS sets (spec TEXT PRIMARY KEY, id TEXT NOT NULL, leaf INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS record_sets (spec TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (spec, id));
CREATE INDEX IF NOT EXISTS record_sets_id ON record_sets (id, spec);
"""

Stat = dict[str, tuple[int, int]]
#: A metadata format's name and its payload writer, for :meth:`RecordIndex.select`.
Render = tuple[str, Callable[[dict[str, Any]], bytes]]
#: Where a row selected with a ``render`` holds its payload (no record field is named so).
PAYLOAD = "archivist:payload"


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
    """Valid records of ``paths`` indexed in SQLite at ``database``; ``problems`` lists the records left out and
    why. Every record or header it gives was proven in this process against the record files (``_rows``)."""

    def __init__(self, paths: Iterable[str | os.PathLike[str]], database: str | os.PathLike[str]) -> None:
        self.paths = [os.fspath(p) for p in paths]
        self.database = check_location(database, self.paths)
        self.problems: list[Problem] = []
        self._write = threading.Lock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._complaint = ""  # the last problem logged, so that a lasting one is logged once
        self._proofs = Proofs()
        self._sources = Sources(self.paths)
        self._flagged = float("-inf")  # when a row last failed its proof (the index then asks to be rebuilt)
        self._writer = _open(self.database)
        self._connections.append(self._writer)
        self._stat = _stat_files(self.paths)
        if not self._matches(self._stat, verify_hashes=True):
            failure = self._rebuild(self._stat)
            if failure:
                raise IndexUnusable(f"the index {self.database} could not be built: {failure}")
        else:
            self.problems = [Problem(*fields) for fields in json.loads(self._meta("problems") or "[]")]
        self.fragments = Fragments(self.database)
        self.fragments.reset(self._writer)

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
        """Rebuild the index if the record files changed or a row failed its proof; True when it did. Never
        raises for a problem with the records: it is logged and the last good index keeps answering."""
        with self._write:
            try:
                stat = _stat_files(self.paths)
            except (ArchivistError, OSError) as exc:
                self._complain(f"records unreadable ({exc})")
                return False
            if stat == self._stat and self._meta("suspect") is None:  # no row failed its proof since the build
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
        proofs = Proofs()
        try:
            hashes = {path: _sha256(path) for path in stat}
            db.execute("BEGIN IMMEDIATE")
            if self._meta("format") != FORMAT:  # tables of another layout: made anew
                for table in ("records", "sets", "record_sets", "files"):
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                had = 0
            else:
                had = db.execute("SELECT COUNT(*) FROM records").fetchone()[0]
            for table in ("records", "sets", "record_sets", "files"):
                db.execute(f"DELETE FROM {table}")
            count = 0
            sets: dict[str, tuple[str, int]] = {}
            memberships: set[tuple[str, str]] = set()
            lines: dict[str, Any] = {}
            for outcome in validate_paths(self.paths, check_files=False):
                if not outcome.ok:
                    problems.extend(outcome.problems)
                    continue
                record = outcome.entry.data
                assert record is not None  # a valid outcome holds its record
                path = os.path.abspath(outcome.entry.file)
                place = located(outcome.entry.file, outcome.entry.line, lines)
                if place is None or not same_record(place[1], record):
                    raise _Unsettled("record files changed while they were indexed")
                start, raw = place
                digest = hashlib.sha256(raw).digest()
                inserted = db.execute("INSERT OR IGNORE INTO records VALUES (?, ?, ?, ?, ?, ?, ?)",
                                      (record["id"], datestamp(record), path, outcome.entry.line, start, len(raw),
                                       digest))
                if inserted.rowcount == 0:
                    problems.append(Problem(f"duplicate record id {record['id']!r}: the first one is served",
                                            pointer="/id", file=outcome.entry.file, line=outcome.entry.line))
                    continue
                count += 1
                proofs.add(path, digest, record)
                for spec, _ in subject_sets(record):
                    for parent in parents(spec):
                        sets.setdefault(parent, (record["id"], parent == spec))
                        memberships.add((parent, record["id"]))
            withdrawn = _deleted.index_deleted(db, self.paths, sets, memberships)
            db.executemany("INSERT INTO sets VALUES (?, ?, ?)",
                           [(spec, rid, int(leaf)) for spec, (rid, leaf) in sorted(sets.items())])
            db.executemany("INSERT INTO record_sets VALUES (?, ?)", sorted(memberships))
            if _stat_files(self.paths) != stat:  # a file written, added or removed during the scan
                raise _Unsettled("record files changed while they were indexed")
            if had and not count and not withdrawn:
                raise _Unsettled("no valid record found")
            db.executemany("INSERT INTO files VALUES (?, ?, ?, ?)",
                           [(path, size, mtime, hashes[path]) for path, (size, mtime) in stat.items()])
            db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (FORMAT,))
            db.execute("DELETE FROM meta WHERE key = 'suspect'")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('problems', ?)",
                       (json.dumps([(p.message, p.pointer, p.file, p.line, p.record_id) for p in problems]),))
            db.execute("COMMIT")
        except (_Unsettled, ArchivistError, OSError, sqlite3.Error) as exc:  # disk full, locked, …
            if db.in_transaction:
                db.execute("ROLLBACK")
            return str(exc)
        self.problems = problems
        self._proofs = proofs
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

    def _record(self, row: Row) -> dict[str, Any] | None:
        """The record a row points at, proven against its file; None (and a rebuild asked for) if it fails."""
        record = self._proofs.record(row, self._sources)
        if record is None:
            self._unproven(row)
        return record

    def _header(self, row: Row, specs: list[str]) -> bool:
        """Whether the row's header (with these sets) is proven: known to this process, or read and proven now."""
        if self._proofs.header_proven(row, specs):
            return True
        record = self._record(row)
        return record is not None and record_specs(record) == specs

    def _unproven(self, row: Row) -> None:
        """Leave the row out and have the index rebuilt (the flag is in the index too, for the serving process
        that refreshes it when this one is a worker)."""
        if time.monotonic() - self._flagged < _FLAG_SECONDS:
            return
        log.warning("the index row of %r does not match %s; left out, and the index is rebuilt", row.id, row.path)
        self._flagged = time.monotonic()
        try:
            with sqlite3.connect(self.database, timeout=1) as db:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('suspect', ?)", (row.id,))
            db.close()
        except sqlite3.Error:  # locked by a rebuild, which is what was asked for anyway
            pass

    def after_fork(self) -> None:
        """In a forked worker process: forget the parent's SQLite connections (never used across a fork) so that
        each thread opens its own; the parent keeps refreshing the index."""
        self._local = threading.local()
        self._inherited = self._connections  # kept, not closed: closing would touch the parent's database state
        self._connections = []
        self._write = threading.Lock()
        self.fragments.after_fork()

    def count(self) -> int:
        return int(self._reader().execute("SELECT COUNT(*) FROM records").fetchone()[0])

    def get(self, record_id: str) -> tuple[dict[str, Any], str] | None:
        row = self._reader().execute(f"SELECT {_ROW} FROM records WHERE id = ?", (record_id,)).fetchone()
        record = self._record(Row(*row)) if row else None
        return (record, row[1]) if record is not None else None

    def _first(self, order: str) -> Row | None:
        """The first row in ``order`` whose header is proven."""
        db = self._reader()
        for row in db.execute(f"SELECT {_ROW} FROM records ORDER BY {order}").fetchall():
            specs = [r[0] for r in db.execute("SELECT spec FROM record_sets WHERE id = ? ORDER BY spec", (row[0],))]
            if self._header(Row(*row), specs):
                return Row(*row)
        return None

    def first_id(self) -> str | None:
        row = self._first("id")
        return row.id if row else None

    def earliest(self) -> str | None:
        row = self._first("datestamp, id")
        stamps = [row.stamp] if row else []
        withdrawn = self._reader().execute("SELECT MIN(datestamp) FROM deleted").fetchone()
        if withdrawn and withdrawn[0]:
            stamps.append(withdrawn[0])  # a withdrawal is a change harvesters are told of too
        return min(stamps) if stamps else None

    def has_sets(self) -> bool:
        return self._reader().execute("SELECT 1 FROM sets LIMIT 1").fetchone() is not None

    def sets(self) -> list[tuple[str, str]]:
        """Every set with its name, as the record that names it says (read and proven now)."""
        found = []
        query = f"SELECT s.spec, s.leaf, {_ROW.replace('id,', 'r.id,', 1)} FROM sets s JOIN records r ON r.id = s.id"
        for spec, leaf, *row in self._reader().execute(query + " ORDER BY s.spec").fetchall():
            record = self._record(Row(*row))
            if record is None or spec not in record_specs(record):
                continue
            name = dict(subject_sets(record)).get(spec) if leaf else spec.replace(":", " ")
            if name is not None:
                found.append((spec, name))
        return found

    def deleted(self, record_id: str) -> str | None:
        """When the record ``record_id`` was withdrawn (its datestamp), or None when it is not withdrawn."""
        stamp: str | None = _deleted.deleted_stamp(self._reader(), record_id)
        return stamp

    def deleted_sets(self, record_id: str) -> list[str]:
        """The sets a withdrawn record was in (from its tombstone)."""
        rows = self._reader().execute("SELECT spec FROM record_sets WHERE id = ? ORDER BY spec", (record_id,))
        return [row[0] for row in rows]

    def select_deleted(self, *, after: str = "", start: str | None = None, end: str | None = None,
                       spec: str | None = None, limit: int = 100, count: bool = False
                       ) -> tuple[list[tuple[str, str, list[str]]], int]:
        """As :meth:`select`, for withdrawn records: (id, datestamp, sets) each, and how many match."""
        return _deleted.select_deleted(self._reader(), after=after, start=start, end=end, spec=spec, limit=limit,
                                       count=count)

    def select(self, *, after: str = "", start: str | None = None, end: str | None = None, spec: str | None = None,
               limit: int = 100, count: bool = False, records: bool = True, render: Render | None = None,
               wait: float = 0.05) -> tuple[list[tuple[dict[str, Any], str, list[str]]], int | None]:
        """Up to ``limit`` records with id > ``after`` (ordered by id: paging by key) in the datestamp range and
        set, each with its datestamp and sets; and, when ``count`` is asked, how many match in all. Without
        ``records``, each comes as ``{"id": ...}`` (headers only); with ``render``, as ``{"id": ..., PAYLOAD:
        bytes}`` (its payload in that format, kept or made now; waiting at most ``wait`` seconds to keep those
        made now when the database is busy). A row that fails its proof is left out."""
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
        found: list[tuple[dict[str, Any], str, list[str]]] = []
        made: list[Fragment] = []  # payloads made now, to keep
        db.execute("BEGIN")  # one read transaction: the page, its sets and the count see the same index
        try:
            while len(found) < limit:  # rows that fail their proof are made up for by the next ones
                wanted = limit - len(found)
                rows = [Row(*r) for r in db.execute(
                    f"SELECT {_ROW.replace('id,', 'r.id,', 1)} FROM records r {join} WHERE {condition} AND r.id > ? "
                    "ORDER BY r.id LIMIT ?", [*args, after, wanted]).fetchall()]
                found += (self._rendered(db, rows, spec, render, made) if render is not None and records
                          else self._proven(db, rows, spec, records))
                if len(rows) < wanted:
                    break
                after = rows[-1].id
            total = None
            if count:
                total = db.execute(f"SELECT COUNT(*) FROM records r {join} WHERE {condition}", args).fetchone()[0]
        finally:
            db.execute("COMMIT")
        if render is not None:  # after the read ends: a read open meanwhile would keep the log from being reset
            self.fragments.put(made, render[0], wait)
        return found, total

    def _proven(self, db: sqlite3.Connection, rows: list[Row], spec: str | None, records: bool,
                ) -> list[tuple[dict[str, Any], str, list[str]]]:
        """The rows that pass their proof: each record (or ``{"id": ...}``), its datestamp and its sets."""
        proven = []
        if records:
            for row in rows:
                record = self._record(row)
                if record is not None:
                    specs = record_specs(record)
                    if spec is None or spec in specs:
                        proven.append((record, row.stamp, specs))
            return proven
        memberships = self._memberships(db, rows)
        for row in rows:
            specs = memberships.get(row.id, [])
            if self._header(row, specs):
                proven.append(({"id": row.id}, row.stamp, specs))
        return proven

    def _memberships(self, db: sqlite3.Connection, rows: list[Row]) -> dict[str, list[str]]:
        """The sets of each row's record, as the index says (to be proven)."""
        memberships: dict[str, list[str]] = {}
        ids = json.dumps([row.id for row in rows])
        for record_id, set_spec in db.execute("SELECT id, spec FROM record_sets WHERE id IN "
                                              "(SELECT value FROM json_each(?)) ORDER BY id, spec", (ids,)):
            memberships.setdefault(record_id, []).append(set_spec)
        return memberships

    def _rendered(self, db: sqlite3.Connection, rows: list[Row], spec: str | None, render: Render,
                  made: list[Fragment]) -> list[tuple[dict[str, Any], str, list[str]]]:
        """As :meth:`_proven` with records, each record as its payload: kept (``_fragments``) when its file
        still holds the bytes that payload was made from in this run, for this header; else made now (and added
        to ``made``)."""
        prefix, write = render
        memberships = self._memberships(db, rows)
        kept = self.fragments.get(db, [row.sha256 for row in rows], prefix)
        proven = []
        for row in rows:
            specs = memberships.get(row.id, [])
            fragment = kept.get(row.sha256)
            if (fragment is not None and fragment[0] == header_key(row.id, row.stamp, specs)
                    and current_bytes(row, self._sources) is not None):
                body = fragment[1]
            else:
                record = self._record(row)
                if record is None:
                    continue
                specs = record_specs(record)
                body = write(record)
                made.append((row.sha256, header_key(row.id, row.stamp, specs), body))
            if spec is None or spec in specs:
                proven.append(({"id": row.id, PAYLOAD: body}, row.stamp, specs))
        return proven

    def close(self) -> None:
        self.fragments.close()
        with self._write:
            for connection in self._connections:
                connection.close()
            self._connections.clear()


_ROW = "id, datestamp, path, line, start, length, sha256"
_FLAG_SECONDS = 2.0


class _Unsettled(Exception):
    """The records were not in a state worth indexing; the rebuild is rolled back."""

"""Withdrawn records in the OAI-PMH index: their tombstones (see :mod:`archivist.curate`) become rows of their own
table, with the withdrawal time as datestamp and the sets the record was in, so that harvesters are told of the
deletion (``status="deleted"``) in ListIdentifiers, ListRecords and GetRecord, and by set."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from typing import Any

from .._oai_vocabulary import subject_sets
from ..curate import tombstone_files, tombstones

SCHEMA = "CREATE TABLE IF NOT EXISTS deleted (id TEXT PRIMARY KEY, datestamp TEXT NOT NULL);"


def stat_tombstones(paths: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Every tombstone file of the records folders with its size and modification time (they count as the
    index's files: withdrawing a record changes them)."""
    found = {}
    for file in tombstone_files(paths):
        info = os.stat(file)
        found[os.path.abspath(file)] = (info.st_size, info.st_mtime_ns)
    return found


def index_deleted(db: sqlite3.Connection, paths: Iterable[str], sets: dict[str, tuple[str, int]],
                  memberships: set[tuple[str, str]]) -> int:
    """Insert the standing tombstones of ``paths`` (a record served under the same id wins), add the sets the
    withdrawn records were in to ``sets`` (as the index keeps them: the id that names a set, and whether it names
    it itself) and ``memberships``, and return how many were inserted."""
    from ._rows import parents as set_parents

    db.execute("DELETE FROM deleted")
    inserted = 0
    for stone in tombstones(paths):
        if db.execute("SELECT 1 FROM records WHERE id = ?", (stone.id,)).fetchone():
            continue
        stamp = stone.withdrawn_at if "T" in stone.withdrawn_at else f"{stone.withdrawn_at}T00:00:00Z"
        if db.execute("INSERT OR IGNORE INTO deleted VALUES (?, ?)", (stone.id, stamp)).rowcount == 0:
            continue
        inserted += 1
        for spec, _ in subject_sets(stone.last_record() or {}):
            for parent in set_parents(spec):
                sets.setdefault(parent, (stone.id, int(parent == spec)))
                memberships.add((parent, stone.id))
    return inserted


def select_deleted(db: sqlite3.Connection, *, after: str, start: str | None, end: str | None, spec: str | None,
                   limit: int, count: bool) -> tuple[list[tuple[str, str, list[str]]], int]:
    """Up to ``limit`` withdrawn records (id, datestamp, sets) after ``after`` in id order, in the range and set;
    and how many match in all when ``count`` is asked (else 0)."""
    where, args = ["d.id > ?"], [after]
    for clause, value in (("d.datestamp >= ?", start), ("d.datestamp <= ?", end)):
        if value:
            where.append(clause)
            args.append(value)
    join, front = ("JOIN record_sets s ON s.id = d.id AND s.spec = ?", [spec]) if spec else ("", [])
    condition = " AND ".join(where)
    rows = db.execute(f"SELECT d.id, d.datestamp FROM deleted d {join} WHERE {condition} ORDER BY d.id LIMIT ?",
                      [*front, *args, limit]).fetchall()
    ids = json.dumps([row[0] for row in rows])
    memberships: dict[str, list[str]] = {}
    for record_id, set_spec in db.execute("SELECT id, spec FROM record_sets WHERE id IN (SELECT value FROM "
                                          "json_each(?)) ORDER BY id, spec", (ids,)):
        memberships.setdefault(record_id, []).append(set_spec)
    total = 0
    if count:
        total = db.execute(f"SELECT COUNT(*) FROM deleted d {join} WHERE {' AND '.join(where[1:]) or '1 = 1'}",
                           [*front, *args[1:]]).fetchone()[0]
    return [(rid, stamp, memberships.get(rid, [])) for rid, stamp in rows], total


def deleted_stamp(db: sqlite3.Connection, record_id: str) -> Any:
    """The withdrawal datestamp of ``record_id`` (None when it is not a withdrawn record)."""
    row = db.execute("SELECT datestamp FROM deleted WHERE id = ?", (record_id,)).fetchone()
    return row[0] if row else None

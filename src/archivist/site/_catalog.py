"""The collection as the pages list it, in SQLite: each record's summary row, the subjects, languages and years
it is filed under, and a full-text index (title, subjects, description, text). The static build fills one in a
temporary file and renders the collection pages from it; ``serve`` keeps one beside its OAI-PMH index and also
searches it. Memory stays flat however many records there are."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._oai_vocabulary import datestamp
from ._tokens import index_text, match_query
from ._words import direction, publication_date, slug, summary, year_of

#: The kinds of listing a record is filed under, each with its folder in the site.
KINDS = {"subject": "subjects", "language": "languages", "year": "years"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (n INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, sort TEXT NOT NULL,
    title TEXT NOT NULL, lang TEXT NOT NULL, summary TEXT NOT NULL, year TEXT, lastmod TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS items_sort ON items (sort, id);
CREATE TABLE IF NOT EXISTS facets (kind TEXT NOT NULL, key TEXT NOT NULL, label TEXT NOT NULL,
    PRIMARY KEY (kind, key));
CREATE TABLE IF NOT EXISTS members (kind TEXT NOT NULL, key TEXT NOT NULL, sort TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (kind, key, sort, n));
DROP INDEX IF EXISTS members_item;
CREATE INDEX IF NOT EXISTS members_by_item ON members (n, kind, key);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5 (title, subjects, description, text,
    tokenize = 'unicode61 remove_diacritics 2');
"""


@dataclass(frozen=True)
class Item:
    """A record as lists show it."""

    id: str
    title: str
    lang: str
    summary: str
    year: str | None
    lastmod: str

    @property
    def dir(self) -> str:
        return direction(self.lang)


@dataclass(frozen=True)
class Facet:
    """A subject, language or year: its folder name, label and record count."""

    kind: str
    key: str
    label: str
    count: int


def facet_keys(record: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(kind, key, label) of every listing the record belongs to, once each."""
    found: dict[tuple[str, str], str] = {}
    for subject in record["subjects"]:
        found.setdefault(("subject", slug(subject["term"])), subject["term"])
    found[("language", record["language"].lower())] = record["language"]
    year = year_of(publication_date(record))
    if year is not None:
        found[("year", year)] = year
    return [(kind, key, label) for (kind, key), label in found.items()]


def _sort_key(record: dict[str, Any]) -> str:
    return " ".join(record["title"].casefold().split())


def _text(record: dict[str, Any]) -> str:
    return "\n".join(p for s in record["content"]["sections"] for p in ([s["heading"] or ""] + s["paragraphs"]))


class Catalog:
    """A catalog in the SQLite file ``database`` (created if absent). Readers in several threads each get their
    own connection; one writer adds records in a transaction (:meth:`writing`)."""

    def __init__(self, database: str | Path) -> None:
        self.database = str(database)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._db().executescript(_SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.database, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode = MEMORY")  # no side file beside the catalog
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    def clear(self) -> None:
        """Forget every record (before filling the catalog again)."""
        db = self._db()
        for table in ("items", "facets", "members", "search"):
            db.execute(f"DELETE FROM {table}")

    def begin(self) -> None:
        self._db().execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self._db().execute("COMMIT")

    def rollback(self) -> None:
        db = self._db()
        if db.in_transaction:
            db.execute("ROLLBACK")

    def add(self, record: dict[str, Any]) -> bool:
        """File a valid record; False (and nothing filed) when a record with its id is already there."""
        db = self._db()
        sort = _sort_key(record)
        cursor = db.execute("INSERT OR IGNORE INTO items (id, sort, title, lang, summary, year, lastmod) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (record["id"], sort, record["title"], record["language"], summary(record),
                             year_of(publication_date(record)), datestamp(record)[:10]))
        if cursor.rowcount == 0:
            return False
        n = cursor.lastrowid
        for kind, key, label in facet_keys(record):
            db.execute("INSERT OR IGNORE INTO facets VALUES (?, ?, ?)", (kind, key, label))
            db.execute("INSERT INTO members VALUES (?, ?, ?, ?)", (kind, key, sort, n))
        subjects = " ".join(s["term"] for s in record["subjects"])
        db.execute("INSERT INTO search (rowid, title, subjects, description, text) VALUES (?, ?, ?, ?, ?)",
                   (n, index_text(record["title"]), index_text(subjects),
                    index_text(record.get("description", "")), index_text(_text(record))))
        return True

    def count(self, kind: str | None = None, key: str | None = None) -> int:
        """How many records the collection (or one listing) holds."""
        if kind is None:
            return int(self._db().execute("SELECT COUNT(*) FROM items").fetchone()[0])
        row = self._db().execute("SELECT COUNT(*) FROM members WHERE kind = ? AND key = ?", (kind, key)).fetchone()
        return int(row[0])

    def items(self, kind: str | None = None, key: str | None = None, *, offset: int = 0,
              limit: int = -1) -> list[Item]:
        """Records of the collection (or of one listing) in title order, ``limit`` from ``offset``."""
        columns = "i.id, i.title, i.lang, i.summary, i.year, i.lastmod"
        if kind is None:
            rows = self._db().execute(f"SELECT {columns} FROM items i ORDER BY i.sort, i.id LIMIT ? OFFSET ?",
                                      (limit, offset))
        else:
            rows = self._db().execute(f"SELECT {columns} FROM members m JOIN items i ON i.n = m.n WHERE m.kind = ? "
                                      "AND m.key = ? ORDER BY m.sort, i.id LIMIT ? OFFSET ?",
                                      (kind, key, limit, offset))
        return [Item(*row) for row in rows]

    def has(self, record_id: str) -> bool:
        return self._db().execute("SELECT 1 FROM items WHERE id = ?", (record_id,)).fetchone() is not None

    def each(self) -> Iterator[Item]:
        """Every record, in id order (for the sitemap)."""
        for row in self._db().execute("SELECT id, title, lang, summary, year, lastmod FROM items ORDER BY id"):
            yield Item(*row)

    def facets(self, kind: str, *, limit: int = -1, by_count: bool = False) -> list[Facet]:
        """The subjects, languages or years with their record counts: by label, or the largest first."""
        order = "count DESC, f.label, f.key" if by_count else ("f.key DESC" if kind == "year" else "f.label, f.key")
        rows = self._db().execute(
            "SELECT f.kind, f.key, f.label, (SELECT COUNT(*) FROM members m WHERE m.kind = f.kind AND m.key = f.key) "
            f"AS count FROM facets f WHERE f.kind = ? ORDER BY {order} LIMIT ?", (kind, limit))
        return [Facet(*row) for row in rows]

    def facet(self, kind: str, key: str) -> Facet | None:
        row = self._db().execute("SELECT kind, key, label FROM facets WHERE kind = ? AND key = ?",
                                 (kind, key)).fetchone()
        return None if row is None else Facet(row[0], row[1], row[2], self.count(kind, key))

    def search(self, query: str, *, subject: str | None = None, language: str | None = None, offset: int = 0,
               limit: int = 50) -> tuple[int, list[Item], dict[str, list[Facet]]]:
        """Records matching every word of ``query`` (and the subject and language keys given), best first: the
        total, one page of them, and the subjects and languages of all matches with their counts."""
        match = match_query(query)
        if match is None:
            return 0, [], {"subject": [], "language": []}
        where, args = ["search MATCH ?"], [match]
        for kind, key in (("subject", subject), ("language", language)):
            if key:
                where.append("EXISTS (SELECT 1 FROM members m INDEXED BY members_by_item WHERE m.n = search.rowid "
                             "AND m.kind = ? AND m.key = ?)")
                args += [kind, key]
        db = self._db()
        db.execute("BEGIN")
        try:
            # The full-text match (and its rank) once, into a table of this connection: the count, the page and
            # both facets read it instead of matching again (four matches cost about four times one).
            db.execute("DROP TABLE IF EXISTS temp.hits")
            db.execute(f"CREATE TEMP TABLE hits AS SELECT rowid AS n, rank FROM search WHERE {' AND '.join(where)}",
                       args)
            total = int(db.execute("SELECT COUNT(*) FROM hits").fetchone()[0])
            rows = db.execute("SELECT i.id, i.title, i.lang, i.summary, i.year, i.lastmod FROM hits s CROSS JOIN "
                              "items i ON i.n = s.n ORDER BY s.rank, i.sort, i.id LIMIT ? OFFSET ?",
                              [limit, offset]).fetchall()
            facets = {kind: [Facet(*row) for row in db.execute(  # counted by key first, then labelled
                "SELECT f.kind, f.key, f.label, c.count FROM (SELECT m.key AS key, COUNT(*) AS count FROM hits s "
                "CROSS JOIN members m INDEXED BY members_by_item ON m.n = s.n AND m.kind = ? GROUP BY m.key) c "
                "JOIN facets f ON f.kind = ? AND f.key = c.key ORDER BY c.count DESC, f.label LIMIT 20",
                [kind, kind])] for kind in ("subject", "language")}
        finally:
            db.execute("DROP TABLE IF EXISTS temp.hits")
            db.execute("COMMIT")
        return total, [Item(*row) for row in rows], facets

    def close(self) -> None:
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

"""The collection as the pages list it, in SQLite: each record's summary row, the subjects, languages and years
it is filed under, and a full-text index (title, subjects, description, text). The static build fills one in a
temporary file and renders the collection pages from it; ``serve`` keeps one beside its OAI-PMH index and also
searches it. Memory stays flat however many records there are."""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
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
CREATE TABLE IF NOT EXISTS tagged (n INTEGER NOT NULL, f INTEGER NOT NULL, PRIMARY KEY (n, f)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state (generation INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS folders (id TEXT PRIMARY KEY, folder TEXT NOT NULL);
INSERT INTO state SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM state);
"""
#: Search answers remembered per catalog (for the same catalog contents only).
ANSWERS = 256


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
    own connection; one writer adds records in a transaction (:meth:`writing`). Without ``searchable`` (the static
    build, which never searches) the full-text index and the search's tables are left empty."""

    def __init__(self, database: str | Path, *, searchable: bool = True) -> None:
        self.database = str(database)
        self.searchable = searchable
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._ids: dict[tuple[str, str], int] = {}
        self._answers: OrderedDict[tuple[Any, ...], tuple[int, list[Item], dict[str, list[Facet]]]] = OrderedDict()
        self._everyone: tuple[int, int, dict[int, Facet]] | None = None
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
        """Forget every record (before filling the catalog again); searches remembered are forgotten too, in
        every process using the catalog (its generation changes)."""
        db = self._db()
        for table in ("items", "facets", "members", "search", "tagged", "folders"):
            db.execute(f"DELETE FROM {table}")
        db.execute("UPDATE state SET generation = generation + 1")
        self._ids.clear()

    def begin(self) -> None:
        self._db().execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self._db().execute("COMMIT")

    def rollback(self) -> None:
        db = self._db()
        if db.in_transaction:
            db.execute("ROLLBACK")

    def add(self, record: dict[str, Any], folder: str | None = None) -> bool:
        """File a valid record (and the folder its files are read from, when given); False (and nothing filed)
        when a record with its id is already there."""
        db = self._db()
        sort = _sort_key(record)
        cursor = db.execute("INSERT OR IGNORE INTO items (id, sort, title, lang, summary, year, lastmod) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (record["id"], sort, record["title"], record["language"], summary(record),
                             year_of(publication_date(record)), datestamp(record)[:10]))
        if cursor.rowcount == 0:
            return False
        n = cursor.lastrowid
        if folder is not None:
            db.execute("INSERT INTO folders VALUES (?, ?)", (record["id"], folder))
        keys = list(facet_keys(record))  # each statement once for all of them: a record has a dozen
        db.executemany("INSERT OR IGNORE INTO facets VALUES (?, ?, ?)", keys)
        db.executemany("INSERT INTO members VALUES (?, ?, ?, ?)", [(kind, key, sort, n) for kind, key, _ in keys])
        if self.searchable:
            db.executemany("INSERT INTO tagged VALUES (?, ?)",
                           [(n, self._facet_id(db, kind, key)) for kind, key, _ in keys])
        if self.searchable:
            subjects = " ".join(s["term"] for s in record["subjects"])
            db.execute("INSERT INTO search (rowid, title, subjects, description, text) VALUES (?, ?, ?, ?, ?)",
                       (n, index_text(record["title"]), index_text(subjects),
                        index_text(record.get("description", "")), index_text(_text(record))))
        return True

    def _facet_id(self, db: sqlite3.Connection, kind: str, key: str) -> int:
        found = self._ids.get((kind, key))
        if found is None:
            row = db.execute("SELECT rowid FROM facets WHERE kind = ? AND key = ?", (kind, key)).fetchone()
            found = self._ids[(kind, key)] = int(row[0])
        return found

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

    def ordered(self, kind: str | None = None, key: str | None = None) -> Iterator[Item]:
        """Every record of the collection (or of one listing) in title order, read as it goes (memory stays
        flat): what :meth:`items` gives page by page, in one pass instead of one query per page."""
        columns = "i.id, i.title, i.lang, i.summary, i.year, i.lastmod"
        if kind is None:
            rows = self._db().execute(f"SELECT {columns} FROM items i ORDER BY i.sort, i.id")
        else:
            rows = self._db().execute(f"SELECT {columns} FROM members m JOIN items i ON i.n = m.n WHERE m.kind = ? "
                                      "AND m.key = ? ORDER BY m.sort, i.id", (kind, key))
        for row in rows:
            yield Item(*row)

    def folder(self, record_id: str) -> str | None:
        """The folder a served record's files are read from (None for a record not filed with one)."""
        row = self._db().execute("SELECT folder FROM folders WHERE id = ?", (record_id,)).fetchone()
        return None if row is None else str(row[0])

    def has(self, record_id: str) -> bool:
        return self._db().execute("SELECT 1 FROM items WHERE id = ?", (record_id,)).fetchone() is not None

    def each(self, *, offset: int = 0, limit: int = -1) -> Iterator[Item]:
        """Every record (``limit`` from ``offset``), in id order (for the sitemap), read as it goes."""
        for row in self._db().execute("SELECT id, title, lang, summary, year, lastmod FROM items ORDER BY id "
                                      "LIMIT ? OFFSET ?", (limit, offset)):
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
        total, one page of them, and the subjects and languages of all matches with their counts (the 20 largest
        of each). The last few hundred answers are remembered while the catalog's contents stay the same."""
        match = match_query(query)
        if match is None:
            return 0, [], {"subject": [], "language": []}
        db = self._db()
        db.execute("BEGIN")
        try:
            generation = int(db.execute("SELECT generation FROM state").fetchone()[0])
            key = (generation, match, subject, language, offset, limit)
            with self._lock:
                answer = self._answers.get(key)
                if answer is not None:
                    self._answers.move_to_end(key)
            if answer is None:
                answer = self._search(db, generation, match, subject, language, offset, limit)
                with self._lock:
                    self._answers[key] = answer
                    while len(self._answers) > ANSWERS:
                        self._answers.popitem(last=False)
        finally:
            db.execute("DROP TABLE IF EXISTS temp.hits")
            db.execute("COMMIT")
        total, items, facets = answer
        return total, list(items), {kind: list(found) for kind, found in facets.items()}

    def _search(self, db: sqlite3.Connection, generation: int, match: str, subject: str | None,
                language: str | None, offset: int, limit: int) -> tuple[int, list[Item], dict[str, list[Facet]]]:
        where, args = ["search MATCH ?"], [match]
        for kind, key in (("subject", subject), ("language", language)):
            if key:
                where.append("EXISTS (SELECT 1 FROM members m INDEXED BY members_by_item WHERE m.n = search.rowid "
                             "AND m.kind = ? AND m.key = ?)")
                args += [kind, key]
        # The full-text match (and its rank) once, into a table of this connection: the count, the page and the
        # facets read it instead of matching again.
        db.execute("DROP TABLE IF EXISTS temp.hits")
        db.execute("CREATE TEMP TABLE hits (n INTEGER PRIMARY KEY, rank REAL NOT NULL)")
        total = db.execute(f"INSERT INTO hits SELECT rowid, rank FROM search WHERE {' AND '.join(where)}",
                           args).rowcount
        rows = db.execute("SELECT i.id, i.title, i.lang, i.summary, i.year, i.lastmod FROM hits s CROSS JOIN "
                          "items i ON i.n = s.n ORDER BY s.rank, i.sort, i.id LIMIT ? OFFSET ?",
                          [limit, offset]).fetchall()
        everyone, count = self._facets_of_all(db, generation)
        if total * 2 > count:
            # Most records match: count the facets of those that do not, and take them from each facet's total.
            missing = dict(db.execute("SELECT t.f, COUNT(*) FROM items i CROSS JOIN tagged t ON t.n = i.n "
                                      "WHERE i.n NOT IN (SELECT n FROM hits) GROUP BY t.f"))
            counts = {f: facet.count - missing.get(f, 0) for f, facet in everyone.items()}
        else:
            counts = dict(db.execute("SELECT t.f, COUNT(*) FROM hits h CROSS JOIN tagged t ON t.n = h.n "
                                     "GROUP BY t.f"))
        facets: dict[str, list[Facet]] = {"subject": [], "language": []}
        for f, number in counts.items():
            facet = everyone[f]
            if number > 0 and facet.kind in facets:
                facets[facet.kind].append(Facet(facet.kind, facet.key, facet.label, number))
        for found in facets.values():
            found.sort(key=lambda facet: (-facet.count, facet.label, facet.key))
            del found[20:]
        return total, [Item(*row) for row in rows], facets

    def _facets_of_all(self, db: sqlite3.Connection, generation: int) -> tuple[dict[int, Facet], int]:
        """Every facet by its number, with its record count, and the number of records (once per generation)."""
        with self._lock:
            known = self._everyone
        if known is None or known[0] != generation:
            everyone = {int(f): Facet(kind, key, label, int(number)) for f, kind, key, label, number in db.execute(
                "SELECT f.rowid, f.kind, f.key, f.label, c.count FROM (SELECT f, COUNT(*) AS count FROM tagged "
                "GROUP BY f) c JOIN facets f ON f.rowid = c.f")}
            known = (generation, self.count(), everyone)
            with self._lock:
                self._everyone = known
        return known[2], known[1]

    def close(self) -> None:
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

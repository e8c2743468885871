"""The catalog's search gives what a plain SQL reading of its tables gives (the total, the page best first, the
subject and language counts), whichever way it counts, and forgets remembered answers when the records change."""

from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from archivist.site._catalog import Catalog
from archivist.site._tokens import match_query
from tests.conftest import SEED
from tests.site.conftest import DATA

WORDS = ["amber", "basalt", "cobalt", "dune", "ember"]


def records(count: int) -> list[dict[str, Any]]:
    """Seed-derived records: "common" in most titles, a word of WORDS in some, subjects shared by many or few."""
    seed = json.loads(SEED.read_text("utf-8"))
    others = [json.loads(p.read_text("utf-8")) for p in sorted(DATA.glob("[a-z][a-z]-*.json"))]
    found = []
    for n in range(count):
        base = copy.deepcopy(others[n % len(others)] if n % 5 == 4 else seed)
        words = " ".join(WORDS[k] for k in range(len(WORDS)) if n % (k + 2) == 0)
        base.update(id=f"r{n:05d}", title=f"{'common ' if n % 10 < 7 else ''}{words} item {n}")
        base["subjects"] = [*base["subjects"][:2], {"term": f"Topic {n % 37}", "scheme": "local"},
                            {"term": f"Rare {n}", "scheme": "local"}]
        found.append(base)
    return found


def reference(database: str, query: str, subject: str | None, language: str | None, offset: int,
              limit: int) -> tuple[int, list[str], dict[str, list[tuple[str, int]]]]:
    """The search read plainly: every match with its rank, filtered, ordered; facets counted over every match."""
    db = sqlite3.connect(database)
    rows = db.execute("SELECT s.rowid, s.rank, i.sort, i.id FROM search s JOIN items i ON i.n = s.rowid "
                      "WHERE search MATCH ?", [match_query(query)]).fetchall()
    keep = []
    for n, rank, sort, record_id in rows:
        tags = set(db.execute("SELECT kind, key FROM members WHERE n = ?", [n]).fetchall())
        if (not subject or ("subject", subject) in tags) and (not language or ("language", language) in tags):
            keep.append((rank, sort, record_id, n, tags))
    keep.sort()
    counts: dict[tuple[str, str], int] = {}
    for *_, tags in keep:
        for tag in tags:
            counts[tag] = counts.get(tag, 0) + 1
    labels = dict(((kind, key), label) for kind, key, label in db.execute("SELECT kind, key, label FROM facets"))
    facets = {kind: [(key, number) for (_, _, key), number in sorted(
        ((-number, labels[(k, key)], key), number) for (k, key), number in counts.items() if k == kind)][:20]
        for kind in ("subject", "language")}
    db.close()
    return len(keep), [r[2] for r in keep[offset:offset + limit]], facets


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    catalog = Catalog(tmp_path_factory.mktemp("catalog") / "catalog.sqlite")
    catalog.begin()
    for record in records(400):
        assert catalog.add(record)
    catalog.commit()
    return catalog


@pytest.mark.parametrize(("query", "subject", "language", "offset"), [
    ("common", None, None, 0),           # most records: counted from those that do not match
    ("common", None, None, 50),
    ("common item", None, "en", 0),
    ("amber", None, None, 0),            # half of them
    ("cobalt", None, None, 0),           # a quarter
    ("ember common", None, None, 0),
    ("item", "topic-3-", None, 0),       # a subject's key is filled in below
    ("rare 17", None, None, 0),          # one record
    ("東京", None, None, 0),
    ("nothing-here", None, None, 0),
])
def test_search_gives_what_plain_sql_gives(catalog: Catalog, query: str, subject: str | None,
                                           language: str | None, offset: int) -> None:
    if subject:
        subject = next(f.key for f in catalog.facets("subject") if f.label == "Topic 3")
    total, items, facets = catalog.search(query, subject=subject, language=language, offset=offset, limit=50)
    want_total, want_ids, want_facets = reference(catalog.database, query, subject, language, offset, 50)
    assert total == want_total
    assert [item.id for item in items] == want_ids
    assert {kind: [(f.key, f.count) for f in found] for kind, found in facets.items()} == want_facets
    assert catalog._answers  # remembered
    again = catalog.search(query, subject=subject, language=language, offset=offset, limit=50)
    assert again == (total, items, facets)


def test_remembered_answers_are_forgotten_when_the_catalog_is_filled_again(tmp_path: Path) -> None:
    first, second = Catalog(tmp_path / "c.sqlite"), Catalog(tmp_path / "c.sqlite")  # as two server processes
    first.begin()
    for record in records(20):
        first.add(record)
    first.commit()
    assert second.search("amber")[0] == 10
    first.begin()
    first.clear()
    for record in records(40):
        first.add(record)
    first.commit()
    assert second.search("amber")[0] == 20
    first.close()
    second.close()

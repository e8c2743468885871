"""The on-disk map a batch keeps its ids and resume entries in."""

from __future__ import annotations

import os

import pytest

from archivist._diskmap import DiskMap


def test_add_keeps_the_first_value_and_put_replaces_in_first_position():
    with DiskMap() as store:
        assert store.add("a", "file.jsonl:1") is None
        assert store.add("b", "file.jsonl:2") is None
        assert store.add("a", "file.jsonl:9") == "file.jsonl:1"
        store.put("c", "3")
        store.put("a", "new")
        assert store.get("a") == "new" and store.get("missing") is None
        assert list(store.values()) == ["new", "file.jsonl:2", "3"]
        assert len(store) == 3


def test_holds_lone_surrogates_and_many_keys_across_commits():
    with DiskMap() as store:
        assert store.add("\ud800", "name-\udcff.jsonl") is None
        assert store.get("\ud800") == "name-\udcff.jsonl"
        for n in range(5000):
            assert store.add(f"r{n}", str(n)) is None
        assert store.add("r4321", "again") == "4321"


def test_close_removes_its_file():
    store = DiskMap()
    folder = store._dir
    assert os.path.isdir(folder)
    store.close()
    assert not os.path.exists(folder)


def test_it_answers_in_as_get_and_set_as_a_dict_does() -> None:
    """The subset of a dict ingest uses for the ids and originals it wrote (``in``, ``[key]``, ``[key] = value``)."""
    with DiskMap() as seen:
        assert "r1" not in seen
        with pytest.raises(KeyError):
            seen["r1"]
        seen["r1"] = "a.html"
        seen["originals/a.html"] = "a.html"
        seen["r1"] = "b.html"
        assert "r1" in seen and seen["r1"] == "b.html" and seen["originals/a.html"] == "a.html"
        assert len(seen) == 2

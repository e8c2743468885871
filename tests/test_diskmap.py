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


_KILLED_WHILE_FULL = """
import os, signal, sys
from archivist._diskmap import DiskMap
store = DiskMap()
for n in range(60000):  # about 6 MB: past SQLite's 2 MB page cache, so pages go to the file
    store.add(f"record-{n:06d}", "x" * 80)
for fd in os.listdir("/proc/self/fd"):
    try:
        print(os.readlink(f"/proc/self/fd/{fd}"), flush=True)
    except OSError:  # the listing's own descriptor, closed by now
        pass
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="reads open files through /proc (Linux)")
def test_a_killed_process_leaves_nothing_in_the_temporary_folder(tmp_path) -> None:
    """The map is a file in TMPDIR (memory stays flat), unlinked from the start: SIGKILL leaves no folder behind."""
    import subprocess
    import sys

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    done = subprocess.run([sys.executable, "-c", _KILLED_WHILE_FULL], capture_output=True, text=True,
                          env={**os.environ, "TMPDIR": str(temporary), "SQLITE_TMPDIR": str(temporary)})
    assert done.returncode == -9, done.stderr
    assert any(name.startswith(str(temporary)) and name.endswith("(deleted)") for name in done.stdout.split("\n")), \
        done.stdout
    assert list(temporary.iterdir()) == []


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

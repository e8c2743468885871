"""Atomic writes: the data appears whole or not at all, temporary files are found and removed, never others."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from archivist import _atomic
from archivist._atomic import atomic_writer, discard_partials, is_partial, sweep_partials, write_atomic


def partials(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if is_partial(p.name))


def test_write_atomic_writes_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "x.xml"
    write_atomic(target, b"<a/>")
    write_atomic(target, b"<b/>")
    assert target.read_bytes() == b"<b/>" and os.listdir(tmp_path) == ["x.xml"]


def test_the_file_is_readable_by_others_as_other_outputs(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "x", b"x")
    finally:
        os.umask(umask)
    assert (tmp_path / "x").stat().st_mode & 0o777 == 0o644


def test_nothing_appears_under_the_name_until_the_write_is_done(tmp_path: Path) -> None:
    target = tmp_path / "x.xml"
    with atomic_writer(target) as stream:
        stream.write(b"half")
        assert not target.exists()
        (name,) = partials(tmp_path)
        assert name.startswith(".x.xml.") and (tmp_path / name).read_bytes() == b""  # buffered, not yet flushed
    assert target.read_bytes() == b"half" and partials(tmp_path) == []


def test_no_partial_file_when_a_write_is_interrupted(tmp_path: Path) -> None:
    target = tmp_path / "out" / "x.xml"
    write_atomic(target, b"before")
    with pytest.raises(RuntimeError), atomic_writer(target) as stream:
        stream.write(b"half")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"before" and os.listdir(tmp_path / "out") == ["x.xml"]


def test_atomic_write_makes_its_folder_and_steps_over_a_stale_temporary_file(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_atomic, "_serial", itertools.count(7))  # so the stale file has the next name
    target = tmp_path / "new" / "deeper" / "x.xml"
    target.parent.mkdir(parents=True)
    stale = target.parent / f".x.xml.{os.getpid()}-7.part"
    stale.write_bytes(b"left by a dead process with this pid")
    write_atomic(target, b"<x/>")
    assert target.read_bytes() == b"<x/>"
    assert stale.read_bytes() == b"left by a dead process with this pid"
    write_atomic(tmp_path / "made" / "on" / "demand.txt", b"ok")
    assert (tmp_path / "made" / "on" / "demand.txt").read_bytes() == b"ok"


@pytest.mark.parametrize("durable", [True, False])
def test_durable_writes_are_synced_before_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     durable: bool) -> None:
    synced: list[bool] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(not (tmp_path / "x").exists())  # before the rename
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_atomic(tmp_path / "x", b"x", durable=durable)
    assert synced == ([True] if durable else [])


def test_discard_partials_removes_what_this_process_is_writing(tmp_path: Path) -> None:
    writing = atomic_writer(tmp_path / "x")
    writing.__enter__().write(b"half")
    assert len(partials(tmp_path)) == 1
    discard_partials()  # what a signal handler does just before the process exits
    assert partials(tmp_path) == []
    with pytest.raises(FileNotFoundError):
        writing.__exit__(None, None, None)  # the rename finds nothing: the data never appears
    assert os.listdir(tmp_path) == []


def test_is_partial() -> None:
    assert is_partial(".x.xml.123-4.part") and is_partial(".dspace-saf.part")
    assert not is_partial("x.part") and not is_partial(".hidden") and not is_partial("data.partial")


def test_sweep_partials_shallow_and_deep(tmp_path: Path) -> None:
    for name in (".a.1-1.part", "keep.xml", ".keep", "sub/.b.1-2.part", "sub/deeper/.c.1-3.part", "sub/keep.part"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / ".folder.part" / "inside").mkdir(parents=True)
    assert sweep_partials(tmp_path) == 2  # the file and the folder at the top only
    assert (tmp_path / "sub" / ".b.1-2.part").exists() and not (tmp_path / ".folder.part").exists()
    assert sweep_partials(tmp_path, deep=True) == 2
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == [".keep", "keep.xml", "sub/keep.part"]


def test_write_atomic_finishes_a_short_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    calls: list[int] = []

    def short(fd: int, data: bytes) -> int:  # as a full disk or a signal may cut a write short
        calls.append(len(data))
        return real_write(fd, bytes(data[:3]))

    monkeypatch.setattr(os, "write", short)
    write_atomic(tmp_path / "x", b"0123456789")
    monkeypatch.undo()
    assert (tmp_path / "x").read_bytes() == b"0123456789" and calls == [10, 7, 4, 1]
    assert os.listdir(tmp_path) == ["x"]


def test_write_atomic_leaves_nothing_when_the_write_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_atomic(tmp_path / "x", b"before")

    def full(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OSError, match="No space"):
        write_atomic(tmp_path / "x", b"after")
    monkeypatch.undo()
    assert (tmp_path / "x").read_bytes() == b"before" and os.listdir(tmp_path) == ["x"]
    assert not _atomic._in_flight

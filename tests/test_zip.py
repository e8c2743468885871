"""The ZIP writer: exactly what zipfile writes for the same entries (stored or deflated, ZIP64 too), parts joined
without recompressing give the one-pass bytes, and zipfile, Info-ZIP unzip and Java read what it writes."""

from __future__ import annotations

import io
import itertools
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivist._constants import ZIP_TIME
from archivist._zip import ZipWriter, stored_zip
from tests.tools import need, needs

names = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=12)


def zipfile_bytes(entries: list[tuple[str, bytes]], date_time: Any) -> bytes:
    """What zipfile writes for the entries, stored, as a Unix regular file (rw-r--r--) each."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(names, st.binary(max_size=300)), max_size=6, unique_by=lambda entry: entry[0]),
       st.tuples(st.integers(1980, 2107), st.integers(1, 12), st.integers(1, 28), st.integers(0, 23),
                 st.integers(0, 59), st.integers(0, 59)))
def test_stored_zip_writes_what_zipfile_writes(entries: list[tuple[str, bytes]], date_time: Any) -> None:
    ours = stored_zip(entries, date_time)
    assert ours == zipfile_bytes(entries, date_time)
    with zipfile.ZipFile(io.BytesIO(ours)) as archive:
        assert archive.testzip() is None
        assert [(i.filename, archive.read(i)) for i in archive.infolist()] == entries


def test_entries_keep_their_order_date_and_utf8_names() -> None:
    entries = [("mimetype", b"application/epub+zip"), ("OEBPS/café.xhtml", b"<p/>"), ("a", b"")]
    with zipfile.ZipFile(io.BytesIO(stored_zip(entries, (2001, 2, 3, 4, 5, 6)))) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["mimetype", "OEBPS/café.xhtml", "a"]
    assert {i.date_time for i in infos} == {(2001, 2, 3, 4, 5, 6)}
    assert [i.flag_bits & 0x800 for i in infos] == [0, 0x800, 0]
    assert {i.compress_type for i in infos} == {zipfile.ZIP_STORED} and {i.external_attr >> 16 for i in infos} == {
        0o100644}


def test_an_empty_archive_is_an_empty_zip() -> None:
    assert stored_zip([], (1980, 1, 1, 0, 0, 0)) == zipfile_bytes([], (1980, 1, 1, 0, 0, 0))


def deflated_zipfile_bytes(entries: list[tuple[str, bytes]], date_time: Any) -> bytes:
    """What zipfile writes for the entries deflated, with the attributes the DSpace package gives (0644)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def written(parts: list[list[tuple[str, bytes]]], date_time: Any = ZIP_TIME) -> bytes:
    """The archive of the entries of ``parts``, each part written by its own writer and joined in order."""
    out = io.BytesIO()
    joined = ZipWriter(out, io.BytesIO(), date_time)
    for part in parts:
        entries, index = io.BytesIO(), io.BytesIO()
        writer = ZipWriter(entries, index, date_time)
        for name, data in part:
            writer.add(name, data, attributes=0o644 << 16)
        entries.seek(0)
        index.seek(0)
        joined.append(entries, index)
    joined.finish()
    return out.getvalue()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(names, st.binary(max_size=300) | st.text(max_size=200).map(str.encode)), max_size=10,
                unique_by=lambda entry: entry[0]),
       st.lists(st.integers(0, 10), max_size=3))
def test_deflated_parts_joined_are_what_zipfile_writes_in_one_pass(entries: list[tuple[str, bytes]],
                                                                   cuts: list[int]) -> None:
    edges = [0, *sorted(cuts), len(entries)]
    parts = [entries[start:end] for start, end in itertools.pairwise(edges)]
    ours = written(parts)
    assert ours == written([entries]) == deflated_zipfile_bytes(entries, ZIP_TIME)
    with zipfile.ZipFile(io.BytesIO(ours)) as archive:
        assert archive.testzip() is None
        assert [(i.filename, archive.read(i)) for i in archive.infolist()] == entries


MANY = 70_000  # past 65,535 entries: the end of the archive needs ZIP64 records


@pytest.fixture(scope="module")
def many_entries() -> list[tuple[str, bytes]]:
    return [(f"item{n // 7:05d}/file-{n % 7}.txt", f"entry {n}\n".encode()) for n in range(MANY)]


@pytest.fixture(scope="module")
def zip64_archive(tmp_path_factory: pytest.TempPathFactory, many_entries: list[tuple[str, bytes]]) -> Path:
    """70,000 tiny entries written in three parts, joined."""
    third = MANY // 3
    data = written([many_entries[:third], many_entries[third:2 * third], many_entries[2 * third:]])
    path = tmp_path_factory.mktemp("zip64") / "many.zip"
    path.write_bytes(data)
    return path


def test_past_65535_entries_the_joined_parts_are_zipfile_s_zip64_bytes(zip64_archive: Path,
                                                                      many_entries: list[tuple[str, bytes]]) -> None:
    data = zip64_archive.read_bytes()
    assert b"PK\x06\x06" in data[-200:] and b"PK\x06\x07" in data[-200:]  # the ZIP64 end records are there
    assert data == deflated_zipfile_bytes(many_entries, ZIP_TIME)
    with zipfile.ZipFile(zip64_archive) as archive:
        infos = archive.infolist()
        assert len(infos) == MANY and archive.testzip() is None  # testzip checks every CRC
        assert [(i.filename, archive.read(i)) for i in infos[::997]] == many_entries[::997]


@needs("unzip", "zipinfo")  # skip before the archive is built
def test_info_zip_tests_and_lists_the_zip64_archive(zip64_archive: Path) -> None:
    tested = subprocess.run([need("unzip"), "-tqq", str(zip64_archive)], capture_output=True, text=True, check=False)
    assert tested.returncode == 0 and not tested.stderr, tested.stdout + tested.stderr
    listed = subprocess.run([need("zipinfo"), "-1", str(zip64_archive)], capture_output=True, text=True, check=True)
    assert len(listed.stdout.splitlines()) == MANY and not listed.stderr


JAVA_CHECK = """
import java.util.zip.*; import java.io.*;
public class Check { public static void main(String[] a) throws Exception {
  int central; try (ZipFile z = new ZipFile(a[0])) { central = z.size(); }
  int read = 0; byte[] b = new byte[8192];
  try (ZipInputStream in = new ZipInputStream(new FileInputStream(a[0]))) {  // checks each entry's CRC
    for (ZipEntry e; (e = in.getNextEntry()) != null; read++) { while (in.read(b) > 0) { } } }
  System.out.println(central + " " + read); } }
"""


@needs("java", "javac")  # java runs a source file with the JDK's compiler
def test_java_reads_every_entry_of_the_zip64_archive(zip64_archive: Path, tmp_path: Path) -> None:
    source = tmp_path / "Check.java"
    source.write_text(JAVA_CHECK, encoding="utf-8")
    result = subprocess.run([need("java"), str(source), str(zip64_archive)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(MANY), str(MANY)]

"""stored_zip writes exactly what zipfile writes for the same stored entries, and refuses what needs ZIP64."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivist.exporters._zipstore import stored_zip

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


class Huge(bytes):
    """Bytes that say they are 2 GiB long, so the ZIP64 refusal is tested without the memory."""

    def __len__(self) -> int:
        return 1 << 31


def test_an_entry_past_2_gib_is_refused() -> None:
    with pytest.raises(ValueError, match="big: entries past 2 GiB need ZIP64"):
        stored_zip([("big", Huge(b""))], (1980, 1, 1, 0, 0, 0))

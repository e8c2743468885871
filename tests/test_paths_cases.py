"""Where archivist may read and write (#29): each way a listed path or an output is refused, with the exact reason
a user is shown, and the paths that are fine."""

from __future__ import annotations

import os
import re
import socket
import stat
import sys
from pathlib import Path

import pytest

from archivist._paths import PathConflict, UnsafePath, check_outputs, inside, open_regular, read_regular, real

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links, hard links and FIFOs")
PLAIN = ("is not a plain relative path (a '..' segment or an absolute path); a listed file must be inside the "
         "record's folder")


@pytest.fixture
def base(tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "f.txt").write_bytes(b"ok")
    return folder


def _reason(base: Path, relative: str) -> str:
    with pytest.raises(UnsafePath) as caught:
        inside(base, relative)
    assert caught.value.path == relative
    assert str(caught.value) == f"{relative}: {caught.value.reason}"
    return caught.value.reason


@pytest.mark.parametrize("relative", ["sub/../sub/f.txt", "..\\x", "sub\\..\\sub\\f.txt", "..", "/etc/hostname"])
def test_a_dot_dot_segment_or_an_absolute_path_is_refused_as_such(base: Path, relative: str) -> None:
    # Refused for how it is written, even where it would resolve back inside the folder.
    assert _reason(base, relative) == PLAIN


def test_a_symbolic_link_out_is_refused_naming_where_it_leads(base: Path, tmp_path: Path) -> None:
    (tmp_path / "secret").write_bytes(b"x")
    (base / "link").symlink_to(tmp_path / "secret")
    assert _reason(base, "link") == (f"leads outside {base} (to {(tmp_path / 'secret').resolve()}); a listed file "
                                     "must be inside the record's folder")


def test_a_link_to_the_folder_itself_is_inside_but_not_a_file(base: Path) -> None:
    (base / "self").symlink_to(base)
    assert _reason(base, "self") == "is a folder, not a regular file"


def test_special_files_are_named_by_kind(base: Path) -> None:
    os.mkfifo(base / "pipe")
    assert _reason(base, "pipe") == "is a FIFO (named pipe), not a regular file"
    assert _reason(base, "sub") == "is a folder, not a regular file"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(base / "sock"))
        assert _reason(base, "sock") == "is a socket, not a regular file"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="making device nodes needs root")
def test_device_nodes_are_named_by_kind(base: Path) -> None:
    os.mknod(base / "null", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    os.mknod(base / "loop0", stat.S_IFBLK | 0o600, os.makedev(7, 0))
    assert _reason(base, "null") == "is a character device, not a regular file"
    assert _reason(base, "loop0") == "is a block device, not a regular file"


def test_a_path_that_cannot_be_looked_at_says_why(base: Path) -> None:
    (base / "loop").symlink_to(base / "loop")
    assert _reason(base, "sub/f.txt/x") == os.strerror(20)  # ENOTDIR: "Not a directory"
    assert "symbolic links" in _reason(base, "loop").lower() or "loop" in _reason(base, "loop").lower()


def test_regular_and_not_yet_existing_files_are_fine(base: Path) -> None:
    assert inside(base, "sub/f.txt") == base.resolve() / "sub" / "f.txt"
    assert inside(base, "./sub/f.txt") == base.resolve() / "sub" / "f.txt"
    assert inside(base, "sub/new.txt") == base.resolve() / "sub" / "new.txt"


def test_open_regular_reads_a_file_and_refuses_the_rest(base: Path) -> None:
    assert read_regular(base / "sub" / "f.txt") == b"ok"
    with open_regular(str(base / "sub" / "f.txt")) as stream:
        assert stream.read() == b"ok"
    os.mkfifo(base / "pipe")
    with pytest.raises(UnsafePath) as caught:
        open_regular(base / "pipe")
    assert caught.value.path == str(base / "pipe")
    assert caught.value.reason == "is a FIFO (named pipe), not a regular file"
    with pytest.raises(UnsafePath, match=re.escape(f"{base / 'sub'}: is a folder, not a regular file")):
        read_regular(base / "sub")


def _conflict(inputs: list[str | Path], outputs: dict[str, str | Path | None]) -> str:
    with pytest.raises(PathConflict) as caught:
        check_outputs(inputs, outputs)
    return str(caught.value)


TAIL = ": an output must be outside every input (it would overwrite or be read back as input); choose another path"


def test_each_relation_of_an_output_to_an_input_is_named(base: Path, tmp_path: Path) -> None:
    record = base / "sub" / "f.txt"
    os.link(record, tmp_path / "hard.txt")
    assert _conflict([record], {"--errors": tmp_path / "hard.txt"}) == (
        f"--errors {tmp_path / 'hard.txt'} is the input {record}{TAIL}")
    assert _conflict([record], {"--errors": record}) == f"--errors {record} is the input {record}{TAIL}"
    within = base / "sub" / "x"
    assert _conflict([base], {"--out": within}) == f"--out {within} lies inside the input {base}{TAIL}"
    assert _conflict([record], {"--out": base}) == f"--out {base} contains the input {record}{TAIL}"
    # Not there yet: the relation is found from the names alone.
    deeper = base / "new" / "deeper"
    assert _conflict([base / "new"], {"--out": deeper}).startswith(f"--out {deeper} lies inside")
    assert _conflict([deeper], {"--out": base / "new"}).startswith(f"--out {base / 'new'} contains")


def test_an_output_linked_into_an_input_is_inside_it(base: Path, tmp_path: Path) -> None:
    (tmp_path / "alias").symlink_to(base)
    linked = tmp_path / "alias" / "x"
    assert _conflict([base], {"--out": linked}).startswith(f"--out {linked} lies inside the input {base}")


def test_outputs_apart_from_the_inputs_and_standard_streams_pass(base: Path, tmp_path: Path) -> None:
    check_outputs([base, "-"], {"--out": tmp_path / "out", "--errors": "-", "--report": None})
    check_outputs([base / "sub" / "f.txt"], {"--out": base / "sub" / "other"})
    assert real("-") == Path.cwd() / "-"

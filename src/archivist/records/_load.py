"""Read records from JSON files, JSON Lines files, directories of them, or standard input, as a stream."""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .._errors import SourceError
from .._jsonout import indented
from .._paths import UnsafePath, open_regular, real
from ._messages import json_pointer
from ._problems import EmptyInput, MalformedJSON, Problem, SchemaViolation, UndecodableText, UnreadableSource

RECORD_SUFFIXES = (".json", ".jsonl")
STDIN = "-"
MAX_DEPTH = 32  # no field of a record is nested nearly this deep; deeper data is refused before anything recurses


@dataclass(frozen=True)
class Entry:
    """One record as read from its source: the parsed data, or the problems that kept it from parsing."""

    file: str
    line: int | None
    data: dict[str, Any] | None
    problems: tuple[Problem, ...] = ()

    @property
    def record_id(self) -> str | None:
        value = self.data.get("id") if isinstance(self.data, dict) else None
        return value if isinstance(value, str) else None

    @property
    def where(self) -> str:
        """``file:line`` (the file alone when the record is a whole file), as problems name a record."""
        return location(self.file, self.line)

    @property
    def base_dir(self) -> Path | None:
        """The directory that relative ``files`` paths resolve against (None for stdin)."""
        return None if self.file == STDIN else Path(self.file).parent


def location(file: str, line: int | None) -> str:
    """``file:line``, or ``file`` when there is no line (a record that is a whole file)."""
    return f"{file}:{line}" if line else file


class _Dict(dict):  # type: ignore[type-arg]
    duplicates: list[str]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # read as infinity, the number would be altered, and no JSON writer can give it back
        raise ValueError(f"the number {text[:40]} is too large for a double-precision float")
    return value


def _parse(text: str) -> tuple[Any, list[tuple[str, str]]]:
    """Parse JSON text; also return (pointer, key) for every duplicated object key.

    Objects are plain dicts unless they had a duplicated key (then the value holds a ``_Dict`` to replace)."""
    flagged: list[_Dict] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        plain = dict(items)
        if len(plain) == len(items):
            return plain
        obj = _Dict(plain)
        obj.duplicates = [k for k, _ in _repeats(items)]
        flagged.append(obj)
        return obj

    value = json.loads(text, object_pairs_hook=pairs, parse_constant=_reject_constant, parse_float=_finite)
    found: list[tuple[str, str]] = []
    if flagged:
        _find_duplicates(value, [], found)
        value = _plain(value)
    return value, found


def _repeats(items: list[tuple[str, Any]]) -> Iterator[tuple[str, Any]]:
    seen: set[str] = set()
    for key, value in items:
        if key in seen:
            yield key, value
        seen.add(key)


def _find_duplicates(value: Any, path: list[Any], found: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for key in getattr(value, "duplicates", ()):
            found.append((json_pointer([*path, key]), key))
        for key, item in value.items():
            _find_duplicates(item, [*path, key], found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _find_duplicates(item, [*path, index], found)


def _plain(value: Any) -> Any:
    """Replace the parser's dict subclass by plain dicts, so records compare and pickle simply."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _decode(raw: bytes, file: str, line: int | None) -> tuple[str | None, Problem | None]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        where_line = line if line is not None else raw.count(b"\n", 0, exc.start) + 1
        return None, UndecodableText(
            message=f"not UTF-8: byte 0x{raw[exc.start]:02x} at byte offset {exc.start} cannot be decoded",
            file=file,
            line=where_line,
            byte_offset=exc.start,
        )
    return text.removeprefix("\ufeff"), None


def parse_record_text(text: str, file: str, line: int | None = None) -> Entry:
    """Parse the JSON text of one record into an Entry (never raises for bad input)."""
    if not text.strip():
        return Entry(file, line, None, (EmptyInput(message="empty input: no record here", file=file, line=line),))
    try:
        value, duplicates = _parse(text)
    except json.JSONDecodeError as exc:
        at_line = line if line is not None else exc.lineno
        return Entry(
            file,
            line,
            None,
            (MalformedJSON(message=f"malformed JSON: {exc.msg}", file=file, line=at_line, column=exc.colno),),
        )
    except ValueError as exc:
        return Entry(file, line, None, (MalformedJSON(message=f"malformed JSON: {exc}", file=file, line=line),))
    except RecursionError:
        too_deep = MalformedJSON(message="malformed JSON: nested too deeply", file=file, line=line)
        return Entry(file, line, None, (too_deep,))
    deep = _too_deep(value)
    if deep is not None:
        return Entry(file, line, None, (SchemaViolation(
            message=f"nested more than {MAX_DEPTH} levels deep: no field of a record goes this deep",
            pointer=json_pointer(deep), file=file, line=line, validator="maxDepth"),))
    if not isinstance(value, dict):
        found = ("an array (use a .jsonl file, one record per line, for many records)" if isinstance(value, list)
                 else "a JSON " + type(value).__name__)
        not_a_record = SchemaViolation(message=f"expected a record (a JSON object), got {found}", file=file, line=line,
                                       validator="type")
        return Entry(file, line, None, (not_a_record,))
    record = value
    problems = tuple(
        SchemaViolation(message=f"duplicate key {key!r}: JSON keeps only the last value, so the others would be lost",
                        pointer=pointer, file=file, line=line, validator="duplicateKey",
                        record_id=record.get("id") if isinstance(record.get("id"), str) else None)
        for pointer, key in duplicates
    )
    return Entry(file, line, record, problems)


def _too_deep(value: Any) -> list[Any] | None:
    """The path to the first value nested more than MAX_DEPTH levels deep, or None (walked without recursion).
    Every record is walked: depths alone first, and paths only for the rare record found too deep."""
    if not isinstance(value, (dict, list)):
        return None
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return _deep_path(value)
        children = node.values() if isinstance(node, dict) else node
        stack.extend((item, depth + 1) for item in children if isinstance(item, (dict, list)))
    return None


def _deep_path(value: Any) -> list[Any] | None:
    stack: list[tuple[Any, list[Any]]] = [(value, [])]
    while stack:
        node, path = stack.pop()
        if len(path) > MAX_DEPTH:
            return path
        if isinstance(node, dict):
            stack.extend((item, [*path, key]) for key, item in node.items() if isinstance(item, (dict, list)))
        elif isinstance(node, list):
            stack.extend((item, [*path, index]) for index, item in enumerate(node) if isinstance(item, (dict, list)))
    return None


def _read_json(stream: BinaryIO, file: str) -> Iterator[Entry]:
    raw = stream.read()
    text, problem = _decode(raw, file, None)
    if problem is not None:
        yield Entry(file, problem.line, None, (problem,))
        return
    assert text is not None
    yield parse_record_text(text, file)


def jsonl_entry(raw: bytes, file: str, line: int | None) -> Entry | None:
    """The entry for one line of a JSON Lines file, or a whole JSON file when ``line`` is None (None for a blank
    line); the batch engine reads byte ranges of a large file this way, one range per worker."""
    if not raw.strip():
        return None
    text, problem = _decode(raw, file, line)
    if problem is not None:
        return Entry(file, line, None, (problem,))
    assert text is not None
    return parse_record_text(text, file, line)


def _read_jsonl(stream: BinaryIO, file: str) -> Iterator[Entry]:
    empty = True
    for number, raw in enumerate(stream, start=1):
        entry = jsonl_entry(raw, file, number)
        if entry is None:
            continue
        empty = False
        yield entry
    if empty:
        yield Entry(file, None, None, (EmptyInput(message="empty input: no record here", file=file),))


def _read_stdin(stream: BinaryIO) -> Iterator[Entry]:
    """Standard input holds one JSON record, or JSON Lines."""
    raw = stream.read()
    text, problem = _decode(raw, STDIN, None)
    if problem is not None:
        yield Entry(STDIN, problem.line, None, (problem,))
        return
    assert text is not None
    single = parse_record_text(text, STDIN)
    if not (single.problems and single.problems[0].message.startswith("malformed JSON: Extra data")):
        yield single
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield parse_record_text(line, STDIN, number)


def _walk(directory: Path) -> Iterator[tuple[Path, str | None]]:
    """Each record file under ``directory`` in sorted order, with the reason it must not be read (None when it
    may): a symbolic link that leads out of the folder, a FIFO or a device."""
    top = real(directory)
    for root, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.endswith(RECORD_SUFFIXES) and not name.startswith("."):
                path = Path(root, name)
                yield path, _refusal(path, top)


def _refusal(path: Path, top: Path) -> str | None:
    target = real(path)
    if top not in target.parents:
        return f"is a link to {target}, outside {top}: not read"
    try:
        if not target.is_file():
            return "is not a regular file (a FIFO, a device or a socket): not read"
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _sources(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, str | None]]:
    """Every record source named by ``paths`` with the reason it must not be read (None when it may)."""
    for given in paths:
        name = os.fspath(given)
        if name == STDIN:
            yield STDIN, None
            continue
        path = Path(name)
        if path.is_dir():
            found = False
            for file, refusal in _walk(path):
                found = True
                yield str(file), refusal
            if not found:
                raise SourceError(name, "directory holds no record files (*.json, *.jsonl)")
        elif path.is_file():
            yield name, None
        elif path.exists():
            raise SourceError(name, "not a regular file or directory")
        else:
            raise SourceError(name, "no such file or directory")


def record_sources(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, str | None]]:
    """Every record source named by ``paths``, in order, with the reason it must not be read (None when it may);
    SourceError as :func:`record_files`."""
    return _sources(paths)


def record_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Every record source named by ``paths``, in order: files as given, directories walked in sorted order.

    Raises SourceError for a path that does not exist or a directory with no record files.
    """
    for name, _ in _sources(paths):
        yield name


def check_sources(paths: Iterable[str | os.PathLike[str]]) -> None:
    """Raise SourceError before any work starts if a path is missing or an empty directory."""
    for given in paths:
        name = os.fspath(given)
        if name == STDIN:
            continue
        path = Path(name)
        if path.is_dir():
            if next(_walk(path), None) is None:
                raise SourceError(name, "directory holds no record files (*.json, *.jsonl)")
        elif not path.exists():
            raise SourceError(name, "no such file or directory")
        elif not path.is_file():
            raise SourceError(name, "not a regular file or directory")


def read_records(*paths: str | os.PathLike[str], stdin: BinaryIO | None = None) -> Iterator[Entry]:
    """Stream every record from files, JSON Lines files, directories and ``-`` (standard input).

    Bad records come back as entries with problems, never as exceptions; a missing path or an empty
    directory raises SourceError (checked up front, before any record is yielded).
    """
    check_sources(paths)
    for file, refusal in _sources(paths):
        if file == STDIN:
            yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer)
            continue
        if refusal is not None:
            yield Entry(file, None, None, (UnreadableSource(message=refusal, file=file),))
            continue
        try:
            with open_regular(file) as stream:
                if file.endswith(".jsonl"):
                    yield from _read_jsonl(stream, file)
                else:
                    yield from _read_json(stream, file)
        except OSError as exc:
            raise SourceError(file, exc.strerror or str(exc)) from exc
        except UnsafePath as exc:
            raise SourceError(file, exc.reason) from exc


def load_record(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Load the single record in a JSON file; raise RecordInvalid if it cannot be parsed."""
    from .._errors import RecordInvalid

    entries = list(read_records(path))
    if len(entries) != 1:
        raise SourceError(os.fspath(path), f"expected one record, found {len(entries)}")
    entry = entries[0]
    if entry.data is None or entry.problems:
        raise RecordInvalid(entry.problems)
    return entry.data


def record_bytes(record: dict[str, Any]) -> bytes:
    """A record as archivist writes it: UTF-8 JSON, indented, ending in a newline."""
    return indented(record)

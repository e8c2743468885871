"""Validate records against the schema (every error, with its pointer) and check their files' fixity."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .._errors import RecordInvalid
from .._paths import UnsafePath, inside, open_regular
from ._catalog import catalog_problems
from ._fast import surely_valid
from ._languages import POINTER, language_problems, with_suggestion
from ._load import Entry
from ._messages import explain_all, json_pointer
from ._problems import FileProblem, Problem, SchemaViolation
from ._schema import record_validator
from ._subjects import iter_subject_problems

_CHUNK = 1 << 20


def iter_errors(record: Any) -> Iterator[SchemaViolation]:
    """Yield every schema violation of ``record``, ordered by where it is, each with a JSON Pointer.

    A record the compiled validator accepts is only checked for what JSON Schema cannot say (typed subdivisions
    ending their subject's term); any other is explained by the jsonschema validator."""
    violations = [] if surely_valid(record) else explain_all(record_validator().iter_errors(record))
    violations = [with_suggestion(v, record) for v in violations]
    violations += language_problems(record, well_formed=not any(v.pointer == POINTER for v in violations))
    violations += iter_subject_problems(record)
    record_id = record.get("id") if isinstance(record, dict) and isinstance(record.get("id"), str) else None
    for violation in violations:
        yield violation.located(record_id=record_id) if record_id else violation  # type: ignore[misc]


def is_valid(record: Any) -> bool:
    """True when the record passes the schema."""
    return ((surely_valid(record) or record_validator().is_valid(record))
            and next(iter_subject_problems(record), None) is None
            and next(language_problems(record, well_formed=True), None) is None)


def validate(record: Any) -> None:
    """Raise RecordInvalid, holding every violation, if ``record`` does not pass the schema."""
    problems = list(iter_errors(record))
    if problems:
        raise RecordInvalid(problems)


def sha256_file(path: Path) -> tuple[str, int]:
    """SHA-256 hex digest and size of a regular file, read in chunks (UnsafePath for a FIFO or a device)."""
    digest = hashlib.sha256()
    size = 0
    with open_regular(path) as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def iter_file_problems(record: dict[str, Any], base_dir: Path, *, fixity: bool = True) -> Iterator[FileProblem]:
    """Check that each file listed in ``files`` stays inside ``base_dir`` once symbolic links are resolved and is
    a regular file; with ``fixity``, also that it exists with its recorded size and SHA-256."""
    for index, item in enumerate(record.get("files", [])):
        pointer = json_pointer(["files", index])
        relative = item["path"]
        try:
            path = inside(base_dir, relative)
        except UnsafePath as exc:
            yield FileProblem(message=f"listed file {relative!r} {exc.reason}", pointer=pointer + "/path",
                              path=relative)
            continue
        if not fixity:
            continue
        if not path.is_file():
            yield FileProblem(message=f"listed file {relative!r} is missing (looked in {base_dir})",
                              pointer=pointer + "/path", path=relative)
            continue
        try:
            digest, size = sha256_file(path)
        except (OSError, UnsafePath) as exc:
            reason = exc.reason if isinstance(exc, UnsafePath) else exc.strerror or str(exc)
            yield FileProblem(message=f"listed file {relative!r} cannot be read: {reason}", pointer=pointer + "/path",
                              path=relative)
            continue
        if size != item["byte_size"]:
            yield FileProblem(message=f"{relative!r} has {size} bytes, the record says {item['byte_size']}",
                              pointer=pointer + "/byte_size", path=relative,
                              expected=str(item["byte_size"]), found=str(size))
        if digest != item["sha256"]:
            yield FileProblem(message=f"{relative!r} fails its fixity check: sha256 is {digest}, the record says "
                                      f"{item['sha256']}",
                              pointer=pointer + "/sha256", path=relative, expected=item["sha256"], found=digest)


def check_entry(entry: Entry, *, check_files: bool = True, strict: bool = False) -> list[Problem]:
    """Every problem of a record as read: parse problems, schema violations, listed files that lead outside the
    record's folder or are not regular files, (with ``check_files``) their fixity, and (with ``strict``) the
    catalog-quality warnings of a record otherwise valid."""
    where = {"file": entry.file, "line": entry.line, "record_id": entry.record_id}
    problems: list[Problem] = [p.located(**where) for p in entry.problems]
    if entry.data is None:
        return problems
    schema_problems = [p.located(**where) for p in iter_errors(entry.data)]
    problems.extend(schema_problems)
    if not schema_problems and entry.base_dir is not None:
        problems.extend(p.located(**where) for p in iter_file_problems(entry.data, entry.base_dir, fixity=check_files))
    if strict and not problems:
        problems.extend(catalog_warnings(entry))
    return problems


def catalog_warnings(entry: Entry) -> list[Problem]:
    """The catalog-quality warnings of a record as read (``_catalog``), located at its file, line and id."""
    where = {"file": entry.file, "line": entry.line, "record_id": entry.record_id}
    return [p.located(**where) for p in catalog_problems(entry.data)] if entry.data is not None else []

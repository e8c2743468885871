"""Records: the JSON Schema, reading records from files and streams, and validation with every error reported."""

from ._fast import fast_validator, surely_valid
from ._languages import language_problems, meant
from ._load import (
    Entry,
    check_sources,
    jsonl_entry,
    load_record,
    location,
    parse_record_text,
    read_records,
    record_bytes,
    record_files,
    record_sources,
)
from ._messages import json_pointer
from ._outcomes import Outcome, Status, Summary, validate_paths
from ._problems import (
    DuplicateId,
    EmptyInput,
    ExportFailed,
    FileProblem,
    MalformedJSON,
    Problem,
    SchemaViolation,
    UndecodableText,
    UnreadableSource,
)
from ._relators import Relator, relator, relators
from ._schema import SCHEMA_VERSION, record_schema, record_validator, schema_text
from ._subjects import is_lc_genre, is_lc_name, label_parts, main_heading
from ._validate import (
    catalog_warnings,
    check_entry,
    is_valid,
    iter_errors,
    iter_file_problems,
    sha256_file,
    validate,
)

__all__ = [
    "SCHEMA_VERSION",
    "DuplicateId",
    "EmptyInput",
    "Entry",
    "ExportFailed",
    "FileProblem",
    "MalformedJSON",
    "Outcome",
    "Problem",
    "Relator",
    "SchemaViolation",
    "Status",
    "Summary",
    "UndecodableText",
    "UnreadableSource",
    "catalog_warnings",
    "check_entry",
    "check_sources",
    "fast_validator",
    "is_lc_genre",
    "is_lc_name",
    "is_valid",
    "iter_errors",
    "iter_file_problems",
    "json_pointer",
    "jsonl_entry",
    "label_parts",
    "language_problems",
    "load_record",
    "location",
    "main_heading",
    "meant",
    "parse_record_text",
    "read_records",
    "record_bytes",
    "record_files",
    "record_schema",
    "record_sources",
    "record_validator",
    "relator",
    "relators",
    "schema_text",
    "sha256_file",
    "surely_valid",
    "validate",
    "validate_paths",
]

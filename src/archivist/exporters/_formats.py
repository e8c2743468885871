"""File formats for PREMIS: PRONOM identifiers found by FIDO (the Open Preservation Foundation's identifier), or
known by construction for what archivist writes itself.

FIDO is asked only about bytes already in memory (a file is never read twice for it) and only when the format is
not known by construction: an original capture, or a plugin's export. Only a match by signature counts as an
identification; FIDO's guesses from the file name alone (it calls any ``.json`` "Tweet JSON") are not written.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple


class Format(NamedTuple):
    """A PREMIS format designation: a name, and the PRONOM id when one was found."""

    name: str
    puid: str | None = None


XML = Format("Extensible Markup Language", "fmt/101")
#: archivist's own outputs, by exporter name ("record" is the record's JSON). tests/exporters/test_mets.py runs
#: FIDO on each and checks that it finds exactly this (or, for an entry without a PUID, no signature match).
OUTPUT_FORMATS: dict[str, Format] = {
    "oai_dc": XML, "dcterms": XML, "marcxml": XML, "mods": XML, "mets": XML,
    "epub": Format("ePub format", "fmt/483"),
    "jsonld": Format("JSON-LD"),
    "marc21": Format("MARC 21 (ISO 2709)"),
    "record": Format("JSON"),
    # DataCite is XML; no PRONOM signature matches the other citation formats, so they are named by media type,
    # as METS names any file FIDO does not identify (asking FIDO cost ~25 ms a file, most of a record's exports)
    "datacite": XML,
    "csl-json": Format("application/vnd.citationstyles.csl+json"),
    "bibtex": Format("application/x-bibtex"),
    "ris": Format("application/x-research-info-systems"),
}

_BUFFER = 128 * 1024  # what FIDO reads from each end of a file (its default bufsize)


@cache
def _fido() -> Any:
    """One FIDO per process, with the PRONOM signatures it ships (loading them takes a third of a second)."""
    from fido import CONFIG_DIR
    from fido.fido import Fido
    from fido.versions import get_local_versions

    versions = get_local_versions(CONFIG_DIR)
    return Fido(quiet=True, nocontainer=True, handle_matches=lambda *_: None,
                format_files=[versions.pronom_signature])


def identify(data: bytes, media_type: str) -> Format:
    """The format of ``data`` by FIDO's PRONOM signatures (the first match when several); named by ``media_type``
    when no signature matches."""
    fido = _fido()
    matches = fido.match_formats(data[:_BUFFER], data[-_BUFFER:])
    if not matches or not data:
        return Format(media_type.split(";")[0].strip())
    found = matches[0][0]
    return Format(found.findtext("name"), found.findtext("puid"))


def fido_version() -> str:
    """FIDO's version and the PRONOM signature file it uses."""
    from fido import CONFIG_DIR, __version__
    from fido.versions import get_local_versions

    return f"FIDO {__version__} ({get_local_versions(CONFIG_DIR).pronom_signature})"

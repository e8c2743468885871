"""A record's identifiers written in the forms their consumers read: URIs for Dublin Core, scheme-prefixed for EPUB.

A value is first stripped of the prefixes people write in front of it (``ISBN``, ``doi:``, a resolver address), so
``https://doi.org/10.1/x`` and ``10.1/x`` give the same forms; the number itself is never changed.
"""

from __future__ import annotations

from typing import Any

#: The record's own identifier (also the JSON-LD ``@id`` and the EPUB unique identifier) is this plus its id.
RECORD_URN_PREFIX = "urn:x-archivist:record:"

_PREFIXES: dict[str, tuple[str, ...]] = {
    "isbn": ("urn:isbn:", "isbn:", "isbn "),
    "issn": ("urn:issn:", "issn:", "issn "),
    "doi": ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "urn:doi:", "doi:"),
    "handle": ("https://hdl.handle.net/", "http://hdl.handle.net/", "hdl:"),
    "lccn": ("https://lccn.loc.gov/", "info:lccn/", "lccn:"),
    "oclc": ("info:oclcnum/", "(ocolc)", "oclc:"),
}

# Forms for EPUB's dc:identifier: Calibre reads "[urn:]scheme:value" (it drops http(s) values) and EPUB 3.3's
# own examples write urn:isbn: and urn:doi:; LCCN and OCLC numbers have no URN, so Calibre's "scheme:value".
_EPUB_FORMS = {"isbn": "urn:isbn:{}", "issn": "urn:issn:{}", "doi": "urn:doi:{}", "handle": "hdl:{}",
               "lccn": "lccn:{}", "oclc": "oclc:{}"}
# Forms for Dublin Core: a URI wherever the scheme has a standard one (RFC 3187, RFC 3044, the DOI and Handle
# proxies), so a harvester can tell the scheme; LCCN, OCLC and local values stay as written.
_URI_FORMS = {"isbn": "urn:isbn:{}", "issn": "urn:issn:{}", "doi": "https://doi.org/{}",
              "handle": "https://hdl.handle.net/{}"}


def bare(scheme: str, value: str) -> str:
    """The identifier without the scheme prefix or resolver address written in front of it."""
    value = value.strip()
    lowered = value.lower()
    for prefix in _PREFIXES.get(scheme, ()):
        if lowered.startswith(prefix) and value[len(prefix):].strip():  # never strip a value down to nothing
            return value[len(prefix):].strip()
    if scheme == "ark" and "ark:" in value and not lowered.startswith("ark:"):
        return value[value.index("ark:"):]  # a resolver address such as https://n2t.net/ark:/…
    if scheme == "urn" and not lowered.startswith("urn:"):
        return "urn:" + value
    return value


def epub_form(identifier: dict[str, Any]) -> str:
    """The identifier as EPUB reading systems and Calibre recognise it, e.g. ``urn:isbn:9780…``."""
    scheme = identifier["scheme"]
    value = bare(scheme, identifier["value"])
    return _EPUB_FORMS[scheme].format(value) if scheme in _EPUB_FORMS else value


def uri_form(identifier: dict[str, Any]) -> tuple[str, bool]:
    """The identifier for Dublin Core, and whether that form is a URI (for ``xsi:type="dcterms:URI"``)."""
    scheme = identifier["scheme"]
    value = bare(scheme, identifier["value"])
    if scheme in _URI_FORMS:
        return _URI_FORMS[scheme].format(value), True
    return value, scheme in ("uri", "urn", "ark")

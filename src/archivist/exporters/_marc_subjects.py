"""Subject added entries (6XX) from typed headings: the tag from the heading's kind, subdivisions in $v $x $y $z,
the thesaurus in the second indicator or $2, the authority URI in $0 (a Wikidata entity, a real-world thing, in $1).

What the record does not say is not guessed: a heading with no kind is topical (650) when its scheme is a subject
thesaurus, stays uncontrolled (653) when it is a keyword, a local term, or an id.loc.gov *names* heading whose kind
(person, body, meeting, title, place) is unknown; a heading whose subdivisions are not typed stays whole in $a.
"""

from __future__ import annotations

from typing import Any

from pymarc import Field, Indicators, Subfield

from ..records import is_lc_genre, is_lc_name, main_heading
from ._marc_text import clean, heading_end, nonfiling

#: Heading kind → MARC subject field.
KIND_TAGS = {"topical": "650", "personal-name": "600", "corporate-name": "610", "meeting-name": "611",
             "uniform-title": "630", "geographic": "651", "genre-form": "655", "chronological": "648"}
#: Subdivision type → subfield code.
SUBDIVISION_CODES = {"general": "x", "form": "v", "chronological": "y", "geographic": "z"}
#: Heading kind → 653 second indicator (type of term or name) for uncontrolled terms.
UNCONTROLLED_TYPES = {"topical": "0", "personal-name": "1", "corporate-name": "2", "meeting-name": "3",
                      "chronological": "4", "geographic": "5", "genre-form": "6"}
#: Schemes named in $2 (second indicator 7), as MARC's subject heading and term source codes spell them.
SOURCE_CODES = {"fast": "fast", "wikidata": "wikidata", "aat": "aat"}


def _uncontrolled(subject: dict[str, Any]) -> Field:
    """653: the whole label as an uncontrolled term, its kind (when stated) in the second indicator."""
    kind = subject.get("kind")
    return Field("653", Indicators(" ", UNCONTROLLED_TYPES.get(kind, " ") if kind else " "),
                 [Subfield("a", clean(subject["term"]))])


def subject_field(subject: dict[str, Any], language: str) -> Field:
    """The MARC field for one subject of a record in ``language``."""
    scheme, kind, uri = subject["scheme"], subject.get("kind"), subject.get("uri")
    names_uri = scheme == "lcsh" and uri is not None and is_lc_name(uri)
    if scheme == "keyword" or (kind is None and (scheme == "local" or names_uri)):
        return _uncontrolled(subject)
    if kind is None:
        kind = "genre-form" if uri and is_lc_genre(uri) else "topical"
    main = clean(main_heading(subject))
    tag = KIND_TAGS[kind]
    ind1 = {"600": "1" if "," in main else "0", "610": "2", "611": "2",
            "630": str(nonfiling(main, language))}.get(tag, " ")
    source = SOURCE_CODES.get(scheme)
    if scheme == "lcsh":
        ind2, source = ("7", "lcgft") if uri and is_lc_genre(uri) else ("0", None)
    elif scheme == "local":
        ind2 = "4"  # source not specified
    else:
        ind2 = "7"
    parts = [("a", main)] + [(SUBDIVISION_CODES[s["type"]], clean(s["term"])) for s in subject.get("subdivisions", [])]
    parts[-1] = (parts[-1][0], heading_end(parts[-1][1]))
    if source:
        parts.append(("2", source))
    if uri:
        parts.append(("1" if scheme == "wikidata" else "0", uri))
    return Field(tag, Indicators(ind1, ind2), [Subfield(code, clean(value)) for code, value in parts])

"""BibTeX as biblatex reads it: the record as one ``@online`` entry (biblatex's type for a resource on the web).

``@online`` rather than classic BibTeX's ``@misc``: only biblatex has fields for what a web citation needs
(``url``, ``urldate`` for the retrieval date, ``date`` for an EDTF publication date), and a classic BibTeX style
reads an unknown type as ``@misc``. The key is the record id. Text is LaTeX-escaped (the ten special characters, and
the pairs such as ``--`` and ``''`` that LaTeX would turn into dashes and quotes); non-ASCII text stays as UTF-8;
runs of white space are one space, as BibTeX reads them. ``date`` comes only from the record's ``issued`` date,
never the retrieval date.
"""

from __future__ import annotations

from typing import Any

from ._base import Exporter, Record
from ._citation import access_date, identifiers, issued, keywords, name, one_line, role

_SPECIAL = {"\\": r"\textbackslash{}", "#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&", "_": r"\_",
            "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}
_LIGATURES = {"-": "-", "`": "`", "'": "'", "?": "`", "!": "`"}  # a pair LaTeX makes a dash, quote, ¿ or ¡ of


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def escape(text: str) -> str:
    """``text`` as LaTeX that prints it: specials escaped; braces as ``\\{ \\}`` where they balance (BibTeX counts
    every brace, escaped or not), else ``\\textbraceleft{}``/``\\textbraceright{}``."""
    braces = ({"{": r"\{", "}": r"\}"} if _balanced(text)
              else {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"})
    out = []
    text = one_line(text)
    for index, char in enumerate(text):
        out.append(_SPECIAL.get(char) or braces.get(char) or char)
        if char in _LIGATURES and text[index + 1:index + 2] == _LIGATURES[char]:
            out.append("{}")
    return "".join(out)


def _verbatim(text: str) -> str:
    """A URL or DOI (biblatex reads them verbatim): as written, with unbalanced braces percent-encoded."""
    return text if _balanced(text) else text.replace("{", "%7B").replace("}", "%7D")


def _group(text: str) -> str:
    return "{" + escape(text) + "}"


def _person(agent: dict[str, Any]) -> str:
    """A name for a biblatex name list: "Family, Given" where the record split it so; any other name (a person's
    written otherwise, an organization's) in braces, whole, so no word of it is taken for a family name."""
    split = name(agent)
    if split.family and split.given:
        family, given = (_group(p) if " and " in p.lower() else escape(p) for p in (split.family, split.given))
        return f"{family}, {given}"
    return _group(split.literal)


#: biblatex name lists a record agent's role may name; another role (or none) makes a creator an ``author`` and
#: leaves a contributor out.
_ROLES = ("author", "editor", "translator")


def fields(record: Record) -> list[tuple[str, str]]:
    """The entry's fields in order, each value as written between the braces."""
    out: list[tuple[str, str]] = [("title", escape(record["title"]))]
    names: dict[str, list[str]] = {}
    for key, default in (("creators", "author"), ("contributors", None)):
        for agent in record.get(key, []):
            variable = role(agent) if role(agent) in _ROLES else default
            if variable is not None:
                names.setdefault(variable, []).append(_person(agent))
    out.extend((variable, " and ".join(names[variable])) for variable in _ROLES if variable in names)
    source = record["source"]
    publishers = list(dict.fromkeys(source[k] for k in ("site_name", "publisher") if k in source))
    if publishers:
        out.append(("organization", " and ".join(_group(p) for p in publishers)))
    published = issued(record)
    if published is not None:
        out.append(("date", escape(published)))
    out.append(("url", _verbatim(source["url"])))
    out.append(("urldate", "{:04d}-{:02d}-{:02d}".format(*access_date(record).ymd)))
    for scheme in ("doi", "isbn", "issn"):
        values = identifiers(record, scheme)
        if values:
            out.append((scheme, _verbatim(values[0]) if scheme == "doi" else escape(values[0])))
    if "description" in record:
        out.append(("abstract", escape(record["description"])))
    terms = keywords(record)
    if terms:
        out.append(("keywords", ", ".join(_group(t) if "," in t else escape(t) for t in terms)))
    return out


def export(record: Record) -> bytes:
    """The record as a ``.bib`` file holding one ``@online`` entry, UTF-8."""
    body = "".join(f"  {key} = {{{value}}},\n" for key, value in fields(record))
    return f"@online{{{record['id']},\n{body}}}\n".encode()


EXPORTER = Exporter(
    name="bibtex",
    extension=".bib",
    media_type="application/x-bibtex",
    description="BibTeX for biblatex (@online, urldate)",
    export=export,
)

"""EPUB 3 that EPUBCheck accepts without errors or warnings, byte-identical for the same record.

Every entry is stored uncompressed with a fixed timestamp, so the bytes depend on the record only,
not on the clock or on the machine's zlib.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .._constants import DC, XML_DECLARATION, XML_HEAD, ZIP_TIME
from .._zip import stored_zip
from ..records import relator
from ._base import Exporter, Record
from ._dc import is_w3cdtf
from ._identifiers import RECORD_URN_PREFIX, epub_form
from ._markup import Markup, attr, text

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
OPF = "http://www.idpf.org/2007/opf"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
LABEL_LANG = "en"

#: ISO 15924 codes of the scripts Unicode writes right to left (CLDR scriptMetadata, "RTL"); which script a
#: language is written in comes from langcodes.
_RTL_SCRIPTS = frozenset({"Adlm", "Arab", "Aran", "Armi", "Avst", "Chrs", "Cprt", "Elym", "Gara", "Hatr", "Hebr",
                          "Hung", "Khar", "Lydi", "Mand", "Mani", "Mend", "Merc", "Mero", "Narb", "Nbat", "Nkoo",
                          "Orkh", "Ougr", "Palm", "Phli", "Phlp", "Phnx", "Prti", "Rohg", "Samr", "Sarb", "Sogd",
                          "Sogo", "Syrc", "Thaa", "Yezi"})

_IDENTIFIER_LABELS = {"uri": "URI", "doi": "DOI", "handle": "Handle", "ark": "ARK", "urn": "URN", "isbn": "ISBN",
                      "issn": "ISSN", "oclc": "OCLC", "lccn": "LCCN", "local": "Local"}
_SCHEME_LABELS = {"lcsh": "LCSH", "fast": "FAST", "wikidata": "Wikidata", "aat": "AAT", "local": "local",
                  "keyword": "keyword"}

CSS = """body { font-family: serif; line-height: 1.5; margin: 1em; }
h1, h2, h3, h4, h5, h6 { font-family: sans-serif; line-height: 1.2; }
p { margin: 0 0 0.8em 0; }
dl.meta dt { font-weight: bold; margin-top: 0.5em; }
dl.meta dd { margin-left: 1.5em; overflow-wrap: anywhere; }
.digest { font-family: monospace; overflow-wrap: anywhere; }
"""


@cache
def text_direction(language: str) -> str:
    """``rtl`` when the language tag's script (as written, else the likeliest one for the language: ``ks`` is
    Arabic, ``az`` Latin) is written right to left, else ``ltr``; a tag langcodes cannot read is ``ltr``."""
    import langcodes  # 0.15 s to import: only when an EPUB is made

    try:
        script = langcodes.Language.get(language).maximize().script
    except ValueError:  # LanguageTagError, a ValueError langcodes does not export by name
        return "ltr"
    return "rtl" if script in _RTL_SCRIPTS else "ltr"


def modified_timestamp(records: Sequence[Record]) -> str:
    """dcterms:modified from the records, never the clock: the latest retrieval or provenance time.

    EPUB needs a full UTC date-time; a day-only value becomes that day's 00:00:00Z.
    """
    stamps = []
    for record in records:
        stamps.append(record["retrieval"]["retrieved_at"])
        stamps.extend(e["at"] for e in record.get("provenance", []))
    normal = [s if "T" in s else f"{s}T00:00:00Z" for s in stamps]
    latest = max(normal)
    return re.sub(r"\.\d+Z$", "Z", latest)


_XHTML_PROLOG = XML_DECLARATION + "\n<!DOCTYPE html>"


def _lang(lang: str | None, direction: str | None = None) -> str:
    """lang and xml:lang attributes (none for no language), and dir for right-to-left text."""
    attrs = attr("lang", lang) + attr("xml:lang", lang) if lang else ""
    return attrs + ' dir="rtl"' if direction == "rtl" else attrs


def _xhtml(title: str, lang: str, direction: str) -> Markup:
    """An XHTML document up to its open <body>."""
    return Markup(f'{_XHTML_PROLOG}\n<html xmlns="{XHTML}" xmlns:epub="{OPS}"{_lang(lang, direction)}>\n  <head>\n'
                  f'    <meta charset="utf-8"/>\n    <title>{text(title)}</title>\n'
                  '    <link rel="stylesheet" type="text/css" href="style.css"/>\n  </head>\n  <body>',
                  inside=("html", "body"))


def _link(doc: Markup, tag: str, uri: str) -> None:
    """An element holding one link that shows its own address."""
    doc.start(tag)
    doc.leaf("a", uri, attr("href", uri))
    doc.end()


def section_label(section: dict[str, Any], number: int) -> str:
    """A navigation label: the heading, else the opening words of the section, else its number."""
    heading: str | None = section["heading"]
    if heading is not None:
        return heading
    if section["paragraphs"]:
        words = section["paragraphs"][0].split()
        return " ".join(words[:8]) + (" …" if len(words) > 8 else "")
    return f"Section {number}"


def heading_level(section: dict[str, Any]) -> int:
    """The h1..h6 level a section's heading is written at (h2 when the record gives none)."""
    level: int = section.get("level", 2)
    return min(max(level, 1), 6)


_PUBLICATION_DATES = ("issued", "available", "copyrighted", "created")


def publication_date(record: Record) -> str | None:
    """EPUB's dc:date is the publication date: the record's first W3CDTF date issued, else available, else
    copyrighted, else created (EPUB forbids the modification date there); None when it has none of them."""
    for kind in _PUBLICATION_DATES:
        for date in record.get("dates", []):
            if date["type"] == kind and is_w3cdtf(date["value"]):
                return str(date["value"])
    return None


@dataclass
class _Doc:
    href: str
    id: str
    data: bytes
    media_type: str = "application/xhtml+xml"
    properties: str | None = None
    in_spine: bool = True


@dataclass
class _NavEntry:
    label: str
    href: str
    lang: str | None
    children: list[_NavEntry] = field(default_factory=list)


def _title_page(record: Record, href: str, doc_id: str) -> _Doc:
    lang = record["language"]
    in_lang = _lang(lang, text_direction(lang))
    doc = _xhtml(record["title"], LABEL_LANG, "ltr")
    doc.start("section", ' epub:type="titlepage"')
    doc.leaf("h1", record["title"], in_lang)
    for alt in record.get("alternative_titles", []):
        doc.leaf("p", alt, in_lang)
    source = record["source"]
    doc.start("dl", ' class="meta"')
    doc.leaf("dt", "Source")
    _link(doc, "dd", source["url"])
    for key, label in (("publisher", "Publisher"), ("site_name", "Site")):
        if key in source:
            doc.leaf("dt", label)
            doc.leaf("dd", source[key])
    return _Doc(href, doc_id, doc.data())


def _section_doc(record: Record, section: dict[str, Any], number: int, href: str, doc_id: str) -> _Doc:
    lang = record["language"]
    label = section_label(section, number)
    doc = _xhtml(label, lang, text_direction(lang))
    attrs = attr("id", f"{doc_id}-body") + ' epub:type="chapter" role="doc-chapter"'
    if section["heading"] is None:
        attrs += attr("aria-label", label)
    doc.start("section", attrs)
    if section["heading"] is not None:
        doc.leaf(f"h{heading_level(section)}", section["heading"])
    for paragraph in section["paragraphs"]:
        doc.leaf("p", paragraph)
    return _Doc(href, doc_id, doc.data())


def _colophon(record: Record, href: str, doc_id: str) -> _Doc:
    """The colophon: what the record knows of the document and its capture, one row of a definition list for each
    entry of :data:`_COLOPHON` that has something to say, then the notes."""
    lang = record["language"]
    doc = _xhtml("Colophon", LABEL_LANG, "ltr")
    doc.start("section", ' epub:type="colophon" role="doc-colophon"')
    doc.leaf("h1", "Colophon")
    doc.leaf("p", record["title"], _lang(lang, text_direction(lang)))
    doc.start("dl", ' class="meta"')
    for label, value_of in _COLOPHON:
        value = value_of(record)
        if value is not None:
            doc.leaf("dt", label)
            _dd(doc, value)
    for note in record.get("notes", []):
        doc.leaf("dt", "Note")
        doc.leaf("dd", note)
    return _Doc(href, doc_id, doc.data())


class _Link(str):
    """A colophon value written as a link to itself."""


class _Digest(str):
    """A colophon value written as a digest (a span of its own, which long hexadecimal text may break in)."""


_Value = str | list[str] | Callable[[Markup], None]


def _dd(doc: Markup, value: _Value) -> None:
    """A colophon value: plain text, a link, a digest, a list, or a writer of its own ``dd``."""
    if isinstance(value, _Link):
        _link(doc, "dd", value)
    elif isinstance(value, _Digest):
        doc.start("dd")
        doc.leaf("span", value, ' class="digest"')
        doc.end()
    elif isinstance(value, str):
        doc.leaf("dd", value)
    elif isinstance(value, list):
        doc.start("dd")
        doc.start("ul")
        for item in value:
            doc.leaf("li", item)
        doc.end()
        doc.end()
    else:
        value(doc)


def _agent_text(retrieval: dict[str, Any]) -> str | None:
    agent = retrieval.get("agent")
    return None if agent is None else " ".join(filter(None, [agent["name"], agent.get("version")]))


def _subjects_dd(record: Record) -> Callable[[Markup], None] | None:
    """Each subject with its scheme, linked to its authority URI when it has one."""
    if not record["subjects"]:
        return None

    def write(doc: Markup) -> None:
        doc.start("dd")
        doc.start("ul")
        for subject in record["subjects"]:
            term = f"{subject['term']} ({_SCHEME_LABELS[subject['scheme']]})"
            if "uri" in subject:
                doc.mixed("li", term + " ", "a", subject["uri"], attr("href", subject["uri"]))
            else:
                doc.leaf("li", term)
        doc.end()
        doc.end()
    return write


def _rights_dd(record: Record) -> Callable[[Markup], None] | None:
    """The rights statement and holder, then the rights URI as a link."""
    rights = record.get("rights", {})
    if not rights:
        return None
    words = " ".join(filter(None, [rights.get("statement"), rights.get("holder")]))

    def write(doc: Markup) -> None:
        if "uri" in rights:
            doc.mixed("dd", words + " " if words else None, "a", rights["uri"], attr("href", rights["uri"]))
        else:
            doc.leaf("dd", words or None)
    return write


def _removed_dd(record: Record) -> Callable[[Markup], None] | None:
    """Each line removed as site chrome: where it was and by which rule, and its text quoted in the record's
    language."""
    if not record.get("removed"):
        return None

    def write(doc: Markup) -> None:
        doc.start("dd")
        doc.start("ul")
        for item in record["removed"]:
            where = ", ".join(filter(None, [f"line {item['line']}" if "line" in item else None, item.get("rule")]))
            if item["text"].strip():
                doc.mixed("li", f"{where}: " if where else None, "q", item["text"], _lang(record["language"]))
            else:
                doc.leaf("li", f"{where}: " if where else None)
        doc.end()
        doc.end()
    return write


#: The colophon's rows in order: a label and what the record gives for it (None: the row is left out).
_COLOPHON: tuple[tuple[str, Callable[[Record], _Value | None]], ...] = (
    ("Record identifier", lambda r: r["id"]),
    ("Identifiers", lambda r: [f"{_IDENTIFIER_LABELS[i['scheme']]} {i['value']}" for i in r["identifiers"]]
        if r.get("identifiers") else None),
    ("Source URL", lambda r: _Link(r["source"]["url"])),
    ("Retrieved at", lambda r: r["retrieval"]["retrieved_at"]),
    ("Retrieval method", lambda r: r["retrieval"]["method"]),
    ("Retrieval agent", lambda r: _agent_text(r["retrieval"])),
    ("WARC-Record-ID", lambda r: r["retrieval"].get("warc_record_id")),
    ("Media type", lambda r: r["retrieval"]["media_type"]),
    ("Size", lambda r: f"{r['retrieval']['byte_size']} bytes"),
    ("SHA-256", lambda r: _Digest(r["retrieval"]["sha256"])),
    ("Subjects", _subjects_dd),
    ("Rights", _rights_dd),
    ("Provenance", lambda r: [f"{e['at']}: {e['action']} by {e['agent']}" + (f" ({e['note']})" if "note" in e else "")
                              for e in r["provenance"]] if r.get("provenance") else None),
    ("Removed as site chrome", _removed_dd),
)


def _nav_list(doc: Markup, entries: list[_NavEntry]) -> None:
    doc.start("ol")
    for entry in entries:
        doc.start("li")
        doc.leaf("a", entry.label, _lang(entry.lang) + attr("href", entry.href))
        if entry.children:
            _nav_list(doc, entry.children)
        doc.end()
    doc.end()


def _nav(title: str, entries: list[_NavEntry], landmarks: list[tuple[str, str, str]]) -> _Doc:
    doc = _xhtml(title, LABEL_LANG, "ltr")
    doc.start("nav", ' id="toc" epub:type="toc" role="doc-toc"')
    doc.leaf("h1", "Contents")
    _nav_list(doc, entries)
    doc.end()
    doc.start("nav", ' id="landmarks" hidden="hidden" epub:type="landmarks"')
    doc.leaf("h2", "Landmarks")
    doc.start("ol")
    for kind, label, href in landmarks:
        doc.start("li")
        doc.leaf("a", label, attr("href", href) + attr("epub:type", kind))
        doc.end()
    return _Doc("nav.xhtml", "nav", doc.data(), properties="nav", in_spine=False)


def _depth(entries: list[_NavEntry]) -> int:
    """How many levels the nav entries nest (toc.ncx's dtb:depth)."""
    return 1 + max((_depth(e.children) for e in entries if e.children), default=0)


def _ncx(uid: str, title: str, entries: list[_NavEntry]) -> _Doc:
    doc = Markup(XML_DECLARATION)
    doc.start("ncx", f' xmlns="{NCX}" version="2005-1"')
    doc.start("head")
    depth = _depth(entries)
    for name, content in (("dtb:uid", uid), ("dtb:depth", str(depth)), ("dtb:totalPageCount", "0"),
                          ("dtb:maxPageNumber", "0")):
        doc.leaf("meta", attrs=attr("name", name) + attr("content", content))
    doc.end()
    doc.start("docTitle")
    doc.leaf("text", title)
    doc.end()
    doc.start("navMap")
    counter = 0

    def add(items: list[_NavEntry]) -> None:
        nonlocal counter
        for entry in items:
            counter += 1
            doc.start("navPoint", attr("id", f"np{counter}") + attr("playOrder", str(counter)))
            doc.start("navLabel")
            doc.leaf("text", entry.label)
            doc.end()
            doc.leaf("content", attrs=attr("src", entry.href))
            add(entry.children)
            doc.end()

    add(entries)
    return _Doc("toc.ncx", "ncx", doc.data(), media_type="application/x-dtbncx+xml", in_spine=False)


def _agent_meta(doc: Markup, agent: dict[str, Any], element: str, aid: str) -> None:
    """dc:creator or dc:contributor, refined with its MARC relator code when its role is one (EPUB 3's way)."""
    found = relator(agent.get("role"))
    doc.leaf(f"dc:{element}", agent["name"], attr("id", aid) if found else "")
    if found is not None:
        doc.leaf("meta", found.code, attr("refines", f"#{aid}") + ' property="role" scheme="marc:relators"')


def _subject_meta(doc: Markup, subject: dict[str, Any], sid: str) -> None:
    doc.leaf("dc:subject", subject["term"], attr("id", sid))
    if "uri" in subject:  # authority and term only when both are known
        refines = attr("refines", f"#{sid}")
        doc.leaf("meta", _SCHEME_LABELS[subject["scheme"]], refines + ' property="authority"')
        doc.leaf("meta", subject["uri"], refines + ' property="term"')


_ACCESSIBILITY = (
    ("schema:accessMode", "textual"), ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"), ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"), ("schema:accessibilityHazard", "none"),
    ("schema:accessibilitySummary",
     "Text-only publication: headings mark the structure of the document, a table of contents lists every "
     "section, and the reading order follows the original document. There are no images, audio, video or "
     "animations."),
)


def _opf(uid: str, title: str, records: Sequence[Record], docs: list[_Doc], rtl: bool) -> bytes:
    languages = list(dict.fromkeys(r["language"] for r in records))
    doc = Markup(XML_DECLARATION)
    doc.start("package", f' xmlns="{OPF}" xmlns:dc="{DC}" version="3.0" unique-identifier="uid"'
              + attr("xml:lang", languages[0]) + (' dir="rtl"' if rtl else ""))
    doc.start("metadata")
    doc.leaf("dc:identifier", uid, ' id="uid"')
    if len(records) == 1:  # a collection's identity is not that of any one record
        for value in dict.fromkeys(epub_form(i) for i in records[0].get("identifiers", [])):
            doc.leaf("dc:identifier", value)
    doc.leaf("dc:title", title, ' id="title"')
    for language in languages:
        doc.leaf("dc:language", language)
    for record in records:
        doc.leaf("dc:source", record["source"]["url"])
    if len(records) == 1:
        single = records[0]
        source = single["source"]
        if "publisher" in source:
            doc.leaf("dc:publisher", source["publisher"])
        for kind in ("creators", "contributors"):
            for index, agent in enumerate(single.get(kind, []), start=1):
                _agent_meta(doc, agent, kind[:-1], f"{kind[:-1]}{index}")
        if "description" in single:
            doc.leaf("dc:description", single["description"])
        date = publication_date(single)
        if date is not None:
            doc.leaf("dc:date", date)
        if "rights" in single and "statement" in single["rights"]:
            doc.leaf("dc:rights", single["rights"]["statement"])
        for index, subject in enumerate(single["subjects"], start=1):
            _subject_meta(doc, subject, f"subject{index}")
        doc.leaf("dc:type", single["type"])
    doc.leaf("meta", modified_timestamp(records), ' property="dcterms:modified"')
    for prop, value in _ACCESSIBILITY:
        doc.leaf("meta", value, attr("property", prop))
    doc.end()
    doc.start("manifest")
    for item in docs:
        doc.leaf("item", attrs=attr("id", item.id) + attr("href", item.href) + attr("media-type", item.media_type)
                 + (attr("properties", item.properties) if item.properties else ""))
    doc.end()
    doc.start("spine", ' toc="ncx"' + (' page-progression-direction="rtl"' if rtl else ""))
    for item in docs:
        if item.in_spine:
            doc.leaf("itemref", attrs=attr("idref", item.id))
    return doc.data()


def _container() -> bytes:
    return (XML_HEAD +
            b'<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
            b'  <rootfiles>\n'
            b'    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>\n'
            b'  </rootfiles>\n'
            b'</container>\n')


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    return stored_zip([("mimetype", b"application/epub+zip"), *entries], ZIP_TIME)


def _outline(record: Record, docs: list[_Doc]) -> list[_NavEntry]:
    """Nav entries for the sections, nested by heading level. A skipped level nests one step deeper (h3 under h1);
    an untitled section without a level belongs to the heading before it (one level below), or is top-level
    when no heading came before."""
    roots: list[_NavEntry] = []
    open_entries: list[tuple[int, _NavEntry]] = []
    headed = 0
    for number, (section, doc) in enumerate(zip(record["content"]["sections"], docs, strict=True), start=1):
        if section["heading"] is not None:
            level = headed = heading_level(section)
        else:
            level = section.get("level", headed + 1)
        has_text = section["heading"] is not None or section["paragraphs"]
        entry = _NavEntry(section_label(section, number), doc.href, record["language"] if has_text else LABEL_LANG)
        while open_entries and open_entries[-1][0] >= level:
            open_entries.pop()
        (open_entries[-1][1].children if open_entries else roots).append(entry)
        open_entries.append((level, entry))
    return roots


def _record_parts(record: Record, prefix: str) -> tuple[list[_Doc], list[_NavEntry]]:
    docs = [_title_page(record, f"{prefix}title.xhtml", f"{prefix}titlepage")]
    for number, section in enumerate(record["content"]["sections"], start=1):
        href = f"{prefix}section-{number:04d}.xhtml"
        docs.append(_section_doc(record, section, number, href, f"{prefix}s{number:04d}"))
    entries = [_NavEntry("Title page", docs[0].href, LABEL_LANG), *_outline(record, docs[1:])]
    colophon = _colophon(record, f"{prefix}colophon.xhtml", f"{prefix}colophon")
    docs.append(colophon)
    entries.append(_NavEntry("Colophon", colophon.href, LABEL_LANG))
    return docs, entries


def _package(uid: str, title: str, records: Sequence[Record], parts: list[tuple[list[_Doc], list[_NavEntry]]],
             nav_entries: list[_NavEntry]) -> bytes:
    docs = [d for part_docs, _ in parts for d in part_docs]
    first_body = next((d.href for d in docs if "section-" in d.href), docs[0].href)
    landmarks = [("titlepage", "Title page", docs[0].href), ("bodymatter", "Start of content", first_body)]
    nav = _nav(title, nav_entries, landmarks)
    ncx = _ncx(uid, title, nav_entries)
    css = _Doc("style.css", "css", CSS.encode(), media_type="text/css", in_spine=False)
    all_docs = [nav, ncx, css, *docs]
    rtl = all(text_direction(r["language"]) == "rtl" for r in records)
    opf = _opf(uid, title, records, all_docs, rtl)
    entries = [("META-INF/container.xml", _container()), ("OEBPS/content.opf", opf)]
    entries += [(f"OEBPS/{d.href}", d.data) for d in all_docs]
    return _zip(entries)


def export(record: Record) -> bytes:
    """The record as an EPUB 3 publication."""
    docs, entries = _record_parts(record, "")
    return _package(RECORD_URN_PREFIX + record["id"], record["title"], [record], [(docs, entries)], entries)


def export_collection(records: Sequence[Record], title: str) -> bytes:
    """Many records as one EPUB: one part per record, each with its own nav entries."""
    if not records:
        raise ValueError("a collection needs at least one record")
    parts = []
    nav_entries = []
    for index, record in enumerate(records, start=1):
        docs, entries = _record_parts(record, f"r{index:04d}-")
        parts.append((docs, entries))
        nav_entries.append(_NavEntry(record["title"], docs[0].href, record["language"], entries[1:]))
    key = hashlib.sha256("\n".join(r["id"] for r in records).encode()).hexdigest()[:32]
    return _package(f"urn:x-archivist:collection:{key}", title, records, parts, nav_entries)


EXPORTER = Exporter(
    name="epub",
    extension=".epub",
    media_type="application/epub+zip",
    description="EPUB 3 publication (EPUBCheck clean)",
    export=export,
)

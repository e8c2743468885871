"""EPUB 3 that EPUBCheck accepts without errors or warnings, byte-identical for the same record.

Every entry is stored uncompressed with a fixed timestamp, so the bytes depend on the record only,
not on the clock or on the machine's zlib.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ._base import Exporter, Record
from ._dc import is_w3cdtf
from .jsonld import ID_PREFIX

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
LABEL_LANG = "en"

_RTL_SCRIPTS = {"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "mand", "samr", "rohg"}
_RTL_LANGUAGES = {"ar", "he", "iw", "fa", "ur", "yi", "ps", "dv", "ckb", "sd", "ug", "syr", "arc", "nqo", "ku-arab"}

_SCHEME_LABELS = {"lcsh": "LCSH", "fast": "FAST", "wikidata": "Wikidata", "aat": "AAT", "local": "local", "keyword": "keyword"}

CSS = """body { font-family: serif; line-height: 1.5; margin: 1em; }
h1, h2, h3, h4, h5, h6 { font-family: sans-serif; line-height: 1.2; }
p { margin: 0 0 0.8em 0; }
dl.meta dt { font-weight: bold; margin-top: 0.5em; }
dl.meta dd { margin-left: 1.5em; overflow-wrap: anywhere; }
.digest { font-family: monospace; overflow-wrap: anywhere; }
"""


def text_direction(language: str) -> str:
    """``rtl`` for languages and scripts written right to left, else ``ltr``."""
    subtags = language.lower().split("-")
    if any(tag in _RTL_SCRIPTS for tag in subtags[1:]):
        return "rtl"
    if any(len(tag) == 4 and tag.isalpha() for tag in subtags[1:2]):
        return "ltr"  # an explicit non-RTL script, e.g. az-Latn
    return "rtl" if subtags[0] in _RTL_LANGUAGES else "ltr"


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


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k.rstrip("_").replace("__", ":"): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _xhtml(title: str, lang: str, direction: str, css: str = "style.css") -> tuple[etree._Element, etree._Element]:
    html = etree.Element(f"{{{XHTML}}}html", nsmap={None: XHTML, "epub": OPS})
    html.set("lang", lang)
    html.set(XML_LANG, lang)
    if direction == "rtl":
        html.set("dir", "rtl")
    head = _el(html, f"{{{XHTML}}}head")
    _el(head, f"{{{XHTML}}}meta", charset="utf-8")
    _el(head, f"{{{XHTML}}}title", title)
    _el(head, f"{{{XHTML}}}link", rel="stylesheet", type="text/css", href=css)
    body = _el(html, f"{{{XHTML}}}body")
    return html, body


def _serialize_xhtml(html: etree._Element) -> bytes:
    etree.indent(html, space="  ")
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            + etree.tostring(html, encoding="UTF-8", pretty_print=True))


def _serialize_xml(root: etree._Element) -> bytes:
    etree.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", pretty_print=True)


def _span(parent: etree._Element, tag: str, text: str, lang: str | None, direction: str | None = None) -> etree._Element:
    element = _el(parent, f"{{{XHTML}}}{tag}", text)
    if lang:
        element.set("lang", lang)
        element.set(XML_LANG, lang)
    if direction == "rtl":
        element.set("dir", "rtl")
    return element


def section_label(section: dict[str, Any], number: int) -> str:
    """A navigation label: the heading, else the opening words of the section, else its number."""
    if section["heading"] is not None:
        return section["heading"]
    if section["paragraphs"]:
        words = section["paragraphs"][0].split()
        return " ".join(words[:8]) + (" …" if len(words) > 8 else "")
    return f"Section {number}"


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
    lang, direction = record["language"], text_direction(record["language"])
    html, body = _xhtml(record["title"], LABEL_LANG, "ltr")
    section = _el(body, f"{{{XHTML}}}section")
    section.set(f"{{{OPS}}}type", "titlepage")
    _span(section, "h1", record["title"], lang, direction)
    for alt in record.get("alternative_titles", []):
        _span(section, "p", alt, lang, direction)
    source = record["source"]
    dl = _el(section, f"{{{XHTML}}}dl", class_="meta")
    _el(dl, f"{{{XHTML}}}dt", "Source")
    dd = _el(dl, f"{{{XHTML}}}dd")
    _el(dd, f"{{{XHTML}}}a", source["url"], href=source["url"])
    for key, label in (("publisher", "Publisher"), ("site_name", "Site")):
        if key in source:
            _el(dl, f"{{{XHTML}}}dt", label)
            _el(dl, f"{{{XHTML}}}dd", source[key])
    return _Doc(href, doc_id, _serialize_xhtml(html))


def _section_doc(record: Record, section: dict[str, Any], number: int, href: str, doc_id: str) -> _Doc:
    lang, direction = record["language"], text_direction(record["language"])
    label = section_label(section, number)
    html, body = _xhtml(label, lang, direction)
    wrapper = _el(body, f"{{{XHTML}}}section", id=f"{doc_id}-body")
    wrapper.set(f"{{{OPS}}}type", "chapter")
    if section["heading"] is not None:
        level = min(max(section.get("level", 2), 1), 6)
        _el(wrapper, f"{{{XHTML}}}h{level}", section["heading"])
    else:
        wrapper.set("aria-label", label)
    for paragraph in section["paragraphs"]:
        _el(wrapper, f"{{{XHTML}}}p", paragraph)
    return _Doc(href, doc_id, _serialize_xhtml(html))


def _colophon(record: Record, href: str, doc_id: str) -> _Doc:
    lang = record["language"]
    html, body = _xhtml("Colophon", LABEL_LANG, "ltr")
    section = _el(body, f"{{{XHTML}}}section")
    section.set(f"{{{OPS}}}type", "colophon")
    _el(section, f"{{{XHTML}}}h1", "Colophon")
    _span(section, "p", record["title"], lang, text_direction(lang))
    dl = _el(section, f"{{{XHTML}}}dl", class_="meta")

    def row(label: str, value: str | None = None) -> etree._Element:
        _el(dl, f"{{{XHTML}}}dt", label)
        return _el(dl, f"{{{XHTML}}}dd", value)

    retrieval, source = record["retrieval"], record["source"]
    row("Record identifier", record["id"])
    _el(row("Source URL"), f"{{{XHTML}}}a", source["url"], href=source["url"])
    row("Retrieved at", retrieval["retrieved_at"])
    row("Retrieval method", retrieval["method"])
    if "agent" in retrieval:
        row("Retrieval agent", " ".join(filter(None, [retrieval["agent"]["name"], retrieval["agent"].get("version")])))
    if "warc_record_id" in retrieval:
        row("WARC-Record-ID", retrieval["warc_record_id"])
    row("Media type", retrieval["media_type"])
    row("Size", f"{retrieval['byte_size']} bytes")
    _el(row("SHA-256"), f"{{{XHTML}}}span", retrieval["sha256"], class_="digest")
    if record["subjects"]:
        ul = _el(row("Subjects"), f"{{{XHTML}}}ul")
        for subject in record["subjects"]:
            li = _el(ul, f"{{{XHTML}}}li", f"{subject['term']} ({_SCHEME_LABELS[subject['scheme']]})")
            if "uri" in subject:
                li.text += " "
                _el(li, f"{{{XHTML}}}a", subject["uri"], href=subject["uri"])
    rights = record.get("rights", {})
    if rights:
        text = " ".join(filter(None, [rights.get("statement"), rights.get("holder")]))
        dd = row("Rights", (text + " " if text and "uri" in rights else text) or None)
        if "uri" in rights:
            _el(dd, f"{{{XHTML}}}a", rights["uri"], href=rights["uri"])
    if record.get("provenance"):
        ul = _el(row("Provenance"), f"{{{XHTML}}}ul")
        for event in record["provenance"]:
            text = f"{event['at']}: {event['action']} by {event['agent']}"
            _el(ul, f"{{{XHTML}}}li", text + (f" ({event['note']})" if "note" in event else ""))
    if record.get("removed"):
        ul = _el(row("Removed as site chrome"), f"{{{XHTML}}}ul")
        for item in record["removed"]:
            where = ", ".join(filter(None, [f"line {item['line']}" if "line" in item else None, item.get("rule")]))
            li = _el(ul, f"{{{XHTML}}}li", f"{where}: " if where else None)
            if item["text"].strip():
                _span(li, "q", item["text"], lang)
    for note in record.get("notes", []):
        row("Note", note)
    return _Doc(href, doc_id, _serialize_xhtml(html))


def _nav_list(parent: etree._Element, entries: list[_NavEntry]) -> None:
    ol = _el(parent, f"{{{XHTML}}}ol")
    for entry in entries:
        li = _el(ol, f"{{{XHTML}}}li")
        a = _span(li, "a", entry.label, entry.lang)
        a.set("href", entry.href)
        if entry.children:
            _nav_list(li, entry.children)


def _nav(title: str, entries: list[_NavEntry], landmarks: list[tuple[str, str, str]]) -> _Doc:
    html, body = _xhtml(title, LABEL_LANG, "ltr")
    toc = _el(body, f"{{{XHTML}}}nav", id="toc")
    toc.set(f"{{{OPS}}}type", "toc")
    _el(toc, f"{{{XHTML}}}h1", "Contents")
    _nav_list(toc, entries)
    marks = _el(body, f"{{{XHTML}}}nav", id="landmarks", hidden="hidden")
    marks.set(f"{{{OPS}}}type", "landmarks")
    _el(marks, f"{{{XHTML}}}h2", "Landmarks")
    ol = _el(marks, f"{{{XHTML}}}ol")
    for kind, label, href in landmarks:
        a = _el(_el(ol, f"{{{XHTML}}}li"), f"{{{XHTML}}}a", label, href=href)
        a.set(f"{{{OPS}}}type", kind)
    return _Doc("nav.xhtml", "nav", _serialize_xhtml(html), properties="nav", in_spine=False)


def _ncx(uid: str, title: str, entries: list[_NavEntry]) -> _Doc:
    root = etree.Element(f"{{{NCX}}}ncx", nsmap={None: NCX}, version="2005-1")
    head = _el(root, f"{{{NCX}}}head")
    depth = 2 if any(e.children for e in entries) else 1
    for name, content in (("dtb:uid", uid), ("dtb:depth", str(depth)), ("dtb:totalPageCount", "0"), ("dtb:maxPageNumber", "0")):
        _el(head, f"{{{NCX}}}meta", name=name, content=content)
    _el(_el(root, f"{{{NCX}}}docTitle"), f"{{{NCX}}}text", title)
    nav_map = _el(root, f"{{{NCX}}}navMap")
    counter = 0

    def add(parent: etree._Element, items: list[_NavEntry]) -> None:
        nonlocal counter
        for entry in items:
            counter += 1
            point = _el(parent, f"{{{NCX}}}navPoint", id=f"np{counter}", playOrder=str(counter))
            _el(_el(point, f"{{{NCX}}}navLabel"), f"{{{NCX}}}text", entry.label)
            _el(point, f"{{{NCX}}}content", src=entry.href)
            add(point, entry.children)

    add(nav_map, entries)
    return _Doc("toc.ncx", "ncx", _serialize_xml(root), media_type="application/x-dtbncx+xml", in_spine=False)


def _subject_meta(metadata: etree._Element, subject: dict[str, Any], sid: str) -> None:
    _el(metadata, f"{{{DC}}}subject", subject["term"], id=sid)
    if "uri" in subject:  # authority and term only when both are known
        _el(metadata, f"{{{OPF}}}meta", _SCHEME_LABELS[subject["scheme"]], refines=f"#{sid}", property="authority")
        _el(metadata, f"{{{OPF}}}meta", subject["uri"], refines=f"#{sid}", property="term")


def _opf(uid: str, title: str, records: Sequence[Record], docs: list[_Doc], rtl: bool) -> bytes:
    package = etree.Element(f"{{{OPF}}}package", nsmap={None: OPF, "dc": DC}, version="3.0")
    package.set("unique-identifier", "uid")
    languages = list(dict.fromkeys(r["language"] for r in records))
    package.set(XML_LANG, languages[0])
    if rtl:
        package.set("dir", "rtl")
    metadata = _el(package, f"{{{OPF}}}metadata")
    _el(metadata, f"{{{DC}}}identifier", uid, id="uid")
    _el(metadata, f"{{{DC}}}title", title, id="title")
    for language in languages:
        _el(metadata, f"{{{DC}}}language", language)
    single = records[0] if len(records) == 1 else None
    for record in records:
        source = record["source"]
        _el(metadata, f"{{{DC}}}source", source["url"])
    if single is not None:
        source = single["source"]
        if "publisher" in source:
            _el(metadata, f"{{{DC}}}publisher", source["publisher"])
        for kind in ("creators", "contributors"):
            for agent in single.get(kind, []):
                _el(metadata, f"{{{DC}}}{kind[:-1]}", agent["name"])
        if "description" in single:
            _el(metadata, f"{{{DC}}}description", single["description"])
        dates = [d["value"] for d in single.get("dates", []) if d["type"] in ("issued", "created") and is_w3cdtf(d["value"])]
        if dates:
            _el(metadata, f"{{{DC}}}date", dates[0])
        if "rights" in single and "statement" in single["rights"]:
            _el(metadata, f"{{{DC}}}rights", single["rights"]["statement"])
        for index, subject in enumerate(single["subjects"], start=1):
            _subject_meta(metadata, subject, f"subject{index}")
        _el(metadata, f"{{{DC}}}type", single["type"])
    _el(metadata, f"{{{OPF}}}meta", modified_timestamp(records), property="dcterms:modified")
    for prop, value in (("schema:accessMode", "textual"), ("schema:accessModeSufficient", "textual"),
                        ("schema:accessibilityFeature", "structuralNavigation"),
                        ("schema:accessibilityFeature", "tableOfContents"),
                        ("schema:accessibilityFeature", "readingOrder"),
                        ("schema:accessibilityHazard", "none"),
                        ("schema:accessibilitySummary",
                         "Text-only publication: headings mark the structure of the document, a table of contents "
                         "lists every section, and the reading order follows the original document. "
                         "There are no images, audio, video or animations.")):
        _el(metadata, f"{{{OPF}}}meta", value, property=prop)
    manifest = _el(package, f"{{{OPF}}}manifest")
    for doc in docs:
        item = _el(manifest, f"{{{OPF}}}item", id=doc.id, href=doc.href)
        item.set("media-type", doc.media_type)
        if doc.properties:
            item.set("properties", doc.properties)
    spine = _el(package, f"{{{OPF}}}spine", toc="ncx")
    if rtl:
        spine.set("page-progression-direction", "rtl")
    for doc in docs:
        if doc.in_spine:
            _el(spine, f"{{{OPF}}}itemref", idref=doc.id)
    return _serialize_xml(package)


def _container() -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
            b'  <rootfiles>\n'
            b'    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>\n'
            b'  </rootfiles>\n'
            b'</container>\n')


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in [("mimetype", b"application/epub+zip"), *entries]:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _record_parts(record: Record, prefix: str) -> tuple[list[_Doc], _NavEntry | list[_NavEntry]]:
    docs = [_title_page(record, f"{prefix}title.xhtml", f"{prefix}titlepage")]
    entries = [_NavEntry("Title page", docs[0].href, LABEL_LANG)]
    for number, section in enumerate(record["content"]["sections"], start=1):
        doc = _section_doc(record, section, number, f"{prefix}section-{number:04d}.xhtml", f"{prefix}s{number:04d}")
        docs.append(doc)
        entries.append(_NavEntry(section_label(section, number), doc.href,
                                 record["language"] if section["heading"] is not None or section["paragraphs"] else LABEL_LANG))
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
    return _package(ID_PREFIX + record["id"], record["title"], [record], [(docs, entries)], entries)


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

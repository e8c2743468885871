"""The pages' repeated rows (a record page's head links and meta tags, metadata and provenance lists, downloads,
history, text, removed lines; the records of a listing) as HTML built by string joins, each value escaped once as
Jinja's autoescape would: a macro call and an escape object per value made them most of a page's time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markupsafe import Markup

from ._catalog import Item
from ._record import Field, RecordPage, Value


def escape(value: Any) -> str:
    """``value`` as text safe in HTML text and quoted attributes: the five characters markupsafe escapes, the
    same way (Jinja's autoescape), so a page's bytes do not depend on which of the two wrote a value."""
    text = str(value)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&#34;")
    if "'" in text:
        text = text.replace("'", "&#39;")
    return text


def _value(v: Value) -> str:
    lang = f' lang="{escape(v.lang)}"' if v.lang else ""
    if v.href:
        shown = f'<a href="{escape(v.href)}"{lang} dir="auto">{escape(v.text)}</a>'
    else:
        shown = f"<bdi{lang}>{escape(v.text)}</bdi>"
    return f'{shown} <span class="note">(<bdi>{escape(v.note)}</bdi>)</span>' if v.note else shown


def fields_html(fields: Iterable[Field]) -> str:
    """A description list: each field's label, then one ``dd`` per value (linked, isolated, with its note)."""
    rows = ["<dl>\n"]
    for f in fields:
        rows.append(f"<dt>{escape(f.label)}</dt>\n")
        rows += [f"<dd>{_value(v)}</dd>\n" for v in f.values]
    rows.append("</dl>")
    return "".join(rows)


def head_html(page: RecordPage) -> str:
    """The head's typed links, Highwire and Dublin Core meta tags (with Pagefind's filters), OpenGraph."""
    rows = []
    for link in page.links:
        kind = f' type="{escape(link.type)}"' if link.type else ""
        profile = f' data-profile="{escape(link.profile)}"' if link.profile else ""
        rows.append(f'<link rel="{escape(link.rel)}" href="{escape(link.href)}"{kind}{profile}>\n')
    for name, content in page.meta:
        if name == "DC.subject":
            extra = ' data-pagefind-filter="subject[content]"'
        elif name == "DC.language":
            extra = ' data-pagefind-filter="language[content]" data-pagefind-meta="language[content]"'
        else:
            extra = ""
        rows.append(f'<meta name="{escape(name)}" content="{escape(content)}"{extra}>\n')
    rows += [f'<meta property="{escape(prop)}" content="{escape(content)}">\n' for prop, content in page.properties]
    return "".join(rows)


def downloads_html(page: RecordPage) -> str:
    return "".join(f'<li><a href="{escape(d.name)}" type="{escape(d.media_type)}" download>{escape(d.label)}</a> '
                   f'<span class="file">{escape(d.name)} · {escape(d.media_type)} · {d.size:,} bytes</span></li>\n'
                   for d in page.downloads)


def events_html(page: RecordPage) -> str:
    rows = []
    for e in page.events:
        note = f". <bdi>{escape(e['note'])}</bdi>" if e.get("note") else ""
        rows.append(f"<li>{escape(e['at'])}: {escape(e['action'])} by <bdi>{escape(e['agent'])}</bdi>{note}</li>\n")
    return "".join(rows)


def text_html(page: RecordPage) -> str:
    """The text's sections: each heading at its level, then its paragraphs."""
    rows = []
    for s in page.sections:
        if s.heading:
            rows.append(f"<h{s.level}>{escape(s.heading)}</h{s.level}>\n")
        rows += [f"<p>{escape(p)}</p>\n" for p in s.paragraphs]
    return "".join(rows)


def removed_html(page: RecordPage) -> str:
    return "".join(f'<tr><td>{escape(r.get("line") or r.get("element") or "")}</td>'
                   f'<td>{escape(r.get("rule") or "")}</td><td><bdi>{escape(r["text"])}</bdi></td></tr>\n'
                   for r in page.removed)


def record_rows(page: RecordPage) -> dict[str, Markup]:
    """Every repeated part of a record page, by the name the template gives it."""
    return {"head": Markup(head_html(page)), "fields": Markup(fields_html(page.fields)),
            "downloads": Markup(downloads_html(page)), "provenance": Markup(fields_html(page.provenance)),
            "events": Markup(events_html(page)), "text": Markup(text_html(page)),
            "removed": Markup(removed_html(page))}


def items_html(items: Iterable[Item], root: str) -> Markup:
    """A listing's records (collection, subject, language, year, search results): title, summary, language, year."""
    rows = ['<ol class="items">\n']
    for item in items:
        lang, where = escape(item.lang), f'lang="{escape(item.lang)}" dir="{escape(item.dir)}"'
        rows.append(f'<li><a href="{escape(root)}records/{escape(item.id)}/" {where}>{escape(item.title)}</a>\n')
        if item.summary:
            rows.append(f"<p {where}>{escape(item.summary)}</p>\n")
        year = f" · {escape(item.year)}" if item.year else ""
        rows.append(f'<p class="facts">{lang}{year}</p></li>\n')
    rows.append("</ol>")
    return Markup("".join(rows))

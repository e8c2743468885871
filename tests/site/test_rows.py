"""The record page's rows are built as strings (_html.py) for speed: the same bytes as the Jinja loops and macros
they replace (kept below as the reference), every value escaped as markupsafe escapes it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import pytest
from hypothesis import given
from hypothesis import strategies as st

from archivist.site import SiteSettings
from archivist.site import _render as render
from archivist.site._catalog import Catalog
from archivist.site._formats import Download
from archivist.site._html import escape
from archivist.site._record import record_page
from archivist.site._render import CSP, GENERATOR, environment, record_html
from tests.conftest import SEED
from tests.site.conftest import DATA

#: record.html as it was, with a Jinja loop or macro call per row.
REFERENCE = r"""{% extends "base.html" %}
{% macro value(v) -%}
{% if v.href %}<a href="{{ v.href }}"{% if v.lang %} lang="{{ v.lang }}"{% endif %} dir="auto">{{ v.text }}</a>{% else %}<bdi{% if v.lang %} lang="{{ v.lang }}"{% endif %}>{{ v.text }}</bdi>{% endif %}{% if v.note %} <span class="note">(<bdi>{{ v.note }}</bdi>)</span>{% endif %}
{%- endmacro %}
{% macro fields(list) -%}
<dl>
{% for f in list %}<dt>{{ f.label }}</dt>
{% for v in f.values %}<dd>{{ value(v) }}</dd>
{% endfor %}{% endfor %}</dl>
{%- endmacro %}
{% block title %}{{ page.title }} – {{ site.name }}{% endblock %}
{% block head %}{% for link in page.links %}<link rel="{{ link.rel }}" href="{{ link.href }}"{% if link.type %} type="{{ link.type }}"{% endif %}{% if link.profile %} data-profile="{{ link.profile }}"{% endif %}>
{% endfor %}{% for name, content in page.meta %}<meta name="{{ name }}" content="{{ content }}"{% if name == "DC.subject" %} data-pagefind-filter="subject[content]"{% elif name == "DC.language" %} data-pagefind-filter="language[content]" data-pagefind-meta="language[content]"{% endif %}>
{% endfor %}{% for prop, content in page.properties %}<meta property="{{ prop }}" content="{{ content }}">
{% endfor %}<script type="application/ld+json">{{ page.jsonld|safe }}</script>
{% endblock %}
{% block main %}
<article data-pagefind-body>
<h1 lang="{{ page.lang }}" dir="{{ page.dir }}">{{ page.title }}</h1>
<section aria-labelledby="about-heading" class="about">
<h2 id="about-heading">About this record</h2>
{{ fields(page.fields) }}
</section>
<section aria-labelledby="downloads-heading" class="downloads">
<h2 id="downloads-heading">Downloads</h2>
<ul>
{% for d in page.downloads %}<li><a href="{{ d.name }}" type="{{ d.media_type }}" download>{{ d.label }}</a> <span class="file">{{ d.name }} · {{ d.media_type }} · {{ "{:,}".format(d.size) }} bytes</span></li>
{% endfor %}</ul>
</section>
{% if page.citations %}<section aria-labelledby="cite-heading" class="cite">
<h2 id="cite-heading">Cite this record</h2>
<dl>
{% for style, text in page.citations %}<dt>{{ style }}</dt>
<dd><bdi>{{ text }}</bdi></dd>
{% endfor %}</dl>
<p>For a reference manager:{% for d in page.downloads if d.name.endswith(".csl.json") or d.name.endswith(".bib") or d.name.endswith(".ris") %} <a href="{{ d.name }}" type="{{ d.media_type }}" download>{{ "CSL-JSON" if d.name.endswith(".json") else "BibTeX" if d.name.endswith(".bib") else "RIS" }}</a>{{ "," if not loop.last else "." }}{% endfor %}</p>
</section>
{% endif %}<section aria-labelledby="provenance-heading" class="provenance">
<h2 id="provenance-heading">Provenance</h2>
{{ fields(page.provenance) }}
{% if page.events %}<h3>History</h3>
<ol>
{% for e in page.events %}<li>{{ e.at }}: {{ e.action }} by <bdi>{{ e.agent }}</bdi>{% if e.get('note') %}. <bdi>{{ e.note }}</bdi>{% endif %}</li>
{% endfor %}</ol>
{% endif %}</section>
<section aria-labelledby="text-heading" class="text" lang="{{ page.lang }}" dir="{{ page.dir }}">
<h2 id="text-heading" lang="en" dir="ltr">Text</h2>
{% for s in page.sections %}{% if s.heading %}<h{{ s.level }}>{{ s.heading }}</h{{ s.level }}>
{% endif %}{% for p in s.paragraphs %}<p>{{ p }}</p>
{% endfor %}{% endfor %}</section>
{% if page.removed %}<section aria-labelledby="removed-heading" class="removed">
<h2 id="removed-heading">Removed from the capture</h2>
<p>Lines of site navigation, advertising and the like, set aside when the text was made, each with the rule that removed it.</p>
<table>
<thead><tr><th scope="col">Line</th><th scope="col">Rule</th><th scope="col">Text</th></tr></thead>
<tbody>
{% for r in page.removed %}<tr><td>{{ r.get("line") or r.get("element") or "" }}</td><td>{{ r.get("rule") or "" }}</td><td><bdi>{{ r.text }}</bdi></td></tr>
{% endfor %}</tbody>
</table>
</section>
{% endif %}</article>
{% endblock %}
"""  # noqa: E501

#: The records of a listing as _items.html had them, a Jinja loop per record.
REFERENCE_ITEMS = r"""{% macro items(list, root) -%}
<ol class="items">
{% for item in list %}<li><a href="{{ root }}records/{{ item.id }}/" lang="{{ item.lang }}" dir="{{ item.dir }}">{{ item.title }}</a>
{% if item.summary %}<p lang="{{ item.lang }}" dir="{{ item.dir }}">{{ item.summary }}</p>
{% endif %}<p class="facts">{{ item.lang }}{% if item.year %} · {{ item.year }}{% endif %}</p></li>
{% endfor %}</ol>
{%- endmacro %}"""  # noqa: E501

HOSTILE = "<b>&amp;\"'</b> {{ x }} %} عربى 東京"


@given(st.one_of(st.text(), st.integers()))
def test_escaping_is_markupsafe_s(value: Any) -> None:
    assert escape(value) == str(markupsafe.escape(value))


def _reference(page: Any, settings: SiteSettings) -> bytes:
    loader = jinja2.DictLoader({"base.html": environment().loader.get_source(environment(), "base.html")[0],
                                "record.html": REFERENCE})
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    return env.get_template("record.html").render(site=settings, root="../../", csp=CSP, generator=GENERATOR,
                                                  page=page, description=page.description,
                                                  url=page.url).encode("utf-8")


_KEPT = {"id", "language", "level", "byte_size", "scheme", "kind", "type", "role", "method", "media_type"}


def _hostile(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: v if k in _KEPT else _hostile(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_hostile(v) for v in value]
    return value + HOSTILE if isinstance(value, str) else value


@pytest.mark.parametrize("path", [SEED, *sorted(DATA.glob("*.json"))], ids=lambda p: Path(p).stem)
@pytest.mark.parametrize("hostile", [False, True])
def test_record_pages_are_the_reference_s_bytes(path: Path, hostile: bool) -> None:
    record = json.loads(Path(path).read_text("utf-8"))
    if hostile:
        record = _hostile(copy.deepcopy(record))
    downloads = [Download(f"Dublin Core{HOSTILE}", "r.oai_dc.xml", 'text/xml; x="1"', 12_345, "describedby",
                          "http://www.openarchives.org/OAI/2.0/oai_dc/?a=1&b=2"),
                 Download("EPUB", "r.epub", "application/epub+zip", 5, "item")]
    for base in (None, "https://archive.example.org/a&b/"):
        settings = SiteSettings(name=f"Archive{HOSTILE}", base_url=base, citations=False)
        page = record_page(record, downloads, site_name=settings.name, root="../../", base_url=base, cite=False)
        assert page.removed or page.events or not hostile or path != SEED  # the seed has both
        assert record_html(page, settings) == _reference(page, settings)


def test_listings_are_the_reference_s_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = Catalog(tmp_path / "c.sqlite")
    catalog.begin()
    for n, path in enumerate([SEED, *sorted(DATA.glob("*.json"))] * 2):
        record = json.loads(Path(path).read_text("utf-8"))
        catalog.add(_hostile(record) | {"id": f"r{n}"} if n % 2 else record | {"id": f"r{n}"})
    catalog.commit()
    settings = SiteSettings(name=f"Archive{HOSTILE}", page_size=4)

    def pages() -> list[bytes]:
        found = [render.collection_html(catalog, settings, n) for n in (1, 2, 3)]
        found += [render.listing_html(catalog, settings, "language", f.key) for f in catalog.facets("language")]
        found.append(render.search_html(catalog, settings, "the"))
        assert all(b'<ol class="items">' in page for page in found if page)
        return [page for page in found if page]

    ours = pages()
    templates = environment().loader.mapping  # type: ignore[union-attr]
    loader = jinja2.DictLoader({**templates, "_items.html": REFERENCE_ITEMS + templates["_items.html"].split(
        "{%- endmacro %}", 1)[1]})
    reference = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                                   keep_trailing_newline=True)
    monkeypatch.setattr(render, "environment", lambda: reference)
    assert pages() == ours

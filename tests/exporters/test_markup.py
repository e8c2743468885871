"""Markup writes exactly what lxml (indent + tostring) writes for the same input."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from archivist.exporters._markup import Markup, attr

_xml_char = st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff", min_codepoint=0x20)
# Blank-looking text matters: lxml's indent() replaces text that str.strip() removes, \u00a0 and \u3000 included.
texts = (st.text(_xml_char | st.sampled_from(list("\t\n\r &<>\"'\u00a0\u3000\u200b\u2028")), max_size=8)
         | st.sampled_from(["", " ", "\t\r\n", "\u00a0", " \u3000", "\u2028", "\u200b", "\ufeff"]))
tags = st.sampled_from(["p", "dd", "li", "a", "meta", "x:y"])
attrs = st.dictionaries(st.sampled_from(["id", "href", "lang", "xml:lang", "epub:type"]), texts, max_size=3)

leaves = st.tuples(st.just("leaf"), tags, attrs, st.none() | texts)
mixed = st.tuples(st.just("mixed"), tags, attrs, st.none() | texts, leaves.filter(lambda leaf: leaf[3] is not None))
trees = st.recursive(leaves | mixed,
                     lambda inner: st.tuples(st.just("start"), tags, attrs, st.lists(inner, max_size=4)),
                     max_leaves=20)

NAMESPACES = {"x": "urn:x", "epub": "urn:epub"}


def _qname(name: str) -> str:
    if name.startswith("xml:"):
        return "{http://www.w3.org/XML/1998/namespace}" + name[4:]
    prefix, _, local = name.rpartition(":")
    return f"{{{NAMESPACES[prefix]}}}{local}" if prefix else name


def _attrs(values: dict[str, str]) -> str:
    return "".join(attr(k, v) for k, v in values.items())


def _to_lxml(parent: Any, node: tuple[Any, ...]) -> None:
    kind, tag, values = node[:3]
    element = etree.SubElement(parent, _qname(tag))
    for name, value in values.items():
        element.set(_qname(name), value)
    if kind == "leaf":
        element.text = node[3]
    elif kind == "mixed":
        element.text = node[3]
        _to_lxml(element, node[4])
    else:
        for child in node[3]:
            _to_lxml(element, child)


def _to_markup(doc: Markup, node: tuple[Any, ...]) -> None:
    kind, tag, values = node[:3]
    if kind == "leaf":
        doc.leaf(tag, node[3], _attrs(values))
    elif kind == "mixed":
        _, inner, inner_values, inner_text = node[4]
        doc.mixed(tag, node[3], inner, inner_text, _attrs(inner_values), _attrs(values))
    else:
        doc.start(tag, _attrs(values))
        for child in node[3]:
            _to_markup(doc, child)
        doc.end()


@settings(max_examples=500, deadline=None)
@given(st.lists(trees, max_size=4))
def test_markup_writes_what_lxml_writes(children: list[tuple[Any, ...]]) -> None:
    root = etree.Element("root", nsmap=NAMESPACES)
    for child in children:
        _to_lxml(root, child)
    etree.indent(root, space="  ")
    expected = b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", pretty_print=True)

    doc = Markup('<?xml version="1.0" encoding="UTF-8"?>')
    doc.start("root", ' xmlns:x="urn:x" xmlns:epub="urn:epub"')
    for child in children:
        _to_markup(doc, child)
    assert doc.data() == expected


@pytest.mark.parametrize("char", ["\u0000", "\u0007", "\u000b", "\u001f", "\ufffe", "\uffff"])
@pytest.mark.parametrize("where", ["text", "attribute"])
def test_characters_xml_cannot_hold_are_refused_like_lxml(char: str, where: str) -> None:
    with pytest.raises(ValueError, match="XML compatible"):
        etree.Element("p").text = f"a{char}b"
    doc = Markup("")
    doc.leaf("p", f"a{char}b") if where == "text" else doc.leaf("p", "ok", attr("title", f"a{char}b"))
    with pytest.raises(ValueError, match="XML compatible"):
        doc.data()


def test_a_lone_surrogate_is_refused() -> None:
    doc = Markup("")
    doc.leaf("p", "\ud800")
    with pytest.raises(UnicodeEncodeError):
        doc.data()


def test_unclosed_elements_are_closed_and_an_empty_one_is_self_closing() -> None:
    doc = Markup("<?xml version='1.0'?>")
    doc.start("a")
    doc.start("b", ' c="d"')
    assert doc.data() == b"<?xml version='1.0'?>\n<a>\n  <b c=\"d\"/>\n</a>\n"


def test_a_prolog_may_leave_elements_open() -> None:
    doc = Markup("<?xml version='1.0'?>\n<a>\n  <b>", inside=("a", "b"))
    doc.leaf("c", "x")
    assert doc.data() == b"<?xml version='1.0'?>\n<a>\n  <b>\n    <c>x</c>\n  </b>\n</a>\n"

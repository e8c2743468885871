"""Indented XML written straight to text, byte for byte as lxml's ``indent()`` and ``tostring()`` write it.

The EPUB exporter makes a few hundred elements per record; building them as lxml trees cost more than every
other format together. :class:`Markup` writes each element as it comes, with the same escaping, the same
two-space indentation and the same empty-element forms, and :meth:`Markup.data` refuses what XML 1.0
cannot hold, as lxml does. ``tests/exporters/test_markup.py`` holds it to lxml's output.
"""

from __future__ import annotations

_PADS = tuple("\n" + "  " * depth for depth in range(64))  # archivist's documents nest 10 deep at most
#: A line break and the indentation of each depth, as lxml's ``indent()`` writes them (for text written in one piece).
PADS = _PADS
_CONTROLS = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
_ATTRIBUTE_ESCAPES = (*_TEXT_ESCAPES, ('"', "&quot;"), ("\t", "&#9;"), ("\n", "&#10;"))


def _escape(value: str, escapes: tuple[tuple[str, str], ...]) -> str:
    for char, reference in escapes:
        value = value.replace(char, reference)
    return value


def text(value: str) -> str:
    """``value`` escaped for element content."""
    if "&" in value or "<" in value or ">" in value or "\r" in value:
        return _escape(value, _TEXT_ESCAPES)
    return value


def attr_value(value: str) -> str:
    """``value`` escaped for a double-quoted attribute."""
    if ("&" in value or "<" in value or ">" in value or '"' in value or "\r" in value or "\t" in value
            or "\n" in value):
        return _escape(value, _ATTRIBUTE_ESCAPES)
    return value


def attr(name: str, value: str) -> str:
    """`` name="value"``, the value escaped for a double-quoted attribute."""
    return f' {name}="{attr_value(value)}"'


class Markup:
    """One XML document written element by element; attributes come as ``attr()`` strings."""

    __slots__ = ("_open", "_parts")

    def __init__(self, prolog: str, inside: tuple[str, ...] = ()) -> None:
        """``prolog``: the text before the first element written here, without its last line break. It may end
        inside elements it opened, named in ``inside`` from the outermost; :meth:`data` closes them."""
        self._parts = [prolog]
        self._open: list[tuple[str, int]] = [(tag, -1) for tag in inside]

    def start(self, tag: str, attrs: str = "") -> None:
        """Open an element whose content is elements."""
        self._parts.append(f"{_PADS[len(self._open)]}<{tag}{attrs}>")
        self._open.append((tag, len(self._parts)))

    def end(self) -> None:
        """Close the innermost open element (written ``<tag/>`` if nothing went into it)."""
        tag, mark = self._open.pop()
        parts = self._parts
        if mark == len(parts):
            parts[-1] = parts[-1][:-1] + "/>"
        else:
            parts.append(f"{_PADS[len(self._open)]}</{tag}>")

    def leaf(self, tag: str, content: str | None = None, attrs: str = "") -> None:
        """An element holding text only (``<tag/>`` when ``content`` is None)."""
        if content is None:
            self._parts.append(f"{_PADS[len(self._open)]}<{tag}{attrs}/>")
        else:
            self._parts.append(f"{_PADS[len(self._open)]}<{tag}{attrs}>{text(content)}</{tag}>")

    def mixed(self, tag: str, content: str | None, inner: str, inner_text: str, inner_attrs: str = "",
              attrs: str = "") -> None:
        """Text followed by one inline element, e.g. ``<dd>Rights: <a href="…">…</a></dd>``.

        As with lxml's ``indent()``, blank text makes the inline element a child on its own line."""
        if content is None or not content.strip():
            self.start(tag, attrs)
            self.leaf(inner, inner_text, inner_attrs)
            self.end()
            return
        pad = _PADS[len(self._open)]
        self._parts.append(f"{pad}<{tag}{attrs}>{text(content)}<{inner}{inner_attrs}>{text(inner_text)}</{inner}>"
                           f"{pad}</{tag}>")

    def depth(self) -> int:
        """How many elements are open where the next one goes."""
        return len(self._open)

    def block(self, xml: str) -> None:
        """An element serialized elsewhere, already indented for this depth (lxml's ``indent(level=depth())``)."""
        self._parts.append(f"{_PADS[len(self._open)]}{xml}")

    def fragment(self) -> bytes:
        """What was written inside the ``inside`` elements of the prolog, closed up to them, as :meth:`data` gives
        it: a piece of a document written elsewhere (e.g. one record of a collection)."""
        while self._open and self._open[-1][1] != -1:
            self.end()
        return checked("".join(self._parts) + "\n")

    def data(self) -> bytes:
        """The document as UTF-8; ValueError for characters XML 1.0 cannot hold (control characters, U+FFFE,
        U+FFFF), UnicodeEncodeError for lone surrogates."""
        while self._open:
            self.end()
        return checked("".join(self._parts) + "\n")


def checked(document: str) -> bytes:
    """``document`` as UTF-8, refused as lxml refuses it when XML 1.0 cannot hold a character."""
    data = document.encode("utf-8")
    if "\ufffe" in document or "\uffff" in document or len(data.translate(None, _CONTROLS)) != len(data):
        raise ValueError(  # lxml's own message, word for word
            "All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters")
    return data

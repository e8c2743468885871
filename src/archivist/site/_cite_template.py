"""Citation templates: a style rendered by citeproc-py once per item *shape*, with placeholder tokens for the item's
text, then filled with each item's own text. A template is used only where rendering probes show that citeproc-py
copies every token verbatim; anything else (text-case, initials, stripped periods, number formatting) is rendered
by citeproc-py itself, so the result is always exactly citeproc-py's."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

#: citeproc-py's own tests of a value's text (``is-numeric``, a plural label): the tokens must answer them as the
#: value does, or the template is not used.
_NUMERIC = re.compile(r"^([A-Z]*\d+[A-Z]*)$", re.I)
_PLURAL = re.compile(r"\d+[^\d.]+\d+")
_DIGIT = re.compile(r"\d")

#: The probes' spellings: all lower case, all upper case, and each word capitalized (citeproc-py's text-case
#: changes each word by what case it is in), with different letters, digits and lengths, so that anything
#: citeproc-py derives from a token (an initial, a re-cased word, a formatted number) differs between renderings.
_PROBES = (("vq", "bcdfghjlmn", "k", "a", "3", "kqv"), ("ZJ", "PRSTWXYZQI", "UU", "EE", "8", "UJZX"),
           ("Xw", "prstwxyzqi", "y", "Oo", "5", "ym"))

#: Render one style (by name) for one CSL item: citeproc-py's raw bibliography entry, or None when it gives none.
Render = Callable[[str, dict[str, Any]], "str | None"]

Shape = tuple[Any, ...]
Template = tuple[tuple[str, ...], tuple[int, ...]]  # literal text around the slots, and each slot's value index

_UNSAFE = ((), ())  # remembered: this style cannot be templated for this shape


def _signature(value: str) -> tuple[Any, ...] | None:
    """What citeproc-py could react to in a text value besides its letters: the non-alphanumeric characters in it,
    which of them begin and end it, and its digits. None for a value to keep whole in the shape."""
    if len(value) < 2 or _NUMERIC.match(value) or "<" in value:  # citeproc-py reads <span class="nocase">
        return None
    first = value[0] if not value[0].isalnum() else ""
    last = value[-1] if not value[-1].isalnum() else ""
    digits = 2 if _PLURAL.search(value) else 1 if _DIGIT.search(value) else 0
    return first, last, "".join(sorted({c for c in value if not c.isalnum()})), digits


def _token(slot: int, signature: tuple[Any, ...], probe: int) -> str:
    first, last, inner, digits = signature
    head, letters, close, filler, digit, tail = _PROBES[probe]
    code = "".join(letters[int(d)] for d in str(slot))
    number = (digit + filler + digit) if digits == 2 else digit if digits else ""
    return first + head + code + close + "".join(c + filler for c in inner) + number + tail + last


def shape(item: dict[str, Any]) -> tuple[Shape, list[str]] | None:
    """The item's shape (its keys, names, dates, language and type as they are; for each text value only its
    signature) and the text values, in slot order. None when a value is one the template cannot stand in for."""
    parts: list[Any] = []
    values: list[str] = []

    def text(value: str) -> Any:
        signature = _signature(value)
        if signature is None:
            return ("=", value)
        values.append(value)
        return signature

    for key, value in item.items():
        if key == "id":
            continue  # the probes name the item differently from each other: an id rendered is seen
        if key in ("type", "language") or not isinstance(value, (str, list)):
            parts.append((key, json.dumps(value, sort_keys=True)))
        elif isinstance(value, str):
            parts.append((key, text(value)))
        elif all(isinstance(n, dict) and all(isinstance(v, str) for v in n.values()) for n in value):
            parts.append((key, tuple(tuple((k, text(v)) for k, v in n.items()) for n in value)))
        else:
            return None
    return tuple(parts), values


def _probe_item(item: dict[str, Any], probe: int) -> tuple[dict[str, Any], list[str]]:
    """The item with each text value replaced by its token in the given probe spelling, and the tokens."""
    tokens: list[str] = []

    def text(value: str) -> str:
        signature = _signature(value)
        if signature is None:
            return value
        tokens.append(_token(len(tokens), signature, probe))
        return tokens[-1]

    probed: dict[str, Any] = {}
    for key, value in item.items():
        if key == "id":
            probed[key] = _PROBES[probe][0] + "id" + _PROBES[probe][-1]
        elif key in ("type", "language") or not isinstance(value, (str, list)):
            probed[key] = value
        elif isinstance(value, str):
            probed[key] = text(value)
        else:
            probed[key] = [{k: text(v) for k, v in n.items()} for n in value]
    return probed, tokens


def _split(raw: str, tokens: list[str]) -> Template | None:
    if any(_NUMERIC.match(t) for t in tokens):
        return None
    if not tokens:
        return (raw,), ()
    pattern = re.compile("|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)))
    slot = {t: n for n, t in enumerate(tokens)}
    literals, slots, at = [], [], 0
    for found in pattern.finditer(raw):
        literals.append(raw[at:found.start()])
        slots.append(slot[found.group()])
        at = found.end()
    literals.append(raw[at:])
    return tuple(literals), tuple(slots)


def compile_template(render: Render, style: str, item: dict[str, Any]) -> Template:
    """Render the item's shape with each probe; the template if all give the same text around the same slots,
    each token copied verbatim, else the mark that this style is rendered by citeproc-py for this shape."""
    found = []
    for probe in range(len(_PROBES)):
        probed, tokens = _probe_item(item, probe)
        if any(bool(_PLURAL.search(t)) != bool(_PLURAL.search(v)) for t, v in zip(tokens, shape(item)[1])):
            return _UNSAFE
        try:
            raw = render(style, probed)
        except Exception:
            return _UNSAFE
        template = _split(raw, tokens) if raw else None
        if template is None:
            return _UNSAFE
        found.append(template)
    return found[0] if all(t == found[0] for t in found) else _UNSAFE


class Templates:
    """Compiled templates by (style, shape), at most ``limit`` of them (the oldest half is forgotten when full)."""

    def __init__(self, render: Render, limit: int = 2048) -> None:
        self._render = render
        self._limit = limit
        self._known: dict[tuple[str, Shape], Template] = {}

    def entry(self, style: str, item: dict[str, Any], found: tuple[Shape, list[str]] | None) -> str | None:
        """The style's raw bibliography entry for the item: filled in from its shape's template, or rendered by
        citeproc-py where there is none. Raises what citeproc-py raises."""
        if found is None:
            return self._render(style, item)
        key = (style, found[0])
        template = self._known.get(key)
        if template is None:
            if len(self._known) >= self._limit:
                for old in list(self._known)[: self._limit // 2]:
                    self._known.pop(old, None)
            template = self._known[key] = compile_template(self._render, style, item)
        if template is _UNSAFE:
            return self._render(style, item)
        literals, slots = template
        values = found[1]
        out = [literals[0]]
        for n, slot in enumerate(slots):
            out.append(values[slot])
            out.append(literals[n + 1])
        return "".join(out)

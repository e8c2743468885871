"""Citation templates: a style rendered by citeproc-py once per item *shape*, with placeholder tokens for the item's
text, then filled with each item's own text. A template is used only where rendering probes show that citeproc-py
copies each token verbatim or through one of its own text-case transformations (then applied to the value by the
same code); anything else (initials, numbers, a title-cased phrase) is left to citeproc-py itself, so an entry is
always exactly what citeproc-py renders for the item."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from functools import cache
from typing import Any

#: citeproc-py's own tests of a value's text (``is-numeric``, a plural label): the tokens must answer them as the
#: value does, or the template is not used.
_NUMERIC = re.compile(r"^([A-Z]*\d+[A-Z]*)$", re.I)
_PLURAL = re.compile(r"\d+[^\d.]+\d+")
_DIGIT = re.compile(r"\d")

#: The probes' spellings (head, slot-number letters, close, filler after each punctuation mark, digit, tail): all
#: lower case, all upper case, each word capitalized, and each word lower case then upper case, with different
#: letters, digits and lengths. citeproc-py's text-case treats a word by the case it is in, so between them the
#: probes tell each text-case apart; anything else derived from a token (an initial, a formatted number) differs
#: between the renderings, and then the style is not templated for that shape.
_PROBES = (("vq", "bcdfghjlmn", "k", "a", "3", "kqv"), ("ZJ", "PRSTWXYZQI", "UU", "EE", "8", "UJZX"),
           ("Xw", "prstwxyzqi", "y", "Oo", "5", "ym"), ("mQ", "bcdfghjlmn", "Rk", "aE", "6", "kQm"))

#: citeproc-py's text-case values (None: none) and whether periods are stripped first: a slot's text goes through
#: the one combination that gives what every probe rendered, applied by citeproc-py's own code.
_CASES = (None, "lowercase", "uppercase", "capitalize-first", "capitalize-all", "title", "sentence")

#: Render one style (by name) for one CSL item: citeproc-py's raw bibliography entry, or None when it gives none.
Render = Callable[[str, dict[str, Any]], "str | None"]

Shape = tuple[Any, ...]
#: The literal text around the slots, each slot's value index, and the transform its value goes through.
Template = tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]

_UNSAFE: Template = ((), (), ())  # remembered: this style cannot be templated for this shape


@cache
def _stop_words() -> frozenset[str]:
    from citeproc.model import TextCased

    return frozenset(TextCased._stop_words)


def _signature(value: str) -> tuple[str, str, str, int] | None:
    """What citeproc-py could react to in a text value besides its letters: the non-alphanumeric characters in it,
    which of them begin and end it, and its digits. None for a value to keep whole in the shape."""
    if len(value) < 2 or _NUMERIC.match(value) or "<" in value or value in _stop_words():
        return None  # citeproc-py reads <span class="nocase">; title case may leave a lone stop word as it is
    first = value[0] if not value[0].isalnum() else ""
    last = value[-1] if not value[-1].isalnum() else ""
    digits = 2 if _PLURAL.search(value) else 1 if _DIGIT.search(value) else 0
    return first, last, "".join(sorted(c for c in set(value) if not c.isalnum())), digits


def _token(slot: int, signature: tuple[str, str, str, int], probe: int) -> str:
    first, last, inner, digits = signature
    head, letters, close, filler, digit, tail = _PROBES[probe]
    code = "".join(letters[int(d)] for d in str(slot))
    number = (digit + filler + digit) if digits == 2 else digit if digits else ""
    # Stop words, where the value has several words: title case leaves them in lower case unless they begin the text
    # it is applied to, which tells it from capitalize-all, and a style title-casing more than this value
    space = next((c for c in inner if c.isspace()), "") if probe == 0 else ""
    lead, stop = ("the" + space, space + "the") if space else ("", "")
    return first + lead + head + code + close + stop + "".join(c + filler for c in inner) + number + tail + last


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


@cache
def _transforms() -> tuple[Callable[[str], str], ...]:
    """Each text-case with and without strip-periods, as citeproc-py's Text elements apply them; identity first."""
    from citeproc.model import TextCased
    from citeproc.source.json import CiteProcJSON

    parse = CiteProcJSON([]).parse_string

    class Cased(TextCased):  # type: ignore[misc]
        def __init__(self, case: str | None) -> None:
            self.text_case = case

        def get(self, name: str, default: Any = None) -> Any:
            return self.text_case if name == "text-case" else default

    def transform(case: str | None, strip: bool) -> Callable[[str], str]:
        element = Cased(case)
        return lambda value: str(element.case(parse(value.replace(".", "") if strip else value), "en"))

    return tuple(transform(case, strip) for case in _CASES for strip in (False, True))


def _split(raw: str, tokens: list[str]) -> tuple[tuple[str, ...], tuple[int, ...], tuple[frozenset[int], ...]] | None:
    """The rendering cut at each token's image under each transform: literals, slots, and which transforms fit."""
    if any(_NUMERIC.match(t) for t in tokens):
        return None
    images: dict[str, tuple[int, set[int]]] = {}
    for slot, token in enumerate(tokens):
        for n, transform in enumerate(_transforms()):
            image = transform(token)
            if image in images and images[image][0] != slot:
                return None
            images.setdefault(image, (slot, set()))[1].add(n)
    if not images:
        return (raw,), (), ()
    pattern = re.compile("|".join(re.escape(t) for t in sorted(images, key=len, reverse=True)))
    literals, slots, fits, at = [], [], [], 0
    for found in pattern.finditer(raw):
        literals.append(raw[at:found.start()])
        slot, fit = images[found.group()]
        slots.append(slot)
        fits.append(frozenset(fit))
        at = found.end()
    literals.append(raw[at:])
    return tuple(literals), tuple(slots), tuple(fits)


def compile_template(render: Render, style: str, item: dict[str, Any]) -> Template:
    """Render the item's shape with each probe; a template if all give the same text around the same slots, each
    slot's text through one transform that fits every probe, else the mark that citeproc-py renders this shape."""
    values = shape(item)
    found: list[tuple[tuple[str, ...], tuple[int, ...], tuple[frozenset[int], ...]]] = []
    for probe in range(len(_PROBES)):
        probed, tokens = _probe_item(item, probe)
        if values is None or any(bool(_PLURAL.search(t)) != bool(_PLURAL.search(v)) for t, v in
                                 zip(tokens, values[1], strict=True)):
            return _UNSAFE
        try:
            raw = render(style, probed)
        except Exception:
            return _UNSAFE
        cut = _split(raw, tokens) if raw else None
        if cut is None or (found and cut[:2] != found[0][:2]):
            return _UNSAFE
        found.append(cut)
    chosen = []
    for fits in zip(*(cut[2] for cut in found), strict=True):
        fit = frozenset.intersection(*fits)
        if not fit:
            return _UNSAFE
        chosen.append(min(fit))
    return found[0][0], found[0][1], tuple(chosen)


class Templates:
    """Compiled templates by (style, shape), at most ``limit`` of them (the oldest half is forgotten when full)."""

    def __init__(self, render: Render, limit: int = 2048) -> None:
        self._render = render
        self._limit = limit
        self._known: dict[tuple[str, Shape], Template] = {}
        self._lock = threading.Lock()

    def entry(self, style: str, item: dict[str, Any], found: tuple[Shape, list[str]] | None) -> str | None:
        """The style's raw bibliography entry for the item: filled in from its shape's template, or rendered by
        citeproc-py where there is none. Raises what citeproc-py raises."""
        if found is None:
            return self._render(style, item)
        key = (style, found[0])
        template = self._known.get(key)
        if template is None:
            template = compile_template(self._render, style, item)
            with self._lock:  # threads of one server share the templates
                if len(self._known) >= self._limit:
                    for old in list(self._known)[: self._limit // 2]:
                        del self._known[old]
                self._known[key] = template
        if template is _UNSAFE:
            return self._render(style, item)
        literals, slots, transforms = template
        values = found[1]
        out = [literals[0]]
        for n, slot in enumerate(slots):
            out.append(_transforms()[transforms[n]](values[slot]) if transforms[n] else values[slot])
            out.append(literals[n + 1])
        return "".join(out)

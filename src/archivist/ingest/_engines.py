"""Main-text extraction engines (trafilatura, jusText) run on a page, and jusText's per-language stop lists.

An engine only says which text it would keep: archivist maps that back onto the page's own elements, so kept
text is never the engine's rewrite of it.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

from lxml import etree

_SPACE = re.compile(r"\s+")
_UNITS = ("p", "head", "item", "cell", "quote", "code")
#: Engine names, in the order archivist tries them.
ENGINES = ("trafilatura", "justext")
#: ISO 639-1 code to the name of jusText's stop list (jusText has none for Chinese, Japanese or Korean).
STOPLISTS = {"af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan", "cs": "Czech",
             "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek", "en": "English", "eo": "Esperanto",
             "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French",
             "ga": "Irish", "gl": "Galician", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian",
             "hy": "Armenian", "id": "Indonesian", "is": "Icelandic", "it": "Italian", "ka": "Georgian",
             "ko": "Korean", "la": "Latin", "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian",
             "mr": "Marathi", "ms": "Malay", "nl": "Dutch", "no": "Norwegian_Bokmal", "nb": "Norwegian_Bokmal",
             "nn": "Norwegian_Nynorsk", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
             "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili",
             "ta": "Tamil", "te": "Telugu", "th": "Thai", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian",
             "ur": "Urdu", "vi": "Vietnamese"}


#: Invisible characters that only hint where a line may break (soft hyphen, zero-width space, word joiner, BOM):
#: not text, so not kept. Zero-width (non-)joiners stay: they change how Arabic, Persian or Indic words are spelled.
_BREAK_HINTS = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))


def norm(text: str) -> str:
    """Whitespace collapsed and trimmed, line-break hints dropped: the form in which page text is kept and
    compared with engine output."""
    return _SPACE.sub(" ", text.translate(_BREAK_HINTS)).strip()


def trafilatura_units(page: Any, *, favor_recall: bool = False) -> list[str] | None:
    """The text blocks trafilatura keeps (paragraphs, headings, list items, cells) of ``page`` (HTML text or a
    parsed tree, which is copied), or None if it keeps nothing. Its default balance of precision and recall is
    the one its own evaluation scores best; ``favor_recall`` is for pages whose structure is not the author's."""
    import trafilatura

    try:
        xml = trafilatura.extract(copy.deepcopy(page), output_format="xml", include_comments=False, include_tables=True,
                                  favor_recall=favor_recall, deduplicate=False, with_metadata=False)
    except (RecursionError, ValueError, TypeError, etree.LxmlError):
        return None
    if not xml:
        return None
    root = etree.fromstring(xml.encode("utf-8"))
    units: list[str] = []
    for element in root.iter(*_UNITS):
        if not any(a.tag in _UNITS for a in element.iterancestors()):
            text = norm("".join(str(t) for t in element.itertext()))
            # only a cell is split: a post or quote that is not on the page whole is one the engine re-joined
            nested = element.tag == "cell" and next(element.iterdescendants(*_UNITS), None) is not None
            parts = _parts(element) if nested else []
            units.append(Unit(text, parts) if len(parts) > 1 else text)
    return [u for u in units if u] or None


class Unit(str):
    """An engine unit that holds others (a table cell of several paragraphs), with their texts in order: the engine
    may have left out what stood between them on the page (a list in the cell), so that their joined text is
    nowhere on it, while each part is."""

    parts: tuple[str, ...]

    def __new__(cls, text: str, parts: list[str]) -> Unit:
        unit = super().__new__(cls, text)
        unit.parts = tuple(parts)
        return unit


def _parts(element: Any) -> list[str]:
    """The texts of the units inside ``element`` and of the loose text between them, in order."""
    found: list[str] = []
    run = [element.text or ""]
    for child in element:
        holds = next(child.iterdescendants(*_UNITS), None) is not None
        if child.tag in _UNITS or holds:
            found.append(norm("".join(run)))
            found.extend(_parts(child) if holds else [norm("".join(str(t) for t in child.itertext()))])
            run = []
        else:
            run.append("".join(str(t) for t in child.itertext()))
        run.append(child.tail or "")
    found.append(norm("".join(run)))
    return [f for f in found if f]


@cache
def stoplist(language: str | None) -> frozenset[str]:
    """jusText's stop words for a BCP 47 language tag (empty when it has none, e.g. for Chinese)."""
    import justext

    name = STOPLISTS.get((language or "").split("-")[0].lower())
    if name is None:
        return frozenset()
    try:
        return frozenset(w.lower() for w in justext.get_stoplist(name))
    except ValueError:
        return frozenset()


def justext_units(html: str, language: str | None) -> list[str] | None:
    """The paragraphs jusText classifies as good (with the page language's stop list), or None."""
    import justext

    words = stoplist(language) or stoplist("en")
    try:
        paragraphs = justext.justext(html.encode("utf-8"), words, encoding="utf-8")
    except (RecursionError, ValueError, TypeError, etree.LxmlError):
        return None
    units = [norm(p.text) for p in paragraphs if not p.is_boilerplate]
    return [u for u in units if u] or None


def justext_verdicts(blocks: list[str], language: str | None) -> list[bool] | None:
    """For blocks of plain text, whether jusText classifies each as main text (True) or boilerplate, or None when
    it cannot say (no stop list for the language, or it fails)."""
    import html

    import justext

    words = stoplist(language)
    if not words or not blocks:
        return None
    page = "<html><body>" + "".join(f"<p>{html.escape(b)}</p>" for b in blocks) + "</body></html>"
    try:
        paragraphs = justext.justext(page.encode("utf-8"), words, encoding="utf-8")
    except (RecursionError, ValueError, TypeError, etree.LxmlError):
        return None
    good = [not p.is_boilerplate for p in paragraphs]
    if len(paragraphs) != len(blocks) or not any(good):
        return None  # no block long and dense enough for jusText to anchor on: it has no verdict to give
    return good

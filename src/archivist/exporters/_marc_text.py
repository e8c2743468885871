"""Text rules of MARC 21 records: no control characters, ISBD final punctuation, nonfiling articles by language,
ISBN/ISSN in their normal forms, and long text cut at word boundaries into pieces that fit one field.

The article table is the list in MARC 21's "Initial definite and indefinite articles" for the languages archivist
knows best; the exceptions are the ones MARC::Lint knows (names and phrases whose first word is not an article).
"""

from __future__ import annotations

import re

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# Unicode noncharacters (U+FDD0-U+FDEF, U+xxFFFE/U+xxFFFF): "not for interchange", and strict UTF-8 readers such as
# Perl's MARC::File (MARC::Lint) refuse the record. They carry nothing, so they are shown as U+FFFD.
_NONCHARACTERS = re.compile("[\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17)) + "]")
_SPACES = re.compile(r"\s{2,}")

#: Initial articles by language (ISO 639-1 code): they are skipped in filing (the nonfiling indicator).
ARTICLES: dict[str, tuple[str, ...]] = {
    "en": ("a", "an", "the"),
    "fr": ("l'", "la", "le", "les", "un", "une"),
    "es": ("el", "la", "las", "lo", "los", "un", "una", "unas", "unos"),
    "de": ("das", "dem", "den", "der", "des", "die", "ein", "eine", "einem", "einen", "einer", "eines"),
    "it": ("gl'", "gli", "i", "il", "l'", "la", "le", "lo", "un", "un'", "una", "uno"),
    "pt": ("a", "as", "o", "os", "um", "uma", "umas", "uns"),
}
#: Titles whose first word reads as an article but is not one (as MARC::Lint lists them).
NOT_ARTICLES = ("a & e", "a & ", "a-", "a+", "a is ", "a isn't ", "a l'", "a la ", "a posteriori", "a priori", "a to ",
                "el nino", "el salvador", "l is ", "l-", "la salle", "las vegas", "lo cual", "lo mein", "lo que",
                "los alamos", "los angeles")
_ARTICLE = re.compile(r"[\"'\[(*]*([^\W\d_]+)(?:(['\u2019])|[\"'\])*]*\s+[\"'\[(*]*)(?=\S)")


def clean(text: str) -> str:
    """``text`` on one line: control characters (tabs, line breaks) become spaces, runs of spaces one space,
    noncharacters U+FFFD."""
    if text.isprintable() and "  " not in text and text.strip() == text:  # the common case, checked in C
        return text
    return _NONCHARACTERS.sub("\ufffd", _SPACES.sub(" ", _CONTROLS.sub(" ", text)).strip())


#: Marks that end a sentence in the scripts archivist meets (Latin, CJK full-width, Arabic, Devanagari).
FINAL_MARKS = ".?!\u3002\uff0e\uff1f\uff01\u061f\u06d4\u0964"


def end(text: str, marks: str = FINAL_MARKS) -> str:
    """``text`` ending in ISBD final punctuation: a full stop unless it already ends with one of ``marks``."""
    return text if text.endswith(tuple(marks)) else text + "."


def heading_end(text: str) -> str:
    """A heading's final punctuation: a full stop, unless it ends with a mark, a closing parenthesis or an open
    date's hyphen (``1969-``)."""
    return end(text, FINAL_MARKS + ")-")


def nonfiling(title: str, language: str) -> int:
    """How many characters an initial article (with what precedes and follows it) takes: 0 to 9."""
    articles = ARTICLES.get(language.split("-")[0].lower())
    if not articles or title.lower().startswith(NOT_ARTICLES):
        return 0
    match = _ARTICLE.match(title)
    if not match:
        return 0
    word = match.group(1).lower() + ("'" if match.group(2) else "")
    if word not in articles:
        return 0
    count = len(match.group(0))
    return count if count <= 9 else 0


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` UTF-8 bytes, cut at the last space before the limit (the space is
    dropped: joining the pieces with one space gives ``text`` back); a piece with no space is cut between
    characters, never inside one."""
    pieces: list[str] = []
    while len(text.encode("utf-8")) > limit:
        head = text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")
        cut = head.rfind(" ")
        if cut > 0:
            pieces.append(head[:cut])
            text = text[cut + 1:]
        else:
            pieces.append(head)
            text = text[len(head):]
    pieces.append(text)
    return pieces


_ISBN = re.compile(r"(?:ISBN(?:-1[03])?:?\s*)?([0-9][0-9\s-]{8,15}[0-9Xx])\s*(?:\(([^()]+)\))?", re.IGNORECASE)
_ISSN = re.compile(r"(?:ISSN:?\s*)?([0-9]{4})\s*-?\s*([0-9]{3}[0-9Xx])", re.IGNORECASE)


def _isbn_valid(digits: str) -> bool:
    """True when a 10- or 13-digit ISBN's check digit holds."""
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        return sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits)) % 10 == 0
    return False


def isbn(value: str) -> list[tuple[str, str]]:
    """020 subfields for an ISBN: ``$a`` digits only (hyphens and spaces dropped) when the check digit holds,
    ``$z`` (invalid ISBN) otherwise, and ``$q`` for a qualifier in parentheses."""
    match = _ISBN.fullmatch(value.strip())
    if not match:
        return [("z", clean(value))]
    digits = re.sub(r"[\s-]", "", match.group(1)).upper()
    code = "a" if _isbn_valid(digits) else "z"
    return [(code, digits)] + ([("q", clean(match.group(2)))] if match.group(2) else [])


def issn(value: str) -> list[tuple[str, str]]:
    """022 subfields for an ISSN: ``$a`` as ``NNNN-NNNC`` when the check digit holds, ``$y`` (incorrect) otherwise."""
    match = _ISSN.fullmatch(value.strip())
    if not match:
        return [("y", clean(value))]
    digits = (match.group(1) + match.group(2)).upper()
    total = sum((8 - i) * int(c) for i, c in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    valid = digits[7] == ("X" if check == 10 else str(check))
    return [("a" if valid else "y", f"{digits[:4]}-{digits[4:]}")]

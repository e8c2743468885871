"""Record patterns match as ECMA-262 (JSON Schema's dialect) says, in the cases a mutation run (#29) found
unchecked: what \\s and \\S take, inside and outside classes; empty and negated classes; "." and "$"."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest

from archivist.records._ecma import ecma_compile

#: ECMA-262 WhiteSpace (TAB, VT, FF, SP, NBSP, ZWNBSP, any Zs) and LineTerminator (LF, CR, LS, PS).
SPACES = ({0x09, 0x0B, 0x0C, 0x20, 0xA0, 0xFEFF, 0x0A, 0x0D, 0x2028, 0x2029}
          | {c for c in range(0x3100) if unicodedata.category(chr(c)) == "Zs"})
#: Every character near a space or a range's edge, and the ends of Unicode.
SAMPLE = [*range(0x3100), *range(0xFEF0, 0xFF10), 0xE0000, sys.maxunicode - 1, sys.maxunicode]


@pytest.mark.parametrize(("pattern", "spaces"), [
    ("\\s", True), ("[\\s]", True), ("[x\\s]", True), ("\\S", False), ("[\\S]", False), ("[^\\s]", False),
    ("[^\\S]", True)])
def test_what_s_and_S_take(pattern: str, spaces: bool) -> None:
    compiled = ecma_compile(pattern)
    wrong = [hex(c) for c in SAMPLE if chr(c) != "x" and bool(compiled.fullmatch(chr(c))) != ((c in SPACES) == spaces)]
    assert wrong == []


@pytest.mark.parametrize(("pattern", "matches", "refuses"), [
    ("a[]b", [], ["ab", "a]b", "a"]),  # an empty class matches nothing
    ("x|[]", ["x"], ["", "]"]),
    ("[]]", [], ["]", "]]"]),  # "[]" then a literal "]" that can never be reached
    ("[]|b", ["b"], ["", "]|b"]),  # what follows "[]" is still translated
    ("a[]|[^]c", ["xc", "\nc", "ac"], ["a", "c", "abc"]),
    ("[^]", ["\n", "\u2028", "a"], ["", "ab"]),  # any one character
    ("[^]b", ["\rb", "bb"], ["b"]),
    ("[^a]", ["b", "^", "\n"], ["a"]),
    ("[a^]", ["a", "^"], ["b"]),  # "^" not first: a member
    ("[\\]a]", ["]", "a"], ["\\", "b"]),  # an escaped "]" inside a class
    ("[^\\]]", ["a"], ["]"]),
    (".", ["a", "\x85", "\t"], ["\n", "\r", "\u2028", "\u2029"]),
    ("[.]", ["."], ["a"]),  # inside a class "." is a dot
    ("a$", ["a"], ["a\n"]),
    ("[$]", ["$"], ["a"]),
    ("\\d", ["7"], ["٣", "a"]),
    ("\\w", ["a", "_"], ["é", "-"]),
    ("\\.", ["."], ["a"]),
])
def test_patterns_match_as_ecma_262(pattern: str, matches: list[str], refuses: list[str]) -> None:
    compiled = ecma_compile(pattern)
    assert [text for text in matches if not compiled.fullmatch(text)] == []
    assert [text for text in refuses if compiled.fullmatch(text)] == []


@pytest.mark.parametrize("pattern", ["a\\", "\\"])
def test_a_pattern_ending_in_a_lone_backslash_is_a_pattern_error(pattern: str) -> None:
    # Invalid in ECMA-262 too: the error is re's, naming the pattern's fault, not an IndexError from translating.
    with pytest.raises(re.error):
        ecma_compile(pattern)

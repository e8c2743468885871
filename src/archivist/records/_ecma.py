"""Translate ECMA-262 regular expressions (the dialect JSON Schema names) into Python ``re`` patterns.

Python's ``re`` differs from ECMA-262 where record text is concerned: ``$`` also matches before a final
newline, ``.`` matches ``\\r`` and U+2028/U+2029, ``\\d`` and ``\\w`` match non-ASCII digits and letters, and
``\\s`` has a different set of spaces (it takes U+001C–U+001F and U+0085, and leaves out U+FEFF). Compiled
with :func:`ecma_compile`, a pattern built from these and the syntax both dialects share matches as an
ECMA-262 engine would; ECMA-only syntax such as ``\\u{...}``, ``\\cX`` or ``(?<name>...)`` is not translated.
"""

from __future__ import annotations

import re
import sys
from functools import cache

# ECMA-262 WhiteSpace and LineTerminator: what \s matches.
_SPACE_RANGES: tuple[tuple[int, int], ...] = (
    (0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029),
    (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000), (0xFEFF, 0xFEFF),
)
_LINE_TERMINATORS = r"\n\r\u2028\u2029"


def _ranges_text(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


def _complement(ranges: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    out, start = [], 0
    for a, b in ranges:
        if a > start:
            out.append((start, a - 1))
        start = b + 1
    if start <= sys.maxunicode:
        out.append((start, sys.maxunicode))
    return tuple(out)


_SPACE = _ranges_text(_SPACE_RANGES)
_NOT_SPACE = _ranges_text(_complement(_SPACE_RANGES))


def translate(pattern: str) -> str:
    """The Python ``re`` pattern (to compile with ``re.ASCII``) that matches as the ECMA-262 ``pattern`` does.

    ``re.ASCII`` gives ECMA's ASCII ``\\d``, ``\\w`` and ``\\b``; ``\\s``, ``\\S``, ``.`` and ``$`` are spelled
    out here, inside character classes as well as outside.
    """
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "s":
                out.append(_SPACE if in_class else f"[{_SPACE}]")
            elif nxt == "S":
                out.append(_NOT_SPACE if in_class else f"[^{_SPACE}]")
            else:
                out.append(ch + nxt)
            i += 2
            continue
        if in_class:
            out.append(ch)
            in_class = ch != "]"
        elif pattern.startswith("[]", i):
            out.append("(?!)")  # ECMA: an empty class matches nothing; Python would read "]" as a member
            i += 2
            continue
        elif pattern.startswith("[^]", i):
            out.append("(?s:.)")  # ECMA: "[^]" matches any character
            i += 3
            continue
        elif ch == "[":
            out.append(ch)
            in_class = True
            if pattern.startswith("^", i + 1):
                out.append("^")
                i += 1
        elif ch == "$":
            out.append(r"\Z")
        elif ch == ".":
            out.append(f"[^{_LINE_TERMINATORS}]")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


@cache
def ecma_compile(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled with ECMA-262 meaning (cached)."""
    return re.compile(translate(pattern), re.ASCII)


__all__ = ["ecma_compile", "translate"]

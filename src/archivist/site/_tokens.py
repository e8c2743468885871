"""Search text for SQLite FTS5 in any script: runs of Chinese, Japanese, Korean or Thai letters (written without
spaces between words) become overlapping two-letter tokens plus the run's last letter, so a two-letter word is
found inside a longer run; everything else is left to FTS5's unicode61 tokenizer. (The trigram tokenizer would
miss two-letter words, and unicode61 alone takes a whole run of Han letters as one token.)"""

from __future__ import annotations

import re

_RUN = re.compile("[\u0e00-\u0e7f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
                  "\U00020000-\U0002ffff]+")
_WORD = re.compile(r"\w+")


def _grams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)] + [run[-1]]


def index_text(text: str) -> str:
    """``text`` as it is indexed: every unspaced run split into two-letter tokens, with spaces around them."""
    return _RUN.sub(lambda m: " " + " ".join(_grams(m.group())) + " ", text)


def match_query(query: str) -> str | None:
    """An FTS5 MATCH expression finding records with every word of ``query`` (a two-letter token phrase for an
    unspaced run, a prefix for a single letter); None when the query has no word. User text is always quoted,
    so FTS5 operators in it are plain words."""
    terms: list[str] = []
    for piece in _RUN.split(query):
        for word in _WORD.findall(piece):
            terms.append('"' + word.replace('"', '""') + '"*')
    for run in _RUN.findall(query):
        if len(run) == 1:
            terms.append(f'"{run}"*')
        else:
            terms.append('"' + " ".join(run[i:i + 2] for i in range(len(run) - 1)) + '"')
    return " AND ".join(terms) or None

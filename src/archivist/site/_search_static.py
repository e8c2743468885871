"""The static site's search: a Pagefind index of the record pages in ``pagefind/``, made by Pagefind's Python API
and its extended binary (which segments Chinese, Japanese and Thai into words), read by ``search.js`` in the
browser. Optional: the ``search`` extra installs it, and without it the search page points to browsing.

Only the record itself is indexed: the ``data-pagefind-body`` of its page (title, metadata, text) without its
downloads, citation, provenance, removed lines and labels; subjects and language are filters. Pagefind takes a
page's language from ``<html lang>``, which on these pages is the interface's, and keeps one index per language,
searched one at a time; so the whole collection is indexed as one language: the most common of its records'
languages that Pagefind segments, when there is one (unsegmented, a run of CJK letters is found only from its
first letter), else its most common language (for that language's stemmer).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
from collections.abc import Sequence
from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path

from .._atomic import PART_SUFFIX
from .._errors import ArchivistError

FOLDER = "pagefind"
SCRIPT = "search.js"
STAMP = ".archivist-search"  # what the index was built from: a re-run with the same pages keeps it
SEGMENTED = ("zh", "ja", "th")  # the languages Pagefind's extended binary cuts into words
#: Not the index: what the record page holds beside the record, and the page's own labels.
EXCLUDE = (".downloads", ".cite", ".provenance", ".removed", "#about-heading", "#text-heading", "dt")
#: Pagefind's ready-made interfaces, which the site does not use (they need inline styles): not published.
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


class SearchUnavailable(ArchivistError):
    """The search index was asked for, but Pagefind's Python API or its extended binary is not installed."""


class SearchFailed(ArchivistError):
    """Pagefind could not index the site."""


def available() -> bool:
    """True when Pagefind's Python API and its extended binary are installed."""
    try:
        return find_spec("pagefind") is not None and find_spec("pagefind_bin_extended") is not None
    except (ImportError, ValueError):  # a module taken out of sys.modules, or a broken install
        return False


def require() -> None:
    if not available():
        raise SearchUnavailable("the site's search needs Pagefind and its extended binary: "
                                "pip install 'archivist[search]' (or build with --no-search)")


def index_language(languages: Sequence[tuple[str, int]]) -> str:
    """The one language the collection is indexed as, from its records' (language, count)."""
    counts: dict[str, int] = {}
    for language, count in languages:
        primary = language.lower().split("-")[0]
        counts[primary] = counts.get(primary, 0) + count
    segmented = {k: v for k, v in counts.items() if k in SEGMENTED}
    chosen = segmented or counts
    if not chosen:
        return "en"
    return min(chosen, key=lambda k: (-chosen[k], k))


def _version() -> str:
    from importlib.metadata import version

    return f"{version('pagefind')}/{version('pagefind-bin-extended')}"


def stamp_of(journal: Path, ids: Sequence[str], language: str) -> str:
    """What an index is made from: Pagefind's version, the language, and each record page's SHA-256 (from the
    site's journal) by record id. Any record page that changes, comes or goes changes it."""
    import orjson

    pages: dict[str, str] = {}
    with open(journal, "rb") as lines:
        for line in lines:
            entry = orjson.loads(line)
            pages[entry["id"]] = entry["outputs"].get("page", ["", ""])[1]
    digest = hashlib.sha256(f"{_version()}\n{language}\n{EXCLUDE}\n".encode())
    for record_id in sorted(ids):
        digest.update(f"{record_id} {pages.get(record_id, '')}\n".encode())
    return digest.hexdigest()


def script() -> bytes:
    """``search.js``: the search page's script."""
    return files("archivist.site").joinpath("static", SCRIPT).read_bytes()


def build_index(out: Path, language: str, stamp: str) -> bool:
    """Index the record pages under ``out`` into ``out/pagefind`` unless the index there was made from
    ``stamp``; True when it indexed. The new index replaces the old one whole."""
    require()
    stamp_file = out / STAMP
    if (out / FOLDER / "pagefind.js").is_file() and stamp_file.is_file() and stamp_file.read_text() == stamp:
        return False
    stamp_file.unlink(missing_ok=True)
    partial = out / f".{FOLDER}{PART_SUFFIX}"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        pages = _run_apart(out, partial, language)
    except Exception as exc:  # the binary's own message, whatever went wrong in it
        shutil.rmtree(partial, ignore_errors=True)
        raise SearchFailed(f"Pagefind could not index {out}: {exc}") from exc
    for name in _UNUSED:
        (partial / name).unlink(missing_ok=True)
    if pages == 0:
        shutil.rmtree(partial, ignore_errors=True)
        remove(out)
        return True
    old = out / f".{FOLDER}-old{PART_SUFFIX}"
    if (out / FOLDER).exists():
        os.replace(out / FOLDER, old)
    os.replace(partial, out / FOLDER)
    shutil.rmtree(old, ignore_errors=True)
    stamp_file.write_text(stamp)
    return True


def _run_apart(out: Path, target: Path, language: str) -> int:
    """Run the indexing in an event loop of its own: in another thread when this one already runs a loop (a caller
    in async code, a notebook, Playwright)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_index(out, target, language))
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(lambda: asyncio.run(_index(out, target, language))).result()


async def _index(out: Path, target: Path, language: str) -> int:
    from pagefind.index import IndexConfig, PagefindIndex

    config = IndexConfig(force_language=language, exclude_selectors=list(EXCLUDE), output_path=str(target.resolve()))
    async with PagefindIndex(config=config) as index:  # writes the index on leaving
        found = await index.add_directory(str(out.resolve()), glob="records/*/index.html")
    return int(found["page_count"])


def remove(out: Path) -> None:
    """Take the index and its script out of a site built without search."""
    shutil.rmtree(out / FOLDER, ignore_errors=True)
    (out / SCRIPT).unlink(missing_ok=True)
    (out / STAMP).unlink(missing_ok=True)

"""archivist's ingest on public extraction benchmarks it was not written on, beside trafilatura, jusText and
readability-lxml in the same run, each benchmark scored with its own metric, on a development or test part.

Benchmark: trafilatura's evaluation set (``tests/evaldata.json`` and the pages in ``tests/eval`` and
``tests/cache`` of ``adbar/trafilatura``): per page, snippets that must be in the main text ("with") and snippets
that must not ("without"); precision, recall and F1 over all snippets, as trafilatura's ``tests/evaluate.py``
counts them, and the page's title where the set gives one. Pages named by a 32-digit hash (the
scrapinghub/article-extraction-benchmark pages the set includes) are left out: that benchmark is kept unseen.

Every page is assigned to ``dev`` or ``test`` by its site (the URL's host without ``www.``), so no site is in both
parts; rules are tuned on ``dev`` only. Rebuild the data from a snapshot of the repository (a git directory):

    python benchmarks/public_eval.py extract --snapshot /path/to/trafilatura.git --to /tmp/pub
    python benchmarks/public_eval.py score --data /tmp/pub --part test
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import justext
import lxml.html
import trafilatura
from trafilatura.utils import decode_file

from archivist._errors import IngestError
from archivist.ingest import builtin_rules, decode, parse_html
from archivist.ingest._engines import stoplist

_HASH_NAME = re.compile(r"[0-9a-f]{32}\.html")
_SPACE = re.compile(r"\s+")
_LANG = re.compile(rb"<html[^>]*?\blang=[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
PATHS = ("tests/evaldata.json", "tests/eval", "tests/cache")


def norm(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def site(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def part(url: str) -> str:
    """``dev`` or ``test``, fixed by a hash of the page's site: every page of a site falls in the same part."""
    return "dev" if hashlib.sha256(site(url).encode()).digest()[0] % 2 == 0 else "test"


def extract(snapshot: Path, to: Path) -> None:
    """Copy the evaluation set's files out of a git snapshot of adbar/trafilatura."""
    to.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", f"--git-dir={snapshot}", "archive", "HEAD", *PATHS], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(to)], input=archive, check=True)


def items(data: Path, wanted: str) -> list[dict[str, Any]]:
    """The set's pages in the part ``wanted`` (``dev``, ``test`` or ``all``), scrapinghub's pages left out."""
    evaldata = json.loads((data / "tests" / "evaldata.json").read_text(encoding="utf-8"))
    found = []
    for url, item in sorted(evaldata.items()):
        if _HASH_NAME.fullmatch(item["file"]) or (wanted != "all" and part(url) != wanted):
            continue
        path = next((p for p in (data / "tests" / "eval" / item["file"], data / "tests" / "cache" / item["file"])
                     if p.is_file()), None)
        if path is not None:
            found.append({**item, "url": url, "path": path})
    return found


def _language(raw: bytes) -> str:
    match = _LANG.search(raw[:20000])
    return match.group(1).decode().lower() if match else "?"


def run_archivist(html: str, language: str) -> tuple[str | None, str]:
    parsed, meta = parse_html(html, builtin_rules())
    lines = []
    for section in parsed.sections:
        lines += [section["heading"]] if section.get("heading") else []
        lines += section["paragraphs"]
    return meta.title, "\n".join(lines)


def run_trafilatura(html: str, language: str) -> tuple[str | None, str]:
    document = trafilatura.bare_extraction(html, include_comments=False, include_tables=True, with_metadata=True)
    if document is None:
        return None, ""
    return document.title, document.text or ""


def run_justext(html: str, language: str) -> tuple[str | None, str]:
    words = stoplist(language) or stoplist("en")
    paragraphs = justext.justext(html.encode("utf-8"), words, encoding="utf-8")
    title = lxml.html.document_fromstring(html).findtext(".//title")
    return title, "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def run_readability(html: str, language: str) -> tuple[str | None, str]:
    from readability import Document

    document = Document(html)
    summary = lxml.html.document_fromstring(document.summary())
    return document.short_title(), summary.text_content()


TOOLS: dict[str, Callable[[str, str], tuple[str | None, str]]] = {
    "archivist": run_archivist, "trafilatura": run_trafilatura, "justext": run_justext,
    "readability": run_readability}


def count(item: dict[str, Any], text: str) -> tuple[int, int, int, int]:
    """(tp, fp, fn, tn) of one page, by whitespace-normalised substring matching (trafilatura's evaluate.py)."""
    text = norm(text)
    tp = sum(norm(w) in text for w in item["with"])
    fp = sum(norm(w) in text for w in item["without"])
    return tp, fp, len(item["with"]) - tp, len(item["without"]) - fp


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(data: Path, wanted: str, tools: list[str]) -> dict[str, Any]:
    pages = items(data, wanted)
    decoded = []
    for item in pages:
        raw = item["path"].read_bytes()
        try:
            text, _ = decode(raw, str(item["path"]), None, "text/html")
        except IngestError:  # mislabelled bytes: every tool gets the same text, decoded as trafilatura guesses
            text = decode_file(raw)
        decoded.append((item, text, _language(raw)))
    results: dict[str, Any] = {"pages": len(pages), "sites": len({site(i["url"]) for i in pages}), "tools": {}}
    for tool in tools:
        run = TOOLS[tool]
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        titles = [0, 0]
        empty: list[str] = []
        per_page: dict[str, tuple[int, int, int, int]] = {}
        started = time.process_time()
        for item, html, language in decoded:
            try:
                title, text = run(html, language)
            except Exception as exc:  # a tool that fails on a page scores nothing for it
                print(f"{tool}: {item['file']}: {type(exc).__name__}: {exc}", file=sys.stderr)
                title, text = None, ""
            counts = count(item, text)
            per_page[item["file"]] = counts
            for key in ("all", language):
                totals[key] = [a + b for a, b in zip(totals[key], counts, strict=True)]
            if not text.strip():
                empty.append(item["file"])
            if item.get("title"):
                titles[0] += 1
                titles[1] += norm(title or "") == norm(item["title"])
        elapsed = time.process_time() - started
        results["tools"][tool] = {
            "prf": {key: prf(*value[:3]) for key, value in totals.items()},
            "snippets": {key: sum(value) for key, value in totals.items()},
            "title": titles[1] / titles[0] if titles[0] else 0.0, "titled_pages": titles[0],
            "empty": empty, "pages_per_s": len(decoded) / elapsed, "per_page": per_page}
    return results


def table(results: dict[str, Any], min_snippets: int = 40) -> str:
    tools = list(results["tools"])
    first = results["tools"][tools[0]]
    out = [f"{results['pages']} pages, {results['sites']} sites", "",
           "| measure | " + " | ".join(tools) + " |", "| --- | " + " | ".join("---:" for _ in tools) + " |"]
    for index, name in enumerate(("precision", "recall", "F1")):
        out.append(f"| {name} | " + " | ".join(f"{results['tools'][t]['prf']['all'][index]:.3f}" for t in tools)
                   + " |")
    out.append(f"| title exact ({first['titled_pages']} pages) | "
               + " | ".join(f"{results['tools'][t]['title']:.1%}" for t in tools) + " |")
    out.append("| pages with no text | " + " | ".join(str(len(results['tools'][t]['empty'])) for t in tools) + " |")
    out.append("| pages/s | " + " | ".join(f"{results['tools'][t]['pages_per_s']:.1f}" for t in tools) + " |")
    languages = sorted((k for k in first["prf"] if k != "all" and first["snippets"][k] >= min_snippets),
                       key=lambda k: -first["snippets"][k])
    out += ["", "F1 per language (the page's lang attribute; ? = none stated)", "",
            "| language | snippets | " + " | ".join(tools) + " |",
            "| --- | ---: | " + " | ".join("---:" for _ in tools) + " |"]
    for language in languages:
        out.append(f"| {language} | {first['snippets'][language]} | "
                   + " | ".join(f"{results['tools'][t]['prf'][language][2]:.3f}" for t in tools) + " |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    get = commands.add_parser("extract", help="copy the evaluation set out of a git snapshot")
    get.add_argument("--snapshot", type=Path, required=True, help="git directory of adbar/trafilatura")
    get.add_argument("--to", type=Path, required=True)
    run = commands.add_parser("score", help="score the tools on one part")
    run.add_argument("--data", type=Path, required=True)
    run.add_argument("--part", choices=("dev", "test", "all"), default="dev")
    run.add_argument("--tools", default=",".join(TOOLS))
    run.add_argument("--json", type=Path, help="also write the full results here")
    args = parser.parse_args()
    if args.command == "extract":
        extract(args.snapshot, args.to)
        return
    results = score(args.data, args.part, args.tools.split(","))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    print(table(results))


if __name__ == "__main__":
    main()

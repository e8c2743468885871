"""archivist's ingest on public extraction benchmarks it was not written on, beside trafilatura, jusText and
readability-lxml in the same run, each benchmark scored with its own metric, on a development or test part.

Benchmark: trafilatura's evaluation set (``tests/evaldata.json`` and the pages in ``tests/eval`` and
``tests/cache`` of ``adbar/trafilatura``): per page, snippets that must be in the main text ("with") and snippets
that must not ("without"); precision, recall and F1 over all snippets, as trafilatura's ``tests/evaluate.py``
counts them, and the page's title where the set gives one. Pages named by a 32-digit hash (the
scrapinghub/article-extraction-benchmark pages the set includes) are left out: that benchmark is kept unseen.

Second benchmark: Readability's test pages (``test/test-pages/*/source.html`` with the text Readability.js must
give, ``expected.html``, of ``mozilla/readability``), scored as Bevendorff et al. (2023) score it: bag-of-words
token precision, recall and F1 of each page's text against the expected text, averaged over pages. A page's site is
its folder name without a trailing ``-N``; the sites of pages in archivist's own corpus (``benchmarks/corpus``,
tuned on) are left out.

Every page is assigned to ``dev`` or ``test`` by its site (the URL's host without ``www.``), so no site is in both
parts; rules are tuned on ``dev`` only. Rebuild the data from a snapshot of the repository (a git directory):

    git clone https://github.com/adbar/trafilatura /tmp/trafilatura
    python benchmarks/public_eval.py extract --snapshot /tmp/trafilatura/.git --to /tmp/pub
    python benchmarks/public_eval.py score --data /tmp/pub --part test
    python benchmarks/public_eval.py speed --data /tmp/pub --tool archivist --pages 10000
    git clone https://github.com/mozilla/readability /tmp/readability
    python benchmarks/public_eval.py extract --set readability --snapshot /tmp/readability/.git --to /tmp/rdb
    python benchmarks/public_eval.py tokens --data /tmp/rdb --part test

Speeds are pages per CPU second of this process (the machine may be shared: wall time would measure the load).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import justext
import lxml.html
import trafilatura
from trafilatura.utils import decode_file

from archivist._errors import IngestError
from archivist.ingest import builtin_rules, decode, parse_html, parse_text
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


#: The commit of adbar/trafilatura whose evaluation set the figures in docs/ingest-evaluation.md come from.
COMMIT = "e90b0ef51ab026fdb905fb6c5b3c84dd3d784fd5"


#: The commit of mozilla/readability whose test pages the figures come from, and the folder that holds them.
READABILITY_COMMIT = "ab4027a8b37669745016869a37a504727992b2ba"
READABILITY_PATHS = ("test/test-pages",)


def extract(snapshot: Path, to: Path, commit: str = COMMIT, paths: tuple[str, ...] = PATHS) -> None:
    """Copy a set's files out of a git directory (a clone's ``.git``) of its repository."""
    to.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", f"--git-dir={snapshot}", "archive", commit, *paths], check=True,
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


def run_archivist_body(html: str, language: str) -> tuple[str | None, str]:
    """archivist's text without the section heading that repeats the record's title: the other tools give the
    title apart from the text, and both benchmarks keep the title out of the main text."""
    parsed, meta = parse_html(html, builtin_rules())
    title = norm(meta.title or "").casefold()
    lines = []
    for section in parsed.sections:
        if section.get("heading") and norm(section["heading"]).casefold() != title:
            lines.append(section["heading"])
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
    parser = lxml.html.HTMLParser(encoding="utf-8")
    title = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser).findtext(".//title")
    return title, "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def run_readability(html: str, language: str) -> tuple[str | None, str]:
    from readability import Document

    document = Document(html)
    summary = lxml.html.document_fromstring(document.summary())
    return document.short_title(), summary.text_content()


TOOLS: dict[str, Callable[[str, str], tuple[str | None, str]]] = {
    "archivist": run_archivist, "trafilatura": run_trafilatura, "justext": run_justext,
    "readability": run_readability, "archivist-body": run_archivist_body}
#: The tools scored when none are named (archivist-body is a variant of archivist, scored on request).
DEFAULT_TOOLS = ("archivist", "trafilatura", "justext", "readability")


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


def score(data: Path, wanted: str, tools: list[str], browser: str | None = None, sample: int = 0
          ) -> dict[str, Any]:
    """The tools on the part's pages (every ``sample``-th page when given), as HTML or as ``browser``'s dumps."""
    pages = items(data, wanted)[::sample or 1]
    decoded = []
    for item in pages:
        raw = item["path"].read_bytes()
        try:
            text, _ = decode(raw, str(item["path"]), None, "text/html")
        except IngestError:  # mislabelled bytes: every tool gets the same text, decoded as trafilatura guesses
            text = decode_file(raw)
        decoded.append((item, dump_text(text, browser) if browser else text, _language(raw)))
    results: dict[str, Any] = {"pages": len(pages), "sites": len({site(i["url"]) for i in pages}), "tools": {}}
    for tool in tools:
        run = TOOLS[tool] if browser is None else TEXT_TOOLS[tool]
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


def _corpus_browsers() -> dict[str, list[str]]:
    """The text browsers' command lines of the project's own corpus (``corpus/make_dumps.py``), so both
    evaluations dump pages alike; w3m's dumps are its folder ``text`` there."""
    spec = importlib.util.spec_from_file_location("make_dumps", Path(__file__).parent / "corpus" / "make_dumps.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {("w3m" if folder == "text" else folder): command for folder, command in module.BROWSERS.items()}


#: Text browsers and how each dumps a page (UTF-8 in and out, 200 columns, no link list).
BROWSERS = _corpus_browsers()


def _as_html(text: str) -> str:
    """A text dump as the HTML an engine reads: one <p> per block of non-blank lines."""
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    return "<html><body>" + "".join(f"<p>{escape(b)}</p>" for b in blocks) + "</body></html>"


def dump_text(html: str, browser: str) -> str:
    """The page as ``browser`` renders it to text."""
    return subprocess.run(BROWSERS[browser], input=html.encode("utf-8"), capture_output=True, check=True,
                          timeout=60).stdout.decode("utf-8", "replace")


def run_archivist_text(dump: str, language: str) -> tuple[str | None, str]:
    parsed = parse_text(dump, builtin_rules(), language=None if language == "?" else language)
    lines = []
    for section in parsed.sections:
        lines += [section["heading"]] if section.get("heading") else []
        lines += section["paragraphs"]
    return parsed.title, "\n".join(lines)


def _on_dump(tool: Callable[[str, str], tuple[str | None, str]]) -> Callable[[str, str], tuple[str | None, str]]:
    """A tool run on a dump made HTML; with no title of its own, the dump's first line is its title."""
    def run(dump: str, language: str) -> tuple[str | None, str]:
        title, text = tool(_as_html(dump), language)
        return title or next((line.strip() for line in dump.splitlines() if line.strip()), None), text
    return run


TEXT_TOOLS: dict[str, Callable[[str, str], tuple[str | None, str]]] = {
    "archivist": run_archivist_text, "trafilatura": _on_dump(run_trafilatura), "justext": _on_dump(run_justext),
    "readability": _on_dump(run_readability)}


_TOKEN = re.compile(r"\w+")
_CORPUS = Path(__file__).parent / "corpus" / "expected.json"


def tokens(text: str) -> dict[str, int]:
    """The text's words (runs of letters and digits, case folded), counted: a bag of words."""
    bag: dict[str, int] = defaultdict(int)
    for word in _TOKEN.findall(unicodedata.normalize("NFC", text).casefold()):
        bag[word] += 1
    return bag


def token_prf(expected: str, got: str) -> tuple[float, float, float]:
    """Bag-of-words precision, recall and F1 of ``got`` against ``expected`` (Bevendorff et al. 2023); a tool
    that gives nothing for a page with text scores 0 on it."""
    want, have = tokens(expected), tokens(got)
    common = sum(min(n, have.get(w, 0)) for w, n in want.items())
    precision = common / sum(have.values()) if have else 0.0
    recall = common / sum(want.values()) if want else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def readability_pages(data: Path, wanted: str) -> list[tuple[str, Path]]:
    """Readability's test pages (folder name, folder) in the part ``wanted``, the sites of archivist's own corpus
    left out."""
    tuned = {site_of_folder(m.group(1)) for item in json.loads(_CORPUS.read_text(encoding="utf-8"))["items"]
             if (m := re.search(r"mozilla/readability test/test-pages/([^/]+)/", item.get("source", "")))}
    found = []
    for folder in sorted((data / "test" / "test-pages").iterdir()):
        name = site_of_folder(folder.name)
        if (folder / "source.html").is_file() and (folder / "expected.html").is_file() and name not in tuned \
                and (wanted == "all" or part(name) == wanted):
            found.append((folder.name, folder))
    return found


def expected_text(path: Path) -> str:
    """The text of a page's ``expected.html``: UTF-8 (Readability writes it so, with no charset of its own; read
    as bytes, libxml2 would take it for Latin-1 and no word of a non-English page would match)."""
    return str(lxml.html.document_fromstring(path.read_text(encoding="utf-8")).text_content())


def site_of_folder(name: str) -> str:
    """A test page's site: its folder name without a trailing ``-N`` (``nytimes-3`` is ``nytimes``)."""
    return re.sub(r"-\d+$", "", name)


def score_tokens(data: Path, wanted: str, tools: list[str]) -> dict[str, Any]:
    """The tools on Readability's test pages of the part: token P/R/F1 averaged over pages, and pages with none."""
    pages = readability_pages(data, wanted)
    decoded = []
    for name, folder in pages:
        raw = (folder / "source.html").read_bytes()
        expected = expected_text(folder / "expected.html")
        decoded.append((name, _decoded(raw, folder / "source.html"), _language(raw), expected))
    results: dict[str, Any] = {"pages": len(pages), "sites": len({site_of_folder(n) for n, _ in pages}),
                               "tools": {}}
    for tool in tools:
        per_page: dict[str, tuple[float, float, float]] = {}
        empty = []
        started = time.process_time()
        for name, html, language, expected in decoded:
            try:
                _, text = TOOLS[tool](html, language)
            except Exception as exc:  # a tool that fails on a page scores nothing for it
                print(f"{tool}: {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
                text = ""
            per_page[name] = token_prf(expected, text)
            if not text.strip():
                empty.append(name)
        elapsed = time.process_time() - started
        mean = tuple(sum(v[i] for v in per_page.values()) / len(per_page) for i in range(3)) if per_page else ()
        results["tools"][tool] = {"mean": mean, "empty": empty, "pages_per_s": len(decoded) / elapsed,
                                  "per_page": per_page}
    return results


def token_table(results: dict[str, Any]) -> str:
    tools = list(results["tools"])
    out = [f"{results['pages']} pages, {results['sites']} sites (token P/R/F1, mean over pages)", "",
           "| measure | " + " | ".join(tools) + " |", "| --- | " + " | ".join("---:" for _ in tools) + " |"]
    for index, name in enumerate(("precision", "recall", "F1")):
        out.append(f"| {name} | " + " | ".join(f"{results['tools'][t]['mean'][index]:.3f}" for t in tools) + " |")
    out.append("| pages with no text | " + " | ".join(str(len(results['tools'][t]['empty'])) for t in tools) + " |")
    out.append("| pages/s | " + " | ".join(f"{results['tools'][t]['pages_per_s']:.1f}" for t in tools) + " |")
    return "\n".join(out)


def _decoded(raw: bytes, path: Path) -> str:
    """The page's text as archivist decodes it; mislabelled bytes as trafilatura guesses (every tool gets it)."""
    try:
        return decode(raw, str(path), None, "text/html")[0]
    except IngestError:
        return decode_file(raw)


def _rss_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def speed(data: Path, wanted: str, tool: str, pages: int) -> dict[str, Any]:
    """``tool`` on ``pages`` pages (the part's pages over and over): pages per CPU second, and the resident memory
    after every tenth of the run (flat when nothing accumulates)."""
    texts = []
    for item in items(data, wanted):
        raw = item["path"].read_bytes()
        try:
            texts.append((decode(raw, str(item["path"]), None, "text/html")[0], _language(raw)))
        except IngestError:
            texts.append((decode_file(raw), _language(raw)))
    run = TOOLS[tool]
    samples = []
    started = time.process_time()
    for done in range(1, pages + 1):
        run(*texts[(done - 1) % len(texts)])
        if done % max(1, pages // 10) == 0:
            samples.append((done, round(_rss_mib(), 1)))
    return {"tool": tool, "pages": pages, "pages_per_cpu_s": pages / (time.process_time() - started),
            "rss_mib": samples}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    get = commands.add_parser("extract", help="copy the evaluation set out of a git snapshot")
    get.add_argument("--snapshot", type=Path, required=True, help="git directory of adbar/trafilatura")
    get.add_argument("--to", type=Path, required=True)
    get.add_argument("--commit", help="the commit to copy (default: the one the documented figures come from)")
    get.add_argument("--set", choices=("trafilatura", "readability"), default="trafilatura")
    run = commands.add_parser("score", help="score the tools on one part")
    run.add_argument("--data", type=Path, required=True)
    run.add_argument("--part", choices=("dev", "test", "all"), default="dev")
    run.add_argument("--tools", default=",".join(DEFAULT_TOOLS))
    run.add_argument("--json", type=Path, help="also write the full results here")
    run.add_argument("--dump", choices=list(BROWSERS), help="score the text browser's dumps of the pages")
    run.add_argument("--sample", type=int, default=0, help="every N-th page only")
    words = commands.add_parser("tokens", help="score the tools on Readability's test pages (token F1)")
    words.add_argument("--data", type=Path, required=True)
    words.add_argument("--part", choices=("dev", "test", "all"), default="dev")
    words.add_argument("--tools", default=",".join(DEFAULT_TOOLS))
    words.add_argument("--json", type=Path, help="also write the full results here")
    fast = commands.add_parser("speed", help="pages per CPU second and resident memory of one tool")
    fast.add_argument("--data", type=Path, required=True)
    fast.add_argument("--part", choices=("dev", "test", "all"), default="test")
    fast.add_argument("--tool", choices=list(TOOLS), default="archivist")
    fast.add_argument("--pages", type=int, default=10_000)
    args = parser.parse_args()
    if args.command == "speed":
        print(json.dumps(speed(args.data, args.part, args.tool, args.pages)))
        return
    if args.command == "extract":
        if args.set == "readability":
            extract(args.snapshot, args.to, args.commit or READABILITY_COMMIT, READABILITY_PATHS)
        else:
            extract(args.snapshot, args.to, args.commit or COMMIT)
        return
    if args.command == "tokens":
        found = score_tokens(args.data, args.part, args.tools.split(","))
        if args.json:
            args.json.write_text(json.dumps(found, indent=1), encoding="utf-8")
        print(token_table(found))
        return
    results = score(args.data, args.part, args.tools.split(","), args.dump, args.sample)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    print(table(results))


if __name__ == "__main__":
    main()

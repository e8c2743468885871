"""Score archivist's ingest, trafilatura alone and jusText alone on the hand-checked corpus, in one run.

    python benchmarks/ingest_eval.py [--corpus benchmarks/corpus] [--json] [--failures]

Every capture (HTML page, its text dump, and for some pages the page wrapped in a WARC) is scored on: title
(equal), headings (the expected ones kept in order and no chrome heading kept), first paragraph (starts with the
expected text), paragraph count (prose paragraphs of 60+ characters within 30 % of the expected number) and each
chrome line (not kept). Chrome precision counts, among the hand-labelled lines, the chrome removed over everything
labelled that was removed (chrome + kept content). A WARC capture must give archivist the same title, content and
removed lines as the HTML page it wraps; the script says whether it does.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import justext
import trafilatura
from lxml import etree
from warcio.archiveiterator import ArchiveIterator

from archivist.ingest import Facts, ingest_file, iter_warc
from archivist.ingest._engines import stoplist

_SPACE = re.compile(r"\s+")
_BULLET = re.compile(r"^([•*+·o□◦-]\s+)+")
_ANCHOR = re.compile(r"\s*[#¶]$")
FIELDS = ("title", "headings", "first_paragraph", "paragraphs", "chrome")


def norm(text: str) -> str:
    return _BULLET.sub("", _SPACE.sub(" ", text).strip())


class Output:
    """What a tool made of a capture: title, headings and paragraphs in order."""

    def __init__(self, title: str | None, blocks: list[tuple[str, str]]) -> None:
        self.title = norm(title or "")
        self.blocks = [(kind, norm(text)) for kind, text in blocks if norm(text)]

    @property
    def headings(self) -> list[str]:
        return [_ANCHOR.sub("", t) for k, t in self.blocks if k == "h"]

    @property
    def paragraphs(self) -> list[str]:
        return [t for k, t in self.blocks if k == "p"]

    def keeps(self, line: str) -> bool:
        """A labelled line is kept when a kept block is it (or, for a long line, holds it)."""
        line = norm(line)
        return any(t == line or (len(line) >= 20 and line in t) for _, t in self.blocks)


def _as_html(text: str) -> str:
    """A text capture as the HTML an engine reads: one <p> per block of non-blank lines."""
    from html import escape
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    return "<html><body>" + "".join(f"<p>{escape(b)}</p>" for b in blocks) + "</body></html>"


def _is_warc(path: Path) -> bool:
    return path.name.endswith(".warc.gz")


def read_capture(path: Path) -> tuple[str, bool]:
    """A capture's text (a WARC's first response payload) and whether it is HTML."""
    if not _is_warc(path):
        return path.read_text(encoding="utf-8"), path.suffix == ".html"
    with path.open("rb") as handle:
        for warc in ArchiveIterator(handle):
            if warc.rec_type == "response":
                return warc.content_stream().read().decode("utf-8"), True
    raise ValueError(f"{path}: no response record")


def archivist_record(path: Path, item: dict[str, Any]) -> dict[str, Any]:
    """archivist's record of a capture (a WARC's first response)."""
    facts = Facts(url=f"https://{item['site']}/", retrieved="2026-11-25", language=item["language"])
    if not _is_warc(path):
        return ingest_file(path, facts)
    first = next(iter_warc(path, facts))
    if first.record is None:
        raise ValueError(f"{path}: {first.error or first.skipped}")
    return first.record


def run_archivist(path: Path, item: dict[str, Any]) -> Output:
    record = archivist_record(path, item)
    blocks: list[tuple[str, str]] = []
    for section in record["content"]["sections"]:
        if section.get("heading"):
            blocks.append(("h", section["heading"]))
        blocks += [("p", p) for p in section["paragraphs"]]
    return Output(record["title"], blocks)


def run_trafilatura(path: Path, item: dict[str, Any]) -> Output:
    raw, is_html = read_capture(path)
    html = raw if is_html else _as_html(raw)
    xml = trafilatura.extract(html, output_format="xml", with_metadata=True, include_comments=False)
    if not xml:
        return Output(None, [])
    root = etree.fromstring(xml.encode("utf-8"))
    title = root.get("title") or (raw.strip().splitlines()[0] if not is_html else None)
    units = ("p", "head", "item", "cell", "quote", "code")
    blocks = [("h" if e.tag == "head" else "p", "".join(e.itertext())) for e in root.iter(*units)
              if not any(a.tag in units for a in e.iterancestors())]
    return Output(title, blocks)


def run_justext(path: Path, item: dict[str, Any]) -> Output:
    raw, is_html = read_capture(path)
    html = raw if is_html else _as_html(raw)
    paragraphs = justext.justext(html.encode("utf-8"), stoplist(item["language"]) or stoplist("en"), encoding="utf-8")
    title_match = re.search(r"<title[^>]*>(.*?)</title>", raw, re.DOTALL | re.IGNORECASE) if is_html else None
    title = title_match.group(1) if title_match else raw.strip().splitlines()[0]
    blocks = [("h" if p.heading else "p", p.text) for p in paragraphs if not p.is_boilerplate]
    return Output(title, blocks)


TOOLS: dict[str, Callable[[Path, dict[str, Any]], Output]] = {
    "archivist": run_archivist, "trafilatura": run_trafilatura, "justext": run_justext}


def _subsequence(wanted: list[str], got: list[str]) -> bool:
    position = 0
    for heading in wanted:
        try:
            position = got.index(heading, position) + 1
        except ValueError:
            return False
    return True


def score(output: Output, item: dict[str, Any]) -> dict[str, Any]:
    """Pass/fail per field, and the chrome and content lines kept or removed."""
    first = next((p for p in output.paragraphs), "")
    prose = sum(len(p) >= 60 for p in output.paragraphs)
    chrome_removed = [not output.keeps(c) for c in item["chrome"] + item["chrome_headings"]]
    content = [item["title"], item["first_paragraph"]] + item["headings"]
    content_removed = sum(not output.keeps(c) and not (c == item["title"] and output.title == norm(c))
                          for c in content)
    return {
        "title": output.title == norm(item["title"]),
        "headings": _subsequence([norm(h) for h in item["headings"]], output.headings)
        and not any(norm(h) in output.headings for h in item["chrome_headings"]),
        "first_paragraph": first.startswith(norm(item["first_paragraph"])),
        "paragraphs": abs(prose - item["paragraphs"]) <= max(1, 0.3 * item["paragraphs"]),
        "chrome": chrome_removed,
        "content_removed": content_removed,
    }


def evaluate(corpus: Path) -> dict[str, Any]:
    items = json.loads((corpus / "expected.json").read_text(encoding="utf-8"))["items"]
    captures = [(corpus / kind / f"{item['id']}.{ext}", item) for item in items
                for kind, ext in (("html", "html"), ("text", "txt"), ("warc", "warc.gz"))
                if (corpus / kind / f"{item['id']}.{ext}").exists()]
    results: dict[str, Any] = {}
    for tool, run in TOOLS.items():
        rows, started = [], time.perf_counter()
        for path, item in captures:
            try:
                rows.append((path.name, score(run(path, item), item)))
            except Exception as exc:
                print(f"{tool}: {path.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
                rows.append((path.name, score(Output(None, []), item)))
        elapsed = time.perf_counter() - started
        field_pass = {f: sum(r[f] for _, r in rows if f != "chrome") / len(rows) for f in FIELDS if f != "chrome"}
        chrome = [c for _, r in rows for c in r["chrome"]]
        field_pass["chrome"] = sum(chrome) / len(chrome)
        removed_content = sum(r["content_removed"] for _, r in rows)
        checks = sum(r[f] for _, r in rows for f in FIELDS if f != "chrome") + sum(chrome)
        total = len(rows) * (len(FIELDS) - 1) + len(chrome)
        results[tool] = {"fields": field_pass, "chrome_recall": sum(chrome) / len(chrome),
                         "chrome_precision": sum(chrome) / (sum(chrome) + removed_content) if chrome else 0.0,
                         "checks": checks / total, "docs_per_s": len(rows) / elapsed, "captures": len(rows),
                         "failed": {name: [f for f in FIELDS if f != "chrome" and not r[f]] +
                                    (["chrome"] if not all(r["chrome"]) else []) for name, r in rows}}
    results["warc_same_as_html"] = warc_same_as_html(captures)
    return results


def _essence(record: dict[str, Any]) -> tuple[Any, ...]:
    removed = [(r["text"], r["rule"], r.get("element")) for r in record.get("removed", [])]
    return record["title"], record["content"], removed


def warc_same_as_html(captures: list[tuple[Path, dict[str, Any]]]) -> dict[str, bool]:
    """For each WARC capture, whether archivist makes of it the same title, content and removed list as of the
    HTML page it wraps."""
    return {path.name: _essence(archivist_record(path, item)) ==
            _essence(archivist_record(path.parent.parent / "html" / f"{item['id']}.html", item))
            for path, item in captures if _is_warc(path)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).parent / "corpus")
    parser.add_argument("--json", action="store_true", help="print the full results as JSON")
    parser.add_argument("--failures", action="store_true", help="list the failed fields per capture")
    args = parser.parse_args()
    results = evaluate(args.corpus)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    same = results.pop("warc_same_as_html")
    tools = list(results)
    print("| measure | " + " | ".join(tools) + " |")
    print("| --- | " + " | ".join("---:" for _ in tools) + " |")
    for field in FIELDS:
        print(f"| {field} | " + " | ".join(f"{results[t]['fields'][field]:.0%}" for t in tools) + " |")
    for key, label in (("chrome_precision", "chrome precision"), ("chrome_recall", "chrome recall"),
                       ("checks", "all checks")):
        print(f"| {label} | " + " | ".join(f"{results[t][key]:.0%}" for t in tools) + " |")
    print("| docs/s | " + " | ".join(f"{results[t]['docs_per_s']:.1f}" for t in tools) + " |")
    print(f"\n{results[tools[0]]['captures']} captures; WARC path gives the same record as the HTML path: "
          f"{sum(same.values())} of {len(same)}")
    if args.failures:
        for tool in tools:
            for name, failed in results[tool]["failed"].items():
                if failed:
                    print(f"{tool}: {name}: {', '.join(failed)}")


if __name__ == "__main__":
    main()

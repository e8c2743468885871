"""Score archivist's ingest, trafilatura alone and jusText alone on the hand-checked corpus, in one run.

    python benchmarks/ingest_eval.py [--corpus benchmarks/corpus] [--json] [--failures]

Every capture (HTML page, its text dump, and for some pages the page wrapped in a WARC) is scored on: title
(equal), headings (the expected ones kept in order and no chrome heading kept), first paragraph (starts with the
expected text), paragraph count (prose paragraphs of 60+ characters within 30 % of the expected number) and each
chrome line (not kept). Chrome precision counts, among the hand-labelled lines, the chrome removed over everything
labelled that was removed (chrome + kept content). A WARC capture must give archivist the same title, content and
removed lines as the HTML page it wraps; the script says whether it does. ``--failures`` lists, under each capture's
failed checks, what was expected and what the tool gave (the ``detail`` of ``--json``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import subprocess
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
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
FIELDS = ("title", "headings", "first_paragraph", "paragraphs", "chrome")


def norm(text: str) -> str:
    return _BULLET.sub("", _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip())


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
        "detail": detail(output, item),
    }


def detail(output: Output, item: dict[str, Any]) -> dict[str, Any]:
    """What the tool made of each check, to read beside what was expected (``--failures``, ``--json``)."""
    return {"title": output.title, "headings": output.headings,
            "first_paragraph": next((p for p in output.paragraphs), "")[:120],
            "paragraphs": sum(len(p) >= 60 for p in output.paragraphs),
            "chrome_kept": [c for c in item["chrome"] + item["chrome_headings"] if output.keeps(c)]}


CAPTURES = (("html", "html", "html"), ("w3m", "text", "txt"), ("lynx", "lynx", "txt"), ("elinks", "elinks", "txt"),
            ("warc", "warc", "warc.gz"))
"""Capture kind, folder and file suffix; a text capture with no HTML page (in ``text/``) is of kind ``text``."""
DUMPS = ("w3m", "lynx", "elinks")
_SECOND_LEVEL = {"com", "co", "org", "net", "ac", "gov", "edu", "or", "ne", "go"}


def domain(site: str) -> str:
    """The domain a site belongs to: the host's last two labels, three under a second level such as com.br."""
    labels = site.lower().split(".")
    return ".".join(labels[-3:] if len(labels) > 2 and labels[-2] in _SECOND_LEVEL else labels[-2:])


def part(site: str) -> str:
    """``dev`` when the first byte of the SHA-256 of the site's domain is even, else ``test``: every page of a
    domain (Wikipedia, Mozilla, Creative Commons...) falls in the same part."""
    return "dev" if hashlib.sha256(domain(site).encode("utf-8")).digest()[0] % 2 == 0 else "test"


def captures(corpus: Path) -> tuple[list[tuple[Path, str, dict[str, Any]]], list[str]]:
    """Every capture present (path, kind, item), and what is not scored: browser dumps that do not hold the article
    (its first paragraph is not in the file: the browser lost it)."""
    items = json.loads((corpus / "expected.json").read_text(encoding="utf-8"))["items"]
    found, missing = [], []
    for item in items:
        has_html = (corpus / "html" / f"{item['id']}.html").exists()
        for kind, folder, suffix in CAPTURES:
            path = corpus / folder / f"{item['id']}.{suffix}"
            if not path.exists():
                continue
            if kind in DUMPS and has_html and norm(item["first_paragraph"]) not in norm(read_capture(path)[0]):
                missing.append(f"{folder}/{path.name}")
                continue
            found.append((path, kind if has_html or kind != "w3m" else "text", item))
    return found, missing


def _share(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Checks passed over checks made in some rows: per field, and all together."""
    fields = {f: sum(r[f] for r in rows) / len(rows) for f in FIELDS if f != "chrome"}
    chrome = [c for r in rows for c in r["chrome"]]
    fields["chrome"] = sum(chrome) / len(chrome) if chrome else 1.0
    passed = sum(r[f] for r in rows for f in FIELDS if f != "chrome") + sum(chrome)
    total = len(rows) * (len(FIELDS) - 1) + len(chrome)
    return {"captures": len(rows), "checks": total, "passed": passed, "share": passed / total, "fields": fields}


def breakdown(rows: list[tuple[str, str, dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """Shares by part, and within each part by capture kind, language and page kind."""
    out: dict[str, Any] = {}
    for name in ("dev", "test"):
        mine = [r for r in rows if part(r[2]["site"]) == name]
        if not mine:
            continue
        out[name] = {"all": _share([r[3] for r in mine])}
        for key, label in ((lambda r: r[1], "capture"), (lambda r: r[2]["language"], "language"),
                           (lambda r: r[2]["kind"], "page kind")):
            groups: dict[str, list[dict[str, Any]]] = {}
            for r in mine:
                groups.setdefault(key(r), []).append(r[3])
            out[name][label] = {k: _share(v) for k, v in sorted(groups.items())}
        dumps = [r[3] for r in mine if r[1] in DUMPS]
        if dumps:
            out[name]["capture"]["dumps"] = _share(dumps)
    return out


def failed(item: dict[str, Any]) -> dict[str, Any]:
    """The score of a capture that gave no output at all: every check failed (removing nothing is no merit)."""
    return {**{f: False for f in FIELDS}, "chrome": [False for _ in item["chrome"] + item["chrome_headings"]],
            "content_removed": 0, "detail": {}}


def evaluate(corpus: Path, tools: list[str] | None = None) -> dict[str, Any]:
    found, missing = captures(corpus)
    results: dict[str, Any] = {"not_scored": missing}
    for tool in tools or list(TOOLS):
        run, rows = TOOLS[tool], []
        started = time.process_time()
        for path, kind, item in found:
            try:
                scored = score(run(path, item), item)
            except Exception as exc:
                print(f"{tool}: {path.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
                scored = failed(item)
            rows.append((f"{path.parent.name}/{path.name}", kind, item, scored))
        elapsed = time.process_time() - started
        chrome = [c for r in rows for c in r[3]["chrome"]]
        removed_content = sum(r[3]["content_removed"] for r in rows)
        results[tool] = {**_share([r[3] for r in rows]), "parts": breakdown(rows),
                         "chrome_precision": sum(chrome) / (sum(chrome) + removed_content) if chrome else 0.0,
                         "captures_per_cpu_s": len(rows) / elapsed if elapsed else 0.0,
                         "failed": {name: [f for f in FIELDS if f != "chrome" and not r[f]] +
                                    (["chrome"] if not all(r["chrome"]) else []) for name, _, _, r in rows},
                         "detail": {name: {"part": part(item["site"]), **_misses(r, item)} for name, _, item, r in rows
                                    if _misses(r, item)}}
    if "archivist" in results:
        results["warc_same_as_html"] = warc_same_as_html([(p, i) for p, k, i in found])
    return results


def _misses(scored: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """Each failed check of a capture: what was expected and what the tool gave."""
    got, out = scored["detail"], {}
    for field, expected in (("title", item["title"]), ("headings", item["headings"]),
                            ("first_paragraph", item["first_paragraph"]), ("paragraphs", item["paragraphs"])):
        if not scored[field] and got:
            out[field] = {"expected": expected, "got": got[field]}
    if got.get("chrome_kept"):
        out["chrome"] = {"kept": got["chrome_kept"]}
    return out


def _essence(record: dict[str, Any]) -> tuple[Any, ...]:
    removed = [(r["text"], r["rule"], r.get("element")) for r in record.get("removed", [])]
    return record["title"], record["content"], removed


def warc_same_as_html(captures: list[tuple[Path, dict[str, Any]]]) -> dict[str, bool]:
    """For each WARC capture, whether archivist makes of it the same title, content and removed list as of the
    HTML page it wraps."""
    return {path.name: _essence(archivist_record(path, item)) ==
            _essence(archivist_record(path.parent.parent / "html" / f"{item['id']}.html", item))
            for path, item in captures if _is_warc(path)}


def _table(title: str, groups: dict[str, dict[str, Any]], tools: list[str], value: Callable[[Any], str]) -> None:
    print(f"\n**{title}**\n")
    print("| | " + " | ".join(tools) + " |")
    print("| --- | " + " | ".join("---:" for _ in tools) + " |")
    for name, by_tool in groups.items():
        print(f"| {name} | " + " | ".join(value(by_tool[t]) if t in by_tool else "" for t in tools) + " |")


def report(results: dict[str, Any], chosen: str) -> None:
    """Print the tables of one part: overall, by capture kind, language and page kind, titles and headings."""
    tools = [t for t in TOOLS if t in results]
    if chosen not in results[tools[0]]["parts"]:
        return
    parts = {t: results[t]["parts"][chosen] for t in tools}
    head = parts[tools[0]]["all"]
    print(f"\n### {chosen} part: {head['captures']} captures, {head['checks']} checks")

    def share(s: dict[str, Any]) -> str:
        return f"{s['share']:.1%} ({s['passed']}/{s['checks']})"

    fields = {f: {t: parts[t]["all"]["fields"][f] for t in tools} for f in FIELDS}
    _table("checks by field", {**fields, "all checks": {t: parts[t]["all"]["share"] for t in tools}}, tools,
           lambda v: f"{v:.1%}")
    for label in ("capture", "language", "page kind"):
        _table(f"all checks by {label}", {k: {t: parts[t][label][k] for t in tools}
                                          for k in parts[tools[0]][label]}, tools, share)
    for field in ("title", "headings"):
        _table(f"{field} by capture", {k: {t: parts[t]["capture"][k]["fields"][field] for t in tools}
                                       for k in parts[tools[0]]["capture"]}, tools, lambda v: f"{v:.0%}")


def speed(corpus: Path, tool: str, pages: int) -> dict[str, Any]:
    """Pages per CPU second of one tool over the corpus HTML pages read over and over, and the resident memory
    (MiB) after every tenth of the run."""
    found, _ = captures(corpus)
    html = [(p, i) for p, k, i in found if k == "html"]
    run = TOOLS[tool] if tool != "trafilatura" else _trafilatura_plain
    rss, started = [], time.process_time()
    for n in range(pages):
        path, item = html[n % len(html)]
        run(path, item)
        if (n + 1) % max(1, pages // 10) == 0:
            rss.append(_rss_mib())
    cpu = time.process_time() - started
    return {"tool": tool, "pages": pages, "distinct_pages": len(html), "cpu_s": cpu, "pages_per_cpu_s": pages / cpu,
            "rss_mib": rss}


def _trafilatura_plain(path: Path, item: dict[str, Any]) -> str | None:
    """trafilatura alone as most callers use it: default settings, plain text out."""
    return trafilatura.extract(path.read_text(encoding="utf-8"))


def _rss_mib() -> float:
    """The process's resident memory now, in MiB (Linux /proc)."""
    fields = Path("/proc/self/statm").read_text().split()
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).parent / "corpus")
    parser.add_argument("--json", action="store_true", help="print the full results as JSON")
    parser.add_argument("--failures", action="store_true", help="list the failed fields per capture")
    parser.add_argument("--part", choices=("dev", "test", "both"), default="both", help="which part to tabulate")
    parser.add_argument("--tools", nargs="+", choices=list(TOOLS), help="score only these tools")
    parser.add_argument("--speed", type=int, metavar="PAGES",
                        help="instead: pages per CPU second of archivist and trafilatura alone over PAGES pages "
                             "(the HTML pages over and over), each in its own process, with resident memory")
    parser.add_argument("--speed-tool", choices=list(TOOLS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.speed_tool:
        print(json.dumps(speed(args.corpus, args.speed_tool, args.speed)))
        return
    if args.speed:
        for tool in args.tools or ["archivist", "trafilatura"]:
            out = subprocess.run([sys.executable, __file__, "--corpus", str(args.corpus), "--speed", str(args.speed),
                                  "--speed-tool", tool], capture_output=True, text=True, check=True).stdout
            result = json.loads(out)
            print(f"{tool}: {result['pages']} pages ({result['distinct_pages']} distinct) in {result['cpu_s']:.1f} "
                  f"CPU s = {result['pages_per_cpu_s']:.2f} pages per CPU second; resident MiB after each tenth: "
                  + " ".join(f"{m:.0f}" for m in result["rss_mib"]))
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}; "
              f"children CPU s: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime:.1f}")
        return
    results = evaluate(args.corpus, args.tools)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return
    same = results.pop("warc_same_as_html", {})
    missing = results.pop("not_scored")
    tools = list(results)
    first = results[tools[0]]
    print(f"{first['captures']} captures, {first['checks']} checks; WARC path gives the same record as the HTML path: "
          f"{sum(same.values())} of {len(same)}")
    if missing:
        print(f"not scored (dumps whose browser lost the article): {', '.join(missing)}")
    print("| tool | all checks | chrome precision | captures per CPU s |\n| --- | ---: | ---: | ---: |")
    for tool in tools:
        r = results[tool]
        print(f"| {tool} | {r['share']:.1%} | {r['chrome_precision']:.1%} | {r['captures_per_cpu_s']:.1f} |")
    for chosen in (("dev", "test") if args.part == "both" else (args.part,)):
        report(results, chosen)
    if args.failures:
        for tool in tools:
            for name, failed in results[tool]["failed"].items():
                if failed:
                    print(f"{tool}: {name}: {', '.join(failed)}")
                    for field, miss in results[tool]["detail"].get(name, {}).items():
                        if field != "part":
                            print(f"    {field}: {json.dumps(miss, ensure_ascii=False)[:400]}")


if __name__ == "__main__":
    main()

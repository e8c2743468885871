"""Speed and memory of the site: record pages rendered per second, ``archivist site`` over N records (pages only,
then with every per-record export), and ``serve``'s record page and search latency (p50, p95) at N records.

    python benchmarks/site_bench.py --sizes 1000,10000 --serve 50000 --workdir /dev/shm
    python benchmarks/site_bench.py --sizes 1000,10000 --citations no --pagefind --workdir /dev/shm

``--pagefind`` also times the static search index (Pagefind) over each site built: its wall time, the CPU time of
this process and of the Pagefind binary, the binary's peak memory and the index's size.

Builds N records from the seed record (ids, titles and subjects varied; one in four in Arabic, Japanese or
Russian), then runs each measurement in its own process so that peak RSS is that run's alone. Serve latency is
measured over loopback against ``archivist serve`` itself (started on the records, ``--workers`` as given), one
request at a time on a keep-alive connection: random record pages, and searches of several kinds, each query
asked once (serve remembers answers) except the "repeated" kind. Nothing here is a test: the figures vary by
machine and by what else runs on it; every line says the load average beside it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "records" / "mrta-globalsecurity.json"
DATA = ROOT / "tests" / "site" / "data"
OTHERS = [json.loads(p.read_text("utf-8")) for p in sorted(DATA.glob("[a-z][a-z]-*.json"))]
WORDS = ["peru", "guerrilla", "1996", "lima", "東京", "図書館", "المتحف", "Эрмитаж", "movement", "hostage"]


def build(path: Path, count: int) -> None:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    seed.pop("files", None)  # the capture file is not copied for every record
    with open(path, "w", encoding="utf-8") as handle:
        for n in range(count):
            base = OTHERS[n % len(OTHERS)] if n % 4 == 3 else seed
            subjects = [*base["subjects"], {"term": f"Topic {n % 500}", "scheme": "local"}]
            record = dict(base, id=f"r{n:07d}", title=f"{base['title']} {n}", subjects=subjects)
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def load() -> str:
    """The load averages over 1, 5 and 15 minutes, as ``uptime`` says them."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_pages(src: str, cite: str) -> dict[str, float]:
    """Render every record's page in memory (no exports, no writes): the page model and template alone, with or
    without the citation box (citeproc-py)."""
    from archivist.site import SiteSettings
    from archivist.site._record import record_page
    from archivist.site._render import record_html

    settings = SiteSettings(base_url="https://archive.example.org/")
    began, cpu = time.perf_counter(), time.process_time()
    count = 0
    with open(src, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            record_html(record_page(record, [], site_name="Archive", root="../../", base_url=settings.base_url,
                                    cite=cite == "yes"), settings)
            count += 1
    seconds = time.perf_counter() - began
    return {"records": count, "seconds": seconds, "per_second": count / seconds,
            "per_cpu_second": count / (time.process_time() - cpu), "peak_mb": peak_mb()}


def run_site(src: str, out: str, formats: str, cite: str) -> dict[str, float]:
    """``archivist site`` into ``out``: validation, catalog, pages, listings, sitemap (and the exports named)."""
    from archivist.site import SiteSettings, build_site

    began, cpu = time.perf_counter(), time.process_time()
    report = build_site([src], out, SiteSettings(base_url="https://archive.example.org/", citations=cite == "yes"),
                        formats=[f for f in formats.split(",") if f] if formats != "all" else None, search=False)
    seconds = time.perf_counter() - began
    assert report.summary.failed == 0, report
    return {"records": report.summary.records, "seconds": seconds, "per_second": report.summary.records / seconds,
            "per_cpu_second": report.summary.records / (time.process_time() - cpu), "peak_mb": peak_mb()}


def run_pagefind(out: str) -> dict[str, float]:
    """The static search index of a site already built: Pagefind's Python API and its extended binary over every
    record page (what ``archivist site`` adds when the search extra is installed)."""
    from archivist.site import _search_static as search

    languages: dict[str, int] = {}  # the records' languages, as the build takes them from its catalog
    for page in Path(out, "records").glob("*/index.html"):
        code = page.read_text("utf-8").split('name="DC.language" content="', 1)[1].split('"', 1)[0]
        languages[code] = languages.get(code, 0) + 1
    language = search.index_language(sorted(languages.items()))
    began, cpu = time.perf_counter(), time.process_time()
    search.build_index(Path(out), language, "benchmark")
    seconds = time.perf_counter() - began
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    files = [p for p in Path(out, "pagefind").rglob("*") if p.is_file()]
    records = sum(languages.values())
    return {"records": records, "seconds": seconds, "per_second": records / seconds,
            "cpu_self": time.process_time() - cpu, "cpu_pagefind": children.ru_utime + children.ru_stime,
            "pagefind_peak_mb": children.ru_maxrss / 1024, "files": len(files),
            "index_mb": sum(p.stat().st_size for p in files) / 1e6, "language": language}


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its worker processes so far, from /proc (0 where there is none)."""
    total = 0.0
    try:
        for each in [pid, *(int(c) for t in Path(f"/proc/{pid}/task").iterdir()
                            for c in (t / "children").read_text().split())]:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0
    return total


def _queries(count: int, records: int, rng: random.Random) -> dict[str, list[str]]:
    """Query strings by kind, each distinct (none answered from serve's memory of earlier answers) except the
    repeated one: words most records hold, words one record holds, two-letter Japanese words, a common word
    narrowed by a language or a subject, and one popular query asked again and again."""
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    text = " ".join(p for s in seed["content"]["sections"] for p in s["paragraphs"])
    common = sorted({w.lower() for w in re.findall(r"[A-Za-z]{5,}", text)})
    rng.shuffle(common)
    japanese = next(o for o in OTHERS if o["language"] == "ja")
    run = "".join(re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]", " ".join(
        p for s in japanese["content"]["sections"] for p in s["paragraphs"])))
    pairs = sorted({run[i:i + 2] for i in range(len(run) - 1)})
    rng.shuffle(pairs)
    return {
        "common word": [f"q={w}" for w in common[:count]],
        "rare word": [f"q={n}" for n in rng.sample(range(records // 10, records), count)],  # one title's number
        "Japanese pair": [f"q={urllib.parse.quote(p)}" for p in pairs[:count]],
        "common + facet": [f"q={w}&language={rng.choice(['en', 'ar', 'ja', 'ru'])}" for w in common[-count:]],
        "popular, repeated": ["q=peru"] * count,
    }


def run_serve(src: str, work: str, cite: str, samples: int, workers: int) -> dict[str, Any]:
    """Start ``archivist serve`` on the records (its index in ``work``), then time record pages and searches
    over loopback, one keep-alive connection, one request at a time."""
    folder = Path(work) / "records"
    folder.mkdir(exist_ok=True)
    shutil.copy(src, folder / "records.jsonl")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "archivist", "serve", str(folder), "--port", str(port), "-q", "--workers",
               str(workers), "--index", str(Path(work) / "index.sqlite"), "--site-url", f"http://127.0.0.1:{port}/",
               *([] if cite == "yes" else ["--no-citations"])]
    began = time.perf_counter()
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            try:
                connection.request("GET", "/")
                connection.getresponse().read()
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(server.stderr.read().decode() if server.stderr else "serve ended") from None
                connection.close()
                time.sleep(0.2)
        startup = time.perf_counter() - began
        rng = random.Random(7)
        with open(src, encoding="utf-8") as handle:
            count = sum(1 for _ in handle)

        def timed(path: str) -> float:
            start = time.perf_counter()
            connection.request("GET", path)
            answer = connection.getresponse()
            body = answer.read()
            assert answer.status == 200 and body, path
            return (time.perf_counter() - start) * 1000

        timed(f"/records/r{count // 2:07d}/")  # the first page a process answers loads what pages need
        paths = {"record page": [f"/records/r{rng.randrange(count):07d}/" for _ in range(samples)]}
        for kind, queries in _queries(samples, count, rng).items():
            paths[kind] = [f"/search?{q}" for q in queries]
        timings: dict[str, list[float]] = {}
        cpu: dict[str, float] = {}
        for kind, each in paths.items():
            before = _cpu_seconds(server.pid)
            timings[kind] = [timed(path) for path in each]
            cpu[kind] = (_cpu_seconds(server.pid) - before) / len(each) * 1000
        connection.close()
    finally:
        server.terminate()
        server.wait(30)

    def pct(values: list[float], p: float) -> float:
        values = sorted(values)
        return values[min(len(values) - 1, int(len(values) * p))]

    latency = {kind: {"n": len(values), "p50": pct(values, 0.5), "p95": pct(values, 0.95), "cpu": cpu[kind]}
               for kind, values in timings.items()}
    return {"records": count, "startup_s": startup, "latency": latency}


def child(what: str, *args: str) -> dict[str, Any]:
    run = subprocess.run([sys.executable, __file__, "--child", what, *args], capture_output=True, text=True,
                         check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def run_cite(count: int) -> None:
    """The citation box alone over ``count`` seed-derived records: CPU ms a record as the site makes it (filled from
    each style's template, their compiling included), and rendered by citeproc-py for every record (the anchor)."""
    from archivist.exporters.csl_json import csl_item
    from archivist.site import _cite

    with tempfile.TemporaryDirectory() as work:
        build(Path(work) / "records.jsonl", count)
        records = [json.loads(line) for line in (Path(work) / "records.jsonl").open(encoding="utf-8")]
    _cite.load_styles()
    cpu = time.process_time()
    boxes = [_cite.citations(record) for record in records]
    box = (time.process_time() - cpu) / count * 1000
    sample, cpu = records[: min(count, 300)], time.process_time()
    direct = [[(label, " ".join((_cite._render(name, csl_item(r)) or "").split())) for label, name in _cite.STYLES]
              for r in sample]
    anchor = (time.process_time() - cpu) / len(sample) * 1000
    assert boxes[: len(sample)] == direct
    print(f"citation box, {count} records: {box:.3f} CPU ms a record; citeproc-py for each record {anchor:.2f} CPU ms "
          f"(over {len(sample)}, same output); load {load()}")


class CiteOnly(argparse.Action):
    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        run_cite(int(values))
        parser.exit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cite-only", metavar="N", action=CiteOnly, help="only time the citation box over N records")
    parser.add_argument("--sizes", default="1000,10000", help="record counts for the site build")
    parser.add_argument("--serve", type=int, default=0, help="record count for the serve latency (0: skip)")
    parser.add_argument("--samples", type=int, default=100, help="requests of each kind for the latency")
    parser.add_argument("--workers", type=int, default=1, help="serve's worker processes (default 1)")
    parser.add_argument("--with-exports", action="store_true", help="also build with every per-record export")
    parser.add_argument("--pagefind", action="store_true", help="also time the static search index (Pagefind)")
    parser.add_argument("--citations", choices=("yes", "no", "both"), default="both",
                        help="measure with the citation box, without it, or both (default)")
    parser.add_argument("--workdir", default=None, help="where to write (default: a temporary folder)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, *rest = args.child
        runner = {"pages": run_pages, "site": run_site, "pagefind": run_pagefind}.get(what, run_pages)
        result = run_serve(*rest[:3], int(rest[3]), int(rest[4])) if what == "serve" else runner(*rest)
        print(json.dumps(result))
        return
    work = Path(tempfile.mkdtemp(prefix="site-bench-", dir=args.workdir))
    print(f"machine: {os.cpu_count()} cores; load {load()}; python {sys.version.split()[0]}; "
          "per CPU second = records over the process's own CPU time (what one free core would do)")
    try:
        cites = ("no", "yes") if args.citations == "both" else (args.citations,)
        for size in (int(s) for s in args.sizes.split(",") if s):
            src = work / f"records-{size}.jsonl"
            build(src, size)
            for cite in cites:
                label = "with citations" if cite == "yes" else "no citations  "
                result = child("pages", str(src), cite)
                print(f"{size:>7} records, {label}: pages rendered   {result['per_second']:8.1f} /s "
                      f"({result['per_cpu_second']:7.1f} per CPU second)   "
                      f"peak {result['peak_mb']:6.0f} MB   load {load()}")
                out = work / f"site-{size}"
                result = child("site", str(src), str(out), "", cite)
                print(f"{size:>7} records, {label}: site, pages only {result['per_second']:8.1f} /s "
                      f"({result['per_cpu_second']:7.1f} per CPU second)   "
                      f"peak {result['peak_mb']:6.0f} MB   load {load()}")
                if args.pagefind:
                    result = child("pagefind", str(out))
                    print(f"{size:>7} records, {label}: Pagefind index  {result['seconds']:8.1f} s wall "
                          f"({result['per_second']:.0f} pages/s); CPU {result['cpu_pagefind']:.1f} s Pagefind + "
                          f"{result['cpu_self']:.1f} s Python; Pagefind peak {result['pagefind_peak_mb']:.0f} MB; "
                          f"index {result['index_mb']:.1f} MB in {result['files']} files ({result['language']}); "
                          f"load {os.getloadavg()[0]:.2f}")
                shutil.rmtree(out)
                if args.with_exports:
                    result = child("site", str(src), str(out), "all", cite)
                    print(f"{size:>7} records, {label}: site, all exports {result['per_second']:7.1f} /s "
                      f"({result['per_cpu_second']:7.1f} per CPU second)   "
                          f"peak {result['peak_mb']:6.0f} MB")
                    shutil.rmtree(out)
            src.unlink()
        if args.serve:
            src = work / f"serve-{args.serve}.jsonl"
            build(src, args.serve)
            for cite in cites:
                label = "with citations" if cite == "yes" else "no citations"
                where = work / f"serve-{cite}"
                where.mkdir()
                result = child("serve", str(src), str(where), cite, str(args.samples), str(args.workers))
                print(f"{args.serve:>7} records, serve --workers {args.workers}, {label}: ready in "
                      f"{result['startup_s']:.1f} s; over loopback, one request at a time (load {load()}):")
                for kind, figures in result["latency"].items():
                    print(f"    {kind:<18} p50 {figures['p50']:7.1f} ms   p95 {figures['p95']:7.1f} ms   "
                          f"server CPU {figures['cpu']:6.1f} ms a request   ({figures['n']} requests)")
                shutil.rmtree(where)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

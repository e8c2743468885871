"""How fast ``archivist serve`` answers harvesters: ListRecords page latency and full-harvest time.

    python benchmarks/harvest.py --records 50000 --workdir /dev/shm

Builds N records from the seed (ids, titles and datestamps varied; one JSON file each, in folders of 1,000),
starts ``archivist serve`` on them as a user would, and reports: the start-up time (index build); for a full
harvest of each format over one kept-alive HTTP connection, its time, the latency of each ListRecords page
(median, 95th percentile, worst) and the server's CPU time per page (which other load on the machine does not
inflate); a full oai_dc harvest with Sickle; and the wall time of several oai_dc harvesters at once.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
SEED = json.loads((ROOT / "records" / "mrta-globalsecurity.json").read_text(encoding="utf-8"))
TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]+)</resumptionToken>")


def build(folder: Path, count: int) -> None:
    """``count`` valid records, one file each, in subfolders of 1,000."""
    for n in range(count):
        record = dict(SEED, id=f"rec-{n:06d}", title=f"{SEED['title']} ({n})")
        record.pop("files", None)
        record["provenance"] = [{"action": "ingested", "at": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T12:00:00Z",
                                 "agent": "benchmark"}]
        sub = folder / f"{n // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"rec-{n:06d}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def harvest(base: str, prefix: str = "oai_dc") -> tuple[list[float], int]:
    """A full ListRecords harvest over one kept-alive connection: each page's latency in seconds, and the
    number of records."""
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    query = {"verb": "ListRecords", "metadataPrefix": prefix}
    latencies, count = [], 0
    while True:
        began = time.perf_counter()
        connection.request("GET", f"{url.path}?{urlencode(query)}")
        response = connection.getresponse()
        body = response.read()
        latencies.append(time.perf_counter() - began)
        if response.status != 200 or b"<error" in body:
            raise SystemExit(f"harvest failed: HTTP {response.status}: {body[:300]!r}")
        count += body.count(b"<record>")
        token = TOKEN.search(body)
        if not token:
            break
        query = {"verb": "ListRecords", "resumptionToken": token.group(1).decode()}
    connection.close()
    return latencies, count


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its worker processes so far (Linux): robust to other load on the
    machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") + sum(map(cpu_seconds, children))


def sickle_harvest(base: str) -> int:
    from sickle import Sickle

    return sum(1 for _ in Sickle(base, timeout=60).ListRecords(metadataPrefix="oai_dc", ignore_deleted=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--harvesters", type=int, default=4, help="concurrent harvesters in the last test")
    parser.add_argument("--workdir", default=None, help="where records and the index go (default: a temp dir)")
    parser.add_argument("--no-sickle", action="store_true")
    parser.add_argument("--oai-dc-only", action="store_true", help="skip the dcterms and marcxml harvests")
    parser.add_argument("--workers", type=int, default=0, help="the server's --workers (0: one per core)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="archivist-harvest-", dir=args.workdir))
    try:
        folder = work / "records"
        began = time.perf_counter()
        build(folder, args.records)
        print(f"built {args.records} records in {time.perf_counter() - began:.1f} s", flush=True)
        began = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-m", "archivist", "serve", str(folder), "--port", "0",
                                   "--page-size", str(args.page_size), "--repository-id", "bench.example.org",
                                   "--admin-email", "bench@example.org", "--workers", str(args.workers)],
                                  stderr=subprocess.PIPE, text=True)
        try:
            assert server.stderr is not None
            for line in server.stderr:
                if "OAI-PMH at " in line:
                    break
            else:
                raise SystemExit("the server did not start")
            threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()  # drain the log
            base = line.split("OAI-PMH at ")[1].split()[0]
            print(f"server up (index built) in {time.perf_counter() - began:.1f} s", flush=True)
            for prefix in ("oai_dc", "dcterms", "marcxml")[:1 if args.oai_dc_only else 3]:
                cpu, began = cpu_seconds(server.pid), time.perf_counter()
                latencies, count = harvest(base, prefix)
                elapsed, cpu = time.perf_counter() - began, cpu_seconds(server.pid) - cpu
                assert count == args.records, count
                ms = sorted(x * 1000 for x in latencies)
                p95 = ms[int(len(ms) * 0.95) - 1]
                print(f"plain HTTP, {prefix}: {count} records in {len(ms)} pages, {elapsed:.1f} s; page latency "
                      f"median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, worst {ms[-1]:.1f} ms; "
                      f"server CPU {cpu / len(ms) * 1000:.1f} ms a page", flush=True)
                if prefix == "oai_dc":
                    total = elapsed
            if not args.no_sickle:
                began = time.perf_counter()
                count = sickle_harvest(base)
                assert count == args.records, count
                print(f"Sickle: {count} records in {time.perf_counter() - began:.1f} s", flush=True)
            results: list[float] = []
            began = time.perf_counter()
            threads = [threading.Thread(target=lambda: results.append(sum(harvest(base)[0])))
                       for _ in range(args.harvesters)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - began
            print(f"{args.harvesters} harvesters at once: {args.harvesters * args.records} records in {wall:.1f} s "
                  f"(one harvest alone: {total:.1f} s; {args.harvesters * total / wall:.2f}x the work per second)",
                  flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

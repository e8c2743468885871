"""How fast ``archivist serve`` answers harvesters: ListRecords page latency, server CPU per page, and how the
work per second grows with concurrent harvesters, with one worker process and with several.

    python benchmarks/harvest.py --records 50000 --workdir /dev/shm --no-sickle

Builds N records from the seed (ids, titles and datestamps varied; one JSON file each, in folders of 1,000) and,
for each ``--workers`` count (default 1 and 2), starts ``archivist serve`` on them as a user would (the index
is built by the first start and checked by the next) and reports: the start-up time; with worker processes,
when every payload was made ahead; for each format a full harvest over one kept-alive HTTP connection as the
server first answers it (``first``: payloads made on demand with one process) and once more (``again``: kept
payloads), with the latency of each ListRecords page (median, 95th percentile, worst) and the server's CPU
time per page (which other load on the machine does not inflate); then ``--harvesters`` full harvests at once
against one alone (work per second). Every figure has the load average beside it: on a shared machine it says
how much of a latency is queueing for the CPU.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
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
    machine. A child that ended and was reaped counts in its parent's (cutime, cstime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    own = sum(int(fields[n]) for n in (11, 12, 13, 14)) / os.sysconf("SC_CLK_TCK")
    return own + sum(map(cpu_seconds, children))


def load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def sickle_harvest(base: str) -> int:
    from sickle import Sickle

    return sum(1 for _ in Sickle(base, timeout=60).ListRecords(metadataPrefix="oai_dc", ignore_deleted=True))


def summary(latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    return (f"median {statistics.median(ms):.1f} ms, p95 {ms[max(0, int(len(ms) * 0.95) - 1)]:.1f} ms, "
            f"worst {ms[-1]:.1f} ms")


class Server:
    """``archivist serve`` on a folder, its base URL, and its log lines but the request log (read as they come)."""

    def __init__(self, folder: Path, index: Path, page_size: int, workers: int) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "archivist", "serve", str(folder), "--port", "0",
                                         "--page-size", str(page_size), "--repository-id", "bench.example.org",
                                         "--admin-email", "bench@example.org", "--workers", str(workers),
                                         "--index", str(index)], stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.ended = False
        threading.Thread(target=self._read, daemon=True).start()  # never let the server block on a full pipe
        self.started = self.wait("OAI-PMH at ", 3600)
        self.base = self.started.split("OAI-PMH at ")[1].split()[0]

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            if " GET " not in line:
                self.lines.append(line)
        self.ended = True

    def wait(self, text: str, timeout: float) -> str:
        """The first log line holding ``text``, waiting for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if text in line:
                    return line
            if self.ended:
                raise SystemExit("the server ended:\n" + "".join(self.lines[-20:]))
            time.sleep(0.05)
        raise TimeoutError(f"no {text!r} from the server in {timeout} s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def harvester(base: str, prefix: str) -> tuple[list[float], int, float]:
    """A full harvest and the CPU time the harvester itself spent (its process's)."""
    cpu = time.process_time()
    latencies, count = harvest(base, prefix)
    return latencies, count, time.process_time() - cpu


def measure(server: Server, prefix: str, records: int, label: str) -> float:
    """One full harvest (the harvester in a process of its own); prints latency and CPU a page; returns its wall
    time."""
    cpu, began = cpu_seconds(server.process.pid), time.perf_counter()
    with multiprocessing.get_context("fork").Pool(1) as pool:
        latencies, count, client = pool.apply(harvester, (server.base, prefix))
    elapsed, cpu = time.perf_counter() - began, cpu_seconds(server.process.pid) - cpu
    assert count == records, count
    pages = len(latencies)
    print(f"  {prefix:8} {label:6}: {pages} pages in {elapsed:.1f} s; page {summary(latencies)}; CPU a page: "
          f"server {cpu / pages * 1000:.1f} ms, harvester {client / pages * 1000:.1f} ms ({load()})", flush=True)
    return elapsed


def concurrent(server: Server, prefix: str, harvesters: int, alone: float) -> None:
    """``harvesters`` full harvests at once (a process each) against one alone (``alone`` seconds), and how many
    cores' worth of CPU the server got meanwhile."""
    cpu, began = cpu_seconds(server.process.pid), time.perf_counter()
    with multiprocessing.get_context("fork").Pool(harvesters) as pool:
        done = pool.starmap(harvester, [(server.base, prefix)] * harvesters)
    wall, cpu = time.perf_counter() - began, cpu_seconds(server.process.pid) - cpu
    latencies = [x for d in done for x in d[0]]
    client = sum(d[2] for d in done)
    print(f"  {prefix:8} {harvesters} harvesters at once: {wall:.1f} s (one alone {alone:.1f} s): "
          f"{harvesters * alone / wall:.2f}x the work per second; page {summary(latencies)}; CPU a page: server "
          f"{cpu / len(latencies) * 1000:.1f} ms, harvesters {client / len(latencies) * 1000:.1f} ms; the server "
          f"used {cpu / wall:.2f} cores ({load()})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--harvesters", type=int, default=4, help="concurrent harvesters")
    parser.add_argument("--workdir", default=None, help="where records and the index go (default: a temp dir)")
    parser.add_argument("--no-sickle", action="store_true")
    parser.add_argument("--formats", default="oai_dc,dcterms,marcxml")
    parser.add_argument("--concurrent-formats", default="oai_dc,marcxml", help="formats harvested concurrently")
    parser.add_argument("--ahead-timeout", type=float, default=1800,
                        help="seconds to wait for the payloads made ahead (with worker processes)")
    parser.add_argument("--workers", default="1,2", help="the server's --workers, one run each (0: one per core)")
    args = parser.parse_args()
    formats = args.formats.split(",")
    work = Path(tempfile.mkdtemp(prefix="archivist-harvest-", dir=args.workdir))
    print(f"{os.cpu_count()} CPUs; {load()}", flush=True)
    try:
        folder = work / "records"
        began = time.perf_counter()
        build(folder, args.records)
        print(f"built {args.records} records in {time.perf_counter() - began:.1f} s", flush=True)
        for workers in map(int, args.workers.split(",")):
            began = time.perf_counter()
            server = Server(folder, work / "index.sqlite", args.page_size, workers)
            try:
                print(f"--workers {workers}: server up in {time.perf_counter() - began:.1f} s ({load()})", flush=True)
                if " processes)" in server.started:
                    try:
                        done = server.wait("payloads of ", args.ahead_timeout).strip()
                    except TimeoutError:
                        done = f"payloads not all made ahead in {args.ahead_timeout:.0f} s; harvesting anyway"
                    print(f"  {done} ({time.perf_counter() - began:.1f} s after start; {load()})", flush=True)
                alone = {}
                for prefix in formats:
                    measure(server, prefix, args.records, "first")
                for prefix in formats:
                    alone[prefix] = measure(server, prefix, args.records, "again")
                for prefix in args.concurrent_formats.split(","):
                    concurrent(server, prefix, args.harvesters, alone[prefix])
                if not args.no_sickle:
                    began = time.perf_counter()
                    count = sickle_harvest(server.base)
                    assert count == args.records, count
                    print(f"  Sickle: {count} records in {time.perf_counter() - began:.1f} s", flush=True)
            finally:
                server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""``archivist serve --workers 2`` over loopback: both worker processes answer, every page is the static build's
bytes whichever answers, the server's search gives the same answer from both, and a record added while serving is
served by both (they read the catalog, not a copy)."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from archivist.site import SiteSettings, build_site
from tests.conftest import RECORDS
from tests.site.conftest import DATA, IDS, fetch, free_port

pytestmark = pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="worker processes need fork")
NAME = "Workers archive"


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def holder(workers: list[int], port: int, client: int) -> int | None:
    """The worker process holding the server's end of the loopback connection from local port ``client``."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == port and int(fields[2].rsplit(":", 1)[1], 16) == client:
            inodes.add(f"socket:[{fields[9]}]")
    for pid in workers:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) in inodes:
                    return pid
            except OSError:
                continue
    return None


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts the workers' CPU time in /proc")
def test_two_workers_serve_the_static_sites_bytes(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(RECORDS, records, ignore=shutil.ignore_patterns(".archivist*"))
    for path in sorted(DATA.glob("*.json")):
        shutil.copy(path, records / path.name)
    port = free_port()
    root = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen([sys.executable, "-m", "archivist", "serve", str(records), "--port", str(port),
                               "--workers", "2", "--name", NAME, "--site-url", root, "-q",
                               "--index", str(tmp_path / "index.sqlite")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(root)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.communicate(timeout=5)
                time.sleep(0.1)
        # the server's other child, at nice 19, makes payloads ahead and ends: not a worker
        workers = [pid for pid in children(server.pid) if niceness(pid) == 0]
        assert len(workers) == 2
        settings = SiteSettings(name=NAME, base_url=root, oai_url=f"{root}oai")
        site = tmp_path / "site"
        build_site([records], site, settings)
        routes = ["", "subjects/", "languages/", "sitemap.xml", "robots.txt", "style.css",
                  *[f"records/{i}/" for i in IDS], *[f"records/{i}/linkset.json" for i in IDS],
                  *[f"records/{i}/{i}.ris" for i in IDS]]
        expected = {route: (site / (route + "index.html" if route.endswith("/") or not route else route))
                    .read_bytes() for route in routes}
        searches = ["search?q=museum", "search?q=%E6%9D%B1%E4%BA%AC", "search?q=peru&language=en", "search?q=nothing"]
        before = [cpu_ticks(pid) for pid in workers]
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda route: (route, fetch(root + route)), (routes + searches) * 12))
        for route, (status, _, body) in answers:
            if route in searches:  # the server's own: the same answer from each worker, every time
                expected.setdefault(route, body)
                assert b'<ol class="items">' in body or route.endswith("nothing"), route
            assert status == 200 and body == expected[route], route
        assert all(cpu_ticks(pid) > ticks for pid, ticks in zip(workers, before, strict=True)), \
            "both workers answered"
        # Connections held open at once land on different workers (each takes a connection only while it holds
        # no more than the other): each route asked again on each connection gives the same bytes on both.
        connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(4)]
        by_worker: dict[int, dict[str, tuple[int, bytes]]] = {}
        try:
            for connection in connections:
                connection.request("GET", "/")
                connection.getresponse().read()
            for connection in connections:
                pid = holder(workers, port, connection.sock.getsockname()[1])
                assert pid is not None
                seen = by_worker.setdefault(pid, {})
                for route in routes + searches:
                    connection.request("GET", "/" + route)
                    answer = connection.getresponse()
                    got = (answer.status, answer.read())
                    assert seen.setdefault(route, got) == got == (200, expected[route]), route
        finally:
            for connection in connections:
                connection.close()
        assert sorted(by_worker) == sorted(workers), "each worker answered every route"
        added = json.loads((records / "mrta-globalsecurity.json").read_text("utf-8"))
        added.update(id="added-later", title="Added while serving")
        (records / "added-later.json").write_text(json.dumps(added), "utf-8")
        deadline = time.monotonic() + 60
        while fetch(root + "records/added-later/")[0] != 200:
            assert time.monotonic() < deadline, "the added record was never served"
            time.sleep(0.2)
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda _: fetch(root + "records/added-later/")[0], range(40)))
        assert statuses == [200] * 40  # by both workers, not only the one that noticed
        assert "Added while serving" in fetch(root + "search?q=added")[2].decode()
    finally:
        server.terminate()
        server.wait(20)

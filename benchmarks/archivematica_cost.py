"""What the ``archivematica`` package adds to a batch: CPU time per record and peak RSS, with and without it.

    python benchmarks/archivematica_cost.py --sizes 1000,10000 --repeat 3 --workdir /dev/shm

Builds N records from the seed (ids and titles varied; the seed's original kept beside the first), then runs
``archivist export`` in its own process, one job, for the benchmark's pipeline (oai_dc, dcterms, jsonld, epub)
alone, with ``archivematica``, and with ``bagit`` (the other package that copies every record), the three
alternately ``--repeat`` times, and prints the least CPU time per record (user + system of the process, from
``os.wait4``) and the peak RSS of each. CPU time is the figure to compare on a shared machine. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "records" / "mrta-globalsecurity.json"
ANCHOR = "oai_dc,dcterms,jsonld,epub"
RUNS = {"anchor": ANCHOR, "+ archivematica": f"{ANCHOR},archivematica", "+ bagit": f"{ANCHOR},bagit"}


def build(folder: Path, count: int) -> None:
    """``count`` records: the seed with its original, then copies of it without one."""
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    shutil.copytree(ROOT / "records" / "originals", folder / "originals")
    (folder / "seed.json").write_text(json.dumps(seed, ensure_ascii=False), encoding="utf-8")
    with open(folder / "more.jsonl", "w", encoding="utf-8") as handle:
        for n in range(count - 1):
            record = dict(seed, id=f"r{n:07d}", title=f"{seed['title']} {n}", files=[])
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def measure(records: Path, out: Path, to: str) -> tuple[float, float]:
    """CPU seconds (user + system) and peak RSS in MB of one export."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "archivist", "export", str(records), "--to", to, "--jobs", "1", "-q",
               "--out", str(out)]
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"error: {' '.join(command)} exited {process.returncode}")
    shutil.rmtree(out, ignore_errors=True)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated record counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each pipeline, alternately")
    parser.add_argument("--workdir", help="folder for the records and the outputs (default: the system's temp)")
    args = parser.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(dir=args.workdir) as work:
            records = Path(work) / "records"
            build(records, size)
            best: dict[str, tuple[float, float]] = {}
            for _ in range(args.repeat):
                for name, to in RUNS.items():
                    cpu, rss = measure(records, Path(work) / "out", to)
                    old = best.get(name, (float("inf"), 0.0))
                    best[name] = (min(old[0], cpu), max(old[1], rss))
            anchor = best["anchor"][0]
            for name, (cpu, rss) in best.items():
                print(f"{size:>7} records  {name:<16} {cpu / size * 1000:7.3f} ms CPU/record  "
                      f"({(cpu / anchor - 1) * 100:+5.1f} %)  peak RSS {rss:6.1f} MB")
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()

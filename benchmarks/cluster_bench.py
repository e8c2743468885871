"""Throughput and peak memory of the batch export on one machine (--jobs 1, 2) and on a Dask LocalCluster
(--cluster local:1, local:2), on the same records.

    python benchmarks/cluster_bench.py --sizes 10000,100000 --workdir /dev/shm
    python benchmarks/cluster_bench.py --sizes 10000 --configs jobs:2,local:2 --to all,oai-static,dspace-saf,bagit

Builds N records from the seed record (as bench.py does), then runs each configuration in its own process, so
that peak RSS is that run's alone: the client (this process for --jobs, the Dask client for --cluster) and the
largest worker process, and the client's CPU time per record (for --cluster, what bounds the rate a
cluster of any size can reach). The formats are bench.py's full pipeline (oai_dc, dcterms, jsonld, epub),
written to disk, unless ``--to`` names others (packages too: then the client's share of the work grows).
The cluster figures include starting the LocalCluster (a few seconds). Prints a table and the ratios issue #15
targets: local:2 >= 1.7x local:1, and the cluster >= 85 % of the local engine with the same number of cores.
Nothing here is a test: the figures vary by machine and by what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import build

FORMATS = ["oai_dc", "dcterms", "jsonld", "epub"]
CONFIGS = ["jobs:1", "jobs:2", "local:1", "local:2"]


def child(config: str, src: Path, out: Path, to: str) -> None:
    """Run one configuration and print its figures as JSON (in a process of its own)."""
    from archivist.batch import BatchOptions, run_batch, split_formats

    kind, count = config.split(":")
    formats, packages = split_formats(to)
    options = BatchOptions(formats=formats, packages=packages, jobs=int(count)) if kind == "jobs" else \
        BatchOptions(formats=formats, packages=packages, cluster=config)
    start = time.perf_counter()
    report = run_batch([src], out, options)
    seconds = time.perf_counter() - start
    assert report.failed == 0, report
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"records": report.exported, "seconds": seconds, "client_mb": usage.ru_maxrss / 1024,
                      "client_cpu_us": (usage.ru_utime + usage.ru_stime) / report.exported * 1e6,
                      "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))


def measure(config: str, src: Path, work: Path, to: str) -> dict[str, float]:
    out = work / f"out-{config.replace(':', '')}"
    shutil.rmtree(out, ignore_errors=True)
    result = subprocess.run([sys.executable, __file__, "--child", config, str(src), str(out), to],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{config} failed:\n{result.stderr[-2000:]}")
    shutil.rmtree(out, ignore_errors=True)
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--workdir", default=None, help="where records and outputs go (e.g. /dev/shm)")
    parser.add_argument("--to", default=",".join(FORMATS), help="formats and packages, as archivist export --to")
    parser.add_argument("--child", nargs=4, metavar=("CONFIG", "SRC", "OUT", "TO"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]), args.child[3])
        return
    print(f"{os.cpu_count()} cores; --to {args.to}")
    print(f"{'records':>8} {'config':>8} {'seconds':>8} {'records/s':>10} {'client MB':>10} {'worker MB':>10} "
          f"{'client CPU µs/record':>21}")
    with tempfile.TemporaryDirectory(prefix="archivist-cluster-bench-", dir=args.workdir) as tmp:
        work = Path(tmp)
        for size in (int(s) for s in args.sizes.split(",")):
            src = work / f"records-{size}.jsonl"
            build(src, size)
            rates = {}
            for config in args.configs.split(","):
                figures = measure(config, src, work, args.to)
                rates[config] = figures["records"] / figures["seconds"]
                print(f"{size:>8} {config:>8} {figures['seconds']:>8.1f} {rates[config]:>10.0f} "
                      f"{figures['client_mb']:>10.0f} {figures['worker_mb']:>10.0f} {figures['client_cpu_us']:>21.0f}",
                      flush=True)
            if {"local:1", "local:2"} <= rates.keys():
                print(f"{size:>8} local:2 / local:1 = {rates['local:2'] / rates['local:1']:.2f} (target >= 1.7)")
            for cores in ("1", "2"):
                if {f"local:{cores}", f"jobs:{cores}"} <= rates.keys():
                    share = rates[f"local:{cores}"] / rates[f"jobs:{cores}"]
                    print(f"{size:>8} local:{cores} / jobs:{cores} = {share:.0%} (target >= 85 %)")


if __name__ == "__main__":
    main()

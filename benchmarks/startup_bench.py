"""Start-up time of the ``archivist`` command: the median wall time of a few short commands over N runs.

    python benchmarks/startup_bench.py --runs 20

Each command runs in a new process, as a shell loop or a test calling ``archivist`` runs it: ``archivist --help``,
``archivist export --help`` and ``archivist validate`` on the seed record. Prints, in seconds, the median wall time,
the fastest and slowest run, and the median CPU time (user + system) of each: on a busy machine the wall times swing
and the CPU times much less. Nothing here is a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "records" / "mrta-globalsecurity.json"


def program() -> list[str]:
    """The installed console script beside this Python (what users run), else ``python -m archivist``."""
    script = Path(sys.executable).with_name("archivist")
    found = str(script) if script.exists() else shutil.which("archivist")
    return [found] if found else [sys.executable, "-m", "archivist"]


def _cpu() -> float:
    """CPU seconds (user + system) used so far by the finished children of this process."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timings(argv: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU time of ``runs`` runs of ``argv``, each in a new process; a failed run stops the benchmark."""
    wall, cpu = [], []
    for _ in range(runs):
        start, used = time.perf_counter(), _cpu()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        wall.append(time.perf_counter() - start)
        cpu.append(_cpu() - used)
        if done.returncode != 0:
            sys.exit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode(errors='replace').strip()}")
    return wall, cpu


def main() -> None:
    """Time each command and print a table of median, fastest and slowest wall times and the median CPU time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each command (default 20)")
    args = parser.parse_args()
    base = program()
    commands = {
        "archivist --help": ["--help"],
        "archivist export --help": ["export", "--help"],
        "archivist validate RECORD": ["validate", "-q", os.fspath(SEED)],
    }
    print(f"{'command':<28} {'median s':>9} {'min s':>7} {'max s':>7} {'CPU s':>7}  ({args.runs} runs each)")
    for label, argv in commands.items():
        wall, cpu = timings([*base, *argv], args.runs)
        print(f"{label:<28} {statistics.median(wall):>9.3f} {min(wall):>7.3f} {max(wall):>7.3f} "
              f"{statistics.median(cpu):>7.3f}")


if __name__ == "__main__":
    main()

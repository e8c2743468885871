"""Start-up time of the ``archivist`` command: the median wall time of a few short commands over N runs.

    python benchmarks/startup_bench.py --runs 20

Each command runs in a new process, as a shell loop or a test calling ``archivist`` runs it: ``archivist --help``,
``archivist export --help`` and ``archivist validate`` on the seed record. Prints the median, fastest and slowest
run of each, in seconds. Nothing here is a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
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


def timings(argv: list[str], runs: int) -> list[float]:
    """Wall time of ``runs`` runs of ``argv``, each in a new process; a failed run stops the benchmark."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        seconds.append(time.perf_counter() - start)
        if done.returncode != 0:
            sys.exit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode(errors='replace').strip()}")
    return seconds


def main() -> None:
    """Time each command and print a table of median, fastest and slowest runs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each command (default 20)")
    args = parser.parse_args()
    base = program()
    commands = {
        "archivist --help": ["--help"],
        "archivist export --help": ["export", "--help"],
        "archivist validate RECORD": ["validate", "-q", os.fspath(SEED)],
    }
    print(f"{'command':<28} {'median s':>9} {'min s':>7} {'max s':>7}  ({args.runs} runs each)")
    for label, argv in commands.items():
        seconds = timings([*base, *argv], args.runs)
        print(f"{label:<28} {statistics.median(seconds):>9.3f} {min(seconds):>7.3f} {max(seconds):>7.3f}")


if __name__ == "__main__":
    main()

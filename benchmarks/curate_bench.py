"""Speed and memory of the spreadsheet round trip: ``metadata export`` of N records, then ``metadata import`` of
the same sheet with 1 % of its rows edited (and of the untouched sheet), each run as a user runs it.

    python benchmarks/curate_bench.py --records 10000,100000 --workdir /dev/shm

N records are made from the seed (one ``<id>.json`` each, as ingest writes them). Each command runs in a new
process; the script prints its wall time, its CPU time (user + system: on a busy machine the wall time swings and
the CPU time much less) and its peak RSS, read from the kernel's accounting of that process alone. The import
must be at least as fast as the export, and memory must stay flat from one size to the next. Nothing here is a
test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "records" / "mrta-globalsecurity.json"


def program() -> list[str]:
    """The installed console script beside this Python (what users run), else ``python -m archivist``."""
    script = Path(sys.executable).with_name("archivist")
    return [str(script)] if script.exists() else [sys.executable, "-m", "archivist"]


def make_records(folder: Path, count: int) -> None:
    """``count`` records of the seed, ``rec-0000001.json``…, each with its own id and title."""
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    seed.pop("files", None)
    folder.mkdir(parents=True)
    for n in range(count):
        record = copy.deepcopy(seed)
        record["id"] = f"rec-{n:07d}"
        record["title"] = f"{seed['title']} ({n})"
        (folder / f"{record['id']}.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n",
                                                     encoding="utf-8")


def edit_sheet(sheet: Path, edited: Path, every: int) -> int:
    """A copy of ``sheet`` with the title of every ``every``-th row changed, written row by row (this process must
    stay small: a child's peak RSS counts the parent's memory it was forked from); returns how many changed."""
    changed = 0
    with open(sheet, encoding="utf-8-sig", newline="") as source, \
            open(edited, "w", encoding="utf-8-sig", newline="") as target:
        rows = csv.reader(source)
        writer = csv.writer(target, lineterminator="\r\n")
        header = next(rows)
        writer.writerow(header)
        title = header.index("title")
        for number, row in enumerate(rows):
            if number % every == 0:
                row[title] += ", revised"
                changed += 1
            writer.writerow(row)
    return changed


def run(argv: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one command, in a process of its own."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed: {stderr.strip()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", default="10000,100000", help="comma-separated sizes (default 10000,100000)")
    parser.add_argument("--every", type=int, default=100, help="edit one row in this many (default 100: 1 %%)")
    parser.add_argument("--workdir", help="folder for the records (default: the system's temporary folder)")
    args = parser.parse_args()
    base = program()
    print(f"{'records':>8} {'command':<28} {'wall s':>8} {'CPU s':>8} {'rows/s (CPU)':>13} {'peak RSS MB':>12}")
    for count in (int(n) for n in args.records.split(",")):
        work = Path(tempfile.mkdtemp(prefix="curate-bench-", dir=args.workdir))
        try:
            folder, sheet, edited = work / "records", work / "sheet.csv", work / "edited.csv"
            make_records(folder, count)
            measures = {"metadata export": run([*base, "metadata", "export", str(folder), "--out", str(sheet)])}
            changed = edit_sheet(sheet, edited, args.every)
            measures["metadata import (untouched)"] = run([*base, "metadata", "import", str(sheet), str(folder)])
            measures[f"metadata import ({changed} edited)"] = run([*base, "metadata", "import", str(edited),
                                                                    str(folder)])
            history = sum(1 for _ in (folder / ".archivist-history").iterdir())
            assert history == changed, (history, changed)
            own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            assert own < 100, f"this script grew to {own:.0f} MB: the children's peak RSS would count it"
            for name, (wall, cpu, rss) in measures.items():
                print(f"{count:>8} {name:<28} {wall:>8.1f} {cpu:>8.1f} {count / cpu:>13,.0f} {rss:>12.1f}")
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""A large batch with a few bad records, killed with SIGKILL midway and resumed: a check at scale, run by hand.

    python benchmarks/resume_at_scale.py --records 100000 --jobs 2 --workdir /dev/shm
    python benchmarks/resume_at_scale.py --records 5000 --to all,oai-static,dspace-saf,bagit

1. Builds N records from the seed with bad records of seven kinds at known lines.
2. Runs ``archivist export`` on them once, uninterrupted (the reference run).
3. Runs it again into a new folder, kills its main process with SIGKILL halfway through (as ``kill -9 PID``
   does: the workers are not signalled), then re-runs it with ``--resume``.

It checks that:
- both runs exit 1 and their ``--errors`` reports name exactly the bad lines;
- no worker process outlives the killed main process;
- the resumed output, journal and package files included, is byte-identical to the reference;
- no partial files remain, and the journal has one line per good record (a finished bag keeps no journal);
- the resumed run skipped the records finished before the kill.

It prints the timings and the peak memory of each run. The test suite does the same with 300 records
(``tests/test_batch.py``); this script is the same check at catalog scale.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "records" / "mrta-globalsecurity.json"
FORMATS = "oai_dc,dcterms,jsonld,epub"


def bad_lines(seed: dict, count: int) -> dict[int, str]:
    """Line number → the text of a bad record, spread over the batch, one of each kind."""
    def variant(n: int, **changes: object) -> str:
        record = dict(seed, id=f"bad{n}", **changes)
        return json.dumps({k: v for k, v in record.items() if v is not None}, ensure_ascii=False)

    kinds = [
        '{"id": "cut-short", "title": ',  # malformed JSON
        "[]",  # not an object
        variant(1, title=None),  # a required field missing
        variant(2, language="english please"),  # not a BCP 47 tag
        variant(3, retrieval=dict(seed["retrieval"], retrieved_at="2024-13-45T99:00:00Z")),  # impossible time
        variant(4, title="bell \u0007 character"),  # a control character in text
        json.dumps(dict(seed, id="r0000002"), ensure_ascii=False),  # a duplicate of an earlier id
    ]
    step = count // (len(kinds) + 1)
    return {step * (i + 1): text for i, text in enumerate(kinds)}


def build(path: Path, count: int) -> set[int]:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    bad = bad_lines(seed, count)
    with open(path, "w", encoding="utf-8") as handle:
        for line in range(1, count + 1):
            if line in bad:
                handle.write(bad[line] + "\n")
            else:
                handle.write(json.dumps(dict(seed, id=f"r{line:07d}", title=f"{seed['title']} {line}"),
                                        ensure_ascii=False) + "\n")
    return set(bad)


def command(src: Path, out: Path, errors: Path, jobs: int, to: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "archivist", "export", str(src), "--to", to, "--out", str(out),
            "--jobs", str(jobs), "--errors", str(errors), "--quiet", *extra]


def survivors(group: int) -> list[int]:
    """The live processes left in a process group (Linux: read from /proc; elsewhere: none known)."""
    found = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(entry))
    return found


# Each run goes through this small wrapper, which reports the peak RSS of the run's own process tree: measured
# from here, a child forked after this script has grown would be charged with this script's memory.
_WRAPPER = ("import resource, subprocess, sys\n"
            "code = subprocess.run(sys.argv[1:]).returncode\n"
            "print('peak-rss-kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
            "sys.exit(code)\n")


def run(args: list[str]) -> tuple[int, str, float, float]:
    """Exit code, output, seconds and peak RSS (MB, the largest process of the run) of one run."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _WRAPPER, *args], capture_output=True, text=True, check=False,
                            env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    seconds = time.perf_counter() - start
    lines = result.stderr.splitlines()
    rss = int(lines[-1].split()[1]) / 1024 if lines and lines[-1].startswith("peak-rss-kb") else float("nan")
    return result.returncode, result.stdout + "\n".join(lines[:-1]), seconds, rss


def manifest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def failed_lines(errors: Path) -> set[int]:
    return {json.loads(line)["line"] for line in errors.read_text(encoding="utf-8").splitlines()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--to", default=FORMATS, help=f"formats and packages (default {FORMATS})")
    parser.add_argument("--kill-at", type=float, default=0.5, help="fraction of the reference run's time")
    parser.add_argument("--workdir", help="where the records and outputs go (default: the system temporary folder)")
    args = parser.parse_args()
    if args.workdir and not os.path.isdir(args.workdir):
        parser.error(f"--workdir {args.workdir}: no such folder")
    work = Path(tempfile.mkdtemp(prefix="resume-at-scale-", dir=args.workdir))
    problems: list[str] = []

    def check(ok: bool, what: str) -> None:
        print(("ok    " if ok else "FAIL  ") + what, flush=True)
        if not ok:
            problems.append(what)

    try:
        src = work / "records.jsonl"
        bad = build(src, args.records)
        print(f"{args.records:,} records, bad ones at lines {sorted(bad)}", flush=True)

        reference = command(src, work / "reference", work / "reference-errors.jsonl", args.jobs, args.to)
        code, output, seconds, rss = run(reference)
        print(f"reference run: {seconds:.1f} s ({args.records / seconds:,.0f} rec/s), peak RSS {rss:.1f} MB")
        print("   " + " ".join(output.split()))
        check(code == 1, f"reference run exits 1 (got {code})")
        check(failed_lines(work / "reference-errors.jsonl") == bad, "reference errors name exactly the bad lines")
        expected = manifest(work / "reference")
        shutil.rmtree(work / "reference")

        out, errors = work / "resumed", work / "resumed-errors.jsonl"
        process = subprocess.Popen(command(src, out, errors, args.jobs, args.to), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True,
                                   env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
        time.sleep(seconds * args.kill_at)
        check(process.poll() is None, "the batch is still running when it is killed")
        os.kill(process.pid, signal.SIGKILL)  # the main process alone: its workers must die with it
        process.wait()
        deadline = time.monotonic() + 10
        while survivors(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        check(not survivors(process.pid), "no worker outlives the killed main process")
        journal = out / ".archivist-journal.jsonl"
        done = journal.read_bytes().count(b"\n") if journal.exists() else 0
        print(f"killed with SIGKILL after {seconds * args.kill_at:.1f} s: {done:,} records in the journal")

        code, output, seconds, rss = run(command(src, out, errors, args.jobs, args.to, "--resume"))
        print(f"resumed run: {seconds:.1f} s, peak RSS {rss:.1f} MB")
        print("   " + " ".join(output.split()))
        check(code == 1, f"resumed run exits 1 (got {code})")
        check(failed_lines(errors) == bad, "resumed errors name exactly the bad lines")
        summary = " ".join(output.split())
        current = int(summary.split(" already current")[0].rsplit(" ", 1)[-1]) if "already current" in summary else 0
        check(current >= done > 0, f"{current:,} records skipped as already current (journal had {done:,})")
        check(not [p for p in out.rglob("*") if p.name.endswith(".part")], "no partial files left")
        if "bagit" in args.to:
            check(not journal.exists(), "the finished bag keeps no journal")
        else:
            ids = [json.loads(line)["id"] for line in journal.read_text(encoding="utf-8").splitlines()]
            check(len(ids) == len(set(ids)) == args.records - len(bad),
                  f"journal: {len(ids):,} lines, one per good record")
        got = manifest(out)
        check(got == expected, f"resumed output identical to the reference ({len(got):,} files)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("all checks passed" if not problems else f"{len(problems)} check(s) failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

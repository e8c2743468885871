"""Throughput and peak memory of archivist against the tools a user would pick instead, on the same records.

    python benchmarks/bench.py --sizes 1000,10000,100000

Builds N records from the seed record (ids and titles varied), then runs each measurement in its own process
so that peak RSS is that measurement's alone: archivist's full pipeline (validate + oai_dc + dcterms + jsonld +
epub, written to disk) with 1 and 2 jobs, the same with the preservation formats (+ mods + datacite + mets, in the
order the command line runs them), each archivist exporter alone, EbookLib (EPUB), dcxml (DC XML),
rdflib (JSON-LD), a reused jsonschema validator alone, and pandoc (one process per document) on a sample.
Prints a table with records/s, CPU time per record (this process and its children: the figure to compare on a
shared machine) and peak RSS, and the ratios the project targets. ``--repeat R`` runs the full pipeline with and
without the preservation formats R times, alternately, and keeps each one's least CPU per record. ``--bursts B``
instead measures only the per-record work (validate, export, write, hash) in this process, in B bursts of 100 records
with and without the preservation formats alternately, and keeps each one's least: the figure that other work on a
shared machine disturbs least.
Nothing here is a test: the figures vary by machine.
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

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "records" / "mrta-globalsecurity.json"


def build(path: Path, count: int) -> None:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    with open(path, "w", encoding="utf-8") as handle:
        for n in range(count):
            record = dict(seed, id=f"r{n:07d}", title=f"{seed['title']} {n}")
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def records(path: Path):
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


# Each runner processes the records in ``src`` into ``out`` and returns how many it handled.

def run_archivist(src: Path, out: Path, formats: str, jobs: str) -> int:
    from archivist.batch import BatchOptions, run_batch, split_formats

    # As `archivist export --to` does: METS goes after the formats it lists.
    report = run_batch([src], out, BatchOptions(formats=split_formats(formats)[0], jobs=int(jobs)))
    assert report.failed == 0, report
    return report.exported


def run_ebooklib(src: Path, out: Path) -> int:
    from ebooklib import epub

    count = 0
    for record in records(src):
        book = epub.EpubBook()
        book.set_identifier(record["id"])
        book.set_title(record["title"])
        book.set_language(record["language"])
        chapters = []
        for n, section in enumerate(record["content"]["sections"]):
            chapter = epub.EpubHtml(title=section["heading"] or f"Section {n + 1}", file_name=f"s{n}.xhtml",
                                    lang=record["language"])
            body = "".join(f"<p>{p}</p>" for p in section["paragraphs"])
            chapter.content = f"<h1>{section['heading'] or ''}</h1>{body}"
            book.add_item(chapter)
            chapters.append(chapter)
        book.toc = chapters
        book.spine = ["nav", *chapters]
        book.add_item(epub.EpubNcx())
        book.add_item(epub.EpubNav())
        epub.write_epub(str(out / f"{record['id']}.epub"), book)
        count += 1
    return count


def run_dcxml(src: Path, out: Path) -> int:
    from dcxml import simpledc

    count = 0
    for record in records(src):
        data = {"titles": [record["title"]], "subjects": [s["term"] for s in record.get("subjects", [])],
                "descriptions": [record.get("description", "")], "publishers": [record["source"].get("publisher", "")],
                "languages": [record["language"]], "identifiers": [record["source"]["url"]], "types": [record["type"]]}
        xml = simpledc.tostring(data)
        (out / f"{record['id']}.xml").write_bytes(xml.encode("utf-8") if isinstance(xml, str) else xml)
        count += 1
    return count


def run_rdflib(src: Path, out: Path) -> int:
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS

    schema = Namespace("https://schema.org/")
    count = 0
    for record in records(src):
        graph = Graph()
        node = URIRef(f"urn:x-archivist:record:{record['id']}")
        graph.add((node, DCTERMS.title, Literal(record["title"], lang=record["language"])))
        graph.add((node, DCTERMS.source, URIRef(record["source"]["url"])))
        for subject in record.get("subjects", []):
            graph.add((node, DCTERMS.subject, Literal(subject["term"])))
        for section in record["content"]["sections"]:
            for paragraph in section["paragraphs"]:
                graph.add((node, schema.text, Literal(paragraph)))
        (out / f"{record['id']}.jsonld").write_text(graph.serialize(format="json-ld"), encoding="utf-8")
        count += 1
    return count


def run_jsonschema(src: Path, out: Path) -> int:
    import jsonschema

    from archivist.records import record_schema

    # As jsonschema's documentation recommends for many instances: build the validator once and reuse it
    # (``jsonschema.validate()`` checks the schema and builds a new validator on every call).
    schema = record_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    count = 0
    for record in records(src):
        validator.validate(record)
        count += 1
    return count


def run_pandoc(src: Path, out: Path, sample: str) -> int:
    count = 0
    for record in records(src):
        if count >= int(sample):
            break
        text = f"% {record['title']}\n\n" + "\n\n".join(
            (f"# {s['heading']}\n\n" if s["heading"] else "") + "\n\n".join(s["paragraphs"])
            for s in record["content"]["sections"])
        subprocess.run(["pandoc", "-f", "markdown", "-o", str(out / f"{record['id']}.epub"),
                        f"--metadata=lang:{record['language']}"], input=text.encode(), check=True)
        count += 1
    return count


PRESERVATION = "mods,datacite,mets"  # the formats issue #23 adds to the pipeline
RUNNERS = {"archivist": run_archivist, "ebooklib": run_ebooklib, "dcxml": run_dcxml, "rdflib": run_rdflib,
           "jsonschema": run_jsonschema, "pandoc": run_pandoc}


def child(name: str, src: str, args: list[str]) -> None:
    out = Path(tempfile.mkdtemp(prefix="bench-out-", dir=Path(src).parent))
    try:
        start, cpu = time.perf_counter(), _cpu()
        count = RUNNERS[name](Path(src), out, *args)
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        # Read before the clean-up: rmtree lists a whole folder at once (400,000 entries at 100k records).
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        # Printed before the clean-up too: removing 700,000 files from a disk takes longer than writing them.
        print(json.dumps({"count": count, "seconds": seconds, "cpu": cpu, "rss_mb": max(peak, children) / 1024}),
              flush=True)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (a pool's workers, pandoc)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(name: str, src: Path, *args: str) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", name, str(src), *args], capture_output=True,
                            text=True, check=False, env={**os.environ, "PYTHONHASHSEED": "0"})
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed"}
    data = json.loads(result.stdout.strip().splitlines()[-1])
    data["rate"] = data["count"] / data["seconds"] if data["seconds"] else float("inf")
    return data


def bursts(count: int, workdir: str | None) -> None:
    """The least CPU per record of the per-record work, in ``count`` bursts of 100 records each way, alternately."""
    from archivist.batch._work import record_job
    from archivist.records import Entry

    seed = json.loads(SEED.read_text(encoding="utf-8"))
    full = ["oai_dc", "dcterms", "jsonld", "epub"]
    plans = {"full pipeline": full, f"full pipeline + {PRESERVATION}": [*full, *PRESERVATION.split(",")]}
    least = dict.fromkeys(plans, float("inf"))
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=workdir))
    try:
        made = 0
        for _ in range(count):
            for label, names in plans.items():
                entries = [Entry(str(work / "records.jsonl"), n + 1, dict(seed, id=f"r{made + n:07d}",
                                                                          title=f"{seed['title']} {made + n}"))
                           for n in range(100)]
                made += 100
                out = work / "out"
                start = time.process_time()
                for entry in entries:
                    result = record_job(entry, names, str(out), False, False)
                least[label] = min(least[label], (time.process_time() - start) / 100)
                assert result.status.name == "EXPORTED", result
                shutil.rmtree(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    without, with_preservation = least.values()
    for label, seconds in least.items():
        print(f"{label:<40} {seconds * 1000:.3f} ms CPU/rec (least of {count} bursts of 100)")
    print(f"+ {PRESERVATION}: {(with_preservation / without - 1) * 100:+.1f} % (per-record work only; target at most "
          "+25 % for the whole pipeline)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated record counts")
    parser.add_argument("--pandoc-sample", default="20", help="documents given to pandoc (one process each)")
    parser.add_argument("--competitors-max", type=int, default=10_000,
                        help="largest N the single-format runs and the other tools are run on (rates are per record; "
                             "the full pipeline runs at every size)")
    parser.add_argument("--workdir", help="folder for the records and every tool's output (default: the system "
                        "temporary folder); a RAM disk such as /dev/shm measures the tools rather than the disk")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the full pipeline with and without the "
                        "preservation formats, alternately; each keeps its least CPU per record")
    parser.add_argument("--only-preservation", action="store_true", help="measure only archivist: the full "
                        "pipeline with and without the preservation formats, and each of those formats alone")
    parser.add_argument("--bursts", type=int, help="measure only the per-record work, in this many bursts of 100 "
                        "records with and without the preservation formats, alternately (see above)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.workdir and not os.path.isdir(args.workdir):
        parser.error(f"--workdir {args.workdir}: no such folder")
    if args.child:
        child(args.child[0], args.child[1], args.child[2:])
        return
    if args.bursts:
        bursts(args.bursts, args.workdir)
        return
    full = "oai_dc,dcterms,jsonld,epub"
    preserved = f"{full},{PRESERVATION}"
    rows: list[tuple[int, str, dict]] = []
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=args.workdir))
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            src = work / f"records-{size}.jsonl"
            build(src, size)
            plan = [("archivist full pipeline, 1 job", "archivist", full, "1"),
                    (f"archivist full pipeline + {PRESERVATION}, 1 job", "archivist", preserved, "1")]
            plan *= max(args.repeat, 1)
            if not args.only_preservation:
                plan.insert(1, ("archivist full pipeline, 2 jobs", "archivist", full, "2"))
            if size <= args.competitors_max:
                alone = PRESERVATION if args.only_preservation else preserved
                plan += [(f"archivist {f} alone", "archivist", f, "1") for f in alone.split(",")]
            if size <= args.competitors_max and not args.only_preservation:
                plan += [("EbookLib (EPUB)", "ebooklib"), ("dcxml (DC XML)", "dcxml"), ("rdflib (JSON-LD)", "rdflib"),
                         ("jsonschema validator alone", "jsonschema")]
                if shutil.which("pandoc"):
                    plan.append((f"pandoc, 1 process per document ({args.pandoc_sample} docs)", "pandoc",
                                 args.pandoc_sample))
            for label, name, *extra in plan:
                result = measure(name, src, *extra)
                rows.append((size, label, result))
                shown = (f"{result['rate']:>10,.0f} rec/s  {result['cpu'] / result['count'] * 1000:>7.3f} ms CPU/rec"
                         f"  {result['rss_mb']:>7.1f} MB peak" if "rate" in result else f"  error: {result['error']}")
                print(f"{size:>8,}  {label:<56} {shown}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(rows)


def report(rows: list[tuple[int, str, dict]]) -> None:
    def rate(size: int, label: str) -> float | None:
        for s, name, r in rows:
            if s == size and name.startswith(label) and "rate" in r:
                return r["rate"]
        return None

    def cpu(size: int, label: str) -> float | None:
        """The least CPU seconds per record of the runs of ``label`` at ``size``."""
        runs = [r["cpu"] / r["count"] for s, name, r in rows if s == size and name == label and "cpu" in r]
        return min(runs) if runs else None

    print("\nratios")
    for size in sorted({s for s, _, _ in rows}):
        one = rate(size, "archivist full pipeline, 1 job")
        for label, other, target in (("vs EbookLib EPUB only", "EbookLib", 1.5), ("vs pandoc", "pandoc", 50.0),
                                     ("2 jobs vs 1", "archivist full pipeline, 2 jobs", 1.8)):
            value = rate(size, other)
            if one and value:
                ratio = value / one if other.startswith("archivist full pipeline, 2") else one / value
                print(f"{size:>8,}  full pipeline {label:<24} {ratio:6.2f}x  (target {target}x)")
        without = cpu(size, "archivist full pipeline, 1 job")
        with_preservation = cpu(size, f"archivist full pipeline + {PRESERVATION}, 1 job")
        if without and with_preservation:
            print(f"{size:>8,}  + {PRESERVATION}: CPU per record {without * 1000:.3f} -> "
                  f"{with_preservation * 1000:.3f} ms ({(with_preservation / without - 1) * 100:+.1f} %; "
                  "target at most +25 %)")
    for label in ("archivist full pipeline, 1 job", f"archivist full pipeline + {PRESERVATION}, 1 job"):
        rss = {s: r["rss_mb"] for s, name, r in rows if name == label and "rss_mb" in r}
        if len(rss) > 1:
            low, high = rss[min(rss)], rss[max(rss)]
            print(f"peak RSS, {label.removeprefix('archivist ')}: {low:.1f} MB at {min(rss):,} -> {high:.1f} MB at "
                  f"{max(rss):,} ({(high / low - 1) * 100:+.1f} %; target within 15 % and under 150 MB)")


if __name__ == "__main__":
    main()

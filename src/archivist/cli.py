"""The ``archivist`` command line: parse arguments, call the library, print, and set the exit code."""

from __future__ import annotations

import json
import logging
import shlex
import signal
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from . import __version__
from . import exporters as registry
from ._errors import ArchivistError, SourceError, UnknownFormat
from ._report import Summary, validate_paths
from ._progress import progress_reporter
from .batch import (BatchInterrupted, BatchOptions, ExportOutcome, export_collection_file, run_batch, split_formats,
                    valid_records)
from . import ingest as lib
from ._atomic import write_atomic
from ._paths import check_outputs
from .ingest import ChromeRule, Facts
from .oaipmh import Repository, open_server
from .oaipmh.server import TIMEOUT_SECONDS
from .packages import PackageSettings
from .packages import available as available_packages
from .records import Problem, check_sources, schema_text

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    name="archivist",
    help="Validate archival records, ingest captured documents, and export records to archive formats.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _out() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    _err().print(f"[bold red]error:[/] {message}", markup=True)
    return typer.Exit(code)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"archivist {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Show the version and exit.")] = None,
) -> None:
    """Validate archival records, ingest captured documents, and export records to archive formats."""


@app.command()
def validate(
    paths: Annotated[list[str], typer.Argument(help="Record files (*.json, *.jsonl), directories, or - for stdin.")],
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="text for people, json for machines.")] = OutputFormat.text,
    check_files: Annotated[bool, typer.Option("--check-files/--no-check-files",
                                              help="Check that files listed in a record exist with their size and SHA-256.")] = True,
) -> None:
    """Validate records against the schema and report every error with its file, line and JSON Pointer.

    Exit 0 when all records are valid, 1 when any is invalid, 2 for usage or I/O errors.
    """
    summary = Summary()
    out = _out()
    as_json = output is OutputFormat.json
    try:
        if as_json:
            sys.stdout.write('{"errors": [')
        first = True
        for outcome in validate_paths(paths, check_files=check_files):
            summary.add(outcome)
            for problem in outcome.problems:
                if as_json:
                    sys.stdout.write(("\n  " if first else ",\n  ") + json.dumps(problem.to_dict(), ensure_ascii=False))
                    first = False
                else:
                    _print_problems(out, (problem,))
    except SourceError as exc:
        if as_json:
            sys.stdout.write('\n], "summary": ' + json.dumps({**summary.to_dict(), "fatal": str(exc)}) + "}\n")
        raise _fail(str(exc)) from None
    if as_json:
        sys.stdout.write('\n], "summary": ' + json.dumps(summary.to_dict()) + "}\n")
    else:
        style = "green" if not summary.invalid else "red"
        out.print(f"[{style}]{summary}[/]", markup=True)
    raise typer.Exit(EXIT_INVALID if summary.invalid else EXIT_OK)


def _print_problems(out: Console, problems: tuple[Problem, ...] | list[Problem]) -> None:
    for problem in problems:
        where = problem.where()
        out.print(f"[red]{where}:[/]{str(problem)[len(where) + 1:]}", markup=True)


def _exporters(to: str) -> list[registry.Exporter]:
    try:
        return registry.resolve(to)
    except UnknownFormat as exc:
        raise typer.BadParameter(str(exc), param_hint="--to") from None


@app.command()
def export(
    paths: Annotated[list[str], typer.Argument(help="Record files (*.json, *.jsonl), directories, or - for stdin.")],
    to: Annotated[str, typer.Option("--to", "-t", help="Comma-separated formats (oai_dc, dcterms, jsonld, epub, marcxml, or all) and packages (oai-static, dspace-saf, bagit).")] = "all",
    out: Annotated[str, typer.Option("--out", "-o", help="Output directory, or - to write one record's one format to stdout.")] = "exports",
    collection: Annotated[Optional[str], typer.Option("--collection", help="Write all records as one EPUB with this title.")] = None,
    check_files: Annotated[bool, typer.Option("--check-files/--no-check-files",
                                              help="Also check listed files' size and SHA-256 before exporting.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="Processes that validate and export: this one plus N-1 workers (0 = one per core). Output is the same for any number.")] = 1,
    resume: Annotated[bool, typer.Option("--resume", help="Skip records whose outputs a previous run completed and that are unchanged.")] = False,
    add: Annotated[bool, typer.Option("--add", help="Export into a folder that already holds files, keeping them (same-named files are replaced). Not with bagit: a bag is made only in a new or empty folder.")] = False,
    errors: Annotated[Optional[Path], typer.Option("--errors", help="Write every failure here as JSON Lines (id, file, line, errors with pointers).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and report; write no exports.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no per-record messages; the summary only.")] = False,
    base_url: Annotated[str, typer.Option("--base-url", help="OAI-PMH base URL named in oai-static.")] = PackageSettings.base_url,
    repository_id: Annotated[str, typer.Option("--repository-id", help="OAI repository identifier (a domain name) for oai:<id>:<record> identifiers.")] = PackageSettings.repository_id,
    dspace_collection: Annotated[Optional[str], typer.Option("--dspace-collection", help="Collection handle written to each DSpace item's collections file.")] = None,
    source_organization: Annotated[Optional[str], typer.Option("--source-organization", help="BagIt Source-Organization.")] = None,
    external_identifier: Annotated[Optional[str], typer.Option("--external-identifier", help="BagIt External-Identifier.")] = None,
) -> None:
    """Validate records and export each valid one to the chosen formats and packages.

    Per-record files are named from the record id and written atomically; packages gather every record.
    An invalid record is reported (as ``validate`` would) and skipped; the others are still exported.
    With bagit, the output directory becomes a bag and everything else goes under its data/ folder.
    Exit 0 when every record was exported, 1 when any failed, 2 for usage or I/O errors.
    """
    if collection is not None or out == "-":
        exporters = _exporters(to)
        summary = Summary()
        try:
            if collection is not None:
                _export_collection(paths, exporters, out, collection, check_files, summary, _out())
            else:
                _export_stdout(paths, exporters, check_files, summary)
        except (ArchivistError, OSError) as exc:
            raise _fail(str(exc)) from None
        raise typer.Exit(EXIT_INVALID if summary.invalid else EXIT_OK)
    try:
        formats, packages = split_formats(to)
    except UnknownFormat as exc:
        raise typer.BadParameter(str(exc), param_hint="--to") from None
    settings = PackageSettings(base_url=base_url, repository_id=repository_id, dspace_collection=dspace_collection,
                               source_organization=source_organization, external_identifier=external_identifier)
    options = BatchOptions(formats=formats, packages=packages, jobs=jobs, resume=resume, add=add, dry_run=dry_run,
                           check_files=check_files, errors=errors, settings=settings)
    console = _out()
    try:
        with progress_reporter(paths, enabled=not quiet, console=_err()) as display:
            def seen(outcome: ExportOutcome) -> None:
                display.advance()
                if not quiet:
                    _print_problems(display.console, outcome.problems)

            def warned(message: str) -> None:
                display.console.print(f"warning: {message}", markup=False)
            report = run_batch(paths, out, options, on_outcome=seen, on_warning=warned)
    except BatchInterrupted as stop:
        raise _stopped(stop) from None
    except KeyboardInterrupt:
        raise _fail("interrupted before the export started; nothing was written", 130) from None
    except (ArchivistError, OSError) as exc:
        raise _fail(str(exc)) from None
    style = "green" if not report.failed else "red"
    where = "checked (dry run, nothing written)" if dry_run else f"in {out}"
    console.print(f"[{style}]{report} {where}[/]", markup=True)
    for path in report.packages:
        console.print(f"wrote {path}", markup=False)
    if errors is not None and report.failed:
        console.print(f"failures listed in {errors}", markup=False)
    raise typer.Exit(EXIT_INVALID if report.failed else EXIT_OK)


def _stopped(stop: BatchInterrupted) -> typer.Exit:
    """Say how far an interrupted export got and the command that finishes it; exit 128 + the signal number."""
    report = stop.report
    done = f"{report.exported} exported, {report.current} already current, {report.failed} failed"
    again = shlex.join(["archivist", *[a for a in sys.argv[1:] if a != "--resume"], "--resume"])
    _err().print(f"stopped by {signal.Signals(stop.signal).name} after {report.read} records ({done}); no partial "
                 f"file was left and the journal keeps every finished record.\nTo finish, run: {again}", markup=False)
    return typer.Exit(128 + stop.signal)


def _export_stdout(paths: list[str], exporters: list[registry.Exporter], check_files: bool, summary: Summary) -> None:
    if len(exporters) != 1:
        raise _fail("--out - writes a single format: name exactly one with --to")
    outcomes = list(validate_paths(paths, check_files=check_files))
    if len(outcomes) != 1:
        raise _fail(f"--out - writes a single record, but the input holds {len(outcomes)}")
    (outcome,) = outcomes
    summary.add(outcome)
    if not outcome.ok:
        _print_problems(_err(), outcome.problems)
        return
    assert outcome.entry.data is not None
    exporters[0].write(outcome.entry.data, sys.stdout.buffer)
    sys.stdout.flush()


def _export_collection(paths: list[str], exporters: list[registry.Exporter], out: str, title: str,
                       check_files: bool, summary: Summary, console: Console) -> None:
    if [e.name for e in exporters] != ["epub"]:
        raise _fail("--collection makes one EPUB: use it with --to epub")
    outcomes = list(validate_paths(paths, check_files=check_files))
    for outcome in outcomes:
        summary.add(outcome)
        _print_problems(console, outcome.problems)
    records = valid_records(outcomes)
    if not records:
        return
    target = Path(out) if out.endswith(".epub") else Path(out) / "collection.epub"
    check_outputs(paths, {"the collection file": target})
    export_collection_file(records, title, target)
    console.print(f"wrote {target}")


@app.command()
def ingest(
    captures: Annotated[Optional[list[Path]], typer.Argument(help="Captured documents: plain text, HTML or WARC (.warc, .warc.gz) files.")] = None,
    manifest: Annotated[Optional[Path], typer.Option("--manifest", help="A CSV file with one capture per row: file, url, retrieved, title, language, subjects, publisher, id, method, encoding.")] = None,
    url: Annotated[Optional[str], typer.Option("--url", help="The source URL (absolute).")] = None,
    retrieved: Annotated[Optional[str], typer.Option("--retrieved", help="When it was retrieved: UTC date-time (…Z) or YYYY-MM-DD.")] = None,
    subject: Annotated[Optional[list[str]], typer.Option("--subject", help="SCHEME:TERM or SCHEME/KIND:TERM--TYPE:SUBDIVISION, either with =URI at the end, e.g. lcsh/topical:Terrorism--geographic:Peru; repeat for more.")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="The title (else the capture's title line).")] = None,
    language: Annotated[Optional[str], typer.Option("--language", help="BCP 47 language tag.")] = None,
    publisher: Annotated[Optional[str], typer.Option("--publisher", help="The publisher.")] = None,
    method: Annotated[Optional[str], typer.Option("--method", help="http-get, browser-save, warc, manual-copy, api, scan or other.")] = None,
    record_id: Annotated[Optional[str], typer.Option("--id", help="The record id (else from the file name, or the URL for WARC records).")] = None,
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Override the text encoding.")] = None,
    chrome_rules: Annotated[Optional[Path], typer.Option("--chrome-rules", help="A JSON file of extra chrome rules.")] = None,
    keep_original: Annotated[bool, typer.Option("--keep-original", help="Copy the capture beside the record and list it in files.")] = False,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Write <id>.json for each record here.")] = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the one record of one text or HTML capture to this file (- for stdout).")] = None,
    manifest_base: Annotated[Optional[Path], typer.Option("--manifest-base", help="The folder a manifest's files may be read from (default: the manifest's own folder).")] = None,
    max_record_size: Annotated[int, typer.Option("--max-record-size", min=1, help="Largest WARC record content, inflated, in bytes.")] = lib.DEFAULT_MAX_SIZE,
) -> None:
    """Turn captured documents into valid records, setting site chrome aside in each record's removed list.

    A WARC gives one record per HTML or text response, its digests checked. With --manifest, each CSV row
    names a capture and its metadata; command-line values fill what a row leaves empty. Values the tool
    infers (title line, canonical URL, page language…) are marked in the record's provenance. A bad capture,
    WARC record or row is reported and the rest are still ingested. Exit 0 when all succeeded, 1 when any
    failed, 2 for usage errors.
    """
    captures = captures or []
    if (out_dir is None) == (output is None):
        raise _fail("give exactly one of --out DIR or -o FILE")
    if bool(captures) == (manifest is not None):
        raise _fail("give captures or --manifest FILE, not both and not neither")
    if output is not None and (len(captures) != 1 or lib.is_warc(captures[0])):
        raise _fail("-o writes one record: give one text or HTML capture, or use --out DIR")
    try:
        check_outputs([*captures, *([manifest] if manifest else []), *([chrome_rules] if chrome_rules else [])],
                      {"the output file": output})
    except ArchivistError as exc:
        raise _fail(str(exc)) from None
    if (len(captures) > 1 or any(lib.is_warc(c) for c in captures)) and (record_id or title or url):
        raise _fail("--id, --title and --url describe one document: use them with one text or HTML capture")
    try:
        rules = lib.builtin_rules() + (lib.load_rules(chrome_rules) if chrome_rules else ())
    except ArchivistError as exc:
        raise _fail(str(exc)) from None
    facts = lib.Facts(url=url, retrieved=retrieved, title=title, language=language, publisher=publisher,
                      subjects=list(subject or []), method=method, record_id=record_id, encoding=encoding)
    console = _err()
    if output is not None:
        _ingest_one_file(captures[0], facts, rules, keep_original, output, console)
    if manifest is not None:
        outcomes = lib.ingest_manifest(manifest, out_dir, defaults=facts, rules=rules, keep_original=keep_original,
                                       base=manifest_base, max_size=max_record_size)
    else:
        outcomes = lib.ingest_to_dir(captures, facts, out_dir, rules=rules, keep_original=keep_original,
                                     max_size=max_record_size)
    written = failed = skipped = 0
    try:
        for outcome in outcomes:
            if outcome.error is not None:
                failed += 1
                console.print(f"error: {outcome.error}", markup=False)
            elif outcome.skipped is not None:
                skipped += 1
            else:
                written += 1
                console.print(f"wrote {outcome.written}", markup=False)
    except ArchivistError as exc:
        raise _fail(str(exc)) from None
    console.print(f"{written} record{'s' if written != 1 else ''} written, {failed} failed"
                  + (f", {skipped} WARC response(s) skipped (not a 2xx HTML or text payload)" if skipped else ""),
                  markup=False)
    raise typer.Exit(EXIT_INVALID if failed else EXIT_OK)


def _ingest_one_file(capture: Path, facts: Facts, rules: tuple[ChromeRule, ...], keep: bool, output: Path,
                     console: Console) -> None:
    to_stdout = str(output) == "-"
    try:
        record = lib.ingest_file(capture, facts, rules=rules, keep_original_in=None if to_stdout or not keep else output.parent)
    except ArchivistError as exc:
        console.print(f"error: {exc}", markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    if to_stdout:
        sys.stdout.buffer.write(lib.record_bytes(record))
    else:
        write_atomic(output, lib.record_bytes(record))
        console.print(f"wrote {output}", markup=False)
    raise typer.Exit(EXIT_OK)


@app.command()
def serve(
    paths: Annotated[list[str], typer.Argument(help="Record files (*.json, *.jsonl) or directories to serve.")],
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="TCP port (0 picks a free one).")] = 8080,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    base_url: Annotated[Optional[str], typer.Option("--base-url", help="Public base URL (default http://HOST:PORT/oai).")] = None,
    name: Annotated[str, typer.Option("--name", help="repositoryName in Identify.")] = Repository.name,
    admin_email: Annotated[str, typer.Option("--admin-email", help="adminEmail in Identify (set it: the default is a placeholder).")] = Repository.admin_email,
    repository_id: Annotated[str, typer.Option("--repository-id", help="Repository identifier (a domain name) in oai:<id>:<record>.")] = Repository.repository_id,
    page_size: Annotated[int, typer.Option("--page-size", min=1, help="Records per response before a resumptionToken.")] = Repository.page_size,
    index: Annotated[Optional[Path], typer.Option("--index", help="SQLite index file (default: .archivist-oai.sqlite beside the records).")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="Seconds an idle or stalled connection is kept open.")] = TIMEOUT_SECONDS,
) -> None:
    """Serve records as an OAI-PMH 2.0 data provider (oai_dc, dcterms, marcxml; sets from subjects).

    The SQLite index is built on first run, checked against the record files at start and rebuilt when
    they change. Invalid records are reported and left out. One line per request goes to stderr.

    Examples:

      archivist serve records/

      archivist serve records/ --repository-id oai.example.edu --admin-email oai@example.edu

      archivist serve records/ --host 0.0.0.0 --base-url https://oai.example.edu/oai
    """
    console = _err()
    repository = Repository(name=name, base_url=base_url or "", admin_email=admin_email,
                            repository_id=repository_id, page_size=page_size)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("archivist.oaipmh")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # queued requests are normal under load
    try:
        server = open_server(paths, repository, host, port, index=index, timeout=timeout)
    except (ArchivistError, OSError) as exc:
        raise _fail(str(exc)) from None
    _print_problems(console, server.index.problems)
    console.print(server.describe(), markup=False)
    for warning in server.warnings():
        console.print(f"warning: {warning}", markup=False)
    signal.signal(signal.SIGTERM, lambda *_: server.shutdown())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.index.close()


@app.command()
def formats() -> None:
    """List the per-record export formats (extension, media type) and the catalog packages."""
    out = _out()
    for name, exporter in registry.available().items():
        out.print(f"{name:<12} {exporter.extension:<14} {exporter.media_type:<24} {exporter.description}", markup=False)
    for name, package in available_packages().items():
        out.print(f"{name:<12} {'(package)':<14} {'':<24} {package.description}", markup=False)


@app.command()
def schema() -> None:
    """Print the record JSON Schema (Draft 2020-12) that records are validated against."""
    sys.stdout.write(schema_text())


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except ArchivistError as exc:  # a library error no command turned into a message
        _err().print(f"error: {exc}", markup=False)
        sys.exit(EXIT_USAGE)

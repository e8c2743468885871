"""The ``archivist`` command line: parse arguments, call the library, print, and set the exit code.

Every command follows one output policy (``_out.Say``): data on stdout, messages on stderr, ``-q`` errors only,
``-v`` a line per file or record. ``--out DIR`` always names a folder; a mistake is one ``error:`` line, exit 2.

Start-up is kept short (``archivist --help`` in a shell loop or a test): this module imports only typer and small
modules; each command imports the library it calls when it runs, and option defaults come from ``_defaults``.
"""

from __future__ import annotations

import json
import shlex
import signal
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import __version__
from .. import _defaults as defaults
from .._clock import in_utc
from .._errors import ArchivistError, SourceError, UnknownFormat
from .._paths import check_outputs
from .._words import counted
from ._args import checked, encoding_name, in_file, in_files, out_file, out_folder, record_field, subjects
from ._help import EXIT_USAGE, HelpGroup, HelpTyper, UsageMistake, examples
from ._out import Quiet, Say, styled, verbose_option

if TYPE_CHECKING:
    from ..batch import BatchInterrupted, ExportOutcome
    from ..exporters import Exporter
    from ..ingest import ChromeRule, Facts, IngestOutcome
    from ..records import Outcome, Summary

EXIT_OK, EXIT_INVALID = 0, 1
RECORDS_HELP = "Record files (*.json, *.jsonl), folders of them, or - for stdin."
STRICT_HELP = ("Make catalog-quality warnings errors (a heading whose subdivisions have no stated type, exported "
               "whole in MARC $a).")

app = HelpTyper(
    name="archivist",
    cls=HelpGroup,
    epilog=examples(
        "archivist validate records/",
        "archivist export records/ --to all --out exports/",
        "archivist ingest --manifest examples/captures.csv --out new-records/",
        "archivist COMMAND --help      # a command's options and examples",
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print ``error: message`` on stderr and return the Exit to raise."""
    Say().error(message)
    return typer.Exit(code)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"archivist {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    # A plain bool, not bool | None: typer then takes the flag as given instead of building a pydantic adapter for
    # it, which would import pydantic (about 0.1 s) even for `archivist COMMAND --help`.
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Validate archival records, ingest captured documents, and export records to archive formats.

    Data (reports, records, the schema) goes to stdout and messages to stderr; -q prints only errors. A folder
    is always --out DIR. Exit 0 on success, 1 when a record or capture failed, 2 for a command-line mistake.
    """


@app.command(epilog=examples(
    "archivist validate records/",
    "archivist validate -q batch.jsonl && echo all valid",
    "archivist validate --format json records/ > report.json",
    "cat record.json | archivist validate -",
))
def validate(
    paths: Annotated[list[str], typer.Argument(metavar="RECORDS...", help=RECORDS_HELP)],
    output: Annotated[OutputFormat, typer.Option("--format", "-f", metavar="FORMAT",
                                                 help="text (for people) or json (for machines).")] = OutputFormat.text,
    check_files: Annotated[bool, typer.Option("--check-files/--no-check-files",
        help="Check that files listed in a record exist with their size and SHA-256.")] = True,
    strict: Annotated[bool, typer.Option("--strict", help=STRICT_HELP)] = False,
    quiet: Quiet = False,
    verbose: Annotated[bool, verbose_option("a line for each valid record")] = False,
) -> None:
    """Check records against the schema; report every error with its file, line and JSON Pointer.

    The report is the data, on stdout: one line per problem and a summary (-q: problems only). Exit 0 when all
    records are valid, 1 when any is invalid, 2 for a command-line mistake or an unreadable path.
    """
    from ..records import Summary, validate_paths

    say = Say(quiet, verbose)
    summary = Summary()
    as_json = output is OutputFormat.json
    try:
        if as_json:
            sys.stdout.write('{"errors": [')
        first = True
        for outcome in validate_paths(paths, check_files=check_files, strict=strict):
            summary.add(outcome)
            if not as_json:
                _warn_catalog(outcome, say)
            if outcome.ok and verbose and not as_json:
                entry = outcome.entry
                say.data(f"{entry.where}: {entry.record_id}: valid")
            for problem in outcome.problems:
                if as_json:
                    sys.stdout.write(("\n  " if first else ",\n  ") + json.dumps(problem.to_dict(), ensure_ascii=False))
                    first = False
                else:
                    say.problems((problem,), as_data=True)
    except SourceError as exc:
        if as_json:
            sys.stdout.write('\n], "summary": ' + json.dumps({**summary.to_dict(), "fatal": str(exc)}) + "}\n")
        raise _fail(str(exc)) from None
    if as_json:
        sys.stdout.write('\n], "summary": ' + json.dumps(summary.to_dict()) + "}\n")
    elif not quiet:
        say.data(styled(str(summary), "green" if not summary.invalid else "red"))
    raise typer.Exit(EXIT_INVALID if summary.invalid else EXIT_OK)


def _warn_ignored_plugins(say: Say) -> None:
    """Say which installed plugins were skipped (they take a built-in name); the registries only note it."""
    from .. import exporters, packages

    for message in (*exporters.REGISTRY.ignored, *packages.REGISTRY.ignored):
        say.warn(message)


def _exporters(to: str) -> list[Exporter]:
    """The per-record exporters ``--to`` names; an unknown name is a usage mistake."""
    from ..exporters import resolve

    try:
        return resolve(to)
    except UnknownFormat as exc:
        raise UsageMistake(f"--to: {exc}") from None


@app.command(epilog=examples(
    "archivist export records/ --out exports/      # every per-record format",
    "archivist export records/ --to oai_dc,bagit --out bag/ -q",
    "archivist export big.jsonl --jobs 0 --errors failures.jsonl --out out/",
    "archivist export big.jsonl --to all,bagit --cluster local:2 --out out/",
    "archivist export records/mrta-globalsecurity.json --to jsonld --out -",
    "archivist export records/ --to epub --collection 'MRTA sources' --out c/",
))
def export(
    paths: Annotated[list[str], typer.Argument(metavar="RECORDS...", help=RECORDS_HELP)],
    to: Annotated[str, typer.Option("--to", "-t", metavar="FORMATS",
        help=f"Comma-separated formats ({', '.join(defaults.FORMATS)}, or all) and packages "
             f"({', '.join(defaults.PACKAGES)}); plugins too: see archivist formats.")] = "all",
    out: Annotated[str, typer.Option("--out", "-o", metavar="DIR", callback=out_folder,
        help="Folder to write into (made if missing), or - to write one record's one format to stdout.")] = "exports",
    collection: Annotated[str | None, typer.Option("--collection", metavar="TITLE",
        help="Write all records as one EPUB with this title: DIR/collection.epub, or stdout with --out - (use "
             "with --to epub).")] = None,
    check_files: Annotated[bool, typer.Option("--check-files/--no-check-files",
        help="Also check each listed file's size and SHA-256.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", metavar="N", min=0,
        help="Processes that validate and export: this one plus N-1 workers (0 = one per core). Output is the "
             "same for any number.")] = 1,
    cluster: Annotated[str | None, typer.Option("--cluster", metavar="ADDRESS",
        help="Run on a Dask cluster: a scheduler address (tcp://host:8786) or local:N for N worker processes here "
             "(needs archivist[dask]). Inputs and --out must be on a path every worker shares.")] = None,
    resume: Annotated[bool, typer.Option("--resume",
        help="Skip records whose outputs a previous run completed and that are unchanged.")] = False,
    add: Annotated[bool, typer.Option("--add",
        help="Export into a folder that already holds files, keeping them (same-named files are replaced). Not "
             "with bagit: a bag is made only in a new or empty folder.")] = False,
    errors: Annotated[str | None, typer.Option("--errors", metavar="FILE", callback=out_file,
        help="Write every failure to FILE as JSON Lines (id, file, line, errors with pointers).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and report; write no exports.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help=STRICT_HELP)] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q",
        help="Print nothing but errors: no progress bar, no summary.")] = False,
    verbose: Annotated[bool, verbose_option("a line for each file written")] = False,
    base_url: Annotated[str, typer.Option("--base-url", metavar="URL",
        help="OAI-PMH base URL named in oai-static.")] = defaults.PACKAGE_BASE_URL,
    repository_id: Annotated[str, typer.Option("--repository-id", metavar="DOMAIN",
        help="OAI repository identifier (a domain name) for oai:DOMAIN:ID identifiers."
    )] = defaults.PLACEHOLDER_REPOSITORY_ID,
    dspace_collection: Annotated[str | None, typer.Option("--dspace-collection", metavar="HANDLE",
        help="Collection handle written to each DSpace item's collections file.")] = None,
    source_organization: Annotated[str | None, typer.Option("--source-organization", metavar="NAME",
        help="BagIt Source-Organization.")] = None,
    external_identifier: Annotated[str | None, typer.Option("--external-identifier", metavar="ID",
        help="BagIt External-Identifier.")] = None,
) -> None:
    """Validate records and export each valid one to the chosen formats and packages.

    Per-record files are named from the record id and written atomically; packages gather every record.
    An invalid record is reported on stderr, as validate would, and skipped; the others are still exported.
    With bagit, the output folder becomes a bag and everything else goes under its data/ folder.
    Exit 0 when every record was exported, 1 when any failed, 2 for a command-line mistake or an I/O error.
    """
    from ..records import Summary

    say = Say(quiet, verbose)
    if cluster is not None and (jobs != 1 or collection is not None or out == "-"):
        given = "--jobs" if jobs != 1 else "--collection" if collection is not None else "--out -"
        raise UsageMistake(f"--cluster and {given} contradict each other: a cluster's workers write per-record files "
                           "and packages into --out DIR (for N processes on this machine, give --cluster local:N "
                           "or --jobs N, not both)")
    if collection is not None or out == "-":
        exporters = _exporters(to)
        _warn_ignored_plugins(say)
        summary = Summary()
        try:
            if collection is not None:
                _export_collection(paths, exporters, out, collection, check_files, summary, say, strict)
            else:
                _export_stdout(paths, exporters, check_files, summary, say, strict)
        except (ArchivistError, OSError) as exc:
            raise _fail(str(exc)) from None
        raise typer.Exit(EXIT_INVALID if summary.invalid else EXIT_OK)
    from ..batch import BatchInterrupted, BatchOptions, progress_reporter, run_batch, split_formats
    from ..packages import PackageSettings

    try:
        formats, packages = split_formats(to)
    except UnknownFormat as exc:
        raise UsageMistake(f"--to: {exc}") from None
    _warn_ignored_plugins(say)
    settings = PackageSettings(base_url=base_url, repository_id=repository_id, dspace_collection=dspace_collection,
                               source_organization=source_organization, external_identifier=external_identifier)
    options = BatchOptions(formats=formats, packages=packages, jobs=jobs, resume=resume, add=add, dry_run=dry_run,
                           check_files=check_files, errors=Path(errors) if errors else None,
                           settings=settings, cluster=cluster, strict=strict)
    try:
        with progress_reporter(paths, enabled=not quiet, console=say.console) as display:
            def seen(outcome: ExportOutcome) -> None:
                display.advance()
                say.problems(outcome.problems)
                for warning in outcome.warnings:
                    say.warn(str(warning))
                for path in outcome.written:
                    say.detail(f"wrote {path}")

            report = run_batch(paths, out, options, on_outcome=seen, on_warning=say.warn, on_notice=say.info)
    except BatchInterrupted as stop:
        raise _stopped(stop) from None
    except KeyboardInterrupt as stop:  # before the run began (connecting to its cluster): nothing to resume
        signum = getattr(stop, "signal", signal.SIGINT)
        said = "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"
        raise _fail(f"{said} before the export started; nothing was written", 128 + signum) from None
    except (ArchivistError, OSError) as exc:
        raise _fail(str(exc)) from None
    where = "checked (dry run, nothing written)" if dry_run else f"in {out}"
    say.info(styled(f"{report} {where}", "green" if not report.failed else "red"))
    for path in report.packages:
        say.detail(f"wrote {path}")
    if errors is not None and report.failed:
        say.info(f"failures listed in {errors}")
    raise typer.Exit(EXIT_INVALID if report.failed else EXIT_OK)


@app.command(epilog=examples(
    "archivist site records/ --out site/ --base-url https://example.org/c/",
    "archivist site records/ --out site/ --name 'MRTA sources'  # no sitemap",
    "python3 -m http.server -d site/ 8000      # then open http://127.0.0.1:8000/",
))
def site(
    paths: Annotated[list[str], typer.Argument(metavar="RECORDS...", help="Record files (*.json, *.jsonl) or "
                                               "folders of them.")],
    out: Annotated[str, typer.Option("--out", "-o", metavar="DIR", callback=out_folder,
        help="Folder to write the site into: new, empty, or a site built before (then only what changed is "
             "rebuilt).")] = "site",
    base_url: Annotated[str | None, typer.Option("--base-url", metavar="URL",
        help="Where the site will be published (https://host/path/): used for canonical links, cite-as, "
             "linkset.json and sitemap.xml, which are left out without it.")] = None,
    name: Annotated[str, typer.Option("--name", metavar="TEXT", help="The site's name, on every page.")] = "Archive",
    to: Annotated[str, typer.Option("--to", "-t", metavar="FORMATS",
        help="Per-record formats offered for download on each record page (default all; see archivist "
             "formats).")] = "all",
    check_files: Annotated[bool, typer.Option("--check-files/--no-check-files",
        help="Also check each listed file's size and SHA-256.")] = False,
    citations: Annotated[bool, typer.Option("--citations/--no-citations",
        help="Give each record page a citation box (APA, MLA, Chicago by citeproc-py, tens of milliseconds a "
             "record; without it a page takes about one).")] = True,
    oai_url: Annotated[str | None, typer.Option("--oai-url", metavar="URL",
        help="An OAI-PMH base URL serving the same records, named at the foot of every page.")] = None,
    search: Annotated[bool | None, typer.Option("--search/--no-search",
        help="Index the record pages with Pagefind so the search page searches in the browser (default: when "
             "the search extra is installed).", show_default=False)] = None,
    quiet: Quiet = False,
    verbose: Annotated[bool, verbose_option("a line for each record page written")] = False,
) -> None:
    """Build a static web site of the records: a landing page per record with its exports, browse pages.

    Internal links are relative, so the folder works from any web host and sub-path. Invalid records are reported
    as export reports them and left out. A re-run into the same folder rebuilds only what changed.
    Exit 0 when every record has its page, 1 when any failed, 2 for a command-line mistake or an I/O error.
    """
    from ..records import Status
    from ..site import SiteSettings, build_site, normalize_base_url

    say = Say(quiet, verbose)
    formats = [exporter.name for exporter in _exporters(to)]
    try:
        url = normalize_base_url(base_url)
    except ValueError as exc:
        raise UsageMistake(f"--base-url: {exc}") from None
    try:
        harvest = None if oai_url is None else str(normalize_base_url(oai_url)).rstrip("/")
    except ValueError as exc:
        raise UsageMistake(f"--oai-url: {exc}") from None
    if not name.strip():
        raise UsageMistake("--name: empty; give the site's name")

    def seen(outcome: ExportOutcome) -> None:
        say.problems(outcome.problems)
        if outcome.status is Status.EXPORTED:
            say.detail(f"wrote {outcome.written[-1].parent}")

    from ..batch import Stopped, interrupts

    settings = SiteSettings(name=name.strip(), base_url=url, citations=citations, oai_url=harvest)
    try:
        with interrupts():
            report = build_site(paths, out, settings, formats=formats, check_files=check_files, search=search,
                                on_outcome=seen)
    except (ArchivistError, OSError) as exc:
        raise _fail(str(exc)) from None
    except KeyboardInterrupt as stop:
        signum = stop.signal if isinstance(stop, Stopped) else signal.SIGINT
        raise _fail(f"stopped by {signal.Signals(signum).name}; every page written is whole, and the same command "
                    "finishes the site (only what is missing or changed is built)", 128 + signum) from None
    if url is None:
        say.info("no --base-url: canonical links, cite-as, linkset.json and sitemap.xml were left out")
    say.info(styled(f"{report} in {out}", "green" if not report.summary.failed else "red"))
    raise typer.Exit(EXIT_INVALID if report.summary.failed else EXIT_OK)


def _stopped(stop: BatchInterrupted) -> typer.Exit:
    """Say how far an interrupted export got and the command that finishes it; exit 128 + the signal number."""
    report = stop.report
    done = f"{report.exported} exported, {report.current} already current, {report.failed} failed"
    again = shlex.join(["archivist", *[a for a in sys.argv[1:] if a != "--resume"], "--resume"])
    Say().info(f"stopped by {signal.Signals(stop.signal).name} after {report.read} records ({done}); no partial "
               f"file was left and the journal keeps every finished record.\nTo finish, run: {again}")
    return typer.Exit(128 + stop.signal)


def _export_stdout(paths: list[str], exporters: list[Exporter], check_files: bool, summary: Summary,
                   say: Say, strict: bool) -> None:
    """``--out -``: the one record of the input, in the one format of ``--to``, on stdout."""
    from ..records import validate_paths

    if len(exporters) != 1:
        raise UsageMistake("--out - writes a single format: name exactly one with --to")
    outcomes = list(validate_paths(paths, check_files=check_files, strict=strict))
    if len(outcomes) != 1:
        raise UsageMistake(f"--out - writes a single record, but the input holds {len(outcomes)}")
    (outcome,) = outcomes
    summary.add(outcome)
    say.problems(outcome.problems)
    _warn_catalog(outcome, say)
    if not outcome.ok:
        return
    assert outcome.entry.data is not None
    from ..exporters import Context

    source = outcome.entry.file
    base = Path(source).parent if source != "-" else None  # where a METS finds the record's listed files
    sys.stdout.buffer.write(exporters[0].render(outcome.entry.data, Context(base=base)))
    sys.stdout.flush()


def _export_collection(paths: list[str], exporters: list[Exporter], out: str, title: str,
                       check_files: bool, summary: Summary, say: Say, strict: bool) -> None:
    """``--collection``: every valid record in one EPUB, as DIR/collection.epub or on stdout."""
    from ..batch import export_collection_file, valid_records
    from ..exporters.epub import export_collection
    from ..records import validate_paths

    if [e.name for e in exporters] != ["epub"]:
        raise UsageMistake("--collection makes one EPUB: use it with --to epub")
    outcomes = list(validate_paths(paths, check_files=check_files, strict=strict))
    for outcome in outcomes:
        summary.add(outcome)
        say.problems(outcome.problems)
        _warn_catalog(outcome, say)
    records = valid_records(outcomes)
    if not records:
        return
    if out == "-":
        sys.stdout.buffer.write(export_collection(records, title))
        sys.stdout.flush()
        return
    check_outputs(paths, {"the collection file": Path(out) / "collection.epub"})
    target = export_collection_file(records, title, Path(out) / "collection.epub")
    say.info(f"wrote {target} ({counted(len(records), 'record')})")


def _warn_catalog(outcome: Outcome, say: Say) -> None:
    """The catalog-quality warnings of a record that passed (each once, naming the record and the heading)."""
    from ..records import catalog_warnings

    if outcome.ok:
        for warning in catalog_warnings(outcome.entry):
            say.warn(str(warning))


def _parse_subject(text: str) -> object:
    """The library's ``--subject`` parser, imported when a value is checked (the ingest package is large)."""
    from ..ingest import parse_subject

    return parse_subject(text)


def _parse_agent(text: str) -> object:
    """The library's ``--creator`` and ``--contributor`` parser, imported when a value is checked."""
    from ..ingest import parse_agent

    return parse_agent(text)


def _parse_date(text: str) -> object:
    """The library's date check for ``--issued``, ``--created`` and ``--modified``."""
    from ..ingest import parse_date

    return parse_date(text)


AGENT_HELP = ("KIND:NAME[|ROLE][|URI], KIND person or organization, ROLE a MARC relator code or term (aut, edt, "
              "author, editor...), URI an authority record; repeat for more.")


@app.command(epilog=examples(
    "archivist ingest examples/mrta-globalsecurity.txt --out new-records/ \\",
    "    --url https://www.globalsecurity.org/military/world/para/mrta.htm \\",
    "    --retrieved 2026-11-24 --language en --subject lcsh:Terrorism--Peru",
    "archivist ingest examples/web-page.html --retrieved 2026-11-25 --out -",
    "archivist ingest --manifest examples/captures.csv --keep-original -o new/",
    "archivist ingest examples/news-article.html --retrieved 2026-11-25 \\",
    "    --contributor 'person:Roe, Jane|edt' --out new/",
))
def ingest(
    captures: Annotated[list[Path] | None, typer.Argument(metavar="CAPTURE...", callback=in_files,
        help="Captured documents: plain text, HTML or WARC (.warc, .warc.gz) files.")] = None,
    out: Annotated[str | None, typer.Option("--out", "-o", metavar="DIR", callback=out_folder,
        help="Folder to write ID.json records into (made if missing), or - to print the record of one text or "
             "HTML capture.")] = None,
    manifest: Annotated[Path | None, typer.Option("--manifest", metavar="FILE", callback=in_file,
        help="A CSV file with one capture per row: file, url, retrieved, title, language, subjects, publisher, "
             "id, method, encoding, issued, created, modified, creators, contributors, description, rights, "
             "rights_uri (lists separated by ;).")] = None,
    url: Annotated[str | None, typer.Option("--url", metavar="URL", callback=record_field("source", "url"),
        help="The source URL (absolute).")] = None,
    retrieved: Annotated[str | None, typer.Option(
        "--retrieved", metavar="WHEN", callback=record_field("retrieval", "retrieved_at", stored=in_utc),
        help="When it was retrieved: a date-time (2026-11-24T10:00:00Z; another offset is converted to UTC, and "
             "what was given noted in the provenance) or a day (2026-11-24).")] = None,
    subject: Annotated[list[str] | None, typer.Option(
        "--subject", metavar="SCHEME:TERM[=URI]", callback=subjects(_parse_subject),
        help="A subject, SCHEME one of lcsh, fast, wikidata, aat, local, keyword; a heading kind and typed "
             "subdivisions as in lcsh/topical:Terrorism--geographic:Peru; repeat for more.")] = None,
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT",
        help="The title (else the capture's title line or the page title).")] = None,
    language: Annotated[str | None, typer.Option("--language", metavar="TAG", callback=record_field("language"),
        help="BCP 47 language tag (en, pt-BR). Give it for text captures: their language is not detected.")] = None,
    publisher: Annotated[str | None, typer.Option("--publisher", metavar="NAME", help="The publisher.")] = None,
    issued: Annotated[str | None, typer.Option("--issued", metavar="DATE", callback=checked(_parse_date),
        help="When it was published: W3CDTF or EDTF (2024, 2024-03-03, 2024-03-03T10:00:00Z, 199X, 1980/1985). "
             "Never the retrieval date.")] = None,
    created: Annotated[str | None, typer.Option("--created", metavar="DATE", callback=checked(_parse_date),
        help="When it was created (W3CDTF or EDTF).")] = None,
    modified: Annotated[str | None, typer.Option("--modified", metavar="DATE", callback=checked(_parse_date),
        help="When it was last modified (W3CDTF or EDTF).")] = None,
    creator: Annotated[list[str] | None, typer.Option("--creator", metavar="KIND:NAME[|ROLE][|URI]",
        callback=subjects(_parse_agent), help=f"A creator: {AGENT_HELP}")] = None,
    contributor: Annotated[list[str] | None, typer.Option("--contributor", metavar="KIND:NAME[|ROLE][|URI]",
        callback=subjects(_parse_agent), help=f"A contributor: {AGENT_HELP}")] = None,
    description: Annotated[str | None, typer.Option("--description", metavar="TEXT",
        callback=record_field("description"), help="A summary or abstract.")] = None,
    rights: Annotated[str | None, typer.Option("--rights", metavar="TEXT",
        callback=record_field("rights", "statement"), help="A rights statement.")] = None,
    rights_uri: Annotated[str | None, typer.Option("--rights-uri", metavar="URI",
        callback=record_field("rights", "uri"),
        help="The rights or licence URI (e.g. a Creative Commons or rightsstatements.org URI).")] = None,
    method: Annotated[str | None, typer.Option(
        "--method", metavar="METHOD", callback=record_field("retrieval", "method"),
        help="How it was captured: http-get, browser-save, warc, manual-copy, api, scan or other.")] = None,
    record_id: Annotated[str | None, typer.Option("--id", metavar="ID", callback=record_field("id"),
        help="The record id (else from the file name, or the URL for WARC records).")] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", metavar="NAME", callback=encoding_name,
        help="The capture's text encoding, overriding BOM, charset and UTF-8.")] = None,
    chrome_rules: Annotated[Path | None, typer.Option("--chrome-rules", metavar="FILE", callback=in_file,
        help="A JSON file of extra chrome rules.")] = None,
    keep_original: Annotated[bool, typer.Option("--keep-original",
        help="Copy each capture to DIR/originals/ and list it in the record's files.")] = False,
    replace: Annotated[bool, typer.Option("--replace",
        help="Replace a record already in DIR; its earlier version is kept in DIR/.archivist-history/.")] = False,
    manifest_base: Annotated[Path | None, typer.Option("--manifest-base", metavar="DIR",
        help="The folder a manifest's files may be read from (default: the manifest's own folder).")] = None,
    max_record_size: Annotated[int, typer.Option("--max-record-size", metavar="BYTES", min=1,
        help="Largest WARC record content, once inflated, in bytes.")] = defaults.MAX_WARC_RECORD_SIZE,
    cluster: Annotated[str | None, typer.Option("--cluster", metavar="ADDRESS",
        help="Ingest on a Dask cluster, one task per capture file or --manifest row: a scheduler address "
             "(tcp://host:8786) or local:N (needs archivist[dask]).")] = None,
    quiet: Quiet = False,
    verbose: Annotated[bool, verbose_option("a line for each record written")] = False,
) -> None:
    """Turn captured documents into valid records, setting site chrome aside in each record's removed list.

    A WARC gives one record per HTML or text response, its digests checked. With --manifest, each CSV row
    names a capture and its metadata; command-line values fill what a row leaves empty. Values the tool
    infers (title line, canonical URL, page language...) are marked in the record's provenance. A bad capture,
    WARC record or row is reported and the rest are still ingested. Exit 0 when all succeeded, 1 when any
    failed, 2 for a command-line mistake.
    """
    from .. import ingest as lib

    say = Say(quiet, verbose)
    captures = captures or []
    if not captures and manifest is None:
        raise UsageMistake("no capture given: name text, HTML or WARC files, or --manifest FILE")
    if captures and manifest is not None:
        raise UsageMistake("give captures or --manifest FILE, not both")
    if out is None:
        raise UsageMistake("no output folder given: add --out DIR (or --out - to print one record)")
    if out == "-" and (len(captures) != 1 or lib.is_warc(captures[0])):
        raise UsageMistake("--out - writes one record: give one text or HTML capture, or use --out DIR")
    if out == "-" and keep_original:
        raise UsageMistake("--keep-original copies the capture beside its record: use --out DIR")
    try:
        check_outputs([*captures, *([manifest] if manifest else []), *([chrome_rules] if chrome_rules else [])],
                      {"the output folder": out if out != "-" else None})
    except ArchivistError as exc:
        raise _fail(str(exc)) from None
    if replace and (cluster is not None or out == "-"):
        raise UsageMistake("--replace replaces records in --out DIR on this machine: not with --cluster or --out -")
    if (len(captures) > 1 or any(lib.is_warc(c) for c in captures)) and (record_id or title or url):
        raise UsageMistake("--id, --title and --url describe one document: use them with one text or HTML capture")
    try:
        rules = lib.builtin_rules() + (lib.load_rules(chrome_rules) if chrome_rules else ())
    except ArchivistError as exc:
        raise _fail(str(exc)) from None
    facts = lib.Facts(url=url, retrieved=retrieved, title=title, language=language, publisher=publisher,
                      subjects=list(subject or []), method=method, record_id=record_id, encoding=encoding,
                      issued=issued, created=created, modified=modified, creators=list(creator or []),
                      contributors=list(contributor or []), description=description, rights=rights,
                      rights_uri=rights_uri)
    if out == "-":
        _ingest_to_stdout(captures[0], facts, rules, say)
    from ..batch import IngestInterrupted, IngestOptions, run_ingest

    options = IngestOptions(facts=facts, rules=rules, keep_original=keep_original, manifest_base=manifest_base,
                            max_record_size=max_record_size, cluster=cluster, replace=replace)

    def seen(outcome: IngestOutcome) -> None:
        if outcome.error is not None:
            say.error(str(outcome.error))
        elif outcome.skipped is not None:
            say.detail(f"skipped {outcome.source}: {outcome.skipped}")
        elif outcome.existing is not None:
            say.detail(f"kept {outcome.existing}: written from {outcome.source} before")
        else:
            say.detail(f"wrote {outcome.written}")

    try:
        report = run_ingest(captures, out, options, manifest=manifest, on_outcome=seen, on_notice=say.info)
    except IngestInterrupted as stop:
        done = stop.report
        say.info(f"stopped by {signal.Signals(stop.signal).name} after {counted(done.written, 'record')} written "
                 f"({done.kept} already there, {done.failed} failed); every record written is whole.\nTo finish, "
                 "run the same command again: the records already written are kept")
        raise typer.Exit(128 + stop.signal) from None
    except (ArchivistError, OSError) as exc:
        raise _fail(str(exc)) from None
    say.info(str(report))
    raise typer.Exit(EXIT_INVALID if report.failed else EXIT_OK)


def _ingest_to_stdout(capture: Path, facts: Facts, rules: tuple[ChromeRule, ...], say: Say) -> None:
    """``--out -``: one capture's record on stdout; then exit."""
    from .. import ingest as lib

    try:
        record = lib.ingest_file(capture, facts, rules=rules)
    except ArchivistError as exc:
        say.error(str(exc))
        raise typer.Exit(EXIT_INVALID) from None
    sys.stdout.buffer.write(lib.record_bytes(record))
    raise typer.Exit(EXIT_OK)


@app.command(epilog=examples(
    "archivist serve records/ --repository-id archive.example.org \\",
    "    --admin-email you@example.org",
    "archivist serve records/ --port 9000 --base-url https://example.org/oai",
    "curl 'http://127.0.0.1:8080/oai?verb=Identify'      # from another terminal",
    "archivist serve records/ --site-url https://example.org/  # with pages",
))
def serve(
    paths: Annotated[list[str], typer.Argument(metavar="RECORDS...",
        help="Record files (*.json, *.jsonl) or folders of them to serve.")],
    port: Annotated[int, typer.Option("--port", "-p", metavar="PORT", min=0, max=65535,
        help="TCP port (0 picks a free one).")] = 8080,
    host: Annotated[str, typer.Option("--host", metavar="ADDRESS", help="Interface to listen on.")] = "127.0.0.1",
    base_url: Annotated[str | None, typer.Option("--base-url", metavar="URL",
        help="Public base URL (default http://HOST:PORT/oai).")] = None,
    name: Annotated[str, typer.Option("--name", metavar="TEXT",
        help="repositoryName in Identify.")] = defaults.REPOSITORY_NAME,
    admin_email: Annotated[str, typer.Option("--admin-email", metavar="EMAIL",
        help="adminEmail in Identify (set it: the default is a placeholder).")] = defaults.ADMIN_EMAIL,
    repository_id: Annotated[str, typer.Option("--repository-id", metavar="DOMAIN",
        help="Repository identifier (a domain name) in oai:DOMAIN:ID.")] = defaults.PLACEHOLDER_REPOSITORY_ID,
    page_size: Annotated[int, typer.Option("--page-size", metavar="N", min=1,
        help="Records per response before a resumptionToken.")] = defaults.PAGE_SIZE,
    index: Annotated[str | None, typer.Option("--index", metavar="FILE", callback=out_file,
        help="SQLite index file (default: .archivist-oai.sqlite beside the records).")] = None,
    timeout: Annotated[float, typer.Option("--timeout", metavar="SECONDS", min=1,
        help="Seconds an idle or stalled connection is kept open.")] = defaults.TIMEOUT_SECONDS,
    site_url: Annotated[str | None, typer.Option("--site-url", metavar="URL",
        help="Public URL of the pages for people (as archivist site --base-url): canonical links, cite-as, "
             "linkset.json and the sitemap use it, and are left out without it.")] = None,
    citations: Annotated[bool, typer.Option("--citations/--no-citations",
        help="Give record pages the citation box (as archivist site).")] = True,
    workers: Annotated[int, typer.Option("--workers", "-w", metavar="N", min=0,
        help="Processes answering requests, each with its threads: 0 = one per core (on Windows always "
             "one).")] = 0,
    quiet: Quiet = False,
) -> None:
    """Serve records as an OAI-PMH 2.0 data provider (oai_dc, dcterms, marcxml; sets from subjects), and as
    the pages archivist site builds (same routes, same bytes) with /search over their text, subjects, languages.

    The SQLite index is built on first run, checked against the record files at start and rebuilt when they
    change. Invalid records are reported and left out. One line per request goes to stderr (none with -q).
    Ctrl-C stops the server.
    """
    import logging

    from ..oaipmh import Repository, open_server
    from ..site import SiteSettings, normalize_base_url

    say = Say(quiet)
    try:
        site = SiteSettings(name=name, base_url=normalize_base_url(site_url), citations=citations)
    except ValueError as exc:
        raise UsageMistake(f"--site-url: {exc}") from None
    repository = Repository(name=name, base_url=base_url or "", admin_email=admin_email,
                            repository_id=repository_id, page_size=page_size)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("archivist.oaipmh")
    logger.addHandler(handler)
    logger.propagate = False  # the request log has its own handler, not the run's warning channel
    logger.setLevel(logging.WARNING if quiet else logging.INFO)  # -q: no line per request, problems still
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # queued requests are normal under load
    try:
        server = open_server(paths, repository, host, port, index=Path(index) if index else None, timeout=timeout,
                             site=site, workers=workers)
    except (ArchivistError, OSError) as exc:
        raise _fail(str(exc)) from None
    for signum in (signal.SIGINT, signal.SIGTERM):  # from here on a stop, exit 0, whenever it comes
        signal.signal(signum, lambda *_: server.shutdown())
    say.problems(server.index.problems)
    say.info(server.describe())
    shown = f"[{host}]" if ":" in host else host
    say.info(f"pages for people at http://{shown}:{server.port}/ (search at /search)"
             + ("" if site_url else "; no --site-url: canonical links, cite-as, linksets and the sitemap are left out"))
    for warning in server.warnings():
        say.warn(warning)
    try:
        server.serve_forever()
    finally:
        server.index.close()


@app.command(epilog=examples(
    "archivist formats",
    "archivist formats | cut -d' ' -f1          # just the names, for --to",
))
def formats() -> None:
    """List the per-record export formats (extension, media type) and the catalog packages, on stdout."""
    from .. import exporters as registry
    from .. import packages as package_registry

    say = Say()
    exporters, packages = registry.available(), package_registry.available()
    _warn_ignored_plugins(say)
    width = max(map(len, [*exporters, *packages]))
    for name, exporter in exporters.items():
        say.data(f"{name:<{width}} {exporter.extension:<14} {exporter.media_type:<24} {exporter.description}")
    for name, package in packages.items():
        say.data(f"{name:<{width}} {'(package)':<14} {'':<24} {package.description}")


@app.command(epilog=examples(
    "archivist schema > record.schema.json",
    "archivist schema | python3 -m json.tool | less",
))
def schema() -> None:
    """Print the record JSON Schema (Draft 2020-12) that records are validated against, on stdout."""
    from ..records import schema_text

    sys.stdout.write(schema_text())

metadata_app = HelpTyper(
    name="metadata",
    cls=HelpGroup,
    help="Edit the descriptive metadata of many records in a spreadsheet: export a CSV, edit it, import it.",
    epilog=examples(
        "archivist metadata export records/ --out sheet.csv",
        "archivist metadata import sheet.csv records/",
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(metadata_app)


@metadata_app.command("export", epilog=examples(
    "archivist metadata export records/ --out sheet.csv",
    "archivist metadata export records/ --out - | head -3",
))
def metadata_export(
    paths: Annotated[list[str], typer.Argument(metavar="RECORDS...", help=RECORDS_HELP)],
    out: Annotated[str, typer.Option("--out", "-o", metavar="FILE", callback=out_file,
        help="The CSV file to write (replaced whole), or - for stdout.")] = "-",
    quiet: Quiet = False,
) -> None:
    """Write one CSV row per record and one column per descriptive field; repeated values are joined by ||.

    The file is UTF-8 with a byte order mark and CRLF line ends, as spreadsheets expect. A cell a spreadsheet
    would run as a formula (=, +, -, @) gets a leading apostrophe, which import takes off again. Exit 1 when a
    record could not be read (it is left out), 2 for a command-line mistake.
    """
    from ..curate import export_sheet, write_sheet

    say = Say(quiet)
    try:
        if out == "-":
            report = write_sheet(paths, sys.stdout.buffer)
            sys.stdout.flush()
        else:
            check_outputs(paths, {"the sheet": out})
            report = export_sheet(paths, out)
    except (ArchivistError, OSError) as exc:
        raise _fail(str(exc)) from None
    say.problems(report.problems)
    if out != "-":
        say.info(f"wrote {out} ({counted(report.rows, 'record')})")
    raise typer.Exit(EXIT_INVALID if report.problems else EXIT_OK)


@metadata_app.command("import", epilog=examples(
    "archivist metadata import sheet.csv records/",
    "archivist metadata import -q sheet.csv records/ || echo not applied",
))
def metadata_import(
    sheet: Annotated[Path, typer.Argument(metavar="FILE", callback=in_file,
        help="The edited CSV file (comma, semicolon or tab separated; UTF-8).")],
    folder: Annotated[str, typer.Argument(metavar="RECORDS", help="The folder of <id>.json records to change.")],
    quiet: Quiet = False,
    verbose: Annotated[bool, verbose_option("the number of fields changed")] = False,
) -> None:
    """Apply a sheet's edited cells to the records: all of them, or (on any error) none.

    Every changed record is validated; each changed field becomes an edited provenance event (old and new
    value) and the earlier version is kept in RECORDS/.archivist-history/. A row left as exported changes
    nothing. Every bad row or cell is reported as one error line naming the row and column. Exit 0 when the
    sheet was applied, 1 when it was not, 2 for a command-line mistake.
    """
    from ..curate import SheetInvalid, import_sheet

    say = Say(quiet, verbose)
    if not Path(folder).is_dir():
        raise UsageMistake(f"{folder}: not a folder; RECORDS is the folder of <id>.json records to change")
    try:
        report = import_sheet(sheet, folder)
    except SheetInvalid as exc:
        for line in exc.errors:
            say.error(line)
        say.info(f"nothing changed: {counted(len(exc.errors), 'error')} in {sheet}")
        raise typer.Exit(EXIT_INVALID) from None
    except (ArchivistError, OSError) as exc:
        raise _fail(str(exc)) from None
    say.detail(f"{counted(report.edits, 'field')} changed")
    say.info(f"{counted(report.changed, 'record')} changed, {report.rows - report.changed} unchanged")


@app.command(epilog=examples(
    "archivist withdraw records/ mrta-globalsecurity \\",
    "    --reason 'Removed at the request of the rights holder'",
    "archivist withdraw records/ doc-1 doc-2 --reason 'Duplicates of doc-3' -q",
))
def withdraw(
    folder: Annotated[str, typer.Argument(metavar="RECORDS", help="The folder of <id>.json records.")],
    ids: Annotated[list[str], typer.Argument(metavar="ID...", help="The ids of the records to withdraw.")],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT",
        help="Why the records are withdrawn (kept in the tombstone).")],
    quiet: Quiet = False,
) -> None:
    """Withdraw records: each record file moves to RECORDS/.archivist-history/ and a tombstone stays.

    serve then answers the record as deleted (OAI-PMH status="deleted"), and export's oai-static lists it so.
    All the ids are withdrawn, or (when one is not in RECORDS) none. Exit 0 on success, 2 for a mistake.
    """
    from ..curate import withdraw as withdraw_records

    say = Say(quiet)
    if not Path(folder).is_dir():
        raise UsageMistake(f"{folder}: not a folder; RECORDS is the folder of <id>.json records")
    try:
        stones = withdraw_records(folder, ids, reason)
    except (ArchivistError, OSError) as exc:
        raise _fail(str(exc)) from None
    say.info(f"{counted(len(stones), 'record')} withdrawn from {folder} ({', '.join(s.id for s in stones)})")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except ArchivistError as exc:  # a library error no command turned into a message
        _fail(str(exc))
        sys.exit(EXIT_USAGE)

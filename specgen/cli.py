"""The `specgen` command: thin click wrappers, one core call per command."""

from __future__ import annotations

import inspect
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn

import click

from . import __version__
from .catalog.rules import RULE_HELP, parse_rule
from .errors import Problem, SpecgenError, locating, printable
from .output import DEFAULT_OUT

if TYPE_CHECKING:
    from .catalog.load import Loaded
    from .splice.plan import Fragment

# Commands import the core they need when they run, so `specgen merge` does not pay for the
# documentation renderer at start-up (start-up is most of a merge's time on big documents).

CATALOG_HELP = (
    "CATALOG is a YAML or JSON file, or a Python 'module:attribute' holding a Catalog."
    " Without it, ./specgen.yaml is used, or else the embedded example catalog (561 Unauthorized)."
)


class _Group(click.Group):
    """Turns specgen's located errors into `file:line:col: message` lines and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SpecgenError as exc:
            report(exc.problems)
            ctx.exit(2)


def report(problems: list[Problem]) -> None:
    """Print problems to stderr, one per line."""
    for problem in problems:
        click.echo(str(problem), err=True)


def fail(message: str) -> NoReturn:
    """Stop with a usage-style error (exit 2) that names what was wrong."""
    raise click.UsageError(message)


def with_help(*paragraphs: str) -> Callable[[click.Command], click.Command]:
    """Append paragraphs to a command's help (its docstring, dedented as click would)."""

    def apply(command: click.Command) -> click.Command:
        command.help = "\n\n".join([inspect.cleandoc(command.help or ""), *paragraphs])
        return command

    return apply


EMBEDDED_NOTE = (
    "note: no CATALOG given and no ./specgen.yaml here; using the embedded example catalog"
    " (561 Unauthorized)"
)


def load_for_command(catalog: str | None, quiet: bool = False) -> Loaded:
    """Load the catalog a command names, saying so when the embedded example is used."""
    from .catalog.load import find_catalog, load

    source = find_catalog(catalog)
    if source.embedded and not quiet:
        click.echo(EMBEDDED_NOTE, err=True)
    return load(source)


def catalog_file(catalog: str | None) -> str:
    """The file a command's CATALOG argument reads (when it is a file), to never write over it."""
    # catalog.load.DEFAULT_CATALOG, not imported: merge must not load pydantic in this process.
    return "specgen.yaml" if catalog is None else catalog


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="specgen")
def cli() -> None:
    """specgen: document HTTP status codes and error responses from one catalog.

    A catalog (specgen.yaml) describes each status code - custom ones like 561 as well as
    standard ones - with its error schemas and examples. specgen checks it and renders OpenAPI
    fragments, byte-correct HTTP transcripts and an MkDocs site from it, and merges the
    fragments into existing OpenAPI documents.

    Exit status: 0 success, 1 a --check found differences (or --strict lint warnings, a verify
    mismatch, a diff change at its --fail-on severity), 2 bad input or usage.
    """


@with_help(CATALOG_HELP)
@cli.command("check")
@click.argument("catalog", required=False)
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings.")
def check_command(catalog: str | None, strict: bool) -> None:
    """Validate a catalog and lint it against the status code registry.

    Prints every problem as FILE:LINE:COL: message. Errors (exit 2) make the catalog unusable
    (everything `build` would refuse, schemas OpenAPI cannot express in the versions the
    catalog's `oas` targets among them); warnings flag codes that redefine registered ones,
    collide with known vendor uses, or give no standard equivalent.
    """
    from .catalog.source import no_cycle_collection

    with no_cycle_collection(final=True):  # the imports too: pydantic and the models allocate
        from .output.proof import checked

        loaded = load_for_command(catalog)
        warnings = checked(loaded)
    report(warnings)
    codes = loaded.catalog.codes
    examples = sum(len(status.examples) for status in codes.values())
    problems = [problem for _, _, problem in loaded.catalog.problem_types()]
    examples += sum(len(problem.examples) for problem in problems)
    click.echo(
        f"{loaded.source.name}: {len(codes)} code(s), {len(problems)} problem type(s),"
        f" {examples} example(s), {len(warnings)} warning(s)",
        err=True,
    )
    if strict and warnings:
        sys.exit(1)


@cli.command("explain")
@click.argument("code", type=click.IntRange(100, 599))
def explain_command(code: int) -> None:
    """Say what status CODE means: IANA registration, vendor uses, client fallback."""
    from .catalog.registry import explain

    click.echo(explain(code))


@cli.command("schema")
@click.option("-o", "--output", metavar="FILE", help="Write to this file instead of stdout.")
def schema_command(output: str | None) -> None:
    """Print the JSON Schema of the catalog format.

    Save it and point yaml-language-server at it for validation and completion in editors:
    put '# yaml-language-server: $schema=specgen.schema.json' at the top of specgen.yaml.
    """
    from .output.files import refuse_inputs, write_output

    refuse_inputs({"-o/--output": output}, [])
    from .catalog.models import catalog_json_schema
    from .text.render import dump_json

    write_output(output, dump_json(catalog_json_schema()) + "\n")


@with_help(CATALOG_HELP)
@cli.command("build")
@click.argument("catalog", required=False)
@click.option(
    "-o", "--out", default=DEFAULT_OUT, show_default=True, type=click.Path(file_okay=False),
    help="Output folder; specgen owns its openapi/, transcripts/ and docs/ subfolders.",
)
@click.option(
    "--check", "check_only", is_flag=True,
    help="Write nothing; exit 1 and list the stale files when OUT differs from the catalog.",
)
@click.option(
    "--since", metavar="REV",
    help="Also write OUT/docs/changes.md: what changed for consumers since the catalog of git"
         " revision REV (a tag, a branch, a commit), as `specgen diff` reports it.",
)
def build_command(catalog: str | None, out: str, check_only: bool, since: str | None) -> None:
    """Render every output of a catalog into OUT.

    Writes OUT/openapi/ (a fragment per OpenAPI version the catalog's `oas` targets, 3.0 and 3.1
    by default, in YAML and JSON), OUT/transcripts/ (HTTP/1.1 request and response of every
    example, and its curl command) and OUT/docs/ (Markdown pages for MkDocs, and catalog.json).
    Files are written atomically and only when they change. A file an earlier build wrote there
    that the catalog no longer makes is removed (and named); files specgen did not write, such
    as your own pages in OUT/docs/, are left alone (OUT/.specgen-manifest.json lists what the
    last build wrote).
    """
    from .output.build import build, check_build, refuse_inputs_inside

    refuse_inputs_inside(Path(out), [catalog_file(catalog)])
    loaded = load_for_command(catalog)
    if since is None:
        changes = None
    else:
        from .diff.revision import changes_since

        changes = changes_since(loaded, since)
    started = time.perf_counter()
    root = Path(out)
    with locating(loaded.locate):
        if check_only:
            total, found = check_build(loaded.catalog, root, changes)
        else:
            total, changed = build(loaded.catalog, root, changes)
    if check_only:
        for item in found:
            click.echo(f"{root / item.path}: {item.reason}", err=True)
        if found:
            click.echo(
                f"{len(found)} stale file(s) in {root}; run `specgen build` to update", err=True
            )
            sys.exit(1)
        click.echo(f"{root}: {total} file(s) up to date", err=True)
        return
    elapsed = time.perf_counter() - started
    for path in changed:
        if not (root / path).exists():  # said by name: it may be a file someone put there
            click.echo(f"{root / path}: removed (the catalog does not produce it)", err=True)
    click.echo(f"{root}: {total} file(s), {len(changed)} changed, in {elapsed:.2f} s", err=True)


@with_help(CATALOG_HELP)
@cli.command("transcripts")
@click.argument("catalog", required=False)
@click.option("--code", type=int, help="Only the examples of this status code.")
@click.option("--example", "slug", metavar="SLUG",
              help="Only the example with this slug, or the examples of the problem type with"
                   " this slug.")
@click.option("--raw", is_flag=True, help="Write the exact bytes (CRLF) of requests and responses.")
def transcripts_command(catalog: str | None, code: int | None, slug: str | None, raw: bool) -> None:
    """Print the example transcripts: each request, its response and the request as curl.

    The text is what `specgen build` writes to OUT/transcripts/, with LF line ends for reading.
    With --raw, each request's bytes are followed by its response's, exactly as sent on the wire.
    Without it, control characters a terminal would act on are shown escaped (\\x1b).
    """
    from .http.transcripts import select_transcripts, transcripts_text

    loaded = load_for_command(catalog)
    try:
        chosen = select_transcripts(loaded.catalog, code, slug)
    except LookupError as exc:
        fail(str(exc.args[0]))
    if not chosen:
        click.echo("the catalog has no examples", err=True)
    if raw:
        sys.stdout.flush()
        sys.stdout.buffer.write(b"".join(t.request + (t.response or b"") for t in chosen))
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(transcripts_text(chosen))


@with_help(CATALOG_HELP)
@cli.command("openapi")
@click.argument("catalog", required=False)
@click.option("--oas", type=click.Choice(["3.0", "3.1"]),
              help="OpenAPI version, one the catalog's `oas` targets; 3.0 down-converts the JSON"
                   " Schemas (nullable, example, ...). [default: 3.1, or 3.0 for a catalog that"
                   " targets only 3.0]")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml",
              show_default=True, help="Output format.")
@click.option("-o", "--output", metavar="FILE",
              help="Write to this file instead of stdout ('-': stdout).")
def openapi_command(
    catalog: str | None, oas: Literal["3.0", "3.1"] | None, fmt: Literal["yaml", "json"],
    output: str | None,
) -> None:
    """Print the catalog's OpenAPI fragment, a valid document made of components.

    Its components hold a response per status code with the schemas, headers and examples it
    uses. Reference them from your API's document, or let `specgen merge` place them;
    `specgen build` writes the same fragments to OUT/openapi/.
    """
    from .output.files import refuse_inputs, write_output

    refuse_inputs({"-o/--output": output}, [catalog_file(catalog)])
    from .openapi.fragment import dump_openapi, render_openapi

    loaded = load_for_command(catalog)
    with locating(loaded.locate):
        document = render_openapi(loaded.catalog, oas)

    write_output(output, dump_openapi(document, fmt))


@cli.command("init")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
def init_command(directory: str) -> None:
    """Start a catalog and its documentation site in DIRECTORY (default: here).

    Writes specgen.yaml (a starter catalog with a yaml-language-server schema comment),
    specgen.schema.json (for editor completion) and mkdocs.yml (Material theme and the specgen
    plugin), so `mkdocs build --strict` works at once. Existing files are never overwritten:
    if any is there, nothing is written and the exit status is 2.
    """
    from .output.init import init

    for path in init(Path(directory)):
        click.echo(f"wrote {path}", err=True)


@with_help(f"RULE: {RULE_HELP}.", CATALOG_HELP)
@cli.command("merge")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False))
@click.option("--catalog", metavar="CATALOG",
              help="The catalog whose responses to merge (see below).")
@click.option("--attach", "rules", multiple=True, metavar="RULE",
              help="Attach every code's response where RULE matches, instead of each code's"
                   " own 'attach' rules. Repeatable.")
@click.option("--on-conflict", type=click.Choice(["error", "keep", "replace"]), default="error",
              show_default=True, help="What to do when the document already has a different"
                                      " response for a code, or a component of the same name.")
@click.option("-o", "--output", metavar="FILE",
              help="Write the merged document here ('-' or none: stdout).")
@click.option("--in-place", is_flag=True, help="Rewrite SPEC itself, and the other files of its"
                                              " description the merge changes (atomically, all"
                                              " or nothing).")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 when the merge would change SPEC (or another file of"
                   " its description), 0 when up to date.")
@click.option("--overlay", metavar="FILE",
              help="Write the change as an OpenAPI Overlay 1.0 document to this file (YAML, or"
                   " JSON for *.json) instead of merging.")
@click.option("--fragment", "fragments", multiple=True,
              type=click.Path(exists=True, dir_okay=False),
              help="Also merge this OpenAPI fragment file (components and paths). Repeatable.")
@click.option("--adopt", is_flag=True,
              help="Replace each operation's inline response that equals the catalog's response"
                   " for its code by a $ref to the shared component (added when missing).")
def merge_command(
    spec: str, catalog: str | None, rules: tuple[str, ...],
    on_conflict: Literal["error", "keep", "replace"], output: str | None, in_place: bool,
    check_only: bool, overlay: str | None, fragments: tuple[str, ...], adopt: bool,
) -> None:
    """Merge the catalog's responses into the OpenAPI document SPEC (YAML or JSON).

    Adds the components (in SPEC's OAS version, which the catalog's `oas` must target) and
    attaches each code's response by $ref to the operations its rules select. Only the added
    text changes: comments, key order, quoting and indentation survive. Path items and
    operations that are $refs to other files (inside SPEC's folder) are followed: the response
    is attached in the file where the operation is. What SPEC already says needs nothing: a
    response or component equal to the catalog's once local $refs are followed (key order,
    x-specgen marks, the whitespace around descriptions and the names of examples aside). A
    different response an operation already has for a code, or a different component of the same
    name, is a conflict (exit 2, nothing written) unless --on-conflict says otherwise. What an
    earlier merge wrote (marked with x-specgen) is updated from the catalog, so a re-merge after
    a catalog edit needs no --on-conflict. Merging twice changes nothing the second time. A
    summary of what was done (or, with --check, would be) goes to stderr.
    """
    from .output.background import Background
    from .splice.io import MergeRun, fragment_file, read_bytes, run, spec_version
    from .splice.plan import scan, sections_of

    if in_place and output is not None:
        fail("give -o/--output or --in-place, not both")
    if overlay is not None and (in_place or output is not None):
        fail("--overlay writes the change instead of the document; drop -o/--in-place")
    try:
        parsed = [parse_rule(rule) for rule in rules]
    except ValueError as exc:
        fail(str(exc))
    from .output.files import refuse_inputs

    refuse_inputs({"-o/--output": output, "--overlay": overlay},
                  [spec, *fragments, catalog_file(catalog)])
    document = read_bytes(Path(spec))
    oas = spec_version(document, spec)
    # The catalog (pydantic, jsonschema) loads in a child process while this one scans SPEC.
    with Background(lambda: merge_fragment(catalog, oas, spec)) as pending:
        extra = [fragment_file(Path(path), oas, spec) for path in fragments]
        scanned = scan(document, spec, sections_of(extra))
        merged = [pending.result(), *extra]
    job = MergeRun(Path(spec), merged, parsed, on_conflict, output, in_place, check_only, overlay,
                   adopt)
    status, summary = run(job, scanned)
    for line in summary.lines(check=check_only):
        click.echo(f"{spec}: {line}", err=True)
    if catalog is None and not Path(catalog_file(catalog)).is_file():
        # Said here, after the summary: the child that loads the catalog may not share this
        # process's stderr, and a refused merge's stderr holds only located problems.
        click.echo(EMBEDDED_NOTE, err=True)
    if check_only and status:
        click.echo(f"{spec}: not up to date; `specgen merge` would change it", err=True)
    sys.exit(status)


def merge_fragment(catalog: str | None, oas: str, spec: str) -> Fragment:
    """The catalog's components as a fragment in the OAS version of the document `spec`."""
    from .splice.io import catalog_fragment

    loaded = load_for_command(catalog, quiet=True)
    with locating(loaded.locate):
        return catalog_fragment(loaded, oas, spec)


PROGRESS_MIN = 50
"""Runs of this many exchanges show a progress bar even when stderr is not a terminal."""


@with_help(CATALOG_HELP)
@cli.command("verify")
@click.argument("catalog", required=False)
@click.option("--base-url", required=True, metavar="URL",
              help="Where the API runs, e.g. http://127.0.0.1:8000; example paths are appended"
                   " to its path. No request goes to another origin.")
@click.option("--code", type=int, help="Only the examples of this status code.")
@click.option("--problem", metavar="SLUG",
              help="Only the examples of this problem type (the last segment of its type URI).")
@click.option("--example", "slug", metavar="SLUG", help="Only the example with this slug.")
@click.option("--header", "headers", multiple=True, metavar="'NAME: VALUE'",
              help="Send this header with every request, replacing an example's header of that"
                   " name; $VAR and ${VAR} are taken from the environment ($$ is a literal $)."
                   " Never printed. Repeatable.")
@click.option("--concurrency", type=click.IntRange(1, 256), default=4, show_default=True,
              help="Requests in flight at once.")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=10.0,
              show_default=True, help="Seconds each request may take, connection included.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False),
              help="Also write the results here: JUnit XML for *.xml, else JSON.")
@click.option("--allow-unsafe-methods", is_flag=True,
              help="Also send examples whose method is not GET, HEAD or OPTIONS (they may change"
                   " data on the server); without it they are listed as skipped.")
def verify_command(
    catalog: str | None, base_url: str, code: int | None, problem: str | None,
    slug: str | None, headers: tuple[str, ...], concurrency: int, timeout: float,
    report_file: str | None, allow_unsafe_methods: bool,
) -> None:
    """Replay the catalog's examples against a running API and compare the responses.

    Each example's request goes out as its transcript has it; the response must have the
    documented status code, the headers the code requires (valid against their schemas), the
    example's content type, a body valid against its schema and, for problem documents, the
    documented type, title and status. Every deviation is printed as expected versus received.
    Redirects are not followed; Authorization, Cookie and --header values never appear in the
    output or the report.

    Exit status: 0 everything sent conforms, 1 a mismatch, a request without a response or
    nothing sent at all (no example selected, or all skipped), 2 bad input or an unreachable
    server.
    """
    from .output.files import refuse_inputs, write_output
    from .verify.plan import Selection, parse_header
    from .verify.session import verify_catalog

    refuse_inputs({"--report": report_file}, [catalog_file(catalog)])
    extra = [parse_header(text) for text in headers]
    loaded = load_for_command(catalog)
    with _ProgressBar() as progress:
        report = verify_catalog(
            loaded, base_url, Selection(code, problem, slug), extra, concurrency=concurrency,
            timeout=timeout, allow_unsafe_methods=allow_unsafe_methods, progress=progress,
        )
    if not report.results:
        click.echo("nothing to verify: no example of the catalog is selected", err=True)
    elif all(result.outcome == "skipped" for result in report.results):
        click.echo("nothing verified: every selected example was skipped", err=True)
    sys.stdout.write(report.text())
    if report_file is not None:
        write_output(report_file, report.junit() if report_file.endswith(".xml") else report.json())
    click.echo(report.summary(), err=True)
    sys.exit(report.exit_status)


class _ProgressBar:
    """click's progress bar on stderr, shown on a terminal or for long runs, made when the
    first exchange completes (the core says how many there are)."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.shown = 0

    def __enter__(self) -> Callable[[int, int], None]:
        return self.update

    def update(self, done: int, total: int) -> None:
        if self.bar is None and (sys.stderr.isatty() or total >= PROGRESS_MIN):
            self.bar = click.progressbar(length=total, label="verify", file=sys.stderr)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(done - self.shown)
            self.shown = done

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
@cli.command("import")
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("-o", "--output", metavar="FILE", default="specgen.yaml", show_default=True,
              help="Write the catalog here ('-': stdout). An existing file is not replaced"
                   " unless --force is given.")
@click.option("--codes", metavar="CODES", default="4xx,5xx", show_default=True,
              help="Which codes to import: classes (4xx) and codes (429), comma-separated.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
def import_command(spec: str, output: str, codes: str, force: bool) -> None:
    """Write a catalog made from the error responses an OpenAPI document SPEC already has.

    Each selected code becomes an entry with its reason, summary and description, headers,
    media types and schemas (component names kept), and examples whose requests come from the
    operations they were on. Attach rules are inferred so that they select exactly the
    operations that had the response. Where operations have different responses for one code,
    the one most operations share is imported and the others are left as they are (reported).
    Anything the catalog checks would refuse (an example that does not match its schema...)
    is left out and reported, so the catalog checks clean. A 3.1 document whose schemas
    OpenAPI 3.0 cannot express gives a catalog that targets 3.1 only (`oas: ["3.1"]`).
    """
    from .importer.run import import_document, parse_codes, write_catalog
    from .output.files import refuse_inputs, write_output

    try:
        selection = parse_codes(codes)
    except ValueError as exc:
        fail(str(exc))
    refuse_inputs({"-o/--output": output}, [spec])
    if output != "-" and Path(output).exists() and not force:
        fail(f"{output} exists; give --force to replace it, or -o another file")
    text, imported = import_document(Path(spec), selection, schema=output != "-")
    if output == "-":
        write_output(None, text)
    else:
        write_catalog(Path(output), text)
    for note in imported.notes:
        click.echo(f"{spec}: note: {printable(note)}", err=True)
    if not imported.data["codes"]:
        click.echo(f"{spec}: note: no operation has a response under the codes selected"
                   f" ({codes}); `default` responses name no code and are not imported", err=True)
    target = "stdout" if output == "-" else output
    click.echo(f"{spec}: {len(imported.data['codes'])} code(s) imported to {target}", err=True)


@cli.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              help="text: one line per change; markdown: a changelog page; json: for tools."
                   "  [default: json for -o FILE.json, markdown for FILE.md, else text]")
@click.option("--fail-on", type=click.Choice(["breaking", "warning", "never"]),
              default="breaking", show_default=True,
              help="Exit 1 when a change of this severity or a worse one is found.")
@click.option("-o", "--output", metavar="FILE",
              help="Write the report to this file instead of stdout.")
def diff_command(old: str, new: str, fmt: Literal["text", "markdown", "json"] | None,
                 fail_on: str, output: str | None) -> None:
    """Report what changed for the API's consumers from catalog OLD to catalog NEW.

    OLD and NEW are catalog files, or REV:PATH to read a catalog from git (`main:specgen.yaml`;
    PATH from the repository's top folder, or from here when it starts with ./), or a Python
    'module:attribute' holding a Catalog. Each change
    is one entry with its severity (breaking, warning, info), its rule and its place in both
    catalogs: codes, problem types, body fields, headers, media types, retry advice and
    deprecation. Every rule and its reason is listed in the diff rules reference.

    Exit status: 0 no change at or above --fail-on, 1 such a change, 2 bad input.
    """
    from .catalog.source import no_cycle_collection

    with no_cycle_collection(final=True):  # the imports too: pydantic and the models allocate
        from .api import diff_catalogs

        # Reads the files in children forked before anything else is imported, the models
        # included; the report is refused before anything is written.
        changes = diff_catalogs(old, new)
        from .diff.report import render, summary
        from .diff.rules import SEVERITIES
        from .output.files import refuse_inputs, write_output

        refuse_inputs({"-o/--output": output}, [old, new])
    if fmt is None:  # the output file's name says what it holds
        suffix = Path(output).suffix.lower() if output else ""
        fmt = "json" if suffix == ".json" else "markdown" if suffix == ".md" else "text"
    write_output(output, render(changes, fmt))
    click.echo(f"{old} -> {new}: {summary(changes)}", err=True)
    if fail_on != "never":
        worst = SEVERITIES[: SEVERITIES.index(fail_on) + 1]
        if any(item.change.rule.severity in worst for item in changes):
            sys.exit(1)


def main() -> None:
    """Entry point of the `specgen` console script."""
    cli(prog_name="specgen")

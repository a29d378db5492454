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
from .errors import Problem, SpecgenError, locating

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


def load_for_command(catalog: str | None, quiet: bool = False) -> Loaded:
    """Load the catalog a command names, saying so when the embedded example is used."""
    from .catalog.load import find_catalog, load

    source = find_catalog(catalog)
    if source.embedded and not quiet:
        click.echo(
            "note: no CATALOG given and no ./specgen.yaml here; using the embedded example"
            " catalog (561 Unauthorized)",
            err=True,
        )
    return load(source)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="specgen")
def cli() -> None:
    """specgen: document HTTP status codes and error responses from one catalog.

    A catalog (specgen.yaml) describes each status code - custom ones like 561 as well as
    standard ones - with its error schemas and examples. specgen checks it and renders OpenAPI
    fragments, byte-correct HTTP transcripts and an MkDocs site from it, and merges the
    fragments into existing OpenAPI documents.

    Exit status: 0 success, 1 a --check found differences (or --strict lint warnings),
    2 bad input or usage.
    """


@with_help(CATALOG_HELP)
@cli.command("check")
@click.argument("catalog", required=False)
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings.")
def check_command(catalog: str | None, strict: bool) -> None:
    """Validate a catalog and lint it against the status code registry.

    Prints every problem as FILE:LINE:COL: message. Errors (exit 2) make the catalog unusable;
    warnings flag codes that redefine registered ones, collide with known vendor uses, or give
    no standard equivalent.
    """
    from .catalog import check

    loaded = load_for_command(catalog)
    warnings = loaded.problems(check.warnings(loaded.catalog))
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
@click.option("-o", "--output", help="Write to this file instead of stdout.")
def schema_command(output: str | None) -> None:
    """Print the JSON Schema of the catalog format.

    Save it and point yaml-language-server at it for validation and completion in editors:
    put '# yaml-language-server: $schema=specgen.schema.json' at the top of specgen.yaml.
    """
    from .catalog.models import catalog_json_schema
    from .output.write import write_output
    from .text.render import dump_json

    write_output(output, dump_json(catalog_json_schema()) + "\n")


@with_help(CATALOG_HELP)
@cli.command("build")
@click.argument("catalog", required=False)
@click.option(
    "-o", "--out", default="build/specgen", show_default=True, type=click.Path(file_okay=False),
    help="Output folder; specgen owns its openapi/, transcripts/ and docs/ subfolders.",
)
@click.option(
    "--check", "check_only", is_flag=True,
    help="Write nothing; exit 1 and list the stale files when OUT differs from the catalog.",
)
def build_command(catalog: str | None, out: str, check_only: bool) -> None:
    """Render every output of a catalog into OUT.

    Writes OUT/openapi/ (OpenAPI 3.0 and 3.1 fragments, YAML and JSON), OUT/transcripts/
    (HTTP/1.1 request and response of every example, and its curl command) and OUT/docs/
    (Markdown pages for MkDocs). Files are written atomically and only when they change;
    files the catalog no longer produces are removed from those folders.
    """
    from .output.build import build, check_build

    loaded = load_for_command(catalog)
    started = time.perf_counter()
    root = Path(out)
    with locating(loaded.locate):
        if check_only:
            total, found = check_build(loaded.catalog, root)
        else:
            total, changed = build(loaded.catalog, root)
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
    click.echo(f"{root}: {total} file(s), {len(changed)} changed, in {elapsed:.2f} s", err=True)


@with_help(CATALOG_HELP)
@cli.command("transcripts")
@click.argument("catalog", required=False)
@click.option("--code", type=int, help="Only the examples of this status code.")
@click.option("--example", "slug", metavar="SLUG", help="Only the example with this slug.")
@click.option("--raw", is_flag=True, help="Write the exact bytes (CRLF) of requests and responses.")
def transcripts_command(catalog: str | None, code: int | None, slug: str | None, raw: bool) -> None:
    """Print the example transcripts: each request, its response and the request as curl.

    The text is what `specgen build` writes to OUT/transcripts/, with LF line ends for reading.
    With --raw, each request's bytes are followed by its response's, exactly as sent on the wire.
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
        sys.stdout.buffer.write(b"".join(t.request + t.response for t in chosen))
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(transcripts_text(chosen))


@with_help(CATALOG_HELP)
@cli.command("openapi")
@click.argument("catalog", required=False)
@click.option("--oas", type=click.Choice(["3.0", "3.1"]), default="3.1", show_default=True,
              help="OpenAPI version; 3.0 down-converts the JSON Schemas (nullable, example, ...).")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml",
              show_default=True, help="Output format.")
@click.option("-o", "--output", help="Write to this file instead of stdout ('-': stdout).")
def openapi_command(
    catalog: str | None, oas: Literal["3.0", "3.1"], fmt: Literal["yaml", "json"],
    output: str | None,
) -> None:
    """Print the catalog's OpenAPI fragment, a valid document made of components.

    Its components hold a response per status code with the schemas, headers and examples it
    uses. Reference them from your API's document, or let `specgen merge` place them;
    `specgen build` writes the same fragments to OUT/openapi/.
    """
    from .openapi.fragment import dump_openapi, render_openapi

    loaded = load_for_command(catalog)
    with locating(loaded.locate):
        document = render_openapi(loaded.catalog, oas)
    from .output.write import write_output

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
@click.option("--catalog", help="The catalog whose responses to merge (see below).")
@click.option("--attach", "rules", multiple=True, metavar="RULE",
              help="Attach every code's response where RULE matches, instead of each code's"
                   " own 'attach' rules. Repeatable.")
@click.option("--on-conflict", type=click.Choice(["error", "keep", "replace"]), default="error",
              show_default=True, help="What to do when the document already has a different"
                                      " response for a code, or a component of the same name.")
@click.option("-o", "--output", help="Write the merged document here ('-' or none: stdout).")
@click.option("--in-place", is_flag=True, help="Rewrite SPEC itself (atomically).")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 when the merge would change SPEC, 0 when up to date.")
@click.option("--overlay", help="Write the change as an OpenAPI Overlay 1.0 document to this"
                                " file (YAML, or JSON for *.json) instead of merging.")
@click.option("--fragment", "fragments", multiple=True,
              type=click.Path(exists=True, dir_okay=False),
              help="Also merge this OpenAPI fragment file (components and paths). Repeatable.")
def merge_command(
    spec: str, catalog: str | None, rules: tuple[str, ...],
    on_conflict: Literal["error", "keep", "replace"], output: str | None, in_place: bool,
    check_only: bool, overlay: str | None, fragments: tuple[str, ...],
) -> None:
    """Merge the catalog's responses into the OpenAPI document SPEC (YAML or JSON).

    Adds the components (in SPEC's OAS version) and attaches each code's response by $ref to
    the operations its rules select. Only the added text changes: comments, key order, quoting
    and indentation survive. A response an operation already has for a code, or a component
    of the same name with different content, is a conflict (exit 2, nothing written) unless
    --on-conflict says otherwise; identical components are shared. Merging twice changes
    nothing the second time.
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
    document = read_bytes(Path(spec))
    oas = spec_version(document, spec)
    # The catalog (pydantic, jsonschema) loads in a child process while this one scans SPEC.
    with Background(lambda: merge_fragment(catalog, oas)) as pending:
        extra = [fragment_file(Path(path)) for path in fragments]
        scanned = scan(document, spec, sections_of(extra))
        merged = [pending.result(), *extra]
    job = MergeRun(Path(spec), merged, parsed, on_conflict, output, in_place, check_only, overlay)
    status = run(job, scanned)
    if check_only and status:
        click.echo(f"{spec}: not up to date; `specgen merge` would change it", err=True)
    sys.exit(status)


def merge_fragment(catalog: str | None, oas: str) -> Fragment:
    """The catalog's components as a fragment in the document's OAS version."""
    from .splice.io import catalog_fragment

    loaded = load_for_command(catalog, quiet=True)
    with locating(loaded.locate):
        return catalog_fragment(loaded, oas)


def main() -> None:
    """Entry point of the `specgen` console script."""
    cli(prog_name="specgen")

"""The `specgen` command: thin click wrappers, one core call per command."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__, check, registry
from .build import MANAGED, build_plan
from .models import catalog_json_schema
from .errors import Problem, SpecgenError
from .load import Loaded, find_catalog, load
from .render import dump_json
from .write import atomic_write, stale, write_plan

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


def load_for_command(catalog: str | None, quiet: bool = False) -> Loaded:
    """Load the catalog a command names, saying so when the embedded example is used."""
    source = find_catalog(catalog)
    if source.embedded and not quiet:
        click.echo(
            "note: no CATALOG given and no ./specgen.yaml here; using the embedded example"
            " catalog (561 Unauthorized)",
            err=True,
        )
    return load(source)


def write_output(output: str | None, text: str) -> None:
    """Write to a file atomically, or to stdout for None or '-'."""
    if output is None or output == "-":
        sys.stdout.write(text)
    else:
        atomic_write(Path(output), text)


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


@cli.command("check")
@click.argument("catalog", required=False)
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings.")
def check_command(catalog: str | None, strict: bool) -> None:
    """Validate a catalog and lint it against the status code registry.

    Prints every problem as FILE:LINE:COL: message. Errors (exit 2) make the catalog unusable;
    warnings flag codes that redefine registered ones, collide with known vendor uses, or give
    no standard equivalent.

    """
    loaded = load_for_command(catalog)
    warnings = loaded.problems(check.warnings(loaded.catalog))
    report(warnings)
    codes = loaded.catalog.codes
    examples = sum(len(status.examples) for status in codes.values())
    click.echo(
        f"{loaded.source.name}: {len(codes)} code(s), {examples} example(s),"
        f" {len(warnings)} warning(s)",
        err=True,
    )
    if strict and warnings:
        sys.exit(1)


check_command.help = f"{check_command.help}\n\n{CATALOG_HELP}"


@cli.command("explain")
@click.argument("code", type=click.IntRange(100, 599))
def explain_command(code: int) -> None:
    """Say what status CODE means: IANA registration, vendor uses, client fallback."""
    click.echo(registry.explain(code))


@cli.command("schema")
@click.option("-o", "--output", help="Write to this file instead of stdout.")
def schema_command(output: str | None) -> None:
    """Print the JSON Schema of the catalog format.

    Save it and point yaml-language-server at it for validation and completion in editors:
    put '# yaml-language-server: $schema=specgen.schema.json' at the top of specgen.yaml.
    """
    write_output(output, dump_json(catalog_json_schema()) + "\n")


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
    loaded = load_for_command(catalog)
    started = time.perf_counter()
    plan = build_plan(loaded.catalog)
    root = Path(out)
    if check_only:
        found = stale(root, plan, MANAGED)
        for item in found:
            click.echo(f"{root / item.path}: {item.reason}", err=True)
        if found:
            click.echo(f"{len(found)} stale file(s) in {root}; run `specgen build` to update", err=True)
            sys.exit(1)
        click.echo(f"{root}: {len(plan)} file(s) up to date", err=True)
        return
    changed = write_plan(root, plan, MANAGED)
    elapsed = time.perf_counter() - started
    click.echo(
        f"{root}: {len(plan)} file(s), {len(changed)} changed, in {elapsed:.2f} s", err=True
    )


build_command.help = f"{build_command.help}\n\n{CATALOG_HELP}"


def main() -> None:
    """Entry point of the `specgen` console script."""
    cli(prog_name="specgen")

"""Commands about the catalog itself: check, explain, schema, init."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .base import (
    CATALOG_HELP,
    CodeOrClass,
    PlainArgument,
    cli,
    load_for_command,
    report,
    with_help,
)


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
    from ..catalog.source import no_cycle_collection

    with no_cycle_collection(final=True):  # the imports too: pydantic and the models allocate
        from ..output.proof import checked

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
@click.argument("code", type=CodeOrClass())
def explain_command(code: int | str) -> None:
    """Say what status CODE means: IANA registration, vendor uses, client fallback.

    CODE may also be a class, such as 5xx: its registered codes, the unregistered ones known
    vendors use, and what clients make of the others.
    """
    from ..api import explain

    click.echo(explain(code))


@cli.command("schema")
@click.option("-o", "--output", metavar="FILE", help="Write to this file instead of stdout.")
def schema_command(output: str | None) -> None:
    """Print the JSON Schema of the catalog format.

    Save it and point yaml-language-server at it for validation and completion in editors:
    put '# yaml-language-server: $schema=specgen.schema.json' at the top of specgen.yaml.
    """
    from ..output.files import refuse_inputs, write_output

    refuse_inputs({"-o/--output": output}, [])
    from ..catalog.models import catalog_json_schema
    from ..text.render import dump_json

    write_output(output, dump_json(catalog_json_schema()) + "\n")


@cli.command("init")
@click.argument("directory", cls=PlainArgument, default=".", type=click.Path(file_okay=False))
def init_command(directory: str) -> None:
    """Start a catalog and its documentation site in DIRECTORY (default: here).

    Writes specgen.yaml (a starter catalog with a yaml-language-server schema comment),
    specgen.schema.json (for editor completion) and mkdocs.yml (Material theme and the specgen
    plugin), so `mkdocs build --strict` works at once. Existing files are never overwritten:
    if any is there, nothing is written and the exit status is 2.
    """
    from ..output.init import init

    for path in init(Path(directory)):
        click.echo(f"wrote {path}", err=True)

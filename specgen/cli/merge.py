"""Commands between a catalog and OpenAPI documents: merge (and the catalog side it runs
in a child process) and import."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from ..catalog.rules import RULE_HELP, parse_rule
from ..errors import locating, printable
from .base import (
    CATALOG_HELP,
    EMBEDDED_NOTE,
    catalog_file,
    cli,
    fail,
    load_for_command,
    with_help,
)

if TYPE_CHECKING:
    from ..splice.plan import Fragment


@with_help(f"RULE: {RULE_HELP}.", CATALOG_HELP)
@cli.command("merge")
@click.argument("spec", type=click.Path(dir_okay=False))
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
              type=click.Path(dir_okay=False),
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
    from ..output.background import Background
    from ..splice.io import MergeRun, fragment_file, read_bytes, run, spec_version
    from ..splice.plan import scan, sections_of

    if in_place and output is not None:
        fail("give -o/--output or --in-place, not both")
    if overlay is not None and (in_place or output is not None):
        fail("--overlay writes the change instead of the document; drop -o/--in-place")
    try:
        parsed = [parse_rule(rule) for rule in rules]
    except ValueError as exc:
        fail(str(exc))
    from ..output.files import refuse_inputs

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
    from ..splice.io import catalog_fragment

    loaded = load_for_command(catalog, quiet=True)
    with locating(loaded.locate):
        return catalog_fragment(loaded, oas, spec)


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
    from ..importer.run import import_document, parse_codes, write_catalog
    from ..output.files import refuse_inputs, write_output

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

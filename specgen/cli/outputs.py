"""Commands that render a catalog's outputs: build, transcripts, openapi."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Literal

import click

from ..errors import locating
from ..output import DEFAULT_OUT
from .base import (
    CATALOG_HELP,
    STATUS_CODE,
    catalog_file,
    cli,
    fail,
    load_for_command,
    with_help,
)


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
    from ..output.build import build, check_build, refuse_inputs_inside

    refuse_inputs_inside(Path(out), [catalog_file(catalog)])
    loaded = load_for_command(catalog)
    if since is None:
        changes = None
    else:
        from ..diff.revision import changes_since

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
@click.option("--code", type=STATUS_CODE, help="Only the examples of this status code.")
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
    from ..http.transcripts import select_transcripts, transcripts_text

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
    from ..output.files import refuse_inputs, write_output

    refuse_inputs({"-o/--output": output}, [catalog_file(catalog)])
    from ..openapi.fragment import dump_openapi, render_openapi

    loaded = load_for_command(catalog)
    with locating(loaded.locate):
        document = render_openapi(loaded.catalog, oas)

    write_output(output, dump_openapi(document, fmt))

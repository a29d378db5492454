"""`specgen diff`: what changed for consumers between two catalogs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

import click

from .base import (
    cli,
)


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
    from ..catalog.source import no_cycle_collection

    with no_cycle_collection(final=True):  # the imports too: pydantic and the models allocate
        from ..api import diff_catalogs

        # Reads the files in children forked before anything else is imported, the models
        # included; the report is refused before anything is written.
        changes = diff_catalogs(old, new)
        from ..diff.report import render, summary
        from ..diff.rules import SEVERITIES
        from ..output.files import refuse_inputs, write_output

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

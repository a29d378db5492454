"""`specgen verify`: the catalog's examples replayed against a running API."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from .base import (
    CATALOG_HELP,
    STATUS_CODE,
    Bounded,
    catalog_file,
    cli,
    load_for_command,
    with_help,
)

PROGRESS_MIN = 50
"""Runs of this many exchanges show a progress bar even when stderr is not a terminal."""


@with_help(CATALOG_HELP)
@cli.command("verify")
@click.argument("catalog", required=False)
@click.option("--base-url", required=True, metavar="URL",
              help="Where the API runs, e.g. http://127.0.0.1:8000; example paths are appended"
                   " to its path. No request goes to another origin.")
@click.option("--code", type=STATUS_CODE, help="Only the examples of this status code.")
@click.option("--problem", metavar="SLUG",
              help="Only the examples of the problem type with this slug (its key under a code's"
                   " `problems:`).")
@click.option("--example", "slug", metavar="SLUG", help="Only the example with this slug.")
@click.option("--header", "headers", multiple=True, metavar="'NAME: VALUE'",
              help="Send this header with every request, replacing an example's header of that"
                   " name; $VAR and ${VAR} are taken from the environment ($$ is a literal $)."
                   " Never printed. Repeatable.")
@click.option("--concurrency", default=4,
              type=Bounded(int, "a whole number from 1 to 256", 1, 256, metavar="N"),
              show_default=True, help="Requests in flight at once (1 to 256).")
@click.option("--timeout", type=Bounded(float, "a number of seconds above 0, like 10 or 0.5", 0,
                                        metavar="S", above=True),
              default=10.0, show_default=True,
              help="Seconds each request may take, connection included (above 0).")
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
    from ..output.files import refuse_inputs, write_output
    from ..verify.plan import Selection, parse_header
    from ..verify.session import verify_catalog

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

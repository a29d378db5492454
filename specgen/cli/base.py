"""What every command shares: the `specgen` group, its error reporting, the help of
CATALOG arguments and the option types whose refusals are in specgen's words."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .. import __version__
from ..catalog.registry import code_class
from ..errors import Problem, SpecgenError

if TYPE_CHECKING:
    from ..catalog.load import Loaded

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


class Bounded(click.ParamType[int | float]):
    """A number whose refusal says in words what is accepted, where click's would say
    "'abc' is not a valid integer range" or "0 is not in the range 1<=x<=256"."""

    def __init__(self, kind: type[int] | type[float], accepted: str, low: float,
                 high: float = math.inf, *, metavar: str, above: bool = False) -> None:
        self.kind, self.accepted, self.low, self.high, self.above = kind, accepted, low, high, above
        self.metavar = metavar
        self.name = metavar.lower()

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return self.metavar

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int | float:
        text = str(value).strip()
        whole = text.isascii() and text.isdigit()  # int() would take "5_61", "+561" and "٥٦١"
        try:
            number = (value if isinstance(value, self.kind)
                      else self.kind(text) if self.kind is float or whole else math.nan)
        except ValueError:
            number = math.nan
        low_ok = number > self.low if self.above else number >= self.low
        if not (low_ok and number <= self.high and math.isfinite(number)):
            self.fail(f"{str(value)!r} is not {self.accepted}", param, ctx)
        return number


STATUS_CODE = Bounded(int, "a status code: give one from 100 to 599, like 561", 100, 599,
                      metavar="CODE")


class CodeOrClass(click.ParamType[int | str]):
    """A status code (an int) or a class of codes written `5xx` (the text, lowercase)."""

    name = "code"

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "CODE"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int | str:
        text = str(value).strip().lower()
        if code_class(text) is not None:
            return text
        try:
            return int(STATUS_CODE.convert(value, param, ctx))
        except click.BadParameter:
            self.fail(f"{str(value)!r} is not a status code or a class: give one from 100 to"
                      " 599, like 561, or a class, like 5xx", param, ctx)


class PlainArgument(click.Argument):
    """An argument that errors name as its --help does without click's optional-argument
    brackets ('DIRECTORY', not '[DIRECTORY]')."""

    def get_error_hint(self, ctx: click.Context | None) -> str:
        return f"'{self.human_readable_name}'"


EMBEDDED_NOTE = (
    "note: no CATALOG given and no ./specgen.yaml here; using the embedded example catalog"
    " (561 Unauthorized)"
)


def load_for_command(catalog: str | None, quiet: bool = False) -> Loaded:
    """Load the catalog a command names, saying so when the embedded example is used."""
    from ..catalog.load import find_catalog, load

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

"""Checks of response headers: `$ref`s to the catalog's `headers`, and values against schemas.

A header value is text, while its schema may say `type: integer`. specgen reads a value the
way a client would before using it: as the string it is, and also as the integer or number it
spells (`30`, `-1`, `2.5`) or the boolean (`true`, `false`). The value is valid when one of
these readings satisfies the schema, so `Retry-After: 30` passes `type: integer` and
`type: string` alike, and `Retry-After: soon` fails `type: integer`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .models import Catalog, Example, Header
from .schemas import BodyValidator, SchemaProblem, check_schema

PathT = tuple[str | int, ...]
# JSON's number grammar (RFC 8259 §6): what a schema's integer or number reads a value as.
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?P<fraction>\.[0-9]+)?(?P<exponent>[eE][-+]?[0-9]+)?")


def readings(value: str) -> list[Any]:
    """The values a header's text may stand for: itself, and the number or boolean it spells."""
    found: list[Any] = [value]
    number = _NUMBER.fullmatch(value)
    if number is not None:
        found.append(float(value) if number["fraction"] or number["exponent"] else int(value))
    if value in ("true", "false"):
        found.append(value == "true")
    return found


def typed_example(header: Header) -> Any:
    """A header's example as the value its schema's type reads it as (`"30"` as 30 for an
    integer), for outputs that show it as a value of the schema, such as OpenAPI."""
    if header.example is None or header.schema_.get("type") not in ("integer", "number",
                                                                    "boolean"):
        return header.example
    return readings(header.example)[-1]


class _Values:
    """Checks header values against their headers' schemas, each schema once found sound."""

    def __init__(self, bodies: BodyValidator, names: set[str]) -> None:
        self.bodies = bodies
        self.names = names
        # By the Header object, which the catalog keeps alive while `errors` runs: a code's
        # header is checked once, not again for each of its examples' values.
        self.sound: dict[int, bool] = {}

    def _sound(self, header: Header) -> bool:
        known = self.sound.get(id(header))
        if known is None:
            try:
                check_schema(header.schema_, self.names)
                known = True
            except SchemaProblem:
                known = False  # `schema_errors` reports it at the schema
            self.sound[id(header)] = known
        return known

    def error(self, header: Header, value: str) -> str | None:
        """Why a header value fails its schema (None: one of its readings satisfies it, or
        the schema is no valid JSON Schema, which no value is checked against: validating
        against it would crash on an unknown type or a broken regex).

        The reason given is the most specific reading's: `-5` against `{type: integer,
        minimum: 0}` is too small, not "not an integer".
        """
        if not self._sound(header):
            return None
        reason = None
        for reading in readings(value):
            problems = self.bodies.value_errors(header.schema_, reading)
            if not problems:
                return None
            reason = problems[0][1]
        return reason


def errors(catalog: Catalog, bodies: BodyValidator | None) -> Iterator[tuple[PathT, str]]:
    """Dangling `$ref`s, and example values that their header's schema refuses."""
    known = ", ".join(catalog.headers) or "none"
    for code, status in catalog.codes.items():
        for name, header in status.headers.items():
            if header.ref is not None:  # a resolved `$ref` no longer has one
                yield ("codes", code, "headers", name, "$ref"), (
                    f"header {name!r} refers to {header.ref!r}, but `headers` has no"
                    f" {header.shared!r} (defined: {known})")
    if bodies is None:
        return  # a broken schema is reported where it is; no value can be checked against it
    values = _Values(bodies, set(catalog.schemas))
    for name, header in catalog.headers.items():
        yield from _example(values, header, ("headers", name))
    for code, status in catalog.codes.items():
        base: PathT = ("codes", code)
        for name, header in status.headers.items():
            if header.shared is None:
                yield from _example(values, header, (*base, "headers", name))
        documented = {name.lower(): header for name, header in status.headers.items()}
        for index, example in enumerate(status.examples):
            yield from _sent(values, documented, example, (*base, "examples", index))
        for slug, problem in status.problems.items():
            for index, example in enumerate(problem.examples):
                where = (*base, "problems", slug, "examples", index)
                yield from _sent(values, documented, example, where)


def _example(values: _Values, header: Header, path: PathT) -> Iterator[tuple[PathT, str]]:
    if header.example is None:
        return
    problem = values.error(header, header.example)
    if problem is not None:
        yield (*path, "example"), (
            f"example {header.example!r} does not match the header's schema: {problem}")


def _sent(
    values: _Values, documented: dict[str, Header], example: Example, path: PathT
) -> Iterator[tuple[PathT, str]]:
    for name, value in example.response.headers.items():
        header = documented.get(name.lower())
        if header is None:
            continue
        problem = values.error(header, value)
        if problem is not None:
            yield (*path, "response", "headers", name), (
                f"example {example.title!r}: {name} {value!r} does not match the header's"
                f" schema: {problem}")

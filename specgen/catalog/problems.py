"""The rules of problem types (RFC 9457) that `check` enforces, each at its place in the catalog.

A problem type lives under a status code; its slug and type URI are unique in the catalog, its
code declares a problem+json media type, its extension members are named as RFC 9457 §3.2 asks,
and its examples are problem documents of the type: JSON objects whose `type`, `title` and
`status` are the type's (the catalog fills in the ones left out, see models.Catalog), valid
against the code's problem+json schema and against the type's extensions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from .models import (
    Catalog,
    Example,
    JsonSchema,
    MediaType,
    ProblemType,
    StatusCode,
    is_json_media_type,
    is_problem_media_type,
)
from .schemas import COMPONENT_PREFIX, BodyValidator, SchemaProblem, check_schema, ref_cycles

PathT = tuple[str | int, ...]
Found = tuple[PathT, str]

# RFC 9457 §3.2: extension member names start with a letter, continue with letters, digits or
# "_", and have at least three characters, so that all formats can hold them.
_MEMBER = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,}")
STANDARD_MEMBERS = ("type", "title", "status", "detail", "instance")


def errors(
    catalog: Catalog, names: set[str], bodies: BodyValidator | None, broken: set[str | int]
) -> Iterator[Found]:
    """Every way the catalog's problem types break the rules.

    `bodies` is None when the catalog's schemas are broken, `broken` holds the codes whose
    media type schemas are; example bodies are validated only against sound schemas.
    """
    slugs: dict[str, int] = {}
    uris: dict[str, tuple[int, str]] = {}
    schemas = _Schemas()
    known: dict[str, list[Found]] = {}  # extension schemas' findings, by their JSON text
    bare: set[int] = set()  # the codes with problem types but no problem+json media type
    for code, slug, problem in catalog.problem_types():
        base: PathT = ("codes", code, "problems", slug)
        uri = catalog.problem_uri(slug, problem)
        if slug in slugs:  # its default type URI is taken too: one message says both
            yield base, (f"problem type {slug!r} is also under code {slugs[slug]};"
                         " slugs are unique in the catalog")
        elif uri is None:
            yield base, (f"problem type {slug!r} has no type URI: give it 'type', or give the"
                         " catalog a 'problem_base'")
        elif uri in uris:
            other = uris[uri]
            where = "type" if problem.type is not None else ()
            yield (*base, *([where] if where else [])), (
                f"problem type {slug!r} has the type URI {uri!r} of {other[1]!r}"
                f" (code {other[0]}); type URIs are unique in the catalog")
        else:
            uris[uri] = (code, slug)
        slugs.setdefault(slug, code)
        status = catalog.codes[code]
        if status.problem_media_type is None and code not in bare:
            bare.add(code)  # said once per code, where its media types are (or would be)
            yield ("codes", code, "content"), (
                f"code {code} has problem types but no problem+json media type in its content;"
                " add application/problem+json")
        extensions = _canonical(problem.extensions)
        refused = list(_extension_errors(problem.extensions, extensions, names,
                                         (*base, "extensions"), known))
        yield from refused
        if problem.deprecated is not None and problem.deprecated.use_instead is not None:
            instead = problem.deprecated.use_instead
            if instead == slug or not any(instead in s.problems for s in catalog.codes.values()):
                yield (*base, "deprecated", "use_instead"), (
                    f"use_instead {instead!r} names no other problem type of this catalog")
        # Bodies are validated only against sound schemas: the code's, and the type's extensions.
        sound = bodies is not None and code not in broken and not refused
        yield from _example_errors(catalog, code, slug, problem, bodies if sound else None,
                                   schemas, extensions)


def extension_errors(catalog: Catalog, names: set[str]) -> Iterator[Found]:
    """How the problem types' extension schemas break the rules (of `errors`, what `diff`,
    which reads them field by field, refuses too)."""
    known: dict[str, list[Found]] = {}
    for code, slug, problem in catalog.problem_types():
        yield from _extension_errors(problem.extensions, _canonical(problem.extensions), names,
                                     ("codes", code, "problems", slug, "extensions"), known)


def _canonical(schema: Any) -> str | None:
    """A schema's text with its keys sorted, which equal schemas share (None: keys or values
    JSON cannot sort or hold; such a schema is checked on its own)."""
    try:
        return json.dumps(schema, sort_keys=True)
    except (TypeError, ValueError):
        return None


def _extension_errors(
    schema: JsonSchema, key: str | None, names: set[str], where: PathT,
    known: dict[str, list[Found]],
) -> Iterator[Found]:
    """The findings of a type's extension schema (`key`: its `_canonical` text), found once
    per distinct schema: a big catalog's types mostly add the same members."""
    if not schema:
        return
    findings = None if key is None else known.get(key)
    if findings is None:
        findings = list(_schema_findings(schema, names))
        if key is not None:
            known[key] = findings
    for inside, message in findings:
        yield (*where, *inside), message


def _schema_findings(schema: JsonSchema, names: set[str]) -> Iterator[Found]:
    """How an extension schema breaks the rules, by path inside it."""
    try:
        check_schema(schema, names)
    except SchemaProblem as exc:
        yield exc.path, str(exc)
        return
    if ref_cycles({"": schema}):
        yield (), "the schema loops: its $refs lead back to themselves"
        return
    if schema.get("type", "object") != "object":
        yield ("type",), "extensions describe members of the problem object: type object"
    properties = schema.get("properties")
    members = list(properties) if isinstance(properties, dict) else []
    for name in members:
        if name in STANDARD_MEMBERS:
            yield ("properties", name), (
                f"{name!r} is a standard member of every problem (RFC 9457 §3.1); extensions"
                " add members of their own")
        elif not _MEMBER.fullmatch(name):
            yield ("properties", name), (
                f"extension member {name!r} must start with a letter and have three or more"
                " letters, digits or '_' (RFC 9457 §3.2)")


class _Schemas:
    """The schema each problem type's examples are validated against, shared between types.

    One schema per type: `allOf` the code's problem+json schema and the type's extensions, so
    each body is validated once. Types with the same base and extensions share a validator.
    """

    def __init__(self) -> None:
        self.known: dict[tuple[str, str], list[MediaType]] = {}
        self.bases: dict[int, str] = {}  # each media type's schema as text, by the object's id

    def of(self, base: MediaType, extensions: JsonSchema, key: str | None) -> list[MediaType]:
        """The schemas a body of `base` with these extensions (`_canonical` text `key`) is
        validated against."""
        if not extensions or key is None:
            return self._make(base, extensions)
        if id(base) not in self.bases:
            self.bases[id(base)] = json.dumps(base.schema_, sort_keys=True, default=str)
        both = (self.bases[id(base)], key)
        if both not in self.known:
            self.known[both] = self._make(base, extensions)
        return self.known[both]

    @staticmethod
    def _make(base: MediaType, extensions: JsonSchema) -> list[MediaType]:
        if not extensions:
            return [base]
        if base.schema_ is None:
            return [MediaType(schema_=extensions)]
        if isinstance(base.schema_, str):
            named = {"$ref": COMPONENT_PREFIX + base.schema_}
            return [MediaType(schema_={"allOf": [named, extensions]})]
        # An inline base may point into itself ('#/$defs/…'): nested under allOf, such a
        # pointer would miss, so it is validated on its own.
        return [base, MediaType(schema_=extensions)]


def _example_errors(
    catalog: Catalog,
    code: int,
    slug: str,
    problem: ProblemType,
    bodies: BodyValidator | None,
    schemas: _Schemas,
    key: str | None,
) -> Iterator[Found]:
    """How a problem type's examples break the rules; `key` is the `_canonical` text of its
    extensions."""
    expected: dict[str, Any] = {"type": catalog.problem_uri(slug, problem),
                                "title": problem.title, "status": code}
    for index, example in enumerate(problem.examples):
        path: PathT = ("codes", code, "problems", slug, "examples", index)
        for where, message in _example_findings(catalog.codes[code], code, problem, example,
                                                expected, bodies, schemas, key):
            yield (*path, *where), f"example {example.title!r} of problem type {slug!r}: {message}"


def _example_findings(
    status: StatusCode,
    code: int,
    problem: ProblemType,
    example: Example,
    expected: dict[str, Any],
    bodies: BodyValidator | None,
    schemas: _Schemas,
    key: str | None,
) -> Iterator[Found]:
    """How one example of a problem type breaks the rules, by path inside the example."""
    media_type = example.response.content_type
    if media_type is None:
        return  # the code has no problem+json media type: reported once, above
    media = status.content.get(media_type)
    if not is_problem_media_type(media_type) or media is None:
        yield ("response", "content_type"), (
            f"content_type {media_type!r} is not a problem+json media type of code {code}"
            f" (declared: {', '.join(status.content) or 'none'})")
        return
    if example.request.method == "HEAD":
        yield ("request", "method"), (
            "a response to HEAD has no body to carry the problem document (RFC 9110 §9.3.2)")
        return
    body = example.response.body
    if example.response.body_text is not None:
        yield ("response", "body_text"), (
            "a problem document is a JSON object; give it as body, which specgen completes and"
            " checks")
        return
    if not isinstance(body, dict) or not is_json_media_type(media_type):
        yield ("response", "body"), "a problem document is a JSON object"
        return
    for member, value in expected.items():
        if value is not None and body.get(member) != value:
            yield ("response", "body", member), (
                f"{member} is {body.get(member)!r}, but the problem type's is {value!r} (leave"
                " it out and specgen fills it in)")
    if bodies is None:
        return
    for schema in schemas.of(media, problem.extensions, key):
        for inside, message in bodies.errors(schema, body):
            yield ("response", "body", *inside), (
                f"body does not match the {media_type} schema with the type's extensions:"
                f" {message}")

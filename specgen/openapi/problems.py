"""Problem types in OpenAPI: a schema per type, a `oneOf` with a discriminator, named examples.

Each problem type becomes a schema component: `allOf` the code's problem+json schema (or the
RFC 9457 base, `ProblemDetails`, when the code names none) and an object whose `type` member is
fixed to the type's URI, with the type's extension members. The code's problem+json response
is the `oneOf` of its types, discriminated by `type`, each URI mapped to its schema; every
example of a type is a named example of that response (a type without examples gets one made
of its `type`, `title`, `status` and `detail`).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from ..catalog.models import Catalog, Example, ProblemType
from ..catalog.schemas import COMPONENT_PREFIX
from .components import Components
from .schemas import unique_name

PathT = tuple[str | int, ...]

BASE_NAME = "ProblemDetails"
BASE_SCHEMA: dict[str, Any] = {
    "title": "Problem details",
    "description": "A problem document (RFC 9457): what went wrong, for the client to act on.",
    "type": "object",
    "properties": {
        "type": {"type": "string", "format": "uri-reference",
                 "description": "The problem type's URI, which leads to its documentation."},
        "title": {"type": "string", "description": "The problem type's title."},
        "status": {"type": "integer", "minimum": 100, "maximum": 599,
                   "description": "The status code of the response."},
        "detail": {"type": "string",
                   "description": "What happened in this occurrence, for the client to fix it."},
        "instance": {"type": "string", "format": "uri-reference",
                     "description": "A URI of this occurrence."},
    },
}


def extensions_path(code: int, slug: str) -> PathT:
    """Where a problem type's extension schema is in the catalog."""
    return ("codes", code, "problems", slug, "extensions")


def schema_name(slug: str) -> str:
    """The component name of a problem type's schema (unless taken): its slug in PascalCase +
    `Problem`."""
    return "".join(word.capitalize() for word in re.split(r"-+", slug)) + "Problem"


def attach(
    catalog: Catalog,
    code: int,
    name: str,
    content: dict[str, Any],
    components: Components,
    inline: dict[PathT, Any],
    oas: Literal["3.0", "3.1"],
) -> None:
    """Give a code's problem+json media type the `oneOf` of its problem types.

    `content` is the response's content, `components` the fragment's components (the types'
    schemas and examples are added, each from its problem type), `inline` the converted inline
    schemas (extensions among them).
    """
    status = catalog.codes[code]
    media_type = status.problem_media_type
    if not status.problems or media_type is None:
        return
    media = content[media_type]
    base = media.get("schema")
    if base is None:
        if BASE_NAME not in components.section("schemas"):
            # The first code whose types need the base is where it comes from.
            components.add("schemas", BASE_NAME, BASE_SCHEMA, ("codes", code, "problems"))
        base = {"$ref": COMPONENT_PREFIX + BASE_NAME}
    mapping: dict[str, str] = {}
    refs: dict[str, Any] = dict(media.get("examples", {}))
    for slug, problem in status.problems.items():
        uri = catalog.problem_uri(slug, problem)
        assert uri is not None  # `check` refuses problem types without one
        where: PathT = ("codes", code, "problems", slug)
        schema = components.add(
            "schemas", schema_name(slug),
            _schema(problem, uri, base, inline.get(extensions_path(code, slug)), oas), where)
        mapping[uri] = COMPONENT_PREFIX + schema
        for key, value, origin in _examples(problem, uri, code, where):
            component = components.add("examples", f"{name}.{key}", value, origin)
            refs[unique_name(key, refs)] = {"$ref": "#/components/examples/" + component}
    media["schema"] = {
        "oneOf": [{"$ref": target} for target in mapping.values()],
        "discriminator": {"propertyName": "type", "mapping": mapping},
    }
    media["examples"] = refs


def _schema(
    problem: ProblemType, uri: str, base: dict[str, Any], extensions: Any, oas: str
) -> dict[str, Any]:
    extra: dict[str, Any] = dict(extensions) if isinstance(extensions, dict) else {}
    fixed = {"type": "string", "const": uri} if oas == "3.1" else {
        "type": "string", "enum": [uri]}
    own = {
        "type": "object",
        "required": ["type", *(m for m in extra.pop("required", []) if m != "type")],
        "properties": {"type": fixed, **extra.pop("properties", {})},
        **{key: value for key, value in extra.items() if key != "type"},
    }
    schema: dict[str, Any] = {"title": problem.title}
    if problem.detail:
        schema["description"] = problem.detail
    schema["allOf"] = [base, own]
    if problem.deprecated is not None:
        schema["deprecated"] = True
    schema["x-specgen"] = {"problem": {"type": uri, "retryable": problem.retryable}}
    return schema


def _examples(
    problem: ProblemType, uri: str, code: int, where: PathT
) -> list[tuple[str, dict[str, Any], PathT]]:
    """(key, Example Object, where it comes from) for each example of the type (at `where`),
    or one made from the type."""
    slug = str(where[-1])
    if not problem.examples:
        value: dict[str, Any] = {"type": uri, "title": problem.title, "status": code}
        if problem.detail:
            value["detail"] = problem.detail
        return [(slug, {"summary": problem.title, "value": value}, where)]
    return [(f"{slug}.{example.id}", example_object(example), (*where, "examples", index))
            for index, example in enumerate(problem.examples)]


def example_object(example: Example) -> dict[str, Any]:
    """An Example Object of OpenAPI: the scenario's title, its words, the response body."""
    obj: dict[str, Any] = {}
    if example.name is None or example.title != example.name:
        obj["summary"] = example.title
    if example.scenario:
        obj["description"] = example.scenario
    # A body_text is the example's exact bytes: a string value, even under a JSON media type.
    response = example.response
    obj["value"] = response.body if response.body_text is None else response.body_text
    return obj

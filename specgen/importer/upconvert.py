"""OpenAPI 3.0 Schema Objects to JSON Schema 2020-12, the catalog's schema language: the
inverse of openapi/downconvert for what 3.0 says differently."""

from __future__ import annotations

from typing import Any

_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_ONE = ("not", "items", "additionalProperties", "contains", "if", "then", "else")
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")


def upconvert(node: Any) -> Any:
    """A 3.0 schema in 2020-12 terms: `nullable` into the type, `example` into `examples`,
    boolean `exclusiveMinimum`/`exclusiveMaximum` into numbers."""
    if not isinstance(node, dict):
        return node
    schema = dict(node)
    for key in _SUBSCHEMA_LISTS:
        if isinstance(schema.get(key), list):
            schema[key] = [upconvert(item) for item in schema[key]]
    for key in _SUBSCHEMA_ONE:
        if isinstance(schema.get(key), dict):
            schema[key] = upconvert(schema[key])
    for key in _SUBSCHEMA_MAPS:
        if isinstance(schema.get(key), dict):
            schema[key] = {name: upconvert(sub) for name, sub in schema[key].items()}
    if schema.pop("nullable", False) is True:
        kind = schema.get("type")
        if isinstance(kind, str):
            schema["type"] = [kind, "null"]
        elif "$ref" in schema or "allOf" in schema or "oneOf" in schema or "anyOf" in schema:
            schema = {"anyOf": [schema, {"type": "null"}]}
        if "enum" in schema and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
    if "example" in schema:
        example = schema.pop("example")
        schema.setdefault("examples", [example])
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(schema.get(bound), bool) and schema.pop(bound) and limit in schema:
            schema[bound] = schema.pop(limit)
    return schema

"""JSON Schema 2020-12 to OpenAPI 3.0 Schema Objects: convert what 3.0 can say, refuse the rest."""

from __future__ import annotations

from typing import Any

from ..errors import PathPart

Path = tuple[PathPart, ...]
Refusal = tuple[Path, str]

# Keywords an OpenAPI 3.0 Schema Object shares with JSON Schema, or adds, whose values hold no
# subschemas: they pass through unchanged.
_KEPT = frozenset({
    "$ref", "title", "description", "default", "format", "multipleOf", "maximum", "minimum",
    "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxProperties",
    "minProperties", "enum", "nullable", "discriminator", "readOnly", "writeOnly", "xml",
    "externalDocs", "example", "deprecated",
})
# Annotations without effect on validation that 3.0 has no slot for; dropping them loses no meaning.
_DROPPED = frozenset({
    "$schema", "$comment", "$anchor", "$dynamicAnchor",
    "contentMediaType", "contentEncoding", "contentSchema",
})
# Keywords whose 2020-12 form differs from 3.0's; the rules below rewrite them.
_REWRITTEN = frozenset({
    "type", "const", "examples", "exclusiveMinimum", "exclusiveMaximum", "required", "prefixItems",
    "propertyNames",
})
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_COMPOSITION = frozenset({"$ref", "allOf", "anyOf", "oneOf", "not"})


class Inexpressible(ValueError):
    """Parts of a schema that OpenAPI 3.0 cannot express, each with its path in the schema."""

    def __init__(self, refusals: list[Refusal]) -> None:
        super().__init__("; ".join(message for _, message in refusals))
        self.refusals = refusals


def _null_only() -> dict[str, Any]:
    """The 3.0 schema that accepts only null (3.0.3: `nullable` needs a `type` beside it)."""
    return {"type": "object", "nullable": True, "enum": [None]}


def downconvert(schema: Any) -> dict[str, Any]:
    """Rewrite a 2020-12 schema (its `$defs` already lifted) as an OpenAPI 3.0 Schema Object.

    Raises Inexpressible listing every keyword that 3.0 cannot express.
    """
    refusals: list[Refusal] = []
    converted = _schema(schema, (), refusals, exact=False)
    if refusals:
        raise Inexpressible(refusals)
    return converted


def _schema(node: Any, path: Path, refusals: list[Refusal], exact: bool) -> dict[str, Any]:
    """One schema and its subschemas in 3.0 form.

    `exact`: the schema sits under `not` or `oneOf`, where accepting more would accept less
    around it, so rules that widen (tuples) must refuse instead.
    """
    # 3.0 has no boolean schemas (except as additionalProperties): spell them out.
    if node is True:
        return {}
    if node is False:
        return {"not": {}}
    if not isinstance(node, dict):
        refusals.append((path, "a schema must be an object or a boolean"))
        return {}
    result: dict[str, Any] = {}
    for key, value in node.items():
        here = (*path, key)
        if key in _KEPT or key in _REWRITTEN or key.startswith("x-"):
            result[key] = value
        elif key == "properties":
            result[key] = {
                name: _schema(sub, (*here, name), refusals, exact) for name, sub in value.items()
            }
        elif key == "additionalProperties":
            result[key] = value if isinstance(value, bool) else _schema(
                value, here, refusals, exact
            )
        elif key == "items":
            result[key] = _schema(value, here, refusals, exact)
        elif key == "not":
            result[key] = _schema(value, here, refusals, exact=True)
        elif key in _SCHEMA_LISTS:
            result[key] = [
                _schema(sub, (*here, i), refusals, exact or key == "oneOf")
                for i, sub in enumerate(value)
            ]
        elif key not in _DROPPED:
            refusals.append((here, f"OpenAPI 3.0 schemas have no {key!r} keyword"
                             " (render OpenAPI 3.1, or remove it)"))
    if "prefixItems" in result:
        result = _prefix_items(result, node.get("items"), path, refusals, exact)
    if "propertyNames" in result:
        result = _property_names(result, (*path, "propertyNames"), refusals)
    result = _types(result)
    result = _const(result)
    result = _examples(result)
    for bound in ("Minimum", "Maximum"):
        result = _exclusive(result, bound)
    if result.get("required") == []:
        del result["required"]  # 3.0 requires at least one name; an empty list says nothing
    if "enum" in result and None in result["enum"] and "type" not in result:
        result["nullable"] = True  # 3.0.0 reads a missing `nullable` as "null is not allowed"
    for key in ("anyOf", "oneOf"):
        result = _merge_nullable(result, key, node.get(key))
    return _ref_siblings(result)


def _replace(schema: dict[str, Any], key: str, new: dict[str, Any]) -> dict[str, Any]:
    """`schema` with `key` swapped for the items of `new` at its place, keeping the key order."""
    result: dict[str, Any] = {}
    for name, value in schema.items():
        if name == key:
            result.update(new)
        elif name not in new:
            result[name] = value
    return result


def _types(schema: dict[str, Any]) -> dict[str, Any]:
    """`type: [X, "null"]` → `type: X, nullable: true`; several types → an `anyOf` of them."""
    if "type" not in schema:
        return schema
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    nullable = "null" in kinds
    rest = [kind for kind in kinds if kind != "null"]
    if not rest:
        return _replace(schema, "type", _null_only())
    extra = {"nullable": True} if nullable else {}
    if len(rest) == 1:
        return _replace(schema, "type", {"type": rest[0], **extra})
    branches = [{"type": kind, **extra} for kind in rest]
    if "anyOf" not in schema:
        return _replace(schema, "type", {"anyOf": branches})
    # The schema already has an anyOf: both must hold, so the types join through allOf.
    return _replace(schema, "type", {"allOf": [*schema.get("allOf", []), {"anyOf": branches}]})


def _const(schema: dict[str, Any]) -> dict[str, Any]:
    """`const: v` → `enum: [v]`; beside an existing enum both must hold, so it goes to allOf."""
    if "const" not in schema:
        return schema
    value = schema["const"]
    if "enum" not in schema:
        return _replace(schema, "const", {"enum": [value]})
    return _replace(schema, "const", {"allOf": [*schema.get("allOf", []), {"enum": [value]}]})


def _examples(schema: dict[str, Any]) -> dict[str, Any]:
    """`examples: [a, …]` → `example: a` (3.0 schemas hold one example)."""
    if "examples" not in schema:
        return schema
    values = schema["examples"]
    if "example" in schema or not values:
        return _replace(schema, "examples", {})
    return _replace(schema, "examples", {"example": values[0]})


def _exclusive(schema: dict[str, Any], bound: str) -> dict[str, Any]:
    """`exclusiveMinimum: n` → `minimum: n, exclusiveMinimum: true` (3.0's boolean form)."""
    key, inclusive = f"exclusive{bound}", bound.lower()
    limit = schema.get(key)
    if isinstance(limit, bool) or not isinstance(limit, int | float):
        return schema
    other = schema.get(inclusive)
    # Both bounds given: only the stricter one matters.
    stricter_inclusive = other is not None and (
        other > limit if bound == "Minimum" else other < limit
    )
    if stricter_inclusive:
        return _replace(schema, key, {})
    return _replace(schema, key, {inclusive: limit, key: True})


def _prefix_items(
    schema: dict[str, Any], items: Any, path: Path, refusals: list[Refusal], exact: bool
) -> dict[str, Any]:
    """Tuples (`prefixItems`) have no 3.0 form: each item may be any of the positions' schemas.

    This widens the schema (positions are lost) but keeps every valid array valid; a closed
    tuple (`items: false`) keeps its length bound.
    """
    if exact:
        refusals.append(((*path, "prefixItems"), "OpenAPI 3.0 has no tuples, and widening this"
                         " one to an array under 'not' or 'oneOf' would change what the schema"
                         " accepts (render OpenAPI 3.1)"))
        return schema
    positions = [
        _schema(sub, (*path, "prefixItems", i), refusals, exact)
        for i, sub in enumerate(schema["prefixItems"])
    ]
    new: dict[str, Any] = {}
    if items is False:
        schema = {**schema, "maxItems": min(schema.get("maxItems", len(positions)), len(positions))}
    elif items is not None:
        positions.append(schema["items"])
    elif schema.get("maxItems", len(positions) + 1) > len(positions):
        positions.append({})  # items after the tuple are unconstrained
    unique: list[dict[str, Any]] = []
    for position in positions:
        if position not in unique:
            unique.append(position)
    if {} in unique:
        new["items"] = {}
    elif len(unique) == 1:
        new["items"] = unique[0]
    else:
        new["items"] = {"anyOf": unique}
    return _replace({k: v for k, v in schema.items() if k != "items"}, "prefixItems", new)


def _property_names(schema: dict[str, Any], path: Path, refusals: list[Refusal]) -> dict[str, Any]:
    """Keys from a list (Pydantic's `dict[Literal[...], X]`) → those properties and no others."""
    names = schema["propertyNames"]
    listed = names.get("enum", [names["const"]] if "const" in names else None) if isinstance(
        names, dict) else None
    if (
        not isinstance(listed, list)
        or not all(isinstance(name, str) for name in listed)
        or set(names) - {"enum", "const", "type"}
        or "properties" in schema
    ):
        refusals.append((path, "OpenAPI 3.0 can limit property names only to a list (enum) of"
                         " names (render OpenAPI 3.1, or remove 'propertyNames')"))
        return schema
    values = schema.get("additionalProperties", {})
    value = {"not": {}} if values is False else {} if values is True else values
    new = {"properties": {name: value for name in listed}, "additionalProperties": False}
    rest = {key: item for key, item in schema.items() if key != "additionalProperties"}
    return _replace(rest, "propertyNames", new)


def _is_null(node: Any) -> bool:
    return isinstance(node, dict) and set(node) == {"type"} and node["type"] in ("null", ["null"])


def _merge_nullable(schema: dict[str, Any], key: str, original: Any) -> dict[str, Any]:
    """`anyOf: [X, {type: null}]` → X with `nullable: true`, when X can take it in place.

    X must carry a single `type` and no `$ref` or composition (3.0's `nullable` only widens the
    `type` beside it), and share no keyword with the schema around it. Otherwise the null branch
    stays, in its 3.0 form.
    """
    if not isinstance(original, list) or len(original) != 2:
        return schema
    nulls = [_is_null(branch) for branch in original]
    if nulls.count(True) != 1 or "discriminator" in schema:
        return schema
    other = schema[key][nulls.index(False)]
    mergeable = (
        isinstance(other.get("type"), str)
        and not (_COMPOSITION & set(other))
        and not (set(other) & (set(schema) - {key}))
    )
    if not mergeable:
        return schema
    merged = {**other, "nullable": True}
    if "enum" in merged and None not in merged["enum"]:
        merged["enum"] = [*merged["enum"], None]  # 3.0.3: an enum must list null to allow it
    return _replace(schema, key, merged)


def _ref_siblings(schema: dict[str, Any]) -> dict[str, Any]:
    """3.0 ignores everything beside `$ref`: move the reference into allOf so siblings count."""
    if "$ref" not in schema or len(schema) == 1:
        return schema
    reference = {"$ref": schema["$ref"]}
    rest = {k: v for k, v in schema.items() if k != "$ref"}
    return {"allOf": [reference, *rest.pop("allOf", [])], **rest}


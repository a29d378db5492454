"""A response body schema flattened into the fields a client reads: `error`, `details[].code`.

Each field keeps what a consumer depends on: its JSON types, whether it is always there, and
the values it may take. `$ref`s (to catalog schemas or inside a schema), `allOf`, `anyOf` and
`oneOf` are followed; a field is required only where every branch that has it requires it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..catalog.models import COMPONENT_PREFIX
from ..errors import parse_pointer, resolve_pointer

JsonNode = Any
CatalogPath = tuple[str | int, ...]
_ALL_TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})
_MAX_DEPTH = 32  # deeper nesting documents nothing a consumer reads; cycles end here too


@dataclass(frozen=True)
class FieldInfo:
    """What a consumer may rely on about one field of a body, and where the catalog says it."""

    types: frozenset[str]
    required: bool
    enum: frozenset[str] | None  # JSON texts of the allowed values, None when any value goes
    place: CatalogPath = field(default=(), compare=False)


def enum(node: dict[str, Any]) -> frozenset[str] | None:
    """The JSON texts of the values a schema allows by `enum` or `const`; None: any value."""
    if "const" in node:
        return frozenset({json.dumps(node["const"], sort_keys=True)})
    values = node.get("enum")
    if isinstance(values, list):
        return frozenset(json.dumps(value, sort_keys=True) for value in values)
    return None


def json_types(node: dict[str, Any]) -> frozenset[str]:
    """The JSON types a schema allows by `type` (and OpenAPI 3.0's `nullable`)."""
    given = node.get("type")
    if isinstance(given, str):
        found = {given}
    elif isinstance(given, list):
        found = {t for t in given if isinstance(t, str)}
    else:
        found = set()
    if node.get("nullable") is True:
        found.add("null")
    if "integer" in found and "number" in found:
        found.discard("integer")
    return frozenset(found)


@dataclass(frozen=True)
class _Spot:
    """A schema node, the schema its local `$ref`s resolve in, and their catalog paths."""

    node: JsonNode
    root: JsonNode
    root_place: CatalogPath
    place: CatalogPath
    seen: frozenset[str] = frozenset()

    def at(self, *parts: str | int) -> _Spot:
        node = self.node
        for part in parts:
            node = node[part]
        return _Spot(node, self.root, self.root_place, (*self.place, *parts), self.seen)


class _Flattener:
    def __init__(self, schemas: dict[str, JsonNode]) -> None:
        self.schemas = schemas
        self.fields: dict[str, FieldInfo] = {}

    def deref(self, spot: _Spot) -> _Spot:
        """The schema a node stands for, `$ref`s followed (a cycle or dangling ref: empty)."""
        while isinstance(spot.node, dict) and isinstance(spot.node.get("$ref"), str):
            ref = spot.node["$ref"]
            if ref in spot.seen:
                return _Spot({}, spot.root, spot.root_place, spot.place, spot.seen)
            seen = spot.seen | {ref}
            try:
                if ref.startswith(COMPONENT_PREFIX):
                    name = ref.removeprefix(COMPONENT_PREFIX)
                    place: CatalogPath = ("schemas", name)
                    spot = _Spot(self.schemas[name], self.schemas[name], place, place, seen)
                else:
                    pointer = ref.removeprefix("#")
                    spot = _Spot(resolve_pointer(spot.root, pointer), spot.root, spot.root_place,
                                 (*spot.root_place, *parse_pointer(pointer)), seen)
            except LookupError:
                return _Spot({}, spot.root, spot.root_place, spot.place, seen)
        return spot

    def walk(self, spot: _Spot, prefix: str, depth: int) -> None:
        """Record the properties of an object schema under `prefix`."""
        if depth > _MAX_DEPTH:
            return
        props, required = self.object_parts(spot)
        for name, child in sorted(props.items()):
            self.record(f"{prefix}{name}", child, name in required, depth)

    def object_parts(self, spot: _Spot) -> tuple[dict[str, _Spot], set[str]]:
        spot = self.deref(spot)
        node = spot.node
        if not isinstance(node, dict):
            return {}, set()
        props = {
            name: spot.at("properties", name)
            for name in (node.get("properties") or {})
            if isinstance(name, str)
        }
        required = {r for r in node.get("required") or [] if isinstance(r, str)}
        for index, _ in enumerate(node.get("allOf") or []):
            more, more_required = self.object_parts(spot.at("allOf", index))
            props.update(more)
            required |= more_required
        branches = [
            self.object_parts(spot.at(key, index))
            for key in ("anyOf", "oneOf")
            for index, _ in enumerate(node.get(key) or [])
        ]
        for more, _ in branches:
            for name, value in more.items():
                props.setdefault(name, value)
        if branches and not node.get("properties"):
            required |= set.intersection(*(r for _, r in branches))
        return props, required

    def record(self, path: str, spot: _Spot, required: bool, depth: int) -> None:
        target = self.deref(spot)
        node = target.node if isinstance(target.node, dict) else {}
        types = json_types(node) or self._branch_types(target)
        self.fields[path] = FieldInfo(types, required, enum(node), spot.place)
        if "object" in types or "properties" in node:
            self.walk(target, f"{path}.", depth + 1)
        if "array" in types and isinstance(node.get("items"), dict):
            # The items are a field of their own (`tags[]`): their type and values matter.
            self.record(f"{path}[]", target.at("items"), True, depth + 1)

    def _branch_types(self, spot: _Spot) -> frozenset[str]:
        found: set[str] = set()
        for key in ("anyOf", "oneOf", "allOf"):
            for index, _ in enumerate(spot.node.get(key) or []):
                target = self.deref(spot.at(key, index))
                if isinstance(target.node, dict):
                    found |= json_types(target.node) or self._branch_types(target)
        return frozenset(found)


def body_fields(
    schema: JsonNode, schemas: dict[str, JsonNode], place: CatalogPath = ()
) -> dict[str, FieldInfo]:
    """The fields of a body schema: a catalog schema's name, or an inline schema written at
    `place`, or None."""
    if schema is None:
        return {}
    flattener = _Flattener(schemas)
    if isinstance(schema, str):
        start = _Spot({"$ref": COMPONENT_PREFIX + schema}, {}, (), ("schemas", schema))
    else:
        start = _Spot(schema, schema, place, place)
    flattener.walk(start, "", 0)
    return flattener.fields


def type_text(types: frozenset[str]) -> str:
    """Types for a message: `string`, `integer or null`, `any`."""
    if not types or types == _ALL_TYPES:
        return "any"
    return " or ".join(sorted(types))

"""JSON Schema read for people: a schema flattened into rows of fields (name, type, required)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..catalog.schemas import COMPONENT_PREFIX, resolve_pointer
from .markdown import literal

JsonNode = dict[str, Any]
Linker = Callable[[str], str]
_MAX_DEPTH = 6
_MAX_REF_HOPS = 32
# Keywords shown as facts after a field's description, in this order.
_FACTS = (
    ("const", "Always"),
    ("enum", "One of"),
    ("default", "Default"),
    ("examples", "Example"),
    ("example", "Example"),
    ("pattern", "Pattern"),
    ("minLength", "Minimum length"),
    ("maxLength", "Maximum length"),
    ("minimum", "Minimum"),
    ("exclusiveMinimum", "Greater than"),
    ("maximum", "Maximum"),
    ("exclusiveMaximum", "Less than"),
    ("minItems", "Minimum items"),
    ("maxItems", "Maximum items"),
)


@dataclass(frozen=True)
class Fact:
    """A constraint of a field: a label and the literal values it names."""

    label: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Field:
    """One row of a schema table: a field of the body, possibly nested (`a.b`, `items[].c`)."""

    name: str
    type: str  # safe Markdown
    required: bool
    description: str = ""
    facts: tuple[Fact, ...] = field(default=())
    deprecated: bool = False


@dataclass(frozen=True)
class Node:
    """A schema with the document its `#/...` references point into, and the name it came by."""

    schema: JsonNode
    root: JsonNode
    name: str | None = None


class SchemaReader:
    """Follows `$ref`s between a catalog's schemas and describes them in words and rows."""

    def __init__(self, schemas: dict[str, JsonNode]) -> None:
        self.schemas = schemas

    def named(self, name: str) -> Node:
        """The catalog schema called `name`."""
        schema = self.schemas[name]
        return Node(schema, schema, name)

    def inline(self, schema: JsonNode) -> Node:
        """A schema written in place, its own root."""
        return Node(schema, schema)

    def deref(self, node: Node) -> Node:
        """The schema a `$ref` chain ends at; keywords written beside a `$ref` win."""
        schema, root, name = node.schema, node.root, node.name
        for _ in range(_MAX_REF_HOPS):
            ref = schema.get("$ref")
            if not isinstance(ref, str):
                break
            beside = {key: value for key, value in schema.items() if key != "$ref"}
            if ref.startswith(COMPONENT_PREFIX):
                name = ref.removeprefix(COMPONENT_PREFIX)
                root = target = self.schemas.get(name, {})
            else:
                target = _pointer(root, ref.removeprefix("#"))
                name = ref.rsplit("/", 1)[-1] if ref != "#" else name
            schema = {**target, **beside}
        return Node(schema, root, name)

    def type_text(self, node: Node, link: Linker | None = None) -> str:
        """A short type as safe Markdown: `string`, `array of object`, `string or null`.

        With `link`, a `$ref` to a named schema is shown as `link(name)` instead of its type.
        """
        ref = node.schema.get("$ref")
        if link is not None and isinstance(ref, str) and ref.rsplit("/", 1)[-1]:
            return link(ref.rsplit("/", 1)[-1])
        resolved = self.deref(node)
        schema = resolved.schema
        if "const" in schema:
            return _value_type(schema["const"])
        variants = schema.get("anyOf") or schema.get("oneOf")
        if isinstance(variants, list) and variants:
            texts = [
                self.type_text(Node(v, resolved.root), link)
                for v in variants
                if isinstance(v, dict)
            ]
            return " or ".join(dict.fromkeys(texts))
        types = schema.get("type")
        if isinstance(types, list):
            names = [self._one_type(resolved, str(kind), link) for kind in types]
            return " or ".join(dict.fromkeys(names))
        if isinstance(types, str):
            return self._one_type(resolved, types, link)
        if "enum" in schema and isinstance(schema["enum"], list) and schema["enum"]:
            return " or ".join(dict.fromkeys(_value_type(v) for v in schema["enum"]))
        if "properties" in schema or "allOf" in schema:
            return "object"
        if "items" in schema:
            return self._one_type(resolved, "array", link)
        return "any"

    def _one_type(self, node: Node, kind: str, link: Linker | None) -> str:
        schema = node.schema
        items = schema.get("items")
        if kind == "array" and isinstance(items, dict):
            return f"array of {self.type_text(Node(items, node.root), link)}"
        values = schema.get("additionalProperties")
        if kind == "object" and isinstance(values, dict) and values and "properties" not in schema:
            return f"map of {self.type_text(Node(values, node.root), link)}"
        form = schema.get("format")
        if isinstance(form, str) and kind not in ("null", "array", "object"):
            return f"{kind} ({literal(form)})"
        return literal(kind)

    def fields(self, node: Node) -> list[Field]:
        """Every field of an object schema, nested ones after their parent; [] for non-objects."""
        rows: list[Field] = []
        self._collect(node, "", 0, frozenset(), rows)
        return rows

    def properties(self, node: Node, link: Linker) -> list[Field]:
        """The direct fields of an object schema, named schemas shown as `link(name)`."""
        properties, required, _ = self._object_parts(node)
        return [
            self._row(name, sub, name in required, link) for name, sub in properties.items()
        ]

    def _object_parts(self, node: Node) -> tuple[dict[str, Node], set[str], Node | None]:
        """Properties (merged across allOf and the one object variant of anyOf/oneOf)."""
        resolved = self.deref(node)
        schema = resolved.schema
        properties = {
            name: Node(sub, resolved.root)
            for name, sub in (schema.get("properties") or {}).items()
            if isinstance(sub, dict)
        }
        required = {str(name) for name in schema.get("required") or []}
        extra = schema.get("additionalProperties")
        others = Node(extra, resolved.root) if isinstance(extra, dict) and extra else None
        parts = [p for p in schema.get("allOf") or [] if isinstance(p, dict)]
        variants = [
            v for v in schema.get("anyOf") or schema.get("oneOf") or []
            if isinstance(v, dict) and not self._is_null(Node(v, resolved.root))
        ]
        if len(variants) == 1:
            parts.append(variants[0])
        absent = _absent(schema)
        for part in parts:
            more, more_required, more_others = self._object_parts(Node(part, resolved.root))
            properties.update(more)
            required |= more_required
            others = others or more_others
            absent |= _absent(self.deref(Node(part, resolved.root)).schema)
        # `{properties: {errors: false}}` beside a shared schema in an allOf narrows it: the
        # member is never sent, so the page does not list it.
        for name in absent:
            properties.pop(name, None)
        return properties, required, others

    def _is_null(self, node: Node) -> bool:
        return self.deref(node).schema.get("type") == "null"

    def _collect(
        self, node: Node, prefix: str, depth: int, seen: frozenset[str], rows: list[Field]
    ) -> None:
        if depth >= _MAX_DEPTH:
            return
        resolved = self.deref(node)
        key = f"{id(resolved.root)}:{resolved.name}" if resolved.name else ""
        if key and key in seen:
            return
        seen = seen | {key} if key else seen
        properties, required, others = self._object_parts(node)
        for name, sub in properties.items():
            rows.append(self._row(f"{prefix}{name}", sub, name in required))
            self._nested(sub, f"{prefix}{name}", depth, seen, rows)
        if others is not None:
            rows.append(self._row(f"{prefix}*", others, False))
            self._nested(others, f"{prefix}*", depth, seen, rows)

    def _nested(
        self, node: Node, path: str, depth: int, seen: frozenset[str], rows: list[Field]
    ) -> None:
        resolved = self.deref(node)
        items = resolved.schema.get("items")
        if isinstance(items, dict):
            self._collect(Node(items, resolved.root), f"{path}[].", depth + 1, seen, rows)
        else:
            self._collect(node, f"{path}.", depth + 1, seen, rows)

    def _row(self, name: str, node: Node, required: bool, link: Linker | None = None) -> Field:
        schema = self.deref(node).schema
        description = schema.get("description") or ""
        return Field(
            name=name,
            type=self.type_text(node, link),
            required=required,
            description=str(description),
            facts=facts(schema),
            deprecated=schema.get("deprecated") is True,
        )


def _absent(schema: JsonNode) -> set[str]:
    """The members a schema forbids by giving them the schema `false`."""
    return {str(name) for name, sub in (schema.get("properties") or {}).items() if sub is False}


def facts(schema: JsonNode) -> tuple[Fact, ...]:
    """The constraints of a schema worth telling a reader: enum, default, example, limits."""
    found = []
    for keyword, label in _FACTS:
        if keyword not in schema:
            continue
        value = schema[keyword]
        if keyword == "examples" and "example" in schema:
            continue
        if keyword == "default" and value in (None, ""):
            continue  # says nothing a reader needs: the key is simply optional
        if keyword in ("enum", "examples"):
            if not isinstance(value, list) or not value:
                continue
            values = value if keyword == "enum" else value[:1]
        else:
            values = [value]
        found.append(Fact(label, tuple(show_value(v) for v in values)))
    return tuple(found)


def show_value(value: Any) -> str:
    """A schema value as a reader types it: strings bare, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _value_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _pointer(root: JsonNode, pointer: str) -> JsonNode:
    """The schema at a JSON pointer inside root ({} when it leads nowhere)."""
    try:
        node = resolve_pointer(root, pointer)
    except LookupError:
        return {}
    return node if isinstance(node, dict) else {}

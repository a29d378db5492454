"""A reference page generated from a JSON Schema: one section per object, one row per key.

The project's own site renders the catalog format's reference with it at build time, from
`catalog_json_schema()`, so the reference can never drift from the models.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog.models import slugify
from ..text.render import render
from .markdown import inline, literal
from .page import FieldRow, field_row
from .schema import JsonNode, Node, SchemaReader

DEFS = "#/$defs/"


@dataclass(frozen=True)
class ObjectView:
    """One object of the schema: heading, anchor, description and its keys."""

    title: str
    anchor: str
    description: str
    fields: list[FieldRow]


def schema_reference(schema: JsonNode, title: str, root_name: str) -> str:
    """Markdown documenting every object of `schema`, the root first, then in reading order."""
    reader = SchemaReader({})
    definitions = schema.get("$defs") or {}

    def link(name: str) -> str:
        return f"[{literal(name)}](#{slugify(name)})"

    order = [root_name]
    pending: list[JsonNode] = [schema]
    while pending:
        current = pending.pop(0)
        for ref in _refs(current):
            name = ref.removeprefix(DEFS)
            if ref.startswith(DEFS) and name in definitions and name not in order:
                order.append(name)
                pending.append(definitions[name])
    objects = []
    for name in order:
        node_schema = schema if name == root_name else definitions[name]
        rows = reader.properties(Node(node_schema, schema), link)
        objects.append(ObjectView(
            title=literal(name),
            anchor=slugify(name),
            description=inline(str(node_schema.get("description") or "")),
            fields=[field_row(row) for row in rows],
        ))
    return render("docs/reference.md.jinja", title=literal(title), objects=objects)


def _refs(schema: object) -> list[str]:
    """Every `$ref` in a schema, in document order."""
    if isinstance(schema, dict):
        found = [schema["$ref"]] if isinstance(schema.get("$ref"), str) else []
        for key, value in schema.items():
            if key != "$defs":
                found += _refs(value)
        return found
    if isinstance(schema, list):
        return [ref for item in schema for ref in _refs(item)]
    return []

"""Boolean subschemas (`true`, `false`) wherever JSON Schema allows them: OpenAPI 3.1 keeps
them, 3.0 spells them out (`{}` and `{not: {}}`), the docs tables read them, and none of it
raises."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from specgen.catalog.load import loaded_catalog
from specgen.catalog.models import Catalog
from specgen.docs.plan import docs_plan
from specgen.openapi.fragment import Oas, render_openapi

VERSIONS: tuple[Oas, ...] = ("3.0", "3.1")
SCHEMAS: list[dict[str, Any]] = [
    {"anyOf": [True, {"type": "string"}]},
    {"anyOf": [True, {"type": "null"}]},
    {"oneOf": [False, {"type": "integer"}]},
    {"allOf": [True, False]},
    {"type": "array", "items": False},
    {"type": "array", "items": {"anyOf": [True]}},
    {"type": "object", "properties": {"a": False, "b": True}, "additionalProperties": True},
    {"type": "object", "properties": {"a": True, "b": {"$ref": "#/properties/a"}}},
    {"type": "object", "additionalProperties": {"$ref": "#/$defs/x"}, "$defs": {"x": False}},
    {"not": True},
    {"not": {"anyOf": [False]}},
]


def catalog(schema: dict[str, Any]) -> Catalog:
    """The schema named, and inline too where it has no local `$ref` (inline schemas have no
    name for one to point into)."""
    content: dict[str, Any] = {"application/json": {"schema": "S"}}
    if "$ref" not in str(schema):
        content["application/problem+json"] = {"schema": schema}
    return loaded_catalog(Catalog.model_validate({
        "specgen": 1,
        "info": {"title": "T", "version": "1"},
        "schemas": {"S": schema},
        "codes": {500: {"reason": "Internal Server Error", "summary": "s", "content": content}},
    })).catalog


@pytest.mark.parametrize("schema", SCHEMAS, ids=[str(s) for s in SCHEMAS])
def test_boolean_subschemas_render_valid_openapi_and_pages(schema: dict[str, Any]) -> None:
    built = catalog(schema)
    for oas in VERSIONS:
        validate(render_openapi(built, oas))
    assert "codes/500.md" in docs_plan(built)


def test_three_oh_spells_out_true_and_false() -> None:
    rendered = render_openapi(catalog({"anyOf": [True, False, {"type": "string"}]}), "3.0")
    assert rendered["components"]["schemas"]["S"] == {
        "anyOf": [{}, {"not": {}}, {"type": "string"}], "x-specgen": {"generated": True}
    }

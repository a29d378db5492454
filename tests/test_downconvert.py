"""Down-conversion of JSON Schema 2020-12 to OpenAPI 3.0 schema objects, rule by rule."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from specgen.openapi.downconvert import Inexpressible, downconvert

REF = {"$ref": "#/components/schemas/X"}
NULL_ONLY = {"type": "object", "nullable": True, "enum": [None]}


def convert(schema: Any) -> dict[str, Any]:
    """Down-convert, and check the result is a valid OpenAPI 3.0 schema object."""
    result = downconvert(schema)
    validate({
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {"S": result, "X": {"type": "object"}}},
    })
    return result


def accepts(schema: dict[str, Any], value: Any) -> bool:
    """Whether a 3.0 validator accepts `value` under a converted schema (refs to X: objects)."""
    document = {"components": {"schemas": {"S": schema, "X": {"type": "object"}}}}
    registry = Registry().with_resource("urn:d", Resource.from_contents(document, DRAFT4))
    validator = OAS30Validator({"$ref": "urn:d#/components/schemas/S"}, registry=registry)
    return bool(validator.is_valid(value))


def test_type_with_null_becomes_nullable() -> None:
    assert convert({"type": ["string", "null"], "maxLength": 3}) == {
        "type": "string", "nullable": True, "maxLength": 3,
    }


def test_several_types_become_an_any_of_keeping_nullability() -> None:
    result = convert({"type": ["integer", "string", "null"]})
    assert result == {"anyOf": [{"type": "integer", "nullable": True},
                                {"type": "string", "nullable": True}]}
    assert accepts(result, None) and accepts(result, "a") and not accepts(result, 1.5)


def test_several_types_beside_an_any_of_join_through_all_of() -> None:
    result = convert({"type": ["integer", "string"], "anyOf": [{"minimum": 1}, {"minLength": 2}]})
    assert result == {
        "allOf": [{"anyOf": [{"type": "integer"}, {"type": "string"}]}],
        "anyOf": [{"minimum": 1}, {"minLength": 2}],
    }


def test_null_type_alone_accepts_only_null() -> None:
    result = convert({"type": "null"})
    assert result == NULL_ONLY
    assert accepts(result, None) and not accepts(result, {})


def test_any_of_with_null_merges_into_nullable() -> None:
    """Pydantic's `str | None = None`."""
    assert convert({"anyOf": [{"type": "string"}, {"type": "null"}], "default": None,
                    "title": "Detail"}) == {
        "type": "string", "nullable": True, "default": None, "title": "Detail",
    }


def test_one_of_with_null_merges_into_nullable() -> None:
    assert convert({"oneOf": [{"type": "null"}, {"type": "integer", "minimum": 0}]}) == {
        "type": "integer", "minimum": 0, "nullable": True,
    }


def test_nullable_enum_lists_null() -> None:
    """Pydantic's `Literal["a", "b"] | None`: 3.0.3 wants null among the enum values."""
    result = convert({"anyOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "null"}]})
    assert result == {"type": "string", "enum": ["a", "b", None], "nullable": True}
    assert accepts(result, None) and accepts(result, "a") and not accepts(result, "c")


def test_enum_with_null_and_no_type_is_nullable() -> None:
    """Pydantic's `Literal["a", None]`."""
    result = convert({"enum": ["a", None]})
    assert result == {"enum": ["a", None], "nullable": True}
    assert accepts(result, None)


def test_nullable_reference_keeps_a_null_branch() -> None:
    """`$ref` ignores `nullable` beside it, so `Model | None` stays a union with null."""
    result = convert({"anyOf": [REF, {"type": "null"}], "description": "d"})
    assert result == {"anyOf": [REF, NULL_ONLY], "description": "d"}
    assert accepts(result, None) and accepts(result, {}) and not accepts(result, 3)


def test_null_branch_stays_when_keywords_would_clash() -> None:
    schema = {"anyOf": [{"type": "string", "title": "inner"}, {"type": "null"}], "title": "outer"}
    assert convert(schema) == {
        "anyOf": [{"type": "string", "title": "inner"}, NULL_ONLY], "title": "outer",
    }


def test_examples_become_one_example() -> None:
    assert convert({"type": "string", "examples": ["a", "b"]}) == {"type": "string", "example": "a"}
    assert convert({"example": "x", "examples": ["a"]}) == {"example": "x"}
    assert convert({"examples": []}) == {}


def test_const_becomes_a_one_value_enum() -> None:
    assert convert({"type": "string", "const": "x"}) == {"type": "string", "enum": ["x"]}


def test_const_beside_an_enum_must_hold_too() -> None:
    result = convert({"enum": [1, 2], "const": 2})
    assert result == {"enum": [1, 2], "allOf": [{"enum": [2]}]}
    assert accepts(result, 2) and not accepts(result, 1)


@pytest.mark.parametrize(("schema", "expected"), [
    ({"exclusiveMinimum": 0}, {"minimum": 0, "exclusiveMinimum": True}),
    ({"exclusiveMaximum": 1.5}, {"maximum": 1.5, "exclusiveMaximum": True}),
    ({"minimum": 5, "exclusiveMinimum": 1}, {"minimum": 5}),
    ({"minimum": 1, "exclusiveMinimum": 1}, {"minimum": 1, "exclusiveMinimum": True}),
    ({"exclusiveMaximum": 10, "maximum": 3}, {"maximum": 3}),
])
def test_exclusive_bounds_become_booleans_keeping_the_stricter_bound(
    schema: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert convert({"type": "number", **schema}) == {"type": "number", **expected}


def test_closed_tuple_becomes_items_of_any_position() -> None:
    """Pydantic's `tuple[int, str]`: positions are lost, the length bound stays."""
    result = convert({"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}],
                      "minItems": 2, "maxItems": 2})
    assert result == {
        "type": "array", "items": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        "minItems": 2, "maxItems": 2,
    }


def test_tuple_with_items_false_gets_a_length_bound() -> None:
    assert convert({"prefixItems": [{"type": "integer"}], "items": False}) == {
        "items": {"type": "integer"}, "maxItems": 1,
    }


def test_open_tuple_items_are_unconstrained_or_any_of_the_rest() -> None:
    assert convert({"prefixItems": [{"type": "integer"}]}) == {"items": {}}
    assert convert({"prefixItems": [{"type": "integer"}], "items": {"type": "string"}}) == {
        "items": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
    }


def test_reference_with_siblings_moves_into_all_of() -> None:
    assert convert({**REF, "description": "d"}) == {"allOf": [REF], "description": "d"}
    assert convert({**REF, "allOf": [{"required": ["a"]}]}) == {
        "allOf": [REF, {"required": ["a"]}],
    }


def test_boolean_subschemas_are_spelled_out() -> None:
    assert convert({"properties": {"a": True, "b": False}, "additionalProperties": False}) == {
        "properties": {"a": {}, "b": {"not": {}}}, "additionalProperties": False,
    }


def test_empty_required_is_dropped() -> None:
    assert convert({"type": "object", "required": []}) == {"type": "object"}


def test_annotations_without_a_3_0_slot_are_dropped() -> None:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$comment": "c",
              "type": "string", "contentMediaType": "image/png", "contentEncoding": "base64"}
    assert convert(schema) == {"type": "string"}


def test_rules_apply_at_every_depth() -> None:
    result = convert({"type": "object", "properties": {
        "a": {"type": "array", "items": {"type": ["number", "null"], "exclusiveMinimum": 0}},
        "b": {"additionalProperties": {"const": 1}},
        "c": {"not": {"examples": [1]}},
        "d": {"allOf": [{"type": "null"}]},
    }})
    assert result["properties"] == {
        "a": {"type": "array", "items": {"type": "number", "nullable": True, "minimum": 0,
                                         "exclusiveMinimum": True}},
        "b": {"additionalProperties": {"enum": [1]}},
        "c": {"not": {"example": 1}},
        "d": {"allOf": [NULL_ONLY]},
    }


def test_listed_property_names_become_properties() -> None:
    """Pydantic's `dict[Literal["a", "b"], int]`."""
    result = convert({"type": "object", "additionalProperties": {"type": "integer"},
                      "propertyNames": {"enum": ["a", "b"]}})
    assert result == {"type": "object", "properties": {"a": {"type": "integer"},
                                                       "b": {"type": "integer"}},
                      "additionalProperties": False}
    assert accepts(result, {"a": 1}) and not accepts(result, {"c": 1})
    assert convert({"propertyNames": {"const": "k"}}) == {
        "properties": {"k": {}}, "additionalProperties": False,
    }


@pytest.mark.parametrize("names", [
    {"pattern": "^[a-z]+$"}, {"$ref": "#/components/schemas/X"}, {"enum": [1]},
])
def test_property_names_other_than_a_list_are_refused(names: dict[str, Any]) -> None:
    with pytest.raises(Inexpressible) as caught:
        downconvert({"propertyNames": names})
    assert caught.value.refusals == [(
        ("propertyNames",), "OpenAPI 3.0 can limit property names only to a list (enum) of names"
        " (render OpenAPI 3.1, or remove 'propertyNames')",
    )]


def test_extensions_pass_unchanged() -> None:
    assert convert({"type": "string", "x-order": {"const": 1}}) == {
        "type": "string", "x-order": {"const": 1},
    }


@pytest.mark.parametrize("keyword", [
    "if", "then", "else", "patternProperties", "dependentRequired",
    "dependentSchemas", "unevaluatedProperties", "unevaluatedItems", "contains", "minContains",
    "maxContains", "$dynamicRef", "$defs", "nonsense",
])
def test_keywords_3_0_cannot_express_are_refused_by_name(keyword: str) -> None:
    with pytest.raises(Inexpressible) as caught:
        downconvert({"type": "object", "properties": {"a": {keyword: {}}}})
    assert caught.value.refusals == [(
        ("properties", "a", keyword),
        f"OpenAPI 3.0 schemas have no {keyword!r} keyword (render OpenAPI 3.1, or remove it)",
    )]


@pytest.mark.parametrize("wrapper", ["not", "oneOf"])
def test_tuples_where_widening_would_narrow_are_refused(wrapper: str) -> None:
    tuple_schema = {"prefixItems": [{"type": "integer"}]}
    schema = {wrapper: tuple_schema if wrapper == "not" else [{"items": tuple_schema}]}
    with pytest.raises(Inexpressible) as caught:
        downconvert(schema)
    [(path, message)] = caught.value.refusals
    assert path[-1] == "prefixItems" and "under 'not' or 'oneOf'" in message


def test_every_refusal_is_reported_at_once() -> None:
    schema = {"if": {}, "items": {"prefixItems": [{"contains": {}}]}, "anyOf": [{"then": {}}]}
    with pytest.raises(Inexpressible) as caught:
        downconvert(schema)
    assert [path for path, _ in caught.value.refusals] == [
        ("if",), ("items", "prefixItems", 0, "contains"), ("anyOf", 0, "then"),
    ]


def test_a_schema_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(Inexpressible) as caught:
        downconvert({"properties": {"a": 3}})
    assert caught.value.refusals == [
        (("properties", "a"), "a schema must be an object or a boolean"),
    ]


# Property: on schemas built from the constructs the rules convert, the result is a valid 3.0
# schema object, and a value is valid under the 2020-12 schema exactly when it is valid under the
# 3.0 one (tuples widen: valid stays valid).
SCALARS = st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["", "a", "bb"])
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc"), inner,
                                                                  max_size=3),
    max_leaves=6,
)
TYPES = st.sampled_from(["null", "boolean", "integer", "number", "string", "array", "object"])
LEAVES = st.one_of(
    st.booleans(),
    TYPES.map(lambda kind: {"type": kind}),
    st.lists(TYPES, min_size=1, max_size=3, unique=True).map(lambda kinds: {"type": kinds}),
    SCALARS.map(lambda value: {"const": value}),
    st.lists(SCALARS, min_size=1, max_size=3, unique=True).map(lambda values: {"enum": values}),
    st.integers(-2, 2).map(lambda n: {"type": "integer", "exclusiveMinimum": n, "minimum": 0}),
    st.integers(-2, 2).map(lambda n: {"exclusiveMaximum": n}),
    st.lists(SCALARS, max_size=2).map(lambda values: {"examples": values}),
)


def _composites(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda subs: {"anyOf": subs}),
        st.lists(inner, min_size=1, max_size=3).map(lambda subs: {"oneOf": subs}),
        st.lists(inner, min_size=1, max_size=2).map(lambda subs: {"allOf": subs}),
        inner.map(lambda sub: {"anyOf": [sub, {"type": "null"}], "title": "t"}),
        inner.map(lambda sub: {"not": sub}),
        inner.map(lambda sub: {"type": "array", "items": sub}),
        st.tuples(st.dictionaries(st.sampled_from("abc"), inner, max_size=2), st.booleans()).map(
            lambda pair: {"properties": pair[0], "required": sorted(pair[0])[:1],
                          "additionalProperties": pair[1]}
        ),
        st.tuples(inner, inner).map(lambda pair: {"prefixItems": [pair[0]], "items": pair[1]}),
        st.tuples(inner, inner).map(lambda pair: {"type": "string", "anyOf": [pair[0], pair[1]],
                                                  "const": "a"}),
        st.tuples(st.lists(TYPES, min_size=2, max_size=3, unique=True), inner).map(
            lambda pair: {"type": pair[0], "anyOf": [pair[1]], "enum": [None, 1, "a"], "const": 1}
        ),
    )


SCHEMAS = st.recursive(LEAVES, _composites, max_leaves=5)


def _has_tuples(schema: Any) -> bool:
    return "prefixItems" in json.dumps(schema)


@settings(max_examples=300, deadline=None)
@given(SCHEMAS, st.lists(VALUES, min_size=1, max_size=6))
def test_down_converted_schemas_accept_what_the_original_accepts(
    schema: Any, values: list[Any]
) -> None:
    try:
        converted = convert(schema)
    except Inexpressible as exc:
        assert {message.split(",")[0] for _, message in exc.refusals} == {
            "OpenAPI 3.0 has no tuples"
        }
        return
    original = Draft202012Validator(schema)
    for value in values:
        before, after = original.is_valid(value), accepts(converted, value)
        if _has_tuples(schema):
            assert after or not before, (value, converted)
        else:
            assert before == after, (value, converted)

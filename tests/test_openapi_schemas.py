"""Lifting `$defs` into components/schemas and rewriting every `$ref` to match."""

from __future__ import annotations

from typing import Any

import pytest

from specgen.openapi.downconvert import Inexpressible
from specgen.openapi.schemas import Owner, component_name, lift, unique_name

C = "#/components/schemas/"
DETAIL = {"type": "object", "properties": {"field": {"type": "string"}}}


def named(name: str, schema: Any) -> Owner:
    return Owner(name, schema, ("schemas", name), named=True)


def test_defs_become_components_named_after_them() -> None:
    lifted = lift([named("Problem", {
        "type": "object",
        "properties": {"detail": {"$ref": "#/$defs/Detail"},
                       "field": {"$ref": "#/$defs/Detail/properties/field"}},
        "$defs": {"Detail": DETAIL},
    })])
    assert lifted.schemas == {
        "Problem": {"type": "object", "properties": {
            "detail": {"$ref": C + "Detail"}, "field": {"$ref": C + "Detail/properties/field"},
        }},
        "Detail": DETAIL,
    }
    assert lifted.origins == {"Problem": ("schemas", "Problem"),
                              "Detail": ("schemas", "Problem", "$defs", "Detail")}


def test_draft_7_definitions_are_lifted_too() -> None:
    lifted = lift([named("P", {"items": {"$ref": "#/definitions/D"}, "definitions": {"D": {}}})])
    assert lifted.schemas == {"P": {"items": {"$ref": C + "D"}}, "D": {}}


def test_identical_defs_of_two_schemas_share_one_component() -> None:
    lifted = lift([
        named("A", {"$ref": "#/$defs/Detail", "$defs": {"Detail": DETAIL}, "title": "A"}),
        named("B", {"items": {"$ref": "#/$defs/Detail"}, "$defs": {"Detail": DETAIL}}),
    ])
    assert list(lifted.schemas) == ["A", "Detail", "B"]
    assert lifted.schemas["B"] == {"items": {"$ref": C + "Detail"}}


def test_different_defs_with_one_name_are_qualified_by_their_schema() -> None:
    lifted = lift([
        named("A", {"$ref": "#/$defs/Detail", "title": "A", "$defs": {"Detail": DETAIL}}),
        named("B", {"$ref": "#/$defs/Detail", "title": "B", "$defs": {"Detail": {}}}),
    ])
    assert lifted.schemas == {
        "A": {"$ref": C + "A.Detail", "title": "A"}, "A.Detail": DETAIL,
        "B": {"$ref": C + "B.Detail", "title": "B"}, "B.Detail": {},
    }


def test_a_def_named_like_a_catalog_schema_is_qualified() -> None:
    lifted = lift([
        named("Detail", {"type": "string"}),
        named("P", {"$ref": "#/$defs/Detail", "title": "P", "$defs": {"Detail": DETAIL}}),
        named("P.Detail", {}),
    ])
    assert list(lifted.schemas) == ["Detail", "P", "P.Detail.2", "P.Detail"]
    assert lifted.schemas["P"]["$ref"] == C + "P.Detail.2"


def test_shared_defs_must_refer_to_shared_defs() -> None:
    """Equal text, different meaning: `Outer` refers to each schema's own, different `Inner`."""
    outer = {"items": {"$ref": "#/$defs/Inner"}}
    lifted = lift([
        named("A", {"$ref": "#/$defs/Outer", "title": "A",
                    "$defs": {"Outer": outer, "Inner": {"type": "string"}}}),
        named("B", {"$ref": "#/$defs/Outer", "title": "B",
                    "$defs": {"Outer": outer, "Inner": {"type": "integer"}}}),
    ])
    assert lifted.schemas["A.Outer"] == {"items": {"$ref": C + "A.Inner"}}
    assert lifted.schemas["B.Outer"] == {"items": {"$ref": C + "B.Inner"}}


def test_recursive_root_model_is_its_catalog_component() -> None:
    """Pydantic writes a recursive model as `{$defs: {Node: …}, $ref: '#/$defs/Node'}`."""
    node = {"properties": {"children": {"items": {"$ref": "#/$defs/Node"}}}}
    lifted = lift([named("Tree", {"$defs": {"Node": node}, "$ref": "#/$defs/Node"})])
    assert lifted.schemas == {
        "Tree": {"properties": {"children": {"items": {"$ref": C + "Tree"}}}},
    }
    assert lifted.origins == {"Tree": ("schemas", "Tree", "$defs", "Node")}


def test_models_nesting_a_root_model_share_its_component() -> None:
    cause = {"properties": {"cause": {"$ref": "#/$defs/Cause"}}}
    lifted = lift([
        named("Problem", {"properties": {"cause": {"$ref": "#/$defs/Cause"}},
                          "$defs": {"Cause": cause}}),
        named("Cause", {"$defs": {"Cause": cause}, "$ref": "#/$defs/Cause"}),
    ])
    assert list(lifted.schemas) == ["Problem", "Cause"]
    assert lifted.schemas["Cause"] == {"properties": {"cause": {"$ref": C + "Cause"}}}


def test_other_local_pointers_point_into_the_component() -> None:
    properties = {"a": {"type": "string"}, "b": {"$ref": "#/properties/a"}, "self": {"$ref": "#"}}
    lifted = lift([named("P", {"properties": properties})])
    assert lifted.schemas["P"]["properties"]["b"] == {"$ref": C + "P/properties/a"}
    assert lifted.schemas["P"]["properties"]["self"] == {"$ref": C + "P"}


def test_discriminator_mappings_are_rewritten() -> None:
    lifted = lift([named("P", {
        "oneOf": [{"$ref": "#/$defs/A"}],
        "discriminator": {"propertyName": "kind", "mapping": {"a": "#/$defs/A"}},
        "$defs": {"A": {"type": "object"}},
    })])
    assert lifted.schemas["P"]["discriminator"]["mapping"] == {"a": C + "A"}


def test_refs_in_data_are_not_rewritten() -> None:
    schema = {"default": {"$ref": "#/$defs/A"}, "enum": [{"$ref": "#"}], "$defs": {"A": {}}}
    assert lift([named("P", schema)]).schemas["P"] == {
        "default": {"$ref": "#/$defs/A"}, "enum": [{"$ref": "#"}],
    }


def test_inline_schemas_get_their_defs_lifted_under_their_label() -> None:
    inline = Owner("BadRequest400.application_json", {
        "items": {"$ref": "#/$defs/Item"}, "$defs": {"Item": {"type": "string"}},
    }, ("codes", 400, "content", "application/json", "schema"), named=False)
    lifted = lift([named("Item", {}), inline])
    assert lifted.inline == [{"items": {"$ref": C + "BadRequest400.application_json.Item"}}]
    assert lifted.schemas["BadRequest400.application_json.Item"] == {"type": "string"}


def test_inline_schema_referring_to_its_own_root_is_refused() -> None:
    inline = Owner("E400.h", {"properties": {"a": {"$ref": "#"}}},
                   ("codes", 400, "headers", "X", "schema"), named=False)
    with pytest.raises(Inexpressible) as caught:
        lift([inline])
    assert caught.value.refusals == [(
        ("codes", 400, "headers", "X", "schema", "properties", "a", "$ref"),
        "$ref '#' points into an inline schema, which has no name in an OpenAPI document;"
        " move the schema under 'schemas' and refer to it by name",
    )]


def test_id_is_refused_because_it_rebases_refs() -> None:
    with pytest.raises(Inexpressible) as caught:
        lift([named("P", {"properties": {"a": {"$id": "https://example.com/a"}}})])
    assert caught.value.refusals[0][0] == ("schemas", "P", "properties", "a", "$id")


@pytest.mark.parametrize(("text", "name"), [
    ("WWW-Authenticate", "WWW-Authenticate"), ("X-Odd'Name|1", "X-Odd_Name_1"),
    ("application/problem+json", "application_problem_json"), ("", "_"),
])
def test_component_names_keep_only_allowed_characters(text: str, name: str) -> None:
    assert component_name(text) == name


def test_unique_names_count_up() -> None:
    assert unique_name("A", {"A", "A.2"}) == "A.3"
    assert unique_name("B", {"A"}) == "B"

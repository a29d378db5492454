"""OpenAPI fragments: valid for their version, examples match schemas, deterministic, pinned."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import DATA
from hypothesis import HealthCheck, given, settings
from openapi_schema_validator import OAS30Validator, OAS31Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012
from strategies import catalogs

from specgen import load_catalog
from specgen.catalog.models import Catalog
from specgen.cli import cli
from specgen.errors import RenderError, json_pointer
from specgen.openapi.fragment import (
    Format,
    Oas,
    dump_openapi,
    openapi_plan,
    render_openapi,
    response_snippet,
)

OPENAPI = DATA / "openapi"
BASE = "urn:specgen:fragment"
VERSIONS: tuple[Oas, ...] = ("3.0", "3.1")


def example_errors(document: dict[str, Any]) -> list[str]:
    """Every way an example (body or header) fails its schema, resolved inside the document."""
    oas30 = document["openapi"].startswith("3.0")
    validator_class = OAS30Validator if oas30 else OAS31Validator
    spec = DRAFT4 if oas30 else DRAFT202012
    registry = Registry().with_resource(BASE, Resource.from_contents(document, spec))
    components = document["components"]

    def errors(path: tuple[str, ...], value: Any, label: str) -> list[str]:
        validator = validator_class({"$ref": f"{BASE}#{json_pointer(path)}"}, registry=registry)
        return [f"{label}: {error.message}" for error in validator.iter_errors(value)]

    found: list[str] = []
    for name, response in components["responses"].items():
        for media_type, media in response.get("content", {}).items():
            for ref in media.get("examples", {}).values() if "schema" in media else ():
                example = components["examples"][ref["$ref"].rsplit("/", 1)[1]]
                path = ("components", "responses", name, "content", media_type, "schema")
                found += errors(path, example["value"], f"{name} {media_type}")
    for name, header in components.get("headers", {}).items():
        if "example" in header:
            found += errors(("components", "headers", name, "schema"), header["example"], name)
    return found


def assert_valid(document: dict[str, Any]) -> None:
    """The document passes openapi-spec-validator and every example matches its schema."""
    validate(document)
    assert example_errors(document) == []


@pytest.fixture(scope="module")
def pydantic_catalog() -> Catalog:
    return load_catalog(OPENAPI / "pydantic.yaml")


@pytest.mark.parametrize("oas", VERSIONS)
def test_embedded_fragment_is_valid_openapi_of_its_version(embedded: Catalog, oas: Oas) -> None:
    document = render_openapi(embedded, oas)
    assert document["openapi"] == {"3.0": "3.0.3", "3.1": "3.1.0"}[oas]
    assert_valid(document)


def test_embedded_fragments_match_golden_files(embedded: Catalog, golden: Any) -> None:
    golden.check_tree("openapi-embedded", openapi_plan(embedded))


def test_pydantic_models_down_convert_to_valid_fragments(
    pydantic_catalog: Catalog, golden: Any
) -> None:
    """Optional fields, unions, literals, nested and recursive models: both versions, pinned."""
    for oas in VERSIONS:
        assert_valid(render_openapi(pydantic_catalog, oas))
    golden.check_tree("openapi-pydantic", openapi_plan(pydantic_catalog))


def test_pydantic_defs_become_components_with_rewritten_refs(pydantic_catalog: Catalog) -> None:
    for oas in VERSIONS:
        schemas = render_openapi(pydantic_catalog, oas)["components"]["schemas"]
        assert list(schemas) == [
            "Problem", "Cause", "FieldError", "ProviderProblem", "TokenProblem",
        ]
        text = json.dumps(schemas)
        assert "$defs" not in text and "#/$defs/" not in text
        # The recursive Cause model is one component that refers to itself.
        assert "#/components/schemas/Cause" in json.dumps(schemas["Cause"])


def test_three_zero_fragment_has_no_json_schema_2020_constructs(pydantic_catalog: Catalog) -> None:
    text = json.dumps(render_openapi(pydantic_catalog, "3.0")["components"]["schemas"])
    for construct in ('"const"', '"examples"', '"prefixItems"', '"type": "null"', '"type": ['):
        assert construct not in text


def test_null_example_values_validate_in_three_zero(pydantic_catalog: Catalog) -> None:
    """The token-expired example sends null for optional fields, nested models included."""
    document = render_openapi(pydantic_catalog, "3.0")
    body = document["components"]["examples"]["Unauthorized561.token-expired"]["value"]
    assert body["first_error"] is None and body["level"] is None
    assert example_errors(document) == []


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_dumped_text_parses_back_to_the_document(embedded: Catalog, fmt: Format) -> None:
    document = render_openapi(embedded)
    text = dump_openapi(document, fmt)
    assert (yaml.safe_load(text) if fmt == "yaml" else json.loads(text)) == document
    assert text.endswith("}\n" if fmt == "json" else "Unauthorized561\n")


def test_yaml_fragment_starts_with_a_do_not_edit_comment(embedded: Catalog) -> None:
    first = dump_openapi(render_openapi(embedded, "3.0"), "yaml").splitlines()[0]
    assert first.startswith("# OpenAPI 3.0.3 fragment generated by specgen")


def test_two_renders_give_identical_bytes(pydantic_catalog: Catalog) -> None:
    assert openapi_plan(pydantic_catalog) == openapi_plan(pydantic_catalog)


def test_fragments_do_not_depend_on_the_hash_seed() -> None:
    """Two processes with different PYTHONHASHSEED write the same bytes."""
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-m", "specgen", "openapi", "pydantic.yaml", "--oas", "3.0"],
            cwd=OPENAPI, env=env, capture_output=True, check=True,
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] and outputs[0]


def test_response_components_carry_registry_facts(embedded: Catalog) -> None:
    response = render_openapi(embedded)["components"]["responses"]["Unauthorized561"]
    assert response["x-specgen"] == {
        "code": 561, "class": "Server Error", "registered": False, "fallback": 500,
        "equivalent": 401,
        "vendors": [{"vendor": "AWS Application Load Balancer", "reason": "Unauthorized"}],
        "attach": ["secured"],
    }
    assert response["headers"] == {
        "WWW-Authenticate": {"$ref": "#/components/headers/WWW-Authenticate"}
    }


def test_component_names_are_valid_and_referenced(embedded: Catalog) -> None:
    document = render_openapi(embedded)
    assert document["x-specgen"] == {"codes": {"561": "Unauthorized561"}}
    examples = document["components"]["examples"]
    assert list(examples) == [
        "Unauthorized561.api-request-without-token", "Unauthorized561.expired-token",
        "Unauthorized561.identity-provider-error", "Unauthorized561.invalid-credentials",
        "Unauthorized561.token-missing.api-request-without-token",
        "Unauthorized561.token-expired.expired-token",
        "Unauthorized561.identity-provider-error.identity-provider-error",
    ]


def _catalog(codes: dict[int, Any], schemas: dict[str, Any] | None = None) -> Catalog:
    return Catalog.model_validate({
        "specgen": 1, "info": {"title": "t", "version": "1"}, "schemas": schemas or {},
        "codes": codes,
    })


def test_header_defined_alike_by_several_codes_is_one_component() -> None:
    header = {"Retry-After": {"description": "Seconds to wait.", "example": "120"}}
    catalog = _catalog({
        429: {"reason": "Too Many Requests", "summary": "Slow down.", "headers": header},
        503: {"reason": "Service Unavailable", "summary": "Later.",
              "headers": {"retry-after": header["Retry-After"]}},
    })
    document = render_openapi(catalog)
    assert list(document["components"]["headers"]) == ["Retry-After"]
    assert_valid(document)


def test_header_defined_differently_gets_a_component_per_code() -> None:
    catalog = _catalog({
        429: {"reason": "Too Many Requests", "summary": "Slow down.",
              "headers": {"Retry-After": {"description": "Seconds."}}},
        503: {"reason": "Service Unavailable", "summary": "Later.",
              "headers": {"Retry-After": {"description": "A date."}, "X-Odd'Name|1": {}}},
    })
    document = render_openapi(catalog)
    assert list(document["components"]["headers"]) == [
        "TooManyRequests429.Retry-After", "ServiceUnavailable503.Retry-After", "X-Odd_Name_1",
    ]
    refs = document["components"]["responses"]["ServiceUnavailable503"]["headers"]
    assert refs["X-Odd'Name|1"] == {"$ref": "#/components/headers/X-Odd_Name_1"}
    assert_valid(document)


def test_inline_schemas_are_down_converted_too() -> None:
    catalog = _catalog({
        400: {"reason": "Bad Request", "summary": "Bad.",
              "headers": {"X-Limit": {"schema": {"type": ["integer", "null"]}}},
              "content": {"application/json": {"schema": {"const": "bad"}}}},
    })
    document = render_openapi(catalog, "3.0")
    assert document["components"]["headers"]["X-Limit"]["schema"] == {
        "type": "integer", "nullable": True,
    }
    content = document["components"]["responses"]["BadRequest400"]["content"]
    assert content["application/json"]["schema"] == {"enum": ["bad"]}
    assert_valid(document)


def test_three_zero_refusals_name_schema_and_pointer_all_at_once() -> None:
    catalog = load_catalog(OPENAPI / "refuse.yaml")
    assert_valid(render_openapi(catalog, "3.1"))
    with pytest.raises(RenderError) as caught:
        render_openapi(catalog, "3.0")
    assert [str(problem) for problem in caught.value.problems] == [
        "catalog#/schemas/Limits/patternProperties: schema 'Limits' at /patternProperties:"
        " OpenAPI 3.0 schemas have no 'patternProperties' keyword (render OpenAPI 3.1, or"
        " remove it)",
        "catalog#/schemas/Limits/if: schema 'Limits' at /if: OpenAPI 3.0 schemas have no 'if'"
        " keyword (render OpenAPI 3.1, or remove it)",
        "catalog#/schemas/Limits/then: schema 'Limits' at /then: OpenAPI 3.0 schemas have no"
        " 'then' keyword (render OpenAPI 3.1, or remove it)",
        "catalog#/codes/429/content/application~1json/schema/propertyNames: OpenAPI 3.0 can"
        " limit property names only to a list (enum) of names (render OpenAPI 3.1, or remove"
        " 'propertyNames')",
    ]


def test_response_snippet_is_the_response_component_without_x_specgen(
    embedded: Catalog,
) -> None:
    """A page's OpenAPI snippet is the component as consumers see it: specgen's own data out."""
    text = response_snippet(embedded, 561, "3.0")
    snippet = yaml.safe_load(text)
    response = render_openapi(embedded, "3.0")["components"]["responses"]["Unauthorized561"]
    assert "x-specgen" in response
    assert "x-specgen" not in text
    del response["x-specgen"]
    for media in response["content"].values():
        media.pop("x-specgen", None)
    assert snippet == {"components": {"responses": {"Unauthorized561": response}}}


def test_response_snippet_follows_the_catalog_it_is_given(embedded: Catalog) -> None:
    changed = embedded.model_copy(deep=True)
    changed.codes[561].summary = "Changed."
    assert "Changed." not in response_snippet(embedded, 561)
    assert "Changed." in response_snippet(changed, 561)
    assert "Changed." not in response_snippet(embedded, 561)


def test_example_check_catches_a_body_that_breaks_its_schema(embedded: Catalog) -> None:
    """The checker behind every `assert_valid` is not vacuous."""
    for oas in VERSIONS:
        document = render_openapi(embedded, oas)
        document["components"]["examples"]["Unauthorized561.expired-token"]["value"] = {"x": 1}
        document["components"]["headers"]["WWW-Authenticate"]["example"] = 7
        assert len(example_errors(document)) == 3


def test_response_snippet_of_an_unknown_code_is_a_render_error(embedded: Catalog) -> None:
    with pytest.raises(RenderError, match="code 404 is not in the catalog"):
        response_snippet(embedded, 404)


def test_unknown_openapi_versions_are_refused(embedded: Catalog) -> None:
    with pytest.raises(ValueError, match=r"OpenAPI '3\.2' is not supported"):
        render_openapi(embedded, "3.2")  # type: ignore[arg-type]


def test_two_codes_with_one_response_name_are_refused() -> None:
    catalog = _catalog({
        400: {"reason": "Bad Request", "summary": "Bad.", "name": "Problem"},
        422: {"reason": "Unprocessable", "summary": "Bad.", "name": "Problem"},
    })
    with pytest.raises(RenderError, match="codes 400 and 422 both have the response name"):
        render_openapi(catalog)


def test_cli_prints_yaml_3_1_by_default(embedded: Catalog) -> None:
    result = CliRunner().invoke(cli, ["openapi"])
    assert result.exit_code == 0, result.output
    assert result.stdout == dump_openapi(render_openapi(embedded, "3.1"), "yaml")


def test_cli_writes_the_chosen_version_and_format_to_a_file(
    embedded: Catalog, tmp_path: Any
) -> None:
    target = tmp_path / "out" / "fragment.json"
    result = CliRunner().invoke(cli, ["openapi", "--oas", "3.0", "--format", "json", "-o",
                                      str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text() == dump_openapi(render_openapi(embedded, "3.0"), "json")


def test_cli_reports_refusals_at_catalog_lines(
    monkeypatch: pytest.MonkeyPatch, golden: Any
) -> None:
    monkeypatch.chdir(OPENAPI)
    result = CliRunner().invoke(cli, ["openapi", "refuse.yaml", "--oas", "3.0"])
    assert result.exit_code == 2
    assert result.stdout == ""
    golden.check("openapi-errors", "refuse-3.0.txt", result.stderr)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs())
def test_generated_catalogs_give_valid_deterministic_fragments(catalog: Catalog) -> None:
    for oas in VERSIONS:
        document = render_openapi(catalog, oas)
        assert_valid(document)
        assert render_openapi(catalog, oas) == document
        assert yaml.safe_load(dump_openapi(document, "yaml")) == document


@pytest.mark.parametrize("oas", ["3.0", "3.1"])
def test_fragment_names_the_catalogs_server(embedded: Catalog, oas: Oas) -> None:
    """Issue 15: a fragment has one `servers` entry, the examples' server (Redocly's
    `no-empty-servers`)."""
    document = render_openapi(embedded, oas)
    assert document["servers"] == [{"url": embedded.server.base_url}]
    assert document["servers"][0]["url"].startswith("https://")


@pytest.mark.parametrize("oas", ["3.0", "3.1"])
def test_every_fragment_component_carries_specgens_mark(embedded: Catalog, oas: Oas) -> None:
    """What `specgen merge` recognises as its own on a re-merge: every component of the
    fragment has an `x-specgen` mapping (responses their code, the rest `generated`)."""
    components = render_openapi(embedded, oas)["components"]
    for section, items in components.items():
        for name, value in items.items():
            assert isinstance(value.get("x-specgen"), dict), f"{section}/{name}"
    assert components["headers"]["WWW-Authenticate"]["x-specgen"] == {"generated": True}

"""Problem types (RFC 9457): the catalog fills example bodies; every output carries the types."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from scale import problem_catalog
from test_openapi import assert_valid
from test_transcripts import parse

from specgen.catalog.models import Catalog
from specgen.cli import cli
from specgen.docs.export import EXPORT, EXPORT_SCHEMA, export_data, export_schema_text
from specgen.docs.plan import docs_plan
from specgen.docs.problem import problem_path
from specgen.http.transcripts import iter_transcripts
from specgen.openapi.fragment import render_openapi
from specgen.openapi.problems import BASE_NAME

BASE = "https://docs.example.com/problems/"
EMBEDDED_TYPES = ["token-missing", "token-expired", "identity-provider-error"]


def small(problems: dict[str, Any], content: dict[str, Any] | None = None) -> Catalog:
    """A one-code catalog with the given problem types, checked as files are."""
    return load_catalog_data({
        "specgen": 1,
        "info": {"title": "t", "version": "1"},
        "problem_base": BASE,
        "codes": {403: {
            "reason": "Forbidden", "summary": "No.",
            "content": content or {"application/problem+json": {}},
            "problems": problems,
        }},
    })


def load_catalog_data(data: dict[str, Any]) -> Catalog:
    return load_catalog_from(Catalog.model_validate(data))


def load_catalog_from(catalog: Catalog) -> Catalog:
    from specgen.catalog.load import loaded_catalog

    return loaded_catalog(catalog).catalog


def test_embedded_catalog_has_the_three_561_problem_types(embedded: Catalog) -> None:
    status = embedded.codes[561]
    assert list(status.problems) == EMBEDDED_TYPES
    assert status.problem_media_type == "application/problem+json"
    for slug, problem in status.problems.items():
        assert embedded.problem_uri(slug, problem) == BASE + slug
        assert problem.examples, slug


def test_example_bodies_get_the_type_title_and_status_they_leave_out() -> None:
    """The chosen rule: specgen fills the members left out, first and in RFC order."""
    catalog = small({"denied": {"title": "Denied", "examples": [
        {"title": "Partial", "response": {"body": {"detail": "d", "title": "Denied"}}},
    ]}})
    body = catalog.codes[403].problems["denied"].examples[0].response.body
    assert body == {"type": BASE + "denied", "title": "Denied", "status": 403, "detail": "d"}
    assert list(body) == ["type", "title", "status", "detail"]
    assert catalog.codes[403].problems["denied"].examples[0].response.content_type == (
        "application/problem+json"
    )


def test_an_example_without_body_answers_the_types_minimal_document() -> None:
    catalog = small({"denied": {"title": "Denied", "detail": "Ask an admin.",
                                "examples": [{"title": "Bare"}]}})
    body = catalog.codes[403].problems["denied"].examples[0].response.body
    assert body == {"type": BASE + "denied", "title": "Denied", "status": 403,
                    "detail": "Ask an admin."}


def test_an_explicit_type_overrides_the_problem_base() -> None:
    catalog = small({"denied": {"title": "Denied", "type": "urn:example:denied"}})
    assert catalog.problem_uri("denied", catalog.codes[403].problems["denied"]) == (
        "urn:example:denied"
    )


@pytest.mark.parametrize("oas", ["3.0", "3.1"])
def test_openapi_has_a_schema_per_type_and_a_discriminated_one_of(
    embedded: Catalog, oas: str
) -> None:
    document = render_openapi(embedded, oas)  # type: ignore[arg-type]
    assert_valid(document)
    schemas = document["components"]["schemas"]
    media = document["components"]["responses"]["Unauthorized561"]["content"][
        "application/problem+json"]
    mapping = media["schema"]["discriminator"]["mapping"]
    assert media["schema"]["discriminator"]["propertyName"] == "type"
    assert list(mapping) == [BASE + slug for slug in EMBEDDED_TYPES]
    assert [ref["$ref"] for ref in media["schema"]["oneOf"]] == list(mapping.values())
    for uri, ref in mapping.items():
        schema = schemas[ref.rsplit("/", 1)[1]]
        base, own = schema["allOf"]
        assert base == {"$ref": "#/components/schemas/Problem"}
        fixed = own["properties"]["type"]
        assert fixed == ({"type": "string", "const": uri} if oas == "3.1"
                         else {"type": "string", "enum": [uri]})
        assert "type" in own["required"]
    assert schemas["TokenMissingProblem"]["allOf"][1]["properties"]["realm"]["type"] == "string"
    named = [key for key in media["examples"]]
    assert named == [f"{slug}.{example.id}" for slug in EMBEDDED_TYPES
                     for example in embedded.codes[561].problems[slug].examples]


def test_a_type_without_examples_gets_a_named_example_and_the_base_schema() -> None:
    """No problem+json schema: the RFC 9457 base is the schema every type extends."""
    catalog = small({"denied": {"title": "Denied", "detail": "Ask.",
                                "extensions": {"properties": {"role": {"type": "string"}}}}})
    for oas in ("3.0", "3.1"):
        document = render_openapi(catalog, oas)  # type: ignore[arg-type]
        assert_valid(document)
        schemas = document["components"]["schemas"]
        assert schemas["DeniedProblem"]["allOf"][0] == {"$ref": f"#/components/schemas/{BASE_NAME}"}
        example = document["components"]["examples"]["Forbidden403.denied"]
        assert example["value"] == {"type": BASE + "denied", "title": "Denied", "status": 403,
                                    "detail": "Ask."}


def test_every_problem_type_example_has_a_transcript_that_h11_parses(embedded: Catalog) -> None:
    found = [t for t in iter_transcripts(embedded) if t.problem is not None]
    assert [(t.problem, t.stem) for t in found] == [
        (slug, f"561/{slug}/{example.id}") for slug in EMBEDDED_TYPES
        for example in embedded.codes[561].problems[slug].examples
    ]
    for transcript in found:
        parsed = parse(transcript)
        assert parsed.response.status_code == 561
        assert dict(parsed.response.headers)[b"content-type"] == b"application/problem+json"
        body = json.loads(parsed.response_body)
        problem = embedded.codes[561].problems[transcript.problem or ""]
        assert (body["type"], body["title"], body["status"]) == (
            BASE + (transcript.problem or ""), problem.title, 561)


def test_each_problem_type_has_a_page_listed_on_its_code_page_and_the_index(
    embedded: Catalog,
) -> None:
    pages = docs_plan(embedded)
    for slug in EMBEDDED_TYPES:
        problem = embedded.codes[561].problems[slug]
        page = pages[problem_path(slug)]
        assert f"\n# {problem.title}\n" in page
        for shown in (f"https&#58;//docs.example.com/problems/{slug}",
                      "[561 Unauthorized](../codes/561.md)", "## When it occurs",
                      "## What to do", '!!! tip "Retrying"', "**Since:** 2024-10",
                      '=== "HTTP"', '=== "curl"', "## Extension members"):
            assert shown in page, (slug, shown)
        assert f"(../problems/{slug}.md)" in pages["codes/561.md"]
        assert f"(problems/{slug}.md)" in pages["index.md"]


def test_a_deprecated_type_says_when_and_what_replaces_it() -> None:
    catalog = small({
        "old": {"title": "Old", "deprecated": {"since": "2025-01", "sunset": "2025-06",
                                               "use_instead": "new"}},
        "new": {"title": "New"},
    })
    page = docs_plan(catalog)[problem_path("old")]
    assert "status: deprecated" in page
    assert "Deprecated since 2025-01. It is no longer sent from 2025-06." in page
    assert "Expect [New](new.md) instead." in page


def test_catalog_json_follows_its_published_schema(embedded: Catalog) -> None:
    data = export_data(embedded)
    jsonschema.Draft202012Validator(json.loads(export_schema_text())).validate(data)
    assert [p["slug"] for p in data["problems"]] == EMBEDDED_TYPES
    first = data["problems"][0]
    assert first["type"] == BASE + "token-missing"
    assert first["doc"] == "problems/token-missing/"
    assert (first["retryable"], first["since"], first["extensions"]) == (False, "2024-10",
                                                                      ["realm"])
    assert data["codes"][0]["problems"] == EMBEDDED_TYPES


def test_build_writes_catalog_json_and_its_schema_beside_the_pages(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    docs = tmp_path / "out" / "docs"
    data = json.loads((docs / EXPORT).read_text("utf-8"))
    schema = json.loads((docs / EXPORT_SCHEMA).read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    for problem in data["problems"]:
        assert (docs / (problem["doc"].rstrip("/") + ".md")).is_file()


def test_merge_adds_the_problem_schemas_and_examples(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\npaths:\n  /pets:\n    get:\n"
        "      security: [{token: []}]\n      responses:\n        '200': {description: OK}\n"
        "components:\n  securitySchemes:\n    token: {type: http, scheme: bearer}\n", "utf-8")
    result = CliRunner().invoke(cli, ["merge", str(spec), "--in-place"])
    assert result.exit_code == 0, result.output
    document = yaml.safe_load(spec.read_text("utf-8"))
    assert_valid(document)
    assert {"TokenMissingProblem", "TokenExpiredProblem", "IdentityProviderErrorProblem"} <= set(
        document["components"]["schemas"])
    assert document["paths"]["/pets"]["get"]["responses"]["561"] == {
        "$ref": "#/components/responses/Unauthorized561"}


@pytest.mark.slow
def test_a_twilio_size_catalog_checks_and_renders_valid_outputs() -> None:
    """2,000 problem types over 60 codes, three examples each: every output is sound."""
    catalog = load_catalog_from(Catalog.model_validate(problem_catalog()))
    assert sum(len(s.problems) for s in catalog.codes.values()) == 2000
    for oas in ("3.0", "3.1"):
        # openapi-spec-validator alone (about 25 ms per type): example bodies are validated
        # against the oneOf schemas for the embedded catalog above.
        validate(render_openapi(catalog, oas))  # type: ignore[arg-type]
    transcripts = [t for t in iter_transcripts(catalog) if t.problem is not None]
    assert len(transcripts) == 6000
    for transcript in transcripts[::97]:
        assert parse(transcript).response.status_code == transcript.code
    pages = docs_plan(catalog)
    assert sum(name.startswith("problems/") for name in pages) == 2000
    jsonschema.Draft202012Validator(json.loads(export_schema_text())).validate(
        export_data(catalog))


_SLUGS = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)
_MEMBERS = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{2,8}", fullmatch=True).filter(
    lambda name: name not in ("type", "title", "status", "detail", "instance"))
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
                max_size=30).filter(str.strip)


@st.composite
def _problem(draw: st.DrawFn) -> dict[str, Any]:
    members = draw(st.dictionaries(_MEMBERS, st.sampled_from(["string", "integer"]), max_size=3))
    values = {"string": _TEXT, "integer": st.integers(-10**6, 10**6)}
    examples = [
        {"title": f"Case {index}", "request": {"path": f"/items/{index}"},
         "response": {"body": {name: draw(values[kind]) for name, kind in members.items()}}}
        for index in range(draw(st.integers(0, 2)))
    ]
    return {
        "title": draw(_TEXT), "detail": draw(st.one_of(st.just(""), _TEXT)),
        "extensions": {"type": "object",
                       "properties": {name: {"type": kind} for name, kind in members.items()}},
        "retryable": draw(st.booleans()), "examples": examples,
    }


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems=st.dictionaries(_SLUGS, _problem(), min_size=1, max_size=3))
def test_any_checked_problem_types_give_valid_openapi_transcripts_and_pages(
    problems: dict[str, Any],
) -> None:
    catalog = small(problems)
    for oas in ("3.0", "3.1"):
        assert_valid(render_openapi(catalog, oas))  # type: ignore[arg-type]
    for transcript in iter_transcripts(catalog):
        body = json.loads(parse(transcript).response_body)
        assert (body["type"], body["status"]) == (BASE + (transcript.problem or ""), 403)
    pages = docs_plan(catalog)
    assert all(problem_path(slug) in pages for slug in problems)
    jsonschema.Draft202012Validator(json.loads(export_schema_text())).validate(
        export_data(catalog))

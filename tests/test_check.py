"""`check`: errors that make a catalog unusable, and lints against the registry."""

from __future__ import annotations

import signal
from typing import Any

import pytest

from specgen.catalog import check
from specgen.catalog.models import Catalog, MediaType
from specgen.catalog.rules import parse_rule
from specgen.catalog.schemas import BodyValidator, time_limits

ACCESS_DENIED = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}, "detail": {"$ref": "#/$defs/Detail"}},
    "$defs": {"Detail": {"type": "string", "maxLength": 5}},
}


def catalog(codes: dict[int, Any], schemas: dict[str, Any] | None = None) -> Catalog:
    return Catalog.model_validate(
        {"specgen": 1, "info": {"title": "T", "version": "1"}, "schemas": schemas or {},
         "codes": codes}
    )


def code(**extra: Any) -> dict[str, Any]:
    return {"reason": "Unauthorized", "summary": "s", "equivalent": 401, **extra}


def errors(codes: dict[int, Any], schemas: dict[str, Any] | None = None) -> list[tuple[Any, str]]:
    return [(f.path, f.message) for f in check.errors(catalog(codes, schemas))]


def warnings(codes: dict[int, Any]) -> list[str]:
    return [f.message for f in check.warnings(catalog(codes))]


def test_the_embedded_catalog_has_no_errors_and_no_warnings(embedded: Catalog) -> None:
    assert check.errors(embedded) == []
    assert check.warnings(embedded) == [
        check.Finding(
            ("codes", 561),
            "561 collides with AWS Application Load Balancer's 561 Unauthorized (the identity"
            " provider returned an error while the load balancer authenticated the user; the"
            " access log's error_reason field says which): clients behind it cannot tell the"
            " two apart; if AWS Application Load Balancer in front of this API sends it, say"
            " `sender: {component: aws-alb}`",
            "warning",
        )
    ]


def example(
    body: Any, content_type: str = "application/json", method: str = "GET", title: str = "E"
) -> Any:
    return {"title": title, "request": {"method": method},
            "response": {"content_type": content_type, "body": body}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"error": 1}, "1 is not of type 'string' (at /error)"),
        ({}, "'error' is a required property"),
        ({"error": "x", "detail": "too long"}, "'too long' is too long (at /detail)"),
        ("text", "'text' is not of type 'object'"),
    ],
)
def test_json_example_bodies_must_validate_against_their_named_schema(
    body: Any, message: str
) -> None:
    content = {"application/json": {"schema": "AccessDenied"}}
    found = errors({561: code(content=content, examples=[example(body)])},
                   {"AccessDenied": ACCESS_DENIED})
    assert len(found) == 1
    assert found[0][1] == f"example 'E': body does not match the application/json schema: {message}"


def test_bodies_are_located_at_the_failing_value() -> None:
    content = {"application/json": {"schema": "AccessDenied"}}
    found = errors({561: code(content=content, examples=[example({"error": 1})])},
                   {"AccessDenied": ACCESS_DENIED})
    assert found[0][0] == ("codes", 561, "examples", 0, "response", "body", "error")


def test_inline_schemas_and_references_between_named_schemas_validate_bodies() -> None:
    schemas = {
        "AccessDenied": ACCESS_DENIED,
        "Envelope": {"type": "object", "properties": {
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/AccessDenied"}}}},
    }
    content = {"application/problem+json": {"schema": "Envelope"},
               "application/json": {"schema": {"type": "array", "maxItems": 1}}}
    good = [example({"errors": [{"error": "x"}]}, "application/problem+json"),
            example([1], "application/json", title="F")]
    assert errors({561: code(content=content, examples=good)}, schemas) == []
    bad = [example({"errors": [{"nope": 1}]}, "application/problem+json"),
           example([1, 2], "application/json", title="F")]
    found = [message for _, message in errors({561: code(content=content, examples=bad)}, schemas)]
    assert found == [
        "example 'E': body does not match the application/problem+json schema:"
        " 'error' is a required property (at /errors/0)",
        "example 'F': body does not match the application/json schema:"
        " [1, 2] is too long",
    ]


def test_a_body_for_an_undeclared_media_type_is_an_error() -> None:
    content = {"application/json": {}}
    (found,) = errors({561: code(content=content, examples=[example("<p>", "text/html")])})
    assert found[1] == (
        "example 'E': content_type 'text/html' is not in the code's content"
        " (declared: application/json)"
    )


def test_a_body_without_content_type_takes_the_only_declared_one() -> None:
    content = {"application/json": {"schema": {"type": "object"}}}
    examples = [{"title": "E", "response": {"body": {"a": 1}}}]
    assert errors({561: code(content=content, examples=examples)}) == []
    examples = [{"title": "E", "response": {"body": 5}}]
    assert len(errors({561: code(content=content, examples=examples)})) == 1


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"type": "strin"}, "not a valid JSON Schema"),
        ({"$ref": "#/components/schemas/Missing"}, "names no schema of this catalog"),
        ({"$ref": "#/$defs/Missing"}, "points to nothing in this schema"),
        ({"$ref": "https://example.com/s.json"}, "is not supported"),
        ({"$ref": "other.yaml#/A"}, "is not supported"),
    ],
)
def test_broken_schemas_are_errors(schema: Any, message: str) -> None:
    ((path, found),) = errors({}, {"A": schema})
    assert message in found
    assert path[:2] == ("schemas", "A")


def test_loops_of_refs_are_errors_but_recursive_schemas_are_fine() -> None:
    loop = {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}
    assert [m for _, m in errors({}, loop)] == [
        "schema 'A' loops: its $refs lead back to themselves without descending into the value"
    ]
    in_place = {"A": {"anyOf": [{"type": "null"}, {"allOf": [{"$ref": "#/$defs/X"}]}],
                      "$defs": {"X": {"not": {"$ref": "#"}}}}}
    assert [path for path, _ in errors({}, in_place)] == [("schemas", "A")]
    tree = {"Node": {"type": "object", "properties": {
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}}
    content = {"application/json": {"schema": "Node"}}
    body = {"children": [{"children": []}]}
    assert errors({561: code(content=content, examples=[example(body)])}, tree) == []


def test_an_inline_schema_that_loops_is_an_error_and_bodies_are_not_validated_against_it() -> None:
    content = {"application/json": {"schema": {"$ref": "#", "type": "object"}}}
    assert errors({561: code(content=content, examples=[example({})])}) == [
        (("codes", 561, "content", "application/json", "schema"),
         "the schema loops: its $refs lead back to themselves without descending into the value")
    ]


def test_an_unknown_schema_name_lists_the_known_ones() -> None:
    content = {"application/json": {"schema": "Acces"}}
    assert errors({561: code(content=content)}, {"Access": {}}) == [
        (("codes", 561, "content", "application/json", "schema"),
         "schema 'Acces' is not defined (known: Access)")
    ]


@pytest.mark.parametrize(
    ("equivalent", "message"),
    [(599, "equivalent 599 is not a registered status code"),
     (561, "equivalent of 561 cannot be 561 itself")],
)
def test_equivalent_must_be_another_registered_code(equivalent: int, message: str) -> None:
    assert errors({561: code(equivalent=equivalent)}) == [(("codes", 561, "equivalent"), message)]


def test_related_codes_must_exist_and_attach_rules_must_parse() -> None:
    found = errors({561: code(related=[401, 562, 599], attach=["secured", "bogus:x"])})
    assert [message.split(":")[0] for _, message in found] == [
        "related code 562 is neither in this catalog nor registered",
        "related code 599 is neither in this catalog nor registered",
        "bad attach rule 'bogus",
    ]


@pytest.mark.parametrize("status", [100, 103, 204, 205, 304])
def test_codes_without_content_cannot_declare_or_show_a_body(status: int) -> None:
    entry = code(content={"text/plain": {}}, examples=[example("hi", "text/plain")])
    assert [m for _, m in errors({status: entry})] == [
        f"{status} responses have no content (RFC 9110)",
        f"example 'E': {status} responses have no body",
    ]


def test_a_response_to_head_has_no_body() -> None:
    entry = code(content={"text/plain": {}},
                 examples=[example("hi", "text/plain", method="HEAD")])
    assert [m for _, m in errors({561: entry})] == [
        "example 'E': a response to HEAD has no body (RFC 9110 §9.3.2)"
    ]
    entry["examples"][0]["response"].pop("body")
    assert errors({561: entry}) == []


def test_two_codes_cannot_share_a_response_name() -> None:
    found = errors({561: code(name="Failure"), 562: code(name="Failure")})
    assert found == [(("codes", 562, "name"),
                      "response name 'Failure' is already used by 561; give one a distinct name")]


def test_redefining_a_registered_code_is_a_warning() -> None:
    assert warnings({404: {"reason": "Missing", "summary": "s"}}) == [
        "404 is registered as 'Not Found' (RFC 9110, Section 15.5.5); calling it 'Missing'"
        " redefines a standard code"
    ]
    assert warnings({404: {"reason": "not found", "summary": "s"}}) == []


def test_colliding_with_vendor_uses_is_a_warning_per_vendor() -> None:
    found = warnings({499: {"reason": "Client Closed Request", "summary": "s", "equivalent": 400}})
    assert [message.split(" (")[0] for message in found] == [
        "499 collides with nginx's 499 Client Closed Request",
        "499 collides with Esri ArcGIS's 499 Token Required",
    ]


def test_a_registered_code_with_a_vendor_meaning_warns_about_the_collision() -> None:
    found = warnings({451: {"reason": "Unavailable For Legal Reasons", "summary": "s"}})
    assert len(found) == 1
    assert found[0].startswith("451 collides with Microsoft Exchange ActiveSync's 451 Redirect")


def test_a_custom_code_without_equivalent_is_a_warning_naming_the_fallback() -> None:
    assert warnings({299: {"reason": "Odd", "summary": "s"}}) == [
        "custom code 299 gives no 'equivalent': clients that do not know it treat it as 200;"
        " name the standard code it stands for"
    ]
    assert warnings({299: {"reason": "Odd", "summary": "s", "equivalent": 200}}) == []


def test_an_example_omitting_a_required_header_is_a_warning() -> None:
    entry = code(headers={"WWW-Authenticate": {"required": True}, "X-Opt": {}},
                 examples=[{"title": "E"}])
    assert warnings({401: {**entry, "equivalent": None}}) == [
        "example 'E' omits required header(s) WWW-Authenticate"
    ]


def test_a_problem_type_example_omitting_a_required_header_is_a_warning_at_its_headers() -> None:
    """A problem type's examples are transcripts too: each must carry the code's required
    headers, named as the catalog writes them."""
    entry = code(
        headers={"Retry-After": {"required": True}, "X-Request-Id": {"required": True}},
        content={"application/problem+json": {}},
        problems={"slow-down": {"title": "Slow down", "type": "https://e.test/slow-down",
                                "examples": [{"title": "P",
                                              "response": {"headers": {"retry-after": "3"}}}]}},
    )
    found = check.warnings(catalog({429: {**entry, "reason": "Too Many Requests",
                                          "equivalent": None}}))
    assert [(f.path, f.message) for f in found] == [(
        ("codes", 429, "problems", "slow-down", "examples", 0, "response", "headers"),
        "example 'P' of problem type 'slow-down' omits required header(s) X-Request-Id",
    )]


def test_the_time_limit_on_body_validation_leaves_no_timer_or_handler_behind() -> None:
    """Bodies are validated under a SIGALRM limit; afterwards the process is as it was."""
    mine = signal.signal(signal.SIGALRM, signal.SIG_IGN)
    try:
        validator = BodyValidator({"Token": {"type": "string", "pattern": "^[a-z]+$"}})
        media = MediaType.model_validate({"schema": "Token"})
        with time_limits():
            assert validator.errors(media, "abc") == []
            assert validator.errors(media, "ABC")
            assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # disarmed between bodies
        assert signal.getsignal(signal.SIGALRM) is signal.SIG_IGN
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, mine)


@pytest.mark.parametrize(("rule", "hint"), [
    ("secure", " (did you mean 'secured'?)"), ("tags:billing", " (did you mean 'tag:billing'?)"),
    ("secured,method:gett", " (did you mean 'method:get'?)"), ("webhook", " (did you mean"
                                                              " 'webhooks'?)"),
    ("nonsense", ""),
])
def test_a_mistyped_attach_rule_names_the_term_it_is_close_to(rule: str, hint: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_rule(rule)
    word = rule.split(",")[-1]
    assert str(refused.value).startswith(f"bad attach rule {rule!r} at {word!r}{hint}: a rule")

"""The catalog models refuse what HTTP forbids, and accept what it allows."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from specgen.catalog.models import (
    Catalog,
    Example,
    Header,
    MediaType,
    Request,
    Response,
    Server,
    StatusCode,
    catalog_json_schema,
    is_json_media_type,
    slugify,
)

BASE: dict[str, Any] = {"reason": "Unauthorized", "summary": "No credentials."}


def catalog(codes: dict[Any, Any] | None = None, **extra: Any) -> Catalog:
    data = {"specgen": 1, "info": {"title": "T", "version": "1"}, "codes": codes or {}, **extra}
    return Catalog.model_validate(data)


def refused(build: Any, *args: Any, match: str = "", **kwargs: Any) -> str:
    """The validation message when `build` refuses its input."""
    with pytest.raises(ValidationError) as info:
        build(*args, **kwargs)
    text = str(info.value)
    assert match in text
    return text


@pytest.mark.parametrize("code", [100, 200, 418, 561, 599, "561"])
def test_codes_100_to_599_are_accepted(code: Any) -> None:
    assert list(catalog({code: BASE}).codes) == [int(code)]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (99, "outside 100-599"),
        (600, "outside 100-599"),
        (0, "outside 100-599"),
        (-561, "outside 100-599"),
        (True, "three-digit integer"),
        (561.0, "three-digit integer"),
        ("5xx", "three-digit integer"),
        ("0561", "three-digit integer"),
        (" 561", "three-digit integer"),
        ("5610", "three-digit integer"),
        (None, "three-digit integer"),
    ],
)
def test_codes_that_are_not_three_digit_integers_in_range_are_refused(
    code: Any, message: str
) -> None:
    refused(catalog, {code: BASE}, match=message)


def test_one_code_spelled_twice_is_refused() -> None:
    refused(catalog, {561: BASE, "561": BASE}, match="code 561 is given twice")


@pytest.mark.parametrize(
    "reason", ["Unauthorized", "OK", "I'm a teapot", "Non-Authoritative Information", "A\tB"]
)
def test_reason_phrases_of_visible_ascii_are_accepted(reason: str) -> None:
    assert StatusCode(reason=reason, summary="s").reason == reason


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("Unauthorized\r\nSet-Cookie: a=b", "CR or LF"),
        ("Unauthorized\n", "CR or LF"),
        ("Un\rauthorized", "CR or LF"),
        ("", "printable ASCII"),
        (" Unauthorized", "printable ASCII"),
        ("Unauthorized ", "printable ASCII"),
        ("Não autorizado", "printable ASCII"),
        ("Un\x00authorized", "printable ASCII"),
        ("Un\x7fauthorized", "printable ASCII"),
    ],
)
def test_reason_phrases_that_break_the_status_line_are_refused(reason: str, message: str) -> None:
    refused(StatusCode, reason=reason, summary="s", match=message)


@pytest.mark.parametrize("summary", ["", "   ", "\n"])
def test_blank_summaries_are_refused(summary: str) -> None:
    refused(StatusCode, reason="R", summary=summary, match="must not be empty")


@pytest.mark.parametrize("name", ["WWW-Authenticate", "X-Request-Id", "x_y", "A!#$%&'*+-.^_`|~9"])
def test_header_names_that_are_tokens_are_accepted(name: str) -> None:
    assert list(StatusCode(**BASE, headers={name: {}}).headers) == [name]


@pytest.mark.parametrize(
    "name", ["WWW Authenticate", "X-Evil:", "X-A\r\nX-B", "X(1)", "Ünicode", "", "X/Y", 'X"Y']
)
def test_header_names_that_are_not_tokens_are_refused(name: str) -> None:
    refused(StatusCode, **BASE, headers={name: {}}, match="not an HTTP token")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Bearer\r\nSet-Cookie: a=b", "CR or LF"),
        ("a\nb", "CR or LF"),
        (" leading", "not a valid header value"),
        ("trailing ", "not a valid header value"),
        ("caf\u00e9", "not a valid header value"),
        ("nul\x00", "not a valid header value"),
    ],
)
def test_header_values_that_break_the_header_block_are_refused(value: str, message: str) -> None:
    refused(Header, example=value, match=message)
    refused(Response, headers={"X-A": value}, match=message)
    refused(Request, headers={"X-A": value}, match=message)


def test_header_values_may_hold_inner_spaces_quotes_and_tabs() -> None:
    value = 'Bearer realm="example", error="invalid_token"\tx'
    assert Header(example=value).example == value


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (Request, "Host"),
        (Request, "content-length"),
        (Response, "Date"),
        (Response, "SERVER"),
        (Response, "Transfer-Encoding"),
        (Response, "Content-Type"),
    ],
)
def test_headers_specgen_computes_cannot_be_given(model: Any, name: str) -> None:
    refused(model, headers={name: "x"}, match="is set by specgen")


def test_a_header_given_twice_in_different_case_is_refused() -> None:
    refused(Response, headers={"X-Id": "1", "x-id": "2"}, match="given twice")
    refused(StatusCode, **BASE, headers={"Retry-After": {}, "retry-after": {}}, match="twice")


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PROPFIND", "M-SEARCH"])
def test_methods_that_are_tokens_are_accepted(method: str) -> None:
    assert Request(method=method).method == method


@pytest.mark.parametrize("method", ["GET /admin HTTP/1.1\r\nHost: x", "GET ", "G\nET", "", "GÉT"])
def test_methods_that_are_not_tokens_are_refused(method: str) -> None:
    refused(Request, method=method, match="not an HTTP token")


@pytest.mark.parametrize("path", ["/", "/example", "/a/b?q=1&r=%20", "/~user/*", "//double"])
def test_origin_form_paths_are_accepted(path: str) -> None:
    assert Request(path=path).path == path


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/a b", "whitespace"),
        ("/a\r\nHost: evil", "whitespace"),
        ("/a\tb", "whitespace"),
        ("example", "must start with '/'"),
        ("http://evil.example/", "must start with '/'"),
        ("/caf\u00e9", "visible ASCII"),
        ("/a#fragment", "contains '#'"),
        ("", "must start with '/'"),
    ],
)
def test_paths_that_are_not_origin_form_are_refused(path: str, message: str) -> None:
    refused(Request, path=path, match=message)


@pytest.mark.parametrize(
    "media_type",
    ["application/json", "application/problem+json", "text/plain; charset=utf-8", 'a/b; q="x y"'],
)
def test_media_types_are_accepted(media_type: str) -> None:
    assert list(StatusCode(**BASE, content={media_type: {}}).content) == [media_type]


@pytest.mark.parametrize(
    "media_type", ["application/json\r\nX-Evil: 1", "application json", "json", "text/", "a/b;"]
)
def test_malformed_media_types_are_refused(media_type: str) -> None:
    refused(StatusCode, **BASE, content={media_type: {}}, match="media type")
    refused(Response, content_type=media_type, match="media type")


@pytest.mark.parametrize(
    ("media_type", "json"),
    [
        ("application/json", True),
        ("Application/JSON; charset=utf-8", True),
        ("application/problem+json", True),
        ("application/vnd.example+json", True),
        ("text/plain", False),
        ("application/jsonl", False),
    ],
)
def test_json_media_types_are_recognised(media_type: str, json: bool) -> None:
    assert is_json_media_type(media_type) is json


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("host", "example.com\r\nX: y", "host"),
        ("host", "example.com/../etc", "host"),
        ("host", "user@example.com", "host"),
        ("host", "-bad.example", "host"),
        ("host", "example.com:70000", "port 70000 is outside 1-65535"),
        ("host", "[::1]:0", "port 0 is outside 1-65535"),
        ("software", "nginx\r\nX: y", "CR or LF"),
        ("date", "Wed, 09 Oct 2024 23:14:51 GMT\r\n", "not an HTTP date"),
        ("date", "2024-10-09T23:14:51Z", "not an HTTP date"),
        ("date", "Mon, 09 Oct 2024 23:14:51 GMT", "weekday does not match"),
        ("date", "Wed, 31 Feb 2024 23:14:51 GMT", "not a real date"),
        ("scheme", "ftp", "'https' or 'http'"),
    ],
)
def test_server_fields_that_reach_headers_are_refused_when_malformed(
    field: str, value: str, message: str
) -> None:
    refused(Server, **{field: value}, match=message)


@pytest.mark.parametrize("host", ["example.com", "a.b:65535", "[::1]", "[2001:db8::1]:8443"])
def test_hosts_with_valid_ports_are_accepted(host: str) -> None:
    assert Server(host=host).host == host


def test_server_base_url_joins_scheme_and_host() -> None:
    assert Server(host="[2001:db8::1]:8443", scheme="http").base_url == "http://[2001:db8::1]:8443"


@pytest.mark.parametrize("slug", ["../../etc", "..", "/etc/passwd", "A", "a_b", "a--b", "-a", ""])
def test_slugs_that_could_escape_a_folder_or_are_not_lowercase_words_are_refused(
    slug: str,
) -> None:
    refused(Example, title="t", slug=slug, match="slug")


@pytest.mark.parametrize(
    ("title", "slug"),
    [("API request without token", "api-request-without-token"), ("../../etc", "etc"),
     ("日本語", "example"), ("  Expired   token!  ", "expired-token")],
)
def test_example_ids_are_slugs_made_from_titles(title: str, slug: str) -> None:
    assert slugify(title) == slug
    assert Example(title=title).id == slug


def test_two_examples_with_one_slug_are_refused() -> None:
    examples = [{"title": "Missing token"}, {"title": "Missing token!"}]
    refused(StatusCode, **BASE, examples=examples, match="two examples have the slug")


@pytest.mark.parametrize("name", ["../x", "..", ".hidden", "a/b", "a b", ""])
def test_names_that_could_become_unsafe_file_names_are_refused(name: str) -> None:
    refused(catalog, schemas={name: {"type": "object"}}, match="name")
    refused(StatusCode, **BASE, name=name, match="name")


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{Reason}", "must contain {code}"),
        ("../{code}", "not a valid response name"),
        ("{code}{__class__}", "may use only"),
        ("{code", "may use only"),
    ],
)
def test_bad_response_name_patterns_are_refused(pattern: str, message: str) -> None:
    refused(catalog, response_names=pattern, match=message)


def test_response_names_follow_the_pattern_or_the_explicit_name() -> None:
    codes = {561: BASE, 429: {"reason": "Too Many Requests", "summary": "s", "name": "Slow"}}
    assert catalog(codes).response_name(561) == "Unauthorized561"
    assert catalog(codes).response_name(429) == "Slow"
    assert catalog(codes, response_names="{reason}_{code}").response_name(561) == "Unauthorized_561"


def test_the_response_name_pattern_survives_validation_unchanged() -> None:
    """The pattern is kept as written (it is dumped and loaded again)."""
    assert catalog(response_names="E{code}").response_names == "E{code}"
    assert catalog().response_names == "{Reason}{code}"


@pytest.mark.parametrize("version", [2, 0, "1", True, 1.5, None])
def test_other_format_versions_are_refused(version: Any) -> None:
    with pytest.raises(ValidationError):
        Catalog.model_validate({"specgen": version, "info": {"title": "T", "version": "1"}})


@pytest.mark.parametrize(
    "model", [Catalog, StatusCode, Header, MediaType, Request, Response, Example, Server]
)
def test_unknown_keys_are_refused_everywhere(model: Any) -> None:
    refused(model.model_validate, {"bogus": 1}, match="bogus")


@pytest.mark.parametrize("equivalent", [600, 99, "4xx", True, 401.5])
def test_an_equivalent_must_be_a_status_code(equivalent: Any) -> None:
    refused(StatusCode, **BASE, equivalent=equivalent, match="status code")


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ([1, 2], "a schema is a JSON Schema mapping"),
        ({"model": "not a ref"}, "model reference"),
        ({"model": 5}, "model must be a string"),
    ],
)
def test_schema_definitions_must_be_mappings_or_model_references(schema: Any, message: str) -> None:
    refused(catalog, schemas={"A": schema}, match=message)


def test_a_model_key_beside_other_keys_is_a_plain_json_schema() -> None:
    schema = {"model": "x:Y", "type": "object"}
    assert catalog(schemas={"A": schema}).schemas["A"] == schema


@pytest.mark.parametrize("schema", [5, ["A"], "not a name!"])
def test_media_type_schemas_are_names_mappings_or_none(schema: Any) -> None:
    refused(MediaType, schema=schema, match="schema")


def test_request_body_gets_a_content_type_from_its_kind() -> None:
    assert Request(method="POST", body={"a": 1}).content_type == "application/json"
    assert Request(method="POST", body="a=1").content_type == "text/plain"


def test_request_content_type_needs_a_body_and_non_json_bodies_are_text() -> None:
    refused(Request, content_type="text/plain", match="no body")
    refused(Request, content_type="text/plain", body={"a": 1}, match="must be a string")


def test_the_catalog_json_schema_is_draft_2020_12_and_pins_code_keys() -> None:
    schema = catalog_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["codes"]["propertyNames"] == {"pattern": "^[1-5][0-9][0-9]$"}
    assert set(schema["required"]) == {"specgen", "info"}

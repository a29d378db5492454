"""Issue 14, items 2-5: exact bodies, shared headers, narrowed schemas, header checks, links."""

from __future__ import annotations

import re
from pathlib import Path

import h11
import pytest
import yaml
from conftest import DATA, ROOT
from openapi_spec_validator import validate

from specgen import load_catalog, render_openapi, render_transcripts
from specgen.catalog.headers import readings, typed_example
from specgen.catalog.models import Catalog
from specgen.docs.plan import docs_plan
from specgen.errors import SpecgenError

PLATFORM = DATA / "parts" / "platform.yaml"
GUIDE = ROOT / "site" / "guide" / "catalog-parts.md"


@pytest.fixture(scope="module")
def platform() -> Catalog:
    return load_catalog(PLATFORM)


def _messages(raw_request: bytes, raw_response: bytes) -> tuple[bytes, bytes]:
    """The request and response bodies as h11 reads them off the wire."""
    server = h11.Connection(h11.SERVER)
    server.receive_data(raw_request)
    request = server.next_event()
    assert isinstance(request, h11.Request)
    request_body = b""
    while not isinstance(event := server.next_event(), h11.EndOfMessage):
        assert isinstance(event, h11.Data)
        request_body += event.data
    client = h11.Connection(h11.CLIENT)
    client.send(request)
    client.send(h11.Data(data=request_body))
    client.send(h11.EndOfMessage())
    client.receive_data(raw_response)
    assert isinstance(client.next_event(), h11.Response)
    response_body = b""
    while not isinstance(event := client.next_event(), h11.EndOfMessage):
        assert isinstance(event, h11.Data)
        response_body += event.data
    return request_body, response_body


def test_body_text_is_sent_byte_for_byte_under_a_json_media_type(platform: Catalog) -> None:
    """Malformed JSON under application/json reaches the wire exactly as written (h11)."""
    transcript = render_transcripts(platform, code=400, example="malformed-json")[0]
    request_body, response_body = _messages(transcript.request, transcript.response)
    assert request_body == b'{"name": "Rex",'
    assert response_body == b'{"type":"about:blank","title":"Bad Request","status":400}'
    assert b"Content-Type: application/json\r\n" in transcript.request
    assert b"Content-Type: application/problem+json\r\n" in transcript.response


def test_body_text_is_a_string_value_in_openapi_and_verbatim_on_the_page(
    platform: Catalog,
) -> None:
    document = render_openapi(platform)
    validate(document)
    example = document["components"]["examples"]["BadRequest400.malformed-json"]
    assert example["value"] == '{"type":"about:blank","title":"Bad Request","status":400}'
    page = docs_plan(platform)["codes/400.md"]
    assert '{"type":"about:blank","title":"Bad Request","status":400}' in page
    assert '{"name": "Rex",' in page


def test_body_and_body_text_together_are_refused() -> None:
    with pytest.raises(SpecgenError, match=r"give body .* or body_text .*, not both"):
        load_catalog(DATA / "invalid" / "body_and_body_text.yaml")


def test_a_shared_header_is_one_component_every_code_refers_to(platform: Catalog) -> None:
    for oas in ("3.0", "3.1"):
        document = render_openapi(platform, oas)
        validate(document)
        headers = document["components"]["headers"]
        assert headers["X-Request-Id"]["required"] is True
        for name in ("BadRequest400", "UnprocessableContent422", "TooManyRequests429",
                     "InternalServerError500"):
            response = document["components"]["responses"][name]
            assert response["headers"]["X-Request-Id"] == {
                "$ref": "#/components/headers/X-Request-Id"}


def test_a_shared_header_keeps_its_component_beside_a_different_local_definition() -> None:
    data = {
        "specgen": 1, "info": {"title": "T", "version": "1"},
        "headers": {"X-Request-Id": {"description": "Shared."}},
        "codes": {
            400: {"reason": "Bad Request", "summary": "Bad.",
                  "headers": {"X-Request-Id": {"$ref": "#/headers/X-Request-Id"}}},
            500: {"reason": "Internal Server Error", "summary": "Broke.",
                  "headers": {"X-Request-Id": {"description": "Local."}}},
        },
    }
    document = render_openapi(Catalog.model_validate(data))
    headers = document["components"]["headers"]
    assert headers["X-Request-Id"] == {"description": "Shared.", "schema": {"type": "string"},
                                       "x-specgen": {"generated": True}}  # merge's mark
    local = document["components"]["responses"]["InternalServerError500"]["headers"]
    assert headers[local["X-Request-Id"]["$ref"].rsplit("/", 1)[1]]["description"] == "Local."


def test_a_narrowed_shared_schema_keeps_the_400_fields_off_the_429_page(
    platform: Catalog,
) -> None:
    pages = docs_plan(platform)
    assert "<code>errors</code>" in pages["codes/400.md"]
    assert "<code>errors</code>" not in pages["codes/429.md"]
    assert "<code>detail</code>" in pages["codes/429.md"]


def test_the_guides_anchor_example_loads_as_if_written_out() -> None:
    """YAML anchors and merge keys suffice for repeated parts: the guide's example loads."""
    text = GUIDE.read_text("utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "&problem" in b)
    catalog = Catalog.model_validate(yaml.safe_load(block))
    assert catalog.codes[429].content == catalog.codes[503].content
    retry = catalog.codes[503].headers["Retry-After"]
    assert retry.required and retry.example == "120"
    assert retry.description == catalog.codes[429].headers["Retry-After"].description


@pytest.mark.parametrize(
    ("value", "read"),
    [("30", ["30", 30]), ("-1", ["-1", -1]), ("2.5", ["2.5", 2.5]), ("true", ["true", True]),
     ("soon", ["soon"]), ("030", ["030"]), ("1e3", ["1e3", 1000.0])],
)
def test_a_header_value_is_read_as_text_and_as_the_number_or_boolean_it_spells(
    value: str, read: list[object]
) -> None:
    assert readings(value) == read


def test_openapi_shows_a_header_example_as_its_schema_type_reads_it(platform: Catalog) -> None:
    assert typed_example(platform.codes[429].headers["Retry-After"]) == 30
    assert typed_example(platform.codes[400].headers["X-Request-Id"]) == (
        "3f2a9c1e-55b0-4f7e-9d6a-0c1d2e3f4a5b")


def test_code_links_become_absolute_doc_urls_in_openapi(platform: Catalog) -> None:
    document = render_openapi(platform)
    responses = document["components"]["responses"]
    assert "[422](https://docs.example.com/errors/codes/422/)" in (
        responses["BadRequest400"]["description"])
    assert "(https://docs.example.com/errors/codes/503/#remedies)" in (
        responses["TooManyRequests429"]["description"])
    assert "code:" not in str(document)


def test_code_links_are_plain_text_in_openapi_without_a_docs_url(platform: Catalog) -> None:
    catalog = platform.model_copy(update={"docs_url": None})
    description = render_openapi(catalog)["components"]["responses"]["BadRequest400"][
        "description"]
    assert "gets 422 instead" in description


def test_code_links_lead_to_the_code_pages_on_the_site(platform: Catalog) -> None:
    pages = docs_plan(platform)
    href = 'href="..&#47;..&#47;codes&#47;422&#47;"'
    assert href in pages["codes/400.md"]
    assert 'href="codes&#47;503&#47;&#35;remedies"' in pages["index.md"]
    assert "code&#58;" not in "".join(pages.values())


def test_a_code_link_to_an_anchor_its_page_lacks_stops_the_docs(tmp_path: Path) -> None:
    bad = tmp_path / "specgen.yaml"
    bad.write_text(PLATFORM.read_text("utf-8").replace("503#remedies", "503#nowhere"), "utf-8")
    with pytest.raises(SpecgenError, match="the page of 503 has no anchor #nowhere"):
        docs_plan(load_catalog(bad))


def test_the_platform_catalog_checks_clean_under_strict() -> None:
    from click.testing import CliRunner

    from specgen.cli import cli

    result = CliRunner().invoke(cli, ["check", "--strict", str(PLATFORM)])
    assert result.exit_code == 0, result.output + result.stderr

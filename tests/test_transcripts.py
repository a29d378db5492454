"""Transcripts: every one parses with h11 as one whole request and response equal to the catalog."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h11
import pytest
from conftest import DATA
from hypothesis import HealthCheck, assume, given, settings
from strategies import catalogs

from specgen import load_catalog
from specgen.catalog.models import (
    Catalog,
    Example,
    Request,
    Response,
    StatusCode,
    is_json_media_type,
)
from specgen.errors import RenderError
from specgen.http.transcripts import (
    Transcript,
    format_body,
    iter_transcripts,
    readable,
    render_transcript,
    transcripts_plan,
)
from specgen.text.render import render

CATALOGS = DATA / "transcripts"
TEST_CATALOGS = sorted(CATALOGS.glob("*.yaml"))


@dataclass
class Parsed:
    """What h11 made of a transcript."""

    request: h11.Request
    request_body: bytes
    response: h11.Response | h11.InformationalResponse
    response_body: bytes


def parse_request(raw: bytes) -> tuple[h11.Request, bytes]:
    """Parse a request as a server does; fail unless it is exactly one whole message."""
    server = h11.Connection(h11.SERVER)
    server.receive_data(raw)
    request = server.next_event()
    assert isinstance(request, h11.Request), request
    body = b""
    while not isinstance(event := server.next_event(), h11.EndOfMessage):
        assert isinstance(event, h11.Data), f"request ended early: {event!r}"
        body += event.data
    # The request ended where the bytes end: nothing is left over.
    assert server.trailing_data == (b"", False)
    return request, body


def parse(transcript: Transcript) -> Parsed:
    """Parse both messages; the response as the client that sent the request reads it."""
    request, request_body = parse_request(transcript.request)
    client = h11.Connection(h11.CLIENT)
    client.send(request)
    if request_body:
        client.send(h11.Data(data=request_body))
    client.send(h11.EndOfMessage())
    assert transcript.response is not None, "this example's response reaches no client"
    client.receive_data(transcript.response)
    response = client.next_event()
    assert isinstance(response, h11.Response | h11.InformationalResponse), response
    body = b""
    if isinstance(response, h11.InformationalResponse):
        # An interim response is whole once its head is read: a final one would follow, or
        # after 101 the connection speaks the new protocol.
        assert client.next_event() in (h11.NEED_DATA, h11.PAUSED)
        assert client.their_state in (h11.SEND_RESPONSE, h11.SWITCHED_PROTOCOL)
    else:
        while not isinstance(event := client.next_event(), h11.EndOfMessage):
            assert isinstance(event, h11.Data), f"response ended early: {event!r}"
            body += event.data
        assert client.their_state is h11.DONE
    assert client.trailing_data == (b"", False)
    return Parsed(request, request_body, response, body)


Message = h11.Request | h11.Response | h11.InformationalResponse


def headers_of(event: Message) -> list[tuple[str, str]]:
    """Header fields as sent: original name case, in order."""
    return [(name.decode(), value.decode()) for name, value in event.headers.raw_items()]


def body_value(raw: bytes, media_type: str) -> Any:
    """What a body says: the JSON value for JSON media types, else the text."""
    text = raw.decode("utf-8")
    return json.loads(text) if is_json_media_type(media_type) else text


def upgrade(headers: dict[str, str]) -> list[tuple[str, str]]:
    return [("Connection", "Upgrade")] if any(n.lower() == "upgrade" for n in headers) else []


def expected_request(catalog: Catalog, example: Example) -> list[tuple[str, str]]:
    request = example.request
    fields = [("Host", catalog.server.host), *request.headers.items(), *upgrade(request.headers)]
    if request.body is not None and request.content_type is not None:
        length = len(format_body(request.body, request.content_type).encode())
        fields += [("Content-Type", request.content_type), ("Content-Length", str(length))]
    return fields


def response_media_type(status: StatusCode, example: Example) -> str | None:
    response = example.response
    if response.content_type is None and response.body is not None:
        (only,) = status.content
        return only
    return response.content_type


def expected_response(catalog: Catalog, code: int, example: Example) -> list[tuple[str, str]]:
    response = example.response
    fields = [("Date", catalog.server.date), ("Server", catalog.server.software)]
    fields += [*response.headers.items(), *upgrade(response.headers)]
    if code < 200 or code in (204, 304):
        return fields
    media_type = response_media_type(catalog.codes[code], example)
    if media_type is not None:
        fields.append(("Content-Type", media_type))
    if example.request.method != "HEAD":
        body = "" if response.body is None else format_body(response.body, media_type or "")
        fields.append(("Content-Length", str(len(body.encode()))))
    return fields


def assert_matches_catalog(catalog: Catalog, transcript: Transcript) -> None:
    """The transcript parses whole, and says exactly what the catalog says."""
    status = catalog.codes[transcript.code]
    examples = (status.examples if transcript.problem is None
                else status.problems[transcript.problem].examples)
    (example,) = [e for e in examples if e.id == transcript.slug]
    parsed = parse(transcript)
    request = example.request
    assert parsed.request.method.decode() == request.method
    assert parsed.request.target.decode() == request.path
    assert headers_of(parsed.request) == expected_request(catalog, example)
    if request.body is None:
        assert parsed.request_body == b""
    else:
        assert body_value(parsed.request_body, request.content_type or "") == request.body
    assert parsed.response.status_code == transcript.code
    assert parsed.response.reason.decode() == status.reason
    assert headers_of(parsed.response) == expected_response(catalog, transcript.code, example)
    if example.response.body is None:
        assert parsed.response_body == b""
    else:
        media_type = response_media_type(status, example) or ""
        assert body_value(parsed.response_body, media_type) == example.response.body


def test_every_embedded_transcript_parses_whole_and_matches_the_catalog(embedded: Catalog) -> None:
    found = list(iter_transcripts(embedded))
    assert len(found) == 7  # four examples of 561, one of each of its three problem types
    assert [t.problem for t in found[4:]] == list(embedded.codes[561].problems)
    for transcript in found:
        assert_matches_catalog(embedded, transcript)


@pytest.mark.parametrize("path", TEST_CATALOGS, ids=[p.stem for p in TEST_CATALOGS])
def test_every_test_catalog_transcript_parses_whole_and_matches_the_catalog(path: Path) -> None:
    catalog = load_catalog(path)
    found = list(iter_transcripts(catalog))
    assert found
    for transcript in found:
        assert_matches_catalog(catalog, transcript)


def _switches_without_proposal(catalog: Catalog) -> bool:
    """A 101 example whose request proposes no Upgrade: no HTTP exchange can look like that."""
    status = catalog.codes.get(101)
    return status is not None and any(
        not any(name.lower() == "upgrade" for name in example.request.headers)
        for example in status.examples
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs())
def test_generated_catalog_transcripts_parse_whole_and_match_the_catalog(catalog: Catalog) -> None:
    assume(not _switches_without_proposal(catalog))
    for transcript in iter_transcripts(catalog):
        assert_matches_catalog(catalog, transcript)


def test_status_line_has_code_and_reason_once(embedded: Catalog) -> None:
    """The seed page's `HTTP/1.1 561 561 Unauthorized` cannot happen."""
    for transcript in iter_transcripts(embedded):
        assert transcript.response.startswith(b"HTTP/1.1 561 Unauthorized\r\n")


def test_content_length_counts_utf8_bytes_of_non_ascii_bodies() -> None:
    catalog = load_catalog(CATALOGS / "edge.yaml")
    (example,) = [e for e in catalog.codes[561].examples if e.id.startswith("body-that")]
    transcript = render_transcript(catalog, 561, example)
    body = "Zugriff verweigert \N{EN DASH} ungültiges Token.\r\nZweite Zeile\n".encode()
    assert len(body) != len(body.decode())
    assert transcript.response.endswith(b"\r\n\r\n" + body)
    assert f"\r\nContent-Length: {len(body)}\r\n".encode() in transcript.response


def test_every_line_of_the_head_ends_with_crlf(embedded: Catalog) -> None:
    for transcript in iter_transcripts(embedded):
        for raw in (transcript.request, transcript.response):
            head, separator, _ = raw.partition(b"\r\n\r\n")
            assert separator
            assert b"\n" not in head.replace(b"\r\n", b"")
            assert b"\r" not in head.replace(b"\r\n", b"")


def test_head_response_has_content_type_but_no_body_nor_length() -> None:
    catalog = load_catalog(CATALOGS / "edge.yaml")
    (example,) = [e for e in catalog.codes[418].examples if e.id == "head"]
    response = render_transcript(catalog, 418, example).response
    assert b"Content-Type: application/problem+json\r\n" in response
    assert b"Content-Length" not in response
    assert response.endswith(b"\r\n\r\n")


@pytest.mark.parametrize("code", [100, 101, 204, 304])
def test_codes_without_content_send_no_length(code: int) -> None:
    catalog = load_catalog(CATALOGS / "edge.yaml")
    response = render_transcript(catalog, code, catalog.codes[code].examples[0]).response
    assert b"Content-Length" not in response
    assert response.endswith(b"\r\n\r\n")


def test_response_without_body_states_length_zero() -> None:
    """Without Content-Length a client would wait for the connection to close."""
    catalog = load_catalog(CATALOGS / "edge.yaml")
    for code, slug in ((205, "reset-form"), (561, "response-without-content-type")):
        (example,) = [e for e in catalog.codes[code].examples if e.id == slug]
        assert render_transcript(catalog, code, example).response.endswith(
            b"\r\nContent-Length: 0\r\n\r\n"
        )


def test_sole_declared_media_type_is_used_when_the_example_omits_it() -> None:
    catalog = _one_code(
        content={"application/json": {}},
        examples=[{"title": "x", "response": {"body": {"a": 1}}}],
    )
    response = next(iter_transcripts(catalog)).response
    assert b"\r\nContent-Type: application/json\r\n" in response


@pytest.mark.parametrize(
    ("code", "method"), [(204, "GET"), (304, "GET"), (103, "GET"), (205, "GET"), (500, "HEAD")]
)
def test_body_that_http_cannot_carry_is_refused_at_render(code: int, method: str) -> None:
    """A Catalog built in Python skips `check`; the renderer still refuses the body."""
    catalog = Catalog(
        specgen=1,
        info={"title": "t", "version": "1"},
        codes={code: StatusCode(
            reason="Reason", summary="s",
            examples=[Example(
                title="x", request=Request(method=method), response=Response(body="no"),
            )],
        )},
    )
    with pytest.raises(RenderError) as caught:
        list(iter_transcripts(catalog))
    assert str(caught.value).endswith("has no content; remove the example's body")
    assert f"#/codes/{code}/examples/0/response/body" in str(caught.value)


def test_upgrade_header_brings_connection_upgrade() -> None:
    """RFC 9110 §7.8: Upgrade is a connection option, so Connection must list it."""
    catalog = load_catalog(CATALOGS / "edge.yaml")
    transcript = render_transcript(catalog, 101, catalog.codes[101].examples[0])
    assert b"\r\nConnection: Upgrade\r\n" in transcript.request
    assert b"\r\nConnection: Upgrade\r\n" in transcript.response


def test_json_bodies_are_indented_by_two_with_unicode_kept() -> None:
    assert format_body({"a": ["é", 1]}, "application/problem+json") == (
        '{\n  "a": [\n    "é",\n    1\n  ]\n}'
    )


def test_json_string_body_is_a_json_string_and_text_is_as_written() -> None:
    assert format_body("hi", "application/json") == '"hi"'
    assert format_body("hi\r\n", "text/plain") == "hi\r\n"


def test_readable_uses_lf_in_the_head_and_keeps_the_body() -> None:
    raw = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nline\r\nnext"
    assert readable(raw) == "HTTP/1.1 200 OK\nA: b\n\nline\r\nnext\n"
    assert readable(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n") == "GET / HTTP/1.1\nHost: x\n"


def test_plan_names_three_files_per_example(embedded: Catalog) -> None:
    plan = transcripts_plan(embedded)
    status = embedded.codes[561]
    stems = [e.id for e in status.examples] + [
        f"{slug}/{e.id}" for slug, problem in status.problems.items() for e in problem.examples
    ]
    kinds = ("request.http", "response.http", "curl.sh")
    assert sorted(plan) == sorted(f"561/{stem}.{kind}" for stem in stems for kind in kinds)
    assert all(isinstance(plan[k], bytes) for k in plan if k.endswith(".http"))
    assert all(isinstance(plan[k], str) for k in plan if k.endswith(".sh"))


def test_transcripts_come_in_code_order_then_catalog_order() -> None:
    catalog = load_catalog(CATALOGS / "edge.yaml")
    order = [(t.code, t.slug) for t in iter_transcripts(catalog)]
    expected = [(c, e.id) for c in sorted(catalog.codes) for e in catalog.codes[c].examples]
    assert order == expected
    assert [code for code, _ in order] == sorted(code for code, _ in order)


def test_rendering_twice_gives_the_same_bytes(embedded: Catalog) -> None:
    catalog = load_catalog(CATALOGS / "edge.yaml")
    for source in (embedded, catalog):
        assert transcripts_plan(source) == transcripts_plan(source.model_copy(deep=True))


def test_embedded_transcripts_match_golden_files(embedded: Catalog, golden: Any) -> None:
    golden.check_tree("transcripts-embedded", transcripts_plan(embedded))


def test_edge_transcripts_match_golden_files(golden: Any) -> None:
    golden.check_tree("transcripts-edge", transcripts_plan(load_catalog(CATALOGS / "edge.yaml")))


@pytest.mark.parametrize(
    ("head", "problem"),
    [
        ("POST /example HTTP/1.1\nHost: www.example.com\n", "the first line must be"),
        ("GET /example HTTP/1.1\n\nHost: www.example.com\n", "is not a header field"),
        ("GET /example HTTP/1.1\nHost: www.example.com\r\nX: y\n", "is not a header field"),
        ("GET /example HTTP/1.1\nHost: evil.example\nAccept: application/json\n", "framing"),
        ("GET /example HTTP/1.1\nAccept: application/json\n", "framing headers"),
        (
            "GET /example HTTP/1.1\nHost: www.example.com\nContent-Length: 5\n",
            "framing headers",
        ),
    ],
)
def test_template_that_breaks_framing_is_refused(
    embedded: Catalog, monkeypatch: pytest.MonkeyPatch, head: str, problem: str
) -> None:
    """A user's template lays out the head; it cannot change where the message ends."""
    monkeypatch.setattr("specgen.http.transcripts.render", lambda template, **_: head)
    catalog = embedded.model_copy(deep=True)  # a new object: nothing rendered for it yet
    with pytest.raises(RenderError) as caught:
        render_transcript(catalog, 561, catalog.codes[561].examples[0])
    assert "templates/http/request.http.jinja" in str(caught.value)
    assert problem in str(caught.value)


def test_template_may_add_header_fields(embedded: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's template may add header fields; the message stays well framed."""
    def with_extra(template: str, **context: Any) -> str:
        return render(template, **context) + "X-Docs: yes\n"

    monkeypatch.setattr("specgen.http.transcripts.render", with_extra)
    catalog = embedded.model_copy(deep=True)  # a new object: nothing rendered for it yet
    transcript = render_transcript(catalog, 561, catalog.codes[561].examples[0])
    assert b"\r\nX-Docs: yes\r\n\r\n" in transcript.request
    parsed = parse(transcript)
    assert headers_of(parsed.request)[-1] == ("X-Docs", "yes")
    assert headers_of(parsed.response)[-1] == ("X-Docs", "yes")


def _one_code(**entry: Any) -> Catalog:
    return Catalog.model_validate({
        "specgen": 1,
        "info": {"title": "t", "version": "1"},
        "codes": {561: {"reason": "Unauthorized", "summary": "s", **entry}},
    })

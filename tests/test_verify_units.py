"""verify's pieces without a server: origin pinning, request parsing, comparison, redaction."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from conftest import DATA

from specgen import load_catalog
from specgen.catalog.load import embedded_catalog_path
from specgen.http.transcripts import iter_transcripts
from specgen.verify.client import Origin, _pinned
from specgen.verify.compare import Comparer, Received, Redactor, Result, problem_mismatches
from specgen.verify.plan import ProblemFields, Selection, VerifyError, parse_request, plan
from specgen.verify.report import VerifyReport


def test_example_targets_stay_on_the_base_urls_origin() -> None:
    """A target that looks like a network path (`//host/...`) is a path under the origin."""
    origin = Origin.parse("http://127.0.0.1:8000/api/")
    url = httpx.URL(origin.url_for("//evil.example/steal?x=1"))
    assert (url.host, url.port) == ("127.0.0.1", 8000)
    assert url.raw_path == b"/api//evil.example/steal?x=1"


def test_the_pin_refuses_any_request_to_another_origin() -> None:
    """Whatever builds a URL, the client's request hook stops it before it is sent."""
    pin = _pinned(Origin.parse("https://api.example.com"))
    asyncio.run(pin(httpx.Request("GET", "https://api.example.com:443/x")))  # same origin
    for other in ("http://api.example.com/x", "https://api.example.com:8443/x",
                  "https://evil.example/x"):
        with pytest.raises(VerifyError, match="refused to send a request outside"):
            asyncio.run(pin(httpx.Request("GET", other)))


def test_requests_are_read_back_from_the_transcripts_exactly() -> None:
    """The embedded catalog's requests: method, target and body as the transcript has them."""
    catalog = load_catalog(embedded_catalog_path())
    for transcript in iter_transcripts(catalog):
        method, target, fields, body = parse_request(transcript.request)
        head = "\r\n".join([f"{method} {target} HTTP/1.1", *(f"{n}: {v}" for n, v in fields)])
        assert head.encode() + b"\r\n\r\n" + body == transcript.request


def test_the_catalog_host_is_replaced_by_the_base_urls() -> None:
    """Host and framing headers are the client's to compute; the rest is sent as written."""
    catalog = load_catalog(embedded_catalog_path())
    run = plan(catalog, Selection(example="identity-provider-error"), [("X-Key", "k1")])
    # The slug names the code's example and the identity-provider-error problem type's alike.
    assert [e.name for e in run.exchanges] == [
        "561/identity-provider-error", "561/identity-provider-error/identity-provider-error"]
    item = run.exchanges[0]
    names = [name for name, _ in item.headers]
    assert names == ["Accept", "Content-Type", "X-Key"]
    assert item.body == b'{\n  "item": "widget",\n  "quantity": 2\n}'
    assert run.secrets == {"k1"}


def test_a_header_replaces_the_examples_header_of_that_name() -> None:
    """--header Authorization replaces an example's own Authorization, as curl -H does; both
    values are secrets."""
    catalog = load_catalog(embedded_catalog_path())
    run = plan(catalog, Selection(example="expired-token"), [("authorization", "Bearer real")])
    item = run.exchanges[0]
    assert [v for n, v in item.headers if n.lower() == "authorization"] == ["Bearer real"]
    assert "Bearer real" in run.secrets


def test_header_values_are_read_as_openapi_simple_style_primitives() -> None:
    """`Retry-After: 30` is valid against {type: integer}; `30.5` and `soon` are not."""
    catalog = load_catalog(DATA / "verify" / "catalog.yaml")
    (item, _) = plan(catalog, Selection(code=429), []).exchanges
    comparer = Comparer(catalog, Redactor())
    body = b'{"error": "x"}'

    def checks(value: str) -> list[str]:
        received = Received(429, [("Retry-After", value), ("Content-Type", "application/json")],
                            body)
        return [m.check for m in comparer.compare(item.expected, received)]

    assert checks("30") == []
    assert checks("30.5") == ["header Retry-After"]
    assert checks("-1") == ["header Retry-After"]


def test_problem_members_must_match_in_value_and_type() -> None:
    """`status: "561"` (a string) is not the status 561; absent members are reported."""
    expected = ProblemFields("https://x/p", "T", 561)
    assert problem_mismatches(expected, {"type": "https://x/p", "title": "T", "status": 561}) == []
    found = problem_mismatches(expected, {"type": "https://x/p", "status": "561"})
    assert [(m.check, m.expected, m.received) for m in found] == [
        ("problem title", '"T"', "(missing)"),
        ("problem status", "561", '"561"'),
    ]


def test_the_longest_secret_is_redacted_first() -> None:
    """A secret containing another is hidden whole, not left half visible."""
    redact = Redactor(["abc", "abcdef", ""])
    assert redact("x abcdef y abc") == "x [redacted] y [redacted]"


def test_a_response_to_head_is_checked_without_a_body(tmp_path: Path) -> None:
    """HEAD: status, headers and content type are compared; the empty body is not a mismatch."""
    path = tmp_path / "specgen.yaml"
    path.write_text(
        "specgen: 1\ninfo: {title: T, version: '1'}\ncodes:\n  404:\n    reason: Not Found\n"
        "    summary: None.\n    content: {application/json: {schema: {type: object}}}\n"
        "    examples:\n      - title: Probe\n        request: {method: HEAD, path: /x}\n"
        "        response: {content_type: application/json}\n"
    )
    catalog = load_catalog(path)
    (item,) = plan(catalog, Selection(), []).exchanges
    assert (item.safe, item.expected.content_type, item.expected.has_body) == (
        True, "application/json", False,
    )
    comparer = Comparer(catalog, Redactor())
    ok = Received(404, [("content-type", "application/json; charset=utf-8")], b"")
    assert comparer.compare(item.expected, ok) == []
    wrong = Received(404, [("content-type", "text/html")], b"")
    assert [m.check for m in comparer.compare(item.expected, wrong)] == ["content type"]


def test_problem_type_examples_expect_their_types_uri_title_and_status() -> None:
    """The examples of a problem type are verified too, against the type's own `type` URI and
    `title` (not whatever the example body says) and the code as `status`."""
    catalog = load_catalog(embedded_catalog_path())
    run = plan(catalog, Selection(problem="token-expired"), [])
    (item,) = run.exchanges
    assert item.name == "561/token-expired/expired-token"
    assert item.expected.problem == ProblemFields(
        "https://docs.example.com/problems/token-expired", "Authentication token has expired", 561
    )


MIXED = """specgen: 1
info: {title: T, version: "1"}
problem_base: https://docs.example.com/problems/
codes:
  561:
    reason: Unauthorized
    summary: No valid token.
    content: {application/problem+json: {schema: {type: object}}}
    examples:
      - title: Body typed like a problem type
        request: {path: /plain}
        response:
          body: {type: https://docs.example.com/problems/token-missing, title: Missing}
      - title: Body of another type
        request: {path: /other}
        response:
          body: {type: https://docs.example.com/problems/session-expired, title: Expired}
    problems:
      token-missing:
        title: Authentication token is missing
        examples:
          - title: No token
            request: {path: /typed}
"""


def test_problem_selects_by_the_problem_types_catalog_slug_only(tmp_path: Path) -> None:
    """--problem names a problem type by its key under `problems:`: a code's own example whose
    body carries a `type` URI ending in that slug is not one of its examples, and the list of
    known slugs holds problem types only, not segments of plain examples' bodies."""
    (tmp_path / "specgen.yaml").write_text(MIXED, "utf-8")
    catalog = load_catalog(tmp_path / "specgen.yaml")
    (item,) = plan(catalog, Selection(problem="token-missing"), []).exchanges
    assert (item.name, item.problem) == ("561/token-missing/no-token", "token-missing")
    assert [i.problem for i in plan(catalog, Selection(), []).exchanges] == [
        None, None, "token-missing",
    ]
    with pytest.raises(VerifyError) as refused:
        plan(catalog, Selection(problem="session-expired"), [])
    assert str(refused.value) == (
        "--problem: no problem type 'session-expired' (problem types: token-missing)"
    )


def test_example_names_known_within_the_selected_problem_type(tmp_path: Path) -> None:
    """An --example that matches nothing under --problem lists that problem type's examples."""
    (tmp_path / "specgen.yaml").write_text(MIXED, "utf-8")
    catalog = load_catalog(tmp_path / "specgen.yaml")
    with pytest.raises(VerifyError) as refused:
        plan(catalog, Selection(problem="token-missing", example="nope"), [])
    assert str(refused.value) == "--example: no example matches 'nope' (known: no-token)"


EXTENDED = """specgen: 1
info: {title: T, version: "1"}
problem_base: https://docs.example.com/problems/
codes:
  429:
    reason: Too Many Requests
    summary: Slow down.
    content: {application/problem+json: {schema: {type: object}}}
    problems:
      rate-limited:
        title: Too many requests
        extensions:
          type: object
          properties: {limit: {type: integer}}
        examples:
          - title: Rate limit exceeded
            request: {method: GET, path: /orders}
            response: {body: {limit: 100}}
"""


def test_a_problem_types_extension_members_are_checked_against_their_schema(
    tmp_path: Path,
) -> None:
    """`limit: "x"` where the type's extensions say integer is a body mismatch, as `check` finds
    it in an example; the code's own schema alone would let it pass."""
    (tmp_path / "specgen.yaml").write_text(EXTENDED, "utf-8")
    catalog = load_catalog(tmp_path / "specgen.yaml")
    (item,) = plan(catalog, Selection(problem="rate-limited"), []).exchanges
    comparer = Comparer(catalog, Redactor())
    problem = {"type": "https://docs.example.com/problems/rate-limited",
               "title": "Too many requests", "status": 429}
    headers = [("Content-Type", "application/problem+json")]

    def body(limit: object) -> bytes:
        return json.dumps({**problem, "limit": limit}).encode()

    assert comparer.compare(item.expected, Received(429, headers, body(100))) == []
    (wrong,) = comparer.compare(item.expected, Received(429, headers, body("x")))
    assert (wrong.check, wrong.expected) == ("body", "valid against the problem type's extensions")
    assert "'x' is not of type 'integer'" in wrong.received


@pytest.mark.parametrize(("outcomes", "status"), [
    ([], 1),  # no example selected
    (["skipped", "skipped"], 1),  # every one skipped: nothing was verified
    (["passed", "skipped"], 0),
    (["passed", "failed"], 1),
    (["error"], 1),
])
def test_a_run_that_sent_nothing_does_not_pass(outcomes: list[str], status: int) -> None:
    exchange = plan(load_catalog(embedded_catalog_path()), Selection(), []).exchanges[0]
    results = [Result(exchange, outcome) for outcome in outcomes]  # type: ignore[arg-type]
    assert VerifyReport("http://127.0.0.1:1", results).exit_status == status

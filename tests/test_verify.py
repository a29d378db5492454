"""`specgen verify` against a real server: uvicorn on 127.0.0.1 serving the test catalog as
documented, and a deliberately wrong variant of it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import junitparser
import pytest
from click.testing import CliRunner, Result
from conftest import DATA
from verify_app import CatalogApp, Fault, Reply, Seen, serve, with_header

from specgen import load_catalog, verify_api
from specgen.catalog.load import embedded_catalog_path
from specgen.cli import cli
from specgen.http.transcripts import iter_transcripts
from specgen.verify.plan import parse_request

CATALOG = DATA / "verify" / "catalog.yaml"
TOKEN = "tok-9f8e7d6c5b4a-from-env"
EXPIRED = "s3cr3t-expired-token-value"
COOKIE = "c00kie-secret-value"


def _body(document: dict[str, object]) -> Fault:
    def fault(reply: Reply, request: Seen) -> Reply:
        return replace(reply, body=json.dumps(document).encode())

    return fault


def _echo_title(reply: Reply, request: Seen) -> Reply:
    """A server that quotes the request's credentials back: verify must not print them."""
    document = json.loads(reply.body)
    document["title"] = request.headers.get("authorization", "")
    return replace(reply, body=json.dumps(document).encode())


def _echo_api_key(reply: Reply, request: Seen) -> Reply:
    return replace(reply, body=f"no JSON, but {request.headers['x-api-key']}".encode())


def _problem_status(reply: Reply, request: Seen) -> Reply:
    document = json.loads(reply.body)
    return replace(reply, body=json.dumps({**document, "status": 500}).encode())


@dataclass
class Servers:
    """A conforming server, a wrong one, and a bystander that no request may reach."""

    good: str
    bad: str
    elsewhere: str
    good_app: CatalogApp
    bad_app: CatalogApp
    elsewhere_app: CatalogApp


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    catalog = load_catalog(CATALOG)
    elsewhere_app = CatalogApp(catalog)
    with serve(elsewhere_app) as elsewhere:
        faults = {
            "maintenance": lambda reply, request: replace(reply, status=500),
            "too-fast": with_header("Retry-After", None),
            "too-fast-again": with_header("Retry-After", "soon"),
            "missing-owner": with_header("Content-Type", "text/html; charset=utf-8"),
            "missing-toy": _body({"message": "no error member"}),
            "missing-bowl": _echo_api_key,
            "token-missing": _body({
                "type": "https://docs.example.com/problems/other", "status": 561,
                "title": "Authentication token is missing",
            }),
            "token-expired": _echo_title,
            "session-expired": _problem_status,
            "gone-away": lambda reply, request: Reply(
                307, (("Location", f"{elsewhere}/pets/42"),), b""
            ),
            "overloaded": lambda reply, request: replace(reply, delay=1.0),
        }
        good_app, bad_app = CatalogApp(catalog), CatalogApp(catalog, faults)
        with serve(good_app) as good, serve(bad_app) as bad:
            yield Servers(good, bad, elsewhere, good_app, bad_app, elsewhere_app)


def _verify(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["verify", *args], env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def wrong_run(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """One run against the wrong server, every method allowed, with a JUnit report."""
    report = tmp_path_factory.mktemp("verify") / "report.xml"
    result = _verify(
        str(CATALOG), "--base-url", servers.bad, "--allow-unsafe-methods", "--timeout", "0.3",
        "--header", "X-Api-Key: $API_TOKEN", "--report", str(report),
        env={"API_TOKEN": TOKEN},
    )
    return result, report


def test_a_conforming_server_passes(servers: Servers) -> None:
    """Every example, unsafe ones included, conforms on the server that implements them."""
    result = _verify(str(CATALOG), "--base-url", servers.good, "--allow-unsafe-methods")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 13
    assert all(line.startswith("PASSED ") for line in lines)
    # Each request went out as its transcript has it: target, headers, body (Host aside).
    for transcript in iter_transcripts(load_catalog(CATALOG)):
        method, target, fields, body = parse_request(transcript.request)
        sent = [s for s in servers.good_app.seen if (s.method, s.target) == (method, target)]
        assert any(
            s.body == body
            and all(s.headers.get(n.lower()) == v for n, v in fields if n.lower() != "host")
            for s in sent
        ), transcript.slug
    assert "13 passed, 0 failed, 0 error, 0 skipped" in result.stderr
    assert result.stderr.startswith(servers.good)  # a short run off a terminal: no progress bar


MISMATCHES = {
    "503/maintenance": "  status: expected 503; received 500",
    "429/too-fast": '  header Retry-After: expected a value valid against {"type": "integer",'
                    ' "minimum": 0}; received (missing)',
    "429/too-fast-again": "  header Retry-After: expected a value valid against",
    "404/missing-owner": "  content type: expected application/json;"
                         " received text/html; charset=utf-8",
    "404/missing-toy": "  body: expected valid against Error; received 'error' is a required"
                       " property",
    "404/missing-bowl": "  body: expected JSON; received no JSON, but [redacted] (Expecting value",
    "561/token-missing": '  problem type: expected "https://docs.example.com/problems/'
                         'token-missing"; received "https://docs.example.com/problems/other"',
    "561/token-expired": '  problem title: expected "Authentication token has expired";'
                         ' received "[redacted]"',
    "561/session-expired": "  problem status: expected 561; received 500",
    "404/gone-away": "  status: expected 404; received 307 (Location: http://127.0.0.1:",
    "503/overloaded": "  no complete response within the timeout",
}


@pytest.mark.parametrize("name", sorted(MISMATCHES))
def test_each_kind_of_mismatch_is_named_with_expected_and_received(
    wrong_run: tuple[Result, Path], name: str
) -> None:
    """The wrong server's deviation shows under its example, as expected versus received."""
    result, _ = wrong_run
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split(" ")[1] == name)
    assert lines[start].split(" ")[0] in ("FAILED", "ERROR")
    assert lines[start + 1].startswith(MISMATCHES[name]), lines[start + 1]


def test_an_invalid_header_value_says_why(wrong_run: tuple[Result, Path]) -> None:
    """A header present but invalid against its schema quotes the value and the reason."""
    assert "received soon: 'soon' is not of type 'integer'" in wrong_run[0].stdout


def test_the_unchanged_example_passes_on_the_wrong_server(wrong_run: tuple[Result, Path]) -> None:
    """Only the broken examples fail; the rest pass (no false alarms)."""
    stdout = wrong_run[0].stdout
    assert "PASSED 404/missing-pet GET /pets/42" in stdout
    assert "PASSED 503/create-while-down POST /pets" in stdout
    assert "2 passed, 10 failed, 1 error, 0 skipped" in wrong_run[0].stderr


def test_redirects_are_not_followed_and_nothing_leaves_the_origin(
    servers: Servers, wrong_run: tuple[Result, Path]
) -> None:
    """The 307 to another origin is reported, never followed: that server sees no request."""
    assert wrong_run[0].exit_code == 1
    assert servers.elsewhere_app.seen == []
    assert any(seen.target == "/gone" for seen in servers.bad_app.seen)


def test_secrets_never_appear_in_output_or_reports(
    wrong_run: tuple[Result, Path], servers: Servers, tmp_path: Path
) -> None:
    """--header values ($VAR expanded), Authorization and Cookie values are sent but never
    printed, even when the server echoes them back."""
    result, xml_report = wrong_run
    json_report = tmp_path / "report.json"
    again = _verify(
        str(CATALOG), "--base-url", servers.bad, "--timeout", "0.3",
        "--header", "X-Api-Key: ${API_TOKEN}", "--report", str(json_report),
        env={"API_TOKEN": TOKEN},
    )
    assert again.exit_code == 1
    sent = {seen.headers.get("x-api-key") for seen in servers.bad_app.seen}
    assert TOKEN in sent  # it was really sent, expanded from the environment
    assert any(seen.headers.get("cookie") == f"session={COOKIE}" for seen in servers.bad_app.seen)
    outputs = [result.output, again.output, xml_report.read_text(), json_report.read_text()]
    for text in outputs:
        for secret in (TOKEN, EXPIRED, COOKIE):
            assert secret not in text
    assert "no JSON, but [redacted]" in json_report.read_text()  # the echo, redacted


def test_the_junit_report_parses_with_a_real_consumer(wrong_run: tuple[Result, Path]) -> None:
    """junitparser reads the report: one case per example, failures, the timeout as an error."""
    xml = junitparser.JUnitXml.fromfile(str(wrong_run[1]))
    suite = next(iter(xml))
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (13, 10, 1, 0)
    cases = {case.name: case for case in suite}
    failing = cases["maintenance: GET /maintenance"]
    assert failing.classname == "specgen.verify.503"
    assert "status: expected 503; received 500" in failing.result[0].text
    assert cases["overloaded: GET /busy"].result[0].message.startswith("no complete response")
    assert cases["missing-pet: GET /pets/42"].is_passed


def test_unsafe_methods_are_skipped_unless_allowed(servers: Servers, tmp_path: Path) -> None:
    """Without --allow-unsafe-methods the POST example is listed as skipped and never sent."""
    before = sum(seen.method == "POST" for seen in servers.good_app.seen)
    report = tmp_path / "report.json"
    result = _verify(str(CATALOG), "--base-url", servers.good, "--report", str(report))
    assert result.exit_code == 0
    assert "SKIPPED 503/create-while-down POST /pets" in result.stdout
    assert "--allow-unsafe-methods" in result.stdout
    assert sum(seen.method == "POST" for seen in servers.good_app.seen) == before
    document = json.loads(report.read_text())
    assert document["summary"] == {"passed": 12, "failed": 0, "error": 0, "skipped": 1}


def test_selection_by_code_problem_and_example(servers: Servers) -> None:
    """--code and --example pick the exchanges; --problem, a problem type's slug, picks none
    of the code's own examples, whatever `type` their bodies carry."""
    by_code = _verify(str(CATALOG), "--base-url", servers.bad, "--code", "429")
    assert [line.split()[1] for line in by_code.stdout.splitlines() if line[0] != " "] == [
        "429/too-fast", "429/too-fast-again",
    ]
    by_problem = _verify(str(CATALOG), "--base-url", servers.bad, "--problem", "token-missing")
    assert by_problem.exit_code == 2
    assert by_problem.stderr.startswith(
        "--problem: no problem type 'token-missing' (problem types: none)"
    )
    by_example = _verify(str(CATALOG), "--base-url", servers.bad, "--example", "missing-pet")
    assert by_example.exit_code == 0
    assert by_example.stdout == "PASSED 404/missing-pet GET /pets/42\n"


def test_a_base_url_path_prefixes_every_request(tmp_path: Path) -> None:
    """Example paths go under the base URL's path; the origin is the base URL's."""
    app = CatalogApp(load_catalog(CATALOG))
    with serve(app) as base:
        result = _verify(str(CATALOG), "--base-url", f"{base}/v2/", "--example", "missing-owner")
    assert result.exit_code == 1  # the app knows the paths without the prefix
    assert [seen.target for seen in app.seen] == ["/v2/owners/7?expand=pets"]
    assert app.seen[0].headers["host"] == base.removeprefix("http://")


def test_the_embedded_catalogs_get_examples_verify(tmp_path: Path) -> None:
    """Against a server implementing the embedded catalog, its GET examples pass (those of its
    problem types too, their type, title and status compared) and its POST examples are
    skipped."""
    app = CatalogApp(load_catalog(embedded_catalog_path()))
    with serve(app) as base:
        result = _verify("--base-url", base)
        one_type = _verify("--base-url", base, "--problem", "token-expired")
    assert one_type.stdout == "PASSED 561/token-expired/expired-token GET /example\n"
    assert result.exit_code == 0, result.output
    assert "4 passed, 0 failed, 0 error, 3 skipped" in result.stderr
    assert "PASSED 561/token-expired/expired-token GET" in result.output
    assert all(seen.method == "GET" for seen in app.seen)
    assert EXPIRED not in result.output and "eyJhbGciOiJIUzI1NiJ9.expired" not in result.output


def test_an_unreachable_server_exits_2() -> None:
    """Nothing listening: exit 2, one located line, no traceback."""
    app = CatalogApp(load_catalog(CATALOG))
    with serve(app) as base:
        pass  # the port is free again once the server stopped
    result = _verify(str(CATALOG), "--base-url", base)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"--base-url: cannot connect to {base}")
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-url", "ftp://127.0.0.1/"], "--base-url: give an absolute http:// or https://"),
        (["--base-url", "http://user:pw@127.0.0.1/"], "--base-url: credentials do not belong"),
        (["--base-url", "http://127.0.0.1/?q=1"], "--base-url: the base URL may not have a query"),
        (["--header", "X-Key"], "--header: 'X-Key' is not 'Name: value'"),
        (["--header", "X-Key: $NOT_SET_ANYWHERE"], "environment variable NOT_SET_ANYWHERE"),
        (["--header", "Host: evil.example"], "--header: header 'Host' is set by verify"),
        (["--code", "418"], "--code: code 418 is not in the catalog (codes: 404, 429, 503, 561)"),
        (["--example", "nope"], "--example: no example matches 'nope' (known: create-while-down"),
        (["--problem", "nope"], "--problem: no problem type 'nope' (problem types: none)"),
        (["--code", "404", "--problem", "x"], "--problem: no problem type 'x' under code 404"),
    ],
)
def test_bad_input_exits_2_with_a_message(args: list[str], message: str) -> None:
    """Bad options are refused before any request, with exit status 2."""
    if "--base-url" not in args:
        args = [*args, "--base-url", "http://127.0.0.1:9"]
    result = _verify(str(CATALOG), *args, env={"NOT_SET_ANYWHERE": None})
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_header_value_is_never_quoted_in_its_error() -> None:
    """A malformed --header value (a secret, likely) is refused without being echoed."""
    result = _verify(str(CATALOG), "--base-url", "http://127.0.0.1:9",
                     "--header", "X-Key: se\u00e9cret")
    assert result.exit_code == 2
    assert "cret" not in result.stderr


def test_the_python_api_returns_the_report(servers: Servers) -> None:
    """verify_api is the command's twin: same results, exit status and renderings."""
    report = verify_api(servers.bad, CATALOG, code=503, allow_unsafe_methods=True, timeout=0.3)
    assert [r.outcome for r in report.results] == ["failed", "error", "passed"]
    assert report.exit_status == 1
    assert json.loads(report.json())["summary"]["failed"] == 1


def test_long_runs_show_a_progress_bar_and_concurrency_is_held(tmp_path: Path) -> None:
    """Fifty exchanges or more draw click's progress bar on stderr, even off a terminal; at
    most --concurrency requests are in flight."""
    examples = "".join(
        f"      - {{title: Pet {n}, request: {{path: /pets/{n}}}, response: {{body: {{}}}}}}\n"
        for n in range(60)
    )
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text(
        "specgen: 1\ninfo: {title: Many, version: '1'}\ncodes:\n  404:\n    reason: Not Found\n"
        "    summary: None.\n    content: {application/json: {schema: {type: object}}}\n"
        "    examples:\n" + examples
    )
    loaded = load_catalog(catalog)
    slow = {f"pet-{n}": _delayed for n in range(60)}
    app = CatalogApp(loaded, slow)
    with serve(app) as base:
        result = _verify(str(catalog), "--base-url", base, "--concurrency", "4")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == "verify"  # off a terminal, click draws the label
    assert len(app.seen) == 60
    assert app.most_in_flight == 4  # --concurrency requests at once, never more


def _delayed(reply: Reply, request: Seen) -> Reply:
    return replace(reply, delay=0.02)

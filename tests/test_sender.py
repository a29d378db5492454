"""Who sends a code: the API, or a component in front of it, in checks, transcripts and pages.

The catalog is a platform team's (issue 14): the API's own codes with problem+json bodies, the
AWS Application Load Balancer's 460/463/464/561 and Cloudflare's 520 to 526 in front of it.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import DATA
from test_transcripts import parse, parse_request

from specgen.catalog import check
from specgen.catalog.load import load
from specgen.catalog.models import Catalog
from specgen.catalog.senders import origin
from specgen.cli import cli
from specgen.docs.export import export_data, export_schema_text
from specgen.docs.plan import docs_plan
from specgen.http.transcripts import (
    iter_transcripts,
    select_transcripts,
    transcripts_plan,
    transcripts_text,
)
from specgen.verify.plan import Selection, select

PLATFORM = DATA / "sender" / "platform.yaml"
ALB = (460, 463, 464, 561)
CLOUDFLARE = tuple(range(520, 527))
API = (400, 401, 403, 404, 409, 422, 429, 500, 503)


@pytest.fixture(scope="module")
def platform() -> Catalog:
    return load(PLATFORM).catalog


@pytest.fixture(scope="module")
def pages(platform: Catalog) -> dict[str, str]:
    return docs_plan(platform)


def without_senders(catalog: Catalog) -> Catalog:
    """The same catalog as if every code came from the API."""
    bare = catalog.model_copy(deep=True)
    for status in bare.codes.values():
        status.sender = None
    return bare


def test_the_platform_catalog_checks_clean_under_strict() -> None:
    result = CliRunner().invoke(cli, ["check", "--strict", str(PLATFORM)])
    assert result.exit_code == 0, result.stderr
    assert "20 code(s)" in result.stderr and "0 warning(s)" in result.stderr


def test_the_senders_silence_exactly_the_collisions_they_explain(platform: Catalog) -> None:
    """Without `sender`, each ALB and Cloudflare code collides with its own sender (11 warnings)."""
    assert check.errors(platform) == [] and check.warnings(platform) == []
    collisions = [f for f in check.warnings(without_senders(platform)) if "collides" in f.message]
    assert sorted(f.path[1] for f in collisions) == sorted((*ALB, *CLOUDFLARE))


def test_a_sender_leaves_the_collisions_of_other_vendors(platform: Catalog) -> None:
    """530 from Cloudflare is still Pantheon's 530 too: that warning and notice stay."""
    catalog = platform.model_copy(deep=True)
    catalog.codes[530] = catalog.codes[520].model_copy(update={"reason": "Origin DNS Error"})
    messages = [f.message for f in check.warnings(catalog) if f.path == ("codes", 530)]
    assert len(messages) == 1 and "Pantheon" in messages[0]
    page = docs_plan(catalog)["codes/530.md"]
    assert "Other software sends 530 too" in page and "**Pantheon**" in page
    assert "**Cloudflare** sends 530" not in page


def test_a_code_only_logged_needs_no_equivalent(platform: Catalog) -> None:
    """No client treats 460 as anything: the `equivalent` lint is for codes clients receive."""
    assert platform.codes[460].equivalent is None
    assert not origin(platform, 460).reaches_client
    assert any(f.path == ("codes", 460) and "equivalent" in f.message
               for f in check.warnings(without_senders(platform)))


@pytest.mark.parametrize(
    ("code", "server", "host"),
    [*((code, "PlatformAPI/2.0", "api.example.com") for code in API),
     *((code, "awselb/2.0", "api.example.com") for code in ALB[1:]),
     *((code, "cloudflare", "api.example.com") for code in CLOUDFLARE)],
)
def test_transcripts_carry_their_senders_server_and_host(
    platform: Catalog, code: int, server: str, host: str
) -> None:
    first = select_transcripts(platform, code)[0]
    parsed = parse(first)
    assert (b"host", host.encode()) in parsed.request.headers
    assert parsed.response.status_code == code
    assert (b"server", server.encode()) in parsed.response.headers
    assert f"https://{host}/" in first.curl


def test_an_examples_own_sender_overrides_the_codes(platform: Catalog) -> None:
    """500's gateway example: the free component's host, `Server` and page note."""
    gateway = next(t for t in select_transcripts(platform, 500) if t.slug == "gateway-failure")
    request, _ = parse_request(gateway.request)
    assert (b"host", b"edge.example.com") in request.headers
    assert gateway.response is not None and b"\r\nServer: envoy\r\n" in gateway.response
    assert "https://edge.example.com/orders" in gateway.curl
    alb = next(t for t in select_transcripts(platform, 503) if t.slug == "no-healthy-target")
    assert alb.response is not None and b"\r\nServer: awselb/2.0\r\n" in alb.response


def test_a_free_component_without_server_sends_no_server_header(platform: Catalog) -> None:
    catalog = platform.model_copy(deep=True)
    sender = catalog.codes[500].examples[1].sender
    assert sender is not None
    sender.server = None
    gateway = select_transcripts(catalog, 500)[1]
    assert gateway.response is not None and b"\r\nServer:" not in gateway.response
    assert b"\r\nDate:" in gateway.response


def test_a_code_no_client_receives_has_no_response_transcript(platform: Catalog) -> None:
    plan = transcripts_plan(platform)
    assert "460/client-closed-connection.request.http" in plan
    assert "460/client-closed-connection.curl.sh" in plan
    assert "460/client-closed-connection.response.http" not in plan
    assert "561/unauthorized.response.http" in plan
    text = transcripts_text(select_transcripts(platform, 460))
    assert "460/client-closed-connection.request.http" in text and "response.http" not in text
    assert sum(t.response is None for t in iter_transcripts(platform)) == 1


def test_raw_transcripts_of_a_logged_code_are_the_request_alone() -> None:
    result = CliRunner().invoke(cli, ["transcripts", str(PLATFORM), "--code", "460", "--raw"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b"GET /orders HTTP/1.1\r\nHost: api.example.com\r\n\r\n"


def test_verify_does_not_replay_a_code_no_client_receives(platform: Catalog) -> None:
    codes = {item.code for item in select(platform, Selection())}
    assert 460 not in codes and {561, 520, 400} <= codes


def test_a_load_balancer_code_says_who_sends_it_not_custom_to_the_api(
    pages: dict[str, str],
) -> None:
    page = pages["codes/561.md"]
    assert "**Sent by:** the AWS Application Load Balancer in front of this API" in page
    assert "**Standard:** no, a code of the AWS Application Load Balancer" in page
    assert "a custom code of this API" not in page
    assert "Other software sends 561 too" not in page
    assert "The AWS Application Load Balancer in front of this API sends 561" in page
    assert "Here, 561 means what [401 Unauthorized](401.md) means" in page
    assert "In this API" not in page


@pytest.mark.parametrize("code", CLOUDFLARE)
def test_a_cdn_code_says_cloudflare_sends_it(pages: dict[str, str], code: int) -> None:
    page = pages[f"codes/{code}.md"]
    assert "**Sent by:** Cloudflare in front of this API" in page
    assert f"Cloudflare in front of this API sends {code}, not the API itself:" in page
    assert "custom code of this API" not in page and "Other software" not in page


def test_a_logged_code_says_no_client_receives_it(pages: dict[str, str]) -> None:
    page = pages["codes/460.md"]
    assert "**Logged by:** the AWS Application Load Balancer in front of this API" in page
    assert "**Reaches the client:** no, it is only logged" in page
    assert '!!! note "Never reaches a client"' in page
    assert "No client receives a response: the AWS Application Load Balancer only logs 460." \
        in page
    assert 'title="Response"' not in page and 'title="Request"' in page
    assert "A client that does not recognise it" not in page


@pytest.mark.parametrize("code", API)
def test_the_apis_own_codes_name_no_other_sender(pages: dict[str, str], code: int) -> None:
    page = pages[f"codes/{code}.md"]
    assert "**Sent by:**" not in page and "in front of this API sends" not in page
    assert "**Standard:** yes" in page


def test_an_example_from_another_sender_is_marked_on_the_codes_page(
    pages: dict[str, str],
) -> None:
    assert "*Sent by the edge gateway in front of this API.*" in pages["codes/500.md"]
    assert "*Sent by the AWS Application Load Balancer in front of this API.*" \
        in pages["codes/503.md"]


def test_the_index_groups_codes_by_sender_and_by_tag(pages: dict[str, str]) -> None:
    index = pages["index.md"]
    assert "## Codes by sender {#by-sender}" in index
    assert ("- **The AWS Application Load Balancer in front of this API:** [460](codes/460.md),"
            " [463](codes/463.md), [464](codes/464.md), [561](codes/561.md)") in index
    assert "- **Cloudflare in front of this API:** [520](codes/520.md)," in index
    assert "- **This API:** [400](codes/400.md)," in index
    assert "- **auth:** [401](codes/401.md), [403](codes/403.md), [561](codes/561.md)" in index
    assert "This API sends" not in index
    assert "| [561](codes/561.md) | [Unauthorized](codes/561.md) | not registered |" in index
    assert index.index("## 4xx Client Error {#class-4xx}") < index.index("[460](codes/460.md) |")
    assert index.index("## 5xx Server Error {#class-5xx}") < index.index("[500](codes/500.md) |")


def test_a_catalog_where_the_api_sends_everything_has_no_sender_section() -> None:
    catalog = load(DATA / "docs" / "codes.yaml").catalog
    assert "by-sender" not in docs_plan(catalog)["index.md"]


def test_a_sender_may_say_a_code_never_reaches_a_client(tmp_path: Path) -> None:
    """`reaches_client: false` on a free component: no response is written, docs say so."""
    source = tmp_path / "specgen.yaml"
    source.write_text(
        "specgen: 1\ninfo: {title: T, version: '1'}\ncodes:\n"
        "  499:\n    reason: Client Closed Request\n    summary: The client went away.\n"
        "    sender: {name: the ingress, reaches_client: false}\n"
        "    examples: [{title: Gone}]\n", encoding="utf-8")
    catalog = load(source).catalog
    assert [f.message for f in check.warnings(catalog) if "ingress" in f.message] == []
    assert "499/gone.response.http" not in transcripts_plan(catalog)
    page = docs_plan(catalog)["codes/499.md"]
    assert "The ingress only logs 499" in page
    assert "**Standard:** no, a custom code of the ingress" in page


def test_catalog_json_names_each_codes_sender_for_tools(platform: Catalog) -> None:
    data = export_data(platform)
    jsonschema.Draft202012Validator(json.loads(export_schema_text())).validate(data)
    senders = {entry["code"]: entry["sender"] for entry in data["codes"]}
    assert senders[400] is None
    assert senders[460] == {"name": "the AWS Application Load Balancer", "component": "aws-alb",
                            "reaches_client": False}
    assert senders[520] == {"name": "Cloudflare", "component": "cloudflare",
                            "reaches_client": True}


def test_attaching_a_code_no_client_receives_is_a_warning(platform: Catalog) -> None:
    catalog = platform.model_copy(deep=True)
    catalog.codes[460].attach = ["all"]
    found = [f for f in check.warnings(catalog) if f.path == ("codes", 460, "attach")]
    assert len(found) == 1 and "never reaches a client" in found[0].message

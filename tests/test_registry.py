"""The shipped registry data: IANA codes, vendor uses and their collisions, and `explain`."""

from __future__ import annotations

from importlib.resources import files

import pytest

from specgen.catalog import registry
from specgen.catalog.models import StatusCode
from specgen.catalog.source import parse


def test_registry_data_has_no_duplicate_keys_and_ships_in_the_package() -> None:
    text = files("specgen.catalog").joinpath("data/registry.json").read_text("utf-8")
    data = parse("registry.json", text).data
    assert set(data) == {"iana", "components", "vendors"}


def test_every_vendor_component_is_described_and_each_vendor_has_one_component() -> None:
    """A vendor use names a described component, and one vendor name is one component."""
    components = registry.components()
    owners: dict[str, str] = {}
    for code in range(100, 600):
        for use in registry.facts(code).vendors:
            if use.component is not None:
                assert use.component in components, (code, use.component)
                assert owners.setdefault(use.vendor, use.component) == use.component
    assert owners["AWS Application Load Balancer"] == "aws-alb"
    assert owners["Cloudflare"] == "cloudflare"


def test_only_logged_codes_are_the_ones_no_client_receives() -> None:
    """ALB's 460 and nginx's 444 and 499 are only logged; the others reach a client."""
    logged = {(code, use.component) for code in range(100, 600)
              for use in registry.facts(code).vendors if not use.reaches_client}
    assert logged == {(460, "aws-alb"), (444, "nginx"), (499, "nginx")}


def test_a_component_reads_right_in_a_sentence() -> None:
    components = registry.components()
    assert components["aws-alb"].phrase == "the AWS Application Load Balancer"
    assert components["cloudflare"].phrase == "Cloudflare"
    assert registry.vendor_use(561, "aws-alb") is not None
    assert registry.vendor_use(561, "cloudflare") is None


def test_every_registered_reason_is_a_valid_reason_phrase() -> None:
    for code in registry.registered_codes():
        reason = registry.facts(code).registered
        assert reason is not None
        StatusCode(reason=reason.reason, summary="s")


@pytest.mark.parametrize(
    ("code", "reason"),
    [(100, "Continue"), (200, "OK"), (404, "Not Found"), (418, "(Unused)"),
     (422, "Unprocessable Content"), (451, "Unavailable For Legal Reasons"),
     (511, "Network Authentication Required")],
)
def test_iana_codes_are_registered_with_their_reason(code: int, reason: str) -> None:
    registered = registry.facts(code).registered
    assert registered is not None and registered.reason == reason


def test_the_registry_is_complete_for_rfc_9110_and_has_no_gaps_it_should_not() -> None:
    codes = registry.registered_codes()
    assert len(codes) == 63
    assert {code // 100 for code in codes} == {1, 2, 3, 4, 5}
    for unassigned in (420, 499, 509, 561, 599, 299):
        assert unassigned not in codes


@pytest.mark.parametrize(
    ("code", "vendors"),
    [
        (561, ["AWS Application Load Balancer"]),
        (460, ["AWS Application Load Balancer"]),
        (499, ["nginx", "Esri ArcGIS"]),
        (530, ["Cloudflare", "Pantheon"]),
        (451, ["Microsoft Exchange ActiveSync"]),
        (507, ["AWS Application Load Balancer"]),
        (420, ["Twitter API v1", "Spring Framework"]),
        (444, ["nginx"]),
        (520, ["Cloudflare"]),
        (440, ["Microsoft IIS / Outlook Web App"]),
        (404, []),
        (599, []),
    ],
)
def test_vendor_uses_and_collisions_are_known(code: int, vendors: list[str]) -> None:
    assert [use.vendor for use in registry.facts(code).vendors] == vendors


@pytest.mark.parametrize(
    ("code", "fallback", "name"),
    [(561, 500, "Server Error"), (499, 400, "Client Error"), (299, 200, "Successful"),
     (103, 100, "Informational"), (399, 300, "Redirection")],
)
def test_unknown_codes_fall_back_to_their_class_x00(code: int, fallback: int, name: str) -> None:
    facts = registry.facts(code)
    assert (facts.fallback, facts.class_name) == (fallback, name)


def test_explain_561_names_the_alb_use_and_the_500_fallback() -> None:
    assert registry.explain(561) == (
        "561 — class 5xx (Server Error)\n"
        "Not registered with IANA: 561 has no standard meaning.\n"
        "Known non-standard uses:\n"
        "  - AWS Application Load Balancer: Unauthorized — the identity provider returned an"
        " error while the load balancer authenticated the user; the access log's error_reason"
        " field says which.\n"
        "When one of them sends it in front of your API, say so in the catalog:"
        " sender: {component: aws-alb}.\n"
        "A client that does not know 561 treats it as 500 Internal Server Error, the first code"
        " of its class (RFC 9110 §15)."
    )


def test_explain_says_when_meanings_collide() -> None:
    for code in (499, 530, 451, 420):
        assert "These meanings collide" in registry.explain(code)
    for code in (561, 404, 444):
        assert "collide" not in registry.explain(code)


def test_explain_says_a_logged_code_reaches_no_client() -> None:
    assert "Only logged: no client receives it." in registry.explain(460)
    assert "Only logged" not in registry.explain(463)


def test_explain_of_a_registered_code_gives_its_reference_and_no_fallback() -> None:
    assert registry.explain(404) == (
        "404 — class 4xx (Client Error)\n"
        "Registered with IANA: 404 Not Found (RFC 9110, Section 15.5.5)."
    )


def test_explain_a_class_names_every_registered_code_of_it_and_the_unregistered_vendor_uses(
) -> None:
    text = registry.explain_class(4)
    registered = registry.registered_codes()
    for code in (code for code in registered if code // 100 == 4):
        assert f"\n  {code} " in text
    for code in (499, 460, 463):
        assert f"\n  {code} " in text, code
    assert "\n  561 " not in text and "\n  500 " not in text
    assert text.endswith("specgen explain CODE says more about one code.")

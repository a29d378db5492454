"""What the world already means by a status code: the IANA registry and known vendor uses.

The data is `data/registry.json`: the IANA "Hypertext Transfer Protocol (HTTP) Status Code
Registry" and each vendor's public documentation, in specgen's own words. JSON rather than
YAML, so that reading it costs no YAML parser (the commands that read JSON catalogs import
none).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

CLASS_NAMES = {
    1: "Informational",
    2: "Successful",
    3: "Redirection",
    4: "Client Error",
    5: "Server Error",
}


@dataclass(frozen=True)
class Registered:
    """An entry of the IANA HTTP Status Code Registry."""

    code: int
    reason: str
    reference: str


@dataclass(frozen=True)
class VendorUse:
    """A non-standard use of a code by a known product."""

    code: int
    vendor: str
    reason: str
    meaning: str
    component: str | None = None
    """The key of the component under `components` that sends it (None: not one we describe)."""
    reaches_client: bool = True
    """False when the product only logs the code and never sends it to a client."""


@dataclass(frozen=True)
class Component:
    """A product that sends status codes in front of an API: a load balancer, a CDN; a
    catalog names it by its key in `sender: {component: …}`."""

    key: str
    name: str
    the: bool
    """Whether a sentence puts "the" before the name."""
    kind: str
    server: str
    """The `Server` header value the component sends."""

    @property
    def phrase(self) -> str:
        """The name as a sentence uses it: 'the AWS Application Load Balancer', 'Cloudflare'."""
        return f"the {self.name}" if self.the else self.name


@dataclass(frozen=True)
class CodeFacts:
    """Everything the registry data says about one code."""

    code: int
    registered: Registered | None
    vendors: tuple[VendorUse, ...]

    @property
    def fallback(self) -> int:
        """The code a client that does not recognise this one treats it as (RFC 9110 §15)."""
        return self.code // 100 * 100

    @property
    def class_name(self) -> str:
        """The name of the code's class, e.g. 'Server Error' for 5xx."""
        return CLASS_NAMES[self.code // 100]


@cache
def _raw() -> dict[str, Any]:
    from importlib.resources import files  # with tempfile and random: not for every command

    raw: dict[str, Any] = json.loads(
        files("specgen.catalog").joinpath("data/registry.json").read_text("utf-8"))
    return raw


@cache
def _data() -> tuple[dict[int, Registered], dict[int, tuple[VendorUse, ...]]]:
    raw = _raw()
    iana = {int(code): Registered(int(code), **entry) for code, entry in raw["iana"].items()}
    vendors: dict[int, list[VendorUse]] = {}
    for entry in raw["vendors"]:
        vendors.setdefault(entry["code"], []).append(VendorUse(**entry))
    return iana, {code: tuple(uses) for code, uses in vendors.items()}


@cache
def components() -> dict[str, Component]:
    """The components the registry describes, by key (`aws-alb`, `cloudflare`, `nginx`)."""
    return {key: Component(key, **entry) for key, entry in _raw()["components"].items()}


def vendor_use(code: int, component: str) -> VendorUse | None:
    """What a component means by a code, when the registry knows it uses the code."""
    return next((use for use in facts(code).vendors if use.component == component), None)


def facts(code: int) -> CodeFacts:
    """Look a code up in the IANA registry and the vendor list."""
    iana, vendors = _data()
    return CodeFacts(code, iana.get(code), vendors.get(code, ()))


def registered_codes() -> list[int]:
    """Every code in the IANA registry, ascending."""
    return sorted(_data()[0])


def code_class(text: str) -> int | None:
    """The class a text such as '5xx' (or '5XX') names, as its digit; None: it names none."""
    if len(text) == 3 and text[0] in "12345" and text[1:] in ("xx", "XX"):
        return int(text[0])
    return None


def explain_class(digit: int) -> str:
    """A plain-text account of a class of codes (`specgen explain 5xx`): the codes of the class
    the IANA registry and the known vendors use, and what clients make of any other."""
    iana, vendors = _data()
    first = digit * 100
    lines = [f"{digit}xx — {CLASS_NAMES[digit]}", "Registered with IANA:"]
    for code in sorted(code for code in iana if code // 100 == digit):
        entry = iana[code]
        users = sorted({use.vendor for use in vendors.get(code, ())})
        lines.append(f"  {code} {entry.reason} ({entry.reference})"
                     + (f"; also used by {', '.join(users)}" if users else ""))
    unregistered = sorted(code for code in vendors if code // 100 == digit and code not in iana)
    if unregistered:
        lines.append("Used without registration:")
        lines.extend(f"  {code} {use.vendor}: {use.reason}"
                     + ("" if use.reaches_client else " (only logged)")
                     for code in unregistered for use in vendors[code])
    lines.append(f"A client that does not know a {digit}xx code treats it as {first}"
                 f" {iana[first].reason}, the first code of its class (RFC 9110 §15).")
    lines.append("specgen explain CODE says more about one code.")
    return "\n".join(lines)


def explain(code: int) -> str:
    """A plain-text account of a code, as `specgen explain` prints it."""
    info = facts(code)
    lines = [f"{code} — class {code // 100}xx ({info.class_name})"]
    if info.registered:
        reg = info.registered
        lines.append(f"Registered with IANA: {code} {reg.reason} ({reg.reference}).")
    else:
        lines.append(f"Not registered with IANA: {code} has no standard meaning.")
    if info.vendors:
        lines.append("Known non-standard uses:")
        lines.extend(f"  - {use.vendor}: {use.reason} — {use.meaning}."
                     + ("" if use.reaches_client else " Only logged: no client receives it.")
                     for use in info.vendors)
        senders = sorted({use.component for use in info.vendors if use.component})
        if senders:
            lines.append("When one of them sends it in front of your API, say so in the catalog: "
                         + ", ".join(f"sender: {{component: {key}}}" for key in senders) + ".")
        if len({use.vendor for use in info.vendors}) > 1 or info.registered:
            lines.append("These meanings collide: say which one your API means.")
    if info.registered is None:
        base = facts(info.fallback).registered
        base_name = f" {base.reason}" if base else ""
        lines.append(
            f"A client that does not know {code} treats it as {info.fallback}{base_name},"
            f" the first code of its class (RFC 9110 §15)."
        )
    return "\n".join(lines)

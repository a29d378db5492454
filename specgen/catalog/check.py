"""Validation beyond types (references, schemas, examples) and lints against the registry."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..errors import Severity
from ..text import links
from . import headers, problems, registry, senders, syntax
from .memo import derived
from .models import Catalog, ModelRef, StatusCode, is_json_media_type
from .rules import parse_rule
from .schemas import (
    BodyValidator,
    SchemaProblem,
    model_schema,
    schema_errors,
    time_limits,
)
from .source import JSON_STRING
from .values import unrenderable

PathT = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """A problem found in a catalog, at a path inside it."""

    path: PathT
    message: str
    severity: Severity = "error"


def errors(catalog: Catalog) -> list[Finding]:
    """Everything that makes a type-correct catalog unusable: each is an error."""
    found: list[Finding] = []
    schemas = _schemas(catalog, found)
    names = set(catalog.schemas)
    unusable = [Finding(path, message) for path, message in schema_errors(catalog, schemas)]
    shared = [f for f in unusable if f.path[:1] != ("codes",)]
    bodies = BodyValidator(schemas) if not (found or shared) else None
    found += unusable
    # Bodies are checked only against sound schemas: a code's media types, and the shared ones.
    broken = {f.path[1] for f in unusable
              if f.path[:1] == ("codes",) and f.path[2:3] == ("content",)}
    with time_limits():  # a body whose schema backtracks catastrophically must not hang check
        for code, status in catalog.codes.items():
            _code_findings(catalog, code, status, None if code in broken else bodies, found)
            _framing_findings(code, status, found)
        found += [Finding(path, message)
                  for path, message in problems.errors(catalog, names, bodies, broken)]
        found += [Finding(path, message) for path, message in headers.errors(catalog, bodies)]
    _name_findings(catalog, found)
    _link_findings(catalog, found)
    _sender_findings(catalog, found)
    return found


def texts(catalog: Catalog) -> list[tuple[PathT, str]]:
    """Every string of the catalog as dumped (by alias), with its path, and of its models'
    schemas: all the text any output may show."""
    return _strings((), catalog.model_dump(by_alias=True)) + model_texts(catalog)


def _strings(path: PathT, value: Any) -> list[tuple[PathT, str]]:
    """Every string value under `value` (at `path`), with its path, in order."""
    found: list[tuple[PathT, str]] = []
    # A loop, not recursion: big catalogs have hundreds of thousands of values.
    stack: list[tuple[PathT, Any]] = [(path, value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            found.append((path, node))
        elif isinstance(node, dict):
            # A copy of a shared header dumps as its `$ref`: its text is under `headers`.
            stack.extend(((*path, key), value) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend(((*path, index), item) for index, item in enumerate(node))
    found.reverse()  # popped last to first: reversed, in the catalog's order
    return found


# Where a Markdown link can be in a catalog's compact JSON dump: a `]` that an inline link's
# `(`, a reference's `[` (or the whitespace Python-Markdown allows before it) or a definition's
# `:` follows, or the `<` of an autolink. None of these is JSON syntax outside strings.
_LINKISH = re.compile(r"\][\s(:\[\\]|<")


def model_texts(catalog: Catalog) -> list[tuple[PathT, str]]:
    """The strings of the schemas of the catalog's models (descriptions from their fields and
    docstrings), by the schema's path: the catalog's dump holds only `model: pkg:Class`, but
    the pages and the OpenAPI descriptions show the model's schema."""

    def scan() -> list[tuple[PathT, str]]:
        found = []
        for name, schema in catalog.schemas.items():
            if isinstance(schema, ModelRef):
                try:
                    found += _strings(("schemas", name), model_schema(schema))
                except SchemaProblem:
                    continue  # `check` reports the model it cannot import
        return found

    if not any(isinstance(schema, ModelRef) for schema in catalog.schemas.values()):
        return []
    return derived(catalog, "model texts", scan)


def link_texts(catalog: Catalog) -> list[str]:
    """The catalog's strings (keys too) and its models' that may hold a Markdown link, found in
    its JSON dump at C speed, once per catalog object; most strings of big catalogs have none."""

    def scan() -> list[str]:
        dump = catalog.model_dump_json(by_alias=True)
        found: list[str] = []
        end = 0
        for hit in _LINKISH.finditer(dump):
            if hit.start() < end:
                continue  # inside the string just taken
            start = dump.rfind('"', 0, hit.start())
            while _escaped(dump, start):  # the nearest unescaped quote opens the string
                start = dump.rfind('"', 0, start)
            token = JSON_STRING.match(dump, start)
            assert token is not None  # a hit is always inside a string
            found.append(json.loads(token.group()))
            end = token.end()
        return found + [text for _, text in model_texts(catalog) if _LINKISH.search(text)]

    return derived(catalog, "link texts", scan)


def _escaped(text: str, quote: int) -> bool:
    """Whether the quote at `quote` is escaped: an odd run of backslashes before it."""
    before = quote
    while before > 0 and text[before - 1] == "\\":
        before -= 1
    return (quote - before) % 2 == 1


def has_code_links(catalog: Catalog) -> bool:
    """Whether any text of the catalog (or of its models) may hold a code link."""
    return any(map(links.may_hold, link_texts(catalog)))


def _link_findings(catalog: Catalog, found: list[Finding]) -> None:
    """Code links (`[text](code:422)`) in any text must name a code of the catalog."""
    if not has_code_links(catalog):
        return
    for path, text in texts(catalog):
        for target in links.targets(text):
            named = links.parse(target)
            if named is None:
                found.append(Finding(path, f"the link to {target!r} is not a code link:"
                                           " write code:NNN or code:NNN#anchor"))
            elif named[0] not in catalog.codes:
                found.append(Finding(path, f"the link to {target!r} leads nowhere: the catalog"
                                           f" has no code {named[0]}"))


def _sender_findings(catalog: Catalog, found: list[Finding]) -> None:
    """Every `sender` names a component the registry describes, or gives its own name."""
    for code, status in catalog.codes.items():
        base: PathT = ("codes", code)
        places: list[tuple[PathT, Any]] = [(base, status.sender)]
        places += [((*base, "examples", i), e.sender) for i, e in enumerate(status.examples)]
        places += [((*base, "problems", slug, "examples", i), e.sender)
                   for slug, problem in status.problems.items()
                   for i, e in enumerate(problem.examples)]
        for path, sender in places:
            message = senders.unknown_component(sender)
            if message:
                found.append(Finding((*path, "sender", "component"), message))


# RFC 9110 §6.4.1: 1xx, 204 and 304 responses never have content; §15.3.6: nor does 205.
NO_CONTENT = frozenset({204, 205, 304})


def _framing_findings(code: int, status: StatusCode, found: list[Finding]) -> None:
    """Bodies HTTP cannot frame: content on codes without content, a body answering HEAD."""
    base: PathT = ("codes", code)
    bodiless = code < 200 or code in NO_CONTENT
    if bodiless and status.content:
        found.append(Finding((*base, "content"), f"{code} responses have no content (RFC 9110)"))
    for index, example in enumerate(status.examples):
        if not example.response.has_body:
            continue
        key = "body" if example.response.body_text is None else "body_text"
        where = (*base, "examples", index, "response", key)
        if bodiless:
            found.append(
                Finding(where, f"example {example.title!r}: {code} responses have no body")
            )
        elif example.request.method == "HEAD":
            found.append(
                Finding(
                    where,
                    f"example {example.title!r}: a response to HEAD has no body (RFC 9110 §9.3.2)",
                )
            )


def _name_findings(catalog: Catalog, found: list[Finding]) -> None:
    """Two codes must not share an OpenAPI response component name."""
    owners: dict[str, int] = {}
    for code, status in catalog.codes.items():
        name = catalog.response_name(code)
        try:  # the pattern was checked with sample words; this code's reason may give others
            syntax.component_name(name, "response name")
        except ValueError as exc:
            where = ("codes", code, "name") if status.name else ("response_names",)
            found.append(Finding(where, f"code {code}: {exc}"))
            continue
        if name in owners:
            found.append(
                Finding(
                    ("codes", code, "name"),
                    f"response name {name!r} is already used by {owners[name]};"
                    " give one a distinct name",
                )
            )
        owners.setdefault(name, code)


def _schemas(catalog: Catalog, found: list[Finding]) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for name, schema in catalog.schemas.items():
        if isinstance(schema, ModelRef):
            try:
                schemas[name] = model_schema(schema)
            except SchemaProblem as exc:
                found.append(Finding(("schemas", name, "model"), str(exc)))
                continue
            # A model's defaults and descriptions are the user's values too (nan, controls).
            for _, message in unrenderable(schemas[name]):
                found.append(Finding(
                    ("schemas", name, "model"), f"the JSON Schema of {schema.model!r}: {message}"
                ))
        else:
            schemas[name] = schema
    return schemas


def _code_findings(
    catalog: Catalog,
    code: int,
    status: StatusCode,
    bodies: BodyValidator | None,
    found: list[Finding],
) -> None:
    base: PathT = ("codes", code)
    if status.equivalent is not None:
        if status.equivalent == code:
            found.append(
                Finding((*base, "equivalent"), f"equivalent of {code} cannot be {code} itself")
            )
        elif registry.facts(status.equivalent).registered is None:
            found.append(
                Finding(
                    (*base, "equivalent"),
                    f"equivalent {status.equivalent} is not a registered status code",
                )
            )
    for index, other in enumerate(status.related):
        if other not in catalog.codes and registry.facts(other).registered is None:
            found.append(
                Finding(
                    (*base, "related", index),
                    f"related code {other} is neither in this catalog nor registered",
                )
            )
    for index, rule in enumerate(status.attach):
        try:
            parse_rule(rule)
        except ValueError as exc:
            found.append(Finding((*base, "attach", index), str(exc)))
    for index, example in enumerate(status.examples):
        _example_findings(status, (*base, "examples", index), example.title, index, bodies, found)


def _example_findings(
    status: StatusCode,
    path: PathT,
    title: str,
    index: int,
    bodies: BodyValidator | None,
    found: list[Finding],
) -> None:
    response = status.examples[index].response
    media_type = response.content_type
    if media_type is None:
        if response.has_body:
            if len(status.content) != 1:
                found.append(
                    Finding(
                        (*path, "response"),
                        f"example {title!r}: the response has a body but no content_type"
                        f" (one of: {', '.join(status.content) or 'none declared'})",
                    )
                )
                return
            media_type = next(iter(status.content))
        else:
            return
    media = status.content.get(media_type)
    if media is None:
        declared = ", ".join(status.content) or "none"
        found.append(
            Finding(
                (*path, "response", "content_type"),
                f"example {title!r}: content_type {media_type!r} is not in the code's content"
                f" (declared: {declared})",
            )
        )
        return
    body = response.body
    if body is None:
        return  # no body, or a body_text: the exact bytes, which no schema reads
    if not isinstance(body, str) and not is_json_media_type(media_type):
        found.append(
            Finding(
                (*path, "response", "body"),
                f"example {title!r}: a {media_type} body must be a string",
            )
        )
        return
    if bodies is not None:
        for inside, message in bodies.errors(media, body):
            found.append(
                Finding(
                    (*path, "response", "body", *inside),
                    f"example {title!r}: body does not match the {media_type} schema: {message}",
                )
            )


def warnings(catalog: Catalog) -> list[Finding]:
    """Lints: legal catalogs that will likely confuse clients or collide with known uses."""
    found: list[Finding] = []
    for code, status in catalog.codes.items():
        base: PathT = ("codes", code)
        facts = registry.facts(code)
        if facts.registered and status.reason.lower() != facts.registered.reason.lower():
            found.append(
                Finding(
                    (*base, "reason"),
                    f"{code} is registered as '{facts.registered.reason}'"
                    f" ({facts.registered.reference}); calling it '{status.reason}'"
                    " redefines a standard code",
                    "warning",
                )
            )
        sent = senders.origin(catalog, code)
        for use in facts.vendors:
            if use.component is not None and use.component == sent.component:
                continue  # the catalog says this component sends it: no collision but the truth
            found.append(
                Finding(
                    base,
                    f"{code} collides with {use.vendor}'s {code} {use.reason} ({use.meaning}):"
                    " clients behind it cannot tell the two apart"
                    + (f"; if {use.vendor} in front of this API sends it, say"
                       f" `sender: {{component: {use.component}}}`" if use.component else ""),
                    "warning",
                )
            )
        if status.attach and not sent.reaches_client:
            found.append(Finding(
                (*base, "attach"),
                f"{code} never reaches a client ({sent.phrase} only logs it), yet 'attach' puts"
                " it on operations as a response they may give; remove 'attach'",
                "warning",
            ))
        if facts.registered is None and status.equivalent is None and sent.reaches_client:
            found.append(
                Finding(
                    base,
                    f"custom code {code} gives no 'equivalent': clients that do not know it"
                    f" treat it as {facts.fallback}; name the standard code it stands for",
                    "warning",
                )
            )
        required = {name.lower(): name for name, header in status.headers.items()
                    if header.required}
        examples = [((*base, "examples", index), example, "")
                    for index, example in enumerate(status.examples)]
        examples += [((*base, "problems", slug, "examples", index), example,
                      f" of problem type {slug!r}")
                     for slug, problem in status.problems.items()
                     for index, example in enumerate(problem.examples)]
        for path, example, owner in examples:
            given = {name.lower() for name in example.response.headers}
            missing = [name for lower, name in required.items() if lower not in given]
            if missing:
                found.append(
                    Finding(
                        (*path, "response", "headers"),
                        f"example {example.title!r}{owner} omits required header(s)"
                        f" {', '.join(sorted(missing))}",
                        "warning",
                    )
                )
    return found

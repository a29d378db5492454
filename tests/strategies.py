"""Hypothesis strategies that generate valid specgen catalogs.

Use them in property tests::

    from hypothesis import given
    from strategies import catalogs   # tests/ is on sys.path (pytest's rootdir conftest)

    @given(catalogs())
    def test_something_holds(catalog: Catalog) -> None:
        ...

`catalogs()` yields `Catalog` objects that pass `specgen.catalog.check.errors()` (lint warnings
are allowed, they are part of what real catalogs look like). `catalog_dicts()` yields the same
catalogs as plain data, as `model_dump(mode="json", by_alias=True)` gives them, ready to dump
to YAML or JSON.
Both take `max_codes` and `max_examples` to trade coverage for speed; defaults stay small.
How many catalogs a test sees comes from the hypothesis profile registered in conftest.py:
"ci" by default, `pytest --hypothesis-profile=deep` for a long exploration.
`draw_value(draw, schema, named)` draws a JSON value valid against one of the generated schemas.

What a generated catalog contains: codes from every class (IANA-registered, vendor-used and
custom ones, the custom ones sometimes with an `equivalent`), unicode titles, summaries and
descriptions, named schemas (nested objects and arrays, `$defs`, `$ref`s to earlier named
schemas), inline schemas, the media types application/json, application/problem+json,
application/vnd.example+json and text/plain, response headers, and examples with HEAD, GET,
POST, PUT and DELETE requests (bodies on POST and PUT) whose response bodies match their schemas.
Codes that cannot carry content (1xx, 204, 205, 304) get none, and HEAD responses no body.
"""

from __future__ import annotations

import string
from functools import cache
from typing import Any

from hypothesis import strategies as st

from specgen.catalog import registry
from specgen.catalog.check import NO_CONTENT
from specgen.catalog.models import Catalog

REF = "#/components/schemas/"
JSON_TYPES = ("application/json", "application/problem+json", "application/vnd.example+json")
REGISTERED = tuple(registry.registered_codes())
# 499, 520-530 and 561 have vendor meanings, so `check` warns about them: keep them common.
VENDOR = (444, 460, 463, 494, 495, 496, 497, 499, 520, 521, 522, 523, 524, 525, 526, 530, 561)
WORD = st.text(string.ascii_letters, min_size=1, max_size=8)
# Unicode without control characters, line separators (U+2028/2029) or lone surrogates: what
# people put in prose, and all that specgen accepts there.
PROSE = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30
).filter(
    lambda text: text.strip() != ""
)
MULTILINE = st.lists(PROSE, min_size=0, max_size=3).map("\n".join)
HEADER_VALUE = (
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=20)
    .map(str.strip)
    .filter(bool)
)
TOKEN = st.text(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~", min_size=1, max_size=12)
RESERVED = {
    "content-length",
    "transfer-encoding",
    "content-type",
    "connection",
    "date",
    "server",
    "host",
}
HEADER_NAME = st.one_of(
    st.sampled_from(["WWW-Authenticate", "Retry-After", "X-Request-Id", "Cache-Control", "Link"]),
    TOKEN,
).filter(lambda name: name.lower() not in RESERVED)
PATH = st.lists(
    st.text(string.ascii_letters + string.digits + "-._~%!$&'()*+,;=:@", min_size=1, max_size=8),
    max_size=3,
).map(lambda parts: "/" + "/".join(parts)) | st.just("/search?q=a%20b&page=2")


def leaf_schemas() -> st.SearchStrategy[dict[str, Any]]:
    """Scalar JSON Schemas: string (maybe an enum), integer, number, boolean, null."""
    return st.one_of(
        st.just({"type": "string"}),
        st.builds(lambda d: {"type": "string", "description": d}, PROSE),
        st.lists(PROSE, min_size=1, max_size=3, unique=True).map(
            lambda values: {"type": "string", "enum": values}
        ),
        st.just({"type": "integer", "minimum": 0}),
        st.just({"type": "number"}),
        st.just({"type": "boolean"}),
        st.just({"type": "null"}),
    )


@cache
def schemas_with(refs: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """Nested object/array schemas whose leaves may `$ref` the named schemas `refs`."""
    leaves = leaf_schemas()
    if refs:
        leaves = leaves | st.sampled_from(refs).map(lambda name: {"$ref": REF + name})

    def nest(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        return st.one_of(
            st.builds(lambda items: {"type": "array", "items": items, "maxItems": 3}, children),
            _object_schemas(st.dictionaries(WORD, children, max_size=4)),
        )

    return st.recursive(leaves, nest, max_leaves=6)


@st.composite
def _object_schemas(
    draw: st.DrawFn, properties_strategy: st.SearchStrategy[dict[str, Any]]
) -> dict[str, Any]:
    properties = draw(properties_strategy)
    required = (
        draw(st.lists(st.sampled_from(sorted(properties)), unique=True)) if properties else []
    )
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = sorted(required)
    if draw(st.booleans()):
        schema["additionalProperties"] = False
    return schema


# Value strategies built once: creating strategies per draw dominates generation time otherwise.
# JSON bodies may hold C0 controls (JSON escapes them) but not DEL, C1 or U+2028/2029.
_STRING_VALUES = st.text(
    st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="".join(map(chr, range(0x7F, 0xA0))) + "\u2028\u2029",
    ),
    max_size=20,
)
_INTEGER_VALUES = st.integers(min_value=0, max_value=2**53)
_NUMBER_VALUES = st.integers(-1000, 1000) | st.floats(-1e6, 1e6, allow_nan=False).map(
    lambda x: round(x, 3)
)
_SCALARS = {
    "string": _STRING_VALUES,
    "integer": _INTEGER_VALUES,
    "number": _NUMBER_VALUES,
    "boolean": st.booleans(),
    "null": st.none(),
}


def draw_value(
    draw: st.DrawFn,
    schema: dict[str, Any],
    named: dict[str, Any],
    root: dict[str, Any] | None = None,
) -> Any:
    """Draw a value that validates against a schema from this module (following `$ref`s).

    `root` is the schema that `#/$defs/...` references point into (the schema itself by default).
    """
    root = schema if root is None else root
    if "$ref" in schema:
        ref = schema["$ref"]
        if ref.startswith(REF):
            return draw_value(draw, named[ref.removeprefix(REF)], named)
        return draw_value(draw, root["$defs"][ref.removeprefix("#/$defs/")], named, root)
    if "enum" in schema:
        return schema["enum"][draw(st.integers(0, len(schema["enum"]) - 1))]
    kind = schema["type"]
    if kind in _SCALARS:
        return draw(_SCALARS[kind])
    if kind == "array":
        count = draw(st.integers(0, schema["maxItems"]))
        return [draw_value(draw, schema["items"], named, root) for _ in range(count)]
    required = set(schema.get("required", []))
    return {
        key: draw_value(draw, sub, named, root)
        for key, sub in schema["properties"].items()
        if key in required or draw(st.booleans())
    }


@st.composite
def named_schemas(draw: st.DrawFn, max_size: int = 3) -> dict[str, Any]:
    """Named schemas; later ones may `$ref` earlier ones (and never loop), some use `$defs`."""
    names = draw(
        st.lists(
            st.from_regex(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,9}", fullmatch=True),
            max_size=max_size,
            unique=True,
        )
    )
    named: dict[str, Any] = {}
    for name in names:
        schema = draw(schemas_with(tuple(named)))
        if schema.get("type") == "object" and draw(st.booleans()):
            inner = draw(leaf_schemas())
            schema = {
                **schema,
                "$defs": {"Part": inner},
                "properties": {**schema["properties"], "part": {"$ref": "#/$defs/Part"}},
            }
        named[name] = schema
    return named


def _media(draw: st.DrawFn, media_type: str, named: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """A media type's `schema` value and the schema its bodies must match."""
    if media_type == "text/plain":
        schema = draw(st.sampled_from([None, {"type": "string"}]))
        return schema, schema or {"type": "string"}
    choice = draw(st.sampled_from(["named", "inline", "none"] if named else ["inline", "none"]))
    if choice == "named":
        name = draw(st.sampled_from(sorted(named)))
        return name, named[name]
    if choice == "inline":
        schema = draw(schemas_with(tuple(sorted(named))))
        return schema, schema
    return None, {}


def _body(draw: st.DrawFn, media_type: str, schema: dict[str, Any], named: dict[str, Any]) -> Any:
    if media_type == "text/plain":
        return draw(PROSE)
    if not schema:
        return draw(st.dictionaries(WORD, st.integers() | PROSE, max_size=3))
    return draw_value(draw, schema, named)


@st.composite
def status_codes(
    draw: st.DrawFn, code: int, named: dict[str, Any], max_examples: int = 3
) -> dict[str, Any]:
    """One code's entry as plain data, consistent with the named schemas."""
    facts = registry.facts(code)
    reason = (
        facts.registered.reason
        if facts.registered and draw(st.booleans())
        else " ".join(draw(st.lists(WORD, min_size=1, max_size=3)))
    )
    entry: dict[str, Any] = {"reason": reason, "summary": draw(PROSE)}
    if draw(st.booleans()):
        entry["description"] = draw(MULTILINE)
    if facts.registered is None and draw(st.integers(0, 3)):
        entry["equivalent"] = draw(
            st.sampled_from([c for c in REGISTERED if c // 100 == code // 100] or REGISTERED)
        )
    # Header names are case-insensitive: keep one spelling of each.
    drawn = draw(st.dictionaries(HEADER_NAME, HEADER_VALUE, max_size=2))
    headers = {name: drawn[name] for name in {n.lower(): n for n in drawn}.values()}
    entry["headers"] = {
        name: {"description": draw(PROSE), "required": draw(st.booleans()), "example": value}
        for name, value in headers.items()
    }
    may_have_content = code >= 200 and code not in NO_CONTENT
    media_types = (
        draw(st.lists(st.sampled_from([*JSON_TYPES, "text/plain"]), unique=True, max_size=3))
        if may_have_content
        else []
    )
    content: dict[str, Any] = {}
    body_schemas: dict[str, dict[str, Any]] = {}
    for media_type in media_types:
        content[media_type], body_schemas[media_type] = _media(draw, media_type, named)
    entry["content"] = {k: {"schema": v} if v is not None else {} for k, v in content.items()}
    for key in ("causes", "remedies", "tags"):
        entry[key] = draw(st.lists(PROSE, max_size=2))
    entry["deprecated"] = draw(st.booleans())
    entry["examples"] = [
        _example(draw, index, headers, body_schemas, named)
        for index in range(draw(st.integers(0, max_examples)))
    ]
    return entry


def _example(
    draw: st.DrawFn,
    index: int,
    headers: dict[str, str],
    body_schemas: dict[str, dict[str, Any]],
    named: dict[str, Any],
) -> dict[str, Any]:
    # The index at the end of the title keeps generated slugs unique within a code.
    example: dict[str, Any] = {"title": f"{draw(PROSE)} {index}"}
    if draw(st.booleans()):
        example["slug"] = f"case-{index}"
    if draw(st.booleans()):
        example["scenario"] = draw(MULTILINE)
    method = draw(st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE"]))
    request: dict[str, Any] = {"method": method, "path": draw(PATH)}
    request["headers"] = draw(
        st.dictionaries(
            st.sampled_from(["Accept", "Authorization", "X-Trace"]), HEADER_VALUE, max_size=2
        )
    )
    if method in ("POST", "PUT"):
        request["body"] = draw(
            st.one_of(
                st.dictionaries(WORD, st.integers() | PROSE | st.booleans(), max_size=3),
                PROSE,
            )
        )
        request["content_type"] = (
            "text/plain"
            if isinstance(request["body"], str)
            else draw(st.sampled_from(JSON_TYPES))
        )
    response: dict[str, Any] = {"headers": dict(headers)}
    if body_schemas:
        media_type = draw(st.sampled_from(sorted(body_schemas)))
        response["content_type"] = media_type
        if method != "HEAD":
            response["body"] = _body(draw, media_type, body_schemas[media_type], named)
    example["request"], example["response"] = request, response
    return example


@st.composite
def catalog_dicts(draw: st.DrawFn, max_codes: int = 4, max_examples: int = 3) -> dict[str, Any]:
    """Valid catalogs as plain data (what `model_dump(mode='json', by_alias=True)` gives)."""
    pool = st.one_of(st.sampled_from(REGISTERED), st.sampled_from(VENDOR), st.integers(100, 599))
    codes = draw(st.lists(pool, min_size=1, max_size=max_codes, unique=True))
    named = draw(named_schemas())
    data: dict[str, Any] = {
        "specgen": 1,
        "info": {
            "title": draw(PROSE),
            "version": draw(st.sampled_from(["1.0.0", "2024-10", "v3"])),
            "description": draw(MULTILINE),
        },
        "server": draw(
            st.sampled_from(
                [
                    {},
                    {"host": "api.example.com:8443", "scheme": "http"},
                    {
                        "host": "[2001:db8::1]",
                        "software": "nginx/1.27 (Unix)",
                        "date": "Mon, 01 Jan 2024 00:00:00 GMT",
                    },
                ]
            )
        ),
        "response_names": draw(st.sampled_from(["{Reason}{code}", "{reason}_{code}", "E{code}"])),
        "schemas": named,
        "codes": {},
    }
    for code in sorted(codes):
        data["codes"][code] = draw(status_codes(code, named, max_examples))
    # Back to the canonical dump so defaults appear exactly as the models write them.
    return Catalog.model_validate(data).model_dump(mode="json", by_alias=True)


def catalogs(max_codes: int = 4, max_examples: int = 3) -> st.SearchStrategy[Catalog]:
    """Valid `Catalog` objects: every one passes `specgen.catalog.check.errors()`."""
    return catalog_dicts(max_codes, max_examples).map(Catalog.model_validate)


# --- Hostile catalogs: "check passes => build passes" ----------------------------------------

# Text an attacker or a careless author may write: Markdown and HTML that fight the escaper,
# template syntax, YAML and table metacharacters, controls, separators, astral characters.
PAYLOADS = (
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "`", "``", "\\`", "```",
    "~~~", "\n    indented", "[x]: javascript:alert(1)", "[a](javascript:alert(1))",
    "{: onclick=alert(1)}", "|", "\\|", "---\ntitle: x\n---", "{{ x }}", "{% raw %}", "{#",
    "&amp;", "&#0;", "<!--", "]]>", "*", "_", "#", "> ", "- ", "1. ", ": ", " #", "\t", "\r",
    "\u2028", "\u00a0", "\U0001f600", "\ufeff", "\x00", "\x1b[31m", "\x7f", "\x85",
    "'", '"', "\\", "%", "@", "$ref", "http://x", "<https://x>", "![i](x)", "\n\n", "  \n",
)
NASTY_TEXT = st.one_of(
    st.lists(st.sampled_from(PAYLOADS) | PROSE, min_size=1, max_size=4).map("".join),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20),
)
_TEXT_KEYS = frozenset({"title", "summary", "description", "scenario", "retry"})
_TEXT_LISTS = frozenset({"causes", "remedies", "tags"})


def _nastier(draw: st.DrawFn, node: Any, key: str = "") -> Any:
    """A copy of catalog data with some prose fields replaced by hostile text."""
    if isinstance(node, dict):
        return {k: _nastier(draw, v, str(k)) for k, v in node.items()}
    if isinstance(node, list):
        if key in _TEXT_LISTS and draw(st.booleans()):
            return draw(st.lists(NASTY_TEXT, max_size=2))
        return [_nastier(draw, item) for item in node]
    if isinstance(node, str) and key in _TEXT_KEYS and draw(st.integers(0, 2)) == 0:
        return draw(NASTY_TEXT)
    return node


# Schemas with boolean subschemas where JSON Schema allows them, and keywords that OpenAPI 3.0
# cannot say (check must refuse what build would refuse).
BOOLEAN_SCHEMAS = st.sampled_from([
    {"anyOf": [True, {"type": "string"}]},
    {"oneOf": [False, {"type": "integer"}]},
    {"allOf": [True]},
    {"anyOf": [True, {"type": "null"}]},
    {"type": "array", "items": False},
    {"type": "array", "prefixItems": [True, False], "items": False},
    {"type": "object", "properties": {"a": False, "b": True}, "additionalProperties": True},
    {"type": "object", "properties": {"a": True, "b": {"$ref": "#/properties/a"}}},
    {"not": True},
    {"not": False},
    {"if": True, "then": False},
    {"type": "object", "propertyNames": False},
    {"$defs": {"x": True}, "$ref": "#/$defs/x"},
    {"type": "object", "additionalProperties": {"$ref": "#/$defs/x"}, "$defs": {"x": False}},
])
ODD_MEDIA_TYPES = st.sampled_from([
    'application/json; charset="utf-8"', 'text/plain; a=""; b=""', "application/x.y+json",
    'text/plain; q="\\""', "application/problem+json; v=1",
])
RESPONSE_NAMES = st.sampled_from(
    ["{Reason}{code}", "{reason}_{code}", "E{code}", "{code}", "x.{Reason}-{code}", "{{{code}}}",
     "{Reason}.{code}", "{reason}{code}{Reason}"]
)
ODD_REASONS = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1,
                      max_size=12)
COMPONENT_NAMES = st.sampled_from(["-", "_", "a.b", "Part", "Odd", "E500", "x" * 300, "0"])
LONG_HEADER_NAMES = st.sampled_from(["X-" + "a" * 1100, "X" * 1025, "Y" * 1024])


@st.composite
def hostile_catalog_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """Catalog data, valid or not, built from a valid one by hostile changes: nasty text (prose
    and text request bodies), boolean subschemas, odd media types, reason phrases, name patterns
    and response names, very long header names, a schema named like another's definition.
    `check` may refuse it; when it accepts it, `build` must succeed."""
    data = _nastier(draw, draw(catalog_dicts(max_codes=3, max_examples=2)))
    data["response_names"] = draw(RESPONSE_NAMES)
    for status in data["codes"].values():
        if draw(st.integers(0, 3)) == 0:
            status["reason"] = draw(ODD_REASONS)
        if status["content"] and draw(st.booleans()):
            media = draw(ODD_MEDIA_TYPES)
            status["content"][media] = {"schema": draw(BOOLEAN_SCHEMAS)}
        if draw(st.integers(0, 4)) == 0:
            status["headers"][draw(LONG_HEADER_NAMES)] = {"description": draw(NASTY_TEXT)}
        if draw(st.integers(0, 4)) == 0:
            status["name"] = draw(COMPONENT_NAMES)
        for example in status["examples"]:
            if isinstance(example["request"].get("body"), str) and draw(st.booleans()):
                example["request"]["body"] = draw(NASTY_TEXT)
    if draw(st.booleans()):
        data["schemas"]["Odd"] = draw(BOOLEAN_SCHEMAS)
    if draw(st.integers(0, 3)) == 0:
        # A named schema with the name of another's definition, which lifting must keep apart.
        data["schemas"]["Part"] = {"type": "integer"}
        data["schemas"]["Holder"] = {
            "type": "object", "$defs": {"Part": {"type": "string"}},
            "properties": {"p": {"$ref": "#/$defs/Part"}, "q": {"$ref": REF + "Part"}},
        }
    return data

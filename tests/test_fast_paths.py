"""Each shortcut `specgen check` takes on big catalogs gives what the slow path it stands for
gives: body validation and meta-schema checks by jsonschema-rs, JSON positions found on
demand, the nesting limit counted on the parsed data, and the build proof that renders pages
only for page-dependent links."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import REF, draw_value, named_schemas, schemas_with

from specgen.catalog import json_source, schemas, source
from specgen.catalog.check import link_texts
from specgen.catalog.load import load_bytes
from specgen.catalog.schemas import BodyValidator
from specgen.catalog.values import unrenderable
from specgen.catalog.yaml_source import YamlLoader
from specgen.docs.markdown import links_of
from specgen.errors import LoadError, RenderError
from specgen.output import proof

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=8)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=12,
)


@st.composite
def schema_and_value(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], Any, bool]:
    named = draw(named_schemas())
    schema = draw(schemas_with(tuple(sorted(named))))
    valid = draw(st.booleans())
    value = draw_value(draw, schema, named) if valid else draw(JSON_VALUES)
    return named, schema, value, valid


@settings(max_examples=300)
@given(schema_and_value())
def test_bodies_jsonschema_rs_accepts_are_the_ones_jsonschema_accepts_on_catalog_schemas(
    case: tuple[dict[str, Any], dict[str, Any], Any, bool],
) -> None:
    named, schema, value, valid = case
    validator = BodyValidator(named)
    expected = [error.message for error in validator._validator(schema).iter_errors(value)]
    found = validator.value_errors(schema, value)
    assert bool(found) == bool(expected), (schema, value)
    assert validator._fast_validator(schema) is not None  # the fast path was there to take
    if valid:
        assert found == []


@pytest.mark.parametrize(
    ("schema", "value", "valid"),
    [
        ({"type": "string", "pattern": "^\\d+$"}, "١٢٣", True),  # Unicode digits, as in `re`
        ({"type": "string", "format": "email"}, "not an address", True),  # formats annotate
        ({"type": "integer", "maximum": 10}, 2**80, False),  # beyond 64 bits
        ({"type": "object", "unevaluatedProperties": False, "properties": {"a": {}}},
         {"a": 1, "b": 2}, False),
        ({"$ref": REF + "Named"}, {"code": 1}, False),
        ({"type": "string", "pattern": "^(a+)+$"}, "a" * 16 + "b", False),  # backtracks
        # Where jsonschema (Python floats, Python's `re`) refuses what the specification
        # accepts, jsonschema-rs decides: exact decimal multiples, ECMA-262 `\s`.
        ({"type": "number", "multipleOf": 0.1}, 0.3, True),
        ({"type": "string", "pattern": "^\\s*$"}, "\ufeff", True),
    ],
)
def test_bodies_agree_on_the_cases_where_the_engines_differ_most(
    schema: dict[str, Any], value: Any, valid: bool
) -> None:
    named = {"Named": {"type": "object", "properties": {"code": {"type": "string"}}}}
    validator = BodyValidator(named)
    assert (validator.value_errors(schema, value) == []) is valid


def _paths(value: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    items = value.items() if isinstance(value, dict) else enumerate(value) \
        if isinstance(value, list) else ()
    for key, item in items:
        found += _paths(item, (*path, str(key)))
    return found


# Schema-shaped values, sound and broken: keywords with values of the right and the wrong
# kind, regexes Python compiles and ones it refuses, `$schema`s of other drafts.
SCHEMA_KEYWORDS = st.sampled_from([
    "type", "pattern", "patternProperties", "properties", "items", "minLength", "required",
    "enum", "$ref", "$schema", "$anchor", "$defs", "allOf", "not", "format", "const",
])
SCHEMA_LEAVES = st.sampled_from([
    "string", "object", "strnig", "([", "^a+$", "(?<=a)b", "\\p{L}", "\\d", "#/$defs/x", -1,
    0, 3, 2.5, True, None, [], ["a", "a"], ["string", "null"], {},
    "https://json-schema.org/draft/2020-12/schema", "http://json-schema.org/draft-07/schema#",
])
SCHEMA_LIKE = st.recursive(
    SCHEMA_LEAVES,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(SCHEMA_KEYWORDS | st.sampled_from(["([", "a"]), children, max_size=3),
    max_leaves=10,
)


@settings(max_examples=500)
@given(SCHEMA_LIKE)
def test_schemas_jsonschema_rs_passes_are_the_ones_jsonschema_accepts(schema: Any) -> None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
        accepted = True
    except SchemaError:
        accepted = False
    if schemas._meta_passes(schema):
        assert accepted, schema
    assert (schemas._meta_error(schema) is None) == accepted, schema


@pytest.mark.parametrize(("schema", "fast"), [
    ({"type": "object", "properties": {"a": {"type": "string", "pattern": "^a+$"}}}, True),
    ({"patternProperties": {"^x-": {}}, "$defs": {"n": {"type": "integer"}}}, True),
    ({"pattern": "(["}, False),  # jsonschema compiles it with re, which refuses it
    ({"$schema": "http://json-schema.org/draft-07/schema#"}, False),  # another meta-schema
    ({"type": "strnig"}, False),
])
def test_schemas_take_the_fast_path_unless_jsonschema_may_differ(
    schema: dict[str, Any], fast: bool
) -> None:
    assert schemas._meta_passes(schema) is fast


@settings(max_examples=300)
@given(JSON_VALUES, st.sampled_from([False, True, None]))
def test_yaml_text_taken_as_it_is_gives_what_the_constructor_gives(
    value: Any, flow: bool | None
) -> None:
    """Plain text scalars skip PyYAML's constructor; every value still reads as PyYAML's
    loader reads it, in block and flow style, keys included."""
    text = yaml.safe_dump({"value": value}, default_flow_style=flow, allow_unicode=True)
    assert source.parse("c.yaml", text).data == yaml.load(text, Loader=YamlLoader)


# Catalog-shaped values: the top level and its `codes` are read entry by entry.
CATALOG_VALUES = st.dictionaries(
    st.sampled_from(["codes", "info", "schemas", "x"]),
    st.dictionaries(st.sampled_from(["400", "561", "a"]), JSON_VALUES, max_size=3) | JSON_VALUES,
    max_size=4,
)


@settings(max_examples=200)
@given(JSON_VALUES | CATALOG_VALUES, st.sampled_from([None, 0, 2]))
def test_json_positions_found_on_demand_are_the_locating_parsers(
    value: Any, indent: int | None
) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    slow = json_source._JsonParser("c.json", text).document()
    fast = json_source.JsonPlaces(text)
    assert fast.read() == slow.data
    for path in _paths(slow.data):
        assert fast.place(path) == slow.place(path), path
    assert fast.place(("no such key",)) is None or isinstance(value, (dict, list))


# Text near JSON: whitespace JSON allows and does not, keys twice, missing and extra commas,
# colons and braces, constants it has no form for, trailing data.
JSONISH = st.lists(st.sampled_from([
    "{", "}", "[", "]", ",", ":", " ", "\t", "\n", "\r", "\f", '"codes"', '"a"', '"400"', "1",
    "1e999", "NaN", "true", "null", '"x"', '"\\u0041"', "\u00a0",
]), max_size=24).map("".join)


@settings(max_examples=1000)
@given(JSONISH | CATALOG_VALUES.map(json.dumps)
       | st.tuples(CATALOG_VALUES, st.sampled_from(["\t", " \r\n", "\f"])).map(
           lambda case: json.dumps(case[0], indent=1).replace("\n", case[1])))
def test_json_read_entry_by_entry_accepts_what_the_c_decoder_accepts(text: str) -> None:
    def outcome(read: Any) -> Any:
        try:
            return ("data", read())
        except (ValueError, RecursionError):
            return ("refused",)

    expected = outcome(lambda: json_source._HOOKED.decode(text))
    assert outcome(json_source.JsonPlaces(text).read) == expected


@pytest.mark.parametrize("depth", [98, 99, 100, 101, 102])
@pytest.mark.parametrize("innermost", ["[]", "{}", "1", '{"a": 1}', "[1]"])
def test_json_nesting_limit_counted_on_parsed_data_is_the_locating_parsers(
    depth: int, innermost: str
) -> None:
    text = '{"x": ' * depth + innermost + "}" * depth
    text = f'{{"wide": [[{text}, [1, {{}}]], "s[{{"], "last": {text}}}'  # and side branches

    def verdict(parse: Any) -> str:
        try:
            parse()
        except LoadError as error:
            return str(error)
        return "accepted"

    assert verdict(lambda: source.parse("c.json", text)) == verdict(
        lambda: json_source._JsonParser("c.json", text).document())


CATALOG = {
    "specgen": 1,
    "info": {"title": "T", "version": "1"},
    "codes": {"561": {"reason": "Unauthorized", "equivalent": 401,
                      "summary": "See [the docs](https://example.com/docs) and [422](code:422).",
                      "description": "TEXT"},
              "422": {"reason": "Unprocessable Content", "summary": "Invalid."}},
}


def _catalog(description: str) -> Any:
    data = json.loads(json.dumps(CATALOG))
    data["codes"]["561"]["description"] = description
    return load_bytes("c.json", json.dumps(data).encode()).catalog


def test_the_build_proof_renders_no_page_when_no_link_depends_on_the_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def rendered(catalog: Any) -> None:
        raise AssertionError("pages rendered")

    monkeypatch.setattr("specgen.docs.plan.docs_plan", rendered)
    proof.refusals(_catalog("Plain words, <https://example.com/a> and [x](mailto:a@b.c)."))
    with pytest.raises(AssertionError, match="pages rendered"):
        proof.refusals(_catalog("See [below](#examples)."))


@pytest.mark.parametrize("link", ["[x](#nowhere)", "[x](code:422#nowhere)", "[x](other.md)",
                                  "[x][ref]\n\n[ref]: #nowhere", "[x](code:561#nowhere)"])
def test_the_build_proof_refuses_what_the_site_refuses(link: str) -> None:
    with pytest.raises(RenderError, match=r"leads nowhere|is relative"):
        proof.refusals(_catalog(f"See {link}."))


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(
    "\x00\x08\x0b\x1f\x7f\x85\x9f\u2028\u2029\t\n\r\\\"bfu"), max_size=6)
CATALOG_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(["body", "title", "response"]), CATALOG_LIKE),
       st.booleans())
def test_json_called_clean_has_nothing_unrenderable(data: dict[str, Any], ascii: bool) -> None:
    text = json.dumps({"codes": {"561": {"examples": [{"response": data}]}}, "x": data},
                      ensure_ascii=ascii)
    document = source.parse("c.json", text)
    if document.clean:
        assert unrenderable(document.data) == []
    elif not ascii:  # unescaped text is called clean unless the check finds something in it
        assert "\\" in text or unrenderable(document.data)


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(["body", "title", "response"]), CATALOG_LIKE),
       st.dictionaries(st.integers(0, 3) | st.booleans() | st.none(), st.integers(),
                       max_size=1),
       st.booleans(), st.sampled_from([None, '"']))
def test_yaml_called_clean_has_nothing_unrenderable(
    data: dict[str, Any], odd_keys: dict[Any, Any], unicode: bool, style: str | None
) -> None:
    """Raw or escaped (double-quoted `\\x85`, `\\L`...), keys that are not text: a YAML
    catalog is called clean only when the full check would find nothing."""
    catalog = {"codes": {561: {"examples": [{"response": data}]}}, "x": data, "y": odd_keys}
    text = yaml.safe_dump(catalog, allow_unicode=unicode, default_style=style)
    document = source.parse("c.yaml", text)
    if document.clean:
        assert unrenderable(document.data) == []
    elif unicode and style is None and not odd_keys:
        assert "\\" in text or unrenderable(document.data)


NOISE = st.lists(st.sampled_from([*'[]()<>:\\"\n x#`*', "](", "]:", "] [", "http://a"]),
                 max_size=6).map("".join)
LINKS = st.sampled_from(["[a](http://a)", "[a][r]\n\n[r]: http://a", "[a] [r]\n\n[r]: #x",
                         "[r]\n\n[r]: http://b", "<http://a>", "<a@b.example>", "[a](#x 't')",
                         "[a]\n(b)", "`[a](http://a)`"])
MARKDOWNISH = st.tuples(NOISE, LINKS | NOISE, NOISE).map("".join)


@settings(max_examples=300)
@given(MARKDOWNISH, MARKDOWNISH)
def test_every_text_with_a_link_is_among_the_link_texts(summary: str, title: str) -> None:
    data = json.loads(json.dumps(CATALOG))
    data["codes"]["561"]["summary"] = summary
    data["codes"]["561"]["description"] = title
    try:
        catalog = load_bytes("c.json", json.dumps(data).encode()).catalog
    except LoadError:
        return  # e.g. a code link to no code
    candidates = link_texts(catalog)
    for text in (summary, title):
        if links_of(text):
            assert text in candidates, text

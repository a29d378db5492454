"""Parsing YAML and JSON: positions of every entry, duplicates refused, hostile input stopped."""

from __future__ import annotations

import time

import pytest

from specgen.catalog.source import MAX_BYTES, MAX_DEPTH, MAX_NODES, decode, parse
from specgen.errors import LoadError

YAML = """\
# a comment first
specgen: 1
codes:
  561:
    reason: Unauthorized
    examples:
      - title: One
      - title: Two
"""


def message(error: pytest.ExceptionInfo[LoadError]) -> str:
    return str(error.value)


def test_yaml_positions_point_at_keys_and_items() -> None:
    document = parse("c.yaml", YAML)
    assert document.data["codes"][561]["examples"][1] == {"title": "Two"}
    assert str(document.locate(("codes", 561, "reason"))) == "c.yaml:5:5"
    assert str(document.locate(("codes", 561, "examples", 1))) == "c.yaml:8:9"
    assert str(document.locate(())) == "c.yaml:2:1"


def test_unknown_paths_are_located_at_their_nearest_parent() -> None:
    document = parse("c.yaml", YAML)
    location = document.locate(("codes", 561, "examples", 0, "response", "body"))
    assert (location.line, location.column) == (7, 9)
    assert location.pointer == "/codes/561/examples/0/response/body"


def test_json_positions_point_at_keys_and_items() -> None:
    text = '{\n  "specgen": 1,\n  "codes": {"561": {"reason": "R", "x": [1, {"y": 2}]}}\n}'
    document = parse("c.json", text)
    line = text.splitlines()[2]
    reason, y = line.index('"reason"') + 1, line.index('"y"') + 1
    assert str(document.locate(("codes", "561", "reason"))) == f"c.json:3:{reason}"
    assert str(document.locate(("codes", "561", "x", 1, "y"))) == f"c.json:3:{y}"


def test_json_is_chosen_by_extension_and_yaml_otherwise() -> None:
    assert parse("a.json", '{"a": 1}').data == {"a": 1}
    assert parse("a.yml", "a: 1").data == {"a": 1}
    with pytest.raises(LoadError, match="invalid JSON"):
        parse("a.json", "a: 1")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("d.yaml", "a: 1\nb: 2\na: 3\n", "d.yaml:3:1: duplicate key 'a'"),
        ("d.yaml", "x:\n  a: 1\n  'a': 2\n", "d.yaml:3:3: duplicate key 'a'"),
        ("d.yaml", "codes:\n  561: {}\n  561: {}\n", "d.yaml:3:3: duplicate key 561"),
        ("d.json", '{"a": 1,\n "a": 2}', "d.json:2:2: invalid JSON: duplicate key 'a'"),
        ("d.json", '{"x": {"a": 1, "a": 2}}', "d.json:1:16: invalid JSON: duplicate key 'a'"),
    ],
)
def test_duplicate_keys_are_errors_not_last_one_wins(name: str, text: str, expected: str) -> None:
    with pytest.raises(LoadError) as error:
        parse(name, text)
    assert message(error) == expected


def test_merge_keys_fill_in_without_overriding_explicit_keys() -> None:
    text = "base: &b {reason: A, summary: S}\ncode: {<<: *b, reason: B}\n"
    assert parse("m.yaml", text).data["code"] == {"reason": "B", "summary": "S"}


def test_billion_laughs_is_refused_within_a_second() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    started = time.monotonic()
    with pytest.raises(LoadError) as error:
        parse("bomb.yaml", "\n".join(lines))
    assert time.monotonic() - started < 1
    assert f"more than {MAX_NODES:,} values after expanding aliases" in message(error)


def test_moderate_alias_reuse_is_fine() -> None:
    text = "h: &h {WWW-Authenticate: {description: d}}\na: {headers: *h}\nb: {headers: *h}\n"
    data = parse("ok.yaml", text).data
    assert data["a"] == data["b"] == {"headers": {"WWW-Authenticate": {"description": "d"}}}


@pytest.mark.parametrize(
    "text",
    ["a: &a [*a]\n", "a: &a {b: {c: *a}}\n", '{"a":&a [*a]}', "- &a [*a]", "!!seq &a [*a]"],
)
def test_alias_loops_are_refused(text: str) -> None:
    with pytest.raises(LoadError, match="refers to a node that contains it"):
        parse("loop.yaml", text)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.yaml", "x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5)),
        ("deep.yaml", "x: " + "[" * 100_000 + "]" * 100_000),
        ("deep.yaml", "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  v: 1\n"),
        ("deep.json", '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        ("deep.json", "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5)),
    ],
)
def test_deep_nesting_is_refused_quickly_without_recursion_errors(name: str, text: str) -> None:
    started = time.monotonic()
    with pytest.raises(LoadError, match="nesting"):
        parse(name, text)
    assert time.monotonic() - started < 1


def test_nesting_up_to_the_limit_is_accepted() -> None:
    depth = MAX_DEPTH - 1
    assert parse("ok.yaml", "[" * depth + "]" * depth).data is not None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("c: 0561", "0561"),
        ("c: 9:21", "9:21"),
        ("c: 0x231", "0x231"),
        ("c: 1_000", "1_000"),
        ("c: yes", "yes"),
        ("c: off", "off"),
        ("c: 561", 561),
        ("c: -1", -1),
        ("c: true", True),
        ("c: False", False),
        ("c: 2024-10-09", "2024-10-09"),
        ("c: 2024-10-09T23:14:51Z", "2024-10-09T23:14:51Z"),
        ("c: 1.5", 1.5),
        ("c: ~", None),
    ],
)
def test_yaml_1_1_surprises_stay_text(text: str, value: object) -> None:
    """Octal, sexagesimal and yes/no spellings are not silently turned into other values."""
    assert parse("s.yaml", text).data["c"] == value


@pytest.mark.parametrize(
    "text",
    [
        "c: !!python/object/apply:os.system ['true']",
        "c: !!python/name:os.system",
        "c: !include /etc/passwd",
        "c: !!set {a, b}",
        "c: !!omap [a: 1]",
        "c: !!binary aGVsbG8=",
    ],
)
def test_yaml_tags_other_than_the_core_schema_are_refused(text: str) -> None:
    with pytest.raises(LoadError, match="tag"):
        parse("t.yaml", text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"a: 1\nb: \xff\n", "f:2:4: not UTF-8 text (byte 0xff)"),
        (b"a: 1\n\x00", "f:2:1: binary data (NUL byte) is not a catalog"),
    ],
)
def test_bytes_that_are_not_utf8_text_are_refused_with_a_position(
    raw: bytes, expected: str
) -> None:
    with pytest.raises(LoadError) as error:
        decode("f", raw)
    assert message(error) == expected


def test_a_utf8_byte_order_mark_is_ignored() -> None:
    assert decode("f", "\ufeffa: é".encode()) == "a: é"


def test_oversized_input_is_refused_by_size() -> None:
    with pytest.raises(LoadError, match=f"limited to {MAX_BYTES:,} bytes"):
        decode("f", b" " * (MAX_BYTES + 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1,}', "j.json:1:9: invalid JSON: expected a string key"),
        ('{"a": 1', "j.json:1:8: invalid JSON: unexpected end of file"),
        ('{"a": "b\nc"}', "j.json:1:9: invalid JSON: invalid control character"),
        ('{"a": NaN}', "j.json:1:7: invalid JSON: expected a value"),
        ('{"a": 1} 2', "j.json:1:10: invalid JSON: extra data after the document"),
        ("", "j.json:1:1: invalid JSON: unexpected end of file"),
    ],
)
def test_json_syntax_errors_are_located(text: str, expected: str) -> None:
    with pytest.raises(LoadError) as error:
        parse("j.json", text)
    assert message(error) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: [1, 2\n", "y.yaml:2:1: invalid YAML: while parsing a flow sequence"),
        ("a: b: c\n", "y.yaml:1:5: invalid YAML: mapping values are not allowed"),
        ("a: 1\n--- \nb: 2\n", "y.yaml:2:1: invalid YAML: expected a single document"),
    ],
)
def test_yaml_syntax_errors_are_located(text: str, expected: str) -> None:
    with pytest.raises(LoadError) as error:
        parse("y.yaml", text)
    assert message(error).startswith(expected)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("n.yaml", "a: .inf", "n.yaml:1:4: infinite or NaN numbers have no JSON form"),
        ("n.yaml", "a: [.nan]", "n.yaml:1:5: infinite or NaN numbers have no JSON form"),
        ("n.json", '{"a": -1e999}', "n.json:1:7: invalid JSON: infinite or NaN numbers"),
        ("n.json", '{"a": ' + "9" * 5000 + "}", "n.json:1:7: invalid JSON: invalid number"),
        ("n.yaml", "a: " + "9" * 5000, "n.yaml:1:4: invalid value: Exceeds the limit"),
    ],
)
def test_numbers_json_cannot_carry_are_refused(name: str, text: str, expected: str) -> None:
    with pytest.raises(LoadError) as error:
        parse(name, text)
    assert message(error).startswith(expected)


def test_json_numbers_keep_their_kind() -> None:
    data = parse("n.json", '{"i": 561, "f": 561.0, "e": 1e3, "n": -0}').data
    assert data == {"i": 561, "f": 561.0, "e": 1000.0, "n": 0}
    assert [type(value) for value in data.values()] == [int, float, float, int]

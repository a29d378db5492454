"""The YAML writer: whatever JSON data it writes, PyYAML reads back unchanged."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from specgen.text.yamldump import to_yaml

# Any text, and text made mostly of the characters that mean something to YAML.
texts = st.text() | st.text(alphabet=" \n\t:#-?|>'\"{}[],&*!%@`~yYnN01.eE+\u2028\x85ab$/_(")
json_data = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(texts, children, max_size=4),
    max_leaves=20,
)


@given(json_data)
@settings(max_examples=500)
def test_any_json_data_reads_back_unchanged(data: Any) -> None:
    """Keys, order, types and every character survive a write and a read."""
    assert yaml.safe_load(to_yaml(data)) == data


@pytest.mark.parametrize(
    "text",
    ["yes", "No", "off", "null", "~", "123", "0x1f", "1e3", ".5", "- a", "a: b", "a #b", "#c",
     "&anchor", "*alias", "!tag", "@at", "`tick", "'q'", '"q"', "{a}", "[a]", "?", "|", ">",
     "%", "", " lead", "trail ", "2024-10-09", "1:30", "tab\there", "line\nbreak", "\u2028",
     "\x85", "\ufeff", "é"],
)
def test_strings_that_look_like_other_things_stay_strings(text: str) -> None:
    """Booleans, numbers, dates, indicators and odd characters come back as the same string."""
    assert yaml.safe_load(to_yaml({"k": text, text: [text]})) == {"k": text, text: [text]}


def test_layout_is_block_style_with_literal_blocks() -> None:
    """Nested data reads as people write YAML; multi-line text as a literal block."""
    data = {"a": {"b": [1, {"c": "d"}]}, "e": "one\ntwo\n", "f": [], "g": {}}
    assert to_yaml(data) == "a:\n  b:\n  - 1\n  - c: d\ne: |\n  one\n  two\nf: []\ng: {}\n"


# Keys around the 1,024-character limit of YAML readers on `key: value`, plain and quoted.
long_keys = st.builds(
    lambda length, char: char * length,
    st.integers(min_value=990, max_value=1100),
    st.sampled_from(["a", "é", "\U0001f600", "\n", " ", ":", '"']),
)
nested_with_long_keys = st.recursive(
    st.none() | st.integers() | texts,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(long_keys | texts, children, max_size=3),
    max_leaves=8,
)


@given(nested_with_long_keys)
@settings(max_examples=200)
def test_keys_of_any_length_read_back_with_pyyaml_and_libyaml(data: Any) -> None:
    """Keys over 1,024 characters are written as explicit `? key` entries, which both PyYAML's
    readers take (a plain `key:` that long is a scanner error)."""
    text = to_yaml(data)
    assert yaml.safe_load(text) == data
    assert yaml.load(text, Loader=yaml.CSafeLoader) == data


def test_a_header_name_of_1100_characters_is_an_explicit_key() -> None:
    name = "X-" + "a" * 1098
    text = to_yaml({"headers": {name: {"schema": {"type": "string"}}}, "list": [{name: 1}]})
    assert text.splitlines()[1] == f"  ? {name}"
    assert text.splitlines()[2] == "  :"
    assert yaml.safe_load(text)["list"] == [{name: 1}]

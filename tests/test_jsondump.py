"""The indented JSON writer gives byte for byte what `json.dumps(indent=...)` gives."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specgen.text.jsondump import to_json

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and the infinities too, as json.dumps writes them by default
    | st.text()
    | st.text(alphabet='"\\/\b\f\n\r\t\x00\x1f\x7f\u2028\ud800é🦊 ab')
)
keys = st.text() | st.integers() | st.floats() | st.booleans() | st.none()
data = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.lists(children, max_size=3).map(tuple)
    | st.dictionaries(keys, children, max_size=4),
    max_leaves=30,
)


@given(data, st.integers(0, 4))
@settings(max_examples=500)
def test_the_same_bytes_as_json_dumps(value: Any, indent: int) -> None:
    assert to_json(value, indent) == json.dumps(value, indent=indent, ensure_ascii=False)


def test_special_floats_and_keys() -> None:
    value = {7: math.inf, 2.5: -math.inf, None: math.nan, True: [], False: {}, "": [[]]}
    assert to_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


@pytest.mark.parametrize(("value", "message"), [
    ({"a": {1, 2}}, "Object of type set is not JSON serializable"),
    ({(1, 2): 3}, "keys must be str, int, float, bool or None, not tuple"),
])
def test_what_json_cannot_hold_is_refused_as_json_dumps_refuses_it(
    value: Any, message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        to_json(value)

"""For any document, in any layout: the merge only inserts, and the result means what it should."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specgen.catalog.load import embedded_catalog_path, load
from specgen.catalog.rules import parse_rule
from specgen.splice.io import attachments, catalog_fragment
from specgen.splice.plan import plan_merge

FRAGMENT = catalog_fragment(load(embedded_catalog_path()), "3.0")
ATTACH = attachments([FRAGMENT], [parse_rule("all")])
REF = {"$ref": "#/components/responses/Unauthorized561"}
Draw = Callable[[st.SearchStrategy[Any]], Any]

# Text that YAML must quote now and then (': ', ' #', leading '-' or quotes), never padded, and
# now and then beyond ASCII (two-byte, CJK and four-byte UTF-8).
words = st.from_regex(r"""[abzé:#'"!-](?:[abz :#'"!é中🦊-]{0,8}[abz:#'"!🦊-])?""", fullmatch=True)


@st.composite
def documents(draw: Draw) -> dict[str, Any]:
    """Small OpenAPI documents: a few operations, some secured, some without responses."""
    paths: dict[str, Any] = {}
    names = st.sampled_from(["pets", "a-b", "x_y", "{id}", "café", "🦊"])
    for name in draw(st.lists(names, max_size=3, unique=True)):
        item: dict[str, Any] = {}
        for method in draw(st.lists(st.sampled_from(["get", "post", "delete"]), min_size=1,
                                    max_size=2, unique=True)):
            operation: dict[str, Any] = {"summary": draw(words)}
            if draw(st.booleans()):
                operation["security"] = draw(st.sampled_from([[], [{"k": []}]]))
            codes = draw(st.lists(st.sampled_from(["200", "404", "default"]), max_size=2,
                                  unique=True))
            if codes or draw(st.booleans()):
                operation["responses"] = {code: {"description": draw(words)} for code in codes}
            item[method] = operation
        paths["/" + name] = item
    document: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": draw(words), "version": "1"},
                                "x-note": draw(words), "paths": paths}
    if draw(st.booleans()):
        document["components"] = {"schemas": {"Thing": {"type": "object", "required": ["a"]}}}
    return document


def scalar(draw: Draw, value: str) -> str:
    """The same string written plain (when that is safe), single- or double-quoted."""
    styles = ["single", "double"]
    if re.fullmatch(r"[a-z/_{][a-z/_{}\-]*", value) and yaml.safe_load(value) == value:
        styles.append("plain")
    style = draw(st.sampled_from(styles))
    if style == "plain":
        return value
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)  # YAML has no surrogate-pair escapes


def to_yaml(draw: Draw, document: dict[str, Any]) -> str:
    """Block YAML with a drawn indent step, list style, quoting, comments and blank lines."""
    step = draw(st.sampled_from([2, 3, 4]))
    indentless = draw(st.booleans())
    lines: list[str] = []

    def noise(indent: int) -> None:
        choice = draw(st.sampled_from(["", "", "comment", "blank"]))
        if choice == "comment":
            lines.append(" " * draw(st.integers(0, indent)) + "# " + draw(words))
        elif choice == "blank":
            lines.append("")

    def trail() -> str:
        return draw(st.sampled_from(["", "", "   # note: 'x'"]))

    def block(mapping: dict[str, Any], indent: int) -> None:
        pad = " " * indent
        for key, value in mapping.items():
            noise(indent)
            written = scalar(draw, key)
            if isinstance(value, dict) and value:
                lines.append(f"{pad}{written}:{trail()}")
                block(value, indent + step)
            elif isinstance(value, dict):
                lines.append(f"{pad}{written}: {{}}")
            elif isinstance(value, list) and value:
                lines.append(f"{pad}{written}:")
                item_pad = pad if indentless else pad + " " * step
                lines.extend(f"{item_pad}- {json.dumps(item)}" for item in value)
            elif isinstance(value, list):
                lines.append(f"{pad}{written}: []")
            else:
                lines.append(f"{pad}{written}: {scalar(draw, value)}{trail()}")

    block(document, 0)
    noise(0)
    # Now and then CRLF or a document marker: the scanner declines those, the fallback composes.
    newline = draw(st.sampled_from(["\n", "\n", "\n", "\r\n"]))
    start = draw(st.sampled_from(["", "", "", "---\n"]))
    return start + newline.join(lines) + draw(st.sampled_from([newline, "", newline * 2]))


def to_json(draw: Draw, document: dict[str, Any]) -> str:
    indent = draw(st.sampled_from([None, 1, 2, 4, "\t"]))
    compact = st.sampled_from([(",", ":"), (", ", ": ")])
    separators = (",", ": ") if indent is not None else draw(compact)
    return json.dumps(document, indent=indent, separators=separators,
                      ensure_ascii=draw(st.booleans()))


def expected(document: dict[str, Any]) -> dict[str, Any]:
    """What the merge must produce: the fragment's components, 561 on every operation."""
    result = copy.deepcopy(document)
    components = result.setdefault("components", {})
    for section, items in FRAGMENT.data["components"].items():
        components.setdefault(section, {}).update(items)
    for item in result["paths"].values():
        for operation in item.values():
            operation.setdefault("responses", {})["561"] = REF
    return result


def normalized(data: Any) -> Any:
    """Keys as strings: a plain `200:` key is an integer to YAML, a string to OpenAPI."""
    if isinstance(data, dict):
        return {str(key): normalized(value) for key, value in data.items()}
    if isinstance(data, list):
        return [normalized(item) for item in data]
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=documents(), as_json=st.booleans(), data=st.data())
def test_removing_what_the_merge_added_gives_the_original(
    document: dict[str, Any], as_json: bool, data: st.DataObject
) -> None:
    text = to_json(data.draw, document) if as_json else to_yaml(data.draw, document)
    given_as = data.draw(st.sampled_from([text, text.encode()]))  # the API's text, or a file's
    plan = plan_merge(given_as, [FRAGMENT], ATTACH, file="spec.json" if as_json else "spec.yaml")
    edits = plan.edits()
    result = plan.result()
    assert result.encode() == plan.result_bytes()
    parsed = json.loads(result) if as_json else yaml.safe_load(result)
    assert normalized(parsed) == expected(document)
    # Edits are offsets into the text the merge scanned (for JSON: one character per byte).
    text = plan.document.text
    result = plan.result_bytes().decode(plan.document.encoding)
    placed, growth = [], 0
    for edit in sorted(edits):
        placed.append((edit, edit.start + growth))
        growth += len(edit.text) - (edit.end - edit.start)
    restored = result
    for edit, where in reversed(placed):
        kept = text[edit.start : edit.end]
        # Insertions only; at most the whitespace inside an empty `{}` is laid out anew.
        assert kept.strip() == "", f"the merge rewrote {kept!r}"
        restored = restored[:where] + kept + restored[where + len(edit.text) :]
    assert restored == text
    assert plan_merge(plan.result(), [FRAGMENT], ATTACH).changed is False

"""Merging into real published OpenAPI documents: valid results differing only by the additions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import spec_bytes
from openapi_spec_validator import validate

from specgen.catalog.load import embedded_catalog_path, load
from specgen.catalog.rules import parse_rule
from specgen.splice.io import attachments, catalog_fragment, spec_version
from specgen.splice.plan import Attachment, Fragment, plan_merge

LOADED = load(embedded_catalog_path())


def parse(text: str, name: str) -> Any:
    if ".json" in name:
        return json.loads(text)
    return yaml.load(text, Loader=yaml.CSafeLoader)


def expected(document: Any, fragment: Fragment, attached: list[Attachment]) -> Any:
    """The original data plus the fragment's components and a $ref on every matched operation."""
    components = document.setdefault("components", {})
    for section, items in fragment.data["components"].items():
        components.setdefault(section, {}).update(items)
    for item in document["paths"].values():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "options", "head", "patch", "trace"):
                for attachment in attached:
                    operation.setdefault("responses", {})[attachment.code] = attachment.ref
    return document


def merged(name: str) -> tuple[str, str, Any]:
    """The document's text, the merged text, and what the merged text must parse to."""
    raw = spec_bytes(name)  # as `specgen merge` reads it
    fragment = catalog_fragment(LOADED, spec_version(raw, name))
    attached = attachments([fragment], [parse_rule("all")])
    result = plan_merge(raw, [fragment], attached, file=name).result()
    text = raw.decode()
    return text, result, expected(parse(text, name), fragment, attached)


def original_lines_survive(text: str, result: str) -> None:
    """Every line of the original is in the result, in order (the merge only inserts lines)."""
    remaining = iter(result.splitlines())
    for line in text.splitlines():
        assert line in remaining, f"lost: {line!r}"


@pytest.mark.parametrize("name", ["petstore.openapi.yaml", "petstore-expanded.json"])
def test_petstore_merges_valid(name: str) -> None:
    text, result, want = merged(name)
    data = parse(result, name)
    assert data == want
    validate(data)
    if name.endswith(".yaml"):
        original_lines_survive(text, result)


def test_plaid_merges_valid_and_keeps_empty_path_items() -> None:
    """openapi-merge-cli drops Plaid's 10 empty path items; specgen keeps them."""
    text, result, want = merged("plaid.2020-09-14.yaml.gz")
    data = parse(result, "plaid.yaml")
    assert data == want
    assert sum(1 for item in data["paths"].values() if not item) == 10
    validate(data)
    original_lines_survive(text, result)


@pytest.mark.parametrize("name", ["openai.openapi.yaml.gz", "openai.openapi.json.gz"])
def test_openai_31_gets_exactly_the_additions(name: str) -> None:
    """The upstream 3.1 document has validator errors of its own, so the check is exact equality
    with the original plus the additions (the fragment itself is validated elsewhere)."""
    text, result, want = merged(name)
    assert parse(result, name) == want
    if ".yaml" in name:
        original_lines_survive(text, result)  # including its `|+` block scalars


@pytest.mark.slow
def test_github_merges_valid(tmp_path: Path) -> None:
    """GitHub's 13 MB description with 561 on all 1,223 operations still validates."""
    name = "github.api.github.com.json.gz"
    _, result, want = merged(name)
    data = json.loads(result)
    assert data == want
    operations = [
        op for item in data["paths"].values() for m, op in item.items() if m != "parameters"
    ]
    assert sum("561" in op["responses"] for op in operations) == 1223
    validate(data)

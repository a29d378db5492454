"""--overlay: the change as an Overlay 1.0 document, applied by an independent implementation."""

from __future__ import annotations

import copy
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import DATA, SPECS
from jsonschema import Draft202012Validator
from oas_patch.overlay import apply_overlay

from specgen.catalog.load import embedded_catalog_path, load
from specgen.catalog.rules import parse_rule
from specgen.cli import cli
from specgen.splice.io import attachments, catalog_fragment, spec_version
from specgen.splice.overlay import jsonpath, overlay
from specgen.splice.plan import plan_merge

LOADED = load(embedded_catalog_path())
OVERLAY_SCHEMA = yaml.safe_load(
    files("oas_patch.schema").joinpath("overlay_schema_1.0.0.yml").read_text(encoding="utf-8")
)


def parse(text: str) -> Any:
    return yaml.load(text, Loader=yaml.CSafeLoader)


@pytest.mark.parametrize(
    ("spec", "rule", "on_conflict"),
    [
        (SPECS / "petstore.openapi.yaml", "secured", "error"),
        (DATA / "merge" / "commented.yaml", "all", "error"),
        (DATA / "merge" / "compact.json", "method:get", "error"),
        (DATA / "merge" / "tabbed.json", "all", "replace"),
    ],
)
def test_overlay_applied_by_oas_patch_equals_the_direct_merge(
    spec: Path, rule: str, on_conflict: Any
) -> None:
    text = spec.read_text(encoding="utf-8")
    if on_conflict == "replace":  # make both a component and a response conflict
        text = text.replace('"Widget"', '"AccessDenied"').replace(
            '"responses": {}', '"responses": {"561": {"description": "theirs"}}'
        )
    fragment = catalog_fragment(LOADED, spec_version(text.encode(), spec.name))
    plan = plan_merge(text, [fragment], attachments([fragment], [parse_rule(rule)]), on_conflict)
    document = overlay(plan)
    Draft202012Validator(OVERLAY_SCHEMA).validate(document)
    applied = apply_overlay(copy.deepcopy(parse(text)), copy.deepcopy(document))
    assert applied == parse(plan.result())


def test_jsonpath_brackets_names_that_need_them() -> None:
    assert jsonpath(("paths", "/a/{id}", "get", "responses")) == "$.paths['/a/{id}'].get.responses"
    assert jsonpath(()) == "$"
    assert jsonpath(("components", "schemas", "it's")) == '$.components.schemas["it\'s"]'


def test_cli_writes_the_overlay_instead_of_the_document(tmp_path: Path) -> None:
    spec = tmp_path / "petstore.yaml"
    spec.write_bytes((SPECS / "petstore.openapi.yaml").read_bytes())
    target = tmp_path / "overlay.json"
    result = CliRunner().invoke(cli, ["merge", str(spec), "--overlay", str(target)])
    assert result.exit_code == 0, result.output
    assert spec.read_bytes() == (SPECS / "petstore.openapi.yaml").read_bytes()
    document = json.loads(target.read_text())
    assert document["overlay"] == "1.0.0"
    targets = [action["target"] for action in document["actions"]]
    assert "$.paths['/pet'].put.responses" in targets

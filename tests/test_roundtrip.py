"""Property tests: generated catalogs are valid, and survive YAML and JSON unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from strategies import catalog_dicts, catalogs

from specgen import load_catalog
from specgen.catalog import check
from specgen.catalog.models import Catalog
from specgen.catalog.values import unrenderable
from specgen.text.render import dump_json, dump_yaml

# Example counts come from the profile in conftest ("ci", or `--hypothesis-profile=deep`);
# tmp_path is shared by the examples of one test, and each example overwrites its files.
SHARED_TMP = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def load_text(folder: Path, name: str, text: str) -> Catalog:
    target = folder / name
    target.write_text(text, "utf-8")
    return load_catalog(target)


@given(catalogs())
def test_generated_catalogs_have_no_errors(catalog: Catalog) -> None:
    assert check.errors(catalog) == []


@SHARED_TMP
@given(catalog_dicts())
def test_catalog_round_trips_through_yaml_unchanged(tmp_path: Path, data: dict[str, Any]) -> None:
    catalog = Catalog.model_validate(data)
    assert load_text(tmp_path, "a.yaml", dump_yaml(data)) == catalog
    plain = yaml.safe_dump(data, allow_unicode=False, sort_keys=True)
    assert load_text(tmp_path, "b.yml", plain) == catalog


@SHARED_TMP
@given(catalog_dicts())
def test_catalog_round_trips_through_json_unchanged(tmp_path: Path, data: dict[str, Any]) -> None:
    catalog = Catalog.model_validate(data)
    assert load_text(tmp_path, "a.json", dump_json(data)) == catalog
    assert load_text(tmp_path, "b.json", json.dumps(data)) == catalog


@given(catalog_dicts())
def test_generated_catalogs_hold_only_values_every_output_can_carry(data: dict[str, Any]) -> None:
    """No control character, line separator, lone surrogate or non-finite number is generated
    where specgen refuses it, so every generated catalog loads."""
    assert unrenderable(data) == []

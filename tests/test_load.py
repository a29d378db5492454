"""Loading catalogs from YAML, JSON and Python, with every problem of a file reported at once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import DATA

from specgen import load_catalog
from specgen.catalog.load import embedded_catalog_path, find_catalog, load
from specgen.catalog.models import Catalog, ModelRef
from specgen.catalog.schemas import resolve
from specgen.errors import LoadError

VALID = DATA / "valid"


def problems(path: str | Path) -> list[str]:
    with pytest.raises(LoadError) as error:
        load(path)
    return [str(problem) for problem in error.value.problems]


def write(folder: Path, name: str, text: str) -> Path:
    target = folder / name
    target.write_text(text, "utf-8")
    return target


def test_the_embedded_catalog_is_the_seed_561_with_four_examples_and_three_problem_types(
    embedded: Catalog,
) -> None:
    status = embedded.codes[561]
    assert (status.reason, status.equivalent) == ("Unauthorized", 401)
    assert [example.id for example in status.examples] == [
        "api-request-without-token",
        "invalid-credentials",
        "expired-token",
        "identity-provider-error",
    ]
    assert set(status.content) == {"application/json", "application/problem+json", "text/plain"}
    assert list(status.problems) == ["token-missing", "token-expired", "identity-provider-error"]
    assert "WWW-Authenticate" in status.headers


def test_the_embedded_catalog_ships_inside_the_package() -> None:
    path = embedded_catalog_path()
    assert path.is_file()
    assert path.parent.name == "data" and path.parent.parent.name == "catalog"
    assert path.parent.parent.parent.name == "specgen"


def test_without_an_argument_specgen_yaml_here_wins_over_the_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_catalog(None).embedded
    write(tmp_path, "specgen.yaml", (VALID / "minimal.json").read_text("utf-8"))
    source = find_catalog(None)
    assert (source.name, source.embedded) == ("specgen.yaml", False)
    assert list(load_catalog().codes) == [503]


def test_json_and_yaml_give_the_same_catalog(tmp_path: Path) -> None:
    from_json = load_catalog(VALID / "minimal.json")
    yaml_text = (
        "specgen: 1\ninfo: {title: Minimal, version: '1'}\n"
        "codes:\n  503: {reason: Service Unavailable, summary: Try again later.}\n"
    )
    assert load_catalog(write(tmp_path, "c.yaml", yaml_text)) == from_json


def test_a_pydantic_model_schema_is_used_for_validation() -> None:
    catalog = load_catalog(VALID / "with_model.yaml")
    assert catalog.schemas["Problem"] == ModelRef(model="error_models:Problem")
    schema = resolve(catalog)["Problem"]
    assert schema["required"] == ["title", "status"]


def test_a_body_that_breaks_the_model_schema_is_refused(tmp_path: Path) -> None:
    text = (VALID / "with_model.yaml").read_text("utf-8").replace("status: 429}}", "status: 999}}")
    target = write(tmp_path, "c.yaml", text)
    (tmp_path / "error_models.py").write_text((VALID / "error_models.py").read_text("utf-8"))
    sys.modules.pop("error_models", None)  # imported from tests/data/valid by an earlier test
    try:
        found = problems(target)
    finally:
        sys.modules.pop("error_models", None)
    assert found == [
        f"{target}:25:54: example 'Wrapped': body does not match the application/json schema:"
        " 999 is greater than the maximum of 599 (at /problem/status)"
    ]


def test_model_references_that_do_not_name_a_model_are_located(tmp_path: Path) -> None:
    text = (
        "specgen: 1\ninfo: {title: T, version: '1'}\nschemas:\n"
        "  A: {model: 'error_models:NOT_A_MODEL'}\n"
        "  B: {model: 'error_models:Missing'}\n"
        "  C: {model: 'no_such_module_xyz:Model'}\n"
    )
    (tmp_path / "error_models.py").write_text((VALID / "error_models.py").read_text("utf-8"))
    sys.modules.pop("error_models", None)
    try:
        found = problems(write(tmp_path, "c.yaml", text))
    finally:
        sys.modules.pop("error_models", None)
    assert [line.split(": ", 1)[1] for line in found] == [
        "'error_models:NOT_A_MODEL' is not a Pydantic model class",
        "'error_models' has no attribute 'Missing'",
        "cannot import 'no_such_module_xyz' for model 'no_such_module_xyz:Model':"
        " ModuleNotFoundError: No module named 'no_such_module_xyz'",
    ]
    assert [line.split(": ", 1)[0].rsplit(":", 2)[1:] for line in found] == [
        ["4", "7"], ["5", "7"], ["6", "7"]
    ]


@pytest.mark.parametrize(
    ("module", "message"),
    [
        ("raise RuntimeError('boom')\n", "cannot import 'odd_models' for model 'odd_models:X':"
         " RuntimeError: boom"),
        ("syntax error here\n", "cannot import 'odd_models' for model 'odd_models:X':"
         " SyntaxError: invalid syntax (odd_models.py, line 1)"),
        ("from collections.abc import Callable\nfrom pydantic import BaseModel\n"
         "class X(BaseModel):\n    f: Callable[[], int]\n",
         "cannot make a JSON Schema from 'odd_models:X': PydanticInvalidForJsonSchema:"
         " Cannot generate a JsonSchema for core_schema.CallableSchema"),
    ],
)
def test_a_model_module_that_fails_is_reported_not_raised(
    tmp_path: Path, module: str, message: str
) -> None:
    (tmp_path / "odd_models.py").write_text(module, "utf-8")
    text = "specgen: 1\ninfo: {title: T, version: '1'}\nschemas:\n  A: {model: 'odd_models:X'}\n"
    sys.modules.pop("odd_models", None)
    try:
        found = problems(write(tmp_path, "c.yaml", text))
    finally:
        sys.modules.pop("odd_models", None)
    assert found == [f"{tmp_path / 'c.yaml'}:4:7: {message}"]


def test_the_catalog_folder_leaves_sys_path_as_it_was() -> None:
    before = list(sys.path)
    load(VALID / "with_model.yaml")
    assert sys.path == before


def test_every_problem_of_a_file_is_reported_together_in_reading_order(tmp_path: Path) -> None:
    text = """\
specgen: 1
info: {title: T, version: "1"}
codes:
  561:
    reason: "Bad\\r\\nreason"
    summary: ok
    equivalent: 5xx
  700:
    reason: Fine
    summary: ok
  404:
    reason: Not Found
    sumary: typo
"""
    target = write(tmp_path, "c.yaml", text)
    assert problems(target) == [
        f"{target}:5:5: codes.561.reason: reason phrase 'Bad\\r\\nreason' contains CR or LF,"
        " which would break the status line",
        f"{target}:7:5: codes.561.equivalent: status code '5xx' must be a three-digit integer",
        f"{target}:8:3: status code 700 is outside 100-599 (RFC 9110 §15)",
        f"{target}:11:3: missing required key 'summary'",
        f"{target}:13:5: unknown key 'sumary' (did you mean 'summary'?)",
    ]


def test_semantic_errors_are_all_reported_with_positions(tmp_path: Path) -> None:
    text = """\
specgen: 1
info: {title: T, version: "1"}
schemas:
  A: {type: object, required: [error], properties: {error: {type: string}}}
codes:
  561:
    reason: Unauthorized
    summary: s
    equivalent: 599
    content:
      application/json: {schema: B}
  562:
    reason: Other
    summary: s
    content:
      application/json: {schema: A}
    examples:
      - title: Wrong
        response: {content_type: application/json, body: {error: 1}}
"""
    target = write(tmp_path, "c.yaml", text)
    assert problems(target) == [
        f"{target}:9:5: equivalent 599 is not a registered status code",
        f"{target}:11:26: schema 'B' is not defined (known: A)",
        f"{target}:19:59: example 'Wrong': body does not match the application/json schema:"
        " 1 is not of type 'string' (at /error)",
    ]


def test_format_version_is_checked_before_anything_else(tmp_path: Path) -> None:
    target = write(tmp_path, "c.yaml", "specgen: 2\ncodes: 5\n")
    assert problems(target) == [
        f"{target}:1:1: unknown catalog format version 'specgen: 2';"
        " this specgen reads version 1 only"
    ]


@pytest.mark.parametrize("version", ["'1'", "1.0", "true", "2", "null"])
def test_format_versions_other_than_the_integer_1_are_refused_by_name(
    tmp_path: Path, version: str
) -> None:
    (found,) = problems(write(tmp_path, "c.yaml", f"specgen: {version}\ninfo: {{}}\n"))
    assert "unknown catalog format version 'specgen: " in found


def test_a_python_attribute_holding_a_catalog_is_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(VALID)
    assert load_catalog("catalog_module:CATALOG").info.title == "From Python"
    assert load_catalog("catalog_module:AS_DATA").info.title == "Data"


def test_a_python_attribute_that_is_not_a_catalog_is_located_by_pointer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(VALID)
    assert problems("catalog_module:BROKEN") == [
        "catalog_module:BROKEN#/codes/5xx: status code '5xx' must be a three-digit integer",
        "catalog_module:BROKEN#/codes/5xx/reason: missing required key 'reason'",
        "catalog_module:BROKEN#/codes/5xx/summary: missing required key 'summary'",
        "catalog_module:BROKEN#/info/version: missing required key 'version'",
    ]
    assert problems("catalog_module:NOPE") == [
        "catalog_module:NOPE: 'catalog_module' has no attribute 'NOPE'"
    ]
    assert problems("no_such_module_xyz:CATALOG")[0].startswith(
        "no_such_module_xyz:CATALOG: cannot import 'no_such_module_xyz'"
    )


def test_a_file_named_like_a_python_reference_is_read_as_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a:b", (VALID / "minimal.json").read_text("utf-8"))
    assert list(load_catalog("a:b").codes) == [503]

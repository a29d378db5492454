"""A catalog's `oas` names the OpenAPI versions the API publishes: check and build hold its
schemas only to those, build writes only their fragments, and `openapi --oas` and `merge`
refuse a version it does not name (exit 2, located, nothing written)."""

from __future__ import annotations

import json
import tempfile
from contextlib import chdir
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import event, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from strategies import hostile_catalog_dicts

import specgen
from specgen.catalog.models import Catalog
from specgen.cli import cli
from specgen.errors import MergeError, RenderError
from specgen.openapi.fragment import openapi_plan, response_snippet

# What OpenAPI 3.0 has no form for: a tuple under `oneOf`, and `if`/`then`.
ONLY_31 = """specgen: 1
info: {title: Pets API, version: "1.0"}
OAS
schemas:
  Error:
    type: object
    properties:
      code: {type: string}
      range:
        oneOf:
          - {type: array, prefixItems: [{type: integer}, {type: integer}], items: false}
          - {type: "null"}
    required: [code]
    if: {properties: {code: {const: out-of-range}}}
    then: {required: [range]}
codes:
  400:
    reason: Bad Request
    summary: The request is out of range.
    content:
      application/json: {schema: Error}
    examples:
      - title: Out of range
        response: {body: {code: out-of-range, range: [1, 9]}}
"""

SPEC_30 = """openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      responses:
        "200": {description: The pets.}
"""

HINT = '; if the API publishes only OpenAPI 3.1, say `oas: ["3.1"]` in the catalog'


def catalog(folder: Path, oas: str | None = '["3.1"]') -> Path:
    path = folder / "specgen.yaml"
    path.write_text(ONLY_31.replace("OAS\n", "" if oas is None else f"oas: {oas}\n"), "utf-8")
    return path


def run(folder: Path, *args: str) -> tuple[int, str, str]:
    with chdir(folder):
        result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.stderr, result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_a_catalog_targeting_31_uses_31_only_schemas_in_check_and_build(tmp_path: Path) -> None:
    """prefixItems under oneOf and if/then pass check and build; only 3.1 fragments are written,
    and they are valid OpenAPI 3.1."""
    catalog(tmp_path)
    status, _, stderr = run(tmp_path, "check", "--strict")
    assert status == 0, stderr
    status, _, stderr = run(tmp_path, "build", "-o", "out")
    assert status == 0, stderr
    fragments = tmp_path / "out" / "openapi"
    assert sorted(path.name for path in fragments.iterdir()) == [
        "fragment-3.1.json", "fragment-3.1.yaml"]
    document = json.loads((fragments / "fragment-3.1.json").read_text("utf-8"))
    assert yaml.safe_load((fragments / "fragment-3.1.yaml").read_text("utf-8")) == document
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["components"]["schemas"]["Error"]["if"] == {
        "properties": {"code": {"const": "out-of-range"}}}


def test_the_same_catalog_targeting_both_is_refused_with_the_hint(tmp_path: Path) -> None:
    """Without `oas` (both versions), check and build refuse what 3.0 cannot express, each
    message ending with how to target only 3.1; build writes nothing."""
    catalog(tmp_path, None)
    status, _, checked = run(tmp_path, "check")
    assert status == 2
    lines = checked.splitlines()
    assert len(lines) == 3, checked
    assert all(line.startswith("specgen.yaml:") and line.endswith(HINT) for line in lines)
    assert "'if' keyword" in checked and "'then' keyword" in checked and "tuples" in checked
    status, _, built = run(tmp_path, "build", "-o", "out")
    assert status == 2
    assert built == checked
    assert not (tmp_path / "out").exists()


def test_a_catalog_targeting_only_30_gets_no_hint_and_only_30_fragments(tmp_path: Path) -> None:
    """`oas: ["3.0"]`: a 3.0 refusal says nothing of 3.1-only catalogs; a catalog 3.0 can
    express builds the 3.0 fragments alone, and `specgen openapi` defaults to 3.0."""
    catalog(tmp_path, '["3.0"]')
    status, _, stderr = run(tmp_path, "check")
    assert status == 2
    assert stderr and HINT not in stderr
    (tmp_path / "specgen.yaml").write_text(
        "specgen: 1\ninfo: {title: t, version: '1'}\noas: ['3.0']\ncodes:\n"
        "  404: {reason: Not Found, summary: There is nothing here.}\n", "utf-8")
    status, _, stderr = run(tmp_path, "build", "-o", "out")
    assert status == 0, stderr
    assert sorted(path.name for path in (tmp_path / "out" / "openapi").iterdir()) == [
        "fragment-3.0.json", "fragment-3.0.yaml"]
    status, stdout, stderr = run(tmp_path, "openapi")
    assert status == 0, stderr
    assert yaml.safe_load(stdout)["openapi"] == "3.0.3"
    assert specgen.render_openapi(tmp_path / "specgen.yaml")["openapi"] == "3.0.3"
    status, _, stderr = run(tmp_path, "openapi", "--oas", "3.1")
    assert status == 2
    assert "not OpenAPI 3.1" in stderr


def refused_merge(folder: Path, *args: str) -> str:
    """stderr of `merge openapi.yaml --in-place ARGS` in the folder, which must be refused
    (exit 2) with nothing written."""
    spec = folder / "openapi.yaml"
    before = spec.read_bytes()
    status, stdout, stderr = run(folder, "merge", "openapi.yaml", "--in-place", *args)
    assert (status, stdout) == (2, "")
    assert spec.read_bytes() == before
    return stderr


def test_openapi_oas_30_of_a_31_catalog_exits_2_with_a_located_message(tmp_path: Path) -> None:
    """`specgen openapi --oas 3.0` and `render_openapi(oas="3.0")` name the catalog's `oas`."""
    path = catalog(tmp_path)
    message = ('specgen.yaml:3:1: the catalog targets only OpenAPI 3.1 (oas: ["3.1"]), and its'
               " schemas use what OpenAPI 3.0 cannot express: it cannot render OpenAPI 3.0\n")
    status, stdout, stderr = run(tmp_path, "openapi", "--oas", "3.0")
    assert (status, stdout, stderr) == (2, "", message)
    status, stdout, _ = run(tmp_path, "openapi")  # the default, 3.1, is targeted
    assert status == 0
    assert yaml.safe_load(stdout)["openapi"] == "3.1.0"
    with pytest.raises(RenderError) as caught:
        specgen.render_openapi(path, oas="3.0")
    assert str(caught.value.problems[0]).endswith(message.split(": ", 1)[1].rstrip("\n"))
    # Schemas 3.0 can express: the remedy is to target it.
    path.write_text("specgen: 1\ninfo: {title: t, version: '1'}\noas: ['3.1']\ncodes:\n"
                    "  404: {reason: Not Found, summary: There is nothing here.}\n", "utf-8")
    assert run(tmp_path, "openapi", "--oas", "3.0")[2] == (
        'specgen.yaml:3:1: the catalog targets only OpenAPI 3.1 (oas: ["3.1"]), not OpenAPI'
        ' 3.0; add "3.0" to its `oas` to render OpenAPI 3.0\n')


def test_merge_into_a_30_document_of_a_31_catalog_is_refused(tmp_path: Path) -> None:
    """merge names the document's version and the catalog's `oas`, and writes nothing."""
    path = catalog(tmp_path)
    spec = tmp_path / "openapi.yaml"
    spec.write_text(SPEC_30, "utf-8")
    assert refused_merge(tmp_path) == (
        'specgen.yaml:3:1: openapi.yaml is OpenAPI 3.0: the catalog targets only OpenAPI 3.1'
        ' (oas: ["3.1"]), and its schemas use what OpenAPI 3.0 cannot express: it cannot merge'
        " into documents of OpenAPI 3.0\n")
    with pytest.raises(MergeError, match=r"is OpenAPI 3\.0: the catalog targets only"):
        specgen.merge(SPEC_30, catalog=path)
    merged = specgen.merge(SPEC_30.replace("3.0.3", "3.1.0"), catalog=path)
    assert "BadRequest400" in merged


def test_merge_into_a_31_document_of_a_30_catalog_is_refused(tmp_path: Path) -> None:
    """The other way round: a catalog that targets only 3.0 merges into no 3.1 document."""
    path = tmp_path / "specgen.yaml"
    path.write_text("specgen: 1\ninfo: {title: t, version: '1'}\noas: ['3.0']\ncodes:\n"
                    "  404: {reason: Not Found, summary: There is nothing here.}\n", "utf-8")
    with pytest.raises(MergeError) as caught:
        specgen.merge(SPEC_30.replace("3.0.3", "3.1.0"), catalog=path)
    assert str(caught.value.problems[0]).endswith(
        'is OpenAPI 3.1: the catalog targets only OpenAPI 3.0 (oas: ["3.0"]), not OpenAPI 3.1;'
        ' add "3.1" to its `oas` to merge into documents of OpenAPI 3.1')
    assert "NotFound404" in specgen.merge(SPEC_30, catalog=path)


def test_a_fragment_of_another_version_is_refused_as_the_catalog_is(tmp_path: Path) -> None:
    """`--fragment F` is held to the document's version as the catalog's fragment is: a
    fragment saying `openapi: 3.1.0` merges into no 3.0 document (located at its `openapi`,
    exit 2, nothing written); one of the document's version, or saying none, merges."""
    path = tmp_path / "specgen.yaml"
    path.write_text("specgen: 1\ninfo: {title: t, version: '1'}\ncodes:\n"
                    "  404: {reason: Not Found, summary: There is nothing here.}\n", "utf-8")
    spec = tmp_path / "openapi.yaml"
    spec.write_text(SPEC_30, "utf-8")
    fragment = tmp_path / "fragment.yaml"
    body = "components:\n  schemas:\n    Name: {type: [string, 'null']}\n"
    fragment.write_text("openapi: 3.1.0\n" + body, "utf-8")
    assert refused_merge(tmp_path, "--fragment", "fragment.yaml") == (
        "fragment.yaml:1:1: openapi.yaml is OpenAPI 3.0: the fragment targets only OpenAPI"
        " 3.1.0 (its `openapi`), not OpenAPI 3.0; give a fragment of OpenAPI 3.0 to merge into"
        " documents of OpenAPI 3.0\n")
    with pytest.raises(MergeError, match=r"is OpenAPI 3\.0: the fragment targets only"):
        specgen.merge(SPEC_30, catalog=path, fragments=[fragment])
    assert "Name" in specgen.merge(SPEC_30.replace("3.0.3", "3.1.0"), catalog=path,
                                   fragments=[fragment])
    fragment.write_text("openapi: 3.0.3\n" + body.replace("[string, 'null']", "string"), "utf-8")
    assert "Name" in specgen.merge(SPEC_30, catalog=path, fragments=[fragment])
    fragment.write_text(body.replace("[string, 'null']", "string"), "utf-8")
    assert "Name" in specgen.merge(SPEC_30, catalog=path, fragments=[fragment])


def test_switching_to_31_only_removes_the_30_fragments_and_says_so(tmp_path: Path) -> None:
    """A build after `oas: ["3.1"]` takes back the 3.0 fragments an earlier build wrote, and
    names them; `build --check` then finds the folder up to date."""
    path = catalog(tmp_path, None)
    path.write_text(path.read_text("utf-8").replace("    if:", "    x-if:")
                    .replace("    then:", "    x-then:").replace("oneOf", "anyOf"), "utf-8")
    status, _, stderr = run(tmp_path, "build", "-o", "out")
    assert status == 0, stderr
    fragments = tmp_path / "out" / "openapi"
    assert len(list(fragments.iterdir())) == 4
    path.write_text("oas: ['3.1']\n" + path.read_text("utf-8"), "utf-8")
    status, _, stderr = run(tmp_path, "build", "-o", "out")
    assert status == 0, stderr
    for fmt in ("json", "yaml"):
        assert (f"out/openapi/fragment-3.0.{fmt}: removed (the catalog does not produce it)"
                in stderr)
    assert sorted(p.name for p in fragments.iterdir()) == ["fragment-3.1.json",
                                                           "fragment-3.1.yaml"]
    status, _, stderr = run(tmp_path, "build", "-o", "out", "--check")
    assert status == 0, stderr


def test_the_catalog_schema_describes_oas() -> None:
    """Editors and the catalog reference see `oas`: its versions, its default, its meaning."""
    field = specgen.catalog_schema()["properties"]["oas"]
    assert field["default"] == ["3.0", "3.1"]
    assert field["items"]["enum"] == ["3.0", "3.1"]
    assert "OpenAPI versions the API publishes" in field["description"]


def test_a_catalog_without_oas_keeps_its_outputs(embedded: Catalog) -> None:
    """The default targets both versions: the embedded catalog renders 3.0 and 3.1 as before."""
    assert embedded.oas == ["3.0", "3.1"]
    assert specgen.render_openapi(embedded)["openapi"] == "3.1.0"
    assert specgen.render_openapi(embedded, oas="3.0")["openapi"] == "3.0.3"
    assert sorted(openapi_plan(embedded)) == [
        "fragment-3.0.json", "fragment-3.0.yaml", "fragment-3.1.json", "fragment-3.1.yaml"]


@pytest.mark.parametrize(("oas", "nullable"), [("['3.0', '3.1']", False), ("['3.1']", False),
                                               ("['3.0']", True)])
def test_a_page_shows_the_response_in_31_unless_the_catalog_targets_only_30(
    tmp_path: Path, oas: str, nullable: bool
) -> None:
    """The pages' OpenAPI snippet follows `oas`: 3.0's `nullable` only for a 3.0-only catalog."""
    path = tmp_path / "specgen.yaml"
    path.write_text(
        f"specgen: 1\ninfo: {{title: t, version: '1'}}\noas: {oas}\ncodes:\n  404:\n"
        "    reason: Not Found\n    summary: There is nothing here.\n    content:\n"
        "      application/json: {schema: {type: [string, 'null']}}\n", "utf-8")
    snippet = response_snippet(specgen.load_catalog(path), 404)
    assert ("nullable: true" in snippet) is nullable


@settings(max_examples=max(30, settings.default.max_examples // 2))
@given(hostile_catalog_dicts(), st.sampled_from([["3.0"], ["3.1"], ["3.1", "3.0"]]))
def test_check_then_build_holds_for_each_oas(data: dict[str, Any], oas: list[str]) -> None:
    """Whatever `check` accepts for the versions a catalog targets, `build` writes: exactly the
    fragments of those versions, YAML and JSON saying the same."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "catalog.json").write_text(json.dumps({**data, "oas": oas}), "utf-8")
        status, _, stderr = run(folder, "check", "catalog.json")
        event("check accepts" if status == 0 else "check refuses")
        if status != 0:
            assert status == 2, stderr
            return
        status, _, stderr = run(folder, "build", "catalog.json", "-o", "out")
        assert status == 0, stderr
        fragments = folder / "out" / "openapi"
        assert sorted(path.name for path in fragments.iterdir()) == sorted(
            f"fragment-{version}.{fmt}" for version in oas for fmt in ("json", "yaml"))
        for version in oas:
            fragment = fragments / f"fragment-{version}"
            assert yaml.safe_load(Path(f"{fragment}.yaml").read_text("utf-8")) == json.loads(
                Path(f"{fragment}.json").read_text("utf-8"))

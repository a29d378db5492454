"""Re-merging after a catalog edit: what specgen wrote is updated, the team's own stays a conflict,
and `specgen merge` says on stderr what it did."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from openapi_spec_validator import validate

from specgen import merge, merge_summary
from specgen.cli import cli
from specgen.errors import MergeError

CATALOG = """\
specgen: 1
info: {title: Re-merge, version: "1"}
schemas:
  Error:
    type: object
    properties:
      error: {type: string}
codes:
  429:
    reason: Too Many Requests
    summary: Too many requests.
    attach: [all]
    headers:
      Retry-After:
        schema: {type: integer}
        example: "30"
    content:
      application/json:
        schema: Error
  503:
    reason: Service Unavailable
    summary: Unavailable.
    attach: ["method:get"]
    content:
      application/json:
        schema: Error
"""

GONE = """\
  410:
    reason: Gone
    summary: Removed for good.
    attach: ["method:delete"]
"""

SPEC_YAML = """\
# The team's document: its own 404 response is hand-written.
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      responses:
        "200": {description: OK}
        "404":
          $ref: "#/components/responses/NotFound"
    delete:
      responses:
        "204": {description: Deleted}
components:
  responses:
    NotFound:
      description: No such pet.   # written by the team
"""

EDITS: dict[str, Callable[[str], str]] = {
    "description": lambda text: text.replace("Too many requests.", "Slow down, please."),
    "schema field": lambda text: text.replace(
        "      error: {type: string}", "      error: {type: string}\n      code: {type: integer}"),
    "header": lambda text: text.replace('example: "30"', 'example: "60"'),
    "added code": lambda text: text + GONE,
    "attach rule": lambda text: text.replace('attach: ["method:get"]', "attach: [all]"),
}


def spec_json() -> str:
    return json.dumps(yaml.safe_load(SPEC_YAML), indent=2) + "\n"


def write_catalog(folder: Path, text: str) -> Path:
    path = folder / "specgen.yaml"
    path.write_text(text)
    return path


def parsed(text: str) -> Any:
    return yaml.safe_load(text)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_catalog_edit_re_merges_without_replace(tmp_path: Path, fmt: str, edit: str) -> None:
    """The re-merge after an edit reads exactly as a fresh merge of the edited catalog into the
    original document, needs no --on-conflict, and leaves the team's response as written."""
    original = SPEC_YAML if fmt == "yaml" else spec_json()
    first = merge(original, write_catalog(tmp_path, CATALOG))
    edited = write_catalog(tmp_path, EDITS[edit](CATALOG))
    again = merge(first, edited)  # on_conflict="error": a conflict would raise
    assert again != first
    assert parsed(again) == parsed(merge(original, edited))
    validate(parsed(again))
    team = ("    NotFound:\n      description: No such pet.   # written by the team\n"
            if fmt == "yaml" else '"NotFound": {\n        "description": "No such pet."\n      }')
    assert team in again
    assert merge(again, edited) == again  # and once more changes nothing


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_removed_code_is_reported_and_left_in_place(tmp_path: Path, fmt: str) -> None:
    """A code gone from the catalog: its response (and the operations' references to it) stay,
    the summary names it; everything else reads as a fresh merge."""
    original = SPEC_YAML if fmt == "yaml" else spec_json()
    first = merge(original, write_catalog(tmp_path, CATALOG + GONE))
    catalog = write_catalog(tmp_path, CATALOG.replace("Too many requests.", "Slow down."))
    spec = tmp_path / f"openapi.{fmt}"
    spec.write_text(first)
    result = CliRunner().invoke(cli, ["merge", str(spec), "--catalog", str(catalog),
                                      "--in-place"])
    assert result.exit_code == 0, result.output
    assert (f"{spec}: no longer in the catalog, left in place (remove by hand if unused):"
            " responses 1 (Gone410)") in result.output
    again = parsed(spec.read_text())
    assert again["components"]["responses"]["Gone410"]["x-specgen"]["code"] == 410
    assert again["paths"]["/pets"]["delete"]["responses"]["410"] == {
        "$ref": "#/components/responses/Gone410"}
    del again["components"]["responses"]["Gone410"]
    del again["paths"]["/pets"]["delete"]["responses"]["410"]
    assert again == parsed(merge(original, catalog))


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_teams_response_of_the_same_name_is_still_a_conflict(tmp_path: Path,
                                                                   fmt: str) -> None:
    """A response named like the catalog's that specgen did not write (no `x-specgen`) is
    never updated: the merge refuses, naming it."""
    data = yaml.safe_load(SPEC_YAML)
    data["components"]["responses"]["TooManyRequests429"] = {"description": "Ours."}
    original = yaml.safe_dump(data) if fmt == "yaml" else json.dumps(data, indent=2)
    with pytest.raises(MergeError, match="components/responses/TooManyRequests429 already"):
        merge(original, write_catalog(tmp_path, CATALOG))


def test_the_teams_schema_kept_once_stays_the_teams(tmp_path: Path) -> None:
    """A schema of the same name kept under --on-conflict keep carries no mark: a later
    re-merge that changes the catalog's version still reports a conflict instead of
    rewriting the team's schema."""
    data = yaml.safe_load(SPEC_YAML)
    data["components"]["schemas"] = {"Error": {"type": "string"}}
    original = yaml.safe_dump(data, sort_keys=False)
    first = merge(original, write_catalog(tmp_path, CATALOG), on_conflict="keep")
    assert parsed(first)["components"]["schemas"]["Error"] == {"type": "string"}
    edited = write_catalog(tmp_path, EDITS["schema field"](CATALOG))
    with pytest.raises(MergeError, match="components/schemas/Error already exists"):
        merge(first, edited)


def test_an_identical_team_component_is_shared_unmarked(tmp_path: Path) -> None:
    """The team's schema identical to the catalog's is shared, not marked: still the team's."""
    data = yaml.safe_load(SPEC_YAML)
    data["components"]["schemas"] = {"Error": {"type": "object",
                                               "properties": {"error": {"type": "string"}}}}
    original = yaml.safe_dump(data, sort_keys=False)
    first = merge(original, write_catalog(tmp_path, CATALOG))
    assert "x-specgen" not in parsed(first)["components"]["schemas"]["Error"]
    with pytest.raises(MergeError, match="components/schemas/Error already exists"):
        merge(first, write_catalog(tmp_path, EDITS["schema field"](CATALOG)))


def test_merge_summarises_what_it_did_on_stderr(tmp_path: Path) -> None:
    """Components added by section, where each code went, and why a code went nowhere; under
    --check the same, said of what a merge would do; stdout keeps only the document."""
    spec = tmp_path / "openapi.yaml"
    spec.write_text(SPEC_YAML)
    catalog = write_catalog(tmp_path, CATALOG + GONE.replace("method:delete", "tag:none")
                            + "  418:\n    reason: I'm a teapot\n    summary: Tea.\n")
    runner = CliRunner()
    checked = runner.invoke(cli, ["merge", str(spec), "--catalog", str(catalog), "--check"])
    assert checked.exit_code == 1
    assert checked.stderr.splitlines() == [
        f"{spec}: would add: responses 4 (Gone410, IMATeapot418, TooManyRequests429,"
        " ServiceUnavailable503), schemas 1 (Error), headers 1 (Retry-After)",
        f"{spec}: 429 on 2 operations (all to add): GET /pets, DELETE /pets",
        f"{spec}: 503 on 1 operation (all to add): GET /pets",
        f"{spec}: 410 not attached: rules matched no operation",
        f"{spec}: 418 not attached: no attach rules",
        f"{spec}: not up to date; `specgen merge` would change it",
    ]
    merged = runner.invoke(cli, ["merge", str(spec), "--catalog", str(catalog)])
    assert merged.exit_code == 0
    assert merged.stdout.startswith("# The team's document")
    assert f"{spec}: added: responses 4" in merged.stderr
    assert f"{spec}: 429 on 2 operations (all new): GET /pets, DELETE /pets" in merged.stderr


def test_summary_after_a_re_merge_names_the_updates(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(merge(SPEC_YAML, write_catalog(tmp_path, CATALOG)))
    catalog = write_catalog(tmp_path, EDITS["description"](CATALOG))
    result = CliRunner().invoke(cli, ["merge", str(spec), "--catalog", str(catalog),
                                      "--in-place"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"{spec}: updated (written by an earlier merge): responses 1 (TooManyRequests429)",
        f"{spec}: 429 on 2 operations (all there already): GET /pets, DELETE /pets",
        f"{spec}: 503 on 1 operation (all there already): GET /pets",
    ]


def test_a_renamed_response_moves_the_operations_references(tmp_path: Path) -> None:
    """A code given a new response name: operations refer to the new component (the old one
    is reported, left in place), with no conflict on the reference specgen wrote."""
    first = merge(SPEC_YAML, write_catalog(tmp_path, CATALOG))
    renamed = write_catalog(tmp_path, CATALOG.replace(
        "    reason: Too Many Requests\n", "    reason: Too Many Requests\n    name: SlowDown\n"))
    again = parsed(merge(first, renamed))
    assert again["paths"]["/pets"]["get"]["responses"]["429"] == {
        "$ref": "#/components/responses/SlowDown"}
    assert "TooManyRequests429" in again["components"]["responses"]


def test_summary_counts_the_operations_whose_own_response_was_replaced(tmp_path: Path) -> None:
    """--on-conflict replace overwrites an operation's own response: the summary counts those
    operations apart from the ones that get the response new (stderr and merge_summary)."""
    spec = tmp_path / "openapi.yaml"
    own = '        "429":\n          description: Our own limit.\n'
    ok = '        "200": {description: OK}\n'
    spec.write_text(SPEC_YAML.replace(ok, ok + own))
    catalog = write_catalog(tmp_path, CATALOG)
    summary = merge_summary(spec.read_text(), catalog, on_conflict="replace")
    assert summary.new == {"429": 1, "503": 1}
    assert summary.replaced_on == {"429": 1, "503": 0}
    runner = CliRunner()
    args = ["merge", str(spec), "--catalog", str(catalog), "--on-conflict", "replace"]
    checked = runner.invoke(cli, [*args, "--check"])
    assert (f"{spec}: 429 on 2 operations (1 to add, 1 to replace under --on-conflict replace):"
            " GET /pets, DELETE /pets") in checked.stderr.splitlines()
    merged = runner.invoke(cli, args)
    assert merged.exit_code == 0, merged.output
    assert parsed(merged.stdout)["paths"]["/pets"]["get"]["responses"]["429"] == {
        "$ref": "#/components/responses/TooManyRequests429"}
    assert merged.stderr.splitlines()[1:3] == [
        f"{spec}: 429 on 2 operations (1 new, 1 replaced under --on-conflict replace):"
        " GET /pets, DELETE /pets",
        f"{spec}: 503 on 1 operation (all new): GET /pets",
    ]

"""A merge conflict names the catalog entry each generated component comes from: the renderer
that names a component records its place, so no component falls back to the catalog's top."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from scale import problem_catalog

from specgen.catalog.load import Loaded, embedded_catalog_path, load
from specgen.cli import cli
from specgen.openapi.fragment import Oas, render_located
from specgen.splice.io import catalog_fragment

# Every kind of component the renderer names, each written once, on a line of its own.
CATALOG = """\
specgen: 1
info: {title: Origins, version: "1"}
problem_base: https://docs.example.com/problems/
headers:
  Trace: {description: The request's trace id., schema: {type: string}}
schemas:
  Tree:
    type: object
    properties:
      root: {$ref: "#/$defs/Node"}
    $defs:
      Node:
        type: object
        properties:
          children: {type: array, items: {$ref: "#/$defs/Node"}}
codes:
  403:
    reason: Forbidden
    summary: Not allowed.
    headers:
      X-Reason: {description: Why it was refused., schema: {type: string}}
      X-Trace: {$ref: "#/headers/Trace"}
      Retry-After: {description: When to retry., schema: {type: integer}}
    content:
      application/json:
        schema:
          type: object
          properties:
            leaf: {$ref: "#/$defs/Leaf"}
          $defs:
            Leaf: {type: string}
      application/problem+json: {}
    examples:
      - title: Denied
        response: {content_type: application/json, body: {leaf: x}}
    problems:
      no-access:
        title: No access
        extensions:
          type: object
          properties:
            scope: {$ref: "#/$defs/Scope"}
          $defs:
            Scope: {type: string}
        examples:
          - title: Missing scope
            response: {body: {scope: admin}}
      bare:
        title: Bare
  429:
    reason: Too Many Requests
    summary: Slow down.
    headers:
      X-Reason: {description: Which limit was reached., schema: {type: string}}
      Retry-After: {description: When to retry., schema: {type: integer}}
"""


def at(text: str, entry: str, after: str = "") -> str:
    """`line:col` of the first line holding `entry` after the first line holding `after`, found
    in the text itself (independent of how specgen locates)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    index = next(i for i in range(start, len(lines)) if entry in lines[i])
    return f"{index + 1}:{lines[index].index(entry) + 1}"


# components/<section>/<name> → (entry, the line it comes after): where its conflict is reported.
EXPECTED = {
    "responses/Forbidden403": ("403:", ""),
    "responses/TooManyRequests429": ("429:", ""),
    "schemas/Tree": ("Tree:", ""),
    "schemas/Node": ("Node:", "Tree:"),  # a named schema's lifted $defs
    "schemas/Leaf": ("Leaf:", ""),  # an inline media type schema's lifted $defs
    "schemas/Scope": ("Scope:", ""),  # a problem type's extensions' lifted $defs
    "schemas/ProblemDetails": ("problems:", "403:"),  # the base the code's problem types need
    "schemas/NoAccessProblem": ("no-access:", ""),
    "schemas/BareProblem": ("bare:", ""),
    "headers/Trace": ("Trace:", ""),  # a shared header
    "headers/Retry-After": ("Retry-After:", "403:"),  # one header, defined alike by both codes
    "headers/Forbidden403.X-Reason": ("X-Reason:", "403:"),  # a code's own header
    "headers/TooManyRequests429.X-Reason": ("X-Reason:", "429:"),
    "examples/Forbidden403.denied": ("title: Denied", ""),
    "examples/Forbidden403.no-access.missing-scope": ("title: Missing scope", ""),
    "examples/Forbidden403.bare": ("bare:", ""),  # made from the type, which has no example
}


def theirs(value: Any) -> Any:
    """A component as a team wrote it: specgen's extension gone, another description."""
    return {**{k: v for k, v in value.items() if k != "x-specgen"}, "description": "Theirs."}


@pytest.mark.parametrize("oas", ["3.0", "3.1"])
def test_each_conflict_names_its_catalog_entry(tmp_path: Path, oas: Oas) -> None:
    """Every generated component, already in the document with other content, is a conflict
    reported at the exact line and column of the catalog entry it comes from."""
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text(CATALOG)
    document, _ = render_located(load(catalog).catalog, oas)
    components = {section: {name: theirs(value) for name, value in items.items()}
                  for section, items in document["components"].items()}
    assert {f"{section}/{name}" for section, items in components.items()
            for name in items} == set(EXPECTED)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"openapi": document["openapi"], "info": document["info"],
                                "paths": {}, "components": components}, indent=2))
    result = CliRunner().invoke(cli, ["merge", str(spec), "--check", "--catalog", str(catalog)])
    assert result.exit_code == 2, result.output
    reported = {}
    for line in result.stderr.splitlines():
        component, _, rest = line.partition(" already exists; ")
        if rest:
            reported[component.rpartition("components/")[2]] = rest.split(" has ")[0]
    assert reported == {component: f"{catalog}:{at(CATALOG, *where)}"
                        for component, where in EXPECTED.items()}


def origins_outside_the_root(loaded: Loaded) -> None:
    """Every component of the catalog's 3.1 fragment comes from an entry of the catalog below
    its root, one the catalog's text has, and the merge locates it there."""
    document, origins = render_located(loaded.catalog, "3.1")
    fragment = catalog_fragment(loaded, "3.1")
    assert loaded.document is not None
    for section, items in document["components"].items():
        for name in items:
            origin = origins[section, name]
            assert origin, (section, name)
            place = loaded.document.place(tuple(str(part) for part in origin))
            assert place is not None, (section, name, origin)
            where = fragment.locate(("components", section, name))
            assert (where.line, where.column) == place, (section, name)


def test_every_component_of_the_embedded_catalog_has_an_origin() -> None:
    origins_outside_the_root(load(embedded_catalog_path()))


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_every_component_of_a_problem_catalog_has_an_origin(tmp_path: Path, suffix: str) -> None:
    """Problem types with extensions and examples under codes with a named problem schema."""
    catalog = tmp_path / f"specgen{suffix}"
    data = problem_catalog(20, 4, 2)
    catalog.write_text(json.dumps(data) if suffix == ".json" else yaml.safe_dump(data))
    origins_outside_the_root(load(catalog))


@pytest.mark.parametrize("changed", ["schemas/Node", "headers/Trace", "schemas/Leaf"])
def test_a_conflict_is_reported_at_the_component_that_differs_only(tmp_path: Path,
                                                                    changed: str) -> None:
    """A component that differs makes those that `$ref` it differ too once references are
    followed; only its own conflict is reported, and `--on-conflict replace` replaces it
    alone, after which the document is up to date."""
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text(CATALOG)
    document, _ = render_located(load(catalog).catalog, "3.1")
    components = {section: {name: {k: v for k, v in value.items() if k != "x-specgen"}
                            for name, value in items.items()}
                  for section, items in document["components"].items()}
    section, name = changed.split("/")
    components[section][name] = theirs(components[section][name])
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"openapi": "3.1.0", "info": document["info"], "paths": {},
                                "components": components}, indent=2))
    refused = CliRunner().invoke(cli, ["merge", str(spec), "--check", "--catalog", str(catalog)])
    assert refused.exit_code == 2, refused.output
    assert refused.stderr.count(" already exists; ") == 1, refused.stderr
    assert f"components/{changed} already exists; " in refused.stderr
    replaced = CliRunner().invoke(cli, ["merge", str(spec), "--in-place", "--catalog",
                                        str(catalog), "--on-conflict", "replace"])
    assert replaced.exit_code == 0, replaced.output
    merged = json.loads(spec.read_text())["components"]
    assert merged[section][name].get("description") != "Theirs."
    unmarked = [f"{s}/{n}" for s, items in merged.items() for n, value in items.items()
                if "x-specgen" not in value]
    assert changed not in unmarked and len(unmarked) == len(EXPECTED) - 1
    again = CliRunner().invoke(cli, ["merge", str(spec), "--check", "--catalog", str(catalog)])
    assert again.exit_code == 0, again.output


def test_a_component_whose_own_text_differs_is_reported_beside_what_it_refers_to(
    tmp_path: Path,
) -> None:
    """Both conflicts stand when the referring component differs in its own text as well."""
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text(CATALOG)
    document, _ = render_located(load(catalog).catalog, "3.1")
    components = document["components"]
    for section, name in [("schemas", "Node"), ("schemas", "Tree")]:
        components[section][name] = theirs(components[section][name])
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"openapi": "3.1.0", "info": document["info"], "paths": {},
                                "components": components}, indent=2))
    refused = CliRunner().invoke(cli, ["merge", str(spec), "--check", "--catalog", str(catalog)])
    assert refused.exit_code == 2
    reported = sorted(line.split(" already exists; ")[0].rpartition("components/")[2]
                      for line in refused.stderr.splitlines() if " already exists; " in line)
    assert reported == ["schemas/Node", "schemas/Tree"]

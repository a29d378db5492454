"""Import is the inverse of merge, and `merge --adopt`: a catalog imported from a document merges
back changing nothing; --adopt replaces inline responses by $refs to the catalog's, the
dereferenced document unchanged."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml
from click.testing import CliRunner
from conftest import DATA, SPECS, spec_bytes
from hypothesis import given
from hypothesis import strategies as st
from oas_patch.overlay import apply_overlay

from specgen import import_catalog, merge, merge_overlay, merge_summary
from specgen.catalog.rules import Operation, any_matches, parse_rule
from specgen.cli import cli
from specgen.errors import MergeError
from specgen.splice.equal import Side, data_side, same

REAL = sorted(p.name for p in SPECS.iterdir() if p.name != "SOURCES.md")
SHOP = DATA / "import" / "shop.yaml"
INT_KEYS = """\
openapi: 3.1.0
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      responses:
        404: {description: No such pet.}  # an integer key
"""


def parse(text: str, name: str) -> Any:
    if ".json" in name:
        return json.loads(text)
    return yaml.load(text, Loader=yaml.CSafeLoader)


def imported(tmp_path: Path, name: str) -> tuple[str, Path]:
    """A real document's text, and the catalog imported from it."""
    raw = SHOP.read_bytes() if name == SHOP.name else spec_bytes(name)
    source = tmp_path / name.removesuffix(".gz")
    source.write_bytes(raw)
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text(import_catalog(source), encoding="utf-8")
    return raw.decode("utf-8"), catalog


def _target(document: Any, ref: str) -> Any:
    for part in ref[2:].split("/"):
        part = unquote(part).replace("~1", "/").replace("~0", "~")
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


def _lone_ref(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    ref = value.get("$ref")
    keys = [key for key in value if not str(key).startswith("x-specgen")]
    return ref if keys == ["$ref"] and isinstance(ref, str) and ref.startswith("#/") else None


def assert_same_dereferenced(before: Any, after: Any) -> None:
    """The two documents are equal with every local $ref replaced by what it points to
    (specgen's x-specgen marks and descriptions' final line endings aside); `after` may have
    more components."""
    compared: set[tuple[str | None, str | None]] = set()

    def walk(a: Any, b: Any, where: str) -> None:
        ref_a, ref_b = _lone_ref(a), _lone_ref(b)
        if ref_a or ref_b:
            if (ref_a, ref_b) in compared:  # each pair of targets once (and cycles end)
                return
            compared.add((ref_a, ref_b))
            walk(_target(before, ref_a) if ref_a else a, _target(after, ref_b) if ref_b else b,
                 ref_a or where)
            return
        if isinstance(a, dict):
            keys = {key for key in a if not str(key).startswith("x-specgen")}
            assert isinstance(b, dict), where
            assert keys == {key for key in b if not str(key).startswith("x-specgen")}, where
            for key in keys:
                if key == "description" and isinstance(a[key], str):
                    # CommonMark: a final line ending changes nothing (see equal.py)
                    assert a[key].removesuffix("\n") == b[key].removesuffix("\n"), where
                    continue
                walk(a[key], b[key], f"{where}/{key}")
        elif isinstance(a, list):
            assert isinstance(b, list) and len(a) == len(b), where
            for index, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{where}/{index}")
        else:
            assert (type(a), a) == (type(b), b), where

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20000))
    try:
        walk({k: v for k, v in before.items() if k != "components"},
             {k: v for k, v in after.items() if k != "components"}, "")
        for section, items in (before.get("components") or {}).items():
            for name, value in items.items():
                walk(value, after["components"][section][name], f"/components/{section}/{name}")
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL)
def test_a_catalog_imported_from_a_document_merges_back_changing_nothing(
    name: str, tmp_path: Path
) -> None:
    text, catalog = imported(tmp_path, name)
    assert merge(text, catalog, file=name) == text


def test_merge_check_is_up_to_date_on_the_document_a_catalog_came_from(tmp_path: Path) -> None:
    _, catalog = imported(tmp_path, "petstore.openapi.yaml")
    spec = tmp_path / "petstore.openapi.yaml"
    result = CliRunner().invoke(cli, ["merge", str(spec), "--catalog", str(catalog), "--check"])
    assert result.exit_code == 0, result.output
    assert "would add" not in result.output
    assert "400 on 4 operations (all there already)" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL)
def test_adopt_keeps_the_dereferenced_document_and_is_idempotent(
    name: str, tmp_path: Path
) -> None:
    text, catalog = imported(tmp_path, name)
    adopted = merge(text, catalog, adopt=True, file=name)
    assert_same_dereferenced(parse(text, name), parse(adopted, name))
    assert merge(adopted, catalog, adopt=True, file=name) == adopted
    assert merge(adopted, catalog, file=name) == adopted  # up to date without --adopt too


def test_adopt_shrinks_githubs_description(tmp_path: Path) -> None:
    text, catalog = imported(tmp_path, "github.api.github.com.json.gz")
    summary = merge_summary(text, catalog, adopt=True)
    adopted = merge(text, catalog, adopt=True)
    assert summary.adopted >= 9
    assert summary.shrunk == len(text.encode()) - len(adopted.encode()) > 0
    assert summary.added == {"responses": ["PaymentRequired402", "MethodNotAllowed405",
                                           "TooManyRequests429"]}
    # Every byte outside the replaced responses and the added components is kept.
    assert adopted.startswith(text[: text.index('"/advisories"')])


SPEC = """\
openapi: 3.1.0
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      responses:
        "200": {description: OK}
        "404":  # the team's words
          description: No such pet.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Error'}
    delete:
      responses:
        "404":
          description: No such pet.
          content:
            application/json:
              schema: {type: object, properties: {message: {type: string}}}
        "409": {description: Taken.}
components:
  schemas:
    Error: {type: object, properties: {message: {type: string}}}
"""

CATALOG = """\
specgen: 1
info: {title: Pets errors, version: "1"}
schemas:
  Error: {type: object, properties: {message: {type: string}}}
codes:
  404:
    reason: Not Found
    summary: No such pet.
    content:
      application/json: {schema: Error}
    attach: [all]
  409:
    reason: Conflict
    summary: Another one.
"""


@pytest.fixture
def pets(tmp_path: Path) -> tuple[Path, Path]:
    spec = tmp_path / "pets.yaml"
    spec.write_text(SPEC)
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text(CATALOG)
    return spec, catalog


def test_an_equal_inline_response_needs_nothing_and_its_component_is_not_added(
    pets: tuple[Path, Path],
) -> None:
    _, catalog = pets
    summary = merge_summary(SPEC, catalog)
    # 409 is on no operation (no rules) nor inline anywhere: added, to be referred to by hand.
    assert summary.added == {"responses": ["Conflict409"]}
    assert summary.attached == {"404": ["GET /pets", "DELETE /pets"]}
    assert summary.new == {"404": 0}


def test_a_response_no_rule_places_is_not_added_when_an_operation_has_it_inline(
    pets: tuple[Path, Path],
) -> None:
    _, catalog = pets
    catalog.write_text(CATALOG.replace("    attach: [all]\n", ""))
    assert merge_summary(SPEC, catalog).added == {"responses": ["Conflict409"]}
    catalog.write_text(CATALOG.replace("    attach: [all]\n", "").replace("Another one.", "Taken."))
    assert merge(SPEC, catalog) == SPEC


def test_adopt_replaces_equal_inline_responses_and_keeps_every_other_byte(
    pets: tuple[Path, Path],
) -> None:
    _, catalog = pets
    adopted = merge(SPEC, catalog, adopt=True)
    head = SPEC[: SPEC.index("          description: No such pet.")]
    assert adopted.startswith(head)  # the key as written, with its comment
    assert adopted.count("$ref: '#/components/responses/NotFound404'") == 2
    assert '"409": {description: Taken.}' in adopted  # differs from the catalog's: kept
    assert_same_dereferenced(parse(SPEC, "pets.yaml"), parse(adopted, "pets.yaml"))
    summary = merge_summary(SPEC, catalog, adopt=True)
    assert (summary.adopted, summary.shrunk) == (2, len(SPEC) - len(adopted))


def test_adopt_from_the_command_line_check_in_place_output_and_overlay(
    pets: tuple[Path, Path], tmp_path: Path,
) -> None:
    spec, catalog = pets
    runner = CliRunner()
    base = ["merge", str(spec), "--catalog", str(catalog), "--adopt"]
    checked = runner.invoke(cli, [*base, "--check"])
    assert checked.exit_code == 1
    assert "would replace 2 inline responses by a $ref (--adopt); the document would be" in (
        checked.output)
    assert spec.read_text() == SPEC
    out = tmp_path / "out.yaml"
    assert runner.invoke(cli, [*base, "-o", str(out)]).exit_code == 0
    overlay_file = tmp_path / "overlay.yaml"
    assert runner.invoke(cli, [*base, "--overlay", str(overlay_file)]).exit_code == 0
    actions = yaml.safe_load(overlay_file.read_text())["actions"]
    replaced = [a["target"] for a in actions if "update" in a and "responses" in a["target"]]
    assert replaced == ["$.paths['/pets'].get.responses", "$.paths['/pets'].delete.responses"]
    assert apply_overlay(copy.deepcopy(parse(SPEC, "x.yaml")), yaml.safe_load(
        overlay_file.read_text())) == parse(out.read_text(), "x.yaml")
    done = runner.invoke(cli, [*base, "--in-place"])
    assert done.exit_code == 0 and "replaced 2 inline responses" in done.output
    assert spec.read_text() == out.read_text()
    assert runner.invoke(cli, [*base, "--check"]).exit_code == 0  # idempotent


def test_adopt_in_json_keeps_the_layout(pets: tuple[Path, Path], tmp_path: Path) -> None:
    _, catalog = pets
    document = parse(SPEC, "pets.yaml")
    text = json.dumps(document, indent=4)
    adopted = merge(text, catalog, adopt=True, file="pets.json")
    assert '"$ref": "#/components/responses/NotFound404"' in adopted
    assert_same_dereferenced(document, json.loads(adopted))
    assert merge(adopted, catalog, adopt=True, file="pets.json") == adopted


def test_a_different_inline_response_is_still_a_conflict(pets: tuple[Path, Path]) -> None:
    _, catalog = pets
    different = SPEC.replace("words\n          description: No such",
                             "words\n          description: Gone, no")
    with pytest.raises(MergeError, match="GET /pets already has a 404 response"):
        merge(different, catalog)
    kept = merge(different, catalog, on_conflict="keep", adopt=True)
    assert kept.count("#/components/responses/NotFound404") == 1  # DELETE's only
    assert "NotFound404:" in kept  # referred to now, so added


def test_overlay_of_adopt_replaces_each_response(pets: tuple[Path, Path]) -> None:
    _, catalog = pets
    actions = merge_overlay(SPEC, catalog, adopt=True)["actions"]
    removed = [a["target"] for a in actions if a.get("remove")]
    assert removed == ["$.paths['/pets'].get.responses['404']",
                       "$.paths['/pets'].delete.responses['404']"]


def test_what_import_left_out_is_a_conflict_when_merging_back(tmp_path: Path) -> None:
    """The shop document's 409 has an example that does not match its schema: import leaves it
    out (and says so), so the catalog's 409 is not the document's and merge says that."""
    text, catalog = imported(tmp_path, SHOP.name)
    with pytest.raises(MergeError) as caught:
        merge(text, catalog, file="shop.yaml")
    assert [p.message.split(";")[0] for p in caught.value.problems] == [
        "DELETE /orders/{orderId} already has a 409 response"]
    kept = merge(text, catalog, file="shop.yaml", on_conflict="keep", adopt=True)
    assert_same_dereferenced(parse(text, "shop.yaml"), parse(kept, "shop.yaml"))


def test_adopt_keeps_an_integer_key(tmp_path: Path) -> None:
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text("specgen: 1\ninfo: {title: Pets errors, version: '1'}\n"
                       "codes: {404: {reason: Not Found, summary: No such pet.}}\n")
    adopted = merge(INT_KEYS, catalog, adopt=True)
    assert '        404:\n          $ref: "#/components/responses/NotFound404"\n' in adopted
    assert 404 in parse(adopted, "x.yaml")["paths"]["/pets"]["get"]["responses"]


PATHS = ["/a", "/a/{id}", "/b", "/b/*", "/c[d]"]


@given(
    st.lists(st.lists(st.sampled_from(["all", "secured", "tag:t", "method:get", "webhooks",
                                       *(f"path:{p}" for p in PATHS)]), min_size=1, max_size=3)
             .map(",".join), max_size=6),
    st.sampled_from(["/a", "/a/{id}", "/b", "/b/x", "/c[d]", "/cd"]),
    st.sampled_from(["get", "post"]), st.booleans(), st.booleans(),
    st.sampled_from(["paths", "webhooks"]),
)
def test_indexed_rules_select_what_the_rules_select(
    texts: list[str], path: str, method: str, tagged: bool, secured: bool, place: str,
) -> None:
    rules = tuple(parse_rule(text) for text in texts)
    op = Operation(path, method, ("t",) if tagged else (), secured, place)
    assert any_matches(rules)(op) == any(rule.matches(op) for rule in rules)


def sides(document: dict[str, Any], fragment: dict[str, Any]) -> tuple[Side, Side]:
    return data_side(document), data_side(fragment)


ERROR = {"type": "object", "properties": {"x-specgen": {"type": "string"}}}


@pytest.mark.parametrize(("a", "b", "loose", "exact"), [
    # key order, specgen's marks, and local references followed on either side
    ({"description": "A", "content": {}}, {"content": {}, "description": "A",
                                           "x-specgen": {"code": 404}}, True, True),
    ({"$ref": "#/components/schemas/E"}, {"$ref": "#/components/schemas/F"}, True, True),
    ({"$ref": "#/components/schemas/E"}, ERROR, True, True),
    # a property named x-specgen is a property, not a mark
    (ERROR, {"type": "object", "properties": {}}, False, False),
    # a description's final line ending is no part of its CommonMark text; other
    # surrounding whitespace counts only exactly
    ({"description": "A\n"}, {"description": "A"}, True, True),
    ({"description": "A\n\n"}, {"description": "A"}, True, False),
    ({"description": " A"}, {"description": "A"}, True, False),
    ({"summary": "A\n"}, {"summary": "A"}, True, False),
    ({"description": "A  B"}, {"description": "A B"}, False, False),
    # examples' names and summaries are labels; a single example is one named example
    ({"content": {"a/b": {"examples": {"one": {"summary": "S", "value": 1}}}}},
     {"content": {"a/b": {"examples": {"two": {"value": 1}}}}}, True, False),
    ({"content": {"a/b": {"example": 1}}},
     {"content": {"a/b": {"examples": {"x": {"summary": "X", "value": 1}}}}}, True, False),
    ({"content": {"a/b": {"example": 1}}}, {"content": {"a/b": {"example": 2}}}, False, False),
    # data counts whole: marks and whitespace in example values too
    ({"example": {"x-specgen": 1}}, {"example": {}}, False, False),
    ({"example": " a"}, {"example": "a"}, False, False),
    # numbers by value, booleans apart
    ({"maximum": 1}, {"maximum": 1.0}, True, True),
    ({"default": True}, {"default": 1}, False, False),
    # a reference with siblings is not followed; one to nothing compares as text
    ({"$ref": "#/components/schemas/E", "description": "d"}, ERROR, False, False),
    ({"$ref": "#/components/schemas/Nothing"}, {"$ref": "#/components/schemas/Nothing"},
     True, True),
    # cycles end, equal when both sides loop alike
    ({"$ref": "#/components/schemas/Loop"}, {"$ref": "#/components/schemas/Loop"}, True, True),
    ({"$ref": "#/components/schemas/Loop"}, {"$ref": "#/components/schemas/Other"},
     False, False),
])
def test_what_counts_as_equal(a: Any, b: Any, loose: bool, exact: bool) -> None:
    loop = {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Loop"}}}
    other = {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Other"},
                                              "more": {"type": "string"}}}
    document = {"components": {"schemas": {"E": ERROR, "Loop": loop}}}
    fragment = {"components": {"schemas": {"F": ERROR, "Loop": loop, "Other": other}}}
    left, right = sides(document, fragment)
    assert same(a, left, b, right) is loose
    assert same(a, left, b, right, exactly=True) is exact


def test_adopt_leaves_responses_that_share_yaml_anchors(tmp_path: Path) -> None:
    spec = tmp_path / "anchors.yaml"
    spec.write_text("""\
openapi: 3.1.0
info: {title: T, version: "1"}
paths:
  /a:
    get:
      responses:
        "404": &gone
          description: No such pet.
  /b:
    get:
      responses:
        "404": *gone
  /c:
    get:
      responses:
        "404":
          description: No such pet.
""")
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text("specgen: 1\ninfo: {title: T, version: '1'}\n"
                       "codes: {404: {reason: Not Found, summary: No such pet., attach: [all]}}\n")
    result = CliRunner().invoke(cli, ["merge", str(spec), "--catalog", str(catalog), "--adopt"])
    assert result.exit_code == 0, result.output
    assert "replaced 1 inline response by a $ref" in result.output
    assert "left 2 equal inline responses as they are: YAML anchors" in result.output
    assert '"404": &gone\n          description: No such pet.\n' in result.stdout


FLOW = """\
openapi: 3.1.0
info: {title: Pets, version: "1"}
paths:
  /a:
    get:
      responses: {"200": {description: OK}, "404": {description: Not found}}
  /b:
    get: {responses: {"200": {description: OK}, "404": {description: Not found}}}
  /c:
    get:
      responses:
        "200": {description: OK}
        "404": {description: Not found}
"""


def test_adopt_says_a_flow_style_responses_mapping_is_why_it_left_a_response(
    tmp_path: Path,
) -> None:
    """An equal inline response in a flow-style `responses` mapping (no anchors) is left, and
    the summary says so, where, and how to make it adoptable; the block one is adopted."""
    spec = tmp_path / "flow.yaml"
    spec.write_text(FLOW)
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text(import_catalog(spec), encoding="utf-8")
    summary = merge_summary(FLOW, catalog, adopt=True, file="flow.yaml")
    assert (summary.adopted, summary.unadoptable) == (1, 0)
    assert summary.in_flow == (2, "flow.yaml:6 (GET /a)")
    result = CliRunner().invoke(cli, ["merge", str(spec), "--catalog", str(catalog), "--adopt"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == (
        f"{spec}: left 2 equal inline responses as they are (--adopt): their `responses`"
        " mappings are in flow style ({...}), which specgen does not edit entry by entry; write"
        " those mappings in block style (one entry per line) to adopt them: first"
        f" {spec}:6 (GET /a)")
    assert "anchors" not in result.stderr
    adopted = yaml.safe_load(result.stdout)["paths"]
    assert adopted["/c"]["get"]["responses"]["404"] == {
        "$ref": "#/components/responses/NotFound404"}
    assert result.stdout.startswith(FLOW[:FLOW.index("  /c:")])


def test_values_nested_too_deeply_to_compare_are_not_equal() -> None:
    deep: list[Any] = ["x", "x"]
    for _ in range(5000):
        deep = [{"not": deep[0]}, {"not": deep[1]}]
    left, right = sides({}, {})
    assert same(deep[0], left, deep[1], right) is False

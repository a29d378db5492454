"""`specgen import`: real documents become catalogs that check clean and build; attach rules
select exactly the operations that had each response; bad documents are located errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, SPECS, spec_bytes
from hypothesis import given
from hypothesis import strategies as st

from specgen import build, catalog_schema, check_catalog, import_catalog, load_catalog
from specgen.catalog.rules import Operation, parse_rule
from specgen.catalog.source import reads_as_json
from specgen.cli import cli
from specgen.importer.rules import OperationIndex

SHOP = DATA / "import" / "shop.yaml"
REAL = sorted(p.name for p in SPECS.iterdir() if p.name != "SOURCES.md")


def _import(tmp_path: Path, name: str) -> Path:
    source = tmp_path / name.removesuffix(".gz")
    source.write_bytes(spec_bytes(name))
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text(import_catalog(source), encoding="utf-8")
    return catalog


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL)
def test_real_documents_import_to_catalogs_that_check_clean_and_build(
    name: str, tmp_path: Path
) -> None:
    catalog = _import(tmp_path, name)
    load_catalog(catalog)  # raises on any error
    assert check_catalog(catalog) == [] or all(p.severity == "warning"
                                               for p in check_catalog(catalog))
    result = build(catalog, tmp_path / "out")
    assert result.total > 0


def test_github_keeps_its_component_names_and_codes(tmp_path: Path) -> None:
    catalog = load_catalog(_import(tmp_path, "github.api.github.com.json.gz"))
    assert {404, 403, 422} <= set(catalog.codes)
    assert catalog.codes[404].name == "not_found"
    assert "basic-error" in catalog.schemas


def test_the_shop_document_imports_everything_it_can(tmp_path: Path) -> None:
    target = tmp_path / "specgen.yaml"
    result = CliRunner().invoke(cli, ["import", str(SHOP), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    imported = load_catalog(target)
    found = imported.codes[404]
    assert found.name == "NotFound"  # the component's name is kept
    assert found.summary == "The resource does not exist. Check the identifier."
    assert found.attach == ["tag:orders"]
    example = found.examples[0]
    # The request comes from the operation: the path parameter's example, the required header.
    assert (example.request.method, example.request.path) == ("GET", "/orders/42")
    assert example.request.headers == {"X-Tenant": "acme"}
    assert imported.codes[429].headers["Retry-After"].required
    assert imported.codes[503].attach == ["path:/health"]
    # 3.0 schema keywords are said in JSON Schema 2020-12 terms.
    error = imported.schemas["Error"]
    assert error["properties"]["trace"]["type"] == ["string", "null"]
    assert error["properties"]["count"] == {"type": "integer", "exclusiveMinimum": 0}
    assert error["properties"]["message"]["examples"] == ["No such order."]
    # What the checks would refuse is left out, and said; a name that is a slug is kept.
    assert [(e.slug, e.title) for e in imported.codes[409].examples] == [
        ("shipped", "Order already shipped")]
    assert "left out example 'An example that does not match its schema'" in result.stderr
    assert "404: 2 different responses; kept the one on 2 operation(s)" in result.stderr
    text = target.read_text(encoding="utf-8")
    assert text.endswith("\n")
    assert "  # from components.responses.NotFound, on 2 operation(s)\n  404:\n" in text


def test_codes_selects_classes_and_codes(tmp_path: Path) -> None:
    text = import_catalog(SHOP, codes="429,5xx")
    target = tmp_path / "specgen.yaml"
    target.write_text(text, encoding="utf-8")
    assert sorted(load_catalog(target).codes) == [429, 503]
    bad = CliRunner().invoke(cli, ["import", str(SHOP), "--codes", "4x", "-o", "-"])
    assert bad.exit_code == 2
    assert "bad code selector '4x'" in bad.stderr


def test_an_existing_catalog_is_not_replaced_without_force(tmp_path: Path) -> None:
    target = tmp_path / "specgen.yaml"
    target.write_text("mine\n", encoding="utf-8")
    refused = CliRunner().invoke(cli, ["import", str(SHOP), "-o", str(target)])
    assert refused.exit_code == 2
    assert target.read_text(encoding="utf-8") == "mine\n"
    forced = CliRunner().invoke(cli, ["import", str(SHOP), "-o", str(target), "--force"])
    assert forced.exit_code == 0
    load_catalog(target)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"openapi": "3.0.0", "paths": {', ":1:"),
        ("openapi: 3.0.0\npaths: [\n", ":3:1: "),
        ("swagger: '2.0'\npaths: {}\n", "not an OpenAPI 3.0 or 3.1 document"),
        ("openapi: 3.1.0\npaths: []\n", "paths must be a mapping"),
        ("- just\n- a list\n", "an OpenAPI document is a mapping"),
        ("openapi: 3.1.0\npaths:\n  /a:\n    get:\n      responses:\n"
         "        '404': {$ref: 'other.yaml#/x'}\n", "points outside the document"),
        ("openapi: 3.1.0\npaths:\n  /a:\n    get:\n      responses:\n"
         "        '404': {$ref: '#/components/responses/missing'}\n", "points to nothing"),
        ("openapi: 3.1.0\npaths:\n  /a: {$ref: '#/paths/~1a'}\n", "refers to itself"),
    ],
)
def test_bad_documents_are_located_errors_and_write_nothing(
    text: str, message: str, tmp_path: Path
) -> None:
    source = tmp_path / "openapi.yaml"
    source.write_text(text, encoding="utf-8")
    target = tmp_path / "specgen.yaml"
    result = CliRunner().invoke(cli, ["import", str(source), "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr.startswith(str(source))
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not target.exists()


def test_third_party_names_cannot_inject_yaml(tmp_path: Path) -> None:
    """Names and text from the document are values the dumper quotes, never raw YAML."""
    source = tmp_path / "openapi.yaml"
    source.write_text(
        "openapi: 3.1.0\ninfo: {title: \"x\\ncodes: {}\", version: \"1\\n#\"}\npaths:\n"
        "  /a:\n    get:\n      responses:\n        '404':\n"
        "          $ref: '#/components/responses/a%0Ab'\n"
        "components:\n  responses:\n    \"a\\nb\": {description: \"first\\n  500: x\"}\n",
        encoding="utf-8",
    )
    target = tmp_path / "specgen.yaml"
    target.write_text(import_catalog(source), encoding="utf-8")
    catalog = load_catalog(target)
    assert sorted(catalog.codes) == [404]
    assert catalog.info.title == "x codes: {} errors"


operation = st.builds(
    Operation,
    path=st.sampled_from(["/a", "/a/{id}", "/b", "/c/d"]),
    method=st.sampled_from(["get", "post", "delete"]),
    tags=st.lists(st.sampled_from(["x", "y", "z"]), max_size=2, unique=True).map(tuple),
    secured=st.booleans(),
)


@given(st.lists(operation, min_size=1, max_size=12, unique_by=lambda o: (o.path, o.method)),
       st.data())
def test_inferred_rules_select_exactly_the_operations_that_had_the_response(
    operations: list[Operation], data: st.DataObject
) -> None:
    chosen = data.draw(st.lists(st.sampled_from(operations), unique=True))
    rules = OperationIndex(operations).rules_for(chosen)
    parsed = [parse_rule(text) for text in rules]
    selected = {op for op in operations if any(rule.matches(op) for rule in parsed)}
    assert selected == set(chosen)


def test_a_path_no_rule_can_name_is_said_in_the_note(tmp_path: Path) -> None:
    """The note names the path a `path:GLOB` term cannot write, so the user knows what to do."""
    spec = tmp_path / "openapi.yaml"
    spec.write_text("""openapi: 3.1.0
info: {title: x, version: "1"}
paths:
  /a:
    get:
      responses:
        "200": {description: OK}
  /responses?beta=true:
    get:
      responses:
        "429": {description: Slow down.}
""", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(spec), "-o", str(tmp_path / "s.yaml")])
    assert result.exit_code == 0, result.output
    assert (
        f"{spec}: note: 429: no attach rule can select exactly its operations: a path:GLOB term"
        " cannot name '/responses?beta=true' (it holds '*', '?', '[' or ','); attach it by hand"
    ) in result.stderr.splitlines()
    assert "attach" not in load_catalog(tmp_path / "s.yaml").codes[429].model_fields_set


def test_an_import_that_finds_no_code_says_why(tmp_path: Path) -> None:
    """petstore-expanded has only `default` error responses: the empty catalog is explained."""
    out = tmp_path / "s.yaml"
    result = CliRunner().invoke(cli, ["import", str(SPECS / "petstore-expanded.json"),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-2:] == [
        f"{SPECS / 'petstore-expanded.json'}: note: no operation has a response under the codes"
        " selected (4xx,5xx); `default` responses name no code and are not imported",
        f"{SPECS / 'petstore-expanded.json'}: 0 code(s) imported to {out}",
    ]


@pytest.mark.parametrize(("version", "targets"), [("3.1.0", ["3.1"]), ("3.0.3", None)])
def test_a_31_document_whose_schemas_30_cannot_express_imports_targeting_31_only(
    tmp_path: Path, version: str, targets: list[str] | None
) -> None:
    """`if`/`then` has no OpenAPI 3.0 form: the catalog imported from a 3.1 document says
    `oas: ["3.1"]`, and checks and builds; a 3.0 document never gets it."""
    pair = ("{if: {type: string}, then: {minLength: 1}}" if version.startswith("3.1")
            else "{type: string}")
    spec = tmp_path / "openapi.yaml"
    spec.write_text(f"""openapi: {version}
info: {{title: x, version: "1"}}
paths:
  /a:
    get:
      responses:
        "422":
          description: Unprocessable.
          content:
            application/json:
              schema:
                type: object
                properties:
                  pair: {pair}
""", encoding="utf-8")
    out = tmp_path / "specgen.yaml"
    result = CliRunner().invoke(cli, ["import", str(spec), "-o", str(out)])
    assert result.exit_code == 0, result.output
    catalog = load_catalog(out)
    assert ("oas" in catalog.model_fields_set) == (targets is not None)
    if targets is not None:
        assert catalog.oas == targets
        assert 'targets OpenAPI 3.1 only (oas: ["3.1"])' in result.stderr
    assert check_catalog(out) == []
    build(out, tmp_path / "out")


def test_import_writes_the_json_schema_its_first_line_names(tmp_path: Path) -> None:
    """As `specgen init` does: the pointer is the first line and names a file that exists."""
    spec = tmp_path / "shop.yaml"
    spec.write_bytes(SHOP.read_bytes())
    out = tmp_path / "cat" / "errors.yaml"
    out.parent.mkdir()
    result = CliRunner().invoke(cli, ["import", str(spec), "-o", str(out)])
    assert result.exit_code == 0, result.output
    first = out.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=specgen.schema.json"
    schema = out.parent / "specgen.schema.json"
    assert json.loads(schema.read_text(encoding="utf-8")) == catalog_schema()


def test_import_keeps_a_json_schema_file_that_is_there(tmp_path: Path) -> None:
    spec = tmp_path / "shop.yaml"
    spec.write_bytes(SHOP.read_bytes())
    (tmp_path / "specgen.schema.json").write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(spec), "-o", str(tmp_path / "c.yaml")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "specgen.schema.json").read_text(encoding="utf-8") == "{}"


def test_a_catalog_imported_to_stdout_or_by_the_api_names_no_schema_file(tmp_path: Path) -> None:
    """No file is written beside stdout or the API's text: no line may point at one."""
    spec = tmp_path / "shop.yaml"
    spec.write_bytes(SHOP.read_bytes())
    result = CliRunner().invoke(cli, ["import", str(spec), "-o", "-"])
    assert result.exit_code == 0, result.output
    assert "yaml-language-server" not in result.stdout
    assert "yaml-language-server" not in import_catalog(spec)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.yaml"]


@pytest.mark.parametrize(("text", "declared"), [
    ("swagger: '2.0'\npaths: {}\n", "(swagger: 2.0); convert it to OpenAPI 3 first"),
    ("specgen: 1\ninfo: {title: A catalog}\n", "(openapi: missing)"),
    ("openapi: 2.0.0\npaths: {}\n", "(openapi: 2.0.0)"),
])
def test_import_and_merge_say_alike_what_a_document_declares_instead_of_openapi_3(
    text: str, declared: str, tmp_path: Path
) -> None:
    source = tmp_path / "openapi.yaml"
    source.write_text(text, encoding="utf-8")
    for command in (["import", str(source), "-o", "-"], ["merge", str(source)]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 2
        assert f"not an OpenAPI 3.0 or 3.1 document {declared}" in result.stderr, command


def test_import_and_merge_say_why_a_tab_breaks_a_document(tmp_path: Path) -> None:
    """libyaml says only that a tab "cannot start any token"; every reader of YAML adds why."""
    source = tmp_path / "openapi.yaml"
    source.write_text("openapi: 3.1.0\ninfo:\n\ttitle: x\n", encoding="utf-8")
    for command in (["import", str(source), "-o", "-"], ["merge", str(source)]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"{source}:3:1: ")
        assert "(a tab: YAML indentation uses spaces, not tabs)" in result.stderr, command


FLOW = ('{openapi: 3.0.3, info: {title: Shop, version: "1"}, paths: {/orders: {get: {responses:'
        ' {"200": {description: OK}, "503": {description: Down, headers: {Retry-After: {schema:'
        ' {type: integer}}}}}}}}}\n')


@pytest.mark.parametrize("name", ["openapi.yaml", "openapi.yml", "openapi"])
def test_a_yaml_document_written_as_one_flow_mapping_is_read_as_yaml_by_import_and_merge(
    name: str, tmp_path: Path
) -> None:
    """`{openapi: 3.0.3, ...}` opens like JSON but its keys are unquoted: YAML, not a JSON
    error. Import reads it, and merge puts the imported responses back into it."""
    source = tmp_path / name
    source.write_text(FLOW, encoding="utf-8")
    catalog = tmp_path / "specgen.yaml"
    result = CliRunner().invoke(cli, ["import", str(source), "-o", str(catalog)])
    assert result.exit_code == 0, result.stderr
    assert load_catalog(catalog).codes[503].headers["Retry-After"].schema_ == {"type": "integer"}
    result = CliRunner().invoke(cli, ["merge", str(source), "--catalog", str(catalog)])
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(("name", "head", "is_json"), [
    ("openapi.yaml", b"{openapi: 3.0.3}", False),
    ("openapi.yaml", b"openapi: 3.0.3", False),
    ("openapi.yaml", b' \n{ "openapi": "3.0.3"}', True),
    ("openapi", b"{}", True),
    ("openapi.json", b"{openapi: 3.0.3}", True),
])
def test_a_document_is_json_when_named_so_or_opening_with_a_quoted_key(
    name: str, head: bytes, is_json: bool
) -> None:
    """The one choice `import` and `merge` make between their JSON and YAML readers."""
    assert reads_as_json(name, head) is is_json


def test_a_json_named_document_that_is_not_json_is_a_located_json_error(tmp_path: Path) -> None:
    source = tmp_path / "openapi.json"
    source.write_text(FLOW, encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(source), "-o", "-"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{source}:1:2: ")

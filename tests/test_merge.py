"""Merging into small hand-written documents: what is added, what survives, what is refused."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import DATA, merge_text
from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from specgen.catalog.load import embedded_catalog_path, load
from specgen.catalog.rules import parse_rule
from specgen.cli import cli
from specgen.errors import MergeError
from specgen.splice import scan_json
from specgen.splice.io import attachments, catalog_fragment
from specgen.splice.plan import Attachment, Fragment, plan_merge

MERGE = DATA / "merge"
REF = {"$ref": "#/components/responses/Unauthorized561"}


@pytest.fixture(scope="module")
def fragments() -> dict[str, Fragment]:
    """The embedded catalog's fragment in both OAS versions, located in the catalog."""
    loaded = load(embedded_catalog_path())
    return {oas: catalog_fragment(loaded, oas) for oas in ("3.0", "3.1")}


def attach_all(fragment: Fragment, rule: str = "all") -> list[Attachment]:
    return attachments([fragment], [parse_rule(rule)])


def conflicting() -> str:
    """tabbed.json with its own, different AccessDenied schema."""
    return (MERGE / "tabbed.json").read_text().replace('"Widget"', '"AccessDenied"')


def run_cli(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_secured_attaches_only_where_security_applies(fragments: dict[str, Fragment]) -> None:
    """561's default rule `secured`: root security applies unless an operation sets its own."""
    text = (MERGE / "commented.yaml").read_text()
    merged = yaml.safe_load(merge_text(text, fragments["3.0"], attachments([fragments["3.0"]], [])))
    widgets = merged["paths"]["/widgets"]
    assert widgets["get"]["responses"]["561"] == REF
    assert "561" not in widgets["post"]["responses"]  # security: [] makes it public
    assert merged["paths"]["/widgets/{id}"]["delete"]["responses"]["561"] == REF
    validate(merged)


def test_comments_anchors_and_quoting_survive(fragments: dict[str, Fragment]) -> None:
    """Every line of the original is still there, in order; the anchor still resolves."""
    text = (MERGE / "commented.yaml").read_text()
    result = merge_text(text, fragments["3.0"], attach_all(fragments["3.0"]))
    lines = iter(result.splitlines())
    for line in text.splitlines():
        if "responses: {}" in line:
            continue  # the flow mapping gets the entry inside its braces
        assert any(candidate == line for candidate in lines), f"lost or moved: {line!r}"
    data = yaml.safe_load(result)
    assert data["paths"]["/widgets"]["post"]["responses"]["201"] == {"description": "OK"}
    assert data["components"]["schemas"]["Widget"]["description"].endswith("lines.\n\n\n")
    assert '"561":\n          $ref: "#/components/responses/Unauthorized561"' in result


def test_yaml_result_is_golden(fragments: dict[str, Fragment], golden: Any) -> None:
    text = (MERGE / "commented.yaml").read_text()
    result = merge_text(text, fragments["3.0"], attach_all(fragments["3.0"]))
    golden.check("merge", "commented.yaml", result)


@pytest.mark.parametrize("name", ["compact.json", "tabbed.json"])
def test_json_keeps_its_layout(fragments: dict[str, Fragment], golden: Any, name: str) -> None:
    """One-line JSON stays one line; four-space JSON gets four-space insertions."""
    text = (MERGE / name).read_text()
    oas = "3.1" if '"3.1' in text else "3.0"
    result = merge_text(text, fragments[oas], attach_all(fragments[oas]))
    golden.check("merge", name, result)
    assert result.count("\n") == text.count("\n") or name != "compact.json"
    data = json.loads(result)
    validate(data)
    operations = [op for item in data["paths"].values() for op in item.values()]
    assert all(op["responses"]["561"] == REF for op in operations)


ONE_LINE_REF = '"561": {"$ref": "#/components/responses/Unauthorized561"}'


@pytest.mark.parametrize(("responses", "added"), [
    ('{"200": {"description": "OK"}}', ", " + ONE_LINE_REF),
    ('{ "200": {"description": "OK"} }', ", " + ONE_LINE_REF),
    ('{"200": {"description": "OK"},  "404": {"description": "No"}}', ",  " + ONE_LINE_REF),
])
def test_an_object_written_on_one_line_in_indented_json_gets_its_entry_on_that_line(
    fragments: dict[str, Fragment], responses: str, added: str
) -> None:
    text = ('{\n  "openapi": "3.1.0",\n  "info": {"title": "T", "version": "1"},\n  "paths": {\n'
            '    "/items": {\n      "get": {"responses": ' + responses + '}\n    }\n  }\n}\n')
    result = merge_text(text, fragments["3.1"], attach_all(fragments["3.1"]))
    line = responses[:-1].rstrip() + added + responses[len(responses[:-1].rstrip()):]
    assert f'      "get": {{"responses": {line}}}\n' in result
    validate(json.loads(result))


def test_merging_twice_changes_nothing_the_second_time(fragments: dict[str, Fragment]) -> None:
    for name, oas in (("commented.yaml", "3.0"), ("compact.json", "3.1"), ("tabbed.json", "3.0")):
        once = merge_text((MERGE / name).read_text(), fragments[oas], attach_all(fragments[oas]))
        plan = plan_merge(once, [fragments[oas]], attach_all(fragments[oas]))
        assert not plan.changed
        assert plan.result() == once


def test_conflicts_name_both_places_and_refuse(fragments: dict[str, Fragment], golden: Any) -> None:
    """A different AccessDenied schema and an existing 561 are both reported, in one error."""
    text = conflicting().replace('"responses": {}', '"responses": {"561": {"description": "x"}}')
    with pytest.raises(MergeError) as caught:
        plan_merge(text, [fragments["3.0"]], attach_all(fragments["3.0"]), file="tabbed.json")
    report = str(caught.value)
    golden.check("merge", "conflict.txt", report.replace(str(embedded_catalog_path()), "CATALOG"))
    assert "tabbed.json:8:" in report and "tabbed.json:17:" in report
    assert "example.yaml:" in report


def test_keep_and_replace_settle_conflicts(fragments: dict[str, Fragment]) -> None:
    text = conflicting()
    attach = attach_all(fragments["3.0"])
    kept = json.loads(merge_text(text, fragments["3.0"], attach, on_conflict="keep"))
    assert kept["components"]["schemas"]["AccessDenied"] == {"type": "string"}
    replaced = json.loads(merge_text(text, fragments["3.0"], attach, on_conflict="replace"))
    assert replaced["components"]["schemas"]["AccessDenied"]["type"] == "object"
    validate(replaced)


def test_replace_rewrites_an_operation_response_in_yaml(fragments: dict[str, Fragment]) -> None:
    text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n" \
           "      responses:\n        '561':\n          description: theirs\n        '200':\n" \
           "          description: ok\n"
    result = merge_text(text, fragments["3.0"], attach_all(fragments["3.0"]), "replace")
    data = yaml.safe_load(result)
    assert data["paths"]["/a"]["get"]["responses"] == {"561": REF, "200": {"description": "ok"}}
    assert result.startswith(text.split("'561'")[0])


def test_identical_components_are_shared(fragments: dict[str, Fragment]) -> None:
    """A document that already holds the very same schema merges without complaint."""
    schema = fragments["3.1"].data["components"]["schemas"]["AccessDenied"]
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                "components": {"schemas": {"AccessDenied": schema}}}
    text = json.dumps(document, indent=2)
    result = json.loads(merge_text(text, fragments["3.1"]))
    assert result["components"]["schemas"]["AccessDenied"] == schema
    assert list(result["components"]["schemas"]) == [
        "AccessDenied", *(n for n in fragments["3.1"].data["components"]["schemas"]
                          if n != "AccessDenied")]
    assert "Unauthorized561" in result["components"]["responses"]


def test_fragment_files_add_paths_only_where_missing(tmp_path: Path) -> None:
    """--fragment: components are shared or refused; a path the document has is left alone."""
    fragment = {"openapi": "3.0.3", "info": {"title": "f", "version": "1"},
                "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}},
                          "/new": {"get": {"responses": {
                              "204": {"$ref": "#/components/responses/Empty"}}}}},
                "components": {"responses": {"Empty": {"description": "nothing"}}}}
    (tmp_path / "frag.yaml").write_text(yaml.safe_dump(fragment, sort_keys=False))
    spec = tmp_path / "spec.yaml"
    spec.write_text("openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /a:\n    get:\n"
                    "      responses:\n        '200':\n          description: ok\n")
    result = run_cli("merge", str(spec), "--fragment", str(tmp_path / "frag.yaml"), "--attach",
                     "path:/nothing", "--in-place")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(spec.read_text())
    validate(data)
    assert data["paths"]["/new"] == fragment["paths"]["/new"]
    assert data["components"]["responses"]["Empty"] == {"description": "nothing"}
    fragment["paths"]["/a"]["get"]["summary"] = "differs"
    (tmp_path / "frag.yaml").write_text(yaml.safe_dump(fragment, sort_keys=False))
    before = spec.read_text()
    refused = run_cli("merge", str(spec), "--fragment", str(tmp_path / "frag.yaml"), "--in-place")
    assert refused.exit_code == 2
    assert "frag.yaml:" in refused.output and "spec.yaml:6:" in refused.output
    assert spec.read_text() == before


def test_check_exits_1_until_merged_then_0(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(conflicting())
    assert run_cli("merge", str(spec), "--check", "--on-conflict", "keep").exit_code == 1
    assert run_cli("merge", str(spec), "--in-place", "--on-conflict", "keep").exit_code == 0
    assert run_cli("merge", str(spec), "--check", "--on-conflict", "keep").exit_code == 0


def test_a_response_kept_by_on_conflict_keep_is_not_said_to_match_no_operation(
    tmp_path: Path,
) -> None:
    """The rules select the operation, which keeps its own 561: the summary says so, not
    that the rules matched nothing."""
    spec = tmp_path / "spec.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
                    "      responses:\n        '561': {description: mine}\n")
    result = run_cli("merge", str(spec), "--attach", "all", "--on-conflict", "keep", "--check")
    assert result.exit_code == 1
    assert (f"{spec}: 561 not attached: every operation the rules select has its own response,"
            " kept (--on-conflict keep)") in result.stderr
    assert "rules matched no operation" not in result.stderr


def test_merge_without_catalog_says_it_used_the_embedded_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Like every other command, so the example's 561 never lands in a document unannounced."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.json").write_text(conflicting())
    result = run_cli("merge", "spec.json", "--check", "--on-conflict", "keep")
    assert result.stderr.splitlines()[-2:] == [
        "note: no CATALOG given and no ./specgen.yaml here; using the embedded example catalog"
        " (561 Unauthorized)",
        "spec.json: not up to date; `specgen merge` would change it",
    ]
    given = run_cli("merge", "spec.json", "--check", "--on-conflict", "keep",
                    "--catalog", str(embedded_catalog_path()))
    assert "note:" not in given.stderr


def test_a_header_conflict_names_where_the_catalog_defines_the_header(tmp_path: Path) -> None:
    """The catalog's side of a header conflict is the header's own line, not the file's top."""
    spec = tmp_path / "spec.yaml"
    spec.write_text("""openapi: 3.1.0
info: {title: x, version: "1"}
paths: {}
components:
  headers:
    WWW-Authenticate: {description: Mine., schema: {type: string}}
""")
    result = run_cli("merge", str(spec), "--check")
    assert result.exit_code == 2
    example = load(embedded_catalog_path())
    where = example.locate(("codes", 561, "headers", "WWW-Authenticate"))
    assert f"components/headers/WWW-Authenticate already exists; {where} has" in result.stderr


def test_conflict_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    spec = tmp_path / "spec.json"
    spec.write_text(conflicting())
    result = run_cli("merge", str(spec), "-o", str(out))
    assert result.exit_code == 2
    assert "components/schemas/AccessDenied already exists" in result.output
    assert not out.exists()


def test_bad_rule_and_bad_document_are_usage_errors(tmp_path: Path) -> None:
    assert run_cli("merge", str(MERGE / "compact.json"), "--attach", "colour:red").exit_code == 2
    broken = tmp_path / "broken.json"
    broken.write_text('{"openapi": "3.0.0", "paths": {"/a": }')
    result = run_cli("merge", str(broken))
    assert result.exit_code == 2
    assert "broken.json:1:" in result.output
    swagger = tmp_path / "swagger.yaml"
    swagger.write_text("swagger: '2.0'\n")
    assert "not an OpenAPI 3.0 or 3.1 document" in run_cli("merge", str(swagger)).output


def test_unsupported_yaml_is_a_located_error(fragments: dict[str, Fragment]) -> None:
    """An operation's responses behind an alias cannot be extended without touching others."""
    text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nx-r: &r\n  '200': {description: ok}\n" \
           "paths:\n  /a:\n    get:\n      responses: *r\n"
    with pytest.raises(MergeError, match=r"spec.yaml:3:6: cannot merge here: .* anchored here"):
        merge_text(text, fragments["3.0"], attach_all(fragments["3.0"]), file="spec.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "openapi: 3.0.3\r\ninfo:\r\n  title: t  # CRLF\r\n  version: '1'\r\npaths:\r\n"
        "  /a:\r\n    get:\r\n      responses:\r\n        '200': {description: ok}\r\n",
        "---\nopenapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
        "paths: {/a: {get: {responses: {'200': {description: ok}}}}}\n",
        "%YAML 1.1\n---\nopenapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n"
        "    get: {responses: {}}\n    put:\n      responses:\n        default:\n"
        "          description: x\n...\n",
    ],
    ids=["crlf", "flow-style", "directive-and-flow-operation"],
)
def test_yaml_the_scanner_declines_is_composed_instead(
    fragments: dict[str, Fragment], text: str
) -> None:
    """CRLF, flow style and document markers go through the composing fallback, still surgical."""
    result = merge_text(text, fragments["3.0"], attach_all(fragments["3.0"]), file="spec.yaml")
    data = yaml.safe_load(result)
    assert all(op["responses"]["561"] == REF for op in data["paths"]["/a"].values())
    assert "AccessDenied" in data["components"]["schemas"]
    remaining = iter(result.splitlines())
    for line in text.splitlines():
        assert "{" in line or line in remaining, f"lost: {line!r}"
    assert merge_text(result, fragments["3.0"], attach_all(fragments["3.0"])) == result


def test_components_go_after_a_trailing_alias(fragments: dict[str, Fragment]) -> None:
    """The composing fallback places text after `key: *alias`, not where the anchor was."""
    text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nx-r: &r\n  '200': {description: ok}\n" \
           "paths:\n  /a:\n    get:\n      responses: *r   # shared\n"
    result = merge_text(text, fragments["3.0"], file="spec.yaml")
    assert result.startswith(text)
    assert "AccessDenied" in yaml.safe_load(result)["components"]["schemas"]


@pytest.mark.parametrize(
    "value", ["#\x85£", "a\x85b", "\x85", "x\u2028y", "a\u2029b", "a\x0bb", "a\x1cb"]
)
def test_line_break_like_characters_in_added_values_survive_yaml(value: str) -> None:
    """Characters Python counts as line ends (but YAML keeps in quoted text) are not split on."""
    spec = "openapi: 3.1.0\ninfo:\n  title: t\n  version: '1'\npaths: {}\n"
    fragment = {"openapi": "3.1.0", "info": {"title": "f", "version": "1"}, "paths": {},
                "components": {"examples": {"Odd": {"value": {"list": [value, "x"]}}}}}
    merged = yaml.safe_load(merge_text(spec, fragment))
    assert merged["components"]["examples"]["Odd"]["value"]["list"] == [value, "x"]


# JSON is scanned as its bytes (one character per byte): what goes in and out is still UTF-8.

@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=40) | st.text(max_size=12).map(str.encode),
       chunk=st.integers(1, 8))
def test_utf8_check_agrees_with_the_decoder(data: bytes, chunk: int) -> None:
    """Checking only the chunks holding non-ASCII bytes finds what decoding would, and where."""
    try:
        expected: int | None = None
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        expected = exc.start
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scan_json, "_CHUNK", chunk)  # small chunks: characters cross their edges
        try:
            assert scan_json.byte_text(data) == data.decode("latin-1")
            found = None
        except UnicodeDecodeError as exc:
            found = exc.start
    assert found == expected


def test_a_json_document_that_is_not_utf8_is_located_and_unchanged(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    original = b'{\n  "openapi": "3.0.3",\n  "info": {"title": "caf\xe9"}\n}\n'
    spec.write_bytes(original)
    result = run_cli("merge", str(spec), "--in-place")
    assert result.exit_code == 2
    assert f"{spec}:3:25: not UTF-8 text (byte 0xe9)" in result.output
    assert spec.read_bytes() == original


def test_non_ascii_json_keeps_its_bytes_and_reads_its_keys(
    fragments: dict[str, Fragment],
) -> None:
    """Raw UTF-8 and \\u escapes both name the same path; text outside the edits is untouched."""
    operation = {"get": {"summary": "🦊 中文", "responses": {}}}
    for style in (False, True):
        text = json.dumps({"openapi": "3.0.3", "info": {"title": "é", "version": "1"},
                           "paths": {"/café": operation, "/plain": operation}},
                          indent=2, ensure_ascii=style)
        fragment = fragments["3.0"]
        attached = attach_all(fragment, "path:/caf*")
        result = plan_merge(text.encode(), [fragment], attached, file="spec.json")
        assert result.attached == [("/café", "get", "561")]
        merged = json.loads(result.result())
        assert merged["paths"]["/café"]["get"]["responses"]["561"] == REF
        assert merged["paths"]["/plain"]["get"]["responses"] == {}
        assert result.result().startswith(text[: text.index('"paths"')])


def test_conflict_columns_count_characters_not_bytes(fragments: dict[str, Fragment]) -> None:
    text = ('{"openapi": "3.0.3", "info": {"title": "ééé", "version": "1"}, "paths": {"/a":'
            ' {"get": {"responses": {"561": {"description": "theirs"}}}}}}')
    with pytest.raises(MergeError) as caught:
        plan_merge(text.encode(), [fragments["3.0"]], attach_all(fragments["3.0"]),
                   file="spec.json")
    (problem,) = [p for p in caught.value.problems if "GET /a" in p.message]
    assert (problem.location.line, problem.location.column) == (1, text.index('"561"') + 1)


def test_a_yaml_alias_bomb_is_merged_without_being_expanded(
    fragments: dict[str, Fragment],
) -> None:
    """Aliases are kept as written: 9 levels of 9 references merge in moments, text unchanged."""
    levels = "".join(
        f"x-l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9 if i else ['"lol"'] * 9) + "]\n"
        for i in range(9)
    )
    text = ("openapi: 3.0.3\ninfo: {title: t, version: '1'}\n" + levels
            + "security: *l8\npaths:\n  /a:\n    get:\n      responses: {}\n")
    started = time.monotonic()
    result = merge_text(text, fragments["3.0"], attach_all(fragments["3.0"], "secured"),
                   file="spec.yaml")
    assert time.monotonic() - started < 5
    assert levels in result
    assert yaml.safe_load(result)["paths"]["/a"]["get"]["responses"]["561"] == REF
    assert yaml.compose(result).value  # still YAML (composing does not expand aliases either)


def test_merge_leaves_the_documents_servers_alone(fragments: dict[str, Fragment]) -> None:
    """The fragment's `servers` entry is never copied: a document without servers gets none,
    one with its own keeps exactly those."""
    text = (MERGE / "commented.yaml").read_text()
    assert "servers" not in yaml.safe_load(text)
    merged = yaml.safe_load(merge_text(text, fragments["3.0"], attach_all(fragments["3.0"])))
    assert "servers" not in merged
    own = "servers:\n  - url: https://api.internal\n" + text.split("\n", 1)[1]
    own = text.split("\n", 1)[0] + "\n" + own
    merged = yaml.safe_load(merge_text(own, fragments["3.0"], attach_all(fragments["3.0"])))
    assert merged["servers"] == [{"url": "https://api.internal"}]


def test_a_document_edited_while_the_merge_plans_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--in-place of one file: a save after merge read the document is not lost."""
    import specgen.splice.plan as plan_module

    spec = tmp_path / "spec.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
                    "      responses:\n        '200': {description: ok}\n")
    planned = plan_module.finish

    def finish_then_edit(planner: Any) -> Any:
        found = planned(planner)
        spec.write_text(spec.read_text() + "# saved meanwhile\n")
        return found

    monkeypatch.setattr(plan_module, "finish", finish_then_edit)
    edited = spec.read_text() + "# saved meanwhile\n"
    result = run_cli("merge", str(spec), "--attach", "all", "--in-place")
    assert result.exit_code == 2
    assert f"{spec}: changed since specgen merge read it" in result.stderr
    assert spec.read_text() == edited

"""Hostile documents and fragments for `merge`: each merges correctly or is refused at a place.

"Correctly" is checked from outside the merge: the result, parsed by PyYAML (or json), equals
the original's parse plus the catalog's components and the attached responses, nothing else;
merging again changes nothing. The self-check inside the merge is tested by breaking the
scanners on purpose: whatever they get wrong is refused, located, and never written.
"""

from __future__ import annotations

import copy
import json
import os
import tarfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import DATA, merge_text

from specgen.catalog.load import embedded_catalog_path, load
from specgen.catalog.rules import parse_rule
from specgen.cli import cli
from specgen.errors import MergeError
from specgen.splice import compose, scan_json, scan_yaml
from specgen.splice.io import attachments, catalog_fragment
from specgen.splice.outline import Edit
from specgen.splice.plan import Fragment

REF = {"$ref": "#/components/responses/Unauthorized561"}
BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def fragment() -> Fragment:
    return catalog_fragment(load(embedded_catalog_path()), "3.0")


def merged(text: str, fragment: Fragment, rule: str = "all", file: str = "spec.yaml") -> str:
    return merge_text(text, fragment, attachments([fragment], [parse_rule(rule)]), file=file)


def parse(text: str | bytes, file: str) -> Any:
    if file.endswith(".json"):
        return json.loads(text)
    return yaml.load(text, Loader=yaml.SafeLoader)


def expected_after(original: Any, result: Any, fragment: Fragment) -> Any:
    """The original with 561 attached to every operation and the fragment's components added
    (aliased operations share their responses in the parse, as they do in the text)."""
    expected = copy.deepcopy(original)
    for item in (expected.get("paths") or {}).values():
        for operation in item.values():
            if isinstance(operation, dict):
                if operation.get("responses") is None:
                    operation["responses"] = {}
                operation["responses"]["561"] = REF
    components = expected.get("components") or {}
    expected["components"] = components
    for section, items in fragment.data["components"].items():
        components[section] = {**(components.get(section) or {}), **items}
    del result  # only the shape of the original and the fragment decide
    return expected


# Documents the line scanner once misread (silently), and others around them: each merges.
MERGES = {
    "tagged_paths.yaml": "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: !!map\n"
                         "  /a:\n    get:\n      responses:\n        '200': {description: ok}\n",
    "tagged_components.yaml": "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
                              "components: !!map\n  schemas: {}\n",
    "quoted_continued_at_column_0.yaml":
        "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n  description: \"one\npaths:\n"
        "  /fake:\n    get: {}\n\"\npaths:\n  /a:\n    get:\n      responses:\n"
        "        '200': {description: ok}\n",
    "single_quoted_continued.yaml":
        "openapi: 3.0.3\ninfo:\n  title: 'it''s\ncomponents: no'\n  version: '1'\npaths:\n"
        "  /a:\n    get:\n      responses: {}\n",
    "flow_mapping_continued_at_column_0.yaml":
        "openapi: 3.0.3\ninfo: {title: t,\nversion: '1'}\npaths:\n  /a:\n    get:\n"
        "      responses:\n        '200': {description: ok}\n",
    "every_alias_selected.yaml":
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get: &list\n"
        "      responses:\n        '200': {description: ok}\n  /animals:\n    get: *list\n",
    "shared_responses_every_alias_selected.yaml":
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      responses: &r\n        '200': {description: ok}\n    put:\n      responses: *r\n",
    "openapi_after_a_nested_one.yaml":
        "info:\n  title: t\n  version: '1'\n  description: |\n    openapi: 2.0\n"
        "  x-old: {openapi: 2.0}\nopenapi: 3.1.0\npaths:\n  /a:\n    get:\n      responses: {}\n",
    "openapi_after_a_nested_one.json":
        '{"info": {"title": "t", "version": "1", "x-old": {"openapi": "2.0"}},\n'
        ' "openapi": "3.0.3",\n "paths": {"/a": {"get": {"responses": {}}}}}\n',
    "responses_with_no_value.yaml":
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      responses:\n    post:\n      responses:\n        201: {description: made}\n",
    "no_final_newline.yaml":
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      responses:\n        '200': {description: ok}",
    "flow_mapping_root.yaml":
        "{openapi: 3.0.3, info: {title: t, version: '1'},\n paths: {/a: {get: {responses: {}}}}}\n",
    "complex_key.yaml": "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  ? /a\n"
                        "  : get:\n      responses: {}\n",
    "block_scalar_with_keys.yaml":
        "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n  description: |\n    paths:\n"
        "      /x:\n        get: {}\npaths:\n  /a:\n    get:\n      responses: {}\n",
    "aliased_path_item.yaml": "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
                              "  /a: &item\n    get:\n      responses: {}\n  /b: *item\n",
    "json_odd_whitespace.json":
        '{ "openapi" : "3.0.3" ,\r\n\t"info" : {"title":"t","version":"1"},'
        '"paths":{"/a":{"get":{"responses":{ }}}} }  \n\n',
    "key_with_colon_and_quotes.yaml":
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  \"/a: b\":\n    get:\n"
        "      responses: {'200': {description: ok}}\n  '/it''s':\n    get: {responses: {}}\n",
}


@pytest.mark.parametrize("name", sorted(MERGES))
def test_hostile_document_merges_into_exactly_the_additions(name: str,
                                                            fragment: Fragment) -> None:
    """PyYAML's (or json's) reading of the result is the original's plus the additions."""
    text = MERGES[name]
    result = merged(text, fragment, file=name)
    assert parse(result, name) == expected_after(parse(text, name), parse(result, name), fragment)
    assert merged(result, fragment, file=name) == result


@pytest.mark.parametrize("name", ["bom.yaml", "bom.json"])
def test_a_byte_order_mark_is_accepted_and_kept(name: str, tmp_path: Path) -> None:
    """A BOM in front of a YAML or JSON spec survives byte for byte, and the rest merges."""
    body = (b'{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},\n'
            b' "paths": {"/a": {"get": {"responses": {}}}}}\n') if name.endswith(".json") else (
        b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
        b"      responses: {}\n")
    spec = tmp_path / name
    spec.write_bytes(BOM + body)
    result = CliRunner().invoke(cli, ["merge", str(spec), "--attach", "all", "--in-place"])
    assert result.exit_code == 0, result.stderr
    data = spec.read_bytes()
    assert data.startswith(BOM) and not data.startswith(BOM * 2)
    assert parse(data[3:].decode(), name)["paths"]["/a"]["get"]["responses"]["561"] == REF


# --- the self-check --------------------------------------------------------------------------

YAML_SPEC = ("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
             "      responses:\n        '200': {description: ok}\n  /b:\n    get:\n"
             "      description: |\n        text\n      responses: {}\n")
JSON_SPEC = ('{\n  "openapi": "3.0.3",\n  "info": {"title": "t", "version": "1"},\n'
             '  "paths": {\n    "/a": {"get": {"responses": {"200": {"description": "ok"}}}}\n'
             "  }\n}\n")


def _shifted(insert: Any, shift: int) -> Any:
    def wrong(self: Any, node: Any, entries: dict[str, Any]) -> Edit:
        edit = insert(self, node, entries)
        return Edit(edit.start + shift, edit.end + shift, edit.text)

    return wrong


@pytest.mark.parametrize("shift", [-1, 1, -12])
def test_a_line_scanner_mistake_is_caught_and_the_document_composed_instead(
    fragment: Fragment, monkeypatch: pytest.MonkeyPatch, shift: int,
) -> None:
    """Edits the line scanner places a few characters off are caught by re-parsing, and the
    merge is made again by the composing reader: the result is right."""
    right = merged(YAML_SPEC, fragment)
    monkeypatch.setattr(scan_yaml.YamlOutline, "insert",
                        _shifted(scan_yaml.YamlOutline.insert, shift))
    assert merged(YAML_SPEC, fragment) == right


def _break_both_yaml_readers(monkeypatch: pytest.MonkeyPatch, shift: int) -> None:
    monkeypatch.setattr(scan_yaml.YamlOutline, "insert",
                        _shifted(scan_yaml.YamlOutline.insert, shift))
    monkeypatch.setattr(compose.ComposedOutline, "insert",
                        _shifted(compose.ComposedOutline.insert, shift))


@pytest.mark.parametrize("shift", [-1, 1, -12])
def test_a_yaml_scanner_mistake_is_refused_at_the_edit(
    fragment: Fragment, monkeypatch: pytest.MonkeyPatch, shift: int,
) -> None:
    """Edits placed a few characters off by both YAML readers are refused, located."""
    _break_both_yaml_readers(monkeypatch, shift)
    with pytest.raises(MergeError) as caught:
        merged(YAML_SPEC, fragment)
    (problem,) = caught.value.problems
    assert problem.location.file == "spec.yaml" and problem.location.line is not None
    assert "would not read as planned" in problem.message or "YAML" in problem.message


@pytest.mark.parametrize("shift", [-1, 1, 2])
def test_a_json_scanner_mistake_is_refused_at_the_edit(
    fragment: Fragment, monkeypatch: pytest.MonkeyPatch, shift: int,
) -> None:
    monkeypatch.setattr(scan_json.JsonOutline, "insert",
                        _shifted(scan_json.JsonOutline.insert, shift))
    with pytest.raises(MergeError) as caught:
        merged(JSON_SPEC, fragment, file="spec.json")
    (problem,) = caught.value.problems
    assert problem.location.file == "spec.json" and problem.location.line is not None
    assert "would not read as planned" in problem.message


def test_a_scanner_mistake_in_the_cli_writes_nothing(
    fragment: Fragment, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    """`--in-place` with a wrong edit: exit 2, a located message, the file untouched."""
    del fragment
    _break_both_yaml_readers(monkeypatch, -1)
    spec = tmp_path / "spec.yaml"
    spec.write_text(YAML_SPEC)
    result = CliRunner().invoke(cli, ["merge", str(spec), "--attach", "all", "--in-place"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{spec}:")
    assert "Traceback" not in result.stderr
    assert spec.read_text() == YAML_SPEC
    assert [p.name for p in tmp_path.iterdir()] == ["spec.yaml"]


def test_a_wrong_value_is_refused(fragment: Fragment, monkeypatch: pytest.MonkeyPatch) -> None:
    """Text that parses but says something else than planned is refused too."""
    render = scan_yaml.YamlStyle.render

    def wrong(self: Any, entries: dict[str, Any], indent: int) -> str:
        return str(render(self, entries, indent)).replace("Unauthorized561", "Unauthorized562")

    monkeypatch.setattr(scan_yaml.YamlStyle, "render", wrong)
    with pytest.raises(MergeError, match="would not read as planned"):
        merged(YAML_SPEC, fragment)


# --- fragments and inputs of the wrong kind --------------------------------------------------

BAD_FRAGMENTS = {
    "components: []": "fragment.yaml:1:1: components must be a mapping",
    "components: {responses: [1]}": "fragment.yaml:1:14: components/responses must be a mapping",
    "components: {schemas: 3}": "fragment.yaml:1:14: components/schemas must be a mapping",
    "components: {responses: {X: 5}}": "fragment.yaml:1:26: the response 'X' must be a mapping",
    "components: {responses: {X: {description: d, x-specgen: 3}}}":
        "fragment.yaml:1:46: x-specgen must be a mapping",
    "components: {responses: {X: {description: d, x-specgen: {attach: all}}}}":
        "fragment.yaml:1:58: attach is a list of rules (strings)",
    "components: {responses: {X: {description: d, x-specgen: {attach: [1]}}}}":
        "fragment.yaml:1:58: attach is a list of rules (strings)",
    "x-specgen: [1]": "fragment.yaml:1:1: x-specgen must be a mapping",
    "x-specgen: {codes: [401]}": "fragment.yaml:1:13: x-specgen/codes must be a mapping",
    "x-specgen: {codes: {'401': [X]}}": "fragment.yaml:1:21: a code names a response",
    "paths: 3": "fragment.yaml:1:1: paths must be a mapping",
    "[1, 2]": "fragment.yaml: a fragment is an OpenAPI document (a mapping)",
}


@pytest.mark.parametrize("text", sorted(BAD_FRAGMENTS))
def test_a_fragment_of_the_wrong_shape_is_a_located_error(text: str, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(YAML_SPEC)
    (tmp_path / "fragment.yaml").write_text(text + "\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        result = CliRunner().invoke(cli, ["merge", "spec.yaml", "--fragment", "fragment.yaml",
                                          "--in-place"])
    assert result.exit_code == 2
    assert result.stderr.startswith(BAD_FRAGMENTS[text]), result.stderr
    assert spec.read_text() == YAML_SPEC


def test_replacing_a_path_and_attaching_inside_it_is_refused(tmp_path: Path) -> None:
    """--on-conflict replace of a path item plus an attachment to its operation: the two
    edits would overlap, so the merge says to do them one at a time."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(YAML_SPEC)
    fragment = tmp_path / "fragment.yaml"
    fragment.write_text("paths:\n  /a:\n    get:\n      responses:\n"
                        "        '200': {description: other}\n")
    result = CliRunner().invoke(cli, ["merge", str(spec), "--fragment", str(fragment),
                                      "--on-conflict", "replace", "--attach", "all",
                                      "--in-place"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"{spec}:4:3: cannot replace /paths/~1a and change /paths/~1a/get/responses inside it"
        " in one merge; merge the replacement first (--on-conflict replace without --attach),"
        " then attach\n")
    assert spec.read_text() == YAML_SPEC


FLOW_RESPONSES = {
    "one line": ('    get:\n      responses: {"429": {description: x}}\n', 6, 18),
    "flow operation": ('    get: {responses: {"429": {description: x}}}\n', 5, 22),
    "on two lines": ('    get:\n      responses: {"200": {description: OK},\n'
                     '        "429": {description: x}}\n', 6, 18),
}


@pytest.mark.parametrize("case", FLOW_RESPONSES, ids=list(FLOW_RESPONSES))
def test_replacing_in_a_flow_style_mapping_is_refused_saying_how_to_fix_it(
    tmp_path: Path, case: str
) -> None:
    """--on-conflict replace of an entry of a flow-style `responses` mapping: refused at the
    mapping, saying to write it in block style; the same merge succeeds once it is."""
    operation, line, column = FLOW_RESPONSES[case]
    head = 'openapi: 3.1.0\ninfo: {title: T, version: "1"}\npaths:\n  /a:\n'
    spec = tmp_path / "spec.yaml"
    spec.write_text(head + operation)
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text("specgen: 1\ninfo: {title: T, version: '1'}\n"
                       "codes: {429: {reason: Too Many Requests, summary: Slow down.}}\n")
    args = ["merge", str(spec), "--catalog", str(catalog), "--attach", "all",
            "--on-conflict", "replace", "--in-place"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{spec}:{line}:{column}: cannot merge here: cannot replace an entry of a flow-style"
        " mapping ({...}); write this mapping in block style (one entry per line) and merge"
        " again\n")
    assert spec.read_text() == head + operation
    # In block style, as the message says:
    responses = yaml.safe_load(spec.read_text())["paths"]["/a"]["get"]["responses"]
    block = yaml.safe_dump({"get": {"responses": responses}}, default_flow_style=False)
    spec.write_text(head + "".join("    " + row + "\n" for row in block.splitlines()))
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert yaml.safe_load(spec.read_text())["paths"]["/a"]["get"]["responses"]["429"] == {
        "$ref": "#/components/responses/TooManyRequests429"}


@pytest.mark.parametrize("where", ["spec", "fragment"])
@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_a_fifo_or_device_is_refused_without_blocking(
    tmp_path: Path, where: str, kind: str
) -> None:
    """Not a regular file: refused at once (opening a FIFO would block, /dev/zero never ends)."""
    if kind == "fifo":
        special = tmp_path / "pipe.yaml"
        os.mkfifo(special)
    else:
        special = Path("/dev/zero")
    spec = tmp_path / "spec.yaml"
    spec.write_text(YAML_SPEC)
    args = ["merge", str(special)] if where == "spec" else ["merge", str(spec), "--fragment",
                                                          str(special)]
    outcome: list[Any] = []
    runner = threading.Thread(
        target=lambda: outcome.append(CliRunner().invoke(cli, [*args, "-o", "-"])), daemon=True)
    started = time.monotonic()
    runner.start()
    runner.join(10)
    if kind == "fifo" and runner.is_alive():  # unblock the reader so the thread ends
        with special.open("wb"):
            pass
    assert outcome and time.monotonic() - started < 10
    assert outcome[0].exit_code == 2
    assert outcome[0].stderr == f"{special}: is not a regular file\n"


# --- documents as teams write them (issue 15) -------------------------------------------------


@pytest.mark.parametrize("spec", [JSON_SPEC, JSON_SPEC.replace("\n", " ").replace("  ", "")
                                  .replace("{ ", "{").replace('"paths": {', '"paths": {\n')])
def test_crlf_json_gets_crlf_lines(spec: str, fragment: Fragment) -> None:
    """Inserted lines in a CRLF JSON document end in CRLF too: no mixed line endings."""
    crlf = spec.replace("\n", "\r\n")
    result = merged(crlf, fragment, file="spec.json")
    assert "\n" not in result.replace("\r\n", "")
    assert json.loads(result)["paths"]["/a"]["get"]["responses"]["561"] == REF


REF_SPECS = {
    "mapping": "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n"
               "  responses:\n    $ref: ./responses.yaml\n",
    "json components": '{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},'
                       ' "paths": {}, "components": {"responses": {"$ref": "./r.json"}}}',
}


@pytest.mark.parametrize("what", sorted(REF_SPECS))
def test_nothing_is_written_beside_a_ref(what: str, fragment: Fragment) -> None:
    """A `$ref`'s siblings are ignored by readers (and dropped by bundlers): refused, located
    at the `$ref`, instead of writing responses or components next to it."""
    file = "spec.json" if what.startswith("json") else "spec.yaml"
    with pytest.raises(MergeError, match=r"is a \$ref to .*never writes beside a \$ref") as caught:
        merged(REF_SPECS[what], fragment, file=file)
    assert caught.value.problems[0].location.line is not None


@pytest.mark.parametrize("spec", [
    "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
    "      $ref: ./operations/get-a.yaml\n",
    "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    $ref: ./paths/a.yaml\n",
], ids=["operation", "path item"])
def test_a_document_given_as_text_follows_no_file(spec: str, fragment: Fragment) -> None:
    """Text has no folder to find other files in: a reference to another file is refused at
    the `$ref` (line 5 or 6), saying how to merge a multi-file description."""
    with pytest.raises(MergeError, match=r"another file is followed only when the document is"
                                         r" read from a file .*merge_files") as caught:
        merged(spec, fragment, file="spec.yaml")
    assert caught.value.problems[0].location.line in (5, 6)


HOOKS = """openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /subscribe:
    post:
      security: [{token: []}]
      responses:
        '201': {description: subscribed}
      callbacks:
        onEvent:
          '{$request.body#/url}':
            post:
              responses:
                '200': {description: received}
        byReference:
          $ref: '#/components/callbacks/Shared'
webhooks:
  newPet:
    post:
      responses:
        '200': {description: ok}
components:
  callbacks:
    Shared: {}
"""


def _attached(result: str) -> set[str]:
    data = yaml.safe_load(result)
    found = set()
    if "561" in data["paths"]["/subscribe"]["post"]["responses"]:
        found.add("paths")
    callback = data["paths"]["/subscribe"]["post"]["callbacks"]["onEvent"]
    if "561" in callback["{$request.body#/url}"]["post"]["responses"]:
        found.add("callbacks")
    if "561" in data["webhooks"]["newPet"]["post"]["responses"]:
        found.add("webhooks")
    return found


@pytest.mark.parametrize(("rules", "places"), [
    (["all"], {"paths"}),
    (["webhooks"], {"webhooks"}),
    (["all", "webhooks"], {"paths", "webhooks"}),
    (["secured", "method:post,webhooks"], {"paths", "webhooks"}),
])
def test_webhooks_are_attached_only_when_a_rule_names_them(
    fragment: Fragment, rules: list[str], places: set[str]
) -> None:
    """The default stays operations under paths; `webhooks` selects the webhooks' operations."""
    result = merge_text(HOOKS, fragment, attachments([fragment], [parse_rule(r) for r in rules]),
                        file="hooks.yaml")
    assert _attached(result) == places


def test_callbacks_by_reference_are_refused_when_callbacks_are_selected(
    fragment: Fragment,
) -> None:
    """A callback given as a $ref cannot be attached to in place; the refusal says where."""
    with pytest.raises(MergeError, match=r"hooks.yaml:16:11: .*this callback is a \$ref"):
        merge_text(HOOKS, fragment, attachments([fragment], [parse_rule("callbacks")]),
                   file="hooks.yaml")


def test_callbacks_are_attached_when_selected(fragment: Fragment) -> None:
    hooks = HOOKS.replace("        byReference:\n          $ref: '#/components/callbacks/Shared'\n",
                          "")
    result = merge_text(hooks, fragment, attachments([fragment], [parse_rule("callbacks")]),
                        file="hooks.yaml")
    assert _attached(result) == {"callbacks"}
    as_json = json.dumps(yaml.safe_load(hooks), indent=2)
    result = merge_text(as_json, fragment, attachments(
        [fragment], [parse_rule("callbacks"), parse_rule("webhooks")]), file="hooks.json")
    assert _attached(result) == {"callbacks", "webhooks"}


REFERENCED = """openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /pets:
    $ref: '#/components/pathItems/Pets'
  /animals:
    $ref: '#/components/pathItems/Pets'
  /cats:
    $ref: '#/paths/~1dogs'
  /dogs:
    get:
      responses:
        '200': {description: ok}
components:
  pathItems:
    Pets:
      get:
        responses:
          '200': {description: ok}
"""


@pytest.mark.parametrize("file", ["spec.yaml", "spec.json"])
def test_path_items_by_local_reference_are_followed_and_attached_once(
    fragment: Fragment, file: str
) -> None:
    """`$ref` to a path item of the same document: the response goes where the operation
    lives, once, however many paths reference it; nothing is written beside the $ref."""
    text = REFERENCED if file.endswith(".yaml") else json.dumps(yaml.safe_load(REFERENCED),
                                                                  indent=2)
    result = merged(text, fragment, file=file)
    data = parse(result, file)
    assert data["components"]["pathItems"]["Pets"]["get"]["responses"]["561"] == REF
    assert data["paths"]["/dogs"]["get"]["responses"]["561"] == REF
    assert data["paths"]["/pets"] == {"$ref": "#/components/pathItems/Pets"}
    assert data["paths"]["/cats"] == {"$ref": "#/paths/~1dogs"}
    assert result.count("#/components/responses/Unauthorized561") == 2  # Pets once, /dogs once
    assert merged(result, fragment, file=file) == result


def test_an_operation_shared_by_reference_but_selected_for_one_path_is_refused(
    fragment: Fragment,
) -> None:
    """Editing the shared operation would attach to /animals too, which the rule leaves out."""
    with pytest.raises(MergeError, match=r"spec.yaml:18:9: cannot merge here: GET /animals and"
                                         r" GET /pets are one operation \(through \$ref\)"):
        merged(REFERENCED, fragment, rule="path:/pets")


@pytest.mark.parametrize("ref", ["./paths/pets.yaml", "#/x-items/pets",
                                 "#/components/pathItems/No"])
def test_a_path_item_reference_that_cannot_be_followed_is_refused(
    fragment: Fragment, ref: str
) -> None:
    """Refused at the `$ref`: another file (text has no folder), or a place of the document
    that holds no path item specgen reads."""
    text = REFERENCED.replace("'#/components/pathItems/Pets'\n  /animals", f"'{ref}'\n  /animals")
    with pytest.raises(MergeError, match=r"spec.yaml:5:5: cannot follow the \$ref"):
        merged(text, fragment)


@pytest.mark.parametrize(("where", "size", "message"), [
    ("spec", 257 * 1024 * 1024, "specs are limited to 268,435,456 bytes"),
    ("fragment", 21 * 1024 * 1024, "fragments are limited to 20,971,520 bytes"),
])
def test_an_input_over_the_size_cap_is_refused_before_it_is_read(
    tmp_path: Path, where: str, size: int, message: str
) -> None:
    """The size is read from the file system (a sparse file here), so nothing is loaded."""
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(size)
    spec = tmp_path / "spec.yaml"
    spec.write_text(YAML_SPEC)
    args = [str(big)] if where == "spec" else [str(spec), "--fragment", str(big)]
    result = CliRunner().invoke(cli, ["merge", *args, "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code == 2
    assert result.stderr == f"{big}: file is {size:,} bytes; {message}\n"
    assert not (tmp_path / "out.yaml").exists()


def test_digitalocean_root_without_its_files_is_refused_not_damaged(tmp_path: Path) -> None:
    """DigitalOcean's root file alone: every operation is `get: {$ref: resources/...yml}`.
    Writing `responses` beside those $refs was silently lost after bundling; the merge follows
    them, and with the files missing it stops at the first one and leaves the file as it was."""
    with tarfile.open(DATA / "merge" / "multi" / "digitalocean.tar.gz") as tar:
        root = tar.extractfile("specification/DigitalOcean-public.v2.yaml")
        assert root is not None
        before = root.read()
    spec = tmp_path / "DigitalOcean-public.v2.yaml"
    spec.write_bytes(before)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        result = CliRunner().invoke(cli, ["merge", spec.name, "--in-place"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"{spec.name}:733:7: cannot follow the $ref 'resources/1-clicks/oneClicks_list.yml':"
        " no such file\n")
    assert spec.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [spec.name]

"""Multi-file descriptions: `$ref`s to path items and operations in other files are followed, the
response is attached where the operation lives, and every file is written all or nothing.

The real descriptions (DigitalOcean's `specification/`, Redocly's openapi-starter) are kept as
archives under tests/data/merge/multi/ (see SOURCES.md) and unpacked into a temporary folder.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from node import BUNDLER, NODE, install

from specgen import MergeError, merge_files
from specgen.catalog.rules import METHODS
from specgen.catalog.yaml_source import YamlLoader
from specgen.cli import cli
from specgen.output.tree import Tree

MULTI = Path(__file__).parent / "data" / "merge" / "multi"
DO_ROOT = "specification/DigitalOcean-public.v2.yaml"
STARTER_ROOT = "openapi/openapi.yaml"
RESPONSE = "#/components/responses/Unauthorized561"


def unpack(archive: str, folder: Path) -> None:
    with tarfile.open(MULTI / archive) as tar:
        tar.extractall(folder, filter="data")


@pytest.fixture
def digitalocean(tmp_path: Path) -> Path:
    """DigitalOcean's description, unpacked; the root file's path."""
    unpack("digitalocean.tar.gz", tmp_path)
    return tmp_path / DO_ROOT


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    """Redocly's openapi-starter, unpacked; the root file's path."""
    unpack("redocly-openapi-starter.tar.gz", tmp_path)
    return tmp_path / STARTER_ROOT


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder (relative path → bytes)."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def merge(spec: Path, *args: str) -> Result:
    """`specgen merge` run in the root file's folder, on the root file's name."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(spec.parent)
        return CliRunner().invoke(cli, ["merge", spec.name, *args])


def only_insertions(before: bytes, after: bytes, *, by_line: bool = True) -> bool:
    """Whether `after` is `before` with lines (or, not `by_line`, bytes) inserted and nothing
    else changed."""
    old, new = (before.splitlines(True), after.splitlines(True)) if by_line else (before, after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return all(tag in ("equal", "insert") for tag, *_ in matcher.get_opcodes())


def responses_561(text: bytes) -> list[str]:
    """The $ref of every 561 response in a file of operations (any depth)."""
    found = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("responses"), dict) and "561" in value["responses"]:
                found.append(value["responses"]["561"]["$ref"])
            for item in value.values():
                walk(item)

    walk(yaml.safe_load(text))
    return found


def test_digitalocean_gets_its_responses_where_the_operations_live(digitalocean: Path) -> None:
    """All 659 operations are `$ref`s to files under resources/: each file but the one public
    operation's gets the 561 response, as a reference back to the root file's component (which
    resolves from that file), by insertions only; the root file gets the components; the
    summary names every file changed; a second merge changes nothing."""
    folder = digitalocean.parent
    before = snapshot(folder)
    result = merge(digitalocean, "--attach", "secured", "--in-place")
    assert result.exit_code == 0, result.stderr
    after = snapshot(folder)
    changed = sorted(name for name in before if after[name] != before[name])
    assert set(after) == set(before)  # no file added, no leftover
    assert len(changed) == 659  # 658 operation files and the root
    assert "DigitalOcean-public.v2.yaml: 561 on 658 operations (all new)" in result.stderr
    for name in changed:
        assert only_insertions(before[name], after[name]), name
        assert f"DigitalOcean-public.v2.yaml: changed {name}\n" in result.stderr
        if name == digitalocean.name:
            assert "Unauthorized561" in yaml.safe_load(after[name])["components"]["responses"]
            continue
        refs = responses_561(after[name])
        assert len(refs) == 1, name
        target, _, pointer = refs[0].partition("#")
        assert (folder / name).parent.joinpath(target).resolve() == digitalocean.resolve()
        assert "#" + pointer == RESPONSE
    assert merge(digitalocean, "--attach", "secured", "--in-place").exit_code == 0
    assert snapshot(folder) == after
    again = merge(digitalocean, "--attach", "secured", "--check")
    assert again.exit_code == 0
    assert "changed" not in again.stderr


def test_check_reports_every_file_a_merge_would_change(digitalocean: Path) -> None:
    folder = digitalocean.parent
    before = snapshot(folder)
    result = merge(digitalocean, "--attach", "secured", "--check")
    assert result.exit_code == 1
    assert result.stderr.count(": would change ") == 659
    assert "would change resources/apps/apps_list.yml\n" in result.stderr
    assert snapshot(folder) == before


@pytest.mark.parametrize("option", [["-o", "out.yaml"], ["--overlay", "overlay.yaml"], []])
def test_one_output_cannot_hold_a_multi_file_merge(starter: Path, option: list[str]) -> None:
    """-o, --overlay (and stdout) name one output: refused, saying to use --in-place or to
    bundle first; nothing written."""
    before = snapshot(starter.parent)
    result = merge(starter, "--attach", "all", *option)
    assert result.exit_code == 2
    assert "this merge changes other files of the description (paths/menu.yaml and 7 more)" in (
        result.stderr)
    assert "use --in-place to write every file" in result.stderr
    assert "bundle the description into one file first" in result.stderr
    assert result.stdout == ""
    assert snapshot(starter.parent) == before


def test_starter_path_items_and_webhooks_in_other_files(starter: Path) -> None:
    """Redocly's starter gives path items (file names with braces) and a webhook as `$ref`s to
    files: every operation there gets the response, by insertions only, idempotently."""
    folder = starter.parent
    before = snapshot(folder)
    result = merge(starter, "--attach", "all", "--attach", "webhooks", "--in-place")
    assert result.exit_code == 0, result.stderr
    after = snapshot(folder)
    changed = sorted(name for name in before if after[name] != before[name])
    assert len(changed) == 10  # the root, 8 path items, 1 webhook
    for name in changed:
        assert only_insertions(before[name], after[name]), name
        yaml.safe_load(after[name])
    assert responses_561(after["paths/orders_{orderId}.yaml"]) == [
        "../openapi.yaml" + RESPONSE] * 3
    assert responses_561(after["webhooks/order-notification.yaml"]) == [
        "../openapi.yaml" + RESPONSE]
    assert merge(starter, "--attach", "all", "--attach", "webhooks", "--check").exit_code == 0


def _fail_on_second(method: str, patch: pytest.MonkeyPatch) -> None:
    """Make Tree's `method` fail (no space left) on its second call."""
    original = getattr(Tree, method)
    calls = []

    def failing(self: Tree, *args: object) -> object:
        calls.append(args)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return original(self, *args)

    patch.setattr(Tree, method, failing)


@pytest.mark.parametrize("method", ["create", "rename"])
def test_a_file_that_cannot_be_written_leaves_every_file_as_it_was(
    starter: Path, method: str
) -> None:
    """One file failing while the temporaries are written (`create`) or renamed into place
    (`rename`, after the first file was replaced): every file keeps its bytes, no temporary is
    left, and the error names the file (works as root, where permissions would not stop it)."""
    folder = starter.parent
    before = snapshot(folder)
    with pytest.MonkeyPatch.context() as patch:
        _fail_on_second(method, patch)
        result = merge(starter, "--attach", "all", "--in-place")
    assert result.exit_code == 2
    assert result.stderr.endswith(": cannot write: No space left on device\n")
    assert snapshot(folder) == before


def test_merge_files_returns_and_writes_every_changed_file(starter: Path) -> None:
    folder = starter.parent
    before = snapshot(folder)
    changed = merge_files(starter, attach=["all"])
    assert snapshot(folder) == before  # not written
    assert starter in changed and folder / "paths" / "menu.yaml" in changed
    assert len(changed) == 9  # the root and 8 path items
    written = merge_files(starter, attach=["all"], write=True)
    assert written == changed
    assert all(path.read_text(encoding="utf-8") == text for path, text in changed.items())
    assert merge_files(starter, attach=["all"]) == {}


ROOT_YAML = """openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /a:
    get:
      $ref: REF
"""


def _description(tmp_path: Path, ref: str, files: dict[str, str]) -> Path:
    folder = tmp_path / "api"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    spec = folder / "openapi.yaml"
    spec.write_text(ROOT_YAML.replace("REF", ref), encoding="utf-8")
    return spec


OPERATION = "responses:\n  '200': {description: ok}\n"


@pytest.mark.parametrize(("ref", "files", "why"), [
    ("../../etc/passwd", {}, "it leaves the root file's folder"),
    ("../outside.yaml", {}, "it leaves the root file's folder"),
    ("ops/../../outside.yaml", {}, "it leaves the root file's folder"),
    ("/etc/passwd", {}, "an absolute path"),
    ("'%2Fetc%2Fpasswd'", {}, "an absolute path"),
    ("https://example.com/op.yaml", {}, "specgen reads no URLs"),
    ("file:///etc/passwd", {}, "specgen reads no URLs"),
    ("ops/missing.yaml", {}, "no such file"),
    ("ops", {"ops/a.yaml": OPERATION}, "is a folder"),
    ("ops/a.yaml#/nowhere", {"ops/a.yaml": OPERATION}, "it leads to no mapping specgen reads"),
    ("ops/a.yaml#name", {"ops/a.yaml": OPERATION}, "its fragment is not a JSON pointer"),
    ("ops/link.yaml", {"ops/a.yaml": OPERATION}, "it goes through a symbolic link"),
    ("ops/escape.yaml", {}, "it goes through a symbolic link"),
    ("'#/paths/~1a/get'", {}, "leads back to itself"),
    ("ops/a.yaml", {"ops/a.yaml": "$ref: b.yaml\n", "ops/b.yaml": "$ref: a.yaml\n"},
     "leads back to itself"),
    # A reference to a mapping around it (the root file, the path item) is a cycle too.
    ("openapi.yaml", {}, "the $ref 'openapi.yaml' leads back to itself"),
    ("'ops/../openapi.yaml#'", {}, "leads back to itself"),
    ("'#/paths/~1a'", {}, "the $ref '#/paths/~1a' leads back to itself"),
    ("ops/p.yaml", {"ops/p.yaml": "get:\n  responses: {}\n"},
     "it leads to a mapping that is not an operation ('get' is no field of one)"),
    ("ops/doc.yaml", {"ops/doc.yaml": "openapi: 3.1.0\ninfo:\n  title: t\npaths: {}\n"},
     "it leads to a mapping that is not an operation ('openapi' is no field of one)"),
])
def test_a_reference_that_cannot_be_followed_is_refused_at_the_ref(
    tmp_path: Path, ref: str, files: dict[str, str], why: str
) -> None:
    """Hostile or broken references: refused at the `$ref` (file:line:col), nothing written,
    nothing outside the folder read."""
    (tmp_path / "outside.yaml").write_text(OPERATION, encoding="utf-8")
    spec = _description(tmp_path, ref, files)
    (spec.parent / "ops").mkdir(exist_ok=True)
    (spec.parent / "ops" / "link.yaml").symlink_to("a.yaml")
    (spec.parent / "ops" / "escape.yaml").symlink_to("../../outside.yaml")
    before = snapshot(tmp_path)
    result = merge(spec, "--attach", "all", "--in-place")
    assert result.exit_code == 2
    assert why in result.stderr
    first = result.stderr.splitlines()[0]
    if ref.startswith("ops/a.yaml") and "b.yaml" in files.get("ops/a.yaml", ""):
        assert first.startswith("ops/b.yaml:1:1: cannot follow") or first.startswith(
            "ops/b.yaml:1:1: the $ref 'a.yaml' leads back")
    else:
        assert first.startswith("openapi.yaml:6:7: ")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(("files", "message"), [
    ({"ops/a.yaml": "responses: [1, 2]\n"}, "ops/a.yaml:1:1: cannot merge here: responses is"
                                            " not a mapping"),
    ({"ops/a.yaml": "responses:\n  $ref: r.yaml\n"}, "ops/a.yaml:2:3: cannot merge here: this"
                                                     " mapping is a $ref to 'r.yaml'"),
    ({"ops/a.yaml": "responses: {a: 1\n"}, "ops/a.yaml:2:1: cannot merge here: invalid YAML"),
    ({"ops/a.yaml": "responses:\n  '561': {description: mine}\n"},
     "ops/a.yaml:2:3: GET /a already has a 561 response"),
    ({"ops/a.json": '{"responses": {}, "x": ' + '{"x": ' * 5000 + "{}" + "}" * 5001},
     "ops/a.json:1:24: cannot merge here: values nested too deeply"),
    ({"ops/a.json#" + "/a" * 33: "{}"},
     "openapi.yaml:6:7: cannot follow the $ref 'ops/a.json#/a/a/"),
])
def test_a_problem_in_another_file_is_located_in_that_file(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    """Refused where the problem is (the other file, or the `$ref`), nothing written. Each case
    holds one file; its name is also the reference (a pointer after `#` is not in the name)."""
    (ref, text), = files.items()
    spec = _description(tmp_path, ref, {ref.partition("#")[0]: text})
    before = snapshot(tmp_path)
    result = merge(spec, "--attach", "all", "--in-place")
    assert result.exit_code == 2
    assert result.stderr.startswith(message), result.stderr
    assert snapshot(tmp_path) == before


def test_a_path_item_reference_to_an_operation_is_refused(tmp_path: Path) -> None:
    """`/a: {$ref: op.yaml}` where op.yaml holds an operation, not a path item: refused at the
    `$ref` (it would have no operations, and the response would silently attach nowhere)."""
    spec = _description(tmp_path, "ops/a.yaml", {"ops/a.yaml": OPERATION})
    spec.write_text(spec.read_text(encoding="utf-8").replace("    get:\n      $ref",
                                                             "    $ref"), encoding="utf-8")
    before = snapshot(tmp_path)
    result = merge(spec, "--attach", "all", "--in-place")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "openapi.yaml:5:5: cannot follow the $ref 'ops/a.yaml': it leads to a mapping that is"
        " not a path item ('responses' is no field of one)"), result.stderr
    assert snapshot(tmp_path) == before


def test_an_operation_file_reached_from_several_paths_is_edited_once(tmp_path: Path) -> None:
    spec = _description(tmp_path, "ops/a.yaml", {"ops/a.yaml": OPERATION})
    spec.write_text(spec.read_text(encoding="utf-8")
                    + "  /b:\n    get:\n      $ref: './ops/a.yaml#'\n", encoding="utf-8")
    result = merge(spec, "--attach", "all", "--in-place")
    assert result.exit_code == 0, result.stderr
    assert "561 on 2 operations (1 new): GET /a, GET /b" in result.stderr
    assert (spec.parent / "ops" / "a.yaml").read_text(encoding="utf-8") == (
        OPERATION + "  '561':\n    $ref: ../openapi.yaml" + RESPONSE + "\n")


def test_a_document_given_as_text_names_merge_files() -> None:
    from specgen import merge as merge_text

    with pytest.raises(MergeError, match=r"<spec>:6:7: .*specgen.merge_files"):
        merge_text(ROOT_YAML.replace("REF", "ops/a.yaml"), attach=["all"])


@pytest.fixture(scope="session")
def redocly() -> Path:
    """The pinned Redocly CLI (installed into bench/.node/bundler/ on first use). Without npm or
    network it skips, except in CI (`CI` set), where the bundling proof must run."""
    try:
        return install(BUNDLER, prefix=NODE / "bundler") / "redocly"
    except RuntimeError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redocly CLI is needed in CI: {exc}")
        pytest.skip(str(exc))


def bundle(redocly: Path, spec: Path) -> dict[str, Any]:
    """The description bundled into one document by the publisher's tool, read back."""
    out = spec.parent.parent / f"{spec.parent.name}.bundled.yaml"
    done = subprocess.run([str(redocly), "bundle", spec.name, "-o", str(out)], cwd=spec.parent,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "REDOCLY_TELEMETRY": "off",
                               "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"})
    assert done.returncode == 0, done.stderr[-3000:]
    data: dict[str, Any] = yaml.load(out.read_text(encoding="utf-8"), Loader=YamlLoader)
    return data


def validation_errors(document: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    from openapi_spec_validator.validation import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    validator = (OpenAPIV31SpecValidator if str(document["openapi"]).startswith("3.1")
                 else OpenAPIV30SpecValidator)
    return [(tuple(error.absolute_path), error.message)
            for error in validator(document).iter_errors()]


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(path, method): operation
            for path, item in document["paths"].items() for method, operation in item.items()
            if method in METHODS}


@pytest.mark.parametrize(("archive", "root", "rule", "public"), [
    ("digitalocean.tar.gz", DO_ROOT, "secured", 1),
    ("redocly-openapi-starter.tar.gz", STARTER_ROOT, "all", 0),
])
def test_the_publishers_bundler_sees_every_original_response_and_the_attached_one(
    redocly: Path, tmp_path: Path, archive: str, root: str, rule: str, public: int
) -> None:
    """`redocly bundle` of the merged description: every operation keeps exactly its original
    responses and gets the 561 (a local reference to the bundled component) where the rule
    selects it; openapi-spec-validator finds nothing more to say than about the original's
    bundle (each publisher's own bundle has one finding of its own, unrelated to responses)."""
    unpack(archive, tmp_path / "original")
    unpack(archive, tmp_path / "merged")
    merged_root = tmp_path / "merged" / root
    assert merge(merged_root, "--attach", rule, "--in-place").exit_code == 0
    before = bundle(redocly, tmp_path / "original" / root)
    after = bundle(redocly, merged_root)
    old, new = operations(before), operations(after)
    assert old.keys() == new.keys()
    without = []
    for key, operation in old.items():
        responses = new[key]["responses"]
        assert {code: responses[code] for code in operation["responses"]} == (
            operation["responses"]), key
        extra = responses.keys() - operation["responses"].keys()
        if extra:
            assert extra == {"561"}, key
            assert responses["561"] == {"$ref": RESPONSE}
        else:
            without.append(key)
    assert len(without) == public
    component = yaml.safe_load((tmp_path / "merged" / root).read_text(encoding="utf-8"))[
        "components"]["responses"]["Unauthorized561"]
    assert after["components"]["responses"]["Unauthorized561"] == component
    assert validation_errors(after) == validation_errors(before)
    # The validator may stop at the publisher's own finding: what the merge added, as bundled,
    # is validated on its own as well.
    added = {section: {name: value for name, value in items.items()
                       if name not in before["components"].get(section, {})}
             for section, items in after["components"].items()}
    alone = {"openapi": after["openapi"], "info": after["info"],
             "paths": {"/x": {"get": {"responses": {"561": {"$ref": RESPONSE}}}}},
             "components": {section: items for section, items in added.items() if items}}
    assert validation_errors(alone) == []


def test_json_files_with_several_operations_each_reached_by_pointer(tmp_path: Path) -> None:
    """A JSON root whose operations are pointers into one JSON file (CRLF line ends): both get
    the response there, in the file's own line ends; the file is read once and each place a
    reference leads to located in it as it comes (the JSON scanner locates only those)."""
    folder = tmp_path / "api"
    (folder / "ops").mkdir(parents=True)
    (folder / "openapi.json").write_text(
        '{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {\n'
        '  "get": {"$ref": "ops/ops.json#/list"},\n'
        '  "post": {"$ref": "ops/ops.json#/create"}}}}\n', encoding="utf-8")
    operations_file = folder / "ops" / "ops.json"
    operations_file.write_bytes(
        b'{\r\n  "list": {"security": [{"t": []}], "responses": {"200": {"description": "ok"}}},'
        b'\r\n  "create": {\r\n    "responses": {\r\n      "201": {"description": "made"}\r\n'
        b"    }\r\n  }\r\n}\r\n")
    before = operations_file.read_bytes()
    result = merge(folder / "openapi.json", "--attach", "all", "--in-place")
    assert result.exit_code == 0, result.stderr
    after = operations_file.read_bytes()
    assert only_insertions(before, after, by_line=False)
    assert b"\n" not in after.replace(b"\r\n", b"")
    data = yaml.safe_load(after)
    for name in ("list", "create"):
        assert data[name]["responses"]["561"] == {"$ref": "../openapi.json" + RESPONSE}
    assert merge(folder / "openapi.json", "--attach", "all", "--check").exit_code == 0


def test_a_local_reference_inside_another_json_file_is_followed_there(tmp_path: Path) -> None:
    spec = _description(tmp_path, "ops/a.json#/alias", {
        "ops/a.json": '{"alias": {"$ref": "#/real"}, "real": {"responses": {}}}'})
    result = merge(spec, "--attach", "all", "--in-place")
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load((spec.parent / "ops" / "a.json").read_text(encoding="utf-8"))
    assert data["real"]["responses"] == {"561": {"$ref": "../openapi.yaml" + RESPONSE}}
    assert data["alias"] == {"$ref": "#/real"}


EXAMPLE = Path(__file__).parent.parent / "specgen" / "catalog" / "data" / "example.yaml"


def test_a_remerge_after_a_rename_updates_the_reference_in_the_other_file(
    tmp_path: Path,
) -> None:
    """The reference an earlier merge wrote in another file (relative to it) is recognised as
    specgen's and updated when the catalog renames the response; the team's own 561 stays a
    conflict unless --on-conflict replace."""
    spec = _description(tmp_path, "ops/a.yaml", {"ops/a.yaml": OPERATION})
    assert merge(spec, "--catalog", str(EXAMPLE), "--attach", "all", "--in-place").exit_code == 0
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        "\n  561:\n", "\n  561:\n    name: NoAuth561\n", 1), encoding="utf-8")
    result = merge(spec, "--catalog", str(renamed), "--attach", "all", "--in-place")
    assert result.exit_code == 0, result.stderr
    assert (spec.parent / "ops" / "a.yaml").read_text(encoding="utf-8") == (
        OPERATION + "  '561':\n    $ref: ../openapi.yaml#/components/responses/NoAuth561\n")


def test_the_teams_own_response_in_another_file_is_replaced_only_when_asked(
    tmp_path: Path,
) -> None:
    mine = "responses:\n  '561': {description: mine}\n"
    spec = _description(tmp_path, "ops/a.yaml", {"ops/a.yaml": mine})
    assert merge(spec, "--attach", "all", "--in-place").exit_code == 2
    result = merge(spec, "--attach", "all", "--on-conflict", "replace", "--in-place")
    assert result.exit_code == 0, result.stderr
    assert (spec.parent / "ops" / "a.yaml").read_text(encoding="utf-8") == (
        "responses:\n  '561':\n    $ref: ../openapi.yaml" + RESPONSE + "\n")


def test_one_output_is_fine_when_the_other_files_need_nothing(tmp_path: Path) -> None:
    """Only the root file changes (the operation file has its response already): -o writes the
    merged root file, and the other files are left alone."""
    spec = _description(tmp_path, "ops/a.yaml", {"ops/a.yaml": OPERATION})
    assert merge(spec, "--attach", "all", "--in-place").exit_code == 0
    merged = spec.read_bytes()
    spec.write_text(ROOT_YAML.replace("REF", "ops/a.yaml"), encoding="utf-8")
    operation = (spec.parent / "ops" / "a.yaml").read_bytes()
    result = merge(spec, "--attach", "all", "-o", str(tmp_path / "out.yaml"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out.yaml").read_bytes() == merged
    assert (spec.parent / "ops" / "a.yaml").read_bytes() == operation
    assert "changed" not in result.stderr


def test_a_linked_root_file_is_not_replaced_in_a_multi_file_merge(tmp_path: Path) -> None:
    """Every file of a multi-file merge is written without following links (output/tree.py):
    a root file that is a link is refused by name, and nothing is written."""
    spec = _description(tmp_path, "ops/a.yaml", {"ops/a.yaml": OPERATION})
    real = spec.with_name("real.yaml")
    spec.rename(real)
    spec.symlink_to(real.name)
    before = snapshot(tmp_path)
    result = merge(spec, "--attach", "all", "--in-place")
    assert result.exit_code == 2
    assert "openapi.yaml: is a symbolic link" in result.stderr
    assert snapshot(tmp_path) == before


def test_a_local_operation_reference_is_followed_in_a_document_given_as_text() -> None:
    """`get: {$ref: '#/paths/~1b/get'}`: the one operation gets the response once, where it is
    written; the referencing operation stays a bare `$ref`."""
    from specgen import merge as merge_text
    from specgen import merge_summary

    spec = ("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n"
            "  /a:\n    get:\n      $ref: '#/paths/~1b/get'\n"
            "  /b:\n    get:\n      responses:\n        '200': {description: ok}\n")
    merged = merge_text(spec, attach=["all"])
    data = yaml.safe_load(merged)
    assert data["paths"]["/a"]["get"] == {"$ref": "#/paths/~1b/get"}
    assert data["paths"]["/b"]["get"]["responses"]["561"] == {"$ref": RESPONSE}
    assert merge_summary(spec, attach=["all"]).new == {"561": 1}


def test_adopt_replaces_inline_responses_of_the_root_file_only(tmp_path: Path) -> None:
    """--adopt edits the root file; equal inline responses in other files are left inline
    (and need nothing: they equal the catalog's)."""
    inline = "responses:\n  '404': {description: No such pet.}\n"
    spec = _description(tmp_path, "ops/a.yaml", {"ops/a.yaml": inline})
    spec.write_text(spec.read_text(encoding="utf-8")
                    + "  /b:\n    get:\n      " + inline.replace("\n  ", "\n        "),
                    encoding="utf-8")
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text('specgen: 1\ninfo: {title: t, version: "1"}\ncodes:\n'
                       "  404: {reason: Not Found, summary: No such pet., attach: [all]}\n",
                       encoding="utf-8")
    before = snapshot(spec.parent)
    result = merge(spec, "--catalog", str(catalog), "--adopt", "--in-place")
    assert result.exit_code == 0, result.stderr
    after = snapshot(spec.parent)
    assert after["ops/a.yaml"] == before["ops/a.yaml"]
    assert b"$ref: '#/components/responses/NotFound404'" in after["openapi.yaml"] or \
        b'$ref: "#/components/responses/NotFound404"' in after["openapi.yaml"]
    assert "replaced 1 inline response by a $ref (--adopt)" in result.stderr


@pytest.mark.parametrize("edited", ["ops/a.yaml", "openapi.yaml"])
def test_a_file_edited_while_the_merge_plans_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edited: str
) -> None:
    """Someone saves a file of the description after merge read it and before it writes:
    refused by name, nothing written (their edit would be lost without a word)."""
    import specgen.splice.plan as plan_module

    spec = _description(tmp_path, "ops/a.yaml", {"ops/a.yaml": OPERATION})
    planned = plan_module.finish

    def finish_then_edit(planner: Any) -> Any:
        found = planned(planner)
        with (spec.parent / edited).open("a", encoding="utf-8") as file:
            file.write("# saved meanwhile\n")
        return found

    monkeypatch.setattr(plan_module, "finish", finish_then_edit)
    before_edit = snapshot(tmp_path)
    result = merge(spec, "--attach", "all", "--in-place")
    assert result.exit_code == 2
    assert result.stderr == (f"{edited}: changed since specgen merge read it; nothing was"
                             " written: run the merge again\n")
    after = snapshot(tmp_path)
    assert after[f"api/{edited}"] == before_edit[f"api/{edited}"] + b"# saved meanwhile\n"
    assert {name: data for name, data in after.items() if name != f"api/{edited}"} == {
        name: data for name, data in before_edit.items() if name != f"api/{edited}"}

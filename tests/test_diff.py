"""`specgen diff`: every rule has a before/after pair that triggers it, and only it."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import DATA, git

from specgen import diff_catalogs
from specgen.cli import cli
from specgen.diff.report import rules_reference
from specgen.diff.rules import RULES

BASE = yaml.safe_load((DATA / "diff" / "base.yaml").read_text(encoding="utf-8"))
Edit = Callable[[dict[str, Any]], None]


def _error(catalog: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = catalog["schemas"]["Error"]
    return schema


def _set(path: str, value: Any) -> Edit:
    def edit(catalog: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node = catalog
        for part in parents:
            node = node[int(part) if part.isdigit() and int(part) in node else part]
        node[int(last) if last.isdigit() and int(last) in node else last] = value
    return edit


def _delete(path: str) -> Edit:
    def edit(catalog: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node = catalog
        for part in parents:
            node = node[int(part) if part.isdigit() and int(part) in node else part]
        del node[int(last) if last.isdigit() and int(last) in node else last]
    return edit


def _both(*edits: Edit) -> Edit:
    def edit(catalog: dict[str, Any]) -> None:
        for one in edits:
            one(catalog)
    return edit


SHARED = "schema Error (400 application/json, 429 application/json)"
# rule id -> (edit turning BASE into the new catalog, the change's subject, a message fragment)
CASES: dict[str, tuple[Edit, str, str]] = {
    "code-removed": (_delete("codes/561"), "561", "561 Unauthorized was removed"),
    "oas-version-removed": (_set("oas", ["3.1"]), "OpenAPI 3.0",
                            "the catalog no longer targets OpenAPI 3.0 (oas)"),
    "code-added": (_set("codes/404", {"reason": "Not Found", "summary": "Nothing here."}),
                   "404", "404 Not Found was added"),
    "code-reason-changed": (_set("codes/561/reason", "Unauthenticated"), "561",
                            "'Unauthorized' became 'Unauthenticated'"),
    "code-equivalent-changed": (_set("codes/561/equivalent", 403), "561",
                                "equivalent 401 became 403"),
    "code-sender-changed": (_set("codes/561/sender", {"component": "aws-alb"}), "561",
                            "sent by this API became sent by the AWS Application Load Balancer"
                            " in front of this API"),
    "code-deprecated": (_set("codes/561/deprecated", True), "561", "deprecated"),
    "media-type-removed": (_delete("codes/400/content/text~plain"), "400",
                           "media type text/plain was removed"),
    "media-type-added": (_set("codes/561/content/text~plain", {}), "561",
                         "media type text/plain was added"),
    "body-schema-removed": (_set("codes/561/content/application~json", {}),
                            "561 application/json", "no schema"),
    "field-removed": (_delete("schemas/Error/properties/details"), SHARED,
                      "field details was removed"),
    "field-now-optional": (_set("schemas/Error/required", ["error"]), SHARED,
                           "field message may now be absent"),
    "field-type-changed": (_set("schemas/Error/properties/message", {"type": "integer"}),
                           SHARED, "field message: string became integer"),
    "field-enum-values-added": (
        _set("schemas/Error/properties/error/enum", ["invalid_request", "rate_limited", "x"]),
        SHARED, 'may now be "x"'),
    "field-enum-values-removed": (
        _set("schemas/Error/properties/error/enum", ["invalid_request"]),
        SHARED, 'is no longer "rate_limited"'),
    "field-added": (_set("schemas/Error/properties/doc_url", {"type": "string"}),
                    SHARED, "field doc_url was added"),
    "field-now-required": (_set("schemas/Error/required", ["error", "message", "details"]),
                           SHARED, "field details is now always present"),
    "header-removed": (_delete("codes/429/headers/Retry-After"), "429",
                       "header Retry-After was removed"),
    "header-now-optional": (_set("codes/429/headers/Retry-After/required", False), "429",
                            "no longer always sent"),
    "header-type-changed": (_set("codes/429/headers/Retry-After/schema", {"type": "string"}),
                            "429", "integer became string"),
    "header-enum-values-added": (
        _set("codes/429/headers/X-Limit-Scope/schema/enum", ["user", "app", "org"]), "429",
        'header X-Limit-Scope may now be "org"'),
    "header-enum-values-removed": (
        _set("codes/429/headers/X-Limit-Scope/schema/enum", ["user"]), "429",
        'header X-Limit-Scope is no longer "app"'),
    "header-added": (_set("codes/561/headers", {"WWW-Authenticate": {}}), "561",
                     "header WWW-Authenticate was added"),
    "retry-changed": (_set("codes/429/retry", "Do not retry."), "429",
                      "retry advice changed to 'Do not retry.'"),
    "code-undeprecated": (_set("codes/400/deprecated", False), "400", "no longer deprecated"),
    "problem-removed": (_delete("codes/409/problems/order-shipped"), "problem order-shipped",
                        "'Order already shipped' under 409 was removed"),
    "problem-added": (_set("codes/409/problems/out-of-stock", {"title": "Out of stock"}),
                      "problem out-of-stock", "'Out of stock' under 409 was added"),
    "problem-type-changed": (
        _set("codes/409/problems/order-shipped/type", "https://other.example/shipped"),
        "problem order-shipped",
        "type https://docs.example.com/problems/order-shipped became"
        " https://other.example/shipped"),
    "problem-title-changed": (_set("codes/409/problems/order-shipped/title", "Shipped"),
                              "problem order-shipped", "'Order already shipped' became 'Shipped'"),
    "problem-retryable-changed": (_set("codes/409/problems/version-conflict/retryable", False),
                                  "problem version-conflict", "no longer retryable"),
    "problem-deprecated": (
        _set("codes/409/problems/order-shipped/deprecated", {"use_instead": "version-conflict"}),
        "problem order-shipped", "deprecated; use version-conflict instead"),
    "problem-undeprecated": (_delete("codes/409/problems/version-conflict/deprecated"),
                             "problem version-conflict", "no longer deprecated"),
    "problem-replacement-changed": (
        _set("codes/409/problems/version-conflict/deprecated/use_instead", "order-shipped"),
        "problem version-conflict", "use order-shipped instead"),
    "problem-sunset-changed": (
        _set("codes/409/problems/version-conflict/deprecated/sunset", "2027-01"),
        "problem version-conflict", "sunset 2026-01 became 2027-01"),
}


def _write(path: Path, catalog: dict[str, Any]) -> Path:
    """The catalog as YAML, media types in edit paths (`application~json`) spelt again."""
    for code in catalog["codes"].values():
        if "content" in code:
            code["content"] = {k.replace("~", "/"): v for k, v in code["content"].items()}
    path.write_text(yaml.safe_dump(catalog, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    return path


def _pair(tmp_path: Path, edit: Edit) -> tuple[Path, Path]:
    new = copy.deepcopy(BASE)
    for code in new["codes"].values():  # ~ stands for / in the edit paths' media types
        code["content"] = {k.replace("/", "~"): v for k, v in code.get("content", {}).items()}
    edit(new)
    old = copy.deepcopy(BASE)
    return _write(tmp_path / "old.yaml", old), _write(tmp_path / "new.yaml", new)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_has_a_before_after_pair(rule: str, tmp_path: Path) -> None:
    edit, subject, fragment = CASES[rule]
    old, new = _pair(tmp_path, edit)
    changes = diff_catalogs(str(old), str(new))
    assert [c.change.rule.id for c in changes] == [rule]
    change = changes[0]
    assert change.change.subject == subject
    assert fragment in change.change.message
    assert change.where.line is not None  # located in a file


def test_every_rule_is_tested_and_documented() -> None:
    """problem-status-changed has a test of its own (moving a type adds its new code too)."""
    assert set(RULES) - set(CASES) == {"problem-status-changed"}
    reference = rules_reference()
    for rule in RULES.values():
        assert f"## `{rule.id}` {{#{rule.id}}}" in reference
        assert rule.why in reference


def test_a_problem_type_that_moves_to_another_code(tmp_path: Path) -> None:
    moved = {"reason": "Precondition Failed", "summary": "A precondition failed.",
             "content": {"application/problem+json": {"schema": "Problem"}},
             "problems": {"version-conflict": {"title": "Version conflict", "retryable": True,
                                               "retry": "Fetch the resource again, then retry.",
                                               "deprecated": {"since": "2024-01",
                                                              "sunset": "2026-01"}}}}
    old, new = _pair(tmp_path, _both(_delete("codes/409/problems/version-conflict"),
                                     _set("codes/412", moved)))
    changes = {c.change.rule.id: c for c in diff_catalogs(str(old), str(new))}
    assert set(changes) == {"code-added", "problem-status-changed"}
    assert changes["problem-status-changed"].change.message == "moved from 409 to 412"


def test_extension_members_are_compared_as_fields(tmp_path: Path) -> None:
    old, new = _pair(tmp_path,
                     _delete("codes/409/problems/order-shipped/extensions/properties/shipped_at"))
    [change] = diff_catalogs(str(old), str(new))
    assert change.change.rule.id == "field-removed"
    assert change.change.subject == "problem order-shipped extension members"
    assert change.change.message == "field shipped_at was removed"


def test_identical_catalogs_have_no_changes(tmp_path: Path) -> None:
    old, new = _pair(tmp_path, lambda catalog: None)
    assert diff_catalogs(str(old), str(new)) == []


def test_inline_body_changes_are_reported_per_code(tmp_path: Path) -> None:
    path = "codes/561/content/application~json/schema/properties/error"
    old, new = _pair(tmp_path, _set(path, {"type": "integer"}))
    [change] = diff_catalogs(str(old), str(new))
    assert change.change.subject == "561 application/json"
    assert change.change.message == "field error: string became integer"


def test_a_code_that_changes_schema_is_compared_field_by_field(tmp_path: Path) -> None:
    replacement = {"type": "object", "properties": {"error": {"type": "string"}}}
    old, new = _pair(tmp_path, _both(_set("schemas/Other", replacement),
                                     _set("codes/429/content/application~json/schema", "Other")))
    changes = diff_catalogs(str(old), str(new))
    assert {c.change.subject for c in changes} == {"429 application/json"}
    assert "field message was removed" in {c.change.message for c in changes}


@pytest.mark.parametrize(("items", "expected"), [
    ({"type": "integer"}, [("field-type-changed", "field tags[]: string became integer"),
                           ("field-enum-values-added", "field tags[] may now be any value")]),
    ({"type": "string", "enum": ["billing", "quota", "abuse"]},
     [("field-enum-values-added", 'field tags[] may now be "abuse"')]),
    ({"type": "string", "enum": ["billing"]},
     [("field-enum-values-removed", 'field tags[] is no longer "quota"')]),
])
def test_an_arrays_items_are_a_field_of_their_own(items: dict[str, Any],
                                                  expected: list[tuple[str, str]],
                                                  tmp_path: Path) -> None:
    old, new = _pair(tmp_path, _set("schemas/Error/properties/tags/items", items))
    changes = diff_catalogs(str(old), str(new))
    assert sorted((c.change.rule.id, c.change.message) for c in changes) == sorted(expected)


def test_an_added_array_is_one_entry_with_its_members(tmp_path: Path) -> None:
    """Its items come with it; their members are listed, as an added object's are."""
    array = {"type": "array", "items": {"type": "object", "properties": {"at": {"type": "string"}}}}
    old, new = _pair(tmp_path, _set("schemas/Error/properties/events", array))
    assert [c.change.message for c in diff_catalogs(str(old), str(new))] == [
        "field events was added", "field events[].at was added"]


def test_a_newly_deprecated_problem_type_is_one_entry_with_its_sunset(tmp_path: Path) -> None:
    old, new = _pair(tmp_path, _set("codes/409/problems/order-shipped/deprecated",
                                    {"sunset": "2027-01", "use_instead": "version-conflict"}))
    [change] = diff_catalogs(str(old), str(new))
    assert change.change.message == "deprecated, sunset 2027-01; use version-conflict instead"


def test_removed_object_field_is_one_entry_not_one_per_member(tmp_path: Path) -> None:
    old, new = _pair(tmp_path, _delete("schemas/Error/properties/details"))
    [change] = diff_catalogs(str(old), str(new))
    assert change.change.message == "field details was removed"
    assert change.old is not None
    lines = old.read_text(encoding="utf-8").splitlines()
    assert lines[change.old.line - 1].strip() == "details:"  # the field itself, not its schema


@pytest.mark.parametrize(
    ("fail_on", "edit", "status"),
    [
        ("breaking", _delete("codes/561"), 1),
        ("breaking", _set("codes/404", {"reason": "Not Found", "summary": "x"}), 0),
        ("warning", _set("codes/404", {"reason": "Not Found", "summary": "x"}), 1),
        ("warning", _set("codes/561/reason", "Unauthenticated"), 0),
        ("never", _delete("codes/561"), 0),
    ],
)
def test_fail_on_sets_the_exit_status(fail_on: str, edit: Edit, status: int,
                                      tmp_path: Path) -> None:
    old, new = _pair(tmp_path, edit)
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--fail-on", fail_on])
    assert result.exit_code == status, result.output


def test_formats_text_markdown_json(tmp_path: Path) -> None:
    old, new = _pair(tmp_path, _both(_delete("codes/561"), _set("codes/429/retry", "Later.")))
    run = CliRunner().invoke
    text = run(cli, ["diff", str(old), str(new), "--fail-on", "never"])
    first = text.stdout.splitlines()[0]
    assert first.startswith(f"{old}:") and ": breaking: 561: " in first
    assert "[code-removed]" in first
    assert "1 breaking, 1 warning" in text.stderr
    markdown = run(cli, ["diff", str(old), str(new), "--format", "markdown"]).stdout
    assert markdown.index("## Breaking changes") < markdown.index("## Changes to look at")
    document = json.loads(run(cli, ["diff", str(old), str(new), "--format", "json"]).stdout)
    assert document["summary"] == {"breaking": 1, "warning": 1, "info": 0}
    assert document["changes"][0]["old"]["file"] == str(old)
    assert document["changes"][1]["new"]["line"] is not None


def test_catalog_text_cannot_inject_markdown(tmp_path: Path) -> None:
    """Reason phrases and field names are catalog text: shown literally on the Changes page."""
    old, new = _pair(tmp_path, _set("schemas/Error/properties/<img src=x onerror=alert(1)>",
                                    {"type": "string"}))
    markdown = CliRunner().invoke(cli, ["diff", str(old), str(new), "--format", "markdown"])
    assert "<img" not in markdown.stdout
    assert "&lt;img" in markdown.stdout


def test_revisions_are_read_from_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = _pair(tmp_path, _delete("codes/561"))
    repo = tmp_path / "repo"
    repo.mkdir()
    catalog = repo / "specgen.yaml"
    catalog.write_bytes(old.read_bytes())

    git(repo, "init", "-q")
    git(repo, "add", "specgen.yaml")
    git(repo, "commit", "-qm", "old")
    catalog.write_bytes(new.read_bytes())
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["diff", "HEAD:specgen.yaml", "specgen.yaml"])
    assert result.exit_code == 1
    assert result.stdout.startswith("HEAD:specgen.yaml:")
    missing = CliRunner().invoke(cli, ["diff", "HEAD:nope.yaml", "specgen.yaml"])
    assert missing.exit_code == 2
    assert "HEAD:nope.yaml: cannot read from git" in missing.stderr
    # A path with wildcards that names no file, and a folder: refused as such (`git show`
    # read the first as a pathspec and showed nothing, an "empty" catalog, and the second as
    # its listing).
    (repo / "sub").mkdir()
    (repo / "sub" / "a.yaml").write_bytes(old.read_bytes())
    git(repo, "add", "sub/a.yaml")
    git(repo, "commit", "-qm", "sub")
    for argument, why in [("HEAD:spec*.yaml", "path 'spec*.yaml' does not exist in 'HEAD'"),
                          ("HEAD:sub", "it is not a file in HEAD (a folder?)")]:
        refused = CliRunner().invoke(cli, ["diff", argument, "specgen.yaml"])
        assert refused.exit_code == 2
        assert refused.stderr == f"{argument}: cannot read from git: {why}\n"
    # From a subfolder, PATH is still read from the top: the message says how to mean "here".
    monkeypatch.chdir(repo / "sub")
    here = CliRunner().invoke(cli, ["diff", "HEAD:a.yaml", "a.yaml"])
    assert here.stderr == ("HEAD:a.yaml: cannot read from git: path 'a.yaml' does not exist in"
                           " 'HEAD'; PATH is read from the repository's top folder: HEAD:./a.yaml"
                           " reads it from the current one\n")
    assert CliRunner().invoke(cli, ["diff", "HEAD:./a.yaml", "a.yaml"]).exit_code == 0
    monkeypatch.chdir(repo)
    typo = CliRunner().invoke(cli, ["diff", "HAED:specgen.yaml", "specgen.yaml"])
    assert typo.exit_code == 2
    assert typo.stderr == (
        "HAED:specgen.yaml: no such file, and 'HAED' is not a revision of a git repository"
        " holding the current folder\n"
    )


def test_bad_catalog_is_a_located_error(tmp_path: Path) -> None:
    old, new = _pair(tmp_path, lambda catalog: None)
    new.write_text("specgen: 1\ninfo: {title: x}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", str(old), str(new)])
    assert result.exit_code == 2
    assert f"{new}:2:1: missing required key 'version'" in result.stderr


def _repo_with_history(tmp_path: Path) -> Path:
    """A git repository whose committed specgen.yaml is BASE, edited since: a code removed."""
    old, new = _pair(tmp_path, _delete("codes/561"))
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "specgen.yaml").write_bytes(old.read_bytes())

    git(repo, "init", "-q")
    git(repo, "add", "specgen.yaml")
    git(repo, "commit", "-qm", "v1")
    git(repo, "tag", "v1")
    (repo / "specgen.yaml").write_bytes(new.read_bytes())
    return repo


def _mkdocs(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)],
        cwd=config.parent, capture_output=True, text=True, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


@pytest.mark.slow
def test_build_since_writes_a_changes_page_that_builds_strict(tmp_path: Path) -> None:
    repo = _repo_with_history(tmp_path)
    result = CliRunner().invoke(cli, ["build", str(repo / "specgen.yaml"), "-o",
                                      str(repo / "out"), "--since", "v1"])
    assert result.exit_code == 0, result.stderr
    page = (repo / "out" / "docs" / "changes.md").read_text(encoding="utf-8")
    assert page.startswith("# Changes since v1\n")
    assert "## Breaking changes" in page and "561 Unauthorized was removed" in page
    (repo / "mkdocs.yml").write_text("site_name: t\ndocs_dir: out/docs\nsite_dir: site\n",
                                     encoding="utf-8")
    built = _mkdocs(repo / "mkdocs.yml")
    assert built.returncode == 0, built.stderr
    html = (repo / "site" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "561 Unauthorized was removed" in html
    index = (repo / "site" / "index.html").read_text(encoding="utf-8")
    assert '<a href="changes/">what changed for clients</a>' in index
    without = CliRunner().invoke(cli, ["build", str(repo / "specgen.yaml"), "-o",
                                       str(repo / "out")])
    assert without.exit_code == 0, without.stderr
    assert not (repo / "out" / "docs" / "changes.md").exists()
    assert "changes.md" not in (repo / "out" / "docs" / "index.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_plugins_since_option_adds_the_changes_page(tmp_path: Path) -> None:
    repo = _repo_with_history(tmp_path)
    (repo / "docs").mkdir()
    (repo / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - specgen:\n      catalog: specgen.yaml\n      since: v1\n",
        encoding="utf-8")
    built = _mkdocs(repo / "mkdocs.yml")
    assert built.returncode == 0, built.stderr
    html = (repo / "site" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "Changes since v1" in html and "561 Unauthorized was removed" in html


def test_since_needs_a_revision_of_a_repository_holding_the_catalog(tmp_path: Path) -> None:
    old, _ = _pair(tmp_path, lambda catalog: None)
    result = CliRunner().invoke(cli, ["build", str(old), "-o", str(tmp_path / "out"),
                                      "--since", "v1"])
    assert result.exit_code == 2
    assert f"v1:{old}: 'v1' is not a revision of a git repository holding {old}" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("name", "starts"), [("changes.json", "{"), ("changes.md", "#"),
                                              ("changes.txt", "old.yaml:")])
def test_without_format_the_output_file_name_decides(
    name: str, starts: str, tmp_path: Path
) -> None:
    """`-o changes.json` holds JSON and `-o changes.md` Markdown; `--format` still wins."""
    old, new = _pair(tmp_path, _delete("codes/561"))
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "-o", str(out)])
    assert result.exit_code == 1, result.output
    text = out.read_text(encoding="utf-8").lstrip()
    assert text.startswith(starts) or text.startswith(str(tmp_path / starts)), text[:80]
    forced = CliRunner().invoke(cli, ["diff", str(old), str(new), "-o", str(out),
                                      "--format", "text"])
    assert forced.exit_code == 1
    assert out.read_text(encoding="utf-8").startswith(f"{old}:")


def test_a_revision_without_a_path_says_so(tmp_path: Path) -> None:
    old, _ = _pair(tmp_path, _set("codes/561/reason", "Unauthenticated"))
    result = CliRunner().invoke(cli, ["diff", "main:", str(old)])
    assert result.exit_code == 2
    assert result.stderr == ("main:: no file after the revision: write REV:PATH, such as"
                             " main:specgen.yaml\n")


@pytest.mark.parametrize(("edit", "line"), [
    (_set("codes/409/problems/version-conflict/retryable", False), "retryable: false"),
    (_set("codes/400/deprecated", False), "deprecated: false"),
    (_set("codes/409/problems/version-conflict/deprecated/sunset", "2027-01"), "deprecated:"),
])
def test_an_entry_points_at_the_line_that_changed(edit: Edit, line: str, tmp_path: Path) -> None:
    old, new = _pair(tmp_path, edit)
    [change] = diff_catalogs(str(old), str(new))
    assert change.where.line is not None
    written = new.read_text(encoding="utf-8").splitlines()[change.where.line - 1].strip()
    assert written.startswith(line)

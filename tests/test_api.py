"""The public Python API: functions (not modules) that do what each command does."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import types
from pathlib import Path

import pytest
from conftest import ROOT, git

import specgen
from specgen.errors import LoadError, MergeError

SPEC = """openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      security: [{token: []}]
      responses:
        "200": {description: OK}
  /health:
    get:
      responses:
        "200": {description: OK}
"""


def test_every_export_is_an_object_that_no_module_shadows() -> None:
    """`specgen.X` is the exported function or class for every name in __all__, even after
    every module of the package has been imported (importing `specgen.X` as a module would
    replace the attribute)."""
    for path in sorted((ROOT / "specgen").rglob("*.py")):
        if path.stem == "__main__":
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        importlib.import_module(".".join(p for p in parts if p != "__init__"))
    for name in specgen.__all__:
        value = getattr(specgen, name)
        assert not isinstance(value, types.ModuleType), name
        assert name == "__version__" or inspect.isfunction(value) or inspect.isclass(value), name


def test_merge_works_twice_in_a_row_and_attaches_like_the_cli() -> None:
    """The regression of the first release: `specgen.merge` became a module after one call."""
    from specgen import merge

    once = merge(SPEC)
    assert callable(specgen.merge)
    # The embedded catalog's own rule is `secured`: /pets gets 561, /health does not.
    assert once.count("$ref: \"#/components/responses/Unauthorized561\"") == 1
    assert merge(once) == once
    everywhere = merge(SPEC, attach=["all"])
    assert everywhere.count("#/components/responses/Unauthorized561\"") == 2


def test_merge_rules_are_the_cli_strings_and_bad_ones_are_located() -> None:
    with pytest.raises(MergeError) as caught:
        specgen.merge(SPEC, attach=["nonsense:x"], file="api.yaml")
    assert str(caught.value.problems[0]).startswith("api.yaml: ")


def test_merge_overlay_describes_the_same_change() -> None:
    overlay = specgen.merge_overlay(SPEC)
    assert overlay["overlay"] == "1.0.0"
    targets = [action["target"] for action in overlay["actions"]]
    assert "$.paths['/pets'].get.responses" in targets


def test_build_and_check_match_the_cli(tmp_path: Path) -> None:
    result = specgen.build(out=tmp_path)
    assert result.total == len(result.changed) > 0
    assert (tmp_path / "transcripts" / "561").is_dir()
    assert specgen.build(out=tmp_path, check=True).stale == []
    (tmp_path / "openapi" / "fragment-3.1.yaml").write_text("edited\n", encoding="utf-8")
    (tmp_path / "openapi" / "mine.yaml").write_text("not specgen's\n", encoding="utf-8")
    stale = specgen.build(out=tmp_path, check=True).stale
    assert [(item.path, item.reason) for item in stale] == [
        ("openapi/fragment-3.1.yaml", "changed")]


def test_build_since_writes_the_changes_page_like_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`build(since=REV)` is `specgen build --since REV`: docs/changes.md from git."""
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text(
        'specgen: 1\ninfo: {title: T, version: "1"}\ncodes:\n'
        "  404: {reason: Not Found, summary: None.}\n", encoding="utf-8")

    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "specgen.yaml")
    git(tmp_path, "commit", "-qm", "v1")
    catalog.write_text(catalog.read_text("utf-8").replace("Not Found", "Missing"), "utf-8")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    result = specgen.build(catalog, out, since="HEAD")
    assert "docs/changes.md" in result.changed
    page = (out / "docs" / "changes.md").read_text("utf-8")
    assert page.startswith("# Changes since HEAD\n")
    assert "code-reason-changed" in page
    assert specgen.build(catalog, out, check=True, since="HEAD").stale == []
    # Without the page, the index no longer links to it either.
    assert sorted(s.path for s in specgen.build(catalog, out, check=True).stale) == [
        "docs/changes.md", "docs/index.md"]


def test_catalog_objects_are_checked_like_files(embedded: specgen.Catalog) -> None:
    """A Catalog made in Python is accepted, and one that fails the checks is refused."""
    assert specgen.render_openapi(embedded)["components"]["responses"]
    broken = embedded.model_copy(deep=True)
    broken.codes[561].examples[0].response.body = {"unexpected": True}
    with pytest.raises(LoadError) as caught:
        specgen.render_openapi(broken)
    assert caught.value.problems[0].location.pointer.startswith("/codes/561/examples/0")


def test_transcripts_openapi_text_check_and_explain() -> None:
    first = specgen.render_transcripts(code=561)[0]
    assert first.response.startswith(b"HTTP/1.1 561 Unauthorized\r\n")
    with pytest.raises(specgen.ArgumentError, match="codes: 561"):
        specgen.render_transcripts(code=404)
    assert specgen.openapi_text(fmt="json").startswith("{\n")
    assert all(p.severity == "warning" for p in specgen.check_catalog())
    assert "AWS" in specgen.explain(561)
    assert specgen.catalog_schema()["title"]


def test_init_writes_the_starter_files(tmp_path: Path) -> None:
    written = specgen.init(tmp_path)
    assert {p.name for p in written} >= {"specgen.yaml", "mkdocs.yml"}
    specgen.load_catalog(tmp_path / "specgen.yaml")


def test_layering_contracts_hold() -> None:
    """import-linter: stages import only the stages below them; the core never imports click."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


STAGES = ["catalog", "openapi", "http", "docs", "diff", "splice", "output", "text"]


@pytest.mark.parametrize("package", STAGES)
def test_every_stage_says_what_it_does_and_may_import(package: str) -> None:
    doc = importlib.import_module(f"specgen.{package}").__doc__ or ""
    assert "May import:" in doc

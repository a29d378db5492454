"""`specgen init`: starter files that check clean and build a site at once, never overwriting."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from specgen.catalog import check
from specgen.catalog.load import load
from specgen.catalog.models import catalog_json_schema
from specgen.cli import cli
from specgen.output.init import init_plan


def run_init(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["init", *args])
    return result.exit_code, result.stderr


def test_init_writes_catalog_schema_mkdocs_yml_and_docs_folder(tmp_path: Path) -> None:
    status, _ = run_init(str(tmp_path))
    assert status == 0
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written == ["docs/.gitkeep", "mkdocs.yml", "specgen.schema.json", "specgen.yaml"]
    first = (tmp_path / "specgen.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=specgen.schema.json"
    schema = json.loads((tmp_path / "specgen.schema.json").read_text(encoding="utf-8"))
    assert schema == catalog_json_schema()


def test_starter_catalog_is_valid_and_lint_clean(tmp_path: Path) -> None:
    (tmp_path / "specgen.yaml").write_text(init_plan()["specgen.yaml"], encoding="utf-8")
    loaded = load(tmp_path / "specgen.yaml")
    assert check.warnings(loaded.catalog) == []
    assert sorted(loaded.catalog.codes) == [429, 461]


def test_every_starter_example_body_names_a_documented_problem_type_under_problem_base(
    tmp_path: Path,
) -> None:
    """A type URI the starter shows is one whose page the site has: problem_base + slug."""
    (tmp_path / "specgen.yaml").write_text(init_plan()["specgen.yaml"], encoding="utf-8")
    catalog = load(tmp_path / "specgen.yaml").catalog
    documented = {catalog.problem_uri(slug, problem)
                  for _, slug, problem in catalog.problem_types()}
    assert documented == {"https://docs.example.com/problems/rate-limited",
                          "https://docs.example.com/problems/token-expired"}
    bodies = [example.response.body for status in catalog.codes.values()
              for example in [*status.examples,
                              *(e for p in status.problems.values() for e in p.examples)]]
    assert bodies
    assert {body["type"] for body in bodies} <= documented


def test_the_sites_name_is_the_catalogs_title_and_comments_name_the_build_folder(
    tmp_path: Path,
) -> None:
    """mkdocs.yml's site_name is the starter catalog's info.title; both files name the folder
    `specgen build` writes to by default, not one it never uses."""
    plan = init_plan()
    (tmp_path / "specgen.yaml").write_text(plan["specgen.yaml"], encoding="utf-8")
    title = load(tmp_path / "specgen.yaml").catalog.info.title
    config = yaml.load(plan["mkdocs.yml"], Loader=yaml.BaseLoader)  # no tags for !!python
    assert config["site_name"] == title == "My API status codes"
    default = next(p.default for p in cli.commands["build"].params if p.name == "out")
    assert default == "build/specgen"
    for name in ("specgen.yaml", "mkdocs.yml"):
        assert f"to {default}/" in plan[name], name
    assert "./out" not in plan["specgen.yaml"]


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    status, stderr = run_init(str(tmp_path))
    assert status == 2
    message = "already exists; specgen init never overwrites files"
    assert f"{tmp_path / 'mkdocs.yml'}: {message}" in stderr
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mkdocs.yml"]


def test_init_leaves_an_existing_docs_folder_alone(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    assert run_init(str(tmp_path))[0] == 0
    assert list((tmp_path / "docs").iterdir()) == []


@pytest.mark.slow
def test_init_folder_builds_with_mkdocs_strict(tmp_path: Path) -> None:
    assert run_init(str(tmp_path))[0] == 0
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    for page in ("index.html", "codes/429/index.html", "codes/461/index.html"):
        assert (tmp_path / "site" / page).is_file(), page

"""`specgen build`: the whole output tree, rebuilt only where it changed, and `--check` for CI."""

from __future__ import annotations

import copy
import os
import shutil
import signal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from scale import catalog as scale_catalog

from specgen import load_catalog
from specgen.catalog.load import embedded_catalog_path
from specgen.catalog.models import Catalog
from specgen.cli import cli
from specgen.errors import RenderError
from specgen.output import background
from specgen.output import build as build_module
from specgen.output.background import can_fork
from specgen.output.build import MANIFEST, build_plan, manifest
from specgen.output.lock import LOCK_FILE
from specgen.output.write import as_bytes
from specgen.text.render import dump_yaml

NOTE = (
    "note: no CATALOG given and no ./specgen.yaml here; using the embedded example catalog"
    " (561 Unauthorized)"
)


def run(folder: Path, *args: str) -> Result:
    """Run `specgen ARGS` in `folder`, as a user would from a shell there."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return CliRunner().invoke(cli, list(args))


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time, to show that nothing was touched."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def expected(catalog: Catalog) -> dict[str, bytes]:
    """The tree `specgen build` must leave for this catalog (and its empty lock file)."""
    plan = {path: as_bytes(content) for path, content in build_plan(catalog).items()}
    return {**plan, LOCK_FILE: b"", MANIFEST: manifest(plan).encode()}


def write_catalog(folder: Path, data: dict[str, Any], name: str = "catalog.yaml") -> Catalog:
    """Save the catalog as YAML in folder, and load it back as specgen will."""
    (folder / name).write_text(dump_yaml(data), encoding="utf-8")
    return load_catalog(folder / name)


@pytest.fixture
def data() -> dict[str, Any]:
    """A small catalog: a custom code and two registered ones, two examples each."""
    return scale_catalog([404, 503, 561], 2)


@pytest.fixture
def built(tmp_path: Path, data: dict[str, Any]) -> Catalog:
    """tmp_path/catalog.yaml built into tmp_path/out."""
    catalog = write_catalog(tmp_path, data)
    result = run(tmp_path, "build", "catalog.yaml", "-o", "out")
    assert result.exit_code == 0, result.output
    return catalog


def test_build_writes_openapi_transcripts_and_docs_exactly_as_planned(
    tmp_path: Path, built: Catalog
) -> None:
    files = tree(tmp_path / "out")
    assert files == expected(built)
    assert {path.split("/")[0] for path in files} == {"openapi", "transcripts", "docs", LOCK_FILE,
                                                       MANIFEST}
    assert "transcripts/561/scenario-0-of-561.request.http" in files
    assert "docs/codes/561.md" in files
    assert "openapi/fragment-3.1.yaml" in files


def test_first_build_reports_every_file_changed(tmp_path: Path, data: dict[str, Any]) -> None:
    catalog = write_catalog(tmp_path, data)
    result = run(tmp_path, "build", "catalog.yaml", "-o", "out")
    count = len(build_plan(catalog))
    assert result.stderr.startswith(f"out: {count} file(s), {count} changed, in ")


def test_second_build_changes_nothing_and_touches_no_file(tmp_path: Path, built: Catalog) -> None:
    before = snapshot(tmp_path / "out")
    result = run(tmp_path, "build", "catalog.yaml", "-o", "out")
    assert result.exit_code == 0, result.output
    assert ", 0 changed, in " in result.stderr
    assert snapshot(tmp_path / "out") == before


def test_check_passes_when_the_outputs_are_up_to_date(tmp_path: Path, built: Catalog) -> None:
    result = run(tmp_path, "build", "catalog.yaml", "-o", "out", "--check")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"out: {len(build_plan(built))} file(s) up to date\n"


def edit_by_hand(out: Path) -> None:
    """Change, delete and add one file in the managed folders, as a user might."""
    (out / "docs" / "codes" / "404.md").write_text("edited by hand\n", encoding="utf-8")
    (out / "openapi" / "fragment-3.0.json").unlink()
    (out / "transcripts" / "561" / "stray.http").write_bytes(b"left over\r\n")


def test_check_lists_changed_missing_and_extra_files_and_writes_nothing(
    tmp_path: Path, built: Catalog
) -> None:
    out = tmp_path / "out"
    edit_by_hand(out)
    (out / "notes.txt").write_text("outside the managed folders", encoding="utf-8")
    before = snapshot(out)
    result = run(tmp_path, "build", "catalog.yaml", "-o", "out", "--check")
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [  # stray.http is not specgen's: not stale
        f"{Path('out/docs/codes/404.md')}: changed",
        f"{Path('out/openapi/fragment-3.0.json')}: missing",
        "2 stale file(s) in out; run `specgen build` to update",
    ]
    assert result.stdout == ""
    assert snapshot(out) == before


def test_check_on_a_missing_output_folder_lists_every_file_and_creates_nothing(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    catalog = write_catalog(tmp_path, data)
    result = run(tmp_path, "build", "catalog.yaml", "-o", "out", "--check")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == len(build_plan(catalog)) + 1
    assert all(line.endswith(": missing") for line in lines[:-1])
    assert not (tmp_path / "out").exists()


def test_build_after_check_repairs_the_tree_and_keeps_files_specgen_did_not_write(
    tmp_path: Path, built: Catalog
) -> None:
    out = tmp_path / "out"
    edit_by_hand(out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = run(tmp_path, "build", "catalog.yaml", "-o", "out")
    assert result.exit_code == 0, result.output
    assert ", 2 changed, in " in result.stderr
    assert tree(out) == {**expected(built), "notes.txt": b"mine",
                         "transcripts/561/stray.http": b"left over\r\n"}
    assert run(tmp_path, "build", "catalog.yaml", "-o", "out", "--check").exit_code == 0


def test_a_removed_problem_type_leaves_no_empty_folder(tmp_path: Path) -> None:
    """The folders a removed problem type's files were in go when nothing else is left in
    them (transcripts/561/token-expired/); a folder that still holds a file stays, and so does
    a folder specgen's files were never in."""
    import yaml

    data = yaml.safe_load(embedded_catalog_path().read_text("utf-8"))
    write_catalog(tmp_path, data)
    out = tmp_path / "out"
    assert run(tmp_path, "build", "catalog.yaml", "-o", "out").exit_code == 0
    assert (out / "transcripts/561/token-expired").is_dir()
    (out / "transcripts/561/token-missing/mine.txt").write_text("mine")
    (out / "docs/own/empty").mkdir(parents=True)
    del data["codes"][561]["problems"]["token-expired"]
    del data["codes"][561]["problems"]["token-missing"]
    catalog = write_catalog(tmp_path, data)
    result = run(tmp_path, "build", "catalog.yaml", "-o", "out")
    assert result.exit_code == 0, result.output
    assert not (out / "transcripts/561/token-expired").exists()
    assert sorted(p.name for p in (out / "transcripts/561/token-missing").iterdir()) == ["mine.txt"]
    assert (out / "docs/own/empty").is_dir()
    assert tree(out) == {**expected(catalog), "transcripts/561/token-missing/mine.txt": b"mine"}


def test_removed_example_loses_its_transcript_files_on_the_next_build(
    tmp_path: Path, data: dict[str, Any], built: Catalog
) -> None:
    out = tmp_path / "out"
    gone = [f"transcripts/561/scenario-1-of-561.{kind}" for kind in
            ("request.http", "response.http", "curl.sh")]
    assert all((out / path).is_file() for path in gone)
    smaller = copy.deepcopy(data)
    smaller["codes"][561]["examples"].pop()
    catalog = write_catalog(tmp_path, smaller)
    check = run(tmp_path, "build", "catalog.yaml", "-o", "out", "--check")
    assert check.exit_code == 1
    assert {f"{Path('out') / path}: extra" for path in gone} <= set(check.stderr.splitlines())
    result = run(tmp_path, "build", "catalog.yaml", "-o", "out")
    assert result.exit_code == 0, result.output
    assert not any((out / path).exists() for path in gone)
    assert tree(out) == expected(catalog)
    removed = {f"{Path('out') / path}: removed (the catalog does not produce it)" for path in gone}
    assert removed <= set(result.stderr.splitlines())


def test_without_catalog_or_specgen_yaml_the_embedded_example_is_built_with_a_note(
    tmp_path: Path, embedded: Catalog
) -> None:
    result = run(tmp_path, "build", "-o", "out")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == NOTE
    assert tree(tmp_path / "out") == expected(embedded)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_specgen_yaml_in_the_current_folder_is_built_without_a_note(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    catalog = write_catalog(tmp_path, data, "specgen.yaml")
    result = run(tmp_path, "build")
    assert result.exit_code == 0, result.output
    assert "note:" not in result.stderr
    assert tree(tmp_path / "build" / "specgen") == expected(catalog)
    assert embedded_catalog_path().name not in result.stderr


# The transcripts are rendered and staged in a forked child; whichever side fails, nothing is
# left behind, and a child that dies is replaced by this process doing its part.

def fails(*_: Any) -> Any:
    raise RenderError.at("catalog", "cannot render this", pointer="/codes/561")


@pytest.mark.parametrize("first", [False, True], ids=["rebuild", "first-build"])
@pytest.mark.parametrize("part", ["transcripts", "docs"])
@pytest.mark.parametrize("fork", [True, False])
def test_a_part_that_fails_leaves_the_output_as_it_was(
    tmp_path: Path, built: Catalog, data: dict[str, Any], part: str, fork: bool, first: bool
) -> None:
    if fork and not can_fork():
        pytest.skip("no fork here")
    data["server"] = {"host": "changed.example.com"}  # every transcript and page changes
    write_catalog(tmp_path, data)
    if first:
        shutil.rmtree(tmp_path / "out")
    before = snapshot(tmp_path / "out")
    renderers = dict(build_module._parts())
    renderers[part] = fails
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build_module, "_parts", lambda changes=None: tuple(renderers.items()))
        patch.setattr(background, "can_fork", lambda: fork)
        result = run(tmp_path, "build", "catalog.yaml", "-o", "out")
    assert result.exit_code == 2
    assert result.stderr.startswith("catalog.yaml:") and "cannot render this" in result.stderr
    after = snapshot(tmp_path / "out")
    if first:  # a failed first build leaves no folder, not even its lock
        assert not (tmp_path / "out").exists()
    assert after == before  # no temporary file left, nothing replaced


def test_a_child_that_dies_is_replaced_by_the_parent(tmp_path: Path, data: dict[str, Any]) -> None:
    if not can_fork():
        pytest.skip("no fork here")
    catalog = write_catalog(tmp_path, data)
    parent = os.getpid()
    parts = build_module._parts()
    folder, render = parts[0]  # the background part

    def dies_in_the_child(catalog: Catalog) -> Any:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return render(catalog)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build_module, "_parts",
                      lambda changes=None: ((folder, dies_in_the_child), *parts[1:]))
        result = run(tmp_path, "build", "catalog.yaml", "-o", "out")
    assert result.exit_code == 0, result.output
    assert tree(tmp_path / "out") == expected(catalog)


def test_the_teams_own_pages_beside_specgens_survive_every_build(
    tmp_path: Path, data: dict[str, Any], built: Catalog
) -> None:
    """OUT/docs/ is often the site's docs folder: a page specgen did not write is never
    removed, while a page it wrote and no longer makes is (and named)."""
    out = tmp_path / "out"
    (out / "docs" / "guide.md").write_text("# Our guide\n", encoding="utf-8")
    smaller = copy.deepcopy(data)
    del smaller["codes"][404]
    catalog = write_catalog(tmp_path, smaller)
    result = run(tmp_path, "build", "catalog.yaml", "-o", "out")
    assert result.exit_code == 0, result.output
    assert (out / "docs" / "guide.md").read_text(encoding="utf-8") == "# Our guide\n"
    assert not (out / "docs" / "codes" / "404.md").exists()
    assert f"{Path('out/docs/codes/404.md')}: removed (the catalog does not produce it)" in \
        result.stderr.splitlines()
    assert tree(out) == {**expected(catalog), "docs/guide.md": b"# Our guide\n"}
